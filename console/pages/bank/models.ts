/**
 * GET /models and GET /models/:version (docs/design/console.md 4.3): the models a bank may ask
 * with, from Scoring.ListQueryableModels (no metric). The evaluation report only with
 * `--operator-tls` of the label holder (Training.GetModel as that operator,
 * training/model-access.ts decides): its headline figures here; the charts page of
 * evaluation/report-html/ (task C2) is not on this branch yet, so the page names the
 * `model show --html` command that writes it.
 */
import { html, type Html } from '../../http/html.js';
import type { RequestContext, Response, Route } from '../../http/router.js';
import { ConsoleError } from '../../http/errors.js';
import { page } from '../layout.js';
import { FedcreditError } from '../../../lib/errors.js';
import type { QueryableModel__Output } from '../../../proto/gen/fedcredit/v1/QueryableModel.js';
import { warningLabel } from './entries.js';
import { purposeLabel } from '../purpose.js';

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
${models.map((m) => html`<tr data-model="${m.modelVersion}"><td><a href="/models/${encodeURIComponent(m.modelVersion)}"><code>${m.modelVersion}</code></a> <span class="muted">${m.kind}</span></td>
<td>${purposeLabel(ctx, m.purpose)}</td><td>${m.sites.map((s, i) => html`${i ? ', ' : ''}<code>${s}</code>`)}</td><td>${ctx.fmt.time(Number(m.trainedMs))}</td><td>${scaleText(ctx, m)}</td></tr>`)}
</tbody></table>`;
  return page(ctx, 'bank.models.title', html`<p class="muted">${t('bank.models.intro')}</p>${table}`);
}

/** Headline figures of the report, when this console holds the label holder's operator certificate. */
async function reportSection(ctx: RequestContext, version: string): Promise<Html> {
  const { t } = ctx;
  const training = ctx.clients.operatorTraining;
  if (!training) return html`<p class="muted" data-report="none">${t('bank.models.noReport')}</p>`;
  let metrics: Record<string, unknown>;
  try {
    const info = await ctx.clients.call(training, training.GetModel, { modelVersion: version });
    metrics = ((JSON.parse(info.metadataJson) as { metrics?: Record<string, unknown> }).metrics) ?? {};
  } catch (err) {
    if (err instanceof FedcreditError) return html`<p class="error-box" data-report="refused">${t('bank.models.reportRefused', { code: err.code })}</p>`;
    throw err;
  }
  const figures = Object.entries(metrics).filter(([, v]) => typeof v === 'number') as [string, number][];
  return html`<section data-report="shown"><h3>${t('bank.models.reportFigures')}</h3><div class="grid">
${figures.map(([k, v]) => html`<div class="card"><div class="figure">${ctx.fmt.metric(v)}</div><div class="figure-label"><code>${k}</code></div></div>`)}
</div><p class="muted">${t('bank.models.reportCli', { version })}</p></section>`;
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
];
