/**
 * The model report as ECharts option objects (docs/design/console.md 6.2): pure, no rendering,
 * so each builder is unit-tested on its numbers; render.ts turns them into SVG on the server.
 *
 * Every chart comes with its alt text and its numbers as a table (headings and formatted cells,
 * in the report's language), so a reader who cannot see the picture gets the same figures.
 * The table is plain strings, not console/'s `Html`: protocol code does not import the console
 * (report-page.ts escapes it).
 *
 * What is drawn is only what the report holds: aggregates of at least `minCellSize` validation
 * enterprises (evaluation/curves.ts); a suppressed histogram bin is absent from its chart and
 * shown as "—" in its table. Reports before format v3 have no curves: no ROC, KS, histogram or
 * lift chart (report-page.ts says "retrain"); calibration, grades and the scorecard's WOE are
 * drawn for every format.
 */
import type { EChartsOption } from 'echarts';
import type { ModelEvaluation } from '../model-evaluation.js';
import type { EvaluationReport } from '../report.js';
import type { ScorecardReportCharacteristic } from '../../models/scorecard/report-shape.js';
import { reportFormat, reportMessage, type ReportLocale, type ReportMessageKey } from './messages.js';

export type ChartId = 'roc' | 'ks-joint' | 'ks-bank' | 'calibration' | 'histogram-joint' | 'histogram-bank' | 'lift-joint' | 'lift-bank' | 'grades' | 'trees-auc' | `woe:${string}`;

export interface ChartTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ReportChart {
  readonly id: ChartId;
  readonly title: string;
  readonly option: EChartsOption;
  readonly alt: string;
  readonly table: ChartTable;
}

/** The report's two models; the bank-only model always second. */
type Which = 'joint' | 'bank';
const JOINT_COLOR = '#c23531';
const BANK_COLOR = '#2f4554';
const OTHER_COLOR = '#91c7ae';
const GREY = '#999999';

function base(title: string): EChartsOption {
  return {
    animation: false,
    title: { text: title, left: 'center', top: 8, textStyle: { fontSize: 16 } },
    legend: { bottom: 6 },
    grid: { left: 70, right: 40, top: 56, bottom: 78 },
  };
}

function axis(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'value', name, nameLocation: 'middle', nameGap: 32, ...extra };
}

export function rocChart(report: EvaluationReport, locale: ReportLocale): ReportChart | undefined {
  const j = report.joint.curves;
  const b = report.bankOnly.curves;
  if (!j || !b) return undefined;
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const title = t('chart.roc');
  const jointName = `${t('joint')} (AUC ${f.three(report.joint.auc)})`;
  const bankName = `${t('bankOnly')} (AUC ${f.three(report.bankOnly.auc)})`;
  const option: EChartsOption = {
    ...base(title),
    xAxis: axis(t('axis.fpr'), { min: 0, max: 1 }),
    yAxis: axis(t('axis.tpr'), { min: 0, max: 1, nameGap: 42 }),
    series: [
      { type: 'line', name: jointName, data: j.roc.map(([x, y]) => [x, y]), showSymbol: false, color: JOINT_COLOR },
      { type: 'line', name: bankName, data: b.roc.map(([x, y]) => [x, y]), showSymbol: false, color: BANK_COLOR },
      { type: 'line', name: t('diagonal'), data: [[0, 0], [1, 1]], showSymbol: false, color: GREY, lineStyle: { type: 'dashed' } },
    ],
  } as EChartsOption;
  const rows = (name: string, c: NonNullable<ModelEvaluation['curves']>) =>
    c.roc.map(([fpr, tpr], i) => [name, i === 0 || i === c.roc.length - 1 ? '' : String(c.thresholds[i - 1]), f.three(fpr), f.three(tpr)]);
  return {
    id: 'roc', title, option,
    alt: t('chart.roc.alt', { joint: f.three(report.joint.auc), bank: f.three(report.bankOnly.auc) }),
    table: { columns: ['', t('col.threshold'), t('col.fpr'), t('col.tpr')], rows: [...rows(t('joint'), j), ...rows(t('bankOnly'), b)] },
  };
}

