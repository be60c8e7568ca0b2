/**
 * The node operator's read-only views (docs/design/console.md 4.2): dashboard, tables,
 * catalogue, policy and alarms. Each is one or two gRPC reads with the operator's certificate
 * (the node checks `operator: 'self'` as for the CLI); names, counts and the node's own
 * settings only, never a record or a feature value.
 */
import { html, type Html, type HtmlValue } from '../../http/html.js';
import type { RequestContext, Response } from '../../http/router.js';
import { page } from '../layout.js';
import { welcomeNotice } from '../auth.js';
import { longsAsNumbers } from '../../../lib/json-numbers.js';
import type { NodeOperatorStatus__Output } from '../../../proto/gen/fedcredit/v1/NodeOperatorStatus.js';
import type { WitnessStatus__Output } from '../../../proto/gen/fedcredit/v1/WitnessStatus.js';
import type { MessageKey } from '../../i18n/catalogue.js';

export const STAGES = ['sending', 'receiving', 'validating', 'committing', 'features', 'done', 'failed', 'idle'] as const;

export function stageText(ctx: RequestContext, stage: string): string {
  return (STAGES as readonly string[]).includes(stage) ? ctx.t(`node.stage.${stage as (typeof STAGES)[number]}`) : stage;
}

export async function nodeStatus(ctx: RequestContext): Promise<NodeOperatorStatus__Output> {
  const c = ctx.clients;
  return longsAsNumbers('NodeOperatorStatus', await c.call(c.dataNode, c.dataNode.GetNodeStatus, {})) as NodeOperatorStatus__Output;
}

async function witnessStatus(ctx: RequestContext): Promise<WitnessStatus__Output> {
  const c = ctx.clients;
  return c.call(c.nodeAudit, c.nodeAudit.GetWitnessStatus, {});
}

/** The ingest under way (the node's own progress), live by SSE when live.js runs. */
export function ingestProgress(ctx: RequestContext, s: NodeOperatorStatus__Output): Html {
  const i = s.ingest;
  const line = i
    ? ctx.t('node.stage.line', { stage: stageText(ctx, i.stage), rows: Number(i.rows), done: ctx.fmt.bytes(Number(i.bytesDone)), total: Number(i.bytesTotal) > 0 ? ctx.fmt.bytes(Number(i.bytesTotal)) : '?' })
    : ctx.t('node.stage.idle');
  const fraction = i && Number(i.bytesTotal) > 0 ? Number(i.bytesDone) / Number(i.bytesTotal) : 0;
  return html`<div class="card" data-sse="/ingests/current/events">
<h2>${ctx.t('node.upload.nodeProgress')}</h2>
<p><span id="ingest-file" class="mono">${i?.fileName ?? ''}</span> <span id="ingest-stage">${line}</span></p>
<progress id="ingest-progress" max="1" value="${fraction}"></progress>
</div>`;
}

function coverage(s: NodeOperatorStatus__Output): number | undefined {
  const rates = s.catalogue.filter((f) => f.hasMissingRate).map((f) => f.missingRate);
  return rates.length === 0 ? undefined : 1 - rates.reduce((a, b) => a + b, 0) / rates.length;
}

function sourceText(ctx: RequestContext, source: string): string {
  return source === 'records' ? ctx.t('node.dash.source.records') : source === 'table' ? ctx.t('node.dash.source.table') : ctx.t('node.none');
}

