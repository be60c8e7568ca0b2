/**
 * Issue 12: a site unmasks its own exact gradient X_b^T d' for every batch; with a batch of no
 * more samples than it has columns it solved that for the batch's residuals d' and so the
 * labels (a passive site), or for the passive sites' linear terms (the bank). The schedule now
 * folds the remainder into the last batch, and every party refuses a batch under
 * MIN_ROWS_PER_COLUMN samples per column (training/schedule.ts, argued in training/README.md).
 *
 * The attack runs on what each site really sees in the reference run (BFV, FATE breast): its
 * own decrypted-gradient replies minus its own masks, every epoch, every batch, and its own
 * quantized features. Least squares per step gives the minimum-norm d' (the passive site) or
 * linear-term sum (the bank) consistent with the site's equations; averaged over the epochs of
 * a batch for the labels. Under the rule the estimate is only a fit of the site's own columns
 * to the batch (X_b v_b): it does no better on the batch it came from than the same v_b on
 * batches it never saw, i.e. nothing about these samples beyond what the site's features say
 * anyway. With the rule bypassed (batches of 8), the same attack recovers the residuals, the
 * labels and the passive terms exactly.
 *
 * The job's first step (every weight 0: d' = 2 - 4y, exact integer equations in the labels) is
 * the bank's alone: the passive sites unmask a zero gradient there (last describe).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBfvEngine } from '../../crypto/bfv-engine.js';
import type { FeatureRef, HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import { addResidue, fromResidue, subResidue } from '../../crypto/bfv-fixed.js';
import { FEATURE_SCALE_BITS, encodeFeatureMatrix } from '../../training/fixed-point.js';
import { BatchRuleError, runTrainingInMemory } from '../../models/lr/in-memory.js';
import type { InMemoryResult } from '../../models/lr/in-memory.js';
import type { DecryptedGradientMessage } from '../../models/lr/messages.js';
import { DEFAULT_PARAMS, MIN_ROWS_PER_COLUMN, batchCount, batchRange, batchRuleViolation, checkParams, minimumBatch } from '../../training/schedule.js';
import type { TrainingParams } from '../../training/schedule.js';
import { fateBreast } from './helpers.js';

/** Delegates to a real engine; keeps what each site handed it (its masks, its clear partial terms) and the bank's clear addend. */
class RecordingEngine implements HeEngine {
  /** Per site, in call order: the batch and the masks of each masked gradient. */
  readonly masks = new Map<string, { start: number; end: number; masks: Float64Array }[]>();
  /** Per training step, in order: the exact d' residues and the passive sites' summed terms. */
  readonly steps: { residual: Float64Array; passiveSum: Float64Array }[] = [];
  #encrypted: Float64Array[] = [];
  constructor(private readonly inner: HeEngine) {}
  get kind() { return this.inner.kind; }
  get mode() { return this.inner.mode; }
  get threads() { return this.inner.threads; }
  get reason() { return this.inner.reason; }
  get chunkSize() { return this.inner.chunkSize; }
  encrypt(keys: KeyRef, residues: Float64Array) {
    this.#encrypted.push(residues.slice());
    return this.inner.encrypt(keys, residues);
  }
  sum(keys: KeyRef, parts: readonly (readonly Uint8Array[])[], addend: Float64Array) {
    // The passive sites encrypt their terms (tax, then power) right before the bank sums them.
    const terms = this.#encrypted.splice(0).slice(-parts.length);
    const passiveSum = addend.map((_, i) => terms.reduce((acc, t) => addResidue(acc, t[i]!), 0));
    this.steps.push({ residual: addend.map((a, i) => addResidue(a, passiveSum[i]!)), passiveSum });
    return this.inner.sum(keys, parts, addend);
  }
  prepareFeatures(keys: KeyRef, matrix: FeatureRef, ranges: readonly (readonly [number, number])[]) { return this.inner.prepareFeatures(keys, matrix, ranges); }
  maskedGradient(keys: KeyRef, matrix: FeatureRef, start: number, end: number, residual: readonly Uint8Array[], masks: Float64Array) {
    const site = matrix.id.split(':')[1]!;
    this.masks.set(site, [...(this.masks.get(site) ?? []), { start, end, masks: masks.slice() }]);
    return this.inner.maskedGradient(keys, matrix, start, end, residual, masks);
  }
  maskForDecryption(keys: KeyRef, ciphertexts: readonly Uint8Array[], masks: readonly Float64Array[]) {
    this.steps.pop(); // that sum was the validation scores, not a training step
    return this.inner.maskForDecryption(keys, ciphertexts, masks);
  }
  decrypt(keys: KeyRef, items: readonly Uint8Array[], count: number) { return this.inner.decrypt(keys, items, count); }
  forget(id: string) { return this.inner.forget(id); }
  close() { return this.inner.close(); }
}

