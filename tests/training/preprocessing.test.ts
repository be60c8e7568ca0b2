/**
 * Site-local preprocessing (preprocessing/): what each transform does, that scoring applies
 * exactly what training fitted, that an old part keeps scoring as before, and that what the
 * report carries holds no fitted value.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeTransforms, fitPreprocessing, legacyPreprocessing, partColumns, quantile, transformRow, transformRows,
} from '../../preprocessing/fit.js';
import {
  DEFAULT_PREPROCESSING, LEGACY_PREPROCESSING, checkPreprocessing, preprocessingFromWire, preprocessingToWire, type PreprocessingSpec,
} from '../../preprocessing/spec.js';
import { partialTerm } from '../../models/lr/kind.js';
import { Rng, seedWords } from '../../sim/prng.js';

const prngOf = (seed: number) => new Rng(seedWords(seed), 0);

const rows = (cols: number[][]) => cols[0]!.map((_, i) => Float64Array.from(cols, (c) => c[i]!));

function columnStats(data: readonly Float64Array[], c: number): { mean: number; std: number } {
  const xs = data.map((r) => r[c]!);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}

describe('site-local preprocessing', () => {
  it('quantiles interpolate between order statistics', () => {
    const s = Float64Array.from([1, 2, 3, 4, 5]);
    expect(quantile(s, 0)).toBe(1);
    expect(quantile(s, 0.5)).toBe(3);
    expect(quantile(s, 0.9)).toBeCloseTo(4.6, 12);
    expect(quantile(s, 1)).toBe(5);
  });

  it('clips a heavy tail at the 1st/99th percentile, so one outlier no longer dominates its column', () => {
    const prng = prngOf(7);
    const x = Array.from({ length: 2000 }, () => prng.normal());
    x[17] = 5000; // hundreds of standard deviations out
    const fitted = fitPreprocessing(rows([x]), 1, { ...DEFAULT_PREPROCESSING, logTransform: 'off' });
    const t = fitted.features[0]!;
    expect(t.lo).not.toBeNull();
    expect(t.hi).toBeLessThan(3);
    const out = transformRows(fitted, rows([x]));
    // The outlier sits at the clip bound, a few standard deviations out, not ~45.
    expect(Math.abs(out[17]![0]!)).toBeLessThan(3);
    // Under the old preprocessing (standardize only) it is ~45 sigma and everything else is squeezed near 0.
    const legacy = transformRows(fitPreprocessing(rows([x]), 1, LEGACY_PREPROCESSING), rows([x]));
    expect(legacy[17]![0]!).toBeGreaterThan(40);
    expect(columnStats(out, 0).mean).toBeCloseTo(0, 9);
    expect(columnStats(out, 0).std).toBeCloseTo(1, 9);
  });

  it('keeps a rare count that is 0 for more than 99% of rows instead of clipping it away', () => {
    const x = Array.from({ length: 1000 }, (_, i) => (i < 995 ? 0 : i - 993)); // five non-zero values: 2..6
    const fitted = fitPreprocessing(rows([x]), 1, DEFAULT_PREPROCESSING);
    const out = transformRows(fitted, rows([x]));
    expect(new Set(out.map((r) => r[0])).size).toBeGreaterThan(1);
    expect(out[999]![0]!).toBeGreaterThan(out[0]![0]!);
  });

  it('leaves a 0/1 column (a one-hot level, a flag) unclipped and unlogged', () => {
    const x = Array.from({ length: 500 }, (_, i) => (i % 97 === 0 ? 1 : 0));
    const t = fitPreprocessing(rows([x]), 1, DEFAULT_PREPROCESSING).features[0]!;
    expect(t).toMatchObject({ binary: true, lo: null, hi: null, log: false });
  });

  it("takes log(1+x) of a skewed non-negative feature under 'auto' only", () => {
    const prng = prngOf(3);
    const income = Array.from({ length: 3000 }, () => Math.exp(8 + 1.5 * prng.normal()));
    const symmetric = Array.from({ length: 3000 }, () => 10 + prng.normal());
    const signed = income.map((v, i) => (i % 2 ? -v : v));
    const f = fitPreprocessing(rows([income, symmetric, signed]), 3, DEFAULT_PREPROCESSING).features;
    expect(f.map((t) => t.log)).toEqual([true, false, false]);
    expect(fitPreprocessing(rows([income]), 1, { ...DEFAULT_PREPROCESSING, logTransform: 'off' }).features[0]!.log).toBe(false);
  });

  it('fills a missing cell with the median and adds a "was missing" column, the same in training and in scoring', () => {
    const x = [1, NaN, 3, 10, NaN, 2];
    const y = [5, 6, 7, 8, 9, 10];
    const fitted = fitPreprocessing(rows([x, y]), 2, { ...DEFAULT_PREPROCESSING, clipQuantiles: null, logTransform: 'off' });
    expect(fitted.columns.map((c) => [c.feature, c.indicator])).toEqual([[0, false], [1, false], [0, true]]);
    expect(fitted.features[0]).toMatchObject({ fill: 2.5, indicator: 2, hadMissing: true });
    expect(fitted.features[1]).toMatchObject({ indicator: null, hadMissing: false });
    const train = transformRows(fitted, rows([x, y]));
    // Row 1 (missing x) and a scoring vector with x missing give the same columns.
    expect([...transformRow(fitted, Float64Array.of(NaN, 6))]).toEqual([...train[1]!]);
    expect(train[1]![2]!).toBeGreaterThan(0);
    expect(train[0]![2]!).toBeLessThan(0);
    const mean = fitPreprocessing(rows([x, y]), 2, { ...DEFAULT_PREPROCESSING, clipQuantiles: null, logTransform: 'off', impute: 'mean' });
    expect(mean.features[0]!.fill).toBe(4);
    const none = fitPreprocessing(rows([x, y]), 2, { ...DEFAULT_PREPROCESSING, missingIndicators: false });
    expect(none.columns).toHaveLength(2);
  });

  it('preserves order within every numeric feature (clip, log and standardize are monotone)', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(NaN)), { minLength: 5, maxLength: 60 }),
      (xs) => {
        const fitted = fitPreprocessing(rows([xs]), 1, DEFAULT_PREPROCESSING);
        const present = xs.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
        const out = present.map((v) => transformRow(fitted, Float64Array.of(v))[0]!);
        for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThanOrEqual(out[i - 1]! - 1e-12);
        for (const v of out) expect(Number.isFinite(v)).toBe(true);
      },
    ), { numRuns: 200 });
  });

  it('a part stored before preprocessing scores as it did: mean fill, standardize, nothing else', () => {
    const legacy = legacyPreprocessing([2, 10], [4, 0]);
    expect([...transformRow(legacy, Float64Array.of(6, NaN))]).toEqual([1, 0]);
    const part = {
      modelVersion: 'm1', site: 'bank', features: ['a', 'b'], featureIndexes: [1, 0], mean: [2, 10], std: [4, 0], clip: 8, weights: [0.5, -1], intercept: 0.25, baseline: 0,
    };
    const { value, contributions } = partialTerm(part, Float64Array.of(13, 6));
    expect(value).toBeCloseTo(0.25 + 0.5 * 1 - 1 * 3, 12);
    expect([...contributions]).toEqual([0.5, -3]);
  });

  it("scoring a stored vector gives the training columns, and a feature's contribution sums its value and indicator columns", () => {
    const prng = prngOf(11);
    const a = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? NaN : Math.exp(prng.normal() * 2)));
    const b = Array.from({ length: 400 }, () => prng.normal());
    const train = rows([a, b]);
    const fitted = fitPreprocessing(train, 2, DEFAULT_PREPROCESSING);
    expect(fitted.columns).toHaveLength(3);
    const part = {
      modelVersion: 'm2', site: 'tax', features: ['a', 'b'], featureIndexes: [2, 0], preprocessing: fitted,
      mean: fitted.columns.map((c) => c.mean), std: fitted.columns.map((c) => c.std), clip: 8, weights: [0.7, -0.2, 0.4], baseline: 0,
    };
    // The catalogue vector holds b at 0, something else at 1, a at 2.
    const vector = Float64Array.of(b[5]!, 99, a[5]!);
    const cols = partColumns(part, vector).columns;
    expect([...cols]).toEqual([...transformRows(fitted, train)[5]!]);
    const { value, contributions } = partialTerm(part, vector);
    expect(contributions[0]!).toBeCloseTo(0.7 * cols[0]! + 0.4 * cols[2]!, 12);
    expect(contributions[1]!).toBeCloseTo(-0.2 * cols[1]!, 12);
    expect(value).toBeCloseTo(contributions[0]! + contributions[1]!, 12);
  });

  it('describes each feature by name and step only: no bound, median, mean or deviation', () => {
    const prng = prngOf(5);
    const income = Array.from({ length: 500 }, (_, i) => (i % 4 === 0 ? NaN : Math.round(Math.exp(8 + prng.normal()))));
    const fitted = fitPreprocessing(rows([income]), 1, DEFAULT_PREPROCESSING);
    const described = describeTransforms(fitted, ['income']);
    expect(described).toEqual([{ feature: 'income', steps: ['clipped at 1%-99%', 'log(1+x)', 'missing: median fill + indicator column', 'standardized'] }]);
    const text = JSON.stringify(described);
    const t = fitted.features[0]!;
    for (const v of [t.lo, t.hi, t.fill, ...fitted.columns.flatMap((c) => [c.mean, c.std])]) {
      expect(text).not.toContain(String(v).slice(0, 6));
    }
  });

  it('checks the declared spec and carries it over the wire unchanged', () => {
    for (const spec of [DEFAULT_PREPROCESSING, LEGACY_PREPROCESSING, { ...DEFAULT_PREPROCESSING, clipQuantiles: [0, 0.995] } as PreprocessingSpec]) {
      expect(preprocessingFromWire(preprocessingToWire(spec))).toEqual(spec);
    }
    expect(preprocessingFromWire(undefined)).toEqual(DEFAULT_PREPROCESSING);
    expect(preprocessingFromWire({})).toEqual(DEFAULT_PREPROCESSING);
    expect(() => checkPreprocessing({ ...DEFAULT_PREPROCESSING, clipQuantiles: [0.6, 0.99] })).toThrow(/lower clipping quantile must be in \[0, 0.5\), got 0.6/);
    expect(() => preprocessingFromWire({ impute: 'zero' })).toThrow(/imputation is 'median' or 'mean', got 'zero'/);
  });
});
