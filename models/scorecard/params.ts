/**
 * The scorecard's job parameters: binning, the minimum bin size, IV selection, the VIF screen.
 * They are the job's, like LR's learning rate: `fedcredit train --model scorecard` takes a flag
 * for each (SCORECARD_FLAGS), the request carries them as the kind's own parameters (proto
 * `Params` in scorecard.proto, in RunTrainingRequest.kind_params), the coordinator checks them
 * before any work and keeps them in the job record, the job's training-job log entry and the
 * model's metadata, and sends them to every site in the start payload (`JobStart`), so all sites
 * bin and select under the same rules and a resumed job keeps them. Every site checks them again
 * and refuses a minimum bin count below MIN_BIN_COUNT_FLOOR.
 *
 * (Until issue 15's report work they came from FEDCREDIT_SCORECARD_PARAMS in the coordinator's
 * environment, so they were in no log entry; that variable is gone.)
 */
import { FedcreditError } from '../../lib/errors.js';
import { field, type KindMessage } from '../../training/model-kind.js';
import { DEFAULT_BINS, DEFAULT_MIN_BIN_COUNT, DEFAULT_MIN_BIN_SHARE } from './binning.js';

/**
 * Every site refuses a minimum bin count below this, whatever the coordinator asks: a released
 * bin sum over fewer enterprises would come close to single labels (README.md).
 */
export const MIN_BIN_COUNT_FLOOR = 20;

/** How numeric characteristics are binned: equal frequency, then (optionally) merged further. */
export const BINNING_METHODS = ['quantile', 'monotone', 'chimerge'] as const;
export type BinningMethod = (typeof BINNING_METHODS)[number];

/** The largest VIF threshold accepted (0 turns the screen off; a VIF is never below 1). */
export const MAX_VIF_LIMIT = 1000;

export interface ScorecardParams {
  /** Equal-frequency bins per numeric characteristic before merging. */
  readonly bins: number;
  /** A released bin holds at least this many training enterprises... */
  readonly minBinCount: number;
  /** ...and at least this share of them. */
  readonly minBinShare: number;
  /** Characteristics with a lower information value are dropped. */
  readonly minIv: number;
  /** At most this many characteristics per site (highest IV first). */
  readonly maxCharacteristics: number;
  /** Quantile bins as they are, or merged to a monotone event rate, or by ChiMerge. */
  readonly binningMethod: BinningMethod;
  /** Drop characteristics whose variance inflation factor exceeds this; 0 = no VIF screen. */
  readonly maxVif: number;
}

export const DEFAULT_SCORECARD_PARAMS: ScorecardParams = {
  bins: DEFAULT_BINS, minBinCount: DEFAULT_MIN_BIN_COUNT, minBinShare: DEFAULT_MIN_BIN_SHARE, minIv: 0.02, maxCharacteristics: 30,
  binningMethod: 'quantile', maxVif: 0,
};

/** The `fedcredit train` flag of each parameter (training/cli.ts). */
export const SCORECARD_FLAGS: { readonly [K in keyof ScorecardParams]: string } = {
  bins: '--bins', minBinCount: '--min-bin-size', minBinShare: '--min-bin-share', minIv: '--min-iv',
  maxCharacteristics: '--max-characteristics', binningMethod: '--binning', maxVif: '--max-vif',
};

