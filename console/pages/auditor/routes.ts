/**
 * The auditor console's views (docs/design/console.md 4.4, owner: caudit): the dashboard
 * (pinned keys from --state, the last verify run, log size and finality), the cosigned
 * checkpoints this console verified, verify runs (a worker thread, one at a time, admin to
 * start) with their findings, and the log's entries with the filters and CSV of
 * `fedcredit audit entries`. Strings in console/i18n/messages/auditor.ts.
 */
import { html, type Html } from '../../http/html.js';
import { redirect, type RequestContext, type Route } from '../../http/router.js';
import { errorPage, page } from '../layout.js';
import { welcomeNotice } from '../auth.js';
import { auditorConsole } from './state.js';
import { entriesCsv, entriesPage } from './entries.js';
import type { VerifyRun } from '../../verify-worker.js';
import { FedcreditError } from '../../../lib/errors.js';

const short = (hex: string) => `${hex.slice(0, 16)}…`;

function runState(ctx: RequestContext, run: VerifyRun): Html {
  const cls = run.state === 'ok' ? 'status-ok' : run.state === 'running' ? 'status-warn' : 'status-bad';
  return html`<span class="${cls}" data-run-state="${run.state}">${ctx.t(`auditor.run.state.${run.state}`)}</span>`;
}

function runsTable(ctx: RequestContext, runs: readonly VerifyRun[]): Html {
  const { t, fmt } = ctx;
  return html`<table class="data" data-runs>
<thead><tr><th>${t('auditor.verify.started')}</th><th>${t('auditor.verify.state')}</th><th class="num">${t('auditor.verify.treeSize')}</th><th class="num">${t('auditor.verify.newEntries')}</th><th>${t('auditor.finding.message')}</th></tr></thead>
<tbody>${runs.map((r) => html`<tr><td><a href="/verify/${r.id}">${fmt.time(r.started)}</a></td><td>${runState(ctx, r)}</td><td class="num">${r.treeSize === null ? '-' : fmt.count(r.treeSize)}</td><td class="num">${fmt.count(r.newEntries)}</td><td>${r.state === 'findings' ? t('auditor.run.findings', { count: r.findings.length }) : r.error ? html`<code>${r.error.code}</code>` : ''}</td></tr>`)}</tbody>
</table>`;
}

async function dashboard(ctx: RequestContext): Promise<Html> {
  const { t, fmt } = ctx;
  const a = auditorConsole(ctx);
  const state = a.state();
  const reader = a.reader();
  let info;
  let checkpoints;
  try {
    info = await reader.info();
    checkpoints = await reader.checkpoints();
  } finally {
    reader.close();
  }
  const finalSize = Number(checkpoints.final.split('\n')[1] ?? 0);
  const cosigners = checkpoints.final.split('\n').filter((l) => l.startsWith('— ')).length - 1;
  const [last] = await a.verify.list(1);
  const pinned = state === undefined ? html`<p class="muted">${t('auditor.pinned.none')}</p>` : html`<dl>
<dt>${t('auditor.pinned.origin')}</dt><dd><code>${state.origin}</code></dd>
<dt>${t('auditor.pinned.logKey')}</dt><dd><code title="${state.logKey}">${short(state.logKey)}</code></dd>
<dt>${t('auditor.pinned.witnesses')}</dt><dd>${Object.entries(state.witnesses).map(([name, w]) => html`<div><code>${w.site}</code> <code class="muted" title="${w.key}">${name} ${short(w.key)}</code></div>`)}</dd>
<dt>${t('auditor.pinned.verifiedTo')}</dt><dd>${state.checkpoint ? html`<code>${state.checkpoint.split('\n')[1] ?? ''}</code>` : '-'}</dd>
<dt>${t('auditor.pinned.verifiedAt')}</dt><dd>${state.verifiedAt ? fmt.time(Date.parse(state.verifiedAt)) : '-'}</dd>
</dl>`;
  const size = Number(info.size);
  return html`${welcomeNotice(ctx)}<div class="grid">
<section class="card" data-pinned><h2>${t('auditor.pinned.title')}</h2>${pinned}</section>
<section class="card" data-log><h2>${t('auditor.log.title')}</h2><dl>
<dt>${t('auditor.log.size')}</dt><dd class="figure" data-log-size="${size}">${fmt.count(size)}</dd>
<dt>${t('auditor.log.finalSize')}</dt><dd data-final-size="${finalSize}">${fmt.count(finalSize)}</dd>
<dt>${t('auditor.log.pending')}</dt><dd>${fmt.count(Math.max(0, size - finalSize))}</dd>
<dt>${t('auditor.log.cosignedBy')}</dt><dd>${fmt.count(Math.max(0, cosigners))} / ${fmt.count(info.witnesses.length)} (${t('auditor.log.quorum')} ${fmt.count(info.quorum)})</dd>
</dl></section>
<section class="card" data-last-run><h2>${t('auditor.lastRun.title')}</h2>${last === undefined ? html`<p class="muted">${t('auditor.lastRun.none')}</p>`
    : html`<p>${fmt.time(last.started)} ${runState(ctx, last)} ${last.state === 'findings' ? t('auditor.run.findings', { count: last.findings.length }) : ''}</p>
${findingsTable(ctx, last.findings.slice(0, 5), true)}<p><a href="/verify/${last.id}">${t('auditor.run.open', { id: last.id })}</a></p>`}</section>
</div>`;
}

