/**
 * The scorecard's report as readable tables for `fedcredit model show` and the demo, and its
 * comparison on the same split (issue 15 "Report"):
 *
 * - per characteristic: the bank's bins with counts, defaults, event rates, WOE, IV and points
 *   (models/scorecard/report.ts says why the bank may show them); each passive site's
 *   characteristics by name only, marked as held at their site;
 * - the joint scorecard's validation AUC, KS and calibration beside the bank-only scorecard (in
 *   the same report: the bank computed it on the same split) and beside the federated LR on raw
 *   values trained on the same alignment (so the same training/validation split), linked at
 *   show time: the newest LR model of the coordinator with the same alignment digest. The
 *   scorecard job does not train an LR of its own (that would double its encrypted training for
 *   a number `fedcredit train` gives anyway); without such a model the column says how to get it.
 */
import { parseEvaluationReport, type EvaluationReport } from '../../evaluation/report.js';
import type { ModelEvaluation } from '../../evaluation/model-evaluation.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { ScorecardReport } from './report.js';

/** One model's validation numbers as the comparison shows them (all after each model's own Platt recalibration). */
export interface ComparedModel {
  readonly model: string;
  readonly auc: number;
  readonly ks: number;
  readonly brier: number;
  readonly meanPredictedPd: number;
  readonly defaultRate: number;
  readonly calibration: { readonly slope: number; readonly intercept: number };
}

/** `model show --json`'s `scorecardComparison`: the three models on one validation split. */
export interface ScorecardComparison {
  readonly alignmentId: string;
  readonly validationSamples: number;
  readonly scorecard: ComparedModel;
  readonly bankOnlyScorecard: ComparedModel & { readonly basis: ScorecardReport['bankOnly'] };
  /** The federated LR on the same alignment, or null when none has been trained (yet). */
  readonly lr: ComparedModel | null;
}

function reportOf(m: ModelMetadata): EvaluationReport | undefined {
  const raw = (m.metrics as { report?: unknown }).report;
  return raw === undefined ? undefined : parseEvaluationReport(raw);
}

function compared(model: string, e: ModelEvaluation, calibration: { slope: number; intercept: number }): ComparedModel {
  return { model, auc: e.auc, ks: e.ks, brier: e.brier, meanPredictedPd: e.meanPredictedPd, defaultRate: e.defaultRate, calibration: { slope: calibration.slope, intercept: calibration.intercept } };
}

/** The newest LR model trained on the same alignment (same digest, so the same split) as `m`. */
export function sameSplitLr(m: ModelMetadata, models: readonly ModelMetadata[]): ModelMetadata | undefined {
  const n = (v: string) => Number(v.slice(1)) || 0;
  return models
    .filter((x) => (x.kind ?? 'lr') === 'lr' && x.alignmentId === m.alignmentId && x.alignmentDigest === m.alignmentDigest && (x.metrics as { report?: unknown }).report !== undefined)
    .sort((a, b) => n(b.modelVersion) - n(a.modelVersion))[0];
}

/** The comparison of a scorecard model (undefined for another kind or a model without the scorecard section). */
export function scorecardComparison(m: ModelMetadata, lr: ModelMetadata | undefined): ScorecardComparison | undefined {
  const report = reportOf(m);
  if (!report?.scorecard || report.bankOnlyModel.method !== 'joint-lr-bank-alone') return undefined;
  const lrReport = lr ? reportOf(lr) : undefined;
  const sameSamples = lrReport && lrReport.joint.samples === report.joint.samples && lrReport.joint.positives === report.joint.positives;
  return {
    alignmentId: m.alignmentId, validationSamples: report.joint.samples,
    scorecard: compared(m.modelVersion, report.joint, report.calibration),
    bankOnlyScorecard: { ...compared(`${m.modelVersion} bank-only`, report.bankOnly, report.bankOnlyModel.calibration), basis: report.scorecard.bankOnly },
    lr: lr && lrReport && sameSamples ? compared(lr.modelVersion, lrReport.joint, lrReport.calibration) : null,
  };
}

const pad = (s: string | number, w: number) => String(s).padStart(w);
const padEnd = (s: string | number, w: number) => String(s).padEnd(w);
const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null, d: number, sign = false) => (x === null ? '—' : `${sign && x >= 0 ? '+' : ''}${x.toFixed(d)}`);

