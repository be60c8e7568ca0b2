/**
 * The bank's monitoring portfolios (docs/design/console.md 4.3, monitoring.md): GET /portfolios,
 * GET /portfolios/:name (items with a warning filter, the changes its own Watch client stored,
 * runs), GET /portfolios/:name/events (SSE: each new stored event as a line), GET
 * /portfolios/:name/runs/:run (a run's report), POST /portfolios/:name/items (admin: upload
 * loan-monitoring consents; each add instruction is signed with the bank's key through
 * monitoring/portfolio-update.ts, the code `fedcredit monitor portfolio add` runs).
 *
 * The skeleton's multipart reader takes one file per post: that file may hold one consent, or
 * several, one JSON consent a line.
 */
import { html, type Html } from '../../http/html.js';
import type { RequestContext, Response, Route } from '../../http/router.js';
import { ConsoleError } from '../../http/errors.js';
import { multipart } from '../../http/forms.js';
import { resumeAfterEventId, sse, type SseSink } from '../../http/sse.js';
import { page } from '../layout.js';
import { parseConsent } from '../../../consent/verify.js';
import { checkPortfolioName } from '../../../monitoring/portfolio-store.js';
import { addItems, sendPortfolioUpdate } from '../../../monitoring/portfolio-update.js';
import type { WatchedEvent } from '../../../monitoring/requester.js';
import type { PortfolioItem__Output } from '../../../proto/gen/fedcredit/v1/PortfolioItem.js';
import { bankKeys } from './bank-state.js';
import { codeMeaning, label, warningLabel } from './entries.js';
import { readSmallFile } from './score.js';
import { ensureWatcher, markSeen, readEvents } from './watcher.js';

const WARNINGS = ['red', 'yellow', 'blue', 'none'] as const;
/** A file of consents, one a line: 1,000 consents of a few KiB. */
const MAX_CONSENTS_BYTES = 8 * 1024 * 1024;

function portfolioParam(ctx: RequestContext): string {
  const name = ctx.params['name'] ?? '';
  try {
    checkPortfolioName(name);
  } catch (err) {
    throw new ConsoleError('NOT_FOUND', 404, (err as Error).message);
  }
  return name;
}

async function portfoliosPage(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const m = ctx.clients.monitoring;
  const r = await ctx.clients.call(m, m.ListPortfolios, {});
  const body = r.portfolios.length === 0 ? html`<p class="muted">${t('bank.portfolios.none')}</p>` : html`<table class="data"><thead><tr>
<th>${t('bank.portfolios.title')}</th><th>${t('bank.col.model')}</th><th class="num">${t('bank.col.items')}</th><th class="num">${t('bank.col.active')}</th><th class="num">${t('bank.col.skipped')}</th><th>${t('bank.col.lastRun')}</th></tr></thead><tbody>
${r.portfolios.map((p) => html`<tr data-portfolio="${p.portfolio}"><td><a href="/portfolios/${p.portfolio}">${p.portfolio}</a></td><td><code>${p.modelVersion}</code></td>
<td class="num">${ctx.fmt.count(p.items)}</td><td class="num">${ctx.fmt.count(p.active)}</td><td class="num">${ctx.fmt.count(p.skipped)}</td>
<td>${p.lastRunId ? html`<a href="/portfolios/${p.portfolio}/runs/${encodeURIComponent(p.lastRunId)}"><code>${p.lastRunId}</code></a> ${ctx.fmt.time(Number(p.lastRunFinishedMs))}` : ''}</td></tr>`)}
</tbody></table>`;
  return page(ctx, 'bank.portfolios.title', body);
}

export async function portfolioItems(ctx: RequestContext, portfolio: string, warning: string): Promise<PortfolioItem__Output[]> {
  const m = ctx.clients.monitoring;
  const items: PortfolioItem__Output[] = [];
  let pageToken = '';
  do {
    const r = await ctx.clients.call(m, m.ListPortfolio, { portfolio, pageToken, pageSize: 1000, warning, status: '' });
    items.push(...r.items);
    pageToken = r.nextPageToken;
  } while (pageToken && items.length < 5000);
  return items;
}

