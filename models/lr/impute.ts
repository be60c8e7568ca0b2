/**
 * Missing values for logistic regression (docs/feature-tables.md, "Imputation for logistic
 * regression"): a missing cell of a feature table is stored as NaN (site/store.ts) and, at
 * each site, replaced by the training split's mean of that feature, i.e. a standardized value
 * of 0 that adds nothing to the site's partial term. Training fills its rows with the means
 * of the present values; scoring fills a vector with the mean the model part was trained
 * with (SiteModel.mean), so both see the same number. The means never leave the site.
 */

/** Per feature, the mean of the present (non-NaN) values; 0 for a feature with none. */
export function presentMeans(rows: readonly Float64Array[]): Float64Array {
  const width = rows[0]?.length ?? 0;
  const sum = new Float64Array(width);
  const count = new Float64Array(width);
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      if (!Number.isNaN(row[j]!)) {
        sum[j]! += row[j]!;
        count[j]!++;
      }
    }
  }
  return sum.map((s, j) => (count[j]! > 0 ? s / count[j]! : 0));
}

/**
 * Training: fill every missing value of both splits, in place, with the training split's mean
 * of the present values; the standardizer fitted afterwards has that same mean, so a filled
 * cell standardizes to 0.
 */
export function imputeTrainingRows(train: readonly Float64Array[], validation: readonly Float64Array[]): void {
  const means = presentMeans(train);
  for (const row of [...train, ...validation]) {
    for (let j = 0; j < row.length; j++) if (Number.isNaN(row[j]!)) row[j] = means[j]!;
  }
}

/**
 * Scoring: the stored vector with each missing value a model part uses replaced by the mean the
 * part was trained with (a copy; the store's vector is shared and left as it is).
 */
export function imputeForModel(vector: Float64Array, model: { readonly featureIndexes: readonly number[]; readonly mean: readonly number[] }): Float64Array {
  if (!model.featureIndexes.some((i) => Number.isNaN(vector[i]!))) return vector;
  const filled = Float64Array.from(vector);
  model.featureIndexes.forEach((i, f) => {
    if (Number.isNaN(filled[i]!)) filled[i] = model.mean[f]!;
  });
  return filled;
}
