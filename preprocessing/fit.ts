/**
 * Site-local preprocessing, shared by every model kind (issue 19): fitted by each site on the
 * training split of its own aligned rows, stored with its part of the model, and applied the
 * same way at scoring, so a score is exactly what the pooled model would give.
 *
 * For each of a site's features, in this order (preprocessing/spec.ts declares which):
 *   1. clip at the training split's quantiles (default 1st and 99th percentile): one debt ratio
 *      hundreds of standard deviations out no longer decides a linear model;
 *   2. log(1 + x) for a non-negative feature still strongly skewed after clipping ('auto');
 *   3. a missing cell (NaN in the store) takes the median (or mean) of the present values, and
 *      a feature with missing cells in the training split gets a 0/1 "was missing" column;
 *   4. every column is standardized (training split's mean and standard deviation).
 * A 0/1 feature (a one-hot level, a flag) is only filled and standardized.
 *
 * Columns: one per feature, in the part's feature order, then one per missing indicator. The
 * fitted statistics never leave the site: the coordinator and the other sites learn only which
 * steps each feature got (`describeTransforms`, for the report), never a bound, median or mean.
 */
import { FedcreditError } from '../lib/errors.js';
import type { PreprocessingSpec } from './spec.js';

/** How one feature is transformed (values in the site's own units: stay at the site). */
export interface FeatureTransform {
  /** Only 0 and 1 in training (a one-hot level or a flag): no clipping, no log. */
  readonly binary: boolean;
  /** Clip bounds in the feature's own units; null: not clipped on that side. */
  readonly lo: number | null;
  readonly hi: number | null;
  /** The quantiles the bounds sit at (wider than the spec's where those would erase the feature). */
  readonly clippedAt: readonly [number, number] | null;
  readonly log: boolean;
  /** The training split had missing cells in this feature. */
  readonly hadMissing: boolean;
  /** The value a missing cell takes, after clipping and log (so the fill is not transformed again). */
  readonly fill: number;
  /** Index of this feature's "was missing" column, when it has one. */
  readonly indicator: number | null;
}

export interface FittedColumn {
  /** The feature (index into the part's features) the column comes from. */
  readonly feature: number;
  readonly indicator: boolean;
  readonly mean: number;
  readonly std: number;
}

export interface FittedPreprocessing {
  readonly v: 1;
  readonly spec: PreprocessingSpec;
  readonly features: readonly FeatureTransform[];
  readonly columns: readonly FittedColumn[];
}

/** A non-negative feature whose clipped values are more skewed than this gets log(1 + x) under 'auto'. */
export const LOG_SKEW_THRESHOLD = 2;

/** Quantile q of sorted values, interpolating between order statistics (R's type 7). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}


/**
 * Clip bounds at quantiles qlo/qhi. Where the quantiles meet (a count that is 0 for more than
 * 99% of rows), clipping there would erase the feature: the bounds widen to a tenth of the tail
 * fraction (99.9th percentile) and, failing that, to no clipping at all.
 */
type Bounds = Pick<FeatureTransform, 'lo' | 'hi' | 'clippedAt'>;
const NO_CLIP: Bounds = { lo: null, hi: null, clippedAt: null };

function clipBounds(sorted: Float64Array, [qlo, qhi]: readonly [number, number]): Bounds {
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  for (const [a, b] of [[qlo, qhi], [qlo / 10, 1 - (1 - qhi) / 10]] as const) {
    const lo = quantile(sorted, a);
    const hi = quantile(sorted, b);
    if (hi > lo) return lo > min || hi < max ? { lo: lo > min ? lo : null, hi: hi < max ? hi : null, clippedAt: [a, b] } : NO_CLIP;
  }
  return NO_CLIP;
}

function clipLog(v: number, t: Pick<FeatureTransform, 'lo' | 'hi' | 'log'>): number {
  let x = v;
  if (t.lo !== null && x < t.lo) x = t.lo;
  if (t.hi !== null && x > t.hi) x = t.hi;
  return t.log ? Math.log1p(x) : x;
}

