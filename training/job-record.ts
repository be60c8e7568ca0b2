/**
 * The coordinator's durable record of a training job (one JSON value per job in
 * `<data>/training`, training/driver.ts): where the job stands, its model kind's slice, and the
 * lease of the one driver allowed to write it (issue 20).
 */
import type { KindState, EpochOutcome } from './model-kind.js';
import type { TrainingParams } from './schedule.js';
import { DEFAULT_MODEL_KIND } from '../models/registry.js';

export type Phase = 'starting' | 'training' | 'evaluating' | 'finishing' | 'done' | 'failed';

export interface CoordinatorJobState {
  jobId: string;
  alignmentId: string;
  alignmentDigest: string;
  purpose: string;
  params: TrainingParams;
  plaintext: boolean;
  bank: string;
  passives: string[];
  sites: { site: string; role: 'bank' | 'passive'; featureCount: number }[];
  trainSize: number;
  validationSize: number;
  /** Aligned positions outside the bank's labelled population, left out by every site. */
  modelVersion: string;
  /** The job's model kind (training/model-kind.ts) and its slice of this record (LR: the key pair, the write-ahead decryption). */
  modelKind: string;
  kindState: KindState;
  logIndex?: number;
  entryB64?: string;
  /** The log's size before the job's entry was appended (where a replay looks for it). */
  logSizeBefore?: number;
  phase: Phase;
  epoch: number;
  step: number;
  batches: number;
  outcome?: EpochOutcome;
  aucHistory: number[];
  epochSeconds: number[];
  bytesOnWire: number;
  error?: string;
  /** The failed job's stable error code (lib/errors.ts), for Training.ListJobs. */
  errorCode?: string;
  createdAt: string;
  /** Who drives the job: renewed with every save; see the module comment. */
  lease?: JobLease;
}

/** The driver's lease on a job, kept in the job record. */
export interface JobLease {
  /** The coordinator process (one random id per open store). */
  holder: string;
  /** +1 at every take-over: the number of drivers the job has had. */
  generation: number;
  takenAt: string;
  renewedAt: string;
}

/** A job record stored before model kinds (LR's key pair and decryption at the top level): read as an LR job. */
export function upgradeJobRecord(state: CoordinatorJobState): void {
  const legacy = state as CoordinatorJobState & { keys?: unknown; decrypted?: unknown };
  if (legacy.kindState !== undefined) return;
  state.modelKind = DEFAULT_MODEL_KIND;
  state.kindState = { keys: legacy.keys, ...(legacy.decrypted !== undefined ? { decrypted: legacy.decrypted } : {}) };
  delete legacy.keys;
  delete legacy.decrypted;
}
