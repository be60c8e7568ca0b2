/**
 * NodeStore.featureVectors (docs/design/monitoring.md 2.5): a monitoring batch's vectors read
 * in one LevelDB call give exactly what the point reads give, for subjects present and absent,
 * in any order, with duplicates and ids whose UTF-8 order differs from JavaScript's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { float64ToBytes, NodeStore } from '../../site/store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-feature-vectors-'));
let store: NodeStore;

/** Credit-code-like ids, zero-padded so that their order is numeric. */
const code = (n: number) => `91350100M${String(n).padStart(8, '0')}X`;
/** Ids whose UTF-8 byte order is not their UTF-16 order (U+E000 sorts before U+1F600 in LevelDB). */
const UNUSUAL = ['\uE000-private', '\u{1F600}-emoji', 'é-latin', 'z-last-ascii'];
const STORED = [...Array.from({ length: 3000 }, (_, i) => code(2 * i)), ...UNUSUAL.slice(0, 3)];

const vectorOf = (id: string) => Float64Array.from([id.length, id.charCodeAt(0), id.endsWith('0X') ? Number.NaN : -1.5]);

beforeAll(async () => {
  store = await NodeStore.open(dir, 'power');
  store.featuresChanged();
  await store.features.batch(STORED.map((id) => ({ type: 'put' as const, key: id, value: float64ToBytes(vectorOf(id)) })));
  store.featuresChanged();
});
afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const pointReads = (ids: readonly string[]) => Promise.all(ids.map((id) => store.featureVector(id)));
const plain = (vs: readonly (Float64Array | undefined)[]) => vs.map((v) => (v === undefined ? undefined : Array.from(v)));

/** Counts featureVectors' reads: one multi-get, no point reads or iterators. */
function spy() {
  const counts = { getMany: 0, get: 0, iterators: 0 };
  const getMany = store.features.getMany.bind(store.features);
  vi.spyOn(store.features, 'getMany').mockImplementation(((keys: string[]) => {
    counts.getMany++;
    return getMany(keys);
  }) as typeof store.features.getMany);
  vi.spyOn(store.features, 'get').mockImplementation((() => {
    counts.get++;
    throw new Error('featureVectors must not point-read');
  }) as typeof store.features.get);
  vi.spyOn(store.features, 'iterator').mockImplementation((() => {
    counts.iterators++;
    throw new Error('featureVectors must not iterate');
  }) as typeof store.features.iterator);
  return counts;
}

describe('NodeStore.featureVectors', () => {
  it('a sorted batch with absent subjects: the point reads\' results, from one read', async () => {
    // Every third code: two thirds of them stored (even numbers), one third absent; and ids past both ends.
    const ids = ['0-before-all', ...Array.from({ length: 1500 }, (_, i) => code(3 * i)), code(99_999)].sort();
    const expected = plain(await pointReads(ids));
    expect(expected.filter((v) => v === undefined).length).toBeGreaterThan(400);
    expect(expected.filter((v) => v !== undefined).length).toBeGreaterThan(700);
    vi.restoreAllMocks();
    const counts = spy();
    const got = plain(await store.featureVectors(ids));
    vi.restoreAllMocks();
    expect(got).toEqual(expected);
    expect(counts).toEqual({ getMany: 1, get: 0, iterators: 0 });
  });

  it('any order, duplicates, ids in UTF-8 order, one id, none', async () => {
    const ids = [code(40), ...UNUSUAL, code(7), code(40), code(5998), '\u{1F600}-emoji', code(0)];
    expect(plain(await store.featureVectors(ids))).toEqual(plain(await pointReads(ids)));
    expect(plain(await store.featureVectors(UNUSUAL))).toEqual(plain(await pointReads(UNUSUAL)));
    expect(plain(await store.featureVectors([code(12)]))).toEqual([Array.from(vectorOf(code(12)))]);
    expect(await store.featureVectors([code(13)])).toEqual([undefined]);
    expect(await store.featureVectors([])).toEqual([]);
  });

  it('property: for random subsets of stored and absent ids, the same as the point reads', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const n = 1 + Math.floor(random() * 300);
      const ids = Array.from({ length: n }, () => (random() < 0.05 ? UNUSUAL[Math.floor(random() * UNUSUAL.length)]! : code(Math.floor(random() * 6200) - 50)));
      if (round % 2 === 0) ids.sort();
      expect(plain(await store.featureVectors(ids)), `round ${round}`).toEqual(plain(await pointReads(ids)));
    }
  });
});
