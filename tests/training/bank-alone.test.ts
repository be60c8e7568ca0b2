/**
 * The report's bank-only baseline is the joint LR with the bank as its only site (issue 19):
 * with passive sites whose features are all zero, the in-memory joint run (the same party
 * objects every transport drives) and the baseline must agree bit for bit: weights, AUC
 * history, stopping epoch and the best epoch's validation logits. Then the report's
 * joint-minus-bank-only gap measures the other sites' data and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { auc } from '../../evaluation/metrics.js';
import { buildEvaluationReport } from '../../evaluation/report.js';
import { trainBankAlone } from '../../models/lr/bank-alone.js';
import type { BankData } from '../../models/lr/bank.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { DEFAULT_PARAMS, type TrainingParams } from '../../training/schedule.js';
import { rng } from './helpers.js';

/** Bank rows with signal, heavy tails past the +-8 clip and ties; labels from a logistic model. */
function bankData(n: number, nv: number, seed: number): BankData {
  const next = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const make = (count: number) => {
    const rows: Float64Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < count; i++) {
      const a = gauss();
      const b = next() < 0.05 ? 12 * gauss() : gauss();
      const c = Math.round(2 * next());
      rows.push(Float64Array.of(a, b, c - 1));
      labels.push(next() < 1 / (1 + Math.exp(-(-1.5 + 1.1 * a - 0.6 * b + 0.4 * c))) ? 1 : 0);
    }
    return { rows, labels };
  };
  const t = make(n);
  const v = make(nv);
  return { name: 'bank', train: t.rows, validation: v.rows, trainLabels: t.labels, validationLabels: v.labels };
}

const zeros = (rows: readonly Float64Array[], width: number) => rows.map(() => new Float64Array(width));

const PARAMS: TrainingParams = { ...DEFAULT_PARAMS, epochs: 12, batchSize: 64, learningRate: 0.5, decay: 0.1, l2: 0.01, seed: 7, patience: 3, minDelta: 1e-4 };

async function jointWithZeroPassives(bank: BankData, params: TrainingParams) {
  return runTrainingInMemory({
    engine: new PlainEngine(), params, bank,
    passives: [{ name: 'tax', train: zeros(bank.train, 2), validation: zeros(bank.validation, 2) }, { name: 'power', train: zeros(bank.train, 1), validation: zeros(bank.validation, 1) }],
  });
}

describe('bank-only baseline = the joint LR at the bank alone', () => {
  const bank = bankData(600, 250, 11);

  it('gives the joint run\'s weights, AUC history and stopping epoch bit for bit when the passive features are zero', async () => {
    for (const params of [PARAMS, { ...PARAMS, patience: 1, decay: 0, batchSize: 100, seed: 3 }, { ...PARAMS, epochs: 3, batchSize: 8192 }]) {
      const joint = await jointWithZeroPassives(bank, params);
      const alone = trainBankAlone(bank, params);
      expect(alone.aucHistory).toEqual(joint.aucHistory);
      expect(alone.epochsRun).toBe(joint.epochs);
      expect([...alone.weights]).toEqual([...joint.models['bank']!]);
      expect(alone.weights.some((w) => w !== 0)).toBe(true);
      // The best epoch's validation logits: a joint run stopped right after that epoch shows them.
      const upToBest = await jointWithZeroPassives(bank, { ...params, epochs: alone.bestEpoch + 1 });
      expect([...alone.validationLogits]).toEqual([...upToBest.validationScores!]);
      expect(auc(alone.validationLogits, bank.validationLabels)).toBe(joint.validationAuc);
    }
  }, 120_000);

  it('the report\'s bank-only AUC is the zero-passive joint run\'s, under the job\'s own parameters', async () => {
    const joint = await jointWithZeroPassives(bank, PARAMS);
    const report = buildEvaluationReport({
      joint: { logits: Array.from(bank.validation, (r) => r[0]!), labels: Uint8Array.from(bank.validationLabels as number[]) },
      bankOnly: { trainRows: bank.train, trainLabels: bank.trainLabels, validationRows: bank.validation, validationLabels: bank.validationLabels, params: PARAMS },
    });
    expect(report.bankOnly.auc).toBeCloseTo(joint.validationAuc, 12);
    expect(report.bankOnlyModel).toMatchObject({ method: 'joint-lr-bank-alone', params: PARAMS, sigmoid: 'taylor1', epochsRun: joint.epochs, features: 3 });
  }, 60_000);

  it('differs from the joint run once the passive sites carry signal (the comparison can show a gain)', async () => {
    const next = rng(5);
    const noisy = (rows: readonly Float64Array[]) => rows.map((r) => Float64Array.of(r[0]! + 0.5 * (next() - 0.5)));
    const joint = await runTrainingInMemory({ engine: new PlainEngine(), params: PARAMS, bank, passives: [{ name: 'tax', train: noisy(bank.train), validation: noisy(bank.validation) }] });
    const alone = trainBankAlone(bank, PARAMS);
    expect([...alone.weights]).not.toEqual([...joint.models['bank']!]);
  }, 60_000);
});
