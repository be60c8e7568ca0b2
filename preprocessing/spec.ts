/**
 * The preprocessing a training job declares (issue 19): what every site does to its own columns
 * before any model kind sees them, with defaults that hold on real credit data (heavy tails,
 * ties, missing cells; the measurements are in docs/evaluation.md, "Preprocessing").
 *
 * The spec travels in the job's parameters (TrainingParams.preprocessing, the training-job log
 * entry and the model metadata); the statistics it leads to (quantiles, medians, means, standard
 * deviations) are computed by each site on its own rows and never leave it (preprocessing/fit.ts).
 */

export interface PreprocessingSpec {
  /**
   * Clip each numeric feature at these quantiles of its training values ([0.01, 0.99]: the
   * 1st and 99th percentile); null: no quantile clipping.
   */
  readonly clipQuantiles: readonly [number, number] | null;
  /** 'auto': log(1 + x) for a non-negative feature still strongly skewed after clipping; 'off': never. */
  readonly logTransform: 'auto' | 'off';
  /** A missing cell is filled with the training split's median (or mean) of the feature's present values. */
  readonly impute: 'median' | 'mean';
  /** A feature with missing cells in the training split gets a 0/1 column of its own saying "was missing". */
  readonly missingIndicators: boolean;
}

export const DEFAULT_PREPROCESSING: PreprocessingSpec = {
  clipQuantiles: [0.01, 0.99],
  logTransform: 'auto',
  impute: 'median',
  missingIndicators: true,
};

/**
 * What jobs did before preprocessing was declared (a job or model stored before it carries no
 * spec): mean imputation and standardization only (the +-8 sigma clip of training/fixed-point.ts
 * applies after every spec alike).
 */
export const LEGACY_PREPROCESSING: PreprocessingSpec = {
  clipQuantiles: null,
  logTransform: 'off',
  impute: 'mean',
  missingIndicators: false,
};

/** Throws a RangeError saying what is wrong with a spec (callers turn it into BAD_REQUEST). */
export function checkPreprocessing(spec: PreprocessingSpec): void {
  const bad = (what: string): never => {
    throw new RangeError(`preprocessing: ${what}`);
  };
  if (spec.clipQuantiles !== null) {
    const [lo, hi] = spec.clipQuantiles;
    if (!(lo >= 0 && lo < 0.5)) bad(`the lower clipping quantile must be in [0, 0.5), got ${lo}`);
    if (!(hi > 0.5 && hi <= 1)) bad(`the upper clipping quantile must be in (0.5, 1], got ${hi}`);
  }
  if (spec.logTransform !== 'auto' && spec.logTransform !== 'off') bad(`the log transform is 'auto' or 'off', got '${String(spec.logTransform)}'`);
  if (spec.impute !== 'median' && spec.impute !== 'mean') bad(`imputation is 'median' or 'mean', got '${String(spec.impute)}'`);
  if (typeof spec.missingIndicators !== 'boolean') bad('missingIndicators must be true or false');
}

/** The wire form (proto/fedcredit/v1/training.proto `Preprocessing`): empty fields mean the defaults. */
export interface PreprocessingWire {
  clipLower?: number;
  clipUpper?: number;
  noClip?: boolean;
  logTransform?: string;
  impute?: string;
  noMissingIndicators?: boolean;
}

/** A spec from its wire form; an absent message gives `absent` (the defaults for a new job, legacy for an old record). */
export function preprocessingFromWire(w: PreprocessingWire | null | undefined, absent: PreprocessingSpec = DEFAULT_PREPROCESSING): PreprocessingSpec {
  if (!w) return absent;
  const spec: PreprocessingSpec = {
    // An unset upper quantile means the default pair; a set one takes the lower as given (0 clips the top only).
    clipQuantiles: w.noClip ? null : w.clipUpper ? [w.clipLower ?? 0, w.clipUpper] : DEFAULT_PREPROCESSING.clipQuantiles,
    logTransform: (w.logTransform || DEFAULT_PREPROCESSING.logTransform) as PreprocessingSpec['logTransform'],
    impute: (w.impute || DEFAULT_PREPROCESSING.impute) as PreprocessingSpec['impute'],
    missingIndicators: !w.noMissingIndicators,
  };
  checkPreprocessing(spec);
  return spec;
}

export function preprocessingToWire(spec: PreprocessingSpec): Required<PreprocessingWire> {
  return {
    clipLower: spec.clipQuantiles?.[0] ?? 0,
    clipUpper: spec.clipQuantiles?.[1] ?? 0,
    noClip: spec.clipQuantiles === null,
    logTransform: spec.logTransform,
    impute: spec.impute,
    noMissingIndicators: !spec.missingIndicators,
  };
}

/** One line for people: "clip 1%-99%, log auto, median fill, missing indicators". */
export function describePreprocessing(spec: PreprocessingSpec): string {
  const pct = (q: number) => `${+(q * 100).toFixed(2)}%`;
  return [
    spec.clipQuantiles ? `clip at ${pct(spec.clipQuantiles[0])}-${pct(spec.clipQuantiles[1])}` : 'no quantile clip',
    spec.logTransform === 'auto' ? 'log(1+x) where skewed' : 'no log',
    `${spec.impute} fill`,
    spec.missingIndicators ? 'missing indicators' : 'no missing indicators',
    'standardized',
  ].join(', ');
}
