/**
 * The fusion job's parameters (docs/design/secureboost.md sections 8 and 9): the boosted-trees
 * half and the scorecard half, each checked by its own kind's code (models/trees/params.ts,
 * models/scorecard/params.ts), plus section 8's ties between them: `fusionTrees` (1..200, default
 * 20) trees of `fusionDepth` (1..5, default 3), every leaf at least the scorecard's `minBinCount`
 * training rows (minChildCount = minBinCount: a leaf becomes a bin of the bank's "tree t"
 * characteristic) and the partition shared (the bank must know every row's leaf to code it).
 */
import { FedcreditError } from '../../lib/errors.js';
import type { KindMessage } from '../../training/model-kind.js';
import { DEFAULT_TREE_JOB_PARAMS, treeParamsFromMessage } from '../trees/kind-params.js';
import { checkTreeParams, type TreeParams } from '../trees/params.js';
import { DEFAULT_SCORECARD_PARAMS, scorecardJobParams, type ScorecardParams } from '../scorecard/params.js';

export interface FusionParams {
  readonly trees: TreeParams;
  readonly scorecard: ScorecardParams;
}

export const DEFAULT_FUSION_TREES = 20;
export const DEFAULT_FUSION_DEPTH = 3;
export const MAX_FUSION_TREES = 200;
export const MAX_FUSION_DEPTH = 5;

/** The flags of section 9 only fusion takes. */
export const FUSION_FLAGS = { trees: '--fusion-trees', depth: '--fusion-depth' } as const;
export const FUSION_FLAG_HELP = {
  trees: `fusion: boosted trees turned into the bank's characteristics, 1..${MAX_FUSION_TREES} (default ${DEFAULT_FUSION_TREES})`,
  depth: `fusion: depth of those trees (2^depth leaves, each a bin), 1..${MAX_FUSION_DEPTH} (default ${DEFAULT_FUSION_DEPTH})`,
} as const;

/** The trees half section 8 implies from the fusion flags and the scorecard's minimum bin size. */
export function fusionTreeParams(card: ScorecardParams, o: { trees?: number; depth?: number; jobSeed?: number } = {}): TreeParams {
  return {
    ...DEFAULT_TREE_JOB_PARAMS, trees: o.trees ?? DEFAULT_FUSION_TREES, depth: o.depth ?? DEFAULT_FUSION_DEPTH,
    minChildCount: card.minBinCount, partitionMode: 'shared', jobSeed: o.jobSeed ?? 0,
  };
}

export const DEFAULT_FUSION_PARAMS: FusionParams = { trees: fusionTreeParams(DEFAULT_SCORECARD_PARAMS), scorecard: DEFAULT_SCORECARD_PARAMS };

/** Both halves checked by their kinds, then section 8's ties; BAD_REQUEST names the parameter. */
export function checkFusionParams(p: FusionParams, fix = 'fix the fusion job\'s parameters (fedcredit train --model fusion: see --help)'): FusionParams {
  const trees = checkTreeParams(p.trees, (k) => `trees.${k}`, fix);
  const bad = (what: string): never => { throw new FedcreditError('BAD_REQUEST', `fusion parameter ${what}; ${fix}`); };
  if (trees.trees > MAX_FUSION_TREES) bad(`fusionTrees must be 1..${MAX_FUSION_TREES}, got ${trees.trees}`);
  if (trees.depth > MAX_FUSION_DEPTH) bad(`fusionDepth must be 1..${MAX_FUSION_DEPTH}, got ${trees.depth}`);
  if (trees.partitionMode !== 'shared') bad(`trees.partitionMode must be shared (the bank codes every row by its leaf), got ${trees.partitionMode}`);
  if (trees.minChildCount !== p.scorecard.minBinCount) bad(`trees.minChildCount must equal the scorecard's minBinCount ${p.scorecard.minBinCount} (every leaf is a bin), got ${trees.minChildCount}`);
  return { trees, scorecard: p.scorecard };
}

/** From a decoded `Params` (or `JobStart`, whose halves carry their parameters alike). */
export function fusionParamsFromMessage(m: KindMessage): FusionParams {
  const t = m['trees'];
  const c = m['scorecard'];
  if (!t || typeof t !== 'object' || !c || typeof c !== 'object') throw new FedcreditError('BAD_REQUEST', 'fusion parameters need both halves, trees and scorecard');
  return { trees: treeParamsFromMessage(t as KindMessage), scorecard: scorecardJobParams(c as KindMessage) };
}

/** The parameters as the wire message (fusion.proto Params). */
export function fusionParamsMessage(p: FusionParams): KindMessage {
  return { trees: { ...p.trees }, scorecard: { ...p.scorecard } };
}
