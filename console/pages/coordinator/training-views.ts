/**
 * /training (jobs and the start form), /training/:job (the job, its epochs, live progress by
 * Server-Sent Events), /training/:job/events and POST /training/:job/resume
 * (docs/design/console.md 4.1). Starting and resuming are admin routes (router access); the
 * coordinator checks the party's role again (Training.RunTraining: operator self).
 */
import { CommanderError, InvalidArgumentError } from 'commander';
import { html, type Html } from '../../http/html.js';
import { redirect, type RequestContext, type Response } from '../../http/router.js';
import { resumeAfter, sse, type SseSink } from '../../http/sse.js';
import { page } from '../layout.js';
import type { JobSummary__Output } from '../../../proto/gen/fedcredit/v1/JobSummary.js';
import { facts, listAlignments, listJobs, num, word } from './reads.js';
import { jobStreams, type JobEvent } from './job-stream.js';
import { trainingForm, trainingRequestFromForm } from './training-form.js';

const stageWord = (ctx: RequestContext, stage: string) => word(ctx, 'coordinator.stage.', stage);
const stageClass = (stage: string) => (stage === 'done' ? 'status-ok' : stage === 'failed' ? 'status-bad' : 'status-warn');
const jobPath = (jobId: string) => `/training/${encodeURIComponent(jobId)}`;

export function jobsTable(ctx: RequestContext, jobs: readonly JobSummary__Output[]): Html {
  return html`<table class="data" id="jobs"><thead><tr><th>${ctx.t('coordinator.train.job')}</th><th>${ctx.t('coordinator.train.kind')}</th>
<th>${ctx.t('coordinator.train.stage')}</th><th class="num">${ctx.t('coordinator.train.epoch')}</th><th class="num">${ctx.t('coordinator.train.auc')}</th>
<th>${ctx.t('coordinator.train.started')}</th><th>${ctx.t('coordinator.train.model')}</th></tr></thead><tbody>
${jobs.map((j) => html`<tr data-job="${j.jobId}"><td><a href="${jobPath(j.jobId)}"><code>${j.jobId}</code></a></td><td><code>${j.modelKind}</code></td>
<td class="${stageClass(j.stage)}">${stageWord(ctx, j.stage)}${j.running ? html` · ${ctx.t('coordinator.train.running')}` : ''}</td>
<td class="num">${j.epoch} / ${j.epochs}</td><td class="num">${j.aucHistory.length > 0 ? ctx.fmt.metric(j.validationAuc) : '—'}</td>
<td>${ctx.fmt.time(num(j.startedMs))}</td><td>${j.stage === 'done' ? html`<a href="/models/${encodeURIComponent(j.modelVersion)}"><code>${j.modelVersion}</code></a>` : html`<code class="muted">${j.modelVersion}</code>`}</td></tr>`)}
</tbody></table>`;
}

async function trainingPage(ctx: RequestContext, form?: URLSearchParams, refusal?: string): Promise<Response> {
  const [jobs, alignments] = await Promise.all([listJobs(ctx, { limit: 100 }), listAlignments(ctx)]);
  const admin = ctx.session?.access === 'admin';
  return page(ctx, 'coordinator.train.title', html`
${jobs.length === 0 ? html`<p class="muted">${ctx.t('coordinator.train.none')}</p>` : jobsTable(ctx, jobs)}
${admin ? html`<h2>${ctx.t('coordinator.train.start')}</h2><div class="card">${trainingForm(ctx, alignments, form, refusal)}</div>` : ''}`, refusal ? { status: 400 } : {});
}

export const listTraining = (ctx: RequestContext): Promise<Response> => trainingPage(ctx);

/** POST /training (admin): the CLI's checks first; then one stream that started the job, kept for its page. */
export async function startTraining(ctx: RequestContext): Promise<Response> {
  const form = await ctx.form();
  let request;
  try {
    request = trainingRequestFromForm(form);
  } catch (err) {
    if (err instanceof InvalidArgumentError || err instanceof CommanderError) return trainingPage(ctx, form, err.message.replace(/^error: /, ''));
    throw err;
  }
  const jobId = await jobStreams.start(ctx.clients.training, request);
  ctx.log('console_training_started', { jobId, user: ctx.session?.user, alignment: request.alignmentId, model: request.modelKind });
  return redirect(jobPath(jobId));
}

