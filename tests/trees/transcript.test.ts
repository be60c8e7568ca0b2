/**
 * What each party sees of a boosted-trees job over the real transport (gRPC, mutual TLS, BFV;
 * parties in-process so observers can record every message), against the rows of
 * docs/design/secureboost.md section 6 (models/trees/README.md):
 * - the coordinator decrypts only masked values, uniform mod t: none is a (G, H) sum;
 * - it cannot tell which site won a split: at every level each passive's sealed choice, its
 *   relayed choice and its sealed partition have the same length;
 * - it reads no row index, no bin, no threshold: every field it can read is a count, a flag, a
 *   masked value, a share or the AUC;
 * - every (G, H) cell the bank can unmask covers >= minCellCount training rows, in the built
 *   child and in its sibling (what the bank gets by subtraction);
 * - a passive's slot order is reshuffled per tree;
 * - a passive site receives only payloads sealed to it (plans under a key it does not hold,
 *   choices, notes) and scalars: no label, g, h or leaf weight.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import type { TrainingMessageRecord } from '../../training/node-calls.js';
import { BFV_PLAIN_MODULUS, fromResidue, subResidue, toResidue } from '../../crypto/bfv-fixed.js';
import { openSealedBox } from '../../crypto/sealed-box.js';
import { loadOrCreateX25519KeyPair } from '../../crypto/x25519.js';
import type { Site } from '../../schema/site-schema.js';
import type { RunningNode } from '../../node/server.js';
import type { TrainingCallRecord } from '../../training/node.js';
import { unframeCiphertexts } from '../../training/envelope.js';
import { getStoredPart } from '../../site/model-store.js';
import { treesParamsAny } from '../../models/trees/kind.js';
import { treeParams } from '../../models/trees/params.js';
import { unpackSum } from '../../models/trees/quantize.js';
import type { SlotMapWire } from '../../models/trees/wire.js';
import type { TreesPart } from '../../models/trees/part.js';
import { SITES, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from '../training-transport/helpers.js';

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
const seenByCoordinator: TrainingMessageRecord[] = [];
const seenByNodes: TrainingCallRecord[] = [];
let alignmentId: string;

beforeAll(async () => {
  s = await makeSetup('trees-transcript', 1500, 'trees-transcript');
  coordinator = await inProcessCoordinator(s, { onTrainingMessage: (m) => seenByCoordinator.push(m) });
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site, { onTrainingCall: (r) => seenByNodes.push(r) }));
  ({ alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address));
}, 180_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

interface Sealed { jobId: string; attempt: string; from: string; to: string; kind: string; epoch: number; step: number; sealed: Uint8Array | string; signature: Uint8Array | string }

/** A sealed box's bytes (the coordinator's write-ahead record keeps them as base64). */
const bytesOf = (b: Uint8Array | string): Uint8Array => (typeof b === 'string' ? Buffer.from(b, 'base64') : new Uint8Array(b));

function collectSealed(v: unknown): Sealed[] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return [];
  if (Array.isArray(v)) return v.flatMap(collectSealed);
  const o = v as Record<string, unknown>;
  if ('sealed' in o && 'signature' in o) return [o as unknown as Sealed];
  return Object.values(o).flatMap(collectSealed);
}

/** Every readable (non-sealed) field name of a message, with the path's last key. */
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

const TREE_STEPS = ['LevelStart', 'BuildHistograms', 'ChooseSplits', 'ApplySplits', 'ApplyPartitions', 'FinishTree', 'TreeDone'];
const PARAMS = treeParams({ trees: 3, depth: 3, earlyStoppingRounds: 0, jobSeed: 11 });
const T = BFV_PLAIN_MODULUS;

