/**
 * A site's part of each trained model, kept in its own store (sublevel `model`) and never sent
 * anywhere: its feature names, the standardization it trained with, its weights (and, at the
 * bank, the intercept), and its population baseline. Training (training/node.ts) writes it
 * when a job ends; scoring (scoring/node.ts) reads it to compute this site's partial score.
 *
 * A site's partial linear term for an enterprise with feature vector v (catalogue order):
 *   x_f = clip((v[featureIndexes[f]] - mean[f]) / std[f], +-clip)
 *   u   = sum_f weights[f] * x_f  (+ intercept at the bank)
 * and the joint logit of default is the sum of every site's u. A site without records for the
 * enterprise answers `baseline`: the mean of u over its training population.
 */
import { FedcreditError } from '../lib/errors.js';
import type { NodeStore } from './store.js';

export interface SiteModel {
  /** Federation-wide model version, assigned by the coordinator (e.g. "m3"). */
  readonly modelVersion: string;
  readonly jobId: string;
  readonly site: string;
  readonly alignmentId: string;
  /** 'bank' holds the labels and the intercept; 'passive' sites hold features only. */
  readonly role: 'bank' | 'passive';
  /** Names of the features this part uses, in weight order (a subset of the catalogue). */
  readonly features: readonly string[];
  /** Position of each used feature in the node's stored feature vector. */
  readonly featureIndexes: readonly number[];
  /** Standardization each feature was trained with (the aligned training split's). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Standardized values are clipped to +-clip before use (training/fixed-point.ts FEATURE_CLIP). */
  readonly clip: number;
  readonly weights: readonly number[];
  /** The bank's intercept; absent at passive sites. */
  readonly intercept?: number;
  /** Mean partial term over this site's training population: its answer when it has no record. */
  readonly baseline: number;
  readonly createdAt: string;
  /** What the training job was for (its `--purpose`); absent in parts trained before it was kept. */
  readonly purpose?: string;
  /** Index of the training-job entry in the transparency log. */
  readonly logIndex?: number;
}

/** Standardize, clip and weigh one feature vector: this site's partial linear term and each feature's contribution. */
export function partialTerm(model: SiteModel, vector: Float64Array): { value: number; contributions: Float64Array } {
  const contributions = new Float64Array(model.weights.length);
  let value = model.intercept ?? 0;
  for (let f = 0; f < model.weights.length; f++) {
    const raw = vector[model.featureIndexes[f]!];
    if (raw === undefined || !Number.isFinite(raw)) {
      throw new FedcreditError('INTERNAL', `model ${model.modelVersion} at ${model.site}: feature ${model.features[f]} is missing from the stored vector`);
    }
    const std = model.std[f]! > 0 ? model.std[f]! : 1;
    const x = Math.max(-model.clip, Math.min(model.clip, (raw - model.mean[f]!) / std));
    contributions[f] = model.weights[f]! * x;
    value += contributions[f]!;
  }
  return { value, contributions };
}

export async function saveSiteModel(store: NodeStore, model: SiteModel): Promise<void> {
  await store.db.batch().put(model.modelVersion, model, { sublevel: store.models }).write({ sync: true });
}

export async function getSiteModel(store: NodeStore, modelVersion: string): Promise<SiteModel | undefined> {
  return ((await store.models.get(modelVersion)) as SiteModel | undefined) ?? undefined;
}

export async function listSiteModels(store: NodeStore): Promise<SiteModel[]> {
  const out: SiteModel[] = [];
  for await (const m of store.models.values()) out.push(m as SiteModel);
  return out;
}

/** Queue a model into a caller's batch (written atomically with the job state that produced it). */
export function saveSiteModelInBatch(store: NodeStore, batch: ReturnType<NodeStore['db']['batch']>, model: SiteModel): void {
  batch.put(model.modelVersion, model, { sublevel: store.models });
}
