/**
 * The coordinator's model registry: metadata of every trained model, never a weight (each site
 * keeps its own part, site/model-store.ts). Training (training/driver.ts) adds a model
 * when a job ends; scoring (scoring/coordinator.ts) reads which version to use and its score
 * scale; `fedcredit model show VERSION` prints an entry with its evaluation report.
 *
 * Stored in `<coordinator data>/models` (LevelDB, JSON values), keyed by version.
 */
import path from 'node:path';
import { Level } from 'level';
import type { ScoreScale } from '../scoring/score-scale.js';
import type { TrainingParams } from './schedule.js';

export interface ModelSiteInfo {
  readonly site: string;
  readonly role: 'bank' | 'passive';
  /** How many columns this site's part uses: its features, plus a missing indicator for each feature with gaps. */
  readonly featureCount: number;
  /**
   * The preprocessing steps each feature went through at the site, by name (preprocessing/fit.ts
   * describeTransforms): no bound, median or mean; absent in models from before preprocessing.
   */
  readonly transforms?: readonly { readonly feature: string; readonly steps: readonly string[] }[];
}

export interface ModelMetadata {
  /** "m1", "m2", ...: assigned in order by the coordinator. */
  readonly modelVersion: string;
  readonly jobId: string;
  readonly alignmentId: string;
  readonly alignmentDigest?: string;
  readonly purpose: string;
  /** The model kind (training/model-kind.ts); absent in models trained before kinds: LR. */
  readonly kind?: string;
  readonly sites: readonly ModelSiteInfo[];
  /** Training parameters as the job ran them (training/schedule.ts TrainingParams). */
  readonly params: TrainingParams;
  readonly scale: ScoreScale;
  /**
   * Platt recalibration of the joint logit the bank fitted on its validation scores
   * (evaluation/calibration.ts fitCalibration): scoring maps slope * z + intercept to points.
   */
  readonly calibration?: { readonly slope: number; readonly intercept: number };
  /** Validation metrics and the evaluation report the bank computed (aggregates only). */
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  /** Index of the training-job entry in the transparency log. */
  readonly logIndex?: number;
}

export class ModelRegistry {
  private constructor(readonly db: Level<string, ModelMetadata>) {}

  static async open(dataDir: string): Promise<ModelRegistry> {
    const db = new Level<string, ModelMetadata>(path.join(dataDir, 'models'), { valueEncoding: 'json' });
    await db.open();
    return new ModelRegistry(db);
  }

  /** The next free version name ("m1" for the first model). */
  async nextVersion(): Promise<string> {
    let n = 0;
    for await (const key of this.db.keys()) n = Math.max(n, Number(key.slice(1)) || 0);
    return `m${n + 1}`;
  }

  async put(model: ModelMetadata): Promise<void> {
    await this.db.batch().put(model.modelVersion, model).write({ sync: true });
  }

  async get(version: string): Promise<ModelMetadata | undefined> {
    return (await this.db.get(version)) ?? undefined;
  }

  async list(): Promise<ModelMetadata[]> {
    const out: ModelMetadata[] = [];
    for await (const m of this.db.values()) out.push(m);
    return out.sort((a, b) => Number(a.modelVersion.slice(1)) - Number(b.modelVersion.slice(1)));
  }

  /** The newest model, which scoring uses unless a query names a version. */
  async latest(): Promise<ModelMetadata | undefined> {
    return (await this.list()).at(-1);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