/**
 * The "was missing" column of each feature (its number among the indicator columns), or null
 * for a feature without gaps. One column per distinct pattern of gaps: the levels of a one-hot
 * column, or fields missing together, share one rather than adding identical columns.
 */
export function indicatorGroups(train: readonly ArrayLike<number>[], width: number): (number | null)[] {
  const byPattern = new Map<string, number>();
  const groups: (number | null)[] = [];
  for (let j = 0; j < width; j++) {
    const gaps: number[] = [];
    train.forEach((row, i) => {
      if (Number.isNaN(row[j]!)) gaps.push(i);
    });
    if (gaps.length === 0) {
      groups.push(null);
      continue;
    }
    const pattern = gaps.join(',');
    let group = byPattern.get(pattern);
    if (group === undefined) byPattern.set(pattern, (group = byPattern.size));
    groups.push(group);
  }
  return groups;
}

/** How many "was missing" columns a site's training rows give (the batch rule counts them). */
export function indicatorCount(train: readonly ArrayLike<number>[], width: number): number {
  return new Set(indicatorGroups(train, width).filter((g) => g !== null)).size;
}

/** Fit the transforms on a site's training rows (NaN = missing), in the part's feature order. */
export function fitPreprocessing(train: readonly Float64Array[], width: number, spec: PreprocessingSpec): FittedPreprocessing {
  const n = train.length;
  const features: FeatureTransform[] = [];
  const groups = spec.missingIndicators ? indicatorGroups(train, width) : [];
  const indicators = new Set(groups.filter((g) => g !== null)).size;
  const columns = width + indicators;
  // Column-major: each feature's values gathered once, then everything about it from that array.
  const values = new Float64Array(n);
  const fitted: FittedColumn[] = [];
  const indicatorSums = new Float64Array(indicators);
  for (let j = 0; j < width; j++) {
    let count = 0;
    let binary = true;
    for (let i = 0; i < n; i++) {
      const v = train[i]![j]!;
      values[i] = v;
      if (v === v) {
        count++;
        if (v !== 0 && v !== 1) binary = false;
      }
    }
    const present = new Float64Array(count);
    for (let i = 0, k = 0; i < n; i++) if (values[i] === values[i]) present[k++] = values[i]!;
    present.sort();
    const bounds = spec.clipQuantiles && !binary && count > 0 ? clipBounds(present, spec.clipQuantiles) : NO_CLIP;
    const lo = bounds.lo ?? -Infinity;
    const hi = bounds.hi ?? Infinity;
    const log = spec.logTransform === 'auto' && !binary && count > 0 && present[0]! >= 0 && skewnessClipped(present, lo, hi) > LOG_SKEW_THRESHOLD;
    const t = { lo: bounds.lo, hi: bounds.hi, clippedAt: bounds.clippedAt, log };
    let fill = 0;
    if (count > 0) {
      if (spec.impute === 'median') fill = clipLog(quantile(present, 0.5), t);
      else {
        for (let k = 0; k < count; k++) fill += clipLog(present[k]!, t);
        fill /= count;
      }
    }
    const group = groups[j] ?? null;
    features.push({ binary, lo: t.lo, hi: t.hi, clippedAt: t.clippedAt, log, fill, indicator: group === null ? null : width + group, hadMissing: count < n });
    // The column's statistics over the transformed training values, in two passes (a one-pass
    // variance loses its digits on a column whose mean dwarfs its spread, e.g. revenue in CNY).
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      values[i] = v === v ? clipLog(v, t) : fill;
    }
    fitted.push({ feature: j, indicator: false, ...meanStd(values) });
    if (group !== null && indicatorSums[group] === 0) indicatorSums[group] = n - count;
  }
  // A "was missing" column holds 1 on its pattern's missing rows: its mean and deviation follow from the count.
  for (let g = 0; g < indicators; g++) {
    const mean = n > 0 ? indicatorSums[g]! / n : 0;
    const sd = Math.sqrt(mean * (1 - mean));
    fitted.push({ feature: groups.indexOf(g), indicator: true, mean, std: sd > 1e-12 ? sd : 1 });
  }
  if (fitted.length !== columns) throw new Error('fitPreprocessing: column count mismatch');
  return { v: 1, spec, features, columns: fitted };
}

function meanStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 1 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2;
  const sd = Math.sqrt(sq / n);
  return { mean, std: sd > 1e-12 ? sd : 1 };
}

/** Sample skewness of sorted values clipped to [lo, hi], without a copy. */
function skewnessClipped(sorted: Float64Array, lo: number, hi: number): number {
  const n = sorted.length;
  if (n < 3) return 0;
  const at = (k: number) => Math.min(hi, Math.max(lo, sorted[k]!));
  let mean = 0;
  for (let k = 0; k < n; k++) mean += at(k);
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let k = 0; k < n; k++) {
    const d = at(k) - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 1e-24 ? m3 / m2 ** 1.5 : 0;
}

/** A fitted preprocessing as flat arrays, for applying it to many rows fast. */
interface Compiled {
  readonly width: number;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly log: Uint8Array;
  readonly fill: Float64Array;
  /** Column of the feature's indicator, -1 for none. */
  readonly indicator: Int32Array;
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

const compiledCache = new WeakMap<FittedPreprocessing, Compiled>();

function compile(p: FittedPreprocessing): Compiled {
  let c = compiledCache.get(p);
  if (!c) {
    c = {
      width: p.features.length,
      lo: Float64Array.from(p.features, (t) => t.lo ?? -Infinity),
      hi: Float64Array.from(p.features, (t) => t.hi ?? Infinity),
      log: Uint8Array.from(p.features, (t) => (t.log ? 1 : 0)),
      fill: Float64Array.from(p.features, (t) => t.fill),
      indicator: Int32Array.from(p.features, (t) => t.indicator ?? -1),
      mean: Float64Array.from(p.columns, (col) => col.mean),
      std: Float64Array.from(p.columns, (col) => col.std),
    };
    compiledCache.set(p, c);
  }
  return c;
}

/** Clip, log, fill, mark and standardize one row into `out` (a fresh, zeroed array of the column count). */
function applyInto(c: Compiled, raw: ArrayLike<number>, out: Float64Array): void {
  for (let j = 0; j < c.width; j++) {
    const v = raw[j]!;
    if (v !== v) {
      out[j] = c.fill[j]!;
      // A group's column says "was missing" when any of its features is (they are, together, in training).
      if (c.indicator[j]! >= 0) out[c.indicator[j]!] = 1;
    } else {
      const x = v < c.lo[j]! ? c.lo[j]! : v > c.hi[j]! ? c.hi[j]! : v;
      out[j] = c.log[j] ? Math.log1p(x) : x;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k]! - c.mean[k]!) / c.std[k]!;
}

/** One row of raw values (the part's feature order, NaN = missing) as standardized columns. */
export function transformRow(p: FittedPreprocessing, raw: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.columns.length);
  applyInto(compile(p), raw, out);
  return out;
}

export function transformRows(p: FittedPreprocessing, rows: readonly Float64Array[]): Float64Array[] {
  const c = compile(p);
  return rows.map((r) => {
    const out = new Float64Array(p.columns.length);
    applyInto(c, r, out);
    return out;
  });
}

/**
 * The preprocessing of a part stored before preprocessing was declared: mean fill and
 * standardization with its stored means and standard deviations, nothing else.
 */
