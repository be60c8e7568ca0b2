/**
 * What each party sees of a fusion job over the real transport (gRPC, mutual TLS, BFV; parties
 * in-process so observers record every message: the trees' and the scorecard's transcript
 * tooling, tests/trees/transcript.test.ts and tests/scorecard/transcript.test.ts), against the
 * rows of models/fusion/README.md (the union of the two kinds' rows, nothing more):
 * - every step the coordinator calls is one of the two kinds' (no message of its own carries data);
 * - the coordinator reads only the fields the trees and scorecard transcripts allow: counts,
 *   flags, masked values, shares, sealed payloads, the AUC; every value it decrypts and hands out
 *   (histogram shares, bin sums) is masked: uniform mod t, never a true count;
 * - a passive site receives only payloads sealed to it, from the bank, and scalars;
 * - the bank receives no passive feature name in any message, nor stores one in its part.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import type { TrainingMessageRecord } from '../../training/node-calls.js';
import { BFV_PLAIN_MODULUS } from '../../crypto/bfv-fixed.js';
import type { Site } from '../../schema/site-schema.js';
import type { RunningNode } from '../../node/server.js';
import type { TrainingCallRecord } from '../../training/node.js';
import { getStoredPart } from '../../site/model-store.js';
import { fusionKind, fusionParamsAny } from '../../models/fusion/kind.js';
import { fusionTreeParams } from '../../models/fusion/params.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import { SITES, fairBatchSize, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from '../training-transport/helpers.js';

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
const seenByCoordinator: TrainingMessageRecord[] = [];
const seenByNodes: TrainingCallRecord[] = [];
let alignmentId: string;

beforeAll(async () => {
  s = await makeSetup('fusion-transcript', 1500, 'fusion-transcript');
  coordinator = await inProcessCoordinator(s, { onTrainingMessage: (m) => seenByCoordinator.push(m) });
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site, { onTrainingCall: (r) => seenByNodes.push(r) }));
  ({ alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address));
}, 180_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

interface Sealed { from: string; to: string; sealed: unknown; signature: unknown }

function collectSealed(v: unknown): Sealed[] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return [];
  if (Array.isArray(v)) return v.flatMap(collectSealed);
  const o = v as Record<string, unknown>;
  if ('sealed' in o && 'signature' in o) return [o as unknown as Sealed];
  return Object.values(o).flatMap(collectSealed);
}

/** Every readable (non-sealed) field name of a message. */
function readableKeys(v: unknown, out = new Set<string>()): Set<string> {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return out;
  if (Array.isArray(v)) {
    for (const x of v) readableKeys(x, out);
    return out;
  }
  const o = v as Record<string, unknown>;
  if ('sealed' in o && 'signature' in o) return out;
  for (const [k, x] of Object.entries(o)) {
    out.add(k);
    readableKeys(x, out);
  }
  return out;
}

const TRANSPORT = ['StartTraining', 'FinishTraining', 'AbortTraining'];
const T = BFV_PLAIN_MODULUS;

