/**
 * Vertical gradient-boosted trees (SecureBoost with the coordinator holding the key) as a model
 * kind (training/model-kind.ts; issue 16, docs/design/secureboost.md): one job epoch is one tree,
 * one driver step one tree level (`stepsPerEpoch` = depth). The steps are section 4's; the
 * coordinator's side is kind-coordinator.ts, a site's kind-site.ts (bank.ts, passive.ts), what
 * each site keeps part.ts. Scoring a trees model runs the leaf chain (design section 7, task T4):
 * the kind's `leafChain` hook is scoring.ts.
 */
import { FedcreditError } from '../../lib/errors.js';
import { KindCodec, kindFile, loadKindProto, type KindMessage, type ModelKind } from '../../training/model-kind.js';
import { TreesCoordinator } from './kind-coordinator.js';
import { DEFAULT_TREE_JOB_PARAMS, treeJobParams, treeParamsFromMessage } from './kind-params.js';
import { openTreesSite } from './kind-site.js';
import { treesScoring } from './scoring.js';
import type { TreeParams } from './params.js';
import { DEFAULT_TREES_MIN_CELL } from '../../site/policy.js';

export const TREES_KIND = 'boosted-trees';

const root = loadKindProto(kindFile(import.meta.url, 'trees.proto'));


export const treesKind: ModelKind = {
  name: TREES_KIND,
  codec: new KindCodec(root, 'fedcredit.models.trees.v1'),
  startType: 'JobStart',
  params: {
    type: 'Params',
    defaults: { ...DEFAULT_TREE_JOB_PARAMS },
    check: (p) => ({ ...treeJobParams(p) }),
  },
  stepsPerEpoch: (p: KindMessage | undefined) => (p ? treeParamsFromMessage(p).depth : DEFAULT_TREE_JOB_PARAMS.depth),
  steps: {
    LevelStart: { request: 'LevelStart', response: 'LevelPlan' },
    BuildHistograms: { request: 'BuildHistograms', response: 'HistogramShares' },
    ChooseSplits: { request: 'ChooseSplits', response: 'SplitChoice' },
    ApplySplits: { request: 'ApplySplits', response: 'Partition' },
    ApplyPartitions: { request: 'ApplyPartitions', response: 'fedcredit.v1.TrainingAck' },
    FinishTree: { request: 'FinishTree', response: 'TreeOutcome' },
    TreeDone: { request: 'TreeDone', response: 'fedcredit.v1.TrainingAck' },
    // Paging of a level's plan and shares (paging.ts; design section 4, "Message size").
    FetchPlanPart: { request: 'FetchPlanPart', response: 'PlanPart' },
    DeliverPlanPart: { request: 'DeliverPlanPart', response: 'fedcredit.v1.TrainingAck' },
    FetchSharesPart: { request: 'FetchSharesPart', response: 'SharesPart' },
  },
  checkSitePolicy: (start, policy, site) => {
    const floor = policy.treesMinCell ?? DEFAULT_TREES_MIN_CELL;
    const asked = treeParamsFromMessage((start['params'] ?? {}) as KindMessage).minCellCount;
    if (asked < floor) {
      throw new FedcreditError('BAD_REQUEST', `site ${site} refuses minCellCount ${asked} (--min-cell): its policy's treesMinCell is ${floor} (${policy.source}); train with --min-cell ${floor} or more, or ask ${site}'s operator to lower treesMinCell`);
    }
  },
  coordinator: () => new TreesCoordinator(),
  openSite: openTreesSite,
  scoring: treesScoring,
};

/** A trees job's parameters as RunTrainingRequest.kind_params (what `fedcredit train --model boosted-trees` sends). */
export function treesParamsAny(p: TreeParams): { type_url: string; value: Buffer } {
  return treesKind.codec.encode('Params', { ...p });
}