/** `compact`: the dashboard's narrow card shows code, entry and site only (the message is on the run's page). */
function findingsTable(ctx: RequestContext, findings: VerifyRun['findings'], compact = false): Html {
  const { t } = ctx;
  if (findings.length === 0) return html`<p class="muted">${t('auditor.finding.none')}</p>`;
  return html`<table class="data" data-findings>
<thead><tr><th>${t('auditor.finding.code')}</th><th class="num">${t('auditor.finding.index')}</th><th>${t('auditor.finding.site')}</th>${compact ? '' : html`<th>${t('auditor.finding.message')}</th>`}</tr></thead>
<tbody>${findings.map((f) => html`<tr><td><code data-finding-code="${f.code}">${f.code}</code></td><td class="num">${f.index === null ? '-' : html`<code>${f.index}</code>`}</td><td>${f.site === null ? '-' : html`<code>${f.site}</code>`}</td>${compact ? '' : html`<td>${f.message}</td>`}</tr>`)}</tbody>
</table>`;
}

async function checkpointsView(ctx: RequestContext): Promise<Html> {
  const { t, fmt } = ctx;
  const a = auditorConsole(ctx);
  if (a.state() === undefined) return html`<p class="muted">${t('auditor.checkpoints.noState')}</p>`;
  const refused = await a.observeCheckpoint();
  const seen = await a.checkpoints();
  return html`<p>${t('auditor.checkpoints.intro')}</p>
${refused === undefined ? '' : html`<div class="error-box" role="alert" data-refused><strong>${t('auditor.checkpoints.refused')}</strong>: ${refused}</div>`}
${seen.length === 0 ? html`<p class="muted">${t('auditor.checkpoints.none')}</p>` : html`<table class="data" data-checkpoints>
<thead><tr><th class="num">${t('auditor.checkpoints.size')}</th><th>${t('auditor.checkpoints.root')}</th><th>${t('auditor.log.cosignedBy')}</th><th>${t('auditor.checkpoints.seen')}</th><th>${t('auditor.checkpoints.consistent')}</th></tr></thead>
<tbody>${seen.map((c) => html`<tr><td class="num"><code>${c.size}</code></td><td><code title="${c.root}">${short(c.root)}</code></td><td>${c.cosignedBy.map((n, i) => html`${i > 0 ? ', ' : ''}<code>${n}</code>`)} (${fmt.count(c.cosignedBy.length)}/${fmt.count(c.quorum)})</td><td>${fmt.time(c.seen)}</td><td>${c.consistentWith === null ? t('auditor.checkpoints.first') : html`<span class="status-ok">✓</span> <code>${c.consistentWith}</code>`}</td></tr>`)}</tbody>
</table>`}`;
}