function modelOf(report: EvaluationReport, which: Which): { e: ModelEvaluation; nameKey: ReportMessageKey } {
  return which === 'joint' ? { e: report.joint, nameKey: 'joint' } : { e: report.bankOnly, nameKey: 'bankOnly' };
}

/** The KS point: the threshold of the largest gap between the two cumulative shares. */
export function ksPoint(ks: readonly { points: number; cumBad: number; cumGood: number }[]): { points: number; gap: number } | undefined {
  let best: { points: number; gap: number } | undefined;
  for (const k of ks) {
    const gap = Math.abs(k.cumBad - k.cumGood);
    if (!best || gap > best.gap) best = { points: k.points, gap };
  }
  return best;
}

export function ksChart(report: EvaluationReport, which: Which, locale: ReportLocale): ReportChart | undefined {
  const { e, nameKey } = modelOf(report, which);
  const c = e.curves;
  if (!c) return undefined;
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const model = t(nameKey);
  const title = t('chart.ks', { model });
  const at = ksPoint(c.ks);
  const option: EChartsOption = {
    ...base(title),
    xAxis: axis(t('axis.points'), { scale: true }),
    yAxis: axis(t('axis.cumShare'), { min: 0, max: 1, nameGap: 42 }),
    series: [
      {
        type: 'line', name: t('series.cumBad'), data: c.ks.map((k) => [k.points, k.cumBad]), showSymbol: false, color: JOINT_COLOR,
        ...(at ? { markLine: { symbol: 'none', silent: true, label: { formatter: t('series.ksPoint', { ks: f.three(at.gap) }) }, lineStyle: { color: GREY, type: 'dashed' }, data: [{ xAxis: at.points }] } } : {}),
      },
      { type: 'line', name: t('series.cumGood'), data: c.ks.map((k) => [k.points, k.cumGood]), showSymbol: false, color: OTHER_COLOR },
    ],
  } as EChartsOption;
  return {
    id: which === 'joint' ? 'ks-joint' : 'ks-bank', title, option,
    alt: t('chart.ks.alt', { model, ks: f.three(at?.gap ?? 0), points: at?.points ?? '—' }),
    table: { columns: [t('col.threshold'), t('col.cumBad'), t('col.cumGood')], rows: c.ks.map((k) => [String(k.points), f.pct(k.cumBad), f.pct(k.cumGood)]) },
  };
}

export function calibrationChart(report: EvaluationReport, locale: ReportLocale): ReportChart {
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const title = t('chart.calibration');
  const pts = (e: ModelEvaluation) => e.calibration.filter((b) => b.observedDefaultRate !== null).map((b) => [b.meanPredictedPd, b.observedDefaultRate!]);
  const all = [...pts(report.joint), ...pts(report.bankOnly)].flat();
  // A round axis end (next 0.05 up): ECharts labels the maximum with all its decimals otherwise.
  const top = Math.min(1, Math.ceil(Math.max(0.01, ...all) * 1.05 * 20) / 20);
  const option: EChartsOption = {
    ...base(title),
    xAxis: axis(t('axis.predicted'), { min: 0, max: top }),
    yAxis: axis(t('axis.observed'), { min: 0, max: top, nameGap: 46 }),
    series: [
      { type: 'line', name: t('joint'), data: pts(report.joint), color: JOINT_COLOR, symbolSize: 7 },
      { type: 'scatter', name: t('bankOnly'), data: pts(report.bankOnly), color: BANK_COLOR, symbolSize: 9 },
      { type: 'line', name: t('diagonal.calibration'), data: [[0, 0], [top, top]], showSymbol: false, color: GREY, lineStyle: { type: 'dashed' } },
    ],
  } as EChartsOption;
  const rows = (name: string, e: ModelEvaluation) => e.calibration.map((b) => [name, String(b.bin), f.count(b.count), f.pct(b.meanPredictedPd), f.pct(b.observedDefaultRate), b.meanPoints === null ? '—' : b.meanPoints.toFixed(0)]);
  return {
    id: 'calibration', title, option, alt: t('chart.calibration.alt'),
    table: { columns: ['', t('col.bin'), t('col.count'), t('col.predicted'), t('col.observed'), t('col.meanPoints')], rows: [...rows(t('joint'), report.joint), ...rows(t('bankOnly'), report.bankOnly)] },
  };
}