/** Solves the symmetric system A x = b (Gaussian elimination, partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const k = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= n; j++) m[r]![j]! -= k * m[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= m[r]![j]! * x[j]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/**
 * The minimum-norm d with X^T d = g (X: rows of the batch, p columns) and, when m > p, the
 * coefficients v with d = X v (the least-squares attacker's linear score on the site's columns).
 */
function leastSquares(x: readonly number[][], g: readonly number[]): { d: number[]; v?: number[] } {
  const m = x.length;
  const p = g.length;
  if (m <= p) {
    // Exactly determined (X has full row rank): d = (X X^T)^-1 X g.
    const gram = x.map((a) => x.map((b) => a.reduce((s, v, f) => s + v * b[f]!, 0)));
    return { d: solve(gram, x.map((row) => row.reduce((s, v, f) => s + v * g[f]!, 0))) };
  }
  const gram = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => x.reduce((s, row) => s + row[i]! * row[j]!, 0)));
  const v = solve(gram, [...g]);
  return { d: x.map((row) => row.reduce((s, xf, f) => s + xf * v[f]!, 0)), v };
}

interface SiteView {
  /** Quantized features as integers at 2^10 (the bank's intercept column is 2^10). */
  readonly rows: number[][];
  /** Per step, in order: the batch and the exact gradient the site unmasked. */
  readonly gradients: { start: number; end: number; g: number[] }[];
}

function siteView(run: InMemoryResult, engine: RecordingEngine, site: string, rows: readonly Float64Array[], intercept: boolean): SiteView {
  const width = rows[0]!.length + (intercept ? 1 : 0);
  const withIntercept = intercept ? rows.map((r) => Float64Array.from([...r, 1])) : rows;
  const { values } = encodeFeatureMatrix(withIntercept, width);
  const n = rows.length;
  const ints = Array.from({ length: n }, (_, i) => Array.from({ length: width }, (_, f) => Math.round(values[f * n + i]! * 2 ** FEATURE_SCALE_BITS)));
  const replies = run.transcript.filter((t) => t.kind === 'decrypted-gradient' && t.to === site).map((t) => t.message as DecryptedGradientMessage);
  const masks = engine.masks.get(site)!;
  expect(replies.length).toBe(masks.length);
  return { rows: ints, gradients: replies.map((r, k) => ({ start: masks[k]!.start, end: masks[k]!.end, g: [...r.values].map((v, f) => fromResidue(subResidue(v, masks[k]!.masks[f]!))) })) };
}

function auc(scores: readonly number[], labels: ArrayLike<number>): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rank = 0;
  let pos = 0;
  idx.forEach((i, r) => {
    if (labels[i] === 1) {
      rank += r + 1;
      pos++;
    }
  });
  const neg = scores.length - pos;
  return (rank - (pos * (pos + 1)) / 2) / (pos * neg);
}

const r2 = (est: readonly number[], truth: readonly number[]): number => {
  const mean = truth.reduce((s, v) => s + v, 0) / truth.length;
  const sst = truth.reduce((s, v) => s + (v - mean) ** 2, 0);
  return 1 - truth.reduce((s, v, i) => s + (v - est[i]!) ** 2, 0) / sst;
};

