/**
 * Whom the node answered (`GET /served`, the console's `node served`) and the drift of its
 * features (`GET /drift`), docs/design/console.md 4.2. Served records are the node's signed
 * chain (log/served-record.ts): the console verifies them as the CLI does, then filters by
 * requester, enterprise, kind and day. Drift is NodeMonitoring.GetDriftStatus, local to the
 * node (its bins never leave it).
 */
import { html } from '../../http/html.js';
import type { RequestContext, Response } from '../../http/router.js';
import { page } from '../layout.js';
import { verifyServedRecords, type AnyServedRecord } from '../../../log/served-record.js';
import { FedcreditError } from '../../../lib/errors.js';
import { longsAsNumbers } from '../../../lib/json-numbers.js';
import type { DriftStatus__Output } from '../../../proto/gen/fedcredit/v1/DriftStatus.js';

/** A page shows at most this many rows (newest first); the filter narrows the rest. */
export const SERVED_ROWS = 500;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ServedRow { seq: number; timeMs: number; what: string; requester: string; logIndex: number; count: number; enterprises: readonly string[] }

export interface ServedFilter { requester?: string; enterprise?: string; kind?: string; since?: number; until?: number }

/** The filter from the query string; dates are whole UTC days, `until` includes its day (as `node served --until`). */
export function servedFilter(ctx: RequestContext): ServedFilter {
  const text = (name: string) => {
    const v = ctx.query.get(name)?.trim();
    return v ? v.slice(0, 200) : undefined;
  };
  const day = (name: string, end: boolean) => {
    const v = text(name);
    if (v === undefined) return undefined;
    if (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new FedcreditError('BAD_REQUEST', ctx.t('node.served.badDate', { value: v }));
    return Date.parse(`${v}T00:00:00Z`) + (end ? 86_400_000 : 0);
  };
  const f: ServedFilter = {};
  const requester = text('requester'); if (requester) f.requester = requester;
  const enterprise = text('enterprise'); if (enterprise) f.enterprise = enterprise;
  const kind = text('kind'); if (kind) f.kind = kind;
  const since = day('since', false); if (since !== undefined) f.since = since;
  const until = day('until', true); if (until !== undefined) f.until = until;
  return f;
}

export function matches(f: ServedFilter, r: ServedRow): boolean {
  return (f.requester === undefined || r.requester === f.requester)
    && (f.enterprise === undefined || r.enterprises.includes(f.enterprise))
    && (f.kind === undefined || r.what === f.kind)
    && (f.since === undefined || r.timeMs >= f.since) && (f.until === undefined || r.timeMs < f.until);
}

export async function servedView(ctx: RequestContext): Promise<Response> {
  const filter = servedFilter(ctx);
  const c = ctx.clients;
  const res = await c.call(c.nodeAudit, c.nodeAudit.GetServedRecords, { from: 0 });
  const items = res.records.map((r) => ({ record: new Uint8Array(r.record), signature: new Uint8Array(r.signature) }));
  // The node signs its records; checking them here costs little and shows a damaged store.
  const check = verifyServedRecords(res.site, new Uint8Array(res.identityPublicKey), items);
  const all = res.records.map((r): ServedRow => {
    const rec = JSON.parse(Buffer.from(r.record).toString('utf8')) as AnyServedRecord;
    return { seq: rec.seq, timeMs: rec.time, what: rec.what, requester: rec.requester, logIndex: rec.logIndex, count: rec.v === 2 ? rec.count : 1, enterprises: r.subjects };
  });
  const rows = all.filter((r) => matches(filter, r)).reverse();
  const shown = rows.slice(0, SERVED_ROWS);
  const { t, fmt } = ctx;
  const q = (name: string) => ctx.query.get(name) ?? '';
  const kinds = [...new Set(all.map((r) => r.what))].sort();
  return page(ctx, 'node.served.title', html`<form method="get" action="/served" class="inline">
<label>${t('node.served.requester')} <input type="text" name="requester" value="${q('requester')}"></label>
<label>${t('node.served.enterprise')} <input type="text" name="enterprise" value="${q('enterprise')}"></label>
<label>${t('node.served.kind')} <select name="kind"><option value="">-</option>${kinds.map((k) => html`<option value="${k}"${k === q('kind') ? html` selected` : ''}>${k}</option>`)}</select></label>
<label>${t('node.served.since')} <input type="date" name="since" value="${q('since')}"></label>
<label>${t('node.served.until')} <input type="date" name="until" value="${q('until')}"></label>
<button type="submit">${t('node.served.filter')}</button>
</form>
<p data-served-shown="${shown.length}">${t('node.served.shown', { shown: shown.length, total: all.length })}</p>
${check.problems.length === 0 ? html`<p class="status-ok">${t('node.served.verified')}</p>` : html`<div class="error-box" role="alert"><p>${t('node.served.problems')}</p><ul>${check.problems.slice(0, 10).map((p) => html`<li>${p}</li>`)}</ul></div>`}
${shown.length === 0 ? html`<p class="muted">${t('node.served.empty')}</p>` : html`<table class="data" data-table="served"><thead><tr>
<th class="num">${t('node.served.seq')}</th><th>${t('node.served.time')}</th><th>${t('node.served.kind')}</th><th>${t('node.served.requester')}</th>
<th>${t('node.served.logEntry')}</th><th>${t('node.served.enterprise')}</th></tr></thead><tbody>
${shown.map((r) => html`<tr><td class="num">${r.seq}</td><td>${fmt.time(r.timeMs)}</td><td class="mono">${r.what}</td><td class="mono">${r.requester}</td>
<td class="mono">#${r.logIndex}${r.count > 1 ? html`..#${r.logIndex + r.count - 1}` : ''}</td>
<td class="mono">${r.enterprises.length === 0 ? '-' : r.enterprises.length <= 3 ? r.enterprises.join(', ') : `${r.enterprises.slice(0, 3).join(', ')} +${r.enterprises.length - 3}`}</td></tr>`)}
</tbody></table>`}`);
}

const LEVELS = ['stable', 'warn', 'alarm', 'insufficient'] as const;

export async function driftView(ctx: RequestContext): Promise<Response> {
  const c = ctx.clients;
  const status = longsAsNumbers('DriftStatus', await c.call(c.nodeMonitoring, c.nodeMonitoring.GetDriftStatus, { modelVersion: '' })) as DriftStatus__Output;
  const { t, fmt } = ctx;
  const level = (l: string) => (LEVELS as readonly string[]).includes(l) ? t(`node.drift.level.${l as (typeof LEVELS)[number]}`) : l;
  const cls = (l: string) => l === 'alarm' ? 'status-bad' : l === 'warn' ? 'status-warn' : 'status-ok';
  return page(ctx, 'node.drift.title', html`<p class="muted">${t('node.drift.note')}</p>
${status.models.length === 0 ? html`<p class="notice">${t('node.drift.empty')}</p>` : status.models.map((m) => html`<div class="card" data-drift-model="${m.modelVersion}">
<h2>${t('node.drift.model', { model: m.modelVersion, run: m.runId, asOf: m.asOf, covered: Number(m.covered) })}</h2>
${m.insufficient ? html`<p class="notice">${t('node.drift.insufficient')}</p>` : html`<table class="data"><thead><tr><th>${t('node.drift.feature')}</th><th class="num">${t('node.drift.csi')}</th><th>${t('node.drift.level')}</th><th>${t('node.drift.bins')}</th></tr></thead><tbody>
${m.features.map((f) => html`<tr><td class="mono">${f.feature}</td><td class="num">${fmt.metric(f.csi)}</td><td class="${cls(f.level)}">${level(f.level)}</td>
<td>${f.bins.length === 0 ? '-' : html`<details><summary>${f.bins.length}</summary><table class="data"><thead><tr><th>${t('node.drift.bin')}</th><th class="num">${t('node.drift.expected')}</th><th class="num">${t('node.drift.actual')}</th></tr></thead><tbody>
${f.bins.map((b) => html`<tr><td class="mono">${b.label}</td><td class="num">${fmt.percent(b.expected)}</td><td class="num">${fmt.percent(b.actual)}</td></tr>`)}</tbody></table></details>`}</td></tr>`)}
</tbody></table>`}
</div>`)}`);
}