export function eventText(ctx: RequestContext, e: WatchedEvent): string {
  const x = e as WatchedEvent & { subject?: string; runId?: string; skipCode?: string; previous?: { points: number; grade: string; warning: string }; current?: { points: number; grade: string; warning: string }; run?: { scored?: number; skipped?: number; changed?: number } };
  const w = (level: string | undefined) => label(ctx, `bank.warning.${level ?? 'none'}`, level ?? '');
  switch (e.kind) {
    case 'change': return ctx.t('bank.event.change', {
      subject: x.subject ?? '', fromGrade: x.previous?.grade ?? '', toGrade: x.current?.grade ?? '', fromWarning: w(x.previous?.warning), toWarning: w(x.current?.warning),
      fromPoints: x.previous?.points ?? 0, toPoints: x.current?.points ?? 0,
    });
    case 'resumed': return ctx.t('bank.event.resumed', { subject: x.subject ?? '', points: x.current?.points ?? 0, grade: x.current?.grade ?? '', warning: w(x.current?.warning) });
    case 'skip': return ctx.t('bank.event.skip', { subject: x.subject ?? '', code: x.skipCode ?? '' });
    default: return ctx.t('bank.event.run-finished', { run: x.runId ?? '', scored: x.run?.scored ?? 0, skipped: x.run?.skipped ?? 0, changed: x.run?.changed ?? 0 });
  }
}

function itemsTable(ctx: RequestContext, items: readonly PortfolioItem__Output[]): Html {
  const { t } = ctx;
  if (items.length === 0) return html`<p class="muted">${t('bank.portfolio.noItems')}</p>`;
  return html`<table class="data" data-items><thead><tr><th>${t('bank.col.enterprise')}</th><th>${t('bank.col.status')}</th><th class="num">${t('bank.col.points')}</th><th>${t('bank.col.grade')}</th><th>${t('bank.col.warning')}</th>
<th>${t('bank.col.consent')}</th><th class="num">${t('bank.col.usesLeft')}</th><th>${t('bank.col.validUntil')}</th></tr></thead><tbody>
${items.map((i) => html`<tr data-item="${i.subject}"><td><code>${i.subject}</code></td><td>${i.status.startsWith('skipped:') ? html`<span class="status-warn" title="${codeMeaning(ctx, i.status.slice(8))}">${i.status}</span>` : i.status}</td>
${i.last ? html`<td class="num">${i.last.points}</td><td>${i.last.grade}</td><td>${warningLabel(ctx, i.last.warning)}</td>` : html`<td colspan="3" class="muted">${t('bank.portfolio.notScored')}</td>`}
<td><code>${i.consentId}</code></td><td class="num">${i.usesLeft}</td><td>${ctx.fmt.time(Number(i.consentValidUntilMs))}</td></tr>`)}
</tbody></table>`;
}

function addForm(ctx: RequestContext, portfolio: string): Html {
  if (ctx.session?.access !== 'admin') return html``;
  const { t } = ctx;
  return html`<section class="card"><h2>${t('bank.portfolio.add')}</h2><p class="muted">${t('bank.portfolio.addIntro')}</p>
<form method="post" action="/portfolios/${portfolio}/items?_csrf=${encodeURIComponent(ctx.csrfToken)}" enctype="multipart/form-data" class="stack" data-add-form>
<label>${t('bank.portfolio.addFiles')}<input type="file" name="consents" accept=".json,.jsonl,application/json" required></label>
<button type="submit">${t('bank.portfolio.addSubmit')}</button></form></section>`;
}