interface AttackResult {
  /** Share of steps whose residuals (linear-term sums, for the bank) came out exact to the integer (steps with something to solve). */
  exactSteps: number;
  /** Passive: label accuracy of the estimate's sign over epoch 0, and over the job's second step (passive weights 0, the bank's not: d' = u_bank + 2 - 4y). */
  labelAccuracy?: number;
  firstBatchLabels?: number;
  /** Label AUC of the estimate on its own batch, and of the same linear score on the other batches. */
  inBatchAuc?: number;
  outOfBatchAuc?: number;
  /** Label AUC of the site's own model slice on the training split: what it holds legitimately. */
  ownModelAuc?: number;
  /** R^2 of the estimate of the target (d' or the passive sum) on its own batch, and on the other batches. */
  inBatchR2: number;
  outOfBatchR2?: number;
}

/** A passive site's attack: solve its own gradients for d', and so the labels. */
function passiveAttack(view: SiteView, engine: RecordingEngine, labels: ArrayLike<number>, stepsPerEpoch: number): AttackResult {
  let exact = 0;
  let right = 0;
  let firstBatchLabels = 0;
  const estimates: number[] = [];
  const truths: number[] = [];
  const byBatch = new Map<number, { sum: number[]; v: number[][] }>();
  let guessed = 0;
  view.gradients.forEach(({ start, end, g }, k) => {
    // The job's first step is the bank's alone: the site got [[0]] and unmasked g = 0, nothing to solve.
    if (k === 0) return;
    const x = view.rows.slice(start, end);
    const { d, v } = leastSquares(x, g);
    const truth = [...engine.steps[k]!.residual.slice(0, end - start)].map(fromResidue);
    if (d.every((di, i) => Math.abs(di - truth[i]!) < 0.5)) exact++;
    estimates.push(...d);
    truths.push(...truth);
    // Labels: d' = z + 2 - 4y (at 2^12), so a negative residual says y = 1 while |z| < 2, as in
    // the first epoch; the label guess is taken there.
    if (k < stepsPerEpoch) {
      d.forEach((di, i) => (right += (di < 0 ? 1 : 0) === labels[start + i] ? 1 : 0));
      guessed += d.length;
    }
    // The first batch whose residual the site sees: the job's second step (it sat out the first).
    if (k === 1) firstBatchLabels = d.filter((di, i) => (di < 0 ? 1 : 0) === labels[start + i]).length / d.length;
    const b = byBatch.get(start) ?? { sum: new Array<number>(end - start).fill(0), v: [] };
    d.forEach((di, i) => (b.sum[i]! += di));
    if (v) b.v.push(v);
    byBatch.set(start, b);
  });
  // Label scores: the epoch-averaged estimate on its own batch, and each batch's linear score
  // (X v, v averaged over its epochs) on the samples of every other batch.
  const score = new Array<number>(view.rows.length).fill(0);
  const outScore = new Array<number>(view.rows.length).fill(0);
  for (const [start, b] of byBatch) {
    b.sum.forEach((s, i) => (score[start + i] = -s));
    if (b.v.length === 0) continue;
    const v = b.v[0]!.map((_, f) => b.v.reduce((s, w) => s + w[f]!, 0) / b.v.length);
    for (const [other, o] of byBatch) {
      if (other === start) continue;
      for (let i = 0; i < o.sum.length; i++) outScore[other + i]! -= view.rows[other + i]!.reduce((s, xf, f) => s + xf * v[f]!, 0);
    }
  }
  return {
    exactSteps: exact / (view.gradients.length - 1),
    labelAccuracy: right / guessed,
    firstBatchLabels,
    inBatchAuc: auc(score, labels),
    ...(byBatch.size > 1 && [...byBatch.values()].every((b) => b.v.length > 0) ? { outOfBatchAuc: auc(outScore, labels) } : {}),
    inBatchR2: r2(estimates, truths),
  };
}