/** What each flag means, for `fedcredit train --help`. */
export const SCORECARD_FLAG_HELP: { readonly [K in keyof ScorecardParams]: string } = {
  bins: `scorecard: equal-frequency bins per numeric characteristic before merging, 2..100 (default ${DEFAULT_SCORECARD_PARAMS.bins})`,
  minBinCount: `scorecard: fewest training enterprises in a bin, at least ${MIN_BIN_COUNT_FLOOR} (default ${DEFAULT_SCORECARD_PARAMS.minBinCount})`,
  minBinShare: `scorecard: smallest share of the training split in a bin, 0 <= share < 0.5 (default ${DEFAULT_SCORECARD_PARAMS.minBinShare})`,
  minIv: `scorecard: drop characteristics with a lower information value, >= 0 (default ${DEFAULT_SCORECARD_PARAMS.minIv})`,
  maxCharacteristics: `scorecard: at most this many characteristics per site, highest IV first, 1..1000 (default ${DEFAULT_SCORECARD_PARAMS.maxCharacteristics})`,
  binningMethod: `scorecard: ${BINNING_METHODS.join(' | ')} (default ${DEFAULT_SCORECARD_PARAMS.binningMethod})`,
  maxVif: `scorecard: drop characteristics with a variance inflation factor above this, 1..${MAX_VIF_LIMIT}, or 0 for no VIF screen (default ${DEFAULT_SCORECARD_PARAMS.maxVif})`,
};

/**
 * Checks every parameter; the error names the parameter as `name` spells it (the flag at the
 * CLI, the field name elsewhere) and the allowed range.
 */
export function checkScorecardParams(p: ScorecardParams, name: (k: keyof ScorecardParams) => string = (k) => k, fix = 'fix the job\'s scorecard parameters'): ScorecardParams {
  const bad = (k: keyof ScorecardParams, range: string): never => {
    throw new FedcreditError('BAD_REQUEST', `scorecard parameter ${name(k)} must be ${range}, got ${JSON.stringify(p[k]) ?? 'nothing'}; ${fix}`);
  };
  if (!Number.isInteger(p.bins) || p.bins < 2 || p.bins > 100) bad('bins', 'a whole number from 2 to 100');
  if (!Number.isInteger(p.minBinCount) || p.minBinCount < MIN_BIN_COUNT_FLOOR || p.minBinCount > 1e9) bad('minBinCount', `a whole number of at least ${MIN_BIN_COUNT_FLOOR}`);
  if (!(p.minBinShare >= 0 && p.minBinShare < 0.5)) bad('minBinShare', 'a share from 0 up to (not including) 0.5');
  if (!(p.minIv >= 0) || !Number.isFinite(p.minIv)) bad('minIv', 'a number of at least 0');
  if (!Number.isInteger(p.maxCharacteristics) || p.maxCharacteristics < 1 || p.maxCharacteristics > 1000) bad('maxCharacteristics', 'a whole number from 1 to 1000');
  if (!BINNING_METHODS.includes(p.binningMethod)) bad('binningMethod', `one of ${BINNING_METHODS.join(', ')}`);
  if (!(p.maxVif === 0 || (p.maxVif >= 1 && p.maxVif <= MAX_VIF_LIMIT))) bad('maxVif', `0 (no VIF screen) or a number from 1 to ${MAX_VIF_LIMIT}`);
  return p;
}

/** The parameters from a decoded `Params` or `JobStart` (an empty binning method is a job from before it: quantile). */
function fromMessage(m: KindMessage): ScorecardParams {
  const method = m['binningMethod'];
  if (method !== undefined && typeof method !== 'string') throw new FedcreditError('BAD_REQUEST', 'field binningMethod is not a string');
  return {
    bins: field.number(m, 'bins'), minBinCount: field.number(m, 'minBinCount'), minBinShare: field.number(m, 'minBinShare'),
    minIv: field.number(m, 'minIv'), maxCharacteristics: field.number(m, 'maxCharacteristics'),
    binningMethod: (method || 'quantile') as BinningMethod, maxVif: typeof m['maxVif'] === 'number' ? m['maxVif'] : 0,
  };
}

/** At the coordinator, when a job is created: the request's parameters (a whole `Params`), checked. */
export function scorecardJobParams(m: KindMessage): ScorecardParams {
  return checkScorecardParams(fromMessage(m), (k) => k, 'fix the request (fedcredit train: see --help for the scorecard flags)');
}

/** At a site: the parameters of the start payload (checked again: a site does not trust them blindly). */
export function scorecardParams(start: KindMessage): ScorecardParams {
  return checkScorecardParams(fromMessage(start), (k) => k, 'the coordinator sent parameters this site refuses');
}
