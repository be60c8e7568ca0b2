/**
 * The coordinator console's read-only overview pages (docs/design/console.md 4.1): the
 * dashboard, /nodes, /alarms and /log, from Coordinator.ListNodes, Health and
 * GetCoordinatorStatus and TransparencyLog.GetLogInfo and GetCheckpoint. Every value is
 * interpolated through the escaping `html` template; checkpoint notes are shown as text.
 */
import { html, type Html } from '../../http/html.js';
import type { RequestContext, Response } from '../../http/router.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { page } from '../layout.js';
import { FedcreditError } from '../../../lib/errors.js';
import { welcomeNotice } from '../auth.js';
import { keyFingerprint } from '../../../registration/rotation.js';
import { witnessKeyName } from '../../../log/entries.js';
import type { CoordinatorStatus__Output } from '../../../proto/gen/fedcredit/v1/CoordinatorStatus.js';
import { checkpoints, coordinatorHealth, coordinatorStatus, facts, listJobs, listNodes, listRuns, logInfo, num, word } from './reads.js';
import { jobsTable } from './training-views.js';
import { runsTable } from './monitoring.js';

export function healthBadge(ctx: RequestContext, health: string): Html {
  const cls = health === 'SERVING' ? 'status-ok' : health === 'UNKNOWN' ? 'muted' : health === 'ALARM' || health === 'UNREACHABLE' ? 'status-bad' : 'status-warn';
  return html`<span class="${cls}" data-health="${health}">${word(ctx, 'coordinator.health.', health)}</span>`;
}

/** Milliseconds as a short duration in the page's language ("12 s", "3 min"), or "never" for 0. */
export function age(ctx: RequestContext, ms: number): string {
  const s = Math.round(ms / 1000);
  return ctx.t('coordinator.seconds', { seconds: s });
}

const when = (ctx: RequestContext, ms: number): Html | string => (ms > 0 ? ctx.fmt.time(ms) : ctx.t('coordinator.never'));

function figure(value: string | number | Html, label: MessageKey, ctx: RequestContext, id?: string, cls = ''): Html {
  return html`<div class="card"><div class="figure ${cls}"${id ? html` id="${id}"` : ''}>${typeof value === 'number' ? ctx.fmt.count(value) : value}</div><div class="figure-label">${ctx.t(label)}</div></div>`;
}

export function alarmsTable(ctx: RequestContext, st: CoordinatorStatus__Output): Html {
  if (st.alarms.length === 0) return html`<p class="status-ok" data-alarms="0">${ctx.t('coordinator.alarms.none')}</p>`;
  return html`<table class="data" data-alarms="${st.alarms.length}"><thead><tr><th>${ctx.t('coordinator.alarms.code')}</th><th>${ctx.t('coordinator.alarms.site')}</th>
<th>${ctx.t('coordinator.alarms.message')}</th><th>${ctx.t('coordinator.alarms.since')}</th></tr></thead><tbody>
${st.alarms.map((a) => html`<tr><td class="status-bad">${word(ctx, 'coordinator.alarm.', a.code)} <code>${a.code}</code></td><td>${a.site ? html`<code>${a.site}</code>` : '—'}</td>
<td>${a.message}</td><td>${ctx.fmt.time(num(a.sinceMs))}</td></tr>`)}
</tbody></table>`;
}

/** A read that failed, shown in place (the dashboard still shows what it could read): its stable code and message. */
function unavailable(ctx: RequestContext, err: unknown): Html {
  const code = err instanceof FedcreditError ? err.code : 'INTERNAL';
  return html`<div class="error-box" role="alert"><code data-error-code="${code}">${code}</code> ${err instanceof Error ? err.message : String(err)}
${ctx.t.has(`errors.${code}`) ? html`<p>${ctx.t(`errors.${code}` as MessageKey)}</p>` : ''}</div>`;
}

/**
 * The dashboard: each part from its own call, so one refused or failing read (say, monitoring)
 * leaves the others shown, each failure in place with its code; every other page fails whole.
 */