/** The bank's attack: it knows d' up to the passive sites' sum o; solve its gradients for o. */
function bankAttack(view: SiteView, engine: RecordingEngine): AttackResult {
  let exact = 0;
  const est: number[] = [];
  const truth: number[] = [];
  const outEst: number[] = [];
  const outTruth: number[] = [];
  view.gradients.forEach(({ start, end, g }, k) => {
    // The job's first two steps: every passive weight is 0, so is their sum (public). The first
    // step is the bank's alone (schedule.ts passivesSitOut), so the passive sites still hold 0 at the second.
    if (k <= 1) return;
    const x = view.rows.slice(start, end);
    const step = engine.steps[k]!;
    const known = [...step.residual.slice(0, end - start)].map((r, i) => fromResidue(subResidue(r, step.passiveSum[i]!)));
    const rhs = g.map((gf, f) => gf - x.reduce((s, row, i) => s + row[f]! * known[i]!, 0));
    const { d, v } = leastSquares(x, rhs);
    const o = [...step.passiveSum.slice(0, end - start)].map(fromResidue);
    if (d.every((di, i) => Math.abs(di - o[i]!) < 0.5)) exact++;
    est.push(...d);
    truth.push(...o);
    if (!v) return;
    // The same coefficients on the other batches' rows at this step's weights: the passive sum
    // there is not known to the test, but its best linear fit on those rows is; compare R^2 on
    // the batch that the estimate came from with the next step's batch under its own true sum.
    const next = view.gradients[k + 1];
    if (next && next.start !== start && engine.steps[k + 1]) {
      const rows = view.rows.slice(next.start, next.end);
      outEst.push(...rows.map((row) => row.reduce((s, xf, f) => s + xf * v[f]!, 0)));
      outTruth.push(...[...engine.steps[k + 1]!.passiveSum.slice(0, next.end - next.start)].map(fromResidue));
    }
  });
  return { exactSteps: exact / (view.gradients.length - 2), inBatchR2: r2(est, truth), ...(outEst.length > 0 ? { outOfBatchR2: r2(outEst, outTruth) } : {}) };
}

let engine: RecordingEngine;
beforeAll(() => {
  engine = new RecordingEngine(createBfvEngine());
});
afterAll(() => engine.close());

async function attack(params: TrainingParams, unsafeSkipBatchRule: boolean): Promise<{ tax: AttackResult; bank: AttackResult; run: InMemoryResult }> {
  engine.masks.clear();
  engine.steps.length = 0;
  const f = fateBreast();
  const run = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params, keepPayloads: true, unsafeSkipBatchRule });
  expect(engine.steps.length).toBe(run.steps);
  const taxView = siteView(run, engine, 'tax', f.passives[0]!.train, false);
  const w = run.models['tax']!;
  const ownModelAuc = auc(taxView.rows.map((row) => row.reduce((s, xf, k) => s + xf * w[k]!, 0)), f.bank.trainLabels);
  const tax = { ...passiveAttack(taxView, engine, f.bank.trainLabels, batchCount(f.bank.train.length, params.batchSize)), ownModelAuc };
  const bank = bankAttack(siteView(run, engine, 'bank', f.bank.train, true), engine);
  return { tax, bank, run };
}

describe('the schedule', () => {
  it('folds the remainder into the last batch: every batch holds at least min(batchSize, samples)', () => {
    expect(batchCount(421, 100)).toBe(4);
    expect([0, 1, 2, 3].map((b) => batchRange(b, 421, 100))).toEqual([{ start: 0, end: 100 }, { start: 100, end: 200 }, { start: 200, end: 300 }, { start: 300, end: 421 }]);
    expect(batchCount(50, 100)).toBe(1);
    expect(batchRange(0, 50, 100)).toEqual({ start: 0, end: 50 });
    for (const [n, b] of [[421, 88], [8193, 8192], [300_000, 65_536], [131_071, 65_536]] as const) {
      const sizes = Array.from({ length: batchCount(n, b) }, (_, k) => batchRange(k, n, b)).map((r) => r.end - r.start);
      expect(sizes.reduce((s, v) => s + v, 0)).toBe(n);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(Math.min(n, b));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(2 ** 17); // fixed-point.ts's exactness bound
    }
    expect(() => checkParams({ ...DEFAULT_PARAMS, batchSize: 65_537 })).toThrow(/1\.\.65536/);
  });

  it('names the site, its columns and a batch size that works', () => {
    expect(batchRuleViolation('bank', 421, 64, 11)).toMatch(/a batch of 64 samples is too small for site bank's 11 columns.*at least 8 samples per column \(88\).*--batch 88/);
    expect(batchRuleViolation('bank', 421, 88, 11)).toBeUndefined();
    // Remainder folded: 421 = 4 * 100 + 21 leaves no batch of 21.
    expect(batchRuleViolation('tax', 421, 100, 10)).toBeUndefined();
    expect(batchRuleViolation('tax', 50, 100, 10)).toMatch(/only 50 samples: align more enterprises/);
    expect(minimumBatch(11)).toBe(MIN_ROWS_PER_COLUMN * 11);
  });

  it('the reference run refuses a job with a batch under the rule, naming the site and the rule', async () => {
    const f = fateBreast();
    await expect(runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params: { ...DEFAULT_PARAMS, batchSize: 64 } }))
      .rejects.toThrow(BatchRuleError);
    await expect(runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params: { ...DEFAULT_PARAMS, batchSize: 80 } }))
      .rejects.toThrow(/site bank refuses the job: a batch of 80 samples is too small for site bank's 11 columns.*rule 'minBatch'/);
  });
});