async function portfolioPage(ctx: RequestContext, notice?: Html): Promise<Response> {
  const { t } = ctx;
  const portfolio = portfolioParam(ctx);
  const warning = ctx.query.get('warning') ?? '';
  if (warning && !(WARNINGS as readonly string[]).includes(warning)) throw new ConsoleError('BAD_REQUEST', 400, `warning must be one of ${WARNINGS.join(', ')}`);
  const items = await portfolioItems(ctx, portfolio, warning);
  const m = ctx.clients.monitoring;
  const runs = (await ctx.clients.call(m, m.ListRuns, { portfolio, modelVersion: '', limit: 20 })).runs;
  const watcher = ensureWatcher(ctx, portfolio);
  const events = readEvents(watcher.file, 100);
  const seenBefore = markSeen(ctx, portfolio, events);
  return page(ctx, 'bank.portfolio.title', html`<h2>${t('bank.portfolio.named', { name: portfolio })}</h2>${notice ?? ''}
<section><h2>${t('bank.portfolio.items')}</h2>
<form method="get" action="/portfolios/${portfolio}" class="inline" data-warning-filter><label>${t('bank.portfolio.warningFilter')} <select name="warning"><option value="">${t('bank.portfolio.anyWarning')}</option>
${WARNINGS.map((w) => html`<option value="${w}"${w === warning ? html` selected` : ''}>${label(ctx, `bank.warning.${w}`, w)}</option>`)}</select></label><button type="submit">${t('bank.queries.apply')}</button></form>
${itemsTable(ctx, items)}</section>
${addForm(ctx, portfolio)}
<section><h2>${t('bank.portfolio.events')}</h2><p class="muted">${t('bank.portfolio.eventsNote')}</p>
${watcher.failure ? html`<p class="error-box">${t('bank.portfolio.watchError', watcher.failure)}</p>` : ''}
<div data-sse="/portfolios/${portfolio}/events?after=${events[0]?.eventId ?? '0'}"><ul id="portfolio-live" class="events" data-newest-first></ul></div>
${events.length === 0 ? html`<p class="muted" data-no-events data-empty-for="portfolio-live">${t('bank.portfolio.noEvents')}</p>` : html`<ul class="events" data-events>${events.map((e) => html`<li data-event="${e.eventId}" data-event-kind="${e.kind}">${BigInt(e.eventId) > seenBefore ? html`<strong class="status-warn">${t('bank.portfolio.new')}</strong> ` : ''}<code>#${e.eventId}</code> ${eventText(ctx, e)}</li>`)}</ul>`}
</section>
<section><h2>${t('bank.portfolio.runs')}</h2>${runs.length === 0 ? html`<p class="muted">${t('bank.portfolio.noRuns')}</p>` : html`<table class="data"><tbody>
${runs.map((r) => html`<tr><td><a href="/portfolios/${portfolio}/runs/${encodeURIComponent(r.runId)}"><code>${r.runId}</code></a></td><td>${r.stage}</td><td>${r.asOf}</td><td>${t('bank.run.summary', { items: r.items, scored: r.scored, changed: r.changed })}</td></tr>`)}
</tbody></table>`}</section>`);
}

