/**
 * The verdict of a report (evaluation/verdict.ts) in words, for `fedcredit train` and
 * `fedcredit model show` (training/cli.ts describeModel): the gain when the joint model wins; when
 * it does not, a plain warning, the likely causes on this job and what to try, with the options
 * of `fedcredit train` and `fedcredit align` that address each. docs/evaluation.md says the same.
 */
import type { EvaluationReport } from './report.js';

/** What the model registry adds to the report (training/model-registry.ts metrics and params). */
export interface VerdictContext {
  readonly trainSize?: number;
  /** Epochs the joint job ran, and its best one (0-based). */
  readonly epochs?: number;
  readonly bestEpoch?: number;
  readonly params?: { readonly epochs?: number; readonly learningRate?: number; readonly patience?: number; readonly batchSize?: number };
}

/** Below this default rate, class imbalance is named as a likely cause. */
const IMBALANCED = 0.1;

const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);

/** The verdict's first lines: "joint 0.812 vs bank-only 0.781 (+0.031)" and what it means. */
export function verdictHeadline(report: EvaluationReport): string {
  const v = report.verdict;
  const auc = `joint ${f3(report.joint.auc)} vs bank-only ${f3(report.bankOnly.auc)} (${signed(v.aucGain)})`;
  const margin = v.noiseMargin === null ? '' : `, noise margin ${v.noiseMargin.toFixed(3)}`;
  switch (v.outcome) {
    case 'joint-better':
      return `Federation pays: validation AUC ${auc}${margin}.`;
    case 'within-noise':
      return `WARNING: the joint model is no better than the bank's own within noise: validation AUC ${auc}${margin}.\n` +
        '  A gain this small can come from the draw of validation enterprises alone.';
    case 'joint-not-better':
      return `WARNING: federation does not pay on this job: the joint model does not beat the bank's own.\n  Validation AUC ${auc}${margin}.`;
  }
}

/** The verdict block: the headline, and when the joint model does not win, the causes and what to try. */
export function formatVerdict(report: EvaluationReport, ctx: VerdictContext = {}): string {
  const L = [verdictHeadline(report)];
  if (report.verdict.outcome === 'joint-better') return L.join('\n');
  const j = report.joint;
  const b = report.bankOnlyModel;
  const legacy = b.method === 'plain-logreg';
  if (legacy) {
    L.push('  (stored before the baseline used the joint model\'s own schedule: its bank-only model is plain LR with an exact sigmoid and its own epochs, so part of the gap may be the optimizer)');
  }
  const trainSize = ctx.trainSize ?? b.trainSamples;
  const epochs = ctx.epochs;
  const maxEpochs = ctx.params?.epochs ?? (legacy ? undefined : b.params.epochs);
  L.push('  Likely causes:');
  L.push('  - the other sites\' features add nothing the bank\'s own do not already carry, on this alignment;');
  L.push('  - heavy tails or missing cells left untreated at a site: check the preprocessing of each site (model show lists it per feature);');
  L.push(`  - too small an overlap: ${trainSize} training / ${j.samples} validation enterprises, ${j.positives} defaults among them`);
  L.push(report.verdict.noiseMargin === 0
    ? '    (the two models rank every validation enterprise alike: by the kept epoch the other sites\' weights changed no ranking);'
    : `    (with few defaults the AUC of either model is noisy${report.verdict.noiseMargin === null ? '' : `: the noise margin is ${report.verdict.noiseMargin.toFixed(3)}`});`);
  const stoppedEarly = epochs !== undefined && maxEpochs !== undefined && epochs < maxEpochs;
  const ranOut = epochs !== undefined && maxEpochs !== undefined && epochs >= maxEpochs;
  L.push(`  - too few epochs or an unsuited learning rate${epochs === undefined ? '' : `: the joint job ran ${epochs} epoch${epochs === 1 ? '' : 's'}${maxEpochs === undefined ? '' : ` of at most ${maxEpochs}`}${ctx.bestEpoch === undefined ? '' : `, best at epoch ${ctx.bestEpoch}`}${ranOut ? ' (it hit the limit: it may not have converged)' : stoppedEarly ? ' (stopped early: validation AUC stopped improving)' : ''}`};`);
  if (j.defaultRate < IMBALANCED) L.push(`  - class imbalance: only ${(100 * j.defaultRate).toFixed(1)} % of the validation enterprises defaulted, so both AUCs rest on ${j.positives} defaults.`);
  L.push('  What to try:');
  L.push('  - more passes and more patience: fedcredit train --epochs 200 --patience 6');
  L.push('  - another step size: --lr 0.2 --decay 0.05 when the AUC history oscillates, --lr 1 when it climbs slowly; --batch 2048 for more steps per epoch');
  L.push('  - another penalty: --l2 0 (underfitting) or --l2 0.01 (overfitting a small overlap)');
  L.push('  - a larger overlap or validation split: fedcredit align again over more enterprises, or with --validation 0.3');
  L.push('  - if none of that helps, the other sites\' data does not help predict default on this population: keep the bank\'s own model');
  return L.join('\n');
}
