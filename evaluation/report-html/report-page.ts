/**
 * The model report as HTML (docs/design/console.md 6.2): headline figures, every chart as a
 * `data:` image with its alt text and its numbers in a `<details>` table, the grade, warning and
 * scorecard tables, joint beside bank-only. One body for both readers: the console puts it in
 * its layout (GET /models/:version), `fedcredit model show --html` wraps it in a self-contained
 * file (`standaloneReportHtml`, same bytes as the console's report.html download).
 *
 * No script and no `style=` attribute anywhere: the console's CSP is strict (style-src 'self'),
 * so the body uses classes only: the console stylesheet's own (`table.data`, `img.chart`,
 * `.notice`, console/static/app-css.ts) and `report-*` ones, all defined in REPORT_CSS for the
 * file; the console's stylesheet (console/static/app-css.ts) has the same `report-pair` rules. Every interpolated string is escaped here (feature names, site names
 * and error texts come from other parties).
 */
import type { ModelEvaluation } from '../model-evaluation.js';
import type { EvaluationReport } from '../report.js';
import { reportFormat, reportMessage, type ReportLocale, type ReportMessageKey } from './messages.js';
import { hasCurves, reportCharts, type ChartTable, type ReportChart } from './options.js';
import { CHART_HEIGHT, CHART_WIDTH, renderChart, svgDataUrl } from './render.js';
import { treesAucChart, type ComparedModelRow, type TreesReport } from './trees.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** What the page says about the model above its figures (from the registry's metadata). */
export interface ModelSummary {
  readonly version: string;
  readonly kind?: string;
  readonly purpose?: string;
  readonly sites?: readonly string[];
  readonly createdAt?: string;
  readonly alignmentId?: string;
  readonly jobId?: string;
}

export interface ReportPageOptions {
  readonly locale: ReportLocale;
  readonly model: ModelSummary;
  /** Heading level of the page's title (the console's layout has its own h1). Default 1. */
  readonly titleLevel?: 1 | 2;
  /** A boosted-trees or fusion model's trees (trees.ts treesReportOf). */
  readonly trees?: TreesReport;
  /** A fusion model's comparison on the same validation split (models/fusion/report.ts fusionComparison). */
  readonly compared?: readonly ComparedModelRow[];
}

