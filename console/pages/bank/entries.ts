/**
 * The bank's own log entries as the console shows them: read with Scoring.ListRequesterEntries
 * (the coordinator returns only entries whose requester is this console's certificate), decoded
 * with log/entries.ts, one table row each. Shared by the dashboard and /queries.
 */
import { html, type Html } from '../../http/html.js';
import type { RequestContext } from '../../http/router.js';
import { isMessageKey, type MessageKey } from '../../i18n/catalogue.js';
import { decodeEntry, type LogEntry } from '../../../log/entries.js';
import { purposeLabel } from '../purpose.js';
import type { ListRequesterEntriesRequest } from '../../../proto/gen/fedcredit/v1/ListRequesterEntriesRequest.js';

export const ENTRY_KINDS = ['query', 'refusal', 'rescore', 'rescore-skip'] as const;

export interface BankEntry {
  readonly logIndex: number;
  readonly entry: LogEntry;
}

export async function listEntries(ctx: RequestContext, req: ListRequesterEntriesRequest): Promise<{ entries: BankEntry[]; next: string; treeSize: number }> {
  const scoring = ctx.clients.scoring;
  const r = await ctx.clients.call(scoring, scoring.ListRequesterEntries, req);
  const entries = r.entries.flatMap((e) => {
    const d = decodeEntry(new Uint8Array(e.entry));
    // The coordinator logged it; an entry that does not decode is shown nowhere rather than half.
    return d.ok ? [{ logIndex: Number(e.logIndex), entry: d.entry }] : [];
  });
  return { entries, next: r.nextPageToken, treeSize: Number(r.treeSize) };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** A message key built at run time, or the raw value when the catalogue has no such key. */
export function label(ctx: RequestContext, key: string, fallback: string): string {
  return isMessageKey(key) ? ctx.t(key as MessageKey) : fallback;
}

export function warningLabel(ctx: RequestContext, level: string): Html {
  const text = label(ctx, `bank.warning.${level}`, level);
  return html`<span class="level-${level}" data-warning="${level}">${text}</span>`;
}

/** The explanation of a refusal code in the page's language: common's errors.X, else bank.refusal.X. */
export function codeMeaning(ctx: RequestContext, code: string): string {
  if (ctx.t.has(`errors.${code}`)) return ctx.t(`errors.${code}` as MessageKey);
  return label(ctx, `bank.refusal.${code}`, ctx.t('error.unknownCode'));
}

function outcome(ctx: RequestContext, e: LogEntry): Html {
  const b = e.body;
  switch (e.kind) {
    case 'query': return html`<span class="status-ok">${ctx.t('bank.outcome.answered')}</span>`;
    case 'rescore': return html`<span class="status-ok">${ctx.t('bank.outcome.rescored', { run: str(b['run']) })}</span>`;
    default: {
      const code = str(b['reason']);
      // The coordinator by its role's name in the page's language (协调方); a site by its own name.
      const by = str(b['refusedBy']);
      const party = by === 'coordinator' ? ctx.t('common.kind.coordinator') : by;
      return html`<span class="status-bad" title="${codeMeaning(ctx, code)}">${ctx.t('bank.outcome.refusedBy', { party, code })}</span>`;
    }
  }
}

export function entriesHead(ctx: RequestContext): Html {
  const { t } = ctx;
  return html`<tr><th>${t('bank.col.time')}</th><th>${t('bank.col.kind')}</th><th>${t('bank.col.enterprise')}</th><th>${t('bank.col.consent')}</th>
<th>${t('bank.col.purpose')}</th><th>${t('bank.col.model')}</th><th>${t('bank.col.outcome')}</th><th class="num">${t('bank.col.logIndex')}</th><th>${t('bank.col.receipt')}</th></tr>`;
}

export function entryRow(ctx: RequestContext, e: BankEntry): Html {
  const b = e.entry.body;
  const time = typeof b['time'] === 'number' ? b['time'] : 0;
  const purpose = str(b['purpose']);
  const receipt = e.entry.kind === 'query' ? html`<a href="/queries/${e.logIndex}/receipt" data-receipt-link="${e.logIndex}">${ctx.t('bank.col.receipt')}</a>` : '';
  return html`<tr data-entry-kind="${e.entry.kind}" data-log-index="${e.logIndex}">
<td>${ctx.fmt.time(time)}</td><td>${label(ctx, `bank.kind.${e.entry.kind}`, e.entry.kind)}</td><td><code>${str(b['subject'])}</code></td>
<td><code>${str(b['consentId'])}</code></td><td>${purpose ? purposeLabel(ctx, purpose) : ''}</td><td><code>${str(b['model'])}</code></td>
<td>${outcome(ctx, e.entry)}</td><td class="num"><code>${e.logIndex}</code></td><td>${receipt}</td></tr>`;
}

export function entriesTable(ctx: RequestContext, entries: readonly BankEntry[]): Html {
  if (entries.length === 0) return html`<p class="muted">${ctx.t('bank.queries.none')}</p>`;
  return html`<table class="data"><thead>${entriesHead(ctx)}</thead><tbody>${entries.map((e) => entryRow(ctx, e))}</tbody></table>`;
}