/** The per-characteristic tables: the bank's in full, each passive site's by name. */
export function formatScorecardTables(m: ModelMetadata, section: ScorecardReport): string {
  const L: string[] = [];
  L.push(`Scorecard characteristics (points before recalibration; every bin at least ${section.minBinSize} training enterprises; bins named without their values)`);
  L.push(`  ${section.site}: constant ${section.constantPoints.toFixed(1)} points`);
  for (const c of section.characteristics) {
    L.push(`  ${section.site} · ${c.name}  IV ${c.iv.toFixed(3)}  weight ${c.weight.toFixed(3)}`);
    L.push(`    ${padEnd('bin', 22)}${pad('n', 7)}${pad('defaults', 10)}${pad('rate', 8)}${pad('WOE', 8)}${pad('points', 9)}`);
    for (const b of c.bins) {
      L.push(`    ${padEnd(b.bin.length > 21 ? `${b.bin.slice(0, 20)}…` : b.bin, 22)}${pad(b.count, 7)}${pad(b.events ?? '—', 10)}${pad(pct(b.eventRate), 8)}${pad(num(b.woe, 3), 8)}${pad(num(b.points, 1, true), 9)}`);
    }
    L.push(`    ${padEnd('(value never seen)', 22)}${pad('', 7)}${pad('', 10)}${pad('', 8)}${pad('0.000', 8)}${pad(num(c.unseenPoints, 1, true), 9)}`);
  }
  if (section.characteristics.length === 0) L.push(`  ${section.site}: no characteristic chosen`);
  for (const s of m.sites.filter((x) => x.role === 'passive')) {
    const chosen = (s.transforms ?? []).filter((t) => t.steps[0]?.startsWith('chosen'));
    L.push(`  ${s.site} (counts, defaults, WOE, IV and points stay at ${s.site}: the threat model lets no other party learn them)`);
    L.push(`    ${chosen.length === 0 ? 'no characteristic chosen' : chosen.map((t) => `${t.feature} (${t.steps[0]!.replace(/^chosen by IV, /, '')})`).join(', ')}`);
  }
  const dropped = [
    ...section.dropped.map((d) => `${section.site} · ${d.name} (${d.why})`),
    ...m.sites.filter((x) => x.role === 'passive').flatMap((s) => (s.transforms ?? []).filter((t) => !t.steps[0]?.startsWith('chosen')).map((t) => `${s.site} · ${t.feature} (${t.steps.join(', ')})`)),
  ];
  L.push(`  not in the model:${dropped.length === 0 ? ' none' : ''}`);
  for (const d of dropped) L.push(`    ${d}`);
  return L.join('\n');
}

/** The three models on the same validation split, side by side. */
export function formatScorecardComparison(c: ScorecardComparison): string {
  const L: string[] = [];
  const lrName = c.lr ? `LR ${c.lr.model}` : 'LR';
  const bankName = c.bankOnlyScorecard.basis === 'bank-scorecard' ? 'bank-only card' : 'bank-only LR';
  L.push(`Same validation split (alignment ${c.alignmentId}, ${c.validationSamples} enterprises), each after its own recalibration:`);
  L.push(`  ${padEnd('', 20)}${pad(`scorecard ${c.scorecard.model}`, 16)}${pad(bankName, 16)}${pad(lrName, 14)}`);
  const row = (name: string, f: (x: ComparedModel) => string) =>
    L.push(`  ${padEnd(name, 20)}${pad(f(c.scorecard), 16)}${pad(f(c.bankOnlyScorecard), 16)}${pad(c.lr ? f(c.lr) : '—', 14)}`);
  row('AUC', (x) => x.auc.toFixed(4));
  row('KS', (x) => x.ks.toFixed(4));
  row('Brier', (x) => x.brier.toFixed(4));
  row('mean PD (observed)', (x) => `${pct(x.meanPredictedPd)} (${pct(x.defaultRate)})`);
  row('recalibration a, c', (x) => `${x.calibration.slope.toFixed(2)}, ${x.calibration.intercept.toFixed(2)}`);
  if (!c.lr) L.push(`  (no LR model on alignment ${c.alignmentId} yet: \`fedcredit train --alignment ${c.alignmentId}\` trains one on the same split)`);
  return L.join('\n');
}

/** Both blocks for a scorecard model with its report section; '' otherwise. */
export function formatScorecard(m: ModelMetadata, lr: ModelMetadata | undefined): string {
  const report = reportOf(m);
  if (!report?.scorecard) return '';
  const comparison = scorecardComparison(m, lr);
  return [formatScorecardTables(m, report.scorecard), ...(comparison ? [formatScorecardComparison(comparison)] : [])].join('\n');
}
