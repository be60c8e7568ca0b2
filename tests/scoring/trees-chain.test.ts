/**
 * The leaf chain in-process (docs/design/secureboost.md 7.1, 13 "Scoring"): hand-built random
 * boosted-trees parts at three sites (bank, power, tax), enterprises with missing values and
 * sites without the record.
 *
 * - The chain's algebra over the slots (models/trees/scoring.ts: the bank's fixed-point values
 *   times every site's indicator, summed) equals the plain walk of the stored model for 1,000
 *   random enterprises over 10 random models, exactly in fixed point and within T x 2^-17 of the
 *   float sum.
 * - The encrypted chain (crypto/bfv-batch.ts at N = 16384 for two passives, sealed hops, the
 *   mod t_s lane with pairwise masks: scoring/leaf-chain.ts) gives the same sum for 16
 *   enterprises (each chain costs ~0.3-1 s of CPU here, so not 1,000), and the bank's decrypted
 *   slots are uniform (chi-square over every slot of those chains); the coordinator's view of
 *   the hops (the transcript rows of 7.2) holds no leaf id and no per-site term.
 */
import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { generateX25519KeyPair, type X25519KeyPair } from '../../crypto/x25519.js';
import { BfvBatchContext, CHAIN_FRACTION_BITS, CHAIN_PLAIN_MODULUS, ringDegreeFor } from '../../crypto/bfv-batch.js';
import { maskSeed } from '../../scoring/secure-aggregation.js';
import { LeafChainNode, runLeafChain, type ChainHopAnswer, type ChainHopRequest } from '../../scoring/leaf-chain.js';
import { chainFixed, plainTreesLogit, treesLeafChain } from '../../models/trees/scoring.js';
import type { TreesPart } from '../../models/trees/part.js';
import type { ScoringPart } from '../../training/model-kind.js';
import { rng } from '../training/helpers.js';

type Part = ScoringPart & TreesPart;
const SITES = ['bank', 'power', 'tax'] as const;
const FEATURES: Record<string, string[]> = { bank: ['b0', 'b1', 'b2'], power: ['p0', 'p1', 'p2', 'p3'], tax: ['t0', 't1'] };

/** A random model: per tree a random shape down to `depth`, each split owned by a random site, leaf weights in [-1, 1]. */
function randomModel(seed: number, trees: number, depth: number, keys?: { n: number; publicKey: string; secretKey: string }): Map<string, Part> {
  const r = rng(seed);
  const own = new Map<string, { tree: number; splits: Part['trees'][number]['splits'] }[]>(SITES.map((s) => [s, []]));
  const structure: NonNullable<Part['structure']> = [];
  for (let t = 0; t < trees; t++) {
    for (const s of SITES) own.get(s)!.push({ tree: t, splits: [] });
    const nodes: { node: number; owner: string }[] = [];
    const leaves: { node: number; weight: number }[] = [];
    const grow = (node: number, d: number) => {
      if (d === depth || (d > 0 && r() < 0.2)) {
        leaves.push({ node, weight: Math.round((r() * 2 - 1) * 1e6) / 1e6 });
        nodes.push({ node, owner: 'leaf' });
        return;
      }
      const owner = SITES[Math.floor(r() * 3)]!;
      const feature = FEATURES[owner]![Math.floor(r() * FEATURES[owner]!.length)]!;
      const threshold = r() < 0.1 ? Infinity : Math.round((r() * 2 - 1) * 100) / 100;
      own.get(owner)![t]!.splits.push({ node, feature, threshold, bin: 0, missingLeft: r() < 0.5, gain: r(), riskierLeft: r() < 0.5, cover: r() });
      nodes.push({ node, owner });
      grow(2 * node + 1, d + 1);
      grow(2 * node + 2, d + 1);
    };
    grow(0, 0);
    structure.push({ tree: t, nodes: nodes.sort((a, b) => a.node - b.node), leaves });
  }
  const parts = new Map<string, Part>();
  for (const site of SITES) {
    const base = {
      modelVersion: `m${seed}`, site, features: FEATURES[site]!, featureIndexes: FEATURES[site]!.map((_, i) => i),
      kind: 'boosted-trees' as const, trees: JSON.parse(JSON.stringify(own.get(site)!)) as Part['trees'], baseline: 0 as const, depth, described: [],
      scoringPublicKey: keys?.publicKey ?? 'none', ...(keys ? { scoringN: keys.n } : {}),
    };
    parts.set(site, site === 'bank' ? { ...base, structure, baseScore: -1.5, scoringSecretKey: keys?.secretKey ?? '' } : base);
  }
  return parts;
}

/** An enterprise: per site a vector with ~20% missing values, or no record (~10%). */
function randomEnterprise(r: () => number): Map<string, Float64Array | undefined> {
  return new Map(SITES.map((s) => [s, r() < 0.1 ? undefined : Float64Array.from(FEATURES[s]!, () => (r() < 0.2 ? Number.NaN : Math.round((r() * 2 - 1) * 100) / 100))]));
}

