/**
 * Ingests (docs/design/console.md 4.2): the history a page at a time (DataNode.ListIngests),
 * the upload form, the two ways in (PUT from live.js with upload progress, multipart POST
 * without JavaScript; both streamed through upload.ts), the progress events (SSE: the bytes
 * the console has sent, then the node's own validation progress from GetNodeStatus.ingest,
 * asked twice a second) and the result page with the node's report or its error code.
 */
import { html } from '../../http/html.js';
import { multipart } from '../../http/forms.js';
import { redirect, type RequestContext, type Response } from '../../http/router.js';
import { sse, type LiveMessage } from '../../http/sse.js';
import { ConsoleError } from '../../http/errors.js';
import { page } from '../layout.js';
import { longsAsNumbers } from '../../../lib/json-numbers.js';
import type { ListIngestsResponse__Output } from '../../../proto/gen/fedcredit/v1/ListIngestsResponse.js';
import { currentUpload, ingestResult, pipeToNode, uploadOptions, type IngestResult } from './upload.js';
import { ingestProgress, nodeStatus, stageText } from './views.js';

const PAGE_SIZE = 50;
const POLL_MS = 500;

export async function ingestsView(ctx: RequestContext): Promise<Response> {
  const c = ctx.clients;
  const token = (ctx.query.get('page') ?? '').slice(0, 20);
  const [res, status] = await Promise.all([
    c.call(c.dataNode, c.dataNode.ListIngests, { pageToken: token, pageSize: PAGE_SIZE }).then((r) => longsAsNumbers('ListIngestsResponse', r) as ListIngestsResponse__Output),
    nodeStatus(ctx),
  ]);
  const { t, fmt } = ctx;
  const admin = ctx.session?.access === 'admin';
  return page(ctx, 'node.ingests.title', html`${admin ? html`<p><a href="/ingests/new" data-link="upload">${t('node.ingests.new')}</a></p>` : ''}
${ingestProgress(ctx, status)}
<p>${t('node.ingests.total', { count: Number(res.total) })}</p>
${res.ingests.length === 0 ? html`<p class="muted">${t('node.ingests.empty')}</p>` : html`<table class="data" data-table="ingests"><thead><tr>
<th class="num">${t('node.ingests.seq')}</th><th>${t('node.ingests.file')}</th><th>${t('node.ingests.kind')}</th><th class="num">${t('node.ingests.rows')}</th>
<th>${t('node.ingests.sha256')}</th><th>${t('node.ingests.committed')}</th></tr></thead><tbody>
${res.ingests.map((i) => html`<tr><td class="num">${Number(i.seq)}</td><td class="mono">${i.fileName}</td><td class="mono">${i.kind}</td><td class="num">${fmt.count(Number(i.rows))}</td>
<td class="mono" title="${i.sha256}">${i.sha256.slice(0, 12)}…</td><td>${fmt.time(Date.parse(i.committedAt))}</td></tr>`)}
</tbody></table>`}
<p class="pager">${token !== '' ? html`<a href="/ingests">${t('node.ingests.first')}</a> ` : ''}${res.nextPageToken ? html`<a href="/ingests?page=${encodeURIComponent(res.nextPageToken)}" rel="next">${t('node.ingests.next')}</a>` : ''}</p>`);
}

export async function uploadForm(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const status = await nodeStatus(ctx);
  const option = (value: string, label: string) => html`<option value="${value}">${label}</option>`;
  // Fields come before the file: busboy hands over the file with the fields read so far.
  return page(ctx, 'node.upload.title', html`<p>${t('node.upload.intro')}</p>
<form class="stack card" method="post" action="/ingests?_csrf=${encodeURIComponent(ctx.csrfToken)}" enctype="multipart/form-data" data-upload="/ingests">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}">
<label>${t('node.upload.kind')} <select name="kind">${option('', t('node.upload.kind.detect'))}${['vat_filing', 'tax_rating', 'power_bill', 'loan', 'repayment'].map((k) => option(k, k))}${option('features', t('node.upload.kind.features'))}</select></label>
<label>${t('node.upload.table')} <input type="text" name="table" maxlength="32" pattern="[a-z][a-z0-9_-]{0,31}"></label>
<label>${t('node.upload.idColumn')} <input type="text" name="id_column" maxlength="100"></label>
<label>${t('node.upload.labelColumn')} <input type="text" name="label_column" maxlength="100"></label>
<label>${t('node.upload.idFormat')} <select name="id_format">${option('', t('node.upload.idFormat.creditCode'))}${option('any', t('node.upload.idFormat.any'))}</select></label>
<label>${t('node.upload.delimiter')} <input type="text" name="delimiter" maxlength="10"></label>
<label>${t('node.upload.encoding')} <select name="encoding">${option('', 'UTF-8')}${option('gbk', 'GBK')}${option('gb18030', 'GB18030')}</select></label>
<label>${t('node.upload.file')} <input type="file" name="file" accept=".csv,.txt,text/csv" required></label>
<button type="submit">${t('node.upload.submit')}</button>
<p>${t('node.upload.sent')}: <progress data-progress max="1" value="0"></progress> <span data-status></span></p>
</form>
${ingestProgress(ctx, status)}`);
}