function table(t: ChartTable, cls = 'data report-table'): string {
  const head = t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figure(c: ReportChart, locale: ReportLocale, version: string): string {
  const src = svgDataUrl(renderChart(c, locale, version));
  return `<figure class="report-chart" data-chart="${escapeHtml(c.id)}">` +
    `<img class="chart" src="${src}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" alt="${escapeHtml(c.alt)}">` +
    `<figcaption>${escapeHtml(c.title)}</figcaption>` +
    `<details><summary>${escapeHtml(reportMessage(locale, 'numbers'))}</summary>${table(c.table)}</details></figure>`;
}

function pair(a: string | undefined, b: string | undefined): string {
  const items = [a, b].filter((x): x is string => x !== undefined);
  return items.length === 0 ? '' : `<div class="report-pair">${items.join('')}</div>`;
}

function headline(report: EvaluationReport, locale: ReportLocale): string {
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const j = report.joint;
  const b = report.bankOnly;
  const row = (key: ReportMessageKey, x: (e: ModelEvaluation) => string, gain?: string) => [t(key), x(j), x(b), gain ?? ''];
  const rows = [
    row('samples', (e) => f.count(e.samples)),
    row('defaults', (e) => f.count(e.positives)),
    row('defaultRate', (e) => f.pct(e.defaultRate)),
    row('auc', (e) => f.three(e.auc), f.signed3(report.gain.auc)),
    row('ks', (e) => f.three(e.ks), f.signed3(report.gain.ks)),
    row('brier', (e) => f.three(e.brier)),
    row('precision', (e) => f.pct(e.precision)),
    row('recall', (e) => f.pct(e.recall)),
    row('f1', (e) => f.three(e.f1), f.signed3(report.gain.f1)),
    row('accuracy', (e) => f.pct(e.accuracy)),
  ];
  const v = report.verdict;
  const margin = v.noiseMargin === null ? '' : ` (${t('noiseMargin', { margin: f.three(v.noiseMargin) })})`;
  return `<p class="report-verdict report-verdict-${escapeHtml(v.outcome)}"><strong>${escapeHtml(t('verdict'))}</strong> ${escapeHtml(t(`verdict.${v.outcome}`))}${escapeHtml(margin)}</p>` +
    table({ columns: [t('metric'), t('joint'), t('bankOnly'), t('gain')], rows }, 'data report-table report-headline') +
    `<p>${escapeHtml(t('cutoff', { points: report.cutoffPoints }))} ${escapeHtml(t('scale', { base: report.scale.basePoints, odds: report.scale.baseOdds, pdo: report.scale.pointsToDoubleOdds }))}</p>`;
}

function warnings(report: EvaluationReport, locale: ReportLocale): string {
  const t = (k: ReportMessageKey) => reportMessage(locale, k);
  const f = reportFormat(locale);
  const rows = report.joint.warnings.map((w, i) => {
    const b = report.bankOnly.warnings[i];
    return [t(`warning.${w.level}`), f.count(w.count), f.pct(w.observedDefaultRate), f.count(b?.count ?? null), f.pct(b?.observedDefaultRate ?? null)];
  });
  return `<h3>${escapeHtml(t('section.warnings'))}</h3>` + table({
    columns: [t('col.level'), `${t('joint')}: ${t('col.count')}`, `${t('joint')}: ${t('col.observed')}`, `${t('bankOnly')}: ${t('col.count')}`, `${t('bankOnly')}: ${t('col.observed')}`],
    rows,
  });
}

function scorecard(report: EvaluationReport, charts: readonly ReportChart[], locale: ReportLocale, version: string): string {
  const sc = report.scorecard;
  if (!sc) return '';
  const t = (k: ReportMessageKey) => reportMessage(locale, k);
  const f = reportFormat(locale);
  const byIv = [...sc.characteristics].sort((a, b) => b.iv - a.iv);
  const ivTable = table({ columns: [t('col.characteristic'), t('col.type'), t('col.iv'), t('col.weight')], rows: byIv.map((c) => [c.name, c.type, f.three(c.iv), f.three(c.weight)]) });
  const dropped = sc.dropped.length === 0 ? '' : `<h4>${escapeHtml(t('section.dropped'))}</h4><ul>${sc.dropped.map((d) => `<li><code>${escapeHtml(d.name)}</code>: ${escapeHtml(d.why)}</li>`).join('')}</ul>`;
  const woe = charts.filter((c) => c.id.startsWith('woe:')).map((c) => figure(c, locale, version));
  const pairs: string[] = [];
  for (let i = 0; i < woe.length; i += 2) pairs.push(pair(woe[i], woe[i + 1]));
  return `<section class="report-section"><h2>${escapeHtml(t('section.scorecard'))}</h2><h3>${escapeHtml(t('section.iv'))}</h3>${ivTable}${dropped}${pairs.join('\n')}</section>`;
}

const COMPARED_LABELS: Record<string, ReportMessageKey> = {
  'fusion': 'compare.fusion', 'boosted trees': 'compare.trees', 'scorecard': 'compare.scorecard', 'bank-only': 'compare.bankOnly',
};

/** Boosted trees and fusion: AUC per tree, the kept trees, importance, a fusion model's comparison. */
function treesSection(trees: TreesReport | undefined, compared: readonly ComparedModelRow[] | undefined, locale: ReportLocale, version: string): string {
  if (!trees && !compared?.length) return '';
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const num = (x: number | null, d: number) => (x === null ? '—' : x.toFixed(d));
  const parts: string[] = [`<section class="report-section" data-section="trees"><h2>${escapeHtml(t('section.trees'))}</h2>`];
  if (compared?.length) {
    // The basis in the page's language from the row's kind and whether it was found (models/fusion/report.ts's English words otherwise).
    const basis = (r: ComparedModelRow): string => {
      if (r.label === 'fusion') return t('compare.basis.this');
      if (r.label === 'bank-only') return t('compare.basis.bankOnly');
      const kind = r.label === 'boosted trees' ? 'boosted-trees' : r.label;
      if (r.auc === null && (kind === 'boosted-trees' || kind === 'scorecard')) return t('compare.basis.missing', { kind });
      return kind === 'boosted-trees' || kind === 'scorecard' ? t('compare.basis.same') : r.basis;
    };
    parts.push(`<h3>${escapeHtml(t('section.comparison'))}</h3>`, table({
      columns: [t('col.kind'), t('col.model'), t('auc'), t('ks'), t('col.basis')],
      rows: compared.map((r) => [COMPARED_LABELS[r.label] ? t(COMPARED_LABELS[r.label]!) : r.label, r.model, r.auc === null ? '—' : f.three(r.auc), r.ks === null ? '—' : f.three(r.ks), basis(r)]),
    }, 'data report-table report-compare'));
  }
  if (trees) {
    if (trees.aucHistory.length > 0) parts.push(figure(treesAucChart(trees, locale), locale, version));
    if (trees.trees.length > 0) {
      const auc = (k: number) => (trees.aucHistory[k] === undefined ? '—' : trees.aucHistory[k]!.toFixed(4));
      parts.push(`<h3>${escapeHtml(t('section.treesPerTree'))}</h3>`, table({
        columns: [t('col.tree'), t('col.validationAuc'), t('col.totalGain'), t('col.splits'), t('col.leaves')],
        rows: trees.trees.map((x) => [String(x.tree), auc(x.tree), num(x.gain, 2), num(x.splits, 0), num(x.leaves, 0)]),
      }));
    }
    parts.push(`<h3>${escapeHtml(t('section.importance'))}</h3>`);
    parts.push(trees.importance.length === 0 ? `<p>${escapeHtml(t('treesNoSplits'))}</p>` : table({
      columns: [t('col.feature'), t('col.splits'), t('col.totalGain')],
      rows: trees.importance.map((x) => [x.feature, num(x.splits, 0), num(x.gain, 2)]),
    }));
    if (trees.passives.length > 0) parts.push(`<ul>${trees.passives.map((p) => `<li>${escapeHtml(t(p.features === 1 ? 'treesPassiveOne' : 'treesPassive', { site: p.site, count: p.features }))}</li>`).join('')}</ul>`);
    parts.push(`<p class="report-footnote">${escapeHtml(t('treesNote'))}</p>`);
  }
  parts.push('</section>');
  return parts.join('');
}

/** The report's HTML body (a `<div class="report">`), in the given language. */
export function reportBody(report: EvaluationReport, opts: ReportPageOptions): string {
  const { locale, model } = opts;
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const charts = reportCharts(report, locale);
  const chart = (id: string) => {
    const c = charts.find((x) => x.id === id);
    return c ? figure(c, locale, model.version) : undefined;
  };
  const h = opts.titleLevel ?? 1;
  const meta: [ReportMessageKey, string | undefined][] = [
    ['meta.kind', model.kind], ['meta.purpose', model.purpose], ['meta.sites', model.sites?.join(', ')],
    ['meta.created', model.createdAt], ['meta.alignment', model.alignmentId], ['meta.job', model.jobId],
  ];
  const dl = meta.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `<dt>${escapeHtml(t(k))}</dt><dd><code>${escapeHtml(v!)}</code></dd>`).join('');
  const section = (key: ReportMessageKey, inner: string) => (inner === '' ? '' : `<section class="report-section"><h2>${escapeHtml(t(key))}</h2>${inner}</section>`);
  return [
    `<div class="report" lang="${locale}">`,
    `<h${h}>${escapeHtml(t('title', { version: model.version }))}</h${h}>`,
    `<p class="report-subtitle">${escapeHtml(t('subtitle'))}</p>`,
    dl === '' ? '' : `<dl class="report-meta">${dl}</dl>`,
    `<section class="report-section"><h2>${escapeHtml(t('headline'))}</h2>${headline(report, locale)}</section>`,
    hasCurves(report) ? '' : `<p class="notice report-notice">${escapeHtml(t('needV3'))}</p>`,
    section('section.ranking', [chart('roc') ?? '', pair(chart('ks-joint'), chart('ks-bank'))].join('')),
    section('section.calibration', chart('calibration') ?? ''),
    section('section.distribution', [pair(chart('histogram-joint'), chart('histogram-bank')), pair(chart('lift-joint'), chart('lift-bank'))].join('')),
    section('section.grades', (chart('grades') ?? '') + warnings(report, locale)),
    treesSection(opts.trees, opts.compared, locale, model.version),
    scorecard(report, charts, locale, model.version),
    `<p class="report-footnote">${escapeHtml(t('suppressed', { min: report.joint.minCellSize }))} ${escapeHtml(t('format', { format: report.format }))}</p>`,
    `</div>`,
  ].filter((x) => x !== '').join('\n');
}

