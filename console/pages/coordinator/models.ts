/**
 * The coordinator console's models pages (docs/design/console.md 4.1 and 6; owner: creport),
 * imported by routes.ts:
 *   GET /models                      the registry (Training.ListModels)
 *   GET /models/:version             the report as pictures, joint beside bank-only (Training.GetModel)
 *   GET /models/:version/report.html the same report as `fedcredit model show --html` writes it, as a download
 * The report body comes from evaluation/report-html/ (protocol code shared with the CLI): charts
 * are SVG `data:` images, so the page needs no script and no inline style under the console's
 * strict CSP; the body escapes every string it prints, so `raw()` here wraps only that builder's
 * output. The coordinator's operator may read every model's report (training/model-access.ts);
 * the server checks each call as for the CLI.
 */
import { FedcreditError } from '../../../lib/errors.js';
import type { ModelInfo__Output } from '../../../proto/gen/fedcredit/v1/ModelInfo.js';
import type { ModelMetadata } from '../../../training/model-registry.js';
import { modelReportBody, modelReportFile, type ReportExtras } from '../../../evaluation/report-html/model-file.js';
import { FUSION_KIND } from '../../../models/fusion/kind.js';
import { fusionComparison, sameSplitModel } from '../../../models/fusion/report.js';
import { TREES_KIND } from '../../../models/trees/kind.js';
import { html, raw } from '../../http/html.js';
import { download, type RequestContext, type Route } from '../../http/router.js';
import { page } from '../layout.js';
import { modelKindLabel, purposeLabel } from '../purpose.js';

function metadataOf(info: ModelInfo__Output): ModelMetadata {
  try {
    return JSON.parse(info.metadataJson) as ModelMetadata;
  } catch {
    throw new FedcreditError('INTERNAL', `model ${info.modelVersion}: the coordinator sent unreadable metadata`);
  }
}

async function getModel(ctx: RequestContext): Promise<ModelMetadata> {
  const client = ctx.clients.training;
  return metadataOf(await ctx.clients.call(client, client.GetModel, { modelVersion: ctx.params['version'] ?? '' }));
}

/** A fusion model's comparison with the newest boosted-trees and scorecard models on its split, as `fedcredit model show` links them. */
async function extrasOf(ctx: RequestContext, m: ModelMetadata): Promise<ReportExtras> {
  if (m.kind !== FUSION_KIND) return {};
  const client = ctx.clients.training;
  const models = (await ctx.clients.call(client, client.ListModels, {})).models.map(metadataOf);
  return { compared: fusionComparison(m, sameSplitModel(m, models, TREES_KIND), sameSplitModel(m, models, 'scorecard')) };
}

const kindOf = (m: ModelMetadata) => m.kind || 'lr';
const aucOf = (m: ModelMetadata) => (m.metrics as { validationAuc?: number } | undefined)?.validationAuc;
const when = (ctx: RequestContext, iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : ctx.fmt.time(Date.parse(iso)));

async function list(ctx: RequestContext) {
  const { t, fmt } = ctx;
  const client = ctx.clients.training;
  // Newest first, as the bank's console lists them (m<n>: the registry numbers versions in order).
  const models = (await ctx.clients.call(client, client.ListModels, {})).models.map(metadataOf)
    .sort((a, b) => (Number(b.modelVersion.slice(1)) || 0) - (Number(a.modelVersion.slice(1)) || 0));
  if (models.length === 0) return page(ctx, 'models.title', html`<p class="notice">${t('models.none')}</p>`);
  const rows = models.map((m) => {
    const auc = aucOf(m);
    const href = `/models/${encodeURIComponent(m.modelVersion)}`;
    return html`<tr>
<td><a href="${href}"><code>${m.modelVersion}</code></a></td><td>${modelKindLabel(ctx, kindOf(m))}</td><td>${purposeLabel(ctx, m.purpose)}</td>
<td>${when(ctx, m.createdAt)}</td><td><code>${m.alignmentId}</code></td><td>${m.sites.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s.site}</code>`)}</td>
<td class="num">${auc === undefined ? '—' : fmt.metric(auc)}</td><td><a href="${href}">${t('models.open')}</a></td></tr>`;
  });
  return page(ctx, 'models.title', html`<p class="muted">${t('models.count', { count: models.length })}</p>
<table class="data" data-models="${models.length}"><thead><tr>
<th>${t('models.col.version')}</th><th>${t('models.col.kind')}</th><th>${t('models.col.purpose')}</th><th>${t('models.col.created')}</th>
<th>${t('models.col.alignment')}</th><th>${t('models.col.sites')}</th><th class="num">${t('models.col.auc')}</th><th>${t('models.col.report')}</th>
</tr></thead><tbody>${rows}</tbody></table>`);
}

async function show(ctx: RequestContext) {
  const { t } = ctx;
  const m = await getModel(ctx);
  const back = html`<p><a href="/models">${t('models.back')}</a></p>`;
  let body: string | undefined;
  try {
    body = modelReportBody(m, ctx.lang, await extrasOf(ctx, m));
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return page(ctx, 'models.report.title', html`${back}<div class="error-box" role="alert">${t('models.unreadable', { message: err.message })}</div>`);
  }
  if (body === undefined) return page(ctx, 'models.report.title', html`${back}<p class="notice">${t('models.noReport')}</p>`);
  const file = `/models/${encodeURIComponent(m.modelVersion)}/report.html`;
  // raw(): the body is evaluation/report-html/report-page.ts's output, which escapes every string it prints.
  return page(ctx, 'models.report.title', html`${back}
<p><a href="${file}" download>${t('models.download')}</a> <span class="muted">${t('models.downloadNote')}</span></p>
${raw(body)}`);
}

async function reportFile(ctx: RequestContext) {
  const m = await getModel(ctx);
  const file = modelReportFile(m, ctx.lang, await extrasOf(ctx, m));
  if (file === undefined) throw new FedcreditError('NOT_FOUND', `model ${m.modelVersion} has no evaluation report`);
  return download(`fedcredit-report-${m.modelVersion}.${ctx.lang}.html`, 'text/html; charset=utf-8', file);
}

export const modelRoutes: Route[] = [
  { method: 'GET', path: '/models', kinds: ['coordinator'], access: 'viewer', nav: 'models.nav', handle: list },
  { method: 'GET', path: '/models/:version', kinds: ['coordinator'], access: 'viewer', handle: show },
  { method: 'GET', path: '/models/:version/report.html', kinds: ['coordinator'], access: 'viewer', handle: reportFile },
];
