/**
 * The fusion model kind (docs/design/secureboost.md section 8, after He et al. 2014): boosted
 * trees whose leaves become scorecard characteristics of the bank, beside every site's ordinary
 * scorecard characteristics, one LR on WOE and points per bin. It drives the two kinds it is
 * made of, unchanged: boosted trees (models/trees/) grows `fusionTrees` trees of `fusionDepth`,
 * then the scorecard (models/scorecard/) runs its WOE protocol and LR's training with the bank's
 * tree characteristics among its own (kind-coordinator.ts, kind-site.ts). Its messages are the
 * two kinds' (their steps, by the same names); only Params and JobStart are its own
 * (fusion.proto: each the pair of the kinds' messages). Scoring: part.ts (the leaf chain for the
 * tree terms, the 2^64 lane for the rest).
 */
import { KindCodec, kindFile, loadKindProto, type KindMessage, type ModelKind } from '../../training/model-kind.js';
import { FedcreditError } from '../../lib/errors.js';
import { scorecardKind } from '../scorecard/kind.js';
import { treesKind } from '../trees/kind.js';
import { FusionCoordinator } from './kind-coordinator.js';
import { openFusionSite } from './kind-site.js';
import { fusionScoring } from './part.js';
import { DEFAULT_FUSION_PARAMS, checkFusionParams, fusionParamsFromMessage, fusionParamsMessage, type FusionParams } from './params.js';

export const FUSION_KIND = 'fusion';

const root = loadKindProto(kindFile(import.meta.url, 'fusion.proto'));
root.loadSync(kindFile(new URL('../lr/kind.js', import.meta.url).href, 'lr.proto'));

const qualified = (pkg: string, steps: ModelKind['steps']): ModelKind['steps'] => Object.fromEntries(Object.entries(steps).map(([name, t]) => [name, {
  request: t.request.includes('.') ? t.request : `${pkg}.${t.request}`,
  response: t.response.includes('.') ? t.response : `${pkg}.${t.response}`,
}]));

const treeSteps = qualified('fedcredit.models.trees.v1', treesKind.steps);
const cardSteps = qualified('fedcredit.models.scorecard.v1', scorecardKind.steps);
for (const name of Object.keys(treeSteps)) {
  if (name in cardSteps) throw new FedcreditError('INTERNAL', `fusion: step ${name} is both boosted trees' and the scorecard's`);
}

export const fusionKind: ModelKind = {
  name: FUSION_KIND,
  codec: new KindCodec(root, 'fedcredit.models.fusion.v1'),
  startType: 'JobStart',
  params: {
    type: 'Params',
    defaults: fusionParamsMessage(DEFAULT_FUSION_PARAMS),
    check: (p) => fusionParamsMessage(checkFusionParams(fusionParamsFromMessage(p))),
  },
  steps: { ...treeSteps, ...cardSteps },
  // The trees' floor on released cells (treesMinCell) holds for a fusion job's trees too.
  checkSitePolicy: (start, policy, site) => treesKind.checkSitePolicy?.((start['trees'] ?? {}) as KindMessage, policy, site),
  coordinator: () => new FusionCoordinator(),
  openSite: openFusionSite,
  scoring: fusionScoring,
};

/** A fusion job's parameters as RunTrainingRequest.kind_params (what `fedcredit train --model fusion` sends). */
export function fusionParamsAny(p: FusionParams): { type_url: string; value: Buffer } {
  return fusionKind.codec.encode('Params', fusionParamsMessage(p));
}
