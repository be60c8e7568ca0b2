/**
 * What the messages reveal (DESIGN.md threat model, alignment rows): every message of a run is
 * captured and checked for raw or unkeyed-hashed IDs; each site's output is checked for IDs
 * outside the three-way intersection; a curious site that applies every combination of its
 * own keys to everything it received is shown to find only the intersection (and, at the
 * leader, the one documented count); the relay's view is shown to be sizes only.
 */
import crypto from 'node:crypto';
import { sha512_256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashToCurve25519Batch } from '../../alignment/psi-hash.js';
import { blindPoints, generateBlindingKey } from '../../alignment/psi-x25519.js';
import { PsiParty, type PsiSecretKeys } from '../../alignment/psi.js';
import { runPsiInMemory, type PsiInMemoryRun, type PsiTranscriptEntry } from '../../alignment/psi-in-memory.js';
import { creditCode, plainIntersection } from './helpers.js';

const RING = ['bank', 'tax', 'power'] as const; // leader, second, third
const codes = (ns: number[]) => ns.map(creditCode);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

// Every region of the Venn diagram is non-empty, so a missing collision means something.
const SETS: Record<string, string[]> = {
  bank: codes([...range(0, 10), ...range(10, 20), ...range(20, 30), ...range(40, 50)]), // all, +tax, +power, only
  tax: codes([...range(0, 10), ...range(10, 20), ...range(30, 40), ...range(50, 60)]), // all, +bank, +power, only
  power: codes([...range(0, 10), ...range(20, 30), ...range(30, 40), ...range(60, 70)]), // all, +bank, +tax, only
};
const ALL_IDS = [...new Set(Object.values(SETS).flat())];
const INTERSECTION = plainIntersection(SETS.bank!, SETS.tax!, SETS.power!);

const keys: Record<string, PsiSecretKeys> = Object.fromEntries(
  RING.map((site) => [site, { primary: generateBlindingKey(), secondary: generateBlindingKey() }]),
);

const idBytes = (ids: readonly string[]) => new Uint8Array(Buffer.from(ids.join(''), 'latin1'));
const hashPoints = (ids: readonly string[]) => hashToCurve25519Batch(idBytes(ids), 18);
const points = (flat: Uint8Array): string[] =>
  Array.from({ length: flat.length / 32 }, (_, i) => Buffer.from(flat.subarray(32 * i, 32 * i + 32)).toString('hex'));

let run: PsiInMemoryRun;
beforeAll(async () => {
  const parties = RING.map((site) => new PsiParty(site, SETS[site]!, { session: 'audit', ring: RING, secretKeys: keys[site]! }));
  run = await runPsiInMemory(parties);
});

describe('what travels', () => {
  it('no raw credit code, unkeyed hash of one, or secret key appears in any payload', () => {
    const needles: [string, Uint8Array][] = [];
    for (const id of ALL_IDS) {
      needles.push([`raw ${id}`, Buffer.from(id, 'latin1')]);
      needles.push([`sha256 ${id}`, crypto.createHash('sha256').update(id).digest()]);
      needles.push([`sha512/256 ${id}`, sha512_256(Buffer.from(id, 'latin1'))]);
      needles.push([`hash_to_curve ${id}`, hashPoints([id])]);
    }
    for (const site of RING) for (const k of Object.values(keys[site]!)) needles.push([`key of ${site}`, k]);
    expect(run.transcript).toHaveLength(13);
    for (const m of run.transcript) {
      const payload = Buffer.from(m.payload);
      for (const [what, needle] of needles) {
        if (payload.indexOf(needle) !== -1) expect.fail(`${m.kind} from ${m.from} to ${m.to} contains ${what}`);
      }
    }
  });

  it('every set a site sends is shuffled: not in the order it was given', () => {
    const first = (kind: string) => run.transcript.find((m) => m.kind === kind)!;
    const cases = [
      { kind: 'leader-set-1', site: 'bank', key: keys.bank!.secondary },
      { kind: 'second-set-1', site: 'tax', key: keys.tax!.primary },
      { kind: 'third-set-1', site: 'power', key: keys.power!.primary },
    ];
    for (const { kind, site, key } of cases) {
      const inInputOrder = points(blindPoints(key, hashPoints(SETS[site]!)));
      const sent = points(first(kind).payload);
      expect(new Set(sent)).toEqual(new Set(inInputOrder));
      expect(sent).not.toEqual(inInputOrder);
    }
  });

  it('the relay sees sizes only: two runs with equal sizes but different overlaps look the same', async () => {
    const shape = (t: readonly PsiTranscriptEntry[]) => t.map((m) => `${m.kind} ${m.from}->${m.to} ${m.bytes}`).sort();
    // Same |bank|, |tax|, |power| and intersection size as SETS, but tax and power now share 30.
    const other = {
      bank: SETS.bank!,
      tax: codes([...range(0, 10), ...range(100, 130)]),
      power: codes([...range(0, 10), ...range(100, 130)]),
    };
    const parties = RING.map((site) => new PsiParty(site, other[site], { session: 'audit2', ring: RING }));
    const second = await runPsiInMemory(parties);
    expect(second.results.get('tax')!.stats.intersectionSize).toBe(INTERSECTION.size);
    expect(second.results.get('bank')!.stats.peerOverlapSize).toBe(40);
    expect(run.results.get('bank')!.stats.peerOverlapSize).toBe(20);
    expect(shape(second.transcript)).toEqual(shape(run.transcript));
  });
});

