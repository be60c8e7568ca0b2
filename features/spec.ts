/**
 * The shape of a site's feature catalogue, and small helpers the three catalogues share.
 *
 * A feature set turns all raw records one site holds on one enterprise into a fixed-length
 * vector, as of a month: only records dated at or before that month are read, so the same code
 * serves training (as of the observation month) and scoring (as of today) without leaking the
 * label window. Every value is finite, except where a feature is genuinely undefined for an
 * enterprise (a ratio with nothing to divide by): a feature whose spec says `mayBeMissing` is then
 * NaN, a missing cell like one of a feature table (site/store.ts), which the model imputes at the
 * site. Every other feature uses a documented imputation.
 */
import type { Site } from '../schema/site-schema.js';

export interface FeatureSpec {
  /** Stable identifier, `<site>_<what>`; models refer to features by it. */
  name: string;
  /** What the value says about the enterprise, in one sentence. */
  meaning: string;
  unit: string;
  /** The months read, relative to the as-of month. */
  window: string;
  /** The value used when the records do not allow computing it, and why that value. */
  imputation: string;
  /**
   * The feature is left missing (NaN) when it is undefined for an enterprise, as `imputation`
   * says; the node stores NaN like a feature table's empty cell and the model imputes it.
   */
  mayBeMissing?: true;
}

export interface SiteFeatureSet<R> {
  site: Site;
  catalogue: readonly FeatureSpec[];
  /**
   * How many months of dated records (filings, bills, repayments) the catalogue reads, ending at
   * the as-of month: the widest `window` of its features. A consent must cover these months for
   * the site to answer a query (scoring/node.ts, docs/scoring.md "What a consent covers").
   */
  windowMonths: number;
  /** Feature vector in catalogue order; `asOf` is a month index (year * 12 + month - 1). Finite, or NaN for a `mayBeMissing` feature. */
  compute(records: R, asOf: number): Float64Array;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Throws the RangeError every compute() gives for a month index that is not one. */
export function checkAsOf(asOf: number): void {
  if (!Number.isInteger(asOf) || asOf < 0) {
    throw new RangeError(`asOf must be a month index (year * 12 + month - 1, see parsePeriod), got ${asOf}`);
  }
}

/**
 * The vector in catalogue order, checked: an infinity, or a NaN the catalogue does not announce,
 * would poison a whole federated model. NaN is allowed only for a `mayBeMissing` feature.
 */
export function finiteVector(site: Site, catalogue: readonly FeatureSpec[], values: readonly number[]): Float64Array {
  if (values.length !== catalogue.length) {
    throw new Error(`${site} features: computed ${values.length} values for ${catalogue.length} catalogue entries`);
  }
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!) && catalogue[i]!.mayBeMissing) continue;
    if (!Number.isFinite(out[i]!)) {
      throw new RangeError(`${site} feature ${catalogue[i]!.name} is ${out[i]}: the raw records hold a value out of range`);
    }
  }
  return out;
}
