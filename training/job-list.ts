/**
 * `Training.ListJobs`: the coordinator's job records (training/job-record.ts) as summaries for
 * its operator (the console's /training pages, docs/design/console.md section 5). A record holds
 * the job's key material (LR's BFV secret key in `kindState`): only the fields named here leave
 * the coordinator, never the record itself.
 */
import type { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';
import { upgradeJobRecord, type CoordinatorJobState } from './job-record.js';
import type { JobSummary } from '../proto/gen/fedcredit/v1/JobSummary.js';
import type { ListJobsRequest__Output } from '../proto/gen/fedcredit/v1/ListJobsRequest.js';

export const DEFAULT_JOB_LIST_LIMIT = 50;
export const MAX_JOB_LIST_LIMIT = 200;

/** One record as its summary; `running` is whether this process drives it now. */
export function jobSummary(state: CoordinatorJobState, running: boolean): JobSummary {
  const ended = state.phase === 'done' || state.phase === 'failed';
  const finishedAt = ended ? Date.parse(state.lease?.renewedAt ?? '') : NaN;
  return {
    jobId: state.jobId,
    alignmentId: state.alignmentId,
    modelKind: state.modelKind,
    purpose: state.purpose,
    stage: state.phase,
    epoch: state.epoch,
    epochs: state.params.epochs,
    validationAuc: state.aucHistory.length > 0 ? Math.max(...state.aucHistory) : 0,
    startedMs: String(Date.parse(state.createdAt) || 0),
    finishedMs: String(Number.isFinite(finishedAt) ? finishedAt : 0),
    modelVersion: state.modelVersion,
    errorCode: state.phase === 'failed' ? state.errorCode ?? '' : '',
    errorMessage: state.phase === 'failed' ? state.error ?? '' : '',
    running,
    step: state.step,
    batches: state.batches,
    aucHistory: [...state.aucHistory],
    epochSeconds: [...state.epochSeconds],
    trainSize: state.trainSize,
    validationSize: state.validationSize,
    sites: [state.bank, ...state.passives],
  };
}

/**
 * The jobs, newest first (by creation time). `live` gives the in-memory state of a job being
 * driven (fresher than its record between saves) and says which jobs are running.
 */
export async function listJobs(
  db: Level<string, CoordinatorJobState>, req: ListJobsRequest__Output, live: (jobId: string) => CoordinatorJobState | undefined, running: (jobId: string) => boolean,
): Promise<{ jobs: JobSummary[] }> {
  const limit = req.limit === 0 ? DEFAULT_JOB_LIST_LIMIT : req.limit;
  if (limit > MAX_JOB_LIST_LIMIT) throw new FedcreditError('BAD_REQUEST', `limit ${req.limit} is over ${MAX_JOB_LIST_LIMIT}; ask for fewer jobs`);
  if (req.jobId) {
    const state = live(req.jobId) ?? await db.get(req.jobId);
    if (state) upgradeJobRecord(state);
    if (!state) throw new FedcreditError('NOT_FOUND', `no training job '${req.jobId.slice(0, 70)}' at the coordinator; list the jobs to see their ids`);
    return { jobs: [jobSummary(state, running(req.jobId))] };
  }
  const states: CoordinatorJobState[] = [];
  for await (const stored of db.values()) {
    upgradeJobRecord(stored);
    states.push(live(stored.jobId) ?? stored);
  }
  states.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.jobId < b.jobId ? 1 : -1));
  return { jobs: states.slice(0, limit).map((s) => jobSummary(s, running(s.jobId))) };
}
