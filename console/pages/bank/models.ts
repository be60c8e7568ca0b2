/**
 * GET /models and GET /models/:version (docs/design/console.md 4.3): the models a bank may ask
 * with, from Scoring.ListQueryableModels (no metric: any requester may call it). The model
 * reports a bank may read (issue 22) are those of the models it is the label holder of: it
 * holds the labels and computed the report itself (evaluation/), so reading it back tells it
 * nothing new, while another bank would learn the joint model's AUC and the passive sites'
 * contribution. A requester certificate names a bank, not a site, so the coordinator cannot
 * tell a label holder from it; the console reads the report with `--operator-tls` of the bank's
 * site (Training.GetModel as operator/<site>), and the coordinator decides on the stored model
 * (training/model-access.ts): the label holder's operator gets it, any other is refused
 * (IDENTITY_MISMATCH, shown here), a console without it says how to get it. The report is the
 * coordinator page's: charts of evaluation/report-html/ as data: images, and its file download.
 */
import { html, raw, type Html } from '../../http/html.js';
import { download, type RequestContext, type Response, type Route } from '../../http/router.js';
import { ConsoleError } from '../../http/errors.js';
import { page } from '../layout.js';
import { FedcreditError } from '../../../lib/errors.js';
import type { QueryableModel__Output } from '../../../proto/gen/fedcredit/v1/QueryableModel.js';
import type { ModelMetadata } from '../../../training/model-registry.js';
import { modelReportBody, modelReportFile } from '../../../evaluation/report-html/model-file.js';
import type { ReportExtras } from '../../../evaluation/report-html/model-file.js';
import { fusionComparison, sameSplitModel } from '../../../models/fusion/report.js';
import { FUSION_KIND } from '../../../models/fusion/kind.js';
import { TREES_KIND } from '../../../models/trees/kind.js';
import { warningLabel } from './entries.js';
import { modelKindLabel, purposeLabel } from '../purpose.js';

async function queryableModels(ctx: RequestContext): Promise<QueryableModel__Output[]> {
  const scoring = ctx.clients.scoring;
  return (await ctx.clients.call(scoring, scoring.ListQueryableModels, {})).models;
}

function scaleText(ctx: RequestContext, m: QueryableModel__Output): string {
  const s = m.scale;
  return s ? ctx.t('bank.models.scale', { basePoints: s.basePoints, baseOdds: s.baseOdds, pdo: s.pointsToDoubleOdds }) : '';
}

async function modelsPage(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const models = await queryableModels(ctx);
  const table = models.length === 0 ? html`<p class="muted">${t('bank.models.none')}</p>` : html`<table class="data"><thead><tr>
<th>${t('bank.col.version')}</th><th>${t('bank.col.purpose')}</th><th>${t('bank.col.sites')}</th><th>${t('bank.col.trained')}</th><th>${t('bank.col.scale')}</th></tr></thead><tbody>
${models.map((m) => html`<tr data-model="${m.modelVersion}"><td><a href="/models/${encodeURIComponent(m.modelVersion)}"><code>${m.modelVersion}</code></a> ${modelKindLabel(ctx, m.kind)}</td>
<td>${purposeLabel(ctx, m.purpose)}</td><td>${m.sites.map((s, i) => html`${i ? ', ' : ''}<code>${s}</code>`)}</td><td>${ctx.fmt.time(Number(m.trainedMs))}</td><td>${scaleText(ctx, m)}</td></tr>`)}
</tbody></table>`;
  return page(ctx, 'bank.models.title', html`<p class="muted">${t('bank.models.intro')}</p>${table}`);
}

/**
 * The model's metadata as the label holder's operator reads it (Training.GetModel, checked by the
 * coordinator in training/model-access.ts), or why there is none: no --operator-tls, or refused.
 */
async function labelHolderModel(ctx: RequestContext, version: string): Promise<{ model: ModelMetadata } | { none: true } | { refused: string }> {
  const training = ctx.clients.operatorTraining;
  if (!training) return { none: true };
  try {
    const info = await ctx.clients.call(training, training.GetModel, { modelVersion: version });
    return { model: JSON.parse(info.metadataJson) as ModelMetadata };
  } catch (err) {
    if (err instanceof FedcreditError) return { refused: err.code };
    throw err;
  }
}

/**
 * A fusion model's comparison with the newest boosted-trees and scorecard models on its split,
 * as the coordinator's page and `fedcredit model show` give it. A bank's operator cannot list
 * the coordinator's models (Training.ListModels is the coordinator's own): the candidates are
 * the queryable models of those kinds, read one by one as the label holder (a model this bank
 * did not train is refused and simply not compared).
 */