async function eventsStream(ctx: RequestContext): Promise<Response> {
  const portfolio = portfolioParam(ctx);
  const watcher = ensureWatcher(ctx, portfolio);
  // After the newest event the page shows (its ?after=), or the last one a reconnecting browser
  // got (Last-Event-ID): events stored between the page and its stream, or while a stream was
  // cut, come at once, and none twice. Without either, from the newest stored.
  let last = resumeAfterEventId(ctx.query.get('after'), ctx.headers) ?? BigInt(readEvents(watcher.file, 1)[0]?.eventId ?? '0');
  return sse(async (sink, signal) => {
    while (!signal.aborted && !sink.closed) {
      last = sendEventsAfter(ctx, watcher.file, last, sink);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  });
}

/** Sends the stored events after `last`, oldest first, each with its id; returns the last id sent (or `last`). */
export function sendEventsAfter(ctx: RequestContext, file: string, last: bigint, sink: SseSink): bigint {
  const fresh = readEvents(file, 500).filter((e) => BigInt(e.eventId) > last).reverse();
  for (const e of fresh) {
    if (sink.closed) break;
    sink.send({ append: { 'portfolio-live': `#${e.eventId} ${eventText(ctx, e)}` } }, e.eventId);
    last = BigInt(e.eventId);
  }
  return last;
}

async function runPage(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const portfolio = portfolioParam(ctx);
  const m = ctx.clients.monitoring;
  const r = await ctx.clients.call(m, m.GetRunReport, { runId: ctx.params['run'] ?? '' });
  if (r.portfolio !== portfolio) throw new ConsoleError('NOT_FOUND', 404, `run ${r.runId} is not of portfolio ${portfolio}`);
  return page(ctx, 'bank.run.title', html`<h2>${t('bank.run.named', { run: r.runId })}</h2>
<p>${t('bank.run.summary', { items: r.items, scored: r.scored, changed: r.changed })} · <code>${r.modelVersion}</code> · ${r.trigger}</p>
<div class="grid">
<div><h3>${t('bank.run.grades')}</h3><table class="data"><tbody>${r.grades.map((g) => html`<tr><td>${g.grade}</td><td class="num">${g.count}</td></tr>`)}</tbody></table></div>
<div><h3>${t('bank.run.transitions')}</h3><table class="data"><tbody>${r.transitions.map((x) => html`<tr><td>${warningLabel(ctx, x.from)} → ${warningLabel(ctx, x.to)}</td><td class="num">${x.belowMinCell ? '<10' : x.count}</td></tr>`)}</tbody></table></div>
<div><h3>${t('bank.run.skips')}</h3><table class="data"><tbody>${r.skipped.map((s) => html`<tr><td><code title="${codeMeaning(ctx, s.code)}">${s.code}</code></td><td class="num">${s.count}</td></tr>`)}</tbody></table></div>
</div>
<h3>${t('bank.run.psi')}</h3><p>${r.psi?.insufficient ? t('bank.run.insufficient') : html`${ctx.fmt.metric(r.psi?.value ?? 0)} (${r.psi?.level ?? ''})`}</p>`);
}

async function addPost(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const portfolio = portfolioParam(ctx);
  const texts: string[] = [];
  await multipart(ctx.request, MAX_CONSENTS_BYTES, async (file) => {
    const text = await readSmallFile(file.stream, MAX_CONSENTS_BYTES);
    // One consent (possibly pretty-printed), or one a line.
    if (parseConsent(text).ok) texts.push(text);
    else texts.push(...text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0));
  });
  if (texts.length === 0) throw new ConsoleError('BAD_REQUEST', 400, t('bank.score.noFile'));
  const consents = texts.map((text, i) => {
    const parsed = parseConsent(text);
    if (!parsed.ok) throw new ConsoleError('BAD_REQUEST', 400, `consent ${i + 1} of the file: ${parsed.message}`);
    return { source: `consent ${i + 1}`, text, consent: parsed.value };
  });
  const items = addItems(bankKeys(ctx), portfolio, consents);
  const release = await ctx.clients.slot();
  let results;
  try {
    results = await sendPortfolioUpdate(ctx.clients.monitoring, portfolio, items);
  } finally {
    release();
  }
  ctx.log('console_bank_portfolio_add', { user: ctx.session?.user, portfolio, items: items.length, refused: results.filter((r) => !r.ok).length });
  const refused = results.filter((r) => !r.ok);
  const notice = html`<div class="${refused.length ? 'error-box' : 'notice'}" data-add-result><p>${t('bank.portfolio.added', { ok: results.length - refused.length, total: results.length })}</p>
${refused.length ? html`<ul>${refused.map((r) => html`<li>${t('bank.portfolio.refusedItem', { subject: r.subject, code: r.code, message: r.message })}</li>`)}</ul>` : ''}</div>`;
  // The page after a POST: the portfolio with the outcome on top (GET again shows it without).
  ctx.query.delete('warning');
  return portfolioPage(ctx, notice);
}

export const portfolioRoutes: Route[] = [
  { method: 'GET', path: '/portfolios', kinds: ['bank'], access: 'viewer', nav: 'bank.nav.portfolios', handle: portfoliosPage },
  { method: 'GET', path: '/portfolios/:name', kinds: ['bank'], access: 'viewer', handle: (ctx) => portfolioPage(ctx) },
  { method: 'GET', path: '/portfolios/:name/events', kinds: ['bank'], access: 'viewer', handle: eventsStream },
  { method: 'GET', path: '/portfolios/:name/runs/:run', kinds: ['bank'], access: 'viewer', handle: runPage },
  { method: 'POST', path: '/portfolios/:name/items', kinds: ['bank'], access: 'admin', handle: addPost },
];
