/**
 * /alignments: the coordinator's alignments (Alignment.ListAlignments), and for an admin the form
 * that starts one (Alignment.RunAlignment, a stream) with its progress on /alignments/runs/:run
 * (live by Server-Sent Events). The console holds the run's stream and its messages in memory
 * (at most MAX_RUNS runs, the oldest finished dropped first): a console restart forgets the
 * progress, never the alignment, which the coordinator keeps and lists.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { html, type Html } from '../../http/html.js';
import { redirect, type RequestContext, type Response } from '../../http/router.js';
import { resumeAfter, sse, type SseSink } from '../../http/sse.js';
import { page } from '../layout.js';
import { fromServiceError } from '../../../lib/grpc.js';
import { FedcreditError } from '../../../lib/errors.js';
import { ID_TYPES, isIdType } from '../../../alignment/ids.js';
import type { AlignmentProgress__Output } from '../../../proto/gen/fedcredit/v1/AlignmentProgress.js';
import type { AlignmentSummary__Output } from '../../../proto/gen/fedcredit/v1/AlignmentSummary.js';
import { listAlignments, num } from './reads.js';

const MAX_RUNS = 50;
const RUN_DEADLINE_MS = 6 * 3600_000;

export interface AlignmentRun {
  id: string;
  started: number;
  messages: AlignmentProgress__Output[];
  result?: AlignmentSummary__Output;
  error?: { code: string; message: string };
  ended: boolean;
  listeners: Set<() => void>;
}

const runs = new Map<string, AlignmentRun>();

function keep(run: AlignmentRun): void {
  runs.set(run.id, run);
  while (runs.size > MAX_RUNS) {
    const oldest = [...runs.values()].find((r) => r.ended);
    if (!oldest) break;
    runs.delete(oldest.id);
  }
}

function alignmentsTable(ctx: RequestContext, list: readonly AlignmentSummary__Output[]): Html {
  return html`<table class="data" id="alignments"><thead><tr><th>${ctx.t('coordinator.align.id')}</th><th>${ctx.t('coordinator.align.ring')}</th>
<th class="num">${ctx.t('coordinator.align.intersection')}</th><th class="num">${ctx.t('coordinator.align.train')}</th><th class="num">${ctx.t('coordinator.align.validation')}</th>
<th>${ctx.t('coordinator.align.idType')}</th><th>${ctx.t('coordinator.align.created')}</th><th class="num">${ctx.t('coordinator.align.logIndex')}</th></tr></thead><tbody>
${list.map((a) => html`<tr data-alignment="${a.alignmentId}"><td><code>${a.alignmentId}</code></td><td>${a.ring.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s}</code>`)}</td>
<td class="num">${ctx.fmt.count(num(a.intersectionSize))}</td><td class="num">${ctx.fmt.count(num(a.trainSize))}</td><td class="num">${ctx.fmt.count(num(a.validationSize))}</td>
<td><code>${a.idType || '—'}</code></td><td>${ctx.fmt.time(num(a.createdAtMs))}</td><td class="num"><code>${String(a.logIndex)}</code></td></tr>`)}
</tbody></table>`;
}

function startForm(ctx: RequestContext, form?: URLSearchParams, refusal?: string): Html {
  return html`<form method="post" action="/alignments" class="stack" id="align-form"><input type="hidden" name="_csrf" value="${ctx.csrfToken}">
${refusal ? html`<div class="error-box" role="alert">${refusal}</div>` : ''}
<label>${ctx.t('coordinator.align.sites')}<input type="text" name="sites" value="${form?.get('sites') ?? 'bank,tax,power'}"></label>
<label>${ctx.t('coordinator.align.share')}<input type="text" name="validation" value="${form?.get('validation') ?? '0.2'}"></label>
<label>${ctx.t('coordinator.align.seed')}<input type="text" name="seed" value="${form?.get('seed') ?? ''}" autocomplete="off"></label>
<label>${ctx.t('coordinator.align.idType')}<select name="idType"><option value="">${ctx.t('coordinator.align.idTypeAuto')}</option>
${ID_TYPES.map((t) => html`<option value="${t}"${form?.get('idType') === t ? html` selected` : ''}>${t}</option>`)}</select></label>
<button type="submit">${ctx.t('coordinator.align.submit')}</button></form>`;
}

async function alignmentsPage(ctx: RequestContext, form?: URLSearchParams, refusal?: string): Promise<Response> {
  const list = await listAlignments(ctx);
  const admin = ctx.session?.access === 'admin';
  return page(ctx, 'coordinator.align.title', html`
${list.length === 0 ? html`<p class="muted">${ctx.t('coordinator.align.none')}</p>` : alignmentsTable(ctx, [...list].sort((a, b) => num(b.createdAtMs) - num(a.createdAtMs)))}
${admin ? html`<h2>${ctx.t('coordinator.align.start')}</h2><div class="card">${startForm(ctx, form, refusal)}</div>` : ''}`, refusal ? { status: 400 } : {});
}

export const listAlignmentsPage = (ctx: RequestContext): Promise<Response> => alignmentsPage(ctx);

/** POST /alignments (admin): checked as `fedcredit align` checks its flags, then one stream held by the console. */
export async function startAlignment(ctx: RequestContext): Promise<Response> {
  const form = await ctx.form();
  const sites = (form.get('sites') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const share = Number((form.get('validation') ?? '').trim() || '0.2');
  const idType = form.get('idType') ?? '';
  if (sites.length !== 3) return alignmentsPage(ctx, form, ctx.t('coordinator.align.badSites'));
  if (!(share >= 0 && share <= 0.9)) return alignmentsPage(ctx, form, ctx.t('coordinator.align.badShare'));
  if (idType !== '' && !isIdType(idType)) return alignmentsPage(ctx, form, ctx.t('coordinator.align.badIdType'));
  const run: AlignmentRun = { id: randomBytes(9).toString('base64url'), started: ctx.now(), messages: [], ended: false, listeners: new Set() };
  const client = ctx.clients.alignment;
  const call = client.RunAlignment({ sites, validationFraction: share, splitSeed: form.get('seed')?.trim() ?? '', idType, idCase: '' },
    new grpc.Metadata(), { deadline: Date.now() + RUN_DEADLINE_MS });
  // The first answer (or refusal) decides between the run's page and an error page.
  await new Promise<void>((resolve, reject) => {
    const notify = () => { for (const l of run.listeners) l(); };
    call.on('data', (p: AlignmentProgress__Output) => {
      run.messages.push(p);
      if (p.result) run.result = p.result;
      notify();
      resolve();
    });
    call.on('error', (err) => {
      const e = fromServiceError(err, 'the coordinator');
      run.error = { code: e.code, message: e.message };
      run.ended = true;
      notify();
      reject(e);
    });
    call.on('end', () => {
      run.ended = true;
      notify();
      resolve();
    });
  });
  keep(run);
  ctx.log('console_alignment_started', { run: run.id, user: ctx.session?.user, sites });
  return redirect(`/alignments/runs/${run.id}`);
}

function runOf(ctx: RequestContext): AlignmentRun {
  const run = runs.get(ctx.params['run'] ?? '');
  if (!run) throw new FedcreditError('NOT_FOUND', 'this console holds no such alignment run (it keeps runs it started, in memory, until it restarts); see the list of alignments');
  return run;
}

const line = (p: AlignmentProgress__Output) => `${p.stage}${p.site ? ` [${p.site}]` : ''}: ${p.message}`;

export async function alignmentRunPage(ctx: RequestContext): Promise<Response> {
  const run = runOf(ctx);
  const r = run.result;
  return page(ctx, 'coordinator.align.runTitle', html`<p class="muted">${ctx.t('coordinator.align.run', { run: run.id })} · ${ctx.fmt.time(run.started)}</p>
<div class="card"${run.ended ? '' : html` data-sse="/alignments/runs/${run.id}/events?after=${run.messages.length}"`}>
<h2>${ctx.t('coordinator.align.progress')}</h2>
<p id="align-state" class="${run.error ? 'status-bad' : run.ended ? 'status-ok' : 'status-warn'}">${run.error ? html`${ctx.t('coordinator.align.failed')}: <code>${run.error.code}</code> ${run.error.message}` : run.ended ? (r ? html`<code>${r.alignmentId}</code>` : '') : ctx.t('common.loading')}</p>
<ol id="align-messages">${run.messages.map((p) => html`<li class="msg">${line(p)}</li>`)}</ol>
</div>
${r ? html`<h2>${ctx.t('coordinator.align.result')}</h2>${alignmentsTable(ctx, [r])}` : ''}`);
}

/**
 * What a run's stream sends from line `sent` on: each line with its count as the event id (a
 * reconnecting browser goes on after the last it showed), then, once the run ended, its state
 * and the end: reload to show the result, or close on an error (the page keeps the error; a
 * stream that just ended would have the browser reconnect and show every line again).
 * Returns the next line to send.
 */
export function sendAlignmentRun(ctx: RequestContext, run: AlignmentRun, sent: number, sink: SseSink): number {
  for (; sent < run.messages.length; sent++) sink.send({ append: { 'align-messages': line(run.messages[sent]!) } }, String(sent + 1));
  if (run.ended) {
    const state = run.error ? `${ctx.t('coordinator.align.failed')}: ${run.error.code} ${run.error.message}` : run.result?.alignmentId ?? '';
    sink.send(run.error ? { text: { 'align-state': state }, status: { 'align-state': 'bad' }, close: true } : { text: { 'align-state': state }, reload: true });
  }
  return sent;
}

export async function alignmentRunEvents(ctx: RequestContext): Promise<Response> {
  const run = runOf(ctx);
  let sent = resumeAfter(ctx.query.get('after'), ctx.headers);
  return sse(async (sink, signal) => {
    await new Promise<void>((resolve) => {
      const flush = () => {
        sent = sendAlignmentRun(ctx, run, sent, sink);
        if (run.ended) finish();
      };
      const finish = () => {
        run.listeners.delete(flush);
        resolve();
      };
      run.listeners.add(flush);
      signal.addEventListener('abort', finish, { once: true });
      flush();
    });
  });
}
