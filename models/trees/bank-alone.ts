/**
 * The boosted-trees report's baseline (docs/design/secureboost.md section 11): what the bank
 * would have trained without the other sites, so the report can show what federation adds, as
 * evaluation/bank-only.ts does for LR.
 *
 * Fair by construction: the job's own tree maths (plain.ts over grow/split/quantize, the same
 * quantization and tie rule), the job's own parameters (trees, depth, learning rate, lambda,
 * gamma, child constraints, sampling with the job's seed, early stopping on validation AUC,
 * firstTreeBankOnly is moot), the bank's features binned as its site in the joint job bins them
 * (binned.ts, the job's `bins` and `minBinCount`, cuts from the training rows), on the same
 * training/validation split. The bank's cells are its own data: nothing is merged. The joint
 * model minus this baseline is then the other sites' data alone.
 */
import { FedcreditError } from '../../lib/errors.js';
import { siteColumns } from './binned.js';
import { checkTreeParams, type TreeParams } from './params.js';
import { predictPlain, trainPlainBoostedTrees } from './plain.js';

/** The bank's raw features (NaN = missing) on the joint job's training and validation split. */
export interface BankAloneTreesSplit {
  /** The bank's feature names, in the rows' order. */
  readonly features: readonly string[];
  readonly trainRows: readonly ArrayLike<number>[];
  readonly trainLabels: ArrayLike<number>;
  readonly validationRows: readonly ArrayLike<number>[];
  readonly validationLabels: ArrayLike<number>;
  /** The joint job's parameters. */
  readonly params: TreeParams;
}

/** The method of the baseline: the joint trees job's maths and parameters, the bank the only site. */
export const BANK_ALONE_TREES_METHOD = 'joint-trees-bank-alone';

export interface BankAloneTreesInfo {
  readonly method: typeof BANK_ALONE_TREES_METHOD;
  readonly features: number;
  readonly trainSamples: number;
  readonly validationSamples: number;
  /** Trees grown (early stopping included) and the trees the baseline keeps (0..bestTree). */
  readonly treesGrown: number;
  readonly bestTree: number;
  readonly params: TreeParams;
}

function check(fn: string, what: string, rows: readonly ArrayLike<number>[], labels: ArrayLike<number>, width: number): void {
  if (rows.length !== labels.length) throw new FedcreditError('BAD_REQUEST', `${fn}: ${rows.length} ${what} rows but ${labels.length} ${what} labels; pass one label per row`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new FedcreditError('BAD_REQUEST', `${fn}: ${what} label ${i} is ${labels[i]}; labels must be 0 or 1`);
  }
  rows.forEach((r, i) => {
    if (r.length !== width) throw new FedcreditError('BAD_REQUEST', `${fn}: ${what} row ${i} has ${r.length} features but the bank has ${width}; pass the bank's rows in its feature order`);
  });
}

/**
 * Trains the bank-alone trees (locally, in the clear) and returns the validation logits of the
 * kept trees (base score plus their leaves), for evaluation/report.ts to evaluate as it does the
 * joint model's.
 */
export function trainBankAloneTrees(input: BankAloneTreesSplit): { validationLogits: Float64Array; info: BankAloneTreesInfo } {
  const fn = 'bank-alone boosted trees';
  const p = checkTreeParams(input.params);
  const { features, trainRows, validationRows } = input;
  if (features.length === 0) throw new FedcreditError('BAD_REQUEST', `${fn}: the bank has no features; the baseline needs at least one`);
  if (trainRows.length === 0) throw new FedcreditError('BAD_REQUEST', `${fn}: no training rows`);
  check(fn, 'training', trainRows, input.trainLabels, features.length);
  check(fn, 'validation', validationRows, input.validationLabels, features.length);
  const columns = siteColumns('bank', features, trainRows, validationRows, { bins: p.bins, minBinCount: p.minBinCount });
  const nt = trainRows.length;
  const labels = new Uint8Array(nt + validationRows.length);
  for (let i = 0; i < nt; i++) labels[i] = input.trainLabels[i]!;
  for (let i = 0; i < validationRows.length; i++) labels[nt + i] = input.validationLabels[i]!;
  const validation = new Uint8Array(labels.length).fill(1, nt);
  const model = trainPlainBoostedTrees(columns, labels, p, { bank: 'bank', validation });
  const F = predictPlain(model, columns);
  return {
    validationLogits: F.slice(nt),
    info: {
      method: BANK_ALONE_TREES_METHOD, features: features.length, trainSamples: nt, validationSamples: validationRows.length,
      treesGrown: model.rounds.length, bestTree: model.bestTree, params: p,
    },
  };
}