/** POST /training/:job/resume (admin): resume (or attach to) the job; its stream is kept for the page. */
export async function resumeTraining(ctx: RequestContext): Promise<Response> {
  const jobId = ctx.params['job'] ?? '';
  await jobStreams.start(ctx.clients.training, { resumeJobId: jobId });
  ctx.log('console_training_resumed', { jobId, user: ctx.session?.user });
  return redirect(jobPath(jobId));
}

export async function jobPage(ctx: RequestContext): Promise<Response> {
  const [job] = await listJobs(ctx, { jobId: ctx.params['job'] ?? '' });
  if (!job) throw new Error('ListJobs answered no job for a job id');
  const admin = ctx.session?.access === 'admin';
  const live = job.running || jobStreams.isFollowing(job.jobId);
  const resumable = !job.running && job.stage !== 'done';
  const best = job.aucHistory.length > 0 ? Math.max(...job.aucHistory) : undefined;
  return page(ctx, 'coordinator.train.jobTitle', html`${facts([
    [ctx.t('coordinator.train.job'), html`<code id="job-id">${job.jobId}</code>`],
    [ctx.t('coordinator.train.alignment'), html`<code>${job.alignmentId}</code>`],
    [ctx.t('coordinator.train.kind'), html`<code>${job.modelKind}</code>`],
    [ctx.t('coordinator.train.purpose'), html`<code>${job.purpose}</code>`],
    [ctx.t('coordinator.train.sites'), job.sites.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s}</code>`)],
    [ctx.t('coordinator.train.sizes'), `${ctx.fmt.count(job.trainSize)} / ${ctx.fmt.count(job.validationSize)}`],
    [ctx.t('coordinator.train.started'), ctx.fmt.time(num(job.startedMs))],
    num(job.finishedMs) > 0 && [ctx.t('coordinator.train.finished'), ctx.fmt.time(num(job.finishedMs))],
    [ctx.t('coordinator.train.model'), job.stage === 'done' ? html`<a href="/models/${encodeURIComponent(job.modelVersion)}"><code>${job.modelVersion}</code></a>` : html`<code>${job.modelVersion}</code>`],
    [ctx.t('coordinator.train.auc'), html`<span id="job-auc">${best !== undefined ? ctx.fmt.metric(best) : '—'}</span>`],
  ])}
${job.stage === 'failed' ? html`<div class="error-box" role="alert"><dl><dt>${ctx.t('coordinator.train.error')}</dt>
<dd><code data-error-code="${job.errorCode}">${job.errorCode || '—'}</code></dd><dd>${job.errorMessage}</dd></dl></div>` : ''}
<h2>${ctx.t('coordinator.train.live')}</h2>
<div class="card"${live ? html` data-sse="${jobPath(job.jobId)}/events?after=${job.aucHistory.length}"` : ''} id="live">
<p>${ctx.t('coordinator.train.liveState')}: <strong id="job-state" class="${stageClass(job.stage)}">${stageWord(ctx, job.stage)}${job.running ? html` · ${ctx.t('coordinator.train.stepOf', { step: job.step, batches: job.batches })}` : ''}</strong>
 · ${ctx.t('coordinator.train.epoch')} <span id="job-epoch">${job.epoch}</span> / ${job.epochs}</p>