async function extrasOf(ctx: RequestContext, m: ModelMetadata): Promise<ReportExtras> {
  if (m.kind !== FUSION_KIND) return {};
  const read: ModelMetadata[] = [];
  for (const q of await queryableModels(ctx)) {
    if (q.kind !== TREES_KIND && q.kind !== 'scorecard') continue;
    const got = await labelHolderModel(ctx, q.modelVersion);
    if ('model' in got) read.push(got.model);
  }
  return { compared: fusionComparison(m, sameSplitModel(m, read, TREES_KIND), sameSplitModel(m, read, 'scorecard')) };
}

/**
 * The evaluation report with the charts of evaluation/report-html/ (as the coordinator's model
 * page shows it), when the coordinator gives it to this console's operator certificate.
 */
async function reportSection(ctx: RequestContext, version: string): Promise<Html> {
  const { t } = ctx;
  const got = await labelHolderModel(ctx, version);
  if ('none' in got) return html`<p class="notice" data-report="none">${t('bank.models.noReport')}</p>`;
  if ('refused' in got) return html`<p class="error-box" data-report="refused">${t('bank.models.reportRefused', { code: got.refused })}</p>`;
  let body: string | undefined;
  try {
    body = modelReportBody(got.model, ctx.lang, await extrasOf(ctx, got.model));
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return html`<p class="error-box" data-report="unreadable">${t('bank.models.reportUnreadable', { message: err.message })}</p>`;
  }
  if (body === undefined) return html`<p class="notice" data-report="empty">${t('bank.models.reportEmpty')}</p>`;
  const file = `/models/${encodeURIComponent(version)}/report.html`;
  // raw(): the body is evaluation/report-html/report-page.ts's output, which escapes every string it prints.
  return html`<section data-report="shown"><p><a href="${file}" download data-report-download>${t('bank.models.download')}</a></p>${raw(body)}</section>`;
}

async function reportFile(ctx: RequestContext): Promise<Response> {
  const version = ctx.params['version'] ?? '';
  const got = await labelHolderModel(ctx, version);
  if ('none' in got) throw new ConsoleError('NOT_FOUND', 404, ctx.t('bank.models.noReport'));
  if ('refused' in got) throw new ConsoleError('FORBIDDEN', 403, ctx.t('bank.models.reportRefused', { code: got.refused }));
  const file = modelReportFile(got.model, ctx.lang, await extrasOf(ctx, got.model));
  if (file === undefined) throw new ConsoleError('NOT_FOUND', 404, ctx.t('bank.models.reportEmpty'));
  return download(`fedcredit-report-${got.model.modelVersion}.${ctx.lang}.html`, 'text/html; charset=utf-8', file);
}

async function modelPage(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const version = ctx.params['version'] ?? '';
  const m = (await queryableModels(ctx)).find((x) => x.modelVersion === version);
  if (!m) throw new ConsoleError('NOT_FOUND', 404, t('bank.models.notFound', { version: version.slice(0, 32) }));
  return page(ctx, 'bank.model.title', html`<h2>${t('bank.model.named', { version: m.modelVersion })}</h2>
<table class="data"><tbody>
<tr><th>${t('bank.col.purpose')}</th><td>${purposeLabel(ctx, m.purpose)}</td></tr>
<tr><th>${t('bank.col.sites')}</th><td>${m.sites.map((s, i) => html`${i ? ', ' : ''}<code>${s}</code>`)}</td></tr>
<tr><th>${t('bank.col.trained')}</th><td>${ctx.fmt.time(Number(m.trainedMs))}</td></tr>
<tr><th>${t('bank.col.scale')}</th><td>${scaleText(ctx, m)}</td></tr>
</tbody></table>
<div class="grid">
<div><h3>${t('bank.models.grades')}</h3><table class="data"><tbody>${m.grades.map((g) => html`<tr><td>${g.grade}</td><td class="num">${g.minPoints}</td></tr>`)}</tbody></table></div>
<div><h3>${t('bank.models.warnings')}</h3><table class="data"><tbody>${m.warnings.map((w) => html`<tr><td>${warningLabel(ctx, w.level)}</td><td class="num">${w.belowPoints}</td></tr>`)}</tbody></table></div>
</div>
<h2>${t('bank.models.report')}</h2>
${await reportSection(ctx, m.modelVersion)}`);
}

export const modelRoutes: Route[] = [
  { method: 'GET', path: '/models', kinds: ['bank'], access: 'viewer', nav: 'bank.nav.models', handle: modelsPage },
  { method: 'GET', path: '/models/:version', kinds: ['bank'], access: 'viewer', handle: modelPage },
  { method: 'GET', path: '/models/:version/report.html', kinds: ['bank'], access: 'viewer', handle: reportFile },
];