export async function dashboard(ctx: RequestContext): Promise<Response> {
  const [s, w] = await Promise.all([nodeStatus(ctx), witnessStatus(ctx)]);
  const { t, fmt } = ctx;
  const cov = coverage(s);
  const last = s.ingests[s.ingests.length - 1];
  const figure = (label: MessageKey, value: HtmlValue, id: string) => html`<div class="figure" data-figure="${id}"><div class="figure-label">${t(label)}</div><div>${value}</div></div>`;
  return page(ctx, 'node.dashboard.title', html`${welcomeNotice(ctx)}<div class="grid">
${figure('node.dash.site', html`<span class="mono">${s.site}</span>`, 'site')}
${figure('node.dash.source', sourceText(ctx, s.source), 'source')}
${figure('node.dash.asOf', s.asOf || t('node.none'), 'as-of')}
${figure('node.dash.enterprises', fmt.count(Number(s.enterprises)), 'enterprises')}
${figure('node.dash.features', fmt.count(s.catalogue.length), 'features')}
${figure('node.dash.coverage', cov === undefined ? t('node.none') : fmt.percent(cov), 'coverage')}
${figure('node.dash.labels', s.hasLabels ? t('common.yes') : t('common.no'), 'labels')}
${figure('node.dash.alarms', html`<span class="${w.alarms.length > 0 ? 'status-bad' : 'status-ok'}">${fmt.count(w.alarms.length)}</span>`, 'alarms')}
${figure('node.dash.witness', Number(w.cosignedSize) > 0 ? t('node.dash.witnessSize', { size: Number(w.cosignedSize) }) : t('node.dash.noWitness'), 'witness')}
</div>
<div class="card"><h2>${t('node.dash.records')}</h2>
${s.records.length === 0 ? html`<p class="muted">${t('node.none')}</p>` : html`<table class="data"><thead><tr><th>${t('node.kind')}</th><th class="num">${t('node.count')}</th></tr></thead><tbody>
${s.records.map((r) => html`<tr><td class="mono">${r.kind}</td><td class="num">${fmt.count(Number(r.count))}</td></tr>`)}</tbody></table>`}
<p>${t('node.dash.activeTables')}: ${s.tables.length === 0 ? t('node.none') : s.tables.map((a, i) => html`${i > 0 ? ', ' : ''}<span class="mono">${a.name}@${a.version}</span>`)}</p>
<p>${t('node.dash.lastIngest')}: ${last ? html`<span class="mono">${last.fileName}</span> (${fmt.count(Number(last.rows))} ${last.kind}, ${fmt.time(Date.parse(last.committedAt))}); ` : html`${t('node.none')}; `}
<a href="/ingests">${t('node.dash.ingestCount', { count: Number(s.ingestCount) })}</a></p>
</div>
${ingestProgress(ctx, s)}`);
}

export async function tablesView(ctx: RequestContext): Promise<Response> {
  const c = ctx.clients;
  const { tables } = await c.call(c.dataNode, c.dataNode.ListTables, {});
  const { t, fmt } = ctx;
  const list = (items: readonly string[]) => items.length === 0 ? html`<span class="muted">-</span>` : items.map((m, i) => html`${i > 0 ? ', ' : ''}<span class="mono">${m}</span>`);
  return page(ctx, 'node.tables.title', tables.length === 0 ? html`<p class="notice">${t('node.tables.empty')}</p>` : html`<table class="data" data-table="tables"><thead><tr>
<th>${t('node.tables.table')}</th><th class="num">${t('node.tables.version')}</th><th>${t('node.tables.active')}</th><th class="num">${t('node.tables.rows')}</th>
<th>${t('node.tables.columns')}</th><th>${t('node.tables.ingested')}</th><th>${t('node.tables.file')}</th><th>${t('node.tables.labels')}</th>
<th>${t('node.tables.trainedOn')}</th><th>${t('node.tables.models')}</th></tr></thead><tbody>
${tables.map((v) => html`<tr data-version="${v.name}@${v.version}"><td class="mono">${v.name}</td><td class="num">${v.version}</td>
<td>${v.active ? html`<span class="status-ok">${t('common.yes')}</span>` : t('common.no')}</td><td class="num">${fmt.count(Number(v.rows))}</td>
<td>${list(v.columns)}</td><td>${fmt.time(Date.parse(v.ingestedAt))}</td><td><span class="mono">${v.fileName}</span><br><span class="mono muted" title="${v.sha256}">${v.sha256.slice(0, 12)}…</span></td>
<td>${v.hasLabels ? t('common.yes') : t('common.no')}</td><td>${list(v.trainedOnBy)}</td><td>${list(v.models)}</td></tr>`)}
</tbody></table>`);
}

export async function catalogueView(ctx: RequestContext): Promise<Response> {
  const s = await nodeStatus(ctx);
  const { t, fmt } = ctx;
  return page(ctx, 'node.catalogue.title', html`<p class="muted">${t('node.catalogue.note')}</p>
${s.catalogue.length === 0 ? html`<p class="notice">${t('node.catalogue.empty')}</p>` : html`<table class="data" data-table="catalogue"><thead><tr>
<th>${t('node.catalogue.name')}</th><th>${t('node.catalogue.meaning')}</th><th>${t('node.catalogue.unit')}</th><th>${t('node.catalogue.window')}</th>
<th>${t('node.catalogue.imputation')}</th><th class="num">${t('node.catalogue.missing')}</th></tr></thead><tbody>
${s.catalogue.map((f) => html`<tr><td class="mono">${f.feature?.name ?? ''}</td><td>${f.feature?.meaning ?? ''}</td><td>${f.feature?.unit ?? ''}</td>
<td>${f.feature?.window ?? ''}</td><td>${f.feature?.imputation ?? ''}</td><td class="num">${f.hasMissingRate ? fmt.percent(f.missingRate) : '-'}</td></tr>`)}
</tbody></table>`}`);
}

