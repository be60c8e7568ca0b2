/**
 * The auditor's /entries and /entries.csv (docs/design/console.md 4.4): the log's entries as
 * `fedcredit audit entries` shows them (log/audit/entries-filter.ts, the same filter and CSV
 * columns), complete for the newest cosigned checkpoint, newest first, 100 a page; the CSV in
 * log order, streamed, UTF-8 with a BOM so Excel in zh-CN opens it as UTF-8.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { html, type Html } from '../../http/html.js';
import { download, type RequestContext, type Response } from '../../http/router.js';
import { page } from '../layout.js';
import { ENTRIES_CSV_HEADER, KIND_WORDS, entryCsvLine, entryDetails, entryRow, matchesFilter, type EntryFilter, type EntryRow } from '../../../log/audit/entries-filter.js';
import { auditorConsole } from './state.js';

export const ENTRIES_PAGE = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filter from the query string; a problem (shown, never thrown) when a value is not valid. */
export function filterOf(query: URLSearchParams): { filter: EntryFilter; problem?: string } {
  const filter: { -readonly [K in keyof EntryFilter]: EntryFilter[K] } = {};
  const text = (name: string) => { const v = query.get(name)?.trim(); return v ? v.slice(0, 256) : undefined; };
  const enterprise = text('enterprise');
  const requester = text('requester');
  const kind = text('kind');
  if (enterprise !== undefined) filter.enterprise = enterprise;
  if (requester !== undefined) filter.requester = requester;
  if (kind !== undefined) {
    if (!Object.hasOwn(KIND_WORDS, kind)) return { filter, problem: `kind '${kind.slice(0, 40)}' is not an entry kind` };
    filter.kind = kind;
  }
  for (const [name, endOfDay] of [['since', false], ['until', true]] as const) {
    const v = text(name);
    if (v === undefined) continue;
    if (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) return { filter, problem: `${name} must be a date (2026-12-04)` };
    filter[name] = Date.parse(`${v}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0);
  }
  return { filter };
}

async function filteredRows(ctx: RequestContext, filter: EntryFilter): Promise<{ rows: EntryRow[]; total: number; size: number; cosignedBy: string[] }> {
  const all = await auditorConsole(ctx).entries();
  const rows = all.entries.map(entryRow).filter((r) => matchesFilter(r, filter));
  return { rows, total: all.entries.length, size: all.checkpointSize, cosignedBy: all.cosignedBy };
}

function filterForm(ctx: RequestContext): Html {
  const { t } = ctx;
  const q = (name: string) => ctx.query.get(name) ?? '';
  const csv = `/entries.csv${ctx.query.size > 0 ? `?${new URLSearchParams([...ctx.query].filter(([k]) => k !== 'page')).toString()}` : ''}`;
  return html`<form method="get" action="/entries" class="inline card" aria-label="${t('auditor.entries.filter')}">
<label>${t('auditor.entries.enterprise')} <input type="text" name="enterprise" value="${q('enterprise')}" size="20"></label>
<label>${t('auditor.entries.requester')} <input type="text" name="requester" value="${q('requester')}" size="12"></label>
<label>${t('auditor.entries.kind')} <select name="kind"><option value="">${t('auditor.entries.anyKind')}</option>${Object.entries(KIND_WORDS).map(([k, words]) => html`<option value="${k}"${q('kind') === k ? html` selected` : ''}>${words}</option>`)}</select></label>
<label>${t('auditor.entries.since')} <input type="date" name="since" value="${q('since')}"></label>
<label>${t('auditor.entries.until')} <input type="date" name="until" value="${q('until')}"></label>
<button type="submit">${t('auditor.entries.apply')}</button>
<a href="${csv}" download data-csv>${t('auditor.entries.csv')}</a>
</form>`;
}

export async function entriesPage(ctx: RequestContext): Promise<Response> {
  const { t, fmt } = ctx;
  const { filter, problem } = filterOf(ctx.query);
  if (problem !== undefined) return page(ctx, 'auditor.entries.title', html`${filterForm(ctx)}<p class="notice status-bad">${t('auditor.entries.badFilter', { problem })}</p>`, { status: 400 });
  const { rows, total, size, cosignedBy } = await filteredRows(ctx, filter);
  const newestFirst = [...rows].reverse();
  const pages = Math.max(1, Math.ceil(newestFirst.length / ENTRIES_PAGE));
  const pageNo = Math.min(pages, Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1));
  const shown = newestFirst.slice((pageNo - 1) * ENTRIES_PAGE, pageNo * ENTRIES_PAGE);
  const link = (p: number) => { const q = new URLSearchParams(ctx.query); q.set('page', String(p)); return `/entries?${q.toString()}`; };
  const table = shown.length === 0 ? html`<p class="muted">${t('auditor.entries.none')}</p>` : html`<table class="data" data-entries>
<thead><tr><th class="num">${t('auditor.entries.index')}</th><th>${t('auditor.entries.time')}</th><th>${t('auditor.entries.kind')}</th><th>${t('auditor.entries.requester')}</th><th>${t('auditor.entries.enterprise')}</th><th>${t('auditor.entries.details')}</th></tr></thead>
<tbody>${shown.map((r) => html`<tr data-index="${r.index}"><td class="num"><code>${r.index}</code></td><td>${r.timeMs === null ? '-' : fmt.time(r.timeMs)}</td><td>${r.kindText}</td><td>${r.requester ?? '-'}</td><td>${r.enterprises.map((e, i) => html`${i > 0 ? ', ' : ''}<code>${e}</code>`)}</td><td class="mono">${entryDetails(r)}</td></tr>`)}</tbody>
</table>`;
  return page(ctx, 'auditor.entries.title', html`${filterForm(ctx)}
<p>${t('auditor.entries.intro', { size, cosigners: cosignedBy.join(', ') || '-', shown: rows.length, total })}</p>
${table}
<p class="pager">${pageNo > 1 ? html`<a href="${link(pageNo - 1)}">${t('auditor.entries.prev')}</a> ` : ''}${t('auditor.entries.page', { page: pageNo, pages })}${pageNo < pages ? html` <a href="${link(pageNo + 1)}">${t('auditor.entries.next')}</a>` : ''}</p>`);
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export async function entriesCsv(ctx: RequestContext): Promise<Response> {
  const { filter, problem } = filterOf(ctx.query);
  if (problem !== undefined) return page(ctx, 'auditor.entries.title', html`<p class="notice status-bad">${ctx.t('auditor.entries.badFilter', { problem })}</p>`, { status: 400 });
  const { rows } = await filteredRows(ctx, filter);
  return download('entries.csv', 'text/csv; charset=utf-8', async (out, signal) => {
    await write(out, `\uFEFF${ENTRIES_CSV_HEADER}\r\n`);
    for (const r of rows) {
      if (signal.aborted) return;
      await write(out, `${entryCsvLine(r)}\r\n`);
    }
  });
}
