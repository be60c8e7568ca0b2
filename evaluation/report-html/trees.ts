/**
 * The boosted-trees part of the model report (boosted-trees and fusion models; issue 16's
 * "per-tree metrics, feature importance ... beside the bank-only model"): validation AUC after
 * each tree as a chart, the kept trees' gain, splits and leaves, and feature importance (splits,
 * total gain), read from the registry's metadata as `fedcredit model show` prints it
 * (models/trees/report-text.ts): the bank's lines (`transforms`) name its own features, a
 * passive site's only as "<site> feature"; passive sites' own lines name their features without
 * counts. For a fusion model the caller may add the comparison on the same validation split
 * (models/fusion/report.ts fusionComparison): fusion, boosted trees, scorecard, bank-only.
 *
 * Structural on purpose (protocol code here does not import training/ or models/): the metadata
 * fields read are `kind`, `metrics.aucHistory` and `sites[].transforms`.
 */
import type { EChartsOption } from 'echarts';
import { reportFormat, reportMessage, type ReportLocale, type ReportMessageKey } from './messages.js';
import type { ReportChart } from './options.js';

/** The kinds whose report carries this part (models/trees/kind.ts TREES_KIND, models/fusion/kind.ts). */
export const TREE_REPORT_KINDS: readonly string[] = ['boosted-trees', 'fusion'];

export interface TreesReport {
  readonly kind: string;
  /** Validation AUC after each tree grown. */
  readonly aucHistory: readonly number[];
  /** Trees kept: 0..kept-1 (early stopping keeps the trees up to the best AUC). */
  readonly kept: number;
  /** The bank's line per kept tree: gain, splits, leaves as the bank's part describes them. */
  readonly trees: readonly { readonly tree: number; readonly gain: number | null; readonly splits: number | null; readonly leaves: number | null }[];
  /** Importance at the bank: its features by name, each passive site as "<site> feature". */
  readonly importance: readonly { readonly feature: string; readonly splits: number | null; readonly gain: number | null }[];
  /** Each passive site and how many features it offered (named only in its own part). */
  readonly passives: readonly { readonly site: string; readonly features: number }[];
}

/** One row of a fusion model's comparison (models/fusion/report.ts FusionComparedRow). */
export interface ComparedModelRow {
  readonly label: string;
  readonly model: string;
  readonly auc: number | null;
  readonly ks: number | null;
  readonly basis: string;
}

interface Described { readonly feature: string; readonly steps: readonly string[] }
interface TreesMetadata {
  readonly kind?: string;
  readonly metrics?: unknown;
  readonly sites?: readonly { readonly site: string; readonly role?: string; readonly transforms?: readonly Described[] }[];
}

const TREE = /^\(tree (\d+)\)$/;

function number(steps: readonly string[], re: RegExp): number | null {
  for (const s of steps) {
    const m = re.exec(s);
    if (m) return Number(m[1]);
  }
  return null;
}

/** The trees part of a model's metadata; undefined for other kinds or a model without AUC history. */
export function treesReportOf(m: TreesMetadata): TreesReport | undefined {
  if (!m.kind || !TREE_REPORT_KINDS.includes(m.kind)) return undefined;
  const history = (m.metrics as { aucHistory?: unknown } | undefined)?.aucHistory;
  if (!Array.isArray(history) || !history.every((a) => typeof a === 'number' && Number.isFinite(a))) return undefined;
  const aucHistory = history as number[];
  const best = aucHistory.length > 0 ? aucHistory.indexOf(Math.max(...aucHistory)) : -1;
  const bank = m.sites?.find((s) => s.role === 'bank');
  const lines = bank?.transforms ?? [];
  const trees = lines.flatMap((x) => {
    const k = TREE.exec(x.feature);
    return k ? [{
      tree: Number(k[1]),
      gain: number(x.steps, /^gain (-?[\d.]+)$/),
      splits: number(x.steps, /^(\d+) splits?$/),
      leaves: number(x.steps, /^(\d+) leaves$/),
    }] : [];
  }).sort((a, b) => a.tree - b.tree);
  const importance = lines.filter((x) => !TREE.test(x.feature)).map((x) => ({
    feature: x.feature,
    splits: number(x.steps, /^split on in (\d+) nodes?$/),
    gain: number(x.steps, /^gain (-?[\d.]+)$/),
  }));
  // A fusion model's bank lines also hold its scorecard characteristics' transforms: only lines with a split count are importance.
  const ranked = importance.filter((x) => x.splits !== null);
  const passives = (m.sites ?? []).filter((s) => s.role !== 'bank').map((s) => ({ site: s.site, features: s.transforms?.length ?? 0 }));
  return { kind: m.kind, aucHistory, kept: best + 1, trees, importance: ranked, passives };
}

/** Validation AUC after each tree, the kept ones marked. */
export function treesAucChart(r: TreesReport, locale: ReportLocale): ReportChart {
  const t = (k: ReportMessageKey, v?: Record<string, string | number>) => reportMessage(locale, k, v);
  const f = reportFormat(locale);
  const title = t('chart.treesAuc');
  const best = r.kept - 1;
  const option: EChartsOption = {
    animation: false,
    title: { text: title, left: 'center', top: 8, textStyle: { fontSize: 16 } },
    legend: { bottom: 6 },
    grid: { left: 70, right: 40, top: 56, bottom: 78 },
    xAxis: { type: 'category', data: r.aucHistory.map((_, i) => String(i)), name: t('axis.tree'), nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', name: t('auc'), nameLocation: 'middle', nameGap: 48, scale: true },
    series: [{
      type: 'line', name: t('col.validationAuc'), data: r.aucHistory.map((a, i) => (i === best ? { value: a, symbolSize: 12 } : a)), color: '#c23531',
      markLine: best >= 0 ? { symbol: 'none', silent: true, label: { formatter: t('treesKept', { kept: r.kept }) }, lineStyle: { type: 'dashed', color: '#999999' }, data: [{ xAxis: String(best) }] } : undefined,
    }],
  } as EChartsOption;
  return {
    id: 'trees-auc', title, option,
    alt: t('chart.treesAuc.alt', { grown: r.aucHistory.length, kept: r.kept, best: best >= 0 ? f.three(r.aucHistory[best]!) : '—' }),
    table: {
      columns: [t('col.tree'), t('col.validationAuc'), t('col.kept')],
      rows: r.aucHistory.map((a, i) => [String(i), a.toFixed(4), i < r.kept ? t('yes') : t('no')]),
    },
  };
}
