/**
 * The boosted-trees parameters on the wire (trees.proto `Params`) and as `fedcredit train` flags
 * (design section 9), mapped to and from params.ts's TreeParams, the one place their ranges are
 * checked. The coordinator checks them before any work, every site again from the start payload.
 */
import { FedcreditError } from '../../lib/errors.js';
import type { KindMessage } from '../../training/model-kind.js';
import { DEFAULT_TREE_PARAMS, checkTreeParams, type PartitionMode, type TreeParams } from './params.js';

/** The flag of each parameter (section 9). `--l2` and `--seed` are the LR flags of the same meaning. */
export const TREE_FLAGS: { readonly [K in keyof TreeParams]: string } = {
  trees: '--trees', depth: '--depth', learningRate: '--learning-rate', lambda: '--l2', gamma: '--gamma', minChildWeight: '--min-child-weight',
  minChildCount: '--min-child-count', rowSample: '--row-sample', colSample: '--col-sample', bins: '--bins', minBinCount: '--min-bin-size',
  minCellCount: '--min-cell', earlyStoppingRounds: '--early-stopping', stride: '--stride', partitionMode: '--partition',
  firstTreeBankOnly: '--first-tree-bank-only', jobSeed: '--seed',
};

/** Help of the flags only boosted trees take (the shared ones keep their LR / scorecard help). */
export const TREE_FLAG_HELP: Partial<Record<keyof TreeParams, string>> = {
  trees: `boosted-trees: maximum number of trees, 1..1000 (default ${DEFAULT_TREE_PARAMS.trees})`,
  depth: `boosted-trees: levels of splits, 1..8 (default ${DEFAULT_TREE_PARAMS.depth})`,
  learningRate: `boosted-trees: shrinkage eta, (0, 1] (default ${DEFAULT_TREE_PARAMS.learningRate})`,
  gamma: `boosted-trees: minimum gain to split, 0..1000 (default ${DEFAULT_TREE_PARAMS.gamma})`,
  minChildWeight: `boosted-trees: minimum hessian sum per child (default ${DEFAULT_TREE_PARAMS.minChildWeight})`,
  minChildCount: `boosted-trees: minimum training rows per child (default ${DEFAULT_TREE_PARAMS.minChildCount})`,
  rowSample: `boosted-trees: share of rows per tree, (0, 1] (default ${DEFAULT_TREE_PARAMS.rowSample})`,
  colSample: `boosted-trees: share of each site's features per tree, (0, 1] (default ${DEFAULT_TREE_PARAMS.colSample})`,
  minCellCount: `boosted-trees: fewest rows in a released histogram cell (default ${DEFAULT_TREE_PARAMS.minCellCount})`,
  earlyStoppingRounds: `boosted-trees: trees without a validation AUC gain before stopping, 0 = off (default ${DEFAULT_TREE_PARAMS.earlyStoppingRounds})`,
  stride: 'boosted-trees: bins per histogram share, 0 = auto (default 0)',
  partitionMode: 'boosted-trees: who learns the instance partition: shared (default; private-subtree is not built)',
  firstTreeBankOnly: 'boosted-trees: tree 0 splits on the bank\'s features only, true or false (default true)',
};

export function treeParamsFromMessage(m: KindMessage): TreeParams {
  const num = (k: string): number => (typeof m[k] === 'number' ? (m[k] as number) : NaN);
  return {
    trees: num('trees'), depth: num('depth'), learningRate: num('learningRate'), lambda: num('lambda'), gamma: num('gamma'), minChildWeight: num('minChildWeight'),
    minChildCount: num('minChildCount'), rowSample: num('rowSample'), colSample: num('colSample'), bins: num('bins'), minBinCount: num('minBinCount'),
    minCellCount: num('minCellCount'), earlyStoppingRounds: num('earlyStoppingRounds'), stride: num('stride'),
    partitionMode: String(m['partitionMode'] ?? '') as PartitionMode, firstTreeBankOnly: m['firstTreeBankOnly'] === true, jobSeed: num('jobSeed'),
  };
}

/** Checked parameters of a job (coordinator). */
export function treeJobParams(m: KindMessage): TreeParams {
  return checkTreeParams(treeParamsFromMessage(m));
}

/** The parameters a site receives in JobStart, checked again by the site. */
export function treeSiteParams(start: KindMessage): TreeParams {
  const p = start['params'];
  if (!p || typeof p !== 'object') throw new FedcreditError('BAD_REQUEST', 'the boosted-trees start payload has no parameters; the coordinator is older than this node');
  return checkTreeParams(treeParamsFromMessage(p as KindMessage), (k) => k, 'the coordinator sent parameters this site refuses');
}

/** Section 9's defaults with seed 0 (the CLI draws a random seed when --seed is not given). */
export const DEFAULT_TREE_JOB_PARAMS: TreeParams = { ...DEFAULT_TREE_PARAMS, jobSeed: 0 };