describe('what each site ends up with', () => {
  it('outputs name only IDs held by all three sites', () => {
    const outside = ALL_IDS.filter((id) => !INTERSECTION.has(id));
    for (const site of RING) {
      const r = run.results.get(site)!;
      expect(new Set(r.intersection)).toEqual(INTERSECTION);
      const text = JSON.stringify(r);
      for (const id of outside) expect(text).not.toContain(id);
    }
    expect(run.results.get('tax')!.stats.peerOverlapSize).toBeUndefined();
    expect(run.results.get('power')!.stats.peerOverlapSize).toBeUndefined();
  });

  /**
   * A curious site applies every subset of its own keys to everything it received and to its
   * own hashed IDs, then compares all of it pairwise. Any collision between two different
   * sources is information. Allowed: its own set (mapped) against the intersection, and at
   * the leader |second ∩ third| (documented in alignment/psi.ts). Everything else must be empty,
   * in particular nothing that links an own ID to a single other site.
   */
  it('a curious site applying its own keys finds nothing beyond the intersection', () => {
    const allowed: Record<string, Record<string, number>> = {
      bank: { 'leader-set-4 ~ overlap-lifted': INTERSECTION.size, 'second-set-2 ~ third-set-2': 20 },
      tax: { 'intersection ~ second-set-3': INTERSECTION.size },
      power: { 'intersection ~ third-set-3': INTERSECTION.size },
    };
    for (const site of RING) {
      const { primary, secondary } = keys[site]!;
      const keySubsets = [new Uint8Array(0), primary, secondary, Buffer.concat([primary, secondary])];
      const apply = (k: Uint8Array, flat: Uint8Array) => (k.length === 0 ? flat : blindPoints(k, flat));
      const sources = new Map<string, Uint8Array>([['own IDs', hashPoints(SETS[site]!)]]);
      for (const m of run.transcript.filter((m) => m.to === site)) sources.set(m.kind, m.payload);
      const views: { source: string; values: Set<string> }[] = [];
      for (const [source, flat] of sources) {
        for (const k of keySubsets) views.push({ source, values: new Set(points(apply(k, flat))) });
      }
      const found: Record<string, number> = {};
      for (let i = 0; i < views.length; i++) {
        for (let j = i + 1; j < views.length; j++) {
          const [a, b] = [views[i]!, views[j]!];
          if (a.source === b.source) continue;
          let common = 0;
          for (const v of a.values) if (b.values.has(v)) common++;
          if (common > 0) {
            const pair = [a.source, b.source].sort().join(' ~ ');
            found[pair] = Math.max(found[pair] ?? 0, common);
          }
        }
      }
      expect(found, `collisions visible to ${site}`).toEqual(allowed[site]);
    }
  });
});
