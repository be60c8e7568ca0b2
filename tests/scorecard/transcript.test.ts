/**
 * What each party sees of a scorecard job over the real transport (gRPC, mutual TLS; parties
 * in-process so observers can record every message), against models/scorecard/README.md:
 * - the coordinator relays the bank's labels sealed to each passive site (it cannot open them)
 *   and decrypts only bin sums masked uniformly mod t: no count in the clear;
 * - the bank receives nothing of a passive site's bins;
 * - a passive site receives [[y]] sealed to it and, per packed group of its released bins
 *   (models/scorecard/bin-sums.ts), one masked residue; every
 *   bin it released holds at least the minimum (50 enterprises and 5% of the training split),
 *   and the counts it unmasked are exactly the pooled counts of defaults in its bins.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import type { TrainingMessageRecord } from '../../training/node-calls.js';
import { BFV_PLAIN_MODULUS } from '../../crypto/bfv-fixed.js';
import { openSealedBox } from '../../crypto/sealed-box.js';
import { generateX25519KeyPair, loadOrCreateX25519KeyPair } from '../../crypto/x25519.js';
import type { Site } from '../../schema/site-schema.js';
import type { RunningNode } from '../../node/server.js';
import type { TrainingCallRecord } from '../../training/node.js';
import { unframeCiphertexts } from '../../training/envelope.js';
import { getStoredPart } from '../../site/model-store.js';
import { NEUTRAL, binOf, minBinSize } from '../../models/scorecard/binning.js';
import { bytesToFloat64 } from '../../site/store.js';
import type { ScorecardPart } from '../../models/scorecard/part.js';
import { packBins } from '../../models/scorecard/bin-sums.js';
import type { ScoringPart } from '../../training/model-kind.js';
import { SITES, fairBatchSize, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from '../training-transport/helpers.js';

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
const seenByCoordinator: TrainingMessageRecord[] = [];
const seenByNodes: TrainingCallRecord[] = [];
let alignmentId: string;
let trainSize: number;

beforeAll(async () => {
  s = await makeSetup('scorecard-transcript', 700, 'scorecard-transcript');
  coordinator = await inProcessCoordinator(s, { onTrainingMessage: (m) => seenByCoordinator.push(m) });
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site, { onTrainingCall: (r) => seenByNodes.push(r) }));
  ({ alignmentId, trainSize } = await ingestAndAlign(s, (site) => nodes.get(site)!.address));
}, 180_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

const WOE_STEPS = ['EncryptLabels', 'BinSums', 'ApplyBinSums'];
const LR_STEPS = ['PartialLinear', 'Residual', 'Gradient', 'ApplyGradient', 'ValidationPartial', 'MaskedScores', 'FinishEpoch', 'EpochResult'];

describe('transcript of a scorecard job over gRPC', () => {
  it('runs, and every message is what the scorecard README allows', async () => {
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), {
      alignmentId, modelKind: 'scorecard', epochs: 2, batchSize: fairBatchSize(trainSize), learningRate: 0.5, l2: 1e-3, seed: 5, patience: 5,
    });
    expect(model.kind).toBe('scorecard');
    const sealingKey = (site: Site) => loadOrCreateX25519KeyPair(path.join(s.dir, `node-${site}`, 'sealing.key')).privateKey;

    // 1. The labels: from the bank, one sealed payload per passive site, relayed unopened.
    const encrypt = seenByCoordinator.filter((m) => m.method === 'EncryptLabels' && m.direction === 'received');
    expect(encrypt.length).toBe(1);
    const labels = (encrypt[0]!.message as { labels: Sealed[] }).labels;
    expect(labels.map((p) => p.to).sort()).toEqual(['power', 'tax']);
    for (const p of labels) {
      expect(p.from).toBe('bank');
      const binding = { purpose: 'training', sender: p.from, recipient: p.to, extra: `${p.jobId}/${p.attempt}/${p.kind}/${p.epoch}/${p.step}` };
      const inner = unframeCiphertexts(openSealedBox(sealingKey(p.to as Site), new Uint8Array(p.sealed), binding), 'test');
      expect(inner.length).toBe(Math.ceil(trainSize / 8192));
      for (const other of [sealingKey('bank'), sealingKey(p.to === 'tax' ? 'power' : 'tax'), generateX25519KeyPair().privateKey]) {
        expect(() => openSealedBox(other, new Uint8Array(p.sealed), binding)).toThrow();
      }
    }

    // 2. The coordinator decrypts bin sums masked uniformly mod t: a true count is below the
    // training size, a masked one is far from 0 on both sides (a chance of about 2^-29 each).
    const handedOut = seenByCoordinator.filter((m) => m.method === 'ApplyBinSums' && m.direction === 'sent');
    expect(handedOut.map((m) => m.site).sort()).toEqual(['power', 'tax']);
    const values = handedOut.flatMap((m) => (m.message as { values: number[] }).values);
    expect(values.length).toBeGreaterThan(4);
    for (const v of values) expect(Math.min(v, BFV_PLAIN_MODULUS - v)).toBeGreaterThan(2 ** 20);
    for (const m of seenByCoordinator.filter((x) => x.direction === 'received')) {
      expect(['StartTraining', ...WOE_STEPS, ...LR_STEPS, 'FinishTraining']).toContain(m.method);
    }

    // 3. The bank is asked to encrypt its labels and nothing else of the WOE steps; the passive
    // sites get only their own sealed labels and masked residues.
    for (const r of seenByNodes) {
      const req = r.request as Record<string, unknown>;
      if (r.site === 'bank') expect(['BinSums', 'ApplyBinSums']).not.toContain(r.method);
      else expect(['EncryptLabels']).not.toContain(r.method);
      for (const p of collectSealed(req)) {
        expect(p.to).toBe(r.site);
        expect(p.from).not.toBe(r.site);
      }
      if (r.method === 'StartTraining') expect(JSON.stringify(req)).not.toMatch(/label|feature/i);
    }

    // 4. Every bin a passive site released qualifies, and its unmasked counts are right: per
    // characteristic they add up to the bank's number of defaults in the training split.
    const parts = new Map<Site, ScorecardPart & ScoringPart>();
    for (const site of SITES) {
      const part = await getStoredPart(nodes.get(site)!.store, model.modelVersion);
      expect(part?.kind).toBe('scorecard');
      parts.set(site, part as unknown as ScorecardPart & ScoringPart);
    }
    const bank = parts.get('bank')!;
    const defaults = bank.characteristics[0]!.events.reduce((a, b) => a + b, 0);
    expect(defaults).toBeGreaterThan(0);
    const min = minBinSize(trainSize);
    for (const site of ['tax', 'power'] as const) {
      const part = parts.get(site)!;
      const sent = handedOut.find((m) => m.site === site)!.message as { values: number[] };
      // One masked value per packed group of bins (bin-sums.ts), a pure function of the released sizes.
      expect(sent.values.length).toBe(packBins([part.released]).length);
      expect(sent.values.length).toBeLessThan(part.released.length);
      for (const size of part.released) expect(size).toBeGreaterThanOrEqual(min);
      expect(part.characteristics.length).toBeGreaterThan(0);
      for (const c of part.characteristics) {
        expect(c.events.reduce((a, b) => a + b, 0)).toBe(defaults);
        for (const [b, count] of c.counts.entries()) expect(c.events[b]!).toBeLessThanOrEqual(count);
      }
      // Exactly the pooled counts: each bin's defaults, from the site's stored vectors and the
      // bank's labels of the training split (read here, in the test only).
      const node = nodes.get(site)!;
      const alignment = (await node.store.alignments.get(alignmentId)) as { train: string[] };
      const vectors = (await node.store.features.getMany(alignment.train)).map((b) => bytesToFloat64(b!));
      const labels = await nodes.get('bank')!.store.labels.getMany(alignment.train);
      for (const c of part.characteristics) {
        const truth = new Array<number>(c.counts.length).fill(0);
        vectors.forEach((v, i) => {
          const b = binOf(c, Float64Array.from(part.featureIndexes, (k) => v[k]!));
          expect(b).not.toBe(NEUTRAL);
          if (labels[i] === '1') truth[b]!++;
        });
        expect(c.events).toEqual(truth);
      }
      console.log(`${site}: released ${part.released.length} bins (${part.released.join(', ')}), chose ${part.characteristics.map((c) => `${c.name} (IV ${c.iv.toFixed(3)}, weight ${c.weight.toExponential(2)})`).join(', ')}; dropped ${part.dropped.map((d) => d.name).join(', ')}`);
    }
  }, 400_000);
});

interface Sealed { jobId: string; attempt: string; from: string; to: string; kind: string; epoch: number; step: number; sealed: Uint8Array }

function collectSealed(v: unknown): Sealed[] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return [];
  if (Array.isArray(v)) return v.flatMap(collectSealed);
  const o = v as Record<string, unknown>;
  if ('sealed' in o && 'signature' in o) return [o as unknown as Sealed];
  return Object.values(o).flatMap(collectSealed);
}