describe('least squares on a site\'s own unmasked gradients, every batch, every epoch', () => {
  it('with the rule bypassed (batches of 8) recovers the residuals, the labels and the passive sites\' terms exactly', async () => {
    const params = { ...DEFAULT_PARAMS, epochs: 1, batchSize: 8, learningRate: 0.3, patience: 10 };
    const { tax, bank } = await attack(params, true);
    console.log(`bypassed (batch 8): tax exact steps ${tax.exactSteps.toFixed(3)}, labels of the first batch ${tax.firstBatchLabels}, of epoch 0 ${tax.labelAccuracy!.toFixed(3)}, d' R^2 ${tax.inBatchR2.toFixed(4)}; ` +
      `bank exact steps ${bank.exactSteps.toFixed(3)}, passive-sum R^2 ${bank.inBatchR2.toFixed(4)}`);
    // 52 batches: 51 of 8 samples (fewer than tax's 10 and the bank's 11 columns), the last of 13.
    // Tax's first step is a zero gradient (the bank takes it alone), skipped: 50 of 51. The bank's
    // attack skips the first two steps (passive sum publicly 0): 49 of 50.
    expect(tax.exactSteps).toBeCloseTo(50 / 51, 6);
    expect(bank.exactSteps).toBeCloseTo(49 / 50, 6);
    // Exact residuals give the labels wherever |z| < 2: all of the first batch tax sees.
    expect(tax.firstBatchLabels).toBe(1);
    expect(tax.inBatchR2).toBeGreaterThan(0.95);
    expect(bank.inBatchR2).toBeGreaterThan(0.95);
  }, 300_000);

  it('a remainder is no small batch any more: batch 104 over 421 samples (5 left over) gives tax and the bank nothing exact', async () => {
    // Before the fix the 5 left over were a batch of their own, solved exactly every epoch.
    const params = { ...DEFAULT_PARAMS, epochs: 2, batchSize: 104, learningRate: 0.3, patience: 10 };
    const { tax, bank, run } = await attack(params, false);
    console.log(`batch 104: ${run.steps} steps; tax exact steps ${tax.exactSteps}, bank exact steps ${bank.exactSteps}`);
    expect(tax.exactSteps).toBe(0); // was 1 step in 5: the remainder, every epoch
    expect(bank.exactSteps).toBe(0);
    expect(run.steps).toBe(2 * 4);
  }, 300_000);

  it('under the rule (the smallest batch allowed, 88) recovers nothing exactly, and nothing the site\'s own columns do not predict anyway', async () => {
    const params = { ...DEFAULT_PARAMS, epochs: 3, batchSize: minimumBatch(11), learningRate: 0.3, patience: 10 };
    const { tax, bank } = await attack(params, false);
    console.log(`under the rule (batch 88): tax exact steps ${tax.exactSteps}, labels of the first batch ${tax.firstBatchLabels!.toFixed(3)}, of epoch 0 ${tax.labelAccuracy!.toFixed(3)}, label AUC in batch ${tax.inBatchAuc!.toFixed(4)} ` +
      `vs out of batch ${tax.outOfBatchAuc!.toFixed(4)} vs its own model slice ${tax.ownModelAuc!.toFixed(4)}, d' R^2 ${tax.inBatchR2.toFixed(4)}; bank exact steps ${bank.exactSteps}, ` +
      `passive-sum R^2 in batch ${bank.inBatchR2.toFixed(4)} vs next batch ${bank.outOfBatchR2!.toFixed(4)}`);
    expect(tax.exactSteps).toBe(0);
    expect(bank.exactSteps).toBe(0);
    // The passive site: its estimate of d' is a fit of its own 10 columns to the batch (X_b v_b),
    // explaining a third of the residuals' variance; as a label score it ranks the batch no
    // better than the same v_b ranks batches it never saw (give or take the p/m = 1/8 a fit
    // gains in sample), and worse than the site's own model slice, which it holds anyway.
    expect(tax.inBatchR2).toBeLessThan(0.5);
    expect(tax.inBatchAuc! - tax.outOfBatchAuc!).toBeLessThan(1 / 8);
    expect(tax.inBatchAuc!).toBeLessThan(tax.ownModelAuc!);
    // The bank: its estimate of the passive sum is a fit of its 11 columns, as good on the next
    // step's batch as on its own (within p/m): what its own features say about the passive terms.
    expect(bank.inBatchR2 - bank.outOfBatchR2!).toBeLessThan(1 / 8);
  }, 300_000);
});