<p class="muted" id="job-message"></p>
<h3>${ctx.t('coordinator.train.epochs')}</h3>
<ol id="epochs">${job.aucHistory.map((auc, i) => html`<li class="epoch">${ctx.t('coordinator.train.epochLine', { epoch: i + 1, auc: ctx.fmt.metric(auc) })}${job.epochSeconds[i] !== undefined ? html` <span class="muted">(${ctx.t('coordinator.seconds', { seconds: ctx.fmt.number(job.epochSeconds[i]!, 1) })})</span>` : ''}</li>`)}</ol>
</div>
${admin && resumable ? html`<form method="post" action="${jobPath(job.jobId)}/resume" class="stack" id="resume-form"><input type="hidden" name="_csrf" value="${ctx.csrfToken}">
<p class="muted">${ctx.t('coordinator.train.resumeNote')}</p><button type="submit">${ctx.t('coordinator.train.resume')}</button></form>` : ''}`);
}

/** What one job event changes on the job page (element ids above); live.js writes only text. */
function liveMessage(ctx: RequestContext, e: JobEvent, best: { auc: number }): Record<string, unknown> {
  if (e.type === 'end') {
    if (!e.error) return { close: true };
    const state = e.error.code === 'JOB_NOT_RUNNING' ? ctx.t('coordinator.train.notRunning') : ctx.t('coordinator.train.failedLive', { code: e.error.code });
    return { text: { 'job-state': state, 'job-message': e.error.code === 'JOB_NOT_RUNNING' ? '' : e.error.message }, status: { 'job-state': e.error.code === 'JOB_NOT_RUNNING' ? 'warn' : 'bad' }, close: true };
  }
  const p = e.progress;
  switch (p.stage) {
    case 'epoch':
      best.auc = Math.max(best.auc, p.validationAuc);
      return {
        append: { epochs: ctx.t('coordinator.train.epochLine', { epoch: p.epoch + 1, auc: ctx.fmt.metric(p.validationAuc) }) },
        text: { 'job-epoch': String(p.epoch + 1), 'job-auc': ctx.fmt.metric(best.auc), 'job-state': ctx.t('coordinator.stage.training') },
      };
    case 'finished':
      return { text: { 'job-state': ctx.t('coordinator.train.done', { model: p.model?.modelVersion ?? '' }), 'job-message': '' }, status: { 'job-state': 'ok' } };
    case 'following':
      return { text: { 'job-state': ctx.t('coordinator.train.following'), 'job-message': p.message } };
    default:
      return { text: { 'job-message': p.message } };
  }
}

/** The state of a job that is not running, as the live stream's end would have said it. */
function endedMessage(ctx: RequestContext, job: JobSummary__Output | undefined): Record<string, unknown> {
  if (!job) return { text: { 'job-state': ctx.t('coordinator.train.notRunning') }, close: true };
  if (job.stage === 'done') return { text: { 'job-state': ctx.t('coordinator.train.done', { model: job.modelVersion }), 'job-message': '' }, status: { 'job-state': 'ok' }, close: true };
  if (job.stage === 'failed') return { text: { 'job-state': ctx.t('coordinator.train.failedLive', { code: job.errorCode }), 'job-message': job.errorMessage }, status: { 'job-state': 'bad' }, close: true };
  return { text: { 'job-state': stageWord(ctx, job.stage) }, close: true };
}

/** GET /training/:job/events: the console's one stream of the job (job-stream.ts), fanned out to this browser. */
export async function jobEvents(ctx: RequestContext): Promise<Response> {
  const jobId = ctx.params['job'] ?? '';
  const after = resumeAfter(ctx.query.get('after'), ctx.headers);
  const [job] = await listJobs(ctx, { jobId });
  const best = { auc: job && job.aucHistory.length > 0 ? Math.max(...job.aucHistory) : 0 };
  return sse(async (sink: SseSink, signal: AbortSignal) => {
    // An epoch's line carries the count of epochs shown with it: a reconnect goes on after it.
    const send = (e: JobEvent) => sink.send(liveMessage(ctx, e, best), e.type === 'progress' && e.progress.stage === 'epoch' ? String(e.progress.epoch + 1) : undefined);
    if (!job || (!job.running && !jobStreams.isFollowing(jobId))) {
      // Ended: the epochs a browser that reconnected after the end missed (if this console kept
      // them), then the job's state.
      for (const e of jobStreams.keptEpochs(jobId, after)) send(e);
      sink.send(endedMessage(ctx, job));
      return;
    }
    await new Promise<void>((resolve) => {
      let unsubscribe: () => void = () => undefined;
      const done = () => {
        unsubscribe();
        resolve();
      };
      unsubscribe = jobStreams.subscribe(ctx.clients.training, jobId, after, (e) => {
        send(e);
        if (e.type === 'end') queueMicrotask(done);
      });
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  });
}