/** The sum over slots of the bank's fixed-point value times every site's indicator. */
function slotAlgebra(parts: Map<string, Part>, e: Map<string, Float64Array | undefined>): number {
  const bank = parts.get('bank')!;
  const w = treesLeafChain.values!(bank);
  const xs = SITES.map((s) => treesLeafChain.indicator(parts.get(s)!, e.get(s)));
  for (const x of xs) expect(x.length).toBe(treesLeafChain.slots(parts.get('bank')!));
  let sum = 0;
  for (let i = 0; i < w.length; i++) if (xs.every((x) => x[i] === 1)) sum += chainFixed(w[i]!);
  return sum;
}

describe('the leaf chain', () => {
  const contexts: LeafChainNode[] = [];
  afterAll(() => { for (const c of contexts) c.close(); });

  it('slot algebra equals the plain walk of the stored model: 1,000 enterprises over 10 random models (3 sites, missing values, sites without the record)', () => {
    const r = rng(99);
    let checked = 0;
    let noRecord = 0;
    for (let m = 0; m < 10; m++) {
      const trees = 5 + Math.floor(r() * 30);
      const parts = randomModel(1000 + m, trees, 1 + Math.floor(r() * 5));
      for (let k = 0; k < 100; k++) {
        const e = randomEnterprise(r);
        if ([...e.values()].some((v) => v === undefined)) noRecord++;
        const plain = plainTreesLogit(parts.get('bank')!, [...parts.values()], e) - parts.get('bank')!.baseScore!;
        // Exactly: each tree's reached leaf in fixed point.
        let fixed = 0;
        const bank = parts.get('bank')!;
        for (const t of bank.structure!) {
          const one = new Map([...parts.values()].map((p) => [p.site, p]));
          fixed += chainFixed(plainTreesLogit({ ...bank, baseScore: 0, structure: [t] }, [...one.values()], e));
        }
        const sum = slotAlgebra(parts, e);
        expect(sum).toBe(fixed);
        expect(Math.abs(sum / 2 ** CHAIN_FRACTION_BITS - plain)).toBeLessThanOrEqual(trees * 2 ** -17 + 1e-12);
        checked++;
      }
    }
    expect(checked).toBe(1000);
    expect(noRecord).toBeGreaterThan(100);
  });

  it('the encrypted chain over sealed hops and the mod t_s lane gives the plain sum; the bank\'s decrypted slots are uniform', async () => {
    const n = ringDegreeFor(2);
    expect(n).toBe(16384);
    const keyCtx = await BfvBatchContext.create(n);
    const k = keyCtx.generateKeys();
    keyCtx.dispose();
    const keys = { n, publicKey: Buffer.from(k.publicKey).toString('base64'), secretKey: Buffer.from(k.secretKey).toString('base64') };
    const parts = randomModel(7, 100, 5, keys);
    const sealing = new Map<string, X25519KeyPair>(SITES.map((s) => [s, generateX25519KeyPair()]));
    const slots: Uint32Array[] = [];
    const nodes = new Map(SITES.map((site) => {
      const node = new LeafChainNode({
        site, sealingPrivateKey: sealing.get(site)!.privateKey, peerKey: (p) => sealing.get(p)?.publicKey,
        ...(site === 'bank' ? { observeSlots: (s: Uint32Array) => slots.push(s) } : {}),
      });
      contexts.push(node);
      return [site, node];
    }));
    const r = rng(5);
    const started = process.cpuUsage();
    const ENTERPRISES = 16;
    const cost = new Map<string, { ms: number; bytes: number; n: number }>();
    const ownTerms: Map<string, number>[] = [];
    // What the coordinator relays and reads (7.2).
    const seen: { site: string; req: ChainHopRequest; answer: ChainHopAnswer; q: number }[] = [];
    let q = 0;
    for (; q < ENTERPRISES; q++) {
      const e = randomEnterprise(r);
      const queryId = `q-${q}`;
      // Each site's own term outside the slots (fusion's ordinary characteristics, the trees' base score) rides in the lane too.
      const own = new Map(SITES.map((site) => [site, (r() - 0.5) * 8]));
      ownTerms.push(own);
      for (const site of SITES) {
        const seeds = new Map(SITES.filter((p) => p !== site).map((p) => [p, maskSeed(sealing.get(site)!.privateKey, sealing.get(p)!.publicKey)]));
        nodes.get(site)!.prepare({
          queryId, logIndex: 100 + q, participants: [...SITES], seeds, part: parts.get(site)!, role: site === 'bank' ? 'bank' : 'passive', hook: treesLeafChain, vector: e.get(site), ownTerm: own.get(site)!,
        });
      }
      const { sum } = await runLeafChain('bank', SITES, queryId, 'm7', async (site, req) => {
        // Per hop: the party's CPU (all run in this process, one after another) and the bytes relayed.
        const before = process.cpuUsage();
        const answer = await nodes.get(site)!.hop(req);
        const used = process.cpuUsage(before);
        seen.push({ site, req, answer, q });
        const key = `${site}@${req.hop}`;
        const c = cost.get(key) ?? { ms: 0, bytes: 0, n: 0 };
        cost.set(key, { ms: c.ms + (used.user + used.system) / 1000, bytes: c.bytes + answer.payload.length, n: c.n + 1 });
        return answer;
      });
      const plain = plainTreesLogit(parts.get('bank')!, [...parts.values()], e) - parts.get('bank')!.baseScore!;
      const ownFixed = SITES.reduce((a, site) => a + Math.round(own.get(site)! * 2 ** CHAIN_FRACTION_BITS), 0);
      const ownSum = SITES.reduce((a, site) => a + own.get(site)!, 0);
      // The lane's sum is the whole logit: the slots and every site's own term, not two sums.
      expect(sum).toBe((slotAlgebra(parts, e) + ownFixed) / 2 ** CHAIN_FRACTION_BITS);
      expect(Math.abs(sum - plain - ownSum)).toBeLessThanOrEqual((100 + SITES.length) * 2 ** -17);
      // Each hop is answered once: a replay finds nothing prepared.
      await expect(nodes.get('power')!.hop({ queryId, modelVersion: 'm7', hop: 1, payload: new Uint8Array(0), next: 'tax', from: 'bank', last: false })).rejects.toThrow(/no consented query/);
    }
    const cpu = process.cpuUsage(started);
    console.log(`per hop (site@hop: ms CPU, bytes out): ${[...cost.entries()].map(([k, c]) => `${k}: ${(c.ms / c.n).toFixed(0)} ms, ${Math.round(c.bytes / c.n)} B`).join('; ')}`);
    console.log(`leaf chain in-process, 3 sites, 100 trees x depth 5, N = ${n}: ${((cpu.user + cpu.system) / 1000 / ENTERPRISES).toFixed(0)} ms CPU per query (all parties in one process)`);
    // Transcript rows (7.2): the coordinator's readable fields are the query id, model, hop
    // number, the chain's order (next / from / last: fixed by the site names) and the lane
    // shares; no leaf id, no per-site term. Each hop's payload is a sealed box of one size
    // whatever the enterprise (uncompressed ciphertexts: a compressed one's size varied by ~500
    // bytes between queries, a side channel), and opens for its recipient only.
    for (const h of seen) {
      expect(Object.keys(h.req).sort()).toEqual(['from', 'hop', 'last', 'modelVersion', 'next', 'payload', 'queryId']);
      expect(Object.keys(h.answer).sort()).toEqual(['laneShare', 'payload']);
    }
    for (const hop of [0, 1, 2]) {
      const sizes = seen.filter((h) => h.req.hop === hop).map((h) => h.answer.payload.length);
      expect(Math.max(...sizes)).toBe(Math.min(...sizes));
    }
    // The bank's lane share is A = S + sum rho plus masks, not S; the last passive's is not -sum rho; the other passive's not 0.
    const laneOf = (site: string, q: number) => Number(seen.find((h) => h.site === site && h.q === q && h.answer.laneShare !== '')!.answer.laneShare);
    const bankShares = Array.from({ length: ENTERPRISES }, (_, q) => laneOf('bank', q));
    const powerShares = Array.from({ length: ENTERPRISES }, (_, q) => laneOf('power', q));
    expect(new Set(powerShares).size).toBe(ENTERPRISES);
    expect(new Set(bankShares).size).toBe(ENTERPRISES);
    for (let q = 0; q < ENTERPRISES; q++) {
      const slotSum = slots[q]!.reduce((a, v) => (a + v) % CHAIN_PLAIN_MODULUS, 0);
      expect(bankShares[q]).not.toBe(slotSum);
    }
    // A passive's lane share is not its own term (the masks hide it), nor is the bank's.
    for (let q = 0; q < ENTERPRISES; q++) {
      const own = ownTerms[q]!;
      for (const site of ['tax', 'bank']) {
        const fixed = ((Math.round(own.get(site)! * 2 ** CHAIN_FRACTION_BITS) % CHAIN_PLAIN_MODULUS) + CHAIN_PLAIN_MODULUS) % CHAIN_PLAIN_MODULUS;
        expect(laneOf(site, q)).not.toBe(fixed);
      }
    }
    // A term the lane cannot carry (the sites' terms together could wrap mod t_s) is refused at the share, before any hop.
    const seeds = new Map(SITES.filter((p) => p !== 'tax').map((p) => [p, maskSeed(sealing.get('tax')!.privateKey, sealing.get(p)!.publicKey)]));
    expect(() => nodes.get('tax')!.prepare({
      queryId: 'q-too-big', logIndex: 1, participants: [...SITES], seeds, part: parts.get('tax')!, role: 'passive', hook: treesLeafChain, vector: undefined, ownTerm: 700,
    })).toThrow(/outside the leaf chain lane's/);
    // Uniform mod t_s: chi-square over 64 cells of every decrypted slot.
    const cells = new Array<number>(64).fill(0);
    let count = 0;
    for (const s of slots) for (const v of s) { cells[Math.floor((v / CHAIN_PLAIN_MODULUS) * 64)]!++; count++; }
    const expected = count / 64;
    const chi = cells.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(120);
    void crypto;
  }, 600_000);
});