/** The policy's fields as the node runs them (GetPolicy), read-only. */
export async function policyView(ctx: RequestContext): Promise<Response> {
  const c = ctx.clients;
  const p = await c.call(c.dataNode, c.dataNode.GetPolicy, {});
  const { t, fmt } = ctx;
  const rules = JSON.parse(p.policyJson) as Record<string, unknown>;
  const list = (key: string, whenAbsent: MessageKey) => {
    const v = rules[key];
    if (!Array.isArray(v)) return html`<span class="muted">${t(whenAbsent)}</span>`;
    return v.length === 0 ? html`<span class="muted">${t('node.none')}</span>` : (v as unknown[]).map((s, i) => html`${i > 0 ? ', ' : ''}<span class="mono">${String(s)}</span>`);
  };
  const row = (label: MessageKey, value: HtmlValue) => html`<dt>${t(label)}</dt><dd>${value}</dd>`;
  return page(ctx, 'node.policy.title', html`<p class="notice">${t('node.policy.note')}</p>
<div class="card"><dl class="policy">
${row('node.policy.file', p.file ? html`<span class="mono">${p.file}</span>` : t('node.policy.default'))}
${row('node.policy.loaded', fmt.time(Number(p.loadedMs)))}
${row('node.policy.coordinators', list('coordinators', 'node.none'))}
${row('node.policy.purposes', list('purposes', 'node.none'))}
${row('node.policy.features', list('features', 'node.policy.allFeatures'))}
${row('node.policy.excludeFeatures', list('excludeFeatures', 'node.none'))}
${row('node.policy.allowPlaintext', rules['allowPlaintext'] === true ? t('common.yes') : t('common.no'))}
${row('node.policy.queryPurposes', list('queryPurposes', 'node.policy.anyPurpose'))}
${row('node.policy.queryRequesters', list('queryRequesters', 'node.policy.anyRequester'))}
${row('node.policy.refuseRequesters', list('refuseRequesters', 'node.none'))}
</dl></div>
<details><summary>${t('node.policy.json')}</summary><pre data-policy-json>${JSON.stringify(rules, null, 2)}</pre></details>`);
}

export async function alarmsView(ctx: RequestContext): Promise<Response> {
  const c = ctx.clients;
  const [w, health] = await Promise.all([witnessStatus(ctx), c.call(c.dataNode, c.dataNode.Health, {})]);
  const { t, fmt } = ctx;
  return page(ctx, 'node.alarms.title', html`<div class="grid">
<div class="figure"><div class="figure-label">${t('node.dash.health')}</div><div class="${health.status === 'SERVING' ? 'status-ok' : 'status-bad'} mono">${health.status}</div></div>
<div class="figure"><div class="figure-label">${t('node.dash.witness')}</div><div>${Number(w.cosignedSize) > 0 ? t('node.dash.witnessSize', { size: Number(w.cosignedSize) }) : t('node.dash.noWitness')}</div></div>
</div>
${health.detail ? html`<p class="notice">${t('node.alarms.detail')}: ${health.detail}</p>` : ''}
${Number(w.cosignedSize) > 0 ? html`<p>${t('node.alarms.root')}: <span class="mono">${Buffer.from(w.cosignedRoot).toString('hex')}</span></p>` : ''}
${w.alarms.length === 0 ? html`<p class="status-ok" data-alarms="0">${t('node.alarms.none')}</p>` : html`<table class="data" data-alarms="${w.alarms.length}"><thead><tr>
<th>${t('node.alarms.code')}</th><th>${t('node.alarms.reason')}</th><th>${t('node.alarms.time')}</th><th>${t('node.alarms.checkpoint')}</th></tr></thead><tbody>
${w.alarms.map((a) => html`<tr><td><code class="status-bad">${a.code}</code></td><td>${a.reason}</td><td>${fmt.time(Number(a.timeMs))}</td><td><pre>${a.checkpoint}</pre></td></tr>`)}
</tbody></table>`}`);
}