export function histogramChart(report: EvaluationReport, which: Which, locale: ReportLocale): ReportChart | undefined {
  const { e, nameKey } = modelOf(report, which);
  const h = e.curves?.histogram;
  if (!h) return undefined;
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const model = t(nameKey);
  const title = t('chart.histogram', { model });
  // Shares of each class (so the rare defaulters are visible beside the others); a suppressed bin is absent.
  const share = (x: number | null, total: number) => (x === null || total === 0 ? null : x / total);
  const labels = h.bins.map((b) => String(b.from));
  const option: EChartsOption = {
    ...base(title),
    xAxis: { type: 'category', data: labels, name: t('axis.points'), nameLocation: 'middle', nameGap: 32 },
    yAxis: axis(t('axis.share'), { nameGap: 46 }),
    series: [
      { type: 'bar', name: t('series.defaulters'), data: h.bins.map((b) => share(b.defaulters, e.positives)), color: JOINT_COLOR },
      { type: 'bar', name: t('series.others'), data: h.bins.map((b) => share(b.others, e.negatives)), color: OTHER_COLOR },
    ],
  } as EChartsOption;
  return {
    id: which === 'joint' ? 'histogram-joint' : 'histogram-bank', title, option,
    alt: t('chart.histogram.alt', { model }) + ' ' + t('suppressedBins', { min: e.minCellSize }),
    table: {
      columns: [t('col.from'), t('col.defaulters'), t('col.others')],
      rows: h.bins.map((b) => [String(b.from), f.count(b.defaulters), f.count(b.others)]),
    },
  };
}

export function liftChart(report: EvaluationReport, which: Which, locale: ReportLocale): ReportChart | undefined {
  const { e, nameKey } = modelOf(report, which);
  const l = e.curves?.lift;
  if (!l) return undefined;
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const model = t(nameKey);
  const title = t('chart.lift', { model });
  // The gain's diagonal: the capture a random order would give after the same share of enterprises.
  let seen = 0;
  const diagonal = l.map((d) => (seen += d.count) / e.samples);
  const option: EChartsOption = {
    ...base(title),
    xAxis: { type: 'category', data: l.map((d) => String(d.decile)), name: t('axis.decile'), nameLocation: 'middle', nameGap: 32 },
    yAxis: [axis(t('axis.lift'), { nameGap: 40 }), axis(t('axis.capture'), { min: 0, max: 1, nameGap: 46 })],
    series: [
      { type: 'bar', name: t('series.lift'), data: l.map((d) => d.lift), color: which === 'joint' ? JOINT_COLOR : BANK_COLOR },
      { type: 'line', name: t('series.gain'), yAxisIndex: 1, data: l.map((d) => d.cumCapture), color: OTHER_COLOR },
      { type: 'line', name: t('diagonal'), yAxisIndex: 1, data: diagonal, showSymbol: false, color: GREY, lineStyle: { type: 'dashed' } },
    ],
  } as EChartsOption;
  return {
    id: which === 'joint' ? 'lift-joint' : 'lift-bank', title, option,
    alt: t('chart.lift.alt', { model, lift: f.two(l[0]?.lift ?? null) }),
    table: { columns: [t('col.decile'), t('col.count'), t('col.defaults'), t('col.lift'), t('col.capture')], rows: l.map((d) => [String(d.decile), f.count(d.count), f.count(d.defaults), f.two(d.lift), f.pct(d.cumCapture)]) },
  };
}

