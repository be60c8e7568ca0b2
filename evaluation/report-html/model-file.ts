/**
 * A stored model's report as the self-contained HTML file (`fedcredit model show V --html FILE`)
 * and as the console's page body (GET /models/:version, and its report.html download with the
 * same bytes as the file). Takes the registry's metadata structurally (the fields it reads), so
 * protocol code here does not depend on training/'s registry.
 */
import { parseEvaluationReport, type EvaluationReport } from '../report.js';
import type { ReportLocale } from './messages.js';
import { reportBody, standaloneReportHtml, type ModelSummary } from './report-page.js';
import { treesReportOf, type ComparedModelRow } from './trees.js';

/** The fields of training/model-registry.ts ModelMetadata the report page shows. */
export interface ReportedModel {
  readonly modelVersion: string;
  readonly kind?: string;
  readonly purpose?: string;
  readonly sites?: readonly { readonly site: string; readonly role?: string; readonly transforms?: readonly { readonly feature: string; readonly steps: readonly string[] }[] }[];
  readonly createdAt?: string;
  readonly alignmentId?: string;
  readonly jobId?: string;
  readonly metrics?: unknown;
}

export function modelSummary(m: ReportedModel): ModelSummary {
  return {
    version: m.modelVersion,
    kind: m.kind || 'lr',
    ...(m.purpose ? { purpose: m.purpose } : {}),
    ...(m.sites ? { sites: m.sites.map((s) => (s.role ? `${s.site} (${s.role})` : s.site)) } : {}),
    ...(m.createdAt ? { createdAt: m.createdAt } : {}),
    ...(m.alignmentId ? { alignmentId: m.alignmentId } : {}),
    ...(m.jobId ? { jobId: m.jobId } : {}),
  };
}

/**
 * The model's evaluation report, read through the stored form's shape check; undefined when the
 * model has none (a passive site's copy, or the metadata a caller may not read in full).
 * Throws the shape check's TypeError when the stored report is unreadable.
 */
export function reportOf(m: ReportedModel): EvaluationReport | undefined {
  const report = (m.metrics as { report?: unknown } | undefined)?.report;
  return report === undefined || report === null ? undefined : parseEvaluationReport(report);
}

/** What a caller adds that the model's own metadata does not hold: a fusion model's comparison with the other kinds on its split. */
export interface ReportExtras {
  readonly compared?: readonly ComparedModelRow[];
}

/** The kind's part of the page from the metadata (boosted trees, fusion: trees.ts) and the caller's extras. */
function kindParts(m: ReportedModel, extras: ReportExtras) {
  const trees = treesReportOf(m);
  return { ...(trees ? { trees } : {}), ...(extras.compared?.length ? { compared: extras.compared } : {}) };
}

/** The self-contained file, or undefined when the model has no report. */
export function modelReportFile(m: ReportedModel, locale: ReportLocale, extras: ReportExtras = {}): string | undefined {
  const report = reportOf(m);
  return report ? standaloneReportHtml(report, { locale, model: modelSummary(m), ...kindParts(m, extras) }) : undefined;
}

/** The body for a page that has its own layout and h1 (the console). */
export function modelReportBody(m: ReportedModel, locale: ReportLocale, extras: ReportExtras = {}): string | undefined {
  const report = reportOf(m);
  return report ? reportBody(report, { locale, model: modelSummary(m), titleLevel: 2, ...kindParts(m, extras) }) : undefined;
}
