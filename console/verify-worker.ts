/**
 * The auditor's console runs `audit verify` (docs/design/console.md 4.4) in a worker thread,
 * with the same log/audit/ functions as `fedcredit audit verify` and the console's --state file,
 * so a long verification (a 100,000-entry monitoring run re-checked) never blocks the pages.
 * One run at a time (VerifyRunner.start refuses a second with RUN_IN_PROGRESS); each run is kept
 * in the console's LevelDB (`v/<started ms:016x>`): time, tree size, checkpoint root,
 * findings (code, entry index, site, message), so /verify and / show the history after a restart.
 *
 * The worker gets the TLS folder's path, not the key bytes, and loads it itself. From source
 * (vitest without a build) a .ts file cannot be a plain worker, so the run happens in-thread.
 */
import fs from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Level } from 'level';
import { auditVerify, type AuditSummary } from '../log/audit/verify.js';
import { INSECURE, loadTlsMaterial, type Transport } from '../lib/tls.js';
import { FedcreditError } from '../lib/errors.js';

export interface VerifyJob {
  readonly coordinator: string;
  /** The auditor's TLS folder, or undefined for an insecure test federation. */
  readonly tlsDir: string | undefined;
  readonly stateFile: string;
  readonly trustedRegistrars: readonly string[];
  readonly quorum?: number;
  readonly full?: boolean;
}

export interface VerifyFinding {
  readonly code: string;
  readonly index: number | null;
  /** The node a finding names (`node tax ...`), if any. */
  readonly site: string | null;
  readonly message: string;
}

export interface VerifyRun {
  readonly id: string;
  readonly started: number;
  readonly finished: number | null;
  readonly state: 'running' | 'ok' | 'findings' | 'failed';
  readonly treeSize: number | null;
  readonly root: string | null;
  readonly cosignedBy: readonly string[];
  readonly newEntries: number;
  readonly findings: readonly VerifyFinding[];
  /** Why the run could not complete (no findings then): an error code and message. */
  readonly error: { code: string; message: string } | null;
}

const WORKER_FLAG = 'fedcredit-console-verify';
const RUN_PREFIX = 'v/';

function transportOf(job: VerifyJob): Transport {
  return job.tlsDir === undefined ? INSECURE : { kind: 'tls', material: loadTlsMaterial(job.tlsDir) };
}

function summaryToRun(id: string, started: number, s: AuditSummary): VerifyRun {
  return {
    id, started, finished: Date.now(), state: s.ok ? 'ok' : 'findings',
    treeSize: s.checkpoint?.size ?? null, root: s.checkpoint?.root ?? null, cosignedBy: s.checkpoint?.cosignedBy ?? [], newEntries: s.newEntries,
    findings: s.findings.map((f) => ({ code: f.code, index: f.index ?? null, site: /\bnode ([a-z0-9][a-z0-9-]{0,62})\b/.exec(f.message)?.[1] ?? null, message: f.message })),
    error: null,
  };
}

async function verifyHere(job: VerifyJob): Promise<AuditSummary> {
  return auditVerify({
    coordinator: job.coordinator, transport: transportOf(job), stateFile: job.stateFile, trustedRegistrars: job.trustedRegistrars,
    full: Boolean(job.full), ...(job.quorum !== undefined ? { quorum: job.quorum } : {}),
  });
}

type WorkerReply = { ok: true; summary: AuditSummary } | { ok: false; code: string; message: string };

function verifyInWorker(job: VerifyJob): Promise<AuditSummary> {
  const url = new URL('./verify-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.js') || !fs.existsSync(url)) return verifyHere(job);
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: { [WORKER_FLAG]: job } });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.summary);
      else reject(new FedcreditError(reply.code as ConstructorParameters<typeof FedcreditError>[0], reply.message));
    });
    worker.once('error', (err) => { settled = true; reject(err); });
    worker.once('exit', (code) => { if (!settled) reject(new Error(`the verify worker exited with code ${code} before answering`)); });
  });
}

/** Runs verify one at a time and keeps every run in the console's LevelDB. */
export class VerifyRunner {
  readonly #db: Level<string, string>;
  readonly #job: VerifyJob;
  #current: VerifyRun | undefined;
  #done: Promise<VerifyRun> | undefined;

  constructor(db: Level<string, string>, job: VerifyJob) {
    this.#db = db;
    this.#job = job;
  }

  get running(): VerifyRun | undefined {
    return this.#current;
  }

  /** Starts a run; throws RUN_IN_PROGRESS while one runs. `finished` resolves when it ends. */
  start(full = false): { run: VerifyRun; finished: Promise<VerifyRun> } {
    if (this.#current) throw new FedcreditError('RUN_IN_PROGRESS', `verify run ${this.#current.id} is still running; wait for it to finish`);
    const started = Date.now();
    const id = started.toString(16).padStart(16, '0');
    const run: VerifyRun = { id, started, finished: null, state: 'running', treeSize: null, root: null, cosignedBy: [], newEntries: 0, findings: [], error: null };
    this.#current = run;
    this.#done = verifyInWorker({ ...this.#job, full })
      .then((s) => summaryToRun(id, started, s))
      .catch((err: unknown): VerifyRun => ({
        ...run, finished: Date.now(), state: 'failed',
        error: { code: err instanceof FedcreditError ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) },
      }))
      .then(async (done) => {
        await this.#db.put(`${RUN_PREFIX}${id}`, JSON.stringify(done));
        return done;
      })
      .finally(() => { this.#current = undefined; });
    return { run, finished: this.#done };
  }

  async get(id: string): Promise<VerifyRun | undefined> {
    if (this.#current?.id === id) return this.#current;
    if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
    const v = await this.#db.get(`${RUN_PREFIX}${id}`);
    return v === undefined ? undefined : JSON.parse(v) as VerifyRun;
  }

  /** The newest runs first (the running one on top). */
  async list(limit = 50): Promise<VerifyRun[]> {
    const out: VerifyRun[] = this.#current ? [this.#current] : [];
    for await (const [, v] of this.#db.iterator({ gte: RUN_PREFIX, lt: `${RUN_PREFIX}\uffff`, reverse: true, limit })) out.push(JSON.parse(v) as VerifyRun);
    return out.slice(0, limit);
  }
}

// The worker's side: run once and answer.
const job = (isMainThread ? undefined : (workerData as Record<string, unknown> | null)?.[WORKER_FLAG]) as VerifyJob | undefined;
if (job !== undefined && parentPort !== null) {
  const port = parentPort;
  verifyHere(job).then(
    (summary) => port.postMessage({ ok: true, summary } satisfies WorkerReply),
    (err: unknown) => port.postMessage({ ok: false, code: err instanceof FedcreditError ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
}