export function gradesChart(report: EvaluationReport, locale: ReportLocale): ReportChart {
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const title = t('chart.grades');
  const grades = report.joint.grades.map((g) => g.grade);
  const option: EChartsOption = {
    ...base(title),
    xAxis: { type: 'category', data: grades, name: t('axis.grade'), nameLocation: 'middle', nameGap: 32 },
    yAxis: axis(t('axis.observed'), { nameGap: 46 }),
    series: [
      { type: 'bar', name: t('joint'), data: report.joint.grades.map((g) => g.observedDefaultRate), color: JOINT_COLOR },
      { type: 'bar', name: t('bankOnly'), data: report.bankOnly.grades.map((g) => g.observedDefaultRate), color: BANK_COLOR },
    ],
  } as EChartsOption;
  return {
    id: 'grades', title, option, alt: t('chart.grades.alt'),
    table: {
      columns: [t('col.grade'), t('col.minPoints'), `${t('joint')}: ${t('col.count')}`, `${t('joint')}: ${t('col.observed')}`, `${t('bankOnly')}: ${t('col.count')}`, `${t('bankOnly')}: ${t('col.observed')}`],
      rows: report.joint.grades.map((g, i) => {
        const b = report.bankOnly.grades[i];
        return [g.grade, String(g.minPoints), f.count(g.count), f.pct(g.observedDefaultRate), f.count(b?.count ?? null), f.pct(b?.observedDefaultRate ?? null)];
      }),
    },
  };
}

export function woeChart(c: ScorecardReportCharacteristic, locale: ReportLocale): ReportChart {
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const title = t('chart.woe', { name: c.name });
  const total = c.bins.reduce((a, b) => a + b.count, 0);
  const option: EChartsOption = {
    ...base(title),
    legend: { show: false },
    xAxis: { type: 'category', data: c.bins.map((b) => b.bin), name: t('axis.bin'), nameLocation: 'middle', nameGap: 32, axisLabel: { interval: 0, rotate: c.bins.length > 6 ? 30 : 0 } },
    yAxis: axis(t('axis.woe'), { nameGap: 40 }),
    series: [{ type: 'bar', name: t('axis.woe'), data: c.bins.map((b) => b.woe), color: BANK_COLOR }],
  } as EChartsOption;
  return {
    id: `woe:${c.name}`, title, option, alt: t('chart.woe.alt', { name: c.name, iv: f.three(c.iv) }),
    table: {
      columns: [t('col.bin'), t('col.count'), t('axis.share'), t('col.eventRate'), t('col.woe'), t('col.points')],
      rows: c.bins.map((b) => [b.bin, f.count(b.count), f.pct(total > 0 ? b.count / total : null), f.pct(b.eventRate), b.woe === null ? '—' : b.woe.toFixed(3), b.points === null ? '—' : b.points.toFixed(1)]),
    },
  };
}

/**
 * Every chart of the report, in the order the page shows them: ROC, KS, calibration, score
 * distribution, lift (joint before bank-only), grades, then the scorecard's characteristics by
 * IV, highest first. Charts that need curves are absent for reports before format v3.
 */
export function reportCharts(report: EvaluationReport, locale: ReportLocale): readonly ReportChart[] {
  const charts: (ReportChart | undefined)[] = [
    rocChart(report, locale),
    ksChart(report, 'joint', locale), ksChart(report, 'bank', locale),
    calibrationChart(report, locale),
    histogramChart(report, 'joint', locale), histogramChart(report, 'bank', locale),
    liftChart(report, 'joint', locale), liftChart(report, 'bank', locale),
    gradesChart(report, locale),
    ...[...(report.scorecard?.characteristics ?? [])].sort((a, b) => b.iv - a.iv).map((c) => woeChart(c, locale)),
  ];
  return charts.filter((c): c is ReportChart => c !== undefined);
}

/** Whether the report has the curves the ROC, KS, distribution and lift charts need (format v3 on). */
export function hasCurves(report: EvaluationReport): boolean {
  return report.joint.curves !== undefined && report.bankOnly.curves !== undefined;
}