export async function dashboard(ctx: RequestContext): Promise<Response> {
  const [status, jobsRead, runsRead] = await Promise.allSettled([coordinatorStatus(ctx), listJobs(ctx, { limit: 10 }), listRuns(ctx, 5)]);
  let overview: Html;
  if (status.status === 'fulfilled') {
    const st = status.value;
    const nodes = st.nodes ?? { up: 0, down: 0, unknown: 0 };
    const maxLag = Math.max(0, ...st.witnesses.map((w) => num(w.lagEntries)));
    const running = jobsRead.status === 'fulfilled' ? jobsRead.value.filter((j) => j.running).length : undefined;
    overview = html`<div class="grid">
${figure(nodes.up, 'coordinator.dash.nodesUp', ctx, 'nodes-up', 'status-ok')}
${figure(nodes.down, 'coordinator.dash.nodesDown', ctx, 'nodes-down', nodes.down > 0 ? 'status-bad' : '')}
${nodes.unknown > 0 ? figure(nodes.unknown, 'coordinator.dash.nodesUnknown', ctx) : ''}
${figure(num(st.logSize), 'coordinator.dash.logSize', ctx, 'log-size')}
${figure(num(st.finalSize), 'coordinator.dash.finalSize', ctx, 'final-size')}
${figure(num(st.finalSize) > 0 ? age(ctx, num(st.finalAgeMs)) : ctx.t('coordinator.noneFinal'), 'coordinator.dash.finalAge', ctx)}
${figure(ctx.t('coordinator.entries', { count: maxLag }), 'coordinator.dash.maxLag', ctx, undefined, maxLag > 0 ? 'status-warn' : '')}
${running !== undefined ? figure(running, 'coordinator.dash.runningJobs', ctx) : ''}
</div>
<h2>${ctx.t('coordinator.dash.latestAlarms')}</h2>
${alarmsTable(ctx, { ...st, alarms: st.alarms.slice(0, 5) })}`;
  } else {
    overview = unavailable(ctx, status.reason);
  }
  const jobs = jobsRead.status === 'rejected' ? unavailable(ctx, jobsRead.reason)
    : jobsRead.value.length === 0 ? html`<p class="muted">${ctx.t('coordinator.train.none')}</p>` : jobsTable(ctx, jobsRead.value.slice(0, 5));
  const runs = runsRead.status === 'rejected' ? unavailable(ctx, runsRead.reason)
    : runsRead.value.length === 0 ? html`<p class="muted">${ctx.t('coordinator.mon.none')}</p>` : runsTable(ctx, runsRead.value);
  return page(ctx, 'coordinator.dashboard.title', html`${welcomeNotice(ctx)}
${overview}
<p><a href="/alarms">${ctx.t('coordinator.dash.allAlarms')}</a></p>
<h2>${ctx.t('coordinator.dash.recentJobs')}</h2>
${jobs}
<p><a href="/training">${ctx.t('coordinator.dash.allJobs')}</a></p>
<h2>${ctx.t('coordinator.dash.latestRuns')}</h2>
${runs}
<p><a href="/monitoring">${ctx.t('coordinator.dash.allRuns')}</a></p>`);
}

