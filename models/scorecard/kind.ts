/**
 * The federated scorecard as a model kind (training/model-kind.ts; issue 15): each site bins its
 * own characteristics (binning.ts), the WOE of every bin is computed without the labels leaving
 * the bank (README.md: the protocol and what each party learns), characteristics are chosen by
 * information value, and LR's encrypted, masked training (models/lr/) runs on the WOE-coded
 * characteristics. A site's stored part holds its bins with their WOE, logit terms and points
 * (part.ts); scoring sums the terms under secure aggregation as for any kind.
 */
import { KindCodec, kindFile, loadKindProto, type ModelKind, type ScoringPart } from '../../training/model-kind.js';
import { lrKind } from '../lr/kind.js';
import { ScorecardCoordinator } from './kind-coordinator.js';
import { openScorecardSite } from './kind-site.js';
import { scorecardContribution, type ScorecardPart } from './part.js';
import { DEFAULT_SCORECARD_PARAMS, scorecardJobParams, type ScorecardParams } from './params.js';

const root = loadKindProto(kindFile(import.meta.url, 'scorecard.proto'));
// The training steps are LR's own messages: load them into the same root, under LR's package.
root.loadSync(kindFile(new URL('../lr/kind.js', import.meta.url).href, 'lr.proto'));

const LR_PACKAGE = 'fedcredit.models.lr.v1';
const qualify = (type: string): string => (type.includes('.') ? type : `${LR_PACKAGE}.${type}`);
const lrSteps = Object.fromEntries(Object.entries(lrKind.steps).map(([name, t]) => [name, { request: qualify(t.request), response: qualify(t.response) }]));

export const scorecardKind: ModelKind = {
  name: 'scorecard',
  codec: new KindCodec(root, 'fedcredit.models.scorecard.v1'),
  startType: 'JobStart',
  params: {
    type: 'Params',
    defaults: { ...DEFAULT_SCORECARD_PARAMS },
    check: (p) => ({ ...scorecardJobParams(p) }),
  },
  steps: {
    EncryptLabels: { request: 'Empty', response: 'Labels' },
    BinSums: { request: 'BinSumsRequest', response: 'BinSums' },
    ApplyBinSums: { request: 'Decrypted', response: 'fedcredit.v1.TrainingAck' },
    ...lrSteps,
  },
  coordinator: () => new ScorecardCoordinator(),
  openSite: openScorecardSite,
  scoring: {
    contribution: (part, vector) => scorecardContribution(part as ScoringPart & ScorecardPart, vector),
    baseline: (part) => (part as ScoringPart & ScorecardPart).baseline,
  },
};

/** A scorecard job's parameters as RunTrainingRequest.kind_params (what `fedcredit train --model scorecard` sends). */
export function scorecardParamsAny(p: ScorecardParams): { type_url: string; value: Buffer } {
  return scorecardKind.codec.encode('Params', { ...p });
}