/** PUT /ingests from live.js: the body is the file, the options are the query string. */
export async function putUpload(ctx: RequestContext): Promise<Response> {
  const options = uploadOptions(ctx, ctx.query, ctx.query.get('filename') ?? '', Number(ctx.headers['content-length'] ?? 0) || 0);
  const result = await pipeToNode(ctx, ctx.body(), options, Number(options.size ?? 0));
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ location: `/ingests/result/${result.id}` }) };
}

/** POST /ingests without JavaScript: multipart, the file part streamed as it arrives. */
export async function postUpload(ctx: RequestContext): Promise<Response> {
  let result: IngestResult | undefined;
  await multipart(ctx.request, ctx.options.maxUpload, async (file, fields) => {
    if (file.field !== 'file' || file.filename === '') { file.stream.resume(); return; }
    result = await pipeToNode(ctx, file.stream, uploadOptions(ctx, fields, file.filename, 0), 0);
  });
  if (!result) throw new ConsoleError('BAD_REQUEST', 400, ctx.t('node.upload.noFile'));
  return redirect(`/ingests/result/${result.id}`);
}

export async function resultView(ctx: RequestContext): Promise<Response> {
  const r = ingestResult(ctx.params['id'] ?? '');
  const { t, fmt } = ctx;
  if (!r) return page(ctx, 'node.result.title', html`<p class="notice">${t('node.result.gone')}</p>`, { status: 404 });
  const explanation = r.errorCode && ctx.t.has(`errors.${r.errorCode}`) ? ctx.t(`errors.${r.errorCode}` as Parameters<typeof ctx.t>[0]) : '';
  return page(ctx, 'node.result.title', r.committed
    ? html`<p class="status-ok" data-result="committed">${t('node.result.committed', { file: r.fileName, rows: r.rows, kind: r.kind })}</p>
<p>${t('node.result.seconds', { seconds: fmt.number(r.seconds, 2), enterprises: r.enterprises, features: r.features })}</p>
<p><a href="/tables">${t('node.result.tables')}</a> · <a href="/ingests">${t('node.nav.ingests')}</a></p>`
    : html`<p class="status-bad" data-result="refused">${t('node.result.refused', { file: r.fileName })}</p>
<div class="error-box" role="alert"><dl>
<dt>${t('error.code')}</dt><dd><code data-error-code="${r.errorCode ?? ''}">${r.errorCode ?? ''}</code></dd>
<dt>${t('error.message')}</dt><dd><pre>${r.errorMessage ?? ''}</pre></dd>
${explanation ? html`<dt>${t('error.explanation')}</dt><dd>${explanation}</dd>` : ''}
</dl></div>
${r.problems.length > 0 ? html`<h2>${t('node.result.problems')}</h2><table class="data"><thead><tr><th class="num">${t('node.result.line')}</th><th>${t('node.result.column')}</th><th>${t('node.result.problem')}</th></tr></thead><tbody>
${r.problems.map((p) => html`<tr><td class="num">${p.line}</td><td class="mono">${p.column}</td><td>${p.problem}</td></tr>`)}</tbody></table>` : ''}
<p><a href="/ingests/new">${t('node.ingests.new')}</a></p>`);
}

/** What the progress elements (views.ts ingestProgress) show now. */
async function progressMessage(ctx: RequestContext): Promise<LiveMessage> {
  const { t, fmt } = ctx;
  const up = currentUpload();
  if (up && up.result === undefined) {
    // Still arriving from the browser and being sent on: the console's own count.
    const fraction = up.total > 0 ? up.sent / up.total : 0;
    return { text: { 'ingest-file': up.fileName, 'ingest-stage': t('node.stage.line', { stage: stageText(ctx, 'sending'), rows: 0, done: fmt.bytes(up.sent), total: up.total > 0 ? fmt.bytes(up.total) : '?' }) }, value: { 'ingest-progress': fraction } };
  }
  const s = await nodeStatus(ctx);
  const i = s.ingest;
  if (i) {
    const total = Number(i.bytesTotal);
    return { text: { 'ingest-file': i.fileName, 'ingest-stage': t('node.stage.line', { stage: stageText(ctx, i.stage), rows: Number(i.rows), done: fmt.bytes(Number(i.bytesDone)), total: total > 0 ? fmt.bytes(total) : '?' }) }, value: { 'ingest-progress': total > 0 ? Number(i.bytesDone) / total : 0 } };
  }
  if (up?.result) {
    const r = up.result;
    return { text: { 'ingest-file': r.fileName, 'ingest-stage': r.committed ? `${stageText(ctx, 'done')}: ${fmt.count(r.rows)}` : `${stageText(ctx, 'failed')}: ${r.errorCode ?? ''}` }, value: { 'ingest-progress': r.committed ? 1 : 0 } };
  }
  return { text: { 'ingest-file': '', 'ingest-stage': stageText(ctx, 'idle') }, value: { 'ingest-progress': 0 } };
}

export async function progressEvents(ctx: RequestContext): Promise<Response> {
  return sse(async (sink, signal) => {
    let last = '';
    while (!signal.aborted && !sink.closed) {
      let message: LiveMessage;
      try {
        message = await progressMessage(ctx);
      } catch (err) {
        // The node did not answer this poll: say so where the stage goes, and keep asking.
        message = { text: { 'ingest-stage': `${(err as { code?: string }).code ?? 'ERROR'}: ${(err as Error).message}` } };
      }
      const key = JSON.stringify(message);
      if (key !== last) { sink.send(message); last = key; }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  });
}
