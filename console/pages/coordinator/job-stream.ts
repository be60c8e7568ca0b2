/**
 * One Training.RunTraining stream per followed job in this console process, fanned out to every
 * browser watching it (docs/design/console.md 4.1): N people on /training/J cost the coordinator
 * one stream, not N. The stream is the one that started or resumed the job from this console
 * (POST /training, POST /training/J/resume), or else a follow_only stream opened when the first
 * browser asks for /training/J/events: follow_only never resumes a job, so a viewer looking at a
 * failed job cannot restart it (JOB_NOT_RUNNING instead).
 *
 * Each followed job keeps its progress messages (at most MAX_HISTORY) so a browser that connects
 * later, or reconnects, gets those after the epoch its page already showed (`after`), then the
 * live ones. A follow_only stream is cancelled once its last browser has gone; a stream that
 * started or resumed the job stays open to the end (cancelling it would not stop the job, and
 * its progress is wanted). An ended job is remembered for KEEP_ENDED_MS, so a page opened just
 * after it finished still sees its last epochs and the end.
 */
import * as grpc from '@grpc/grpc-js';
import { fromServiceError } from '../../../lib/grpc.js';
import { FedcreditError } from '../../../lib/errors.js';
import type { TrainingClient } from '../../../proto/gen/fedcredit/v1/Training.js';
import type { RunTrainingRequest } from '../../../proto/gen/fedcredit/v1/RunTrainingRequest.js';
import type { TrainingProgress__Output } from '../../../proto/gen/fedcredit/v1/TrainingProgress.js';

export type JobEvent =
  | { type: 'progress'; progress: TrainingProgress__Output }
  | { type: 'end'; error?: { code: string; message: string } };

export const MAX_HISTORY = 500;
export const KEEP_ENDED_MS = 10 * 60_000;
/** Streams a job's driver may keep open for a day, as `fedcredit train` does. */
const STREAM_DEADLINE_MS = 24 * 3600_000;

interface Followed {
  jobId: string;
  history: JobEvent[];
  listeners: Set<(e: JobEvent) => void>;
  call: grpc.ClientReadableStream<TrainingProgress__Output>;
  /** follow_only: cancelled when nobody listens. */
  followOnly: boolean;
  ended: boolean;
}

export class JobStreams {
  readonly #jobs = new Map<string, Followed>();

