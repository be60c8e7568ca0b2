/**
 * GET /queries (the bank's own queries and refusals, filtered) and GET /queries/:logIndex/receipt
 * (docs/design/console.md 4.3): the receipt comes from Scoring.GetReceipt and is checked HERE,
 * with log/audit/receipt.ts against the keys this console pinned (bank-state.ts receiptTrust),
 * not believed because the coordinator sent it. `?download=1` saves it as receipt.json, the
 * file `fedcredit audit receipt` checks.
 */
import { html } from '../../http/html.js';
import { download, type RequestContext, type Response, type Route } from '../../http/router.js';
import { ConsoleError } from '../../http/errors.js';
import { page } from '../layout.js';
import { verifyReceipt } from '../../../log/audit/receipt.js';
import type { ScoreReceiptFile } from '../../../scoring/protocol.js';
import { decodeEntry } from '../../../log/entries.js';
import { ENTRY_KINDS, entriesTable, label, listEntries } from './entries.js';
import { bankName, receiptTrust, storedAnswer, trustFilePath } from './bank-state.js';

const PAGE_SIZE = 50;

/** `YYYY-MM-DD` as ms at the start (or end) of that day in UTC; undefined when empty or malformed. */
function dayMs(value: string | null, end: boolean): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms + (end ? 86_400_000 - 1 : 0);
}

async function queriesPage(ctx: RequestContext): Promise<Response> {
  const { t, query } = ctx;
  const subject = (query.get('subject') ?? '').trim();
  const kind = query.get('kind') ?? '';
  const since = query.get('since') ?? '';
  const until = query.get('until') ?? '';
  const pageToken = query.get('page') ?? '';
  if (kind && !(ENTRY_KINDS as readonly string[]).includes(kind)) throw new ConsoleError('BAD_REQUEST', 400, `kind must be one of ${ENTRY_KINDS.join(', ')}`);
  if (pageToken && !/^\d{1,15}$/.test(pageToken)) throw new ConsoleError('BAD_REQUEST', 400, 'page must be a log index');
  const sinceMs = dayMs(since, false);
  const untilMs = dayMs(until, true);
  const r = await listEntries(ctx, {
    kinds: kind ? [kind] : [], subject, sinceMs: sinceMs ?? 0, untilMs: untilMs ?? 0, pageToken, pageSize: PAGE_SIZE,
  });
  const keep = new URLSearchParams({ ...(subject ? { subject } : {}), ...(kind ? { kind } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) });
  const older = r.next ? `/queries?${new URLSearchParams([...keep, ['page', r.next]]).toString()}` : undefined;
  return page(ctx, 'bank.queries.title', html`<p class="muted">${t('bank.queries.intro', { name: bankName(ctx) })}</p>
<form method="get" action="/queries" class="inline card" data-queries-filter>
<label>${t('bank.queries.subject')} <input type="text" name="subject" value="${subject}" maxlength="256"></label>
<label>${t('bank.queries.kind')} <select name="kind"><option value="">${t('bank.kind.all')}</option>${ENTRY_KINDS.map((k) => html`<option value="${k}"${k === kind ? html` selected` : ''}>${label(ctx, `bank.kind.${k}`, k)}</option>`)}</select></label>
<label>${t('bank.queries.since')} <input type="date" name="since" value="${since}"></label>
<label>${t('bank.queries.until')} <input type="date" name="until" value="${until}"></label>
<button type="submit">${t('bank.queries.apply')}</button>
</form>
${entriesTable(ctx, r.entries)}
<div class="pager">${pageToken ? html`<a href="/queries${keep.size ? `?${keep.toString()}` : ''}">${t('bank.queries.newest')}</a>` : ''}${older ? html`<a href="${older}" data-older>${t('bank.queries.older')}</a>` : ''}</div>
<p class="muted">${t('bank.queries.treeSize', { size: r.treeSize })}</p>`);
}

