import { describe, expect, it } from 'vitest';
import { Rng, seedWords } from '../../sim/prng.js';

describe('simulator PRNG', () => {
  it('repeats exactly for the same seed and stream, and differs across seeds and streams', () => {
    const draw = (seed: string, stream: number) => {
      const r = new Rng(seedWords(seed), stream);
      return Array.from({ length: 8 }, () => r.nextU32());
    };
    expect(draw('a', 0)).toEqual(draw('a', 0));
    expect(draw('a', 0)).not.toEqual(draw('b', 0));
    expect(draw('a', 0)).not.toEqual(draw('a', 1));
    expect(seedWords(7)).toEqual(seedWords('7'));
  });

  it('has the right first moments', () => {
    const r = new Rng(seedWords('moments'), 3);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 2);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('int and pick stay in range and follow the weights', () => {
    const r = new Rng(seedWords('pick'), 0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const k = r.int(2, 4);
      expect(k >= 2 && k <= 4).toBe(true);
      counts[r.pick([0.5, 0.3, 0.2])]!++;
    }
    expect(counts[0]! / 30_000).toBeCloseTo(0.5, 1);
    expect(counts[2]! / 30_000).toBeCloseTo(0.2, 1);
  });
});