export async function nodesPage(ctx: RequestContext): Promise<Response> {
  const [nodes, health] = await Promise.all([listNodes(ctx), coordinatorHealth(ctx)]);
  const uptime = age(ctx, health.uptimeSeconds * 1000);
  const body = nodes.length === 0 ? html`<p class="muted">${ctx.t('coordinator.nodes.none')}</p>` : html`<table class="data"><thead><tr>
<th>${ctx.t('coordinator.nodes.site')}</th><th>${ctx.t('coordinator.nodes.address')}</th><th>${ctx.t('coordinator.nodes.health')}</th>
<th>${ctx.t('coordinator.nodes.key')}</th><th>${ctx.t('coordinator.nodes.registered')}</th><th>${ctx.t('coordinator.nodes.lastPoll')}</th><th>${ctx.t('coordinator.nodes.lastError')}</th></tr></thead><tbody>
${nodes.map((n) => html`<tr data-site="${n.site}"><td><code>${n.site}</code></td><td><code>${n.address || '—'}</code></td><td>${healthBadge(ctx, n.health)}</td>
<td><code>${n.identityPublicKey.length > 0 ? keyFingerprint(new Uint8Array(n.identityPublicKey)) : '—'}</code></td>
<td>${when(ctx, num(n.registeredAtMs))}</td><td>${when(ctx, num(n.lastSeenMs))}</td><td class="muted">${n.lastError || '—'}</td></tr>`)}
</tbody></table>`;
  return page(ctx, 'coordinator.nodes.title', html`<p class="muted">${ctx.t('coordinator.nodes.coordinator', { version: health.version, uptime })}</p>${body}`);
}

export async function alarmsPage(ctx: RequestContext): Promise<Response> {
  const st = await coordinatorStatus(ctx);
  return page(ctx, 'coordinator.alarms.title', html`<p class="muted">${ctx.t('coordinator.alarms.note')}</p>
${alarmsTable(ctx, st)}
<h2>${ctx.t('coordinator.alarms.witnesses')}</h2>
<table class="data"><thead><tr><th>${ctx.t('coordinator.alarms.site')}</th><th class="num">${ctx.t('coordinator.alarms.cosignedSize')}</th>
<th>${ctx.t('coordinator.alarms.cosignedAt')}</th><th class="num">${ctx.t('coordinator.alarms.lag')}</th></tr></thead><tbody>
${st.witnesses.map((w) => html`<tr data-witness="${w.site}"><td><code>${w.site}</code></td><td class="num">${ctx.fmt.count(num(w.cosignedSize))}</td>
<td>${when(ctx, num(w.cosignedMs))}</td><td class="num ${num(w.lagEntries) > 0 ? 'status-warn' : ''}">${ctx.t('coordinator.entries', { count: num(w.lagEntries) })}</td></tr>`)}
</tbody></table>`);
}

export async function logPage(ctx: RequestContext): Promise<Response> {
  const [info, cp, st] = await Promise.all([logInfo(ctx), checkpoints(ctx), coordinatorStatus(ctx)]);
  // Who cosigned the final note: its signature lines name the witnesses' keys (log/entries.ts witnessKeyName).
  const cosigners = info.witnesses.filter((w) => cp.final.split('\n').some((line) => line.startsWith(`— ${witnessKeyName(w.site)} `)));
  return page(ctx, 'coordinator.log.title', html`${facts([
    [ctx.t('coordinator.log.origin'), html`<code>${info.origin}</code>`],
    [ctx.t('coordinator.log.key'), html`<code>${keyFingerprint(new Uint8Array(info.logPublicKey))}</code>`],
    [ctx.t('coordinator.log.size'), html`<span id="log-size">${ctx.fmt.count(num(info.size))}</span>`],
    [ctx.t('coordinator.log.final'), html`<span id="final-size">${ctx.fmt.count(num(st.finalSize))}</span>`],
    [ctx.t('coordinator.log.finalAge'), num(st.finalSize) > 0 ? age(ctx, num(st.finalAgeMs)) : ctx.t('coordinator.noneFinal')],
    [ctx.t('coordinator.log.quorum'), `${info.quorum} / ${info.witnesses.length}`],
    [ctx.t('coordinator.log.cosigners'), cosigners.length === 0 ? '—' : cosigners.map((w, i) => html`${i > 0 ? ', ' : ''}<code>${w.site}</code>`)],
  ])}
<h2>${ctx.t('coordinator.log.finalNote')}</h2>
${cp.final ? html`<pre class="mono" id="final-note">${cp.final}</pre>` : html`<p class="muted">${ctx.t('coordinator.log.noFinal')}</p>`}
<h2>${ctx.t('coordinator.log.latestNote')}</h2>
<pre class="mono">${cp.latest}</pre>`);
}