describe('transcript of a fusion job over gRPC', () => {
  it('runs, and every message is what the trees and scorecard rows allow', async () => {
    const trainSize = Math.round(1500 * 0.8);
    const p = { trees: fusionTreeParams(DEFAULT_SCORECARD_PARAMS, { trees: 3, depth: 3, jobSeed: 5 }), scorecard: DEFAULT_SCORECARD_PARAMS };
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), {
      alignmentId, modelKind: 'fusion', kindParams: fusionParamsAny(p), epochs: 2, batchSize: fairBatchSize(trainSize), learningRate: 0.5, l2: 1e-3, seed: 5, patience: 5,
    });
    expect(model.kind).toBe('fusion');

    // 1. Only the two kinds' steps (and the transport's own calls).
    const steps = Object.keys(fusionKind.steps);
    for (const m of seenByCoordinator) expect([...TRANSPORT, ...steps]).toContain(m.method);
    expect(seenByCoordinator.some((m) => m.method === 'BuildHistograms')).toBe(true);
    expect(seenByCoordinator.some((m) => m.method === 'BinSums')).toBe(true);

    // 2. What the coordinator reads: the trees transcript's fields and the scorecard/LR's, nothing else.
    const readable = new Set<string>();
    for (const m of seenByCoordinator.filter((x) => steps.includes(x.method))) readableKeys(m.message, readable);
    const allowed = ['ref', 'jobId', 'epoch', 'step', 'tree', 'level', 'stride', 'nodes', 'leaves', 'attempt', 'site', 'masked', 'shares', 'perPassive', 'plan', 'toBank', 'fromSite', 'choice', 'notes',
      'validationAuc', 'improved', 'stop', 'bestTree', 'already', 'parts', 'part',
      // the scorecard's WOE protocol and LR's steps (tests/scorecard/transcript.test.ts, tests/training/transcript.test.ts)
      // (labels, residuals: lists of sealed payloads; ciphertexts: the bank's masked validation scores, which the coordinator decrypts masked; samples: a count)
      'labels', 'values', 'partials', 'residual', 'residuals', 'gradient', 'ciphertexts', 'samples'];
    const extra = [...readable].filter((k) => !allowed.includes(k));
    console.log(`fusion transcript: the coordinator read fields ${[...readable].sort().join(', ')}`);
    expect(extra).toEqual([]);

    // 3. Masked values only: the trees' histogram shares (ChooseSplits) and the bin sums (ApplyBinSums).
    const masked = seenByCoordinator.filter((m) => m.method === 'ChooseSplits' && m.direction === 'sent')
      .flatMap((m) => (m.message as { perPassive: { masked: number[] }[] }).perPassive.flatMap((x) => x.masked));
    expect(masked.length).toBeGreaterThan(100);
    const cells = new Array<number>(16).fill(0);
    for (const v of masked) cells[Math.min(15, Math.floor((v / T) * 16))]!++;
    const e = masked.length / 16;
    expect(cells.reduce((a, c) => a + (c - e) ** 2 / e, 0)).toBeLessThan(37.7);
    const binSums = seenByCoordinator.filter((m) => m.method === 'ApplyBinSums' && m.direction === 'sent').flatMap((m) => (m.message as { values: number[] }).values);
    expect(binSums.length).toBeGreaterThan(2);
    for (const v of binSums) expect(Math.min(v, T - v)).toBeGreaterThan(2 ** 20);

    // 4. A passive site receives payloads sealed to it by the bank, and scalars.
    for (const r of seenByNodes.filter((x) => x.site !== 'bank' && steps.includes(x.method))) {
      for (const q of collectSealed(r.request)) {
        expect(q.to).toBe(r.site);
        expect(q.from).toBe('bank');
      }
    }

    // 5. The bank: no passive feature name in anything it receives or stores.
    const parts = new Map(await Promise.all(SITES.map(async (site) => [site, (await getStoredPart(nodes.get(site)!.store, model.modelVersion)) as unknown as { features: string[]; kind: string }] as const)));
    const bankFeatures = new Set(parts.get('bank')!.features);
    const passiveNames = ['tax', 'power'].flatMap((site) => parts.get(site as Site)!.features).filter((f) => !bankFeatures.has(f));
    expect(passiveNames.length).toBeGreaterThan(5);
    const atBank = JSON.stringify([seenByNodes.filter((r) => r.site === 'bank').map((r) => r.request), parts.get('bank')]);
    for (const f of passiveNames) expect(atBank.includes(f), `passive feature ${f} reached the bank`).toBe(false);
    // ...while a passive site's own part names its own (the check would catch a leak in that direction).
    expect(JSON.stringify(parts.get('tax'))).toContain(parts.get('tax')!.features[0]!);
  }, 600_000);
});
