/**
 * A model part's features, found by name in the node's active catalogue (issue 14: a node's
 * tables have versions, node/tables.ts). A part stores each feature's name and its index in the
 * catalogue it was trained on; when a new table version or another table changes the catalogue,
 * scoring (scoring/node.ts) uses the names, so an older model keeps scoring as long as the
 * active tables hold its columns, and says which are gone when they do not.
 */
import type { FeatureDescription } from './store.js';

/** What resolving needs of a part, of any model kind (site/model-store.ts SitePartCommon). */
interface PartFeatures {
  readonly features: readonly string[];
  readonly featureIndexes: readonly number[];
}

/**
 * A model part with its feature indexes resolved by name against the active catalogue, or the
 * names it needs that the catalogue no longer has.
 */
export function modelOnCatalogue<M extends PartFeatures>(model: M, catalogue: readonly FeatureDescription[]): { model: M } | { missing: string[] } {
  const index = new Map(catalogue.map((f, i) => [f.name, i]));
  const missing = model.features.filter((f) => !index.has(f));
  if (missing.length > 0) return { missing };
  const featureIndexes = model.features.map((f) => index.get(f)!);
  return { model: featureIndexes.every((i, k) => i === model.featureIndexes[k]) ? model : { ...model, featureIndexes } };
}
