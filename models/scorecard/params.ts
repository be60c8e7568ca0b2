/**
 * The scorecard's job parameters: binning, the minimum bin size, IV selection. They are fixed
 * when the job is created (kept in the coordinator's job record) and sent to every site in the
 * start payload, so all sites bin and select under the same rules and a resumed job keeps them.
 *
 * `fedcredit train --model scorecard` takes LR's training flags; the scorecard's own parameters
 * come from FEDCREDIT_SCORECARD_PARAMS in the coordinator's environment (JSON, any subset of
 * ScorecardParams, e.g. `{"minIv": 0.05, "bins": 8}`) until the CLI grows kind flags. Every
 * site checks them again and refuses a minimum bin count below MIN_BIN_COUNT_FLOOR.
 */
import { FedcreditError } from '../../lib/errors.js';
import { field, type KindMessage } from '../../training/model-kind.js';
import { DEFAULT_BINS, DEFAULT_MIN_BIN_COUNT, DEFAULT_MIN_BIN_SHARE } from './binning.js';

export const SCORECARD_PARAMS_ENV = 'FEDCREDIT_SCORECARD_PARAMS';

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

export function checkScorecardParams(p: ScorecardParams): ScorecardParams {
  const bad = (what: string): never => {
    throw new FedcreditError('BAD_REQUEST', `scorecard parameters: ${what}; fix ${SCORECARD_PARAMS_ENV} at the coordinator`);
  };
  if (!Number.isInteger(p.bins) || p.bins < 2 || p.bins > 100) bad(`bins must be a whole number from 2 to 100, got ${p.bins}`);
  if (!Number.isInteger(p.minBinCount) || p.minBinCount < MIN_BIN_COUNT_FLOOR) bad(`minBinCount must be a whole number of at least ${MIN_BIN_COUNT_FLOOR}, got ${p.minBinCount}`);
  if (!(p.minBinShare >= 0 && p.minBinShare < 0.5)) bad(`minBinShare must be in [0, 0.5), got ${p.minBinShare}`);
  if (!(p.minIv >= 0) || !Number.isFinite(p.minIv)) bad(`minIv must be a non-negative number, got ${p.minIv}`);
  if (!Number.isInteger(p.maxCharacteristics) || p.maxCharacteristics < 1) bad(`maxCharacteristics must be a positive whole number, got ${p.maxCharacteristics}`);
  if (!BINNING_METHODS.includes(p.binningMethod)) bad(`binningMethod must be one of ${BINNING_METHODS.join(', ')}, got ${String(p.binningMethod).slice(0, 20)}`);
  if (!(p.maxVif === 0 || (p.maxVif >= 1 && p.maxVif <= MAX_VIF_LIMIT))) bad(`maxVif must be 0 (no VIF screen) or a number from 1 to ${MAX_VIF_LIMIT}, got ${p.maxVif}`);
  return p;
}

/** At the coordinator, when a job is created: the defaults, overridden by the environment. */
export function scorecardParamsFromEnv(env: NodeJS.ProcessEnv = process.env): ScorecardParams {
  const text = env[SCORECARD_PARAMS_ENV];
  if (!text) return DEFAULT_SCORECARD_PARAMS;
  let given: unknown;
  try {
    given = JSON.parse(text);
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `${SCORECARD_PARAMS_ENV} is not JSON (${(err as Error).message}); write e.g. {"minIv": 0.05}`);
  }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new FedcreditError('BAD_REQUEST', `${SCORECARD_PARAMS_ENV} must be a JSON object, e.g. {"minIv": 0.05}`);
  const unknown = Object.keys(given).filter((k) => !(k in DEFAULT_SCORECARD_PARAMS));
  if (unknown.length > 0) throw new FedcreditError('BAD_REQUEST', `${SCORECARD_PARAMS_ENV}: unknown parameter ${unknown.join(', ')}; known: ${Object.keys(DEFAULT_SCORECARD_PARAMS).join(', ')}`);
  return checkScorecardParams({ ...DEFAULT_SCORECARD_PARAMS, ...(given as Partial<ScorecardParams>) });
}

/** At a site: the parameters of the start payload (checked again: a site does not trust them blindly). */
export function scorecardParams(start: KindMessage): ScorecardParams {
  return checkScorecardParams({
    bins: field.number(start, 'bins'), minBinCount: field.number(start, 'minBinCount'), minBinShare: field.number(start, 'minBinShare'),
    minIv: field.number(start, 'minIv'), maxCharacteristics: field.number(start, 'maxCharacteristics'),
    // Until JobStart carries them (the scorecard-report branch's proto): a start without them is quantile, no VIF.
    binningMethod: (typeof start['binningMethod'] === 'string' && start['binningMethod'] ? start['binningMethod'] : 'quantile') as BinningMethod,
    maxVif: typeof start['maxVif'] === 'number' ? start['maxVif'] : 0,
  });
}
