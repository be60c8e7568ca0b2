/**
 * 100,000 IDs at one site. The other two sites hold 3,000 each so that the file stays near
 * 30 s on a shared 2-core box (hash_to_curve costs ~0.2 ms per ID, and the big set is blinded
 * three times); bench/psi.ts measures three equal sets of up to a million.
 */
import { afterAll, expect, it } from 'vitest';
import { createPsiBlinder } from '../../alignment/psi.js';
import { creditCode, plainIntersection, runSets } from './helpers.js';

const blinder = createPsiBlinder(); // the pool when dist/ is built, else in-thread (slower)
afterAll(() => blinder.close());

it(`aligns 100,000 IDs against two smaller sets (${blinder.mode}: ${blinder.reason})`, async () => {
  const power = Array.from({ length: 100_000 }, (_, i) => creditCode(3 * i)); // multiples of 3
  const tax = Array.from({ length: 3_000 }, (_, i) => creditCode(5 * i)); // multiples of 5
  const bank = Array.from({ length: 3_000 }, (_, i) => creditCode(2 * i)); // even
  const run = await runSets({ bank, tax, power }, { blinder, recordPayloads: false });
  const expected = plainIntersection(bank, tax, power); // multiples of 30 below 6,000
  expect(expected.size).toBe(200);
  const order = run.results.get('bank')!.intersection;
  for (const site of ['bank', 'tax', 'power']) {
    const r = run.results.get(site)!;
    expect(new Set(r.intersection)).toEqual(expected);
    expect(r.intersection).toEqual(order);
    expect(r.stats.setSizes).toEqual({ bank: 3_000, tax: 3_000, power: 100_000 });
  }
}, 180_000);
