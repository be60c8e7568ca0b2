/**
 * A site's part of each trained model, kept in its own store (sublevel `model`) and never sent
 * anywhere. Every part holds the common fields below (its feature names and the standardization
 * it trained with) plus its model kind's own fields (training/model-kind.ts), tagged with the
 * kind: LR's are weights, the bank's intercept, the clip and the baseline (models/lr/kind.ts).
 * Training (training/node.ts) writes it when a job ends; scoring (scoring/node.ts) reads it and
 * asks the kind for this site's contribution. Parts stored before kinds existed carry no `kind`
 * and are LR parts.
 */
import { FedcreditError } from '../lib/errors.js';
import type { NodeStore } from './store.js';
import type { BinnedReference } from '../monitoring/drift.js';

/** The fields every kind's part has. */
export interface SitePartCommon {
  /** Federation-wide model version, assigned by the coordinator (e.g. "m3"). */
  readonly modelVersion: string;
  readonly jobId: string;
  readonly site: string;
  readonly alignmentId: string;
  /** 'bank' holds the labels; 'passive' sites hold features only. */
  readonly role: 'bank' | 'passive';
  /** The model kind (training/model-kind.ts); absent in parts stored before kinds: LR. */
  readonly kind?: string;
  /** Names of the features this part uses (a subset of the catalogue). */
  readonly features: readonly string[];
  /** Position of each used feature in the node's stored feature vector. */
  readonly featureIndexes: readonly number[];
  /** Standardization each feature was trained with (the aligned training split's). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly createdAt: string;
  /** What the training job was for (its `--purpose`); absent in parts trained before it was kept. */
  readonly purpose?: string;
  /** Index of the training-job entry in the transparency log. */
  readonly logIndex?: number;
  /**
   * Each feature's distribution on this site's training split (deciles of the raw value and the
   * missing share; monitoring/drift.ts): what post-loan monitoring's CSI compares a run's
   * enterprises with. Absent in parts trained before issue 21: no drift alarm for them.
   */
  readonly driftReference?: readonly BinnedReference[];
}

/** Any kind's part as stored: the common fields and the kind's own. */
export type StoredPart = SitePartCommon & { readonly [kindField: string]: unknown };

/** An LR part (kind 'lr' or none): the fields models/lr/kind.ts reads. */
export interface SiteModel extends SitePartCommon {
  readonly kind?: 'lr';
  /** Standardized values are clipped to +-clip before use (training/fixed-point.ts FEATURE_CLIP). */
  readonly clip: number;
  readonly weights: readonly number[];
  /** The bank's intercept; absent at passive sites. */
  readonly intercept?: number;
  /** Mean partial term over this site's training population: its answer when it has no record. */
  readonly baseline: number;
}

/** The stored part of `modelVersion`, of whatever kind, with its kind named ('lr' when stored before kinds). */
export async function getStoredPart(store: NodeStore, modelVersion: string): Promise<StoredPart & { readonly kind: string } | undefined> {
  const part = (await store.models.get(modelVersion)) as StoredPart | undefined;
  if (part === undefined) return undefined;
  if (part.kind !== undefined && typeof part.kind !== 'string') throw new FedcreditError('INTERNAL', `model ${modelVersion}: stored part has a malformed kind`);
  return { ...part, kind: part.kind ?? 'lr' };
}

export async function saveSiteModel(store: NodeStore, model: SiteModel | StoredPart): Promise<void> {
  await store.db.batch().put(model.modelVersion, model, { sublevel: store.models }).write({ sync: true });
}

/** An LR part (tests and tools that know the model is LR); scoring uses getStoredPart. */
export async function getSiteModel(store: NodeStore, modelVersion: string): Promise<SiteModel | undefined> {
  return ((await store.models.get(modelVersion)) as SiteModel | undefined) ?? undefined;
}

/** Every stored part, as LR parts (tests and tools that know the models are LR). */
export async function listSiteModels(store: NodeStore): Promise<SiteModel[]> {
  const out: SiteModel[] = [];
  for await (const m of store.models.values()) out.push(m as SiteModel);
  return out;
}

/** Queue a model into a caller's batch (written atomically with the job state that produced it). */
export function saveSiteModelInBatch(store: NodeStore, batch: ReturnType<NodeStore['db']['batch']>, model: SiteModel | StoredPart): void {
  batch.put(model.modelVersion, model, { sublevel: store.models });
}