/** The receipt file for entry `index`, with the stored answer when this console asked the query. */
async function receiptFile(ctx: RequestContext, index: number): Promise<{ file: ScoreReceiptFile; answerKnown: boolean }> {
  const scoring = ctx.clients.scoring;
  const r = await ctx.clients.call(scoring, scoring.GetReceipt, { logIndex: index, waitMs: 5_000 }, 15_000);
  const entry = decodeEntry(new Uint8Array(r.entry));
  const body = entry.ok ? entry.entry.body : {};
  const answer = await storedAnswer(ctx, index);
  const file: ScoreReceiptFile = {
    v: 1, kind: 'fedcredit-score-receipt', queryId: String(body['queryId'] ?? ''), requester: bankName(ctx), enterprise: String(body['subject'] ?? ''),
    answer: answer
      ? { points: answer.points, grade: answer.grade, warning: answer.warning, model: answer.model, coverage: [...answer.coverage], signature: answer.signature }
      : { points: 0, grade: '', warning: '', model: String(body['model'] ?? ''), coverage: [], signature: '' },
    logIndex: Number(r.logIndex), entry: Buffer.from(r.entry).toString('base64'), treeSize: Number(r.treeSize),
    inclusionProof: r.inclusionProof.map((h) => Buffer.from(h).toString('base64')), checkpoint: r.checkpoint,
  };
  return { file, answerKnown: answer !== undefined };
}

async function receiptPage(ctx: RequestContext): Promise<Response> {
  const text = ctx.params['logIndex'] ?? '';
  if (!/^\d{1,15}$/.test(text)) throw new ConsoleError('NOT_FOUND', 404, `no log entry ${text.slice(0, 20)}`);
  const index = Number(text);
  const { file, answerKnown } = await receiptFile(ctx, index);
  if (ctx.query.get('download') === '1') return download(`receipt-${index}.json`, 'application/json; charset=utf-8', `${JSON.stringify(file, null, 2)}\n`);
  const { t } = ctx;
  const trust = receiptTrust(ctx.options);
  let verdict;
  if (!trust) verdict = html`<div class="notice" data-receipt-verdict="no-trust">${t('bank.receipt.noTrust', { file: trustFilePath(ctx.options) })}</div>`;
  else {
    const check = verifyReceipt(file, trust);
    // Without the answer only the log's word is checked: the missing signature is said, not hidden as a failure.
    const problems = answerKnown ? check.problems : check.problems.filter((p) => !p.startsWith('the receipt carries no signed answer') && !p.startsWith('the answer ('));
    verdict = problems.length === 0
      ? html`<div class="notice" data-receipt-verdict="ok"><p class="status-ok">${t('bank.receipt.ok', { witnesses: check.cosignedBy.join(', ') })}</p>
<p>${answerKnown ? t('bank.receipt.answerChecked') : t('bank.receipt.answerUnknown')}</p></div>`
      : html`<div class="error-box" role="alert" data-receipt-verdict="bad"><p>${t('bank.receipt.bad')}</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`;
  }
  const entryText = Buffer.from(file.entry, 'base64').toString('utf8');
  return page(ctx, 'bank.receipt.title', html`<h2>${t('bank.receipt.of', { index })}</h2>${verdict}
<table class="data"><tbody>
<tr><th>${t('bank.col.logIndex')}</th><td><code>${index}</code></td></tr>
<tr><th>${t('bank.receipt.treeSize')}</th><td><code>${file.treeSize}</code></td></tr>
<tr><th>${t('bank.col.enterprise')}</th><td><code>${file.enterprise}</code></td></tr>
</tbody></table>
<h2>${t('bank.receipt.entry')}</h2><pre>${entryText}</pre>
<h2>${t('bank.receipt.checkpoint')}</h2><pre>${file.checkpoint}</pre>
<p><a href="/queries/${index}/receipt?download=1" data-receipt-download>${t('bank.receipt.download')}</a></p>`);
}

export const queryRoutes: Route[] = [
  { method: 'GET', path: '/queries', kinds: ['bank'], access: 'viewer', nav: 'bank.nav.queries', handle: queriesPage },
  { method: 'GET', path: '/queries/:logIndex/receipt', kinds: ['bank'], access: 'viewer', handle: receiptPage },
];
