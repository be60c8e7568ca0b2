/**
 * The documented preprocessing (docs/evaluation.md, "Preprocessing"; preprocessing/fit.ts),
 * written out again here on its own, so that a test comparing a federated score with it checks
 * the product's scoring path against the rule rather than against itself: for each feature of a
 * site's stored part, clip at the fitted bounds, log(1 + x) if chosen, fill a missing cell and
 * set its "was missing" column, standardize, clip at the part's +-clip, weigh.
 */
import type { SiteModel } from '../../site/model-store.js';

interface StoredTransform { lo: number | null; hi: number | null; log: boolean; fill: number; indicator: number | null }
interface StoredPreprocessing { features: StoredTransform[]; columns: { mean: number; std: number }[] }

/** A site's partial linear term for a stored vector (catalogue order, NaN = missing), intercept included. */
export function documentedPartialTerm(part: SiteModel, vector: Float64Array): number {
  const p = (part as unknown as { preprocessing?: StoredPreprocessing }).preprocessing;
  const columns = new Float64Array(part.weights.length);
  part.featureIndexes.forEach((i, f) => {
    const raw = vector[i]!;
    if (!p) { // a part from before preprocessing: the training mean, standardized 0
      columns[f] = Number.isNaN(raw) ? part.mean[f]! : raw;
      return;
    }
    const t = p.features[f]!;
    if (Number.isNaN(raw)) columns[f] = t.fill;
    else {
      const clipped = Math.min(t.hi ?? Infinity, Math.max(t.lo ?? -Infinity, raw));
      columns[f] = t.log ? Math.log1p(clipped) : clipped;
    }
    // A "was missing" column is 1 when any feature of its group is missing (they are together in training).
    if (t.indicator !== null && Number.isNaN(raw)) columns[t.indicator] = 1;
  });
  let u = part.intercept ?? 0;
  columns.forEach((x, c) => {
    const mean = p ? p.columns[c]!.mean : part.mean[c]!;
    const std = p ? p.columns[c]!.std : part.std[c]! || 1;
    u += part.weights[c]! * Math.max(-part.clip, Math.min(part.clip, (x - mean) / std));
  });
  return u;
}