export function legacyPreprocessing(mean: readonly number[], std: readonly number[]): FittedPreprocessing {
  return {
    v: 1,
    spec: { clipQuantiles: null, logTransform: 'off', impute: 'mean', missingIndicators: false },
    features: mean.map((m) => ({ binary: false, lo: null, hi: null, clippedAt: null, log: false, fill: m, indicator: null, hadMissing: false })),
    columns: mean.map((m, f) => ({ feature: f, indicator: false, mean: m, std: std[f]! > 0 ? std[f]! : 1 })),
  };
}

/** Column names, for people: the feature's name, and `name (missing)` for its indicator. */
export function columnNames(p: FittedPreprocessing, features: readonly string[]): string[] {
  return p.columns.map((c) => (c.indicator ? `${features[c.feature]} (missing)` : features[c.feature]!));
}

/** What was done to each feature, by name, without a value (the report's "transforms"; nothing numeric leaves the site). */
export function describeTransforms(p: FittedPreprocessing, features: readonly string[]): { feature: string; steps: string[] }[] {
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;
  return p.features.map((t, j) => {
    const steps: string[] = [];
    if (t.binary) steps.push('0/1');
    if (t.clippedAt) steps.push(`clipped at ${t.lo !== null ? pct(t.clippedAt[0]) : 'min'}-${t.hi !== null ? pct(t.clippedAt[1]) : 'max'}`);
    if (t.log) steps.push('log(1+x)');
    if (t.hadMissing) steps.push(`missing: ${p.spec.impute} fill${t.indicator !== null ? ' + indicator column' : ''}`);
    steps.push('standardized');
    return { feature: features[j]!, steps };
  });
}

/** The fields of a stored part (site/model-store.ts) that preprocessing reads. */
export interface PreprocessedPart {
  readonly modelVersion: string;
  readonly site: string;
  readonly features: readonly string[];
  readonly featureIndexes: readonly number[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly preprocessing?: unknown;
}

const legacyOf = new WeakMap<PreprocessedPart, { mean: readonly number[]; std: readonly number[]; preprocessing: FittedPreprocessing }>();

/** A part's preprocessing: its own, or (a part stored before preprocessing) mean fill and standardization. */
export function partPreprocessing(part: PreprocessedPart): FittedPreprocessing {
  const p = part.preprocessing as FittedPreprocessing | undefined;
  if (p === undefined) {
    // One per part object, so compile()'s cache holds for it too: built afresh per query, it cost
    // eight typed arrays and their fill on every score (the scoring bench's parts are legacy ones).
    // Keyed by the part and checked against its arrays (readonly: replaced, never changed in place).
    const known = legacyOf.get(part);
    if (known?.mean === part.mean && known.std === part.std) return known.preprocessing;
    const preprocessing = legacyPreprocessing(part.mean, part.std);
    legacyOf.set(part, { mean: part.mean, std: part.std, preprocessing });
    return preprocessing;
  }
  if (p.v !== 1 || p.features?.length !== part.features.length) {
    throw new FedcreditError('INTERNAL', `model ${part.modelVersion} at ${part.site}: its stored preprocessing does not match its ${part.features.length} features`);
  }
  return p;
}

/**
 * Scoring: the part's features of a stored vector (catalogue order, NaN = missing) as the
 * preprocessed, standardized columns the part was trained on: exactly what training computed.
 */
export function partColumns(part: PreprocessedPart, vector: Float64Array): { columns: Float64Array; preprocessing: FittedPreprocessing } {
  const preprocessing = partPreprocessing(part);
  const raw = new Float64Array(part.features.length);
  for (let f = 0; f < raw.length; f++) {
    const v = vector[part.featureIndexes[f]!];
    if (v === undefined || (!Number.isFinite(v) && !Number.isNaN(v))) {
      throw new FedcreditError('INTERNAL', `model ${part.modelVersion} at ${part.site}: feature ${part.features[f]} is missing from the stored vector`);
    }
    raw[f] = v;
  }
  return { columns: transformRow(preprocessing, raw), preprocessing };
}
