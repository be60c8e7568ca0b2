/**
 * Logistic regression as a model kind (training/model-kind.ts): its messages (lr.proto), its
 * steps at the coordinator (kind-coordinator.ts) and at each site (kind-site.ts), its stored
 * part and its scoring contribution.
 *
 * A site's stored part ({ kind: 'lr', clip, weights, intercept at the bank, baseline }, beside
 * the common fields of site/model-store.ts) gives its partial linear term for an enterprise
 * with feature vector v (catalogue order):
 *   x_f = clip((v[featureIndexes[f]] - mean[f]) / std[f], +-clip)
 *   u   = sum_f weights[f] * x_f  (+ intercept at the bank)
 * and the joint logit of default is the sum of every site's u. A site without records for the
 * enterprise answers `baseline`: the mean of u over its training population.
 */
import { imputeForModel } from './impute.js';
import { FedcreditError } from '../../lib/errors.js';
import { KindCodec, kindFile, loadKindProto, type ModelKind, type ScoringPart } from '../../training/model-kind.js';
import { LrCoordinator } from './kind-coordinator.js';
import { openLrSite } from './kind-site.js';

/** LR's fields of a stored part. */
export interface LrPart {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Standardized values are clipped to +-clip before use (training/fixed-point.ts FEATURE_CLIP). */
  readonly clip: number;
  readonly weights: readonly number[];
  /** The bank's intercept; absent at passive sites. */
  readonly intercept?: number;
  /** Mean partial term over this site's training population: its answer when it has no record. */
  readonly baseline: number;
}

/** Standardize, clip and weigh one feature vector: this site's partial linear term and each feature's contribution. */
export function partialTerm(model: ScoringPart & LrPart, vector: Float64Array): { value: number; contributions: Float64Array } {
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

const root = loadKindProto(kindFile(import.meta.url, 'lr.proto'));

export const lrKind: ModelKind = {
  name: 'lr',
  codec: new KindCodec(root, 'fedcredit.models.lr.v1'),
  startType: 'JobStart',
  steps: {
    PartialLinear: { request: 'Empty', response: 'fedcredit.v1.SealedPayload' },
    Residual: { request: 'Partials', response: 'ResidualResponse' },
    Gradient: { request: 'GradientRequest', response: 'MaskedGradient' },
    ApplyGradient: { request: 'Decrypted', response: 'fedcredit.v1.TrainingAck' },
    ValidationPartial: { request: 'Empty', response: 'fedcredit.v1.SealedPayload' },
    MaskedScores: { request: 'Partials', response: 'MaskedScores' },
    FinishEpoch: { request: 'Decrypted', response: 'EpochOutcome' },
    EpochResult: { request: 'EpochResult', response: 'fedcredit.v1.TrainingAck' },
  },
  coordinator: () => new LrCoordinator(),
  openSite: openLrSite,
  scoring: {
    contribution: (part, vector) => {
      // A missing cell counts as the training mean (models/lr/impute.ts): it adds nothing.
      const lr = part as ScoringPart & LrPart;
      return partialTerm(lr, imputeForModel(vector, lr));
    },
    baseline: (part) => (part as ScoringPart & LrPart).baseline,
  },
};