describe('transcript of a boosted-trees job over gRPC', () => {
  it('runs, and every message is what design section 6 allows', async () => {
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, modelKind: 'boosted-trees', kindParams: treesParamsAny(PARAMS) });
    expect(model.kind).toBe('boosted-trees');
    const key = (site: Site) => loadOrCreateX25519KeyPair(path.join(s.dir, `node-${site}`, 'sealing.key')).privateKey;
    const open = (p: Sealed): Uint8Array[] => unframeCiphertexts(openSealedBox(key(p.to as Site), bytesOf(p.sealed), {
      purpose: 'training', sender: p.from, recipient: p.to, extra: `${p.jobId}/${p.attempt}/${p.kind}/${p.epoch}/${p.step}`,
    }), 'test');
    const kindRecords = seenByCoordinator.filter((m) => TREE_STEPS.includes(m.method));
    expect(kindRecords.length).toBeGreaterThan(0);

    // 1. Masked values only: the coordinator hands the bank values uniform mod t. An unmasked
    // packed sum G + 2^25 H lies in (-2^23, 2^48 + 2^23], i.e. a residue below 2^48 + 2^23 or
    // above t - 2^23: about a quarter of [0, t). Uniform values fall outside that 3/4 of the time.
    const choose = seenByCoordinator.filter((m) => m.method === 'ChooseSplits' && m.direction === 'sent');
    const perPassive = choose.flatMap((m) => (m.message as { perPassive: { site: string; masked: number[]; fromSite: Sealed }[] }).perPassive);
    const masked = perPassive.flatMap((p) => p.masked);
    expect(masked.length).toBeGreaterThan(200);
    const outside = masked.filter((v) => v > 2 ** 48 + 2 ** 23 && v < T - 2 ** 23).length / masked.length;
    expect(outside).toBeGreaterThan(0.68);
    expect(outside).toBeLessThan(0.82);
    // Chi-square over the top 4 bits of the residue (16 cells, 15 degrees of freedom, 0.1% level 37.7).
    const cells = new Array<number>(16).fill(0);
    for (const v of masked) cells[Math.min(15, Math.floor((v / T) * 16))]!++;
    const e = masked.length / 16;
    expect(cells.reduce((a, c) => a + (c - e) ** 2 / e, 0)).toBeLessThan(37.7);
    // The bank removes the masks (opened here with its key) and gets exact sums; no handed-out value is one.
    let sums = 0;
    for (const p of perPassive) {
      const map = JSON.parse(new TextDecoder().decode(open(p.fromSite)[0]!)) as SlotMapWire;
      p.masked.forEach((v, k) => {
        const V = fromResidue(subResidue(v, map.masks[k]!));
        expect(() => unpackSum(V)).not.toThrow();
        expect(v).not.toBe(toResidue(V));
        sums++;
      });
    }
    expect(sums).toBe(masked.length);

    // 2. No split owner: at every level each passive's sealed choice, relayed choice and sealed partition have one length.
    const byLevel = new Map<string, TrainingMessageRecord[]>();
    for (const m of kindRecords) {
      const msg = m.message as { tree?: number; level?: number };
      if (msg.level === undefined) continue;
      const k = `${msg.tree}/${msg.level}`;
      byLevel.set(k, [...(byLevel.get(k) ?? []), m]);
    }
    let levelsWithPassives = 0;
    for (const [, ms] of byLevel) {
      const choice = ms.find((m) => m.method === 'ChooseSplits' && m.direction === 'received');
      const sealedChoices = (choice?.message as { perPassive?: Sealed[] } | undefined)?.perPassive ?? [];
      if (sealedChoices.length === 0) continue;
      levelsWithPassives++;
      expect(new Set(sealedChoices.map((c) => bytesOf(c.sealed).length)).size).toBe(1);
      const relayed = ms.filter((m) => m.method === 'ApplySplits' && m.direction === 'sent').map((m) => bytesOf((m.message as { choice: Sealed }).choice.sealed).length);
      const partitions = ms.filter((m) => m.method === 'ApplyPartitions' && m.direction === 'sent').flatMap((m) => (m.message as { perPassive: Sealed[] }).perPassive.map((p) => bytesOf(p.sealed).length));
      expect(relayed).toHaveLength(2);
      expect(new Set(relayed).size).toBe(1);
      expect(partitions).toHaveLength(2);
      expect(new Set(partitions).size).toBe(1);
    }
    expect(levelsWithPassives).toBeGreaterThanOrEqual(4);
    // ...and passive sites did win splits (else the equal lengths would be trivially equal).
    const bankPart = (await getStoredPart(nodes.get('bank')!.store, model.modelVersion)) as unknown as TreesPart;
    const owners = bankPart.structure!.flatMap((t) => t.nodes.map((n) => n.owner));
    expect(owners.filter((o) => o === 'tax' || o === 'power').length).toBeGreaterThan(0);

    // 3. What the coordinator can read: counts, flags, masked values, shares, the AUC; never a row, bin or threshold.
    const readable = new Set<string>();
    for (const m of kindRecords) readableKeys(m.message, readable);
    const allowed = ['ref', 'jobId', 'epoch', 'step', 'tree', 'level', 'stride', 'nodes', 'leaves', 'attempt', 'site', 'masked', 'shares', 'perPassive', 'plan', 'toBank', 'fromSite', 'choice', 'notes',
      'validationAuc', 'improved', 'stop', 'bestTree', 'already', 'parts', 'part'];
    expect([...readable].filter((k) => !allowed.includes(k))).toEqual([]);

    // 4. The bank unmasks (G, H) only of cells of >= minCellCount rows, in the built child and its sibling.
    const slotMaps = seenByCoordinator.filter((m) => m.method === 'BuildHistograms' && m.direction === 'received')
      .map((m) => ({ site: m.site, map: JSON.parse(new TextDecoder().decode(open((m.message as { toBank: Sealed }).toBank)[0]!)) as SlotMapWire }));
    const countsAt = new Map<string, number[][]>();
    let checkedCells = 0;
    for (const { site, map } of slotMaps) {
      const plan = seenByNodes.find((r) => r.site === site && r.method === 'BuildHistograms' && (r.request as { tree: number; level: number }).tree === map.tree && (r.request as { level: number }).level === map.level);
      const built = JSON.parse(new TextDecoder().decode(open((plan!.request as { plan: Sealed }).plan)[0]!)) as { nodes: { node: number }[] };
      built.nodes.forEach(({ node }, n) => {
        const slots = map.entries[n]!;
        const mine: number[][] = [];
        const sibling: number[][] = [];
        slots.forEach((e, slot) => {
          for (const c of e.count) expect(c).toBeGreaterThanOrEqual(PARAMS.minCellCount);
          checkedCells += e.count.length;
          mine.push(e.count);
          if (node === 0) return;
          const parent = countsAt.get(`${site}/${map.tree}/${(node - 1) >> 1}`)![slot]!;
          const coarse = new Array<number>(e.count.length).fill(0);
          e.into!.forEach((to, b) => { if (to >= 0) coarse[to]! += parent[b]!; });
          const sib = coarse.map((c, b) => c - e.count[b]!);
          for (const c of sib) expect(c).toBeGreaterThanOrEqual(PARAMS.minCellCount);
          sibling.push(sib);
        });
        countsAt.set(`${site}/${map.tree}/${node}`, mine);
        if (node !== 0) countsAt.set(`${site}/${map.tree}/${node % 2 === 1 ? node + 1 : node - 1}`, sibling);
      });
    }
    expect(checkedCells).toBeGreaterThan(50);

    // 5. Slots reshuffled per tree: the same features' root cells, in another slot order.
    for (const site of ['tax', 'power']) {
      const roots = slotMaps.filter((x) => x.site === site && x.map.level === 0).map((x) => x.map.entries[0]!.map((e) => JSON.stringify(e.count)));
      expect(roots.length).toBe(2);
      expect([...roots[0]!].sort()).toEqual([...roots[1]!].sort());
      expect(roots[0]).not.toEqual(roots[1]);
    }

    // 6. A passive site receives payloads sealed to it and scalars only.
    for (const r of seenByNodes.filter((x) => x.site !== 'bank' && TREE_STEPS.includes(x.method))) {
      expect(['BuildHistograms', 'ApplySplits', 'TreeDone']).toContain(r.method);
      for (const p of collectSealed(r.request)) {
        expect(p.to).toBe(r.site);
        expect(p.from).toBe('bank');
      }
      expect([...readableKeys(r.request)].filter((k) => !['ref', 'jobId', 'attempt', 'epoch', 'step', 'tree', 'level', 'plan', 'choice', 'notes', 'improved', 'stop', 'bestTree', 'parts', 'part'].includes(k))).toEqual([]);
    }
    console.log(`trees transcript: ${masked.length} masked values (${(outside * 100).toFixed(1)}% outside the unmasked range), ${levelsWithPassives} levels with passive sites, ${checkedCells} released cells checked`);
  }, 600_000);
});
