/**
 * The boosted-trees job parameters (docs/design/secureboost.md section 9), their defaults and
 * their checks. They are the job's, like the scorecard's (models/scorecard/params.ts): checked by
 * the coordinator before any work and again by every site, so a site never trusts a range it did
 * not check itself. Flags and the proto `Params` message come with the kind (task T3); this file
 * is the one place the names, defaults and ranges are written down.
 *
 * `minCellCount` is the privacy floor of cell merging (section 4.4): a site additionally refuses
 * a value under its own policy's `treesMinCell` (T3's check, not here).
 */
import { FedcreditError } from '../../lib/errors.js';

export const PARTITION_MODES = ['shared', 'private-subtree'] as const;
export type PartitionMode = (typeof PARTITION_MODES)[number];

export interface TreeParams {
  /** Maximum number of trees. */
  readonly trees: number;
  /** Levels of splits: a tree has at most 2^depth leaves. */
  readonly depth: number;
  /** Shrinkage eta applied to every leaf weight. */
  readonly learningRate: number;
  /** L2 regularisation of leaf weights (XGBoost's lambda). */
  readonly lambda: number;
  /** Minimum gain for a split (XGBoost's gamma, subtracted from every gain). */
  readonly gamma: number;
  /** Minimum hessian sum (real value) in each child of a split. */
  readonly minChildWeight: number;
  /** Minimum training rows in each child of a split. */
  readonly minChildCount: number;
  /** Share of the training rows drawn per tree (seeded). */
  readonly rowSample: number;
  /** Share of each site's features drawn per tree (seeded per site). */
  readonly colSample: number;
  /** Equal-frequency bins per feature before merging. */
  readonly bins: number;
  /** Fewest training rows in a bin of the binning (as the scorecard). */
  readonly minBinCount: number;
  /** Fewest training rows in a released (node, bin) cell, in both siblings (section 4.4). */
  readonly minCellCount: number;
  /** Trees without a validation AUC gain before stopping; 0 = never stop early. */
  readonly earlyStoppingRounds: number;
  /** Bins per histogram share; 0 = chosen per level (section 4.1). */
  readonly stride: number;
  /** Who learns the instance partition (section 5); only `shared` is built. */
  readonly partitionMode: PartitionMode;
  /** Tree 0 splits on the bank's features only (RL-SecureBoost, section 5.1). */
  readonly firstTreeBankOnly: boolean;
  /** Seed of row and column sampling (the coordinator draws and logs one when none is given). */
  readonly jobSeed: number;
}

/** Section 9's defaults; `jobSeed` has none: it is drawn per job. */
export const DEFAULT_TREE_PARAMS: Omit<TreeParams, 'jobSeed'> = {
  trees: 100, depth: 5, learningRate: 0.1, lambda: 1.0, gamma: 0, minChildWeight: 1.0, minChildCount: 20,
  rowSample: 1.0, colSample: 1.0, bins: 32, minBinCount: 50, minCellCount: 20, earlyStoppingRounds: 10,
  stride: 0, partitionMode: 'shared', firstTreeBankOnly: true,
};

/** Strides a level may use (section 4.1): powers of two up to 64; 0 = auto. */
export const STRIDES = [0, 1, 2, 4, 8, 16, 32, 64] as const;

/** Fewest rows a bin of the binning may hold, whatever the job asks (the scorecard's site floor). */
export const MIN_BIN_COUNT_FLOOR = 20;

/**
 * Checks every parameter against section 9's ranges; the error names the parameter as `name`
 * spells it (the field name by default, a flag at the CLI) and the allowed range.
 */
export function checkTreeParams(p: TreeParams, name: (k: keyof TreeParams) => string = (k) => k, fix = 'fix the job\'s boosted-trees parameters'): TreeParams {
  const bad = (k: keyof TreeParams, range: string): never => {
    throw new FedcreditError('BAD_REQUEST', `boosted-trees parameter ${name(k)} must be ${range}, got ${JSON.stringify(p[k]) ?? 'nothing'}; ${fix}`);
  };
  const whole = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (!whole(p.trees, 1, 1000)) bad('trees', 'a whole number from 1 to 1000');
  if (!whole(p.depth, 1, 8)) bad('depth', 'a whole number from 1 to 8');
  if (!(p.learningRate > 0 && p.learningRate <= 1)) bad('learningRate', 'a number above 0 and at most 1');
  if (!(p.lambda >= 0 && p.lambda <= 1000)) bad('lambda', 'a number from 0 to 1000');
  if (!(p.gamma >= 0 && p.gamma <= 1000)) bad('gamma', 'a number from 0 to 1000');
  if (!(p.minChildWeight >= 0 && p.minChildWeight <= 1e6)) bad('minChildWeight', 'a number from 0 to 1000000');
  if (!whole(p.minChildCount, 1, 1e9)) bad('minChildCount', 'a whole number of at least 1');
  if (!(p.rowSample > 0 && p.rowSample <= 1)) bad('rowSample', 'a share above 0 and at most 1');
  if (!(p.colSample > 0 && p.colSample <= 1)) bad('colSample', 'a share above 0 and at most 1');
  if (!whole(p.bins, 2, 255)) bad('bins', 'a whole number from 2 to 255');
  if (!whole(p.minBinCount, MIN_BIN_COUNT_FLOOR, 1e9)) bad('minBinCount', `a whole number of at least ${MIN_BIN_COUNT_FLOOR}`);
  if (!whole(p.minCellCount, 1, 1e9)) bad('minCellCount', 'a whole number of at least 1');
  if (!whole(p.earlyStoppingRounds, 0, 1000)) bad('earlyStoppingRounds', 'a whole number from 0 (off) to 1000');
  if (!(STRIDES as readonly number[]).includes(p.stride)) bad('stride', `one of ${STRIDES.join(', ')} (0 = auto)`);
  if (!PARTITION_MODES.includes(p.partitionMode)) bad('partitionMode', `one of ${PARTITION_MODES.join(', ')}`);
  if (p.partitionMode === 'private-subtree') bad('partitionMode', '"shared": private-subtree (design section 5.2) is not built yet');
  if (typeof p.firstTreeBankOnly !== 'boolean') bad('firstTreeBankOnly', 'true or false');
  if (!whole(p.jobSeed, 0, 0xffffffff)) bad('jobSeed', 'a whole number from 0 to 4294967295');
  return p;
}

/** The defaults with `overrides` on top, checked. */
export function treeParams(overrides: Partial<TreeParams> & { readonly jobSeed: number }): TreeParams {
  return checkTreeParams({ ...DEFAULT_TREE_PARAMS, ...overrides });
}