  /** How many streams this console holds (tests: one per followed job). */
  get openStreams(): number {
    return [...this.#jobs.values()].filter((f) => !f.ended).length;
  }

  isFollowing(jobId: string): boolean {
    const f = this.#jobs.get(jobId);
    return f !== undefined && !f.ended;
  }

  /**
   * The epochs this console kept of a job whose stream has ended, from `afterEpoch` on: for a
   * browser that reconnects after the end (it missed the last epochs while it was cut off).
   */
  keptEpochs(jobId: string, afterEpoch: number): JobEvent[] {
    const f = this.#jobs.get(jobId);
    if (!f?.ended) return [];
    return f.history.filter((e) => e.type === 'progress' && e.progress.stage === 'epoch' && e.progress.epoch >= afterEpoch);
  }

  /**
   * Starts a job (or resumes one) and holds its stream; resolves with the job id once the
   * coordinator answered (the job is stored: 'accepted', or for a finished job at once), rejects
   * with the coordinator's refusal.
   */
  start(client: TrainingClient, request: RunTrainingRequest): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const call = client.RunTraining(request, new grpc.Metadata(), { deadline: Date.now() + STREAM_DEADLINE_MS });
      let followed: Followed | undefined;
      call.on('data', (p: TrainingProgress__Output) => {
        if (!followed && p.jobId) {
          const old = this.#jobs.get(p.jobId);
          if (old && !old.ended && old.call !== call) old.call.cancel();
          // A job resumed after it failed starts a fresh history: the old one ends in its failure.
          const carried = old && !old.ended ? old : undefined;
          followed = { jobId: p.jobId, history: carried?.history ?? [], listeners: carried?.listeners ?? new Set(), call, followOnly: false, ended: false };
          this.#jobs.set(p.jobId, followed);
          resolve(p.jobId);
        }
        if (followed) this.#emit(followed, { type: 'progress', progress: p });
      });
      call.on('error', (err) => {
        const e = fromServiceError(err, 'the coordinator');
        if (followed) this.#end(followed, { code: e.code, message: e.message });
        else reject(e);
      });
      call.on('end', () => {
        if (followed) this.#end(followed);
        else reject(new FedcreditError('UNAVAILABLE', 'the coordinator ended the training stream before the job was stored'));
      });
    });
  }

  /**
   * Listens to a job: the kept events after `afterEpoch` (epochs the page already shows), then
   * live ones. Opens a follow_only stream if this console holds none for the job. Returns the
   * function that stops listening.
   */
  subscribe(client: TrainingClient, jobId: string, afterEpoch: number, listener: (e: JobEvent) => void): () => void {
    let f = this.#jobs.get(jobId);
    // A stream that ended in an error is asked again (the job may have been resumed elsewhere);
    // one that ended with the model is replayed as it was.
    const endedBadly = f?.ended === true && f.history.some((e) => e.type === 'end' && e.error !== undefined);
    if (!f || endedBadly) f = this.#follow(client, jobId);
    // Kept or live, an epoch the page already shows is not sent again.
    const fresh = (e: JobEvent) => {
      if (!(e.type === 'progress' && e.progress.stage === 'epoch' && e.progress.epoch < afterEpoch)) listener(e);
    };
    for (const e of f.history) fresh(e);
    const followed = f;
    if (!followed.ended) followed.listeners.add(fresh);
    return () => {
      followed.listeners.delete(fresh);
      if (followed.followOnly && !followed.ended && followed.listeners.size === 0) {
        followed.call.cancel();
        this.#jobs.delete(jobId);
      }
    };
  }

  #follow(client: TrainingClient, jobId: string): Followed {
    const call = client.RunTraining({ resumeJobId: jobId, followOnly: true }, new grpc.Metadata(), { deadline: Date.now() + STREAM_DEADLINE_MS });
    const f: Followed = { jobId, history: [], listeners: new Set(), call, followOnly: true, ended: false };
    this.#jobs.set(jobId, f);
    call.on('data', (p: TrainingProgress__Output) => this.#emit(f, { type: 'progress', progress: p }));
    call.on('error', (err) => {
      const e = fromServiceError(err, 'the coordinator');
      // Our own cancel (last browser gone) is no news to anyone.
      if ((err as grpc.ServiceError).code === grpc.status.CANCELLED) f.ended = true;
      else this.#end(f, { code: e.code, message: e.message });
    });
    call.on('end', () => this.#end(f));
    return f;
  }

  #emit(f: Followed, e: JobEvent): void {
    f.history.push(e);
    if (f.history.length > MAX_HISTORY) f.history.splice(0, f.history.length - MAX_HISTORY);
    for (const l of f.listeners) l(e);
  }

  #end(f: Followed, error?: { code: string; message: string }): void {
    if (f.ended) return;
    this.#emit(f, { type: 'end', ...(error ? { error } : {}) });
    f.ended = true;
    f.listeners.clear();
    // A follow that was refused (JOB_NOT_RUNNING) is not kept: the next page asks again.
    if (error?.code === 'JOB_NOT_RUNNING') {
      if (this.#jobs.get(f.jobId) === f) this.#jobs.delete(f.jobId);
      return;
    }
    setTimeout(() => {
      if (this.#jobs.get(f.jobId) === f) this.#jobs.delete(f.jobId);
    }, KEEP_ENDED_MS).unref();
  }

  close(): void {
    for (const f of this.#jobs.values()) if (!f.ended) f.call.cancel();
    this.#jobs.clear();
  }
}

/** The console process's one registry of followed jobs. */
export const jobStreams = new JobStreams();