/** The file's own policy: no network, images from `data:` only, the inline CSS below; no script exists. */
export const REPORT_FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** The file's stylesheet: the `report-*` classes and the console's `table.data`, `img.chart`, `.notice`. */
export const REPORT_CSS = `
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; margin: 24px auto; max-width: 1400px; color: #222; padding: 0 16px; }
.report h1 { font-size: 1.6em; margin-bottom: 4px; }
.report-subtitle, .report-footnote { color: #555; }
.report-meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
.report-meta dt { font-weight: bold; }
.report-meta dd { margin: 0; }
.report-section { margin-top: 28px; }
.report-pair { display: flex; flex-wrap: wrap; gap: 16px; }
.report-chart { margin: 8px 0; flex: 1 1 560px; max-width: 650px; }
.report-chart img.chart { max-width: 100%; height: auto; border: 1px solid #ddd; }
.report-chart figcaption { font-weight: bold; margin: 4px 0; }
.report-table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
.report-table th, .report-table td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
.report-table th:first-child, .report-table td:first-child { text-align: left; }
.report-compare th:nth-child(2), .report-compare td:nth-child(2), .report-compare th:nth-child(5), .report-compare td:nth-child(5) { text-align: left; }
.report-notice { background: #fff6d6; border: 1px solid #e0c060; padding: 8px 12px; }
.report-verdict { font-size: 1.1em; }
.report-verdict-joint-better { color: #1a6b2a; }
.report-verdict-joint-not-better { color: #a02020; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
`;

/**
 * The self-contained report file: charset, its own CSP, inline CSS, every chart a `data:`
 * image, no script and no external URL, so it opens from disk with no network.
 */
export function standaloneReportHtml(report: EvaluationReport, opts: ReportPageOptions): string {
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(opts.locale, k, v);
  return [
    '<!DOCTYPE html>',
    `<html lang="${opts.locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_FILE_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(t('title', { version: opts.model.version }))}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    reportBody(report, { ...opts, titleLevel: 1 }),
    `<p class="report-footnote">${escapeHtml(t('generated', { version: opts.model.version }))}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
