/**
 * Logistic regression as a model kind (training/model-kind.ts): its messages (lr.proto), its
 * steps at the coordinator (kind-coordinator.ts) and at each site (kind-site.ts), its stored
 * part and its scoring contribution.
 *
 * A site's stored part ({ kind: 'lr', clip, weights, intercept at the bank, baseline }, beside
 * the common fields of site/model-store.ts, its preprocessing among them) gives its partial
 * linear term for an enterprise with feature vector v (catalogue order):
 *   x_c = clip(column c of the part's preprocessing of v (preprocessing/fit.ts), +-clip)
 *   u   = sum_c weights[c] * x_c  (+ intercept at the bank)
 * and the joint logit of default is the sum of every site's u. A site without records for the
 * enterprise answers `baseline`: the mean of u over its training population. A feature's
 * contribution (for the explanation) is the sum over its columns (its value and, when it has
 * one, its "was missing" column).
 */
import { FedcreditError } from '../../lib/errors.js';
import { partColumns, type PreprocessedPart } from '../../preprocessing/fit.js';
import { KindCodec, kindFile, loadKindProto, type ModelKind, type ScoringPart } from '../../training/model-kind.js';
import { LrCoordinator } from './kind-coordinator.js';
import { openLrSite } from './kind-site.js';

/** LR's fields of a stored part. */
export interface LrPart {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Standardized values are clipped to +-clip before use (training/fixed-point.ts FEATURE_CLIP). */
  readonly clip: number;
  /** One per column of the part's preprocessing (its features, then its missing indicators). */
  readonly weights: readonly number[];
  /** The bank's intercept; absent at passive sites. */
  readonly intercept?: number;
  /** Mean partial term over this site's training population: its answer when it has no record. */
  readonly baseline: number;
}

/** Preprocess, clip and weigh one stored feature vector: this site's partial linear term and each feature's contribution. */
export function partialTerm(model: ScoringPart & PreprocessedPart & LrPart, vector: Float64Array): { value: number; contributions: Float64Array } {
  const { columns, preprocessing } = partColumns(model, vector);
  if (columns.length !== model.weights.length) {
    throw new FedcreditError('INTERNAL', `model ${model.modelVersion} at ${model.site}: ${model.weights.length} weights for ${columns.length} columns`);
  }
  const contributions = new Float64Array(model.features.length);
  let value = model.intercept ?? 0;
  for (let c = 0; c < columns.length; c++) {
    const x = Math.max(-model.clip, Math.min(model.clip, columns[c]!));
    const term = model.weights[c]! * x;
    contributions[preprocessing.columns[c]!.feature]! += term;
    value += term;
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
    // A missing cell takes the part's fill and, where the feature had gaps in training, its indicator.
    contribution: (part, vector) => partialTerm(part as ScoringPart & PreprocessedPart & LrPart, vector),
    baseline: (part) => (part as ScoringPart & LrPart).baseline,
  },
};