describe('the job\'s first step is the bank\'s alone (every weight is 0 there: d\' = 2 - 4y exactly)', () => {
  it('a passive site unmasks a zero gradient at the first step, and from the second on no exact equation in the labels', async () => {
    const params = { ...DEFAULT_PARAMS, epochs: 2, batchSize: minimumBatch(11), learningRate: 0.3, patience: 10 };
    engine.masks.clear();
    engine.steps.length = 0;
    const f = fateBreast();
    const run = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params, keepPayloads: true });
    expect(run.status).toBe('completed');
    expect(engine.steps.length).toBe(run.steps);
    const y = f.bank.trainLabels;
    // What an attacker assuming every other weight is 0 predicts: g = X_b^T (2 - 4y), at 2^22.
    const labelEquations = (view: SiteView, start: number, end: number): number[] =>
      view.rows[0]!.map((_, c) => view.rows.slice(start, end).reduce((s, row, i) => s + row[c]! * (2 - 4 * y[start + i]!) * 2 ** 12, 0));
    for (const [name, rows] of [['tax', f.passives[0]!.train], ['power', f.passives[1]!.train]] as const) {
      const view = siteView(run, engine, name, rows, false);
      expect(view.gradients.length).toBe(run.steps);
      // Step 1: exactly 0 (no equation at all); before the fix it was X_b^T (2 - 4y) to the integer.
      expect(view.gradients[0]!.g.every((g) => g === 0)).toBe(true);
      // Every later step: not the label equations of its batch (the bank's term is in d').
      for (const { start, end, g } of view.gradients.slice(1)) {
        const predicted = labelEquations(view, start, end);
        expect(g.some((gf, c) => gf !== predicted[c])).toBe(true);
      }
    }
    // The bank took the first step with the true residual: its gradient is X_b^T (2 - 4y) exactly.
    const bankView = siteView(run, engine, 'bank', f.bank.train, true);
    const first = bankView.gradients[0]!;
    expect(first.g).toEqual(labelEquations(bankView, first.start, first.end));
    // Second step: d' = u_bank + 2 - 4y, passive terms still 0. u_bank is what hides the labels from
    // the passive sites: of the size of the label gap (4), and 0 to the fixed-point unit on few rows.
    const second = engine.steps[1]!;
    const { start, end } = bankView.gradients[1]!;
    expect([...second.passiveSum.slice(0, end - start)].every((v) => v === 0)).toBe(true);
    const uBank = [...second.residual.slice(0, end - start)].map((r, i) => fromResidue(r) / 2 ** 12 - (2 - 4 * y[start + i]!));
    const meanAbs = uBank.reduce((s, v) => s + Math.abs(v), 0) / uBank.length;
    const zeros = uBank.filter((v) => v === 0).length;
    console.log(`first step bank-only (batch 88): u_bank at step 2: mean |u| ${meanAbs.toFixed(3)} (label gap 4), rows at exactly 0: ${zeros} of ${uBank.length}; ` +
      `validation AUC ${run.validationAuc.toFixed(4)} over ${run.steps} steps`);
    expect(meanAbs).toBeGreaterThan(0.1);
    expect(zeros).toBeLessThanOrEqual(1);
    expect(run.validationAuc).toBeGreaterThan(0.95);
  }, 300_000);
});