async function verifyView(ctx: RequestContext): Promise<Html> {
  const { t } = ctx;
  const a = auditorConsole(ctx);
  const runs = await a.verify.list(50);
  const admin = ctx.session?.access === 'admin';
  const form = a.verify.running ? html`<p class="notice" data-busy>${t('auditor.verify.busy')}</p>`
    : admin ? html`<form method="post" action="/verify" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrfToken}">
<label><input type="checkbox" name="full" value="1"> ${t('auditor.verify.full')}</label> <button type="submit" data-start-verify>${t('auditor.verify.start')}</button></form>`
      : html`<p class="muted">${t('auditor.verify.adminOnly')}</p>`;
  return html`<p>${t('auditor.verify.intro')}</p>${form}<h2>${t('auditor.verify.runs')}</h2>${runs.length === 0 ? html`<p class="muted">${t('auditor.lastRun.none')}</p>` : runsTable(ctx, runs)}`;
}

export const routes: Route[] = [
  { method: 'GET', path: '/', kinds: ['auditor'], access: 'viewer', nav: 'common.nav.dashboard', handle: async (ctx) => page(ctx, 'auditor.dashboard.title', await dashboard(ctx)) },
  { method: 'GET', path: '/checkpoints', kinds: ['auditor'], access: 'viewer', nav: 'auditor.nav.checkpoints', handle: async (ctx) => page(ctx, 'auditor.checkpoints.title', await checkpointsView(ctx)) },
  { method: 'GET', path: '/verify', kinds: ['auditor'], access: 'viewer', nav: 'auditor.nav.verify', handle: async (ctx) => page(ctx, 'auditor.verify.title', await verifyView(ctx)) },
  {
    method: 'POST', path: '/verify', kinds: ['auditor'], access: 'admin',
    handle: async (ctx) => {
      const a = auditorConsole(ctx);
      const form = await ctx.form();
      try {
        const { run } = a.verify.start(form.get('full') === '1');
        ctx.log('console_verify_started', { run: run.id, user: ctx.session?.user });
        return redirect(`/verify/${run.id}`);
      } catch (err) {
        if (err instanceof FedcreditError && err.code === 'RUN_IN_PROGRESS') return errorPage(ctx, 409, err.code, err.message);
        throw err;
      }
    },
  },
  {
    method: 'GET', path: '/verify/:run', kinds: ['auditor'], access: 'viewer',
    handle: async (ctx) => {
      const { t } = ctx;
      const run = await auditorConsole(ctx).verify.get(ctx.params['run'] ?? '');
      if (run === undefined) return errorPage(ctx, 404, 'NOT_FOUND', `no verify run ${String(ctx.params['run']).slice(0, 20)}`);
      return page(ctx, 'auditor.verify.title', html`<h2>${t('auditor.run.title', { id: run.id })}</h2>
<dl class="card" data-run="${run.id}"><dt>${t('auditor.verify.started')}</dt><dd>${ctx.fmt.time(run.started)}</dd>
<dt>${t('auditor.verify.finished')}</dt><dd>${run.finished === null ? '-' : ctx.fmt.time(run.finished)}</dd>
<dt>${t('auditor.verify.state')}</dt><dd>${runState(ctx, run)}</dd>
<dt>${t('auditor.run.checkpoint')}</dt><dd>${run.treeSize === null ? '-' : html`<code>${run.treeSize}</code> <code title="${run.root ?? ''}">${run.root ? short(run.root) : ''}</code> (${run.cosignedBy.join(', ')})`}</dd>
${run.error ? html`<dt>${t('auditor.run.error')}</dt><dd><code data-error-code="${run.error.code}">${run.error.code}</code> ${run.error.message}</dd>` : ''}</dl>
${run.state === 'running' ? html`<p class="notice" data-running>${t('auditor.run.refresh')}</p>` : findingsTable(ctx, run.findings)}
<p><a href="/verify">${t('common.back')}</a></p>`);
    },
  },
  { method: 'GET', path: '/entries', kinds: ['auditor'], access: 'viewer', nav: 'auditor.nav.entries', handle: entriesPage },
  { method: 'GET', path: '/entries.csv', kinds: ['auditor'], access: 'viewer', handle: entriesCsv },
];
