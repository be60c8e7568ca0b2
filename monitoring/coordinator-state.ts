/**
 * The coordinator's monitoring state (issue 21, docs/design/monitoring.md sections 1, 2.4): one
 * LevelDB at `<data>/monitoring` whose `monitoring` sublevel holds the portfolios and items
 * (portfolio-store.ts), the events and their cursors (events.ts) and the run records
 * `r/<runId>` (below). One database, so a batch's items, events and the run record's `done`
 * are one LevelDB batch: a restart neither loses nor repeats an event.
 *
 * Why its own database and not a sublevel of the consent ledger's (`<data>/consent`, which the
 * design calls "beside the consent ledger"): the ledger's store is typed to strings and owned
 * by scoring/coordinator.ts; the run's atomic write covers items, events and the run record,
 * none of which is the ledger's, so nothing needs the two in one batch. Backups list both.
 *
 * A run record is written ahead, per batch: `{batchSeq, firstIndex, count, stage: logged|done}`
 * (section 2.4), with what a resumed run needs to carry on (the items cut so far, the skips a
 * node asked for that are not yet logged, the report's running figures).
 *
 * Stored as a header `r/<runId>` (the run without its batches, with the running tally) and one
 * key per batch `b/<runId>/<seq>`, each write carrying the header and the one batch it changed:
 * a run of 100,000 items in 25 batches once rewrote the whole record (every batch's subjects and
 * results) twice per batch, ~230 MB of JSON per run, and every schedule check and run list read
 * every past run's batches. A run's batches are deleted when it ends (finished or failed): the
 * report holds what is kept; only a resumed run reads them. A header written before this layout
 * may still hold its batches inline; it is read as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { EventStore } from './events.js';
import { PortfolioStore } from './portfolio-store.js';
import type { MonitoringRunReport, RunItemResult } from './run-report.js';

export type RunStage = 'accepted' | 'logged' | 'batch' | 'finished' | 'failed';

/** A skip to log (`rescore-skip`): by the coordinator at the batch's cut, or by a site's refusal of a slot. */
export interface PendingSkip {
  readonly subject: string;
  readonly consentId: string;
  readonly refusedBy: string;
  readonly code: string;
}

export interface RunBatchRecord {
  readonly batchSeq: number;
  /** The batch's `rescore` entries are [firstIndex, firstIndex + count). */
  readonly firstIndex: number;
  readonly count: number;
  readonly stage: 'logged' | 'done';
  /** The re-scored subjects, slot by slot. */
  readonly subjects: readonly string[];
  /** Index of the first entry the batch's append wrote (skips come before the rescores). */
  readonly appendFirst: number;
  readonly appendEntries: number;
  /** The coordinator's skips logged in this batch's append (their items' state is written with `done`). */
  readonly skips: readonly PendingSkip[];
  /** Once done: what the report adds for it (run-report.ts RunReportBuilder.addBatch). */
  readonly summary?: { readonly scored: readonly RunItemResult[]; readonly skipped: readonly string[]; readonly changed: number; readonly seconds: number };
}

export interface RunRecord {
  readonly runId: string;
  readonly requester: string;
  readonly portfolio: string;
  readonly model: string;
  readonly trigger: string;
  /** Site -> YYYY-MM, and the month the uses count against (the latest of them). */
  readonly asOf: Readonly<Record<string, string>>;
  readonly month: string;
  readonly startedMs: number;
  readonly items: number;
  readonly batchSize: number;
  stage: RunStage;
  /** The `monitoring-run` entry, once logged. */
  runIndex?: number;
  /** The last subject cut into a batch: the next batch starts after it. */
  cursor?: string;
  batches: RunBatchRecord[];
  /** Skips a site asked for in a done batch, logged with the next append. */
  pendingSkips: PendingSkip[];
  finishedMs?: number;
  endIndex?: number;
  failure?: { readonly code: string; readonly message: string };
  report?: MonitoringRunReport;
  /** Running figures of the done batches (kept in the header, so listing a run in progress reads no batch). */
  tally?: RunTally;
}

export interface RunTally {
  batchesDone: number;
  scored: number;
  skipped: number;
  changed: number;
}

/** A run as listed: its header, without the batches (`CoordinatorMonitoring.run` reads those). */
export type RunHeader = Omit<RunRecord, 'batches'>;

type Root = Level<string, unknown>;
type Json = Record<string, unknown>;

export type RunRecordOp =
  | { readonly type: 'put'; readonly sublevel: EventStore['sublevel']; readonly key: string; readonly value: Json }
  | { readonly type: 'del'; readonly sublevel: EventStore['sublevel']; readonly key: string };

const runKey = (runId: string): string => `r/${encodeURIComponent(runId)}`;
const batchPrefix = (runId: string): string => `b/${encodeURIComponent(runId)}/`;
const batchKey = (runId: string, seq: number): string => `${batchPrefix(runId)}${String(seq).padStart(8, '0')}`;
const ENDED: ReadonlySet<RunStage> = new Set<RunStage>(['finished', 'failed']);

export class CoordinatorMonitoring {
  readonly db: Root;
  readonly portfolios: PortfolioStore;
  readonly events: EventStore;

  private constructor(db: Root) {
    this.db = db;
    this.portfolios = new PortfolioStore(db);
    this.events = new EventStore(db);
  }

  static async open(dataDir: string): Promise<CoordinatorMonitoring> {
    const dir = path.join(dataDir, 'monitoring');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
    await db.open();
    return new CoordinatorMonitoring(db);
  }

  /** A run with its batches (those of a run not ended: an ended run keeps none). */
  async run(runId: string): Promise<RunRecord | undefined> {
    const header = (await this.events.sublevel.get(runKey(runId))) as unknown as (RunHeader & { batches?: RunBatchRecord[] }) | undefined;
    if (!header) return undefined;
    if (header.batches && header.batches.length > 0) return header as RunRecord;
    const batches: RunBatchRecord[] = [];
    for await (const v of this.events.sublevel.values({ gte: batchPrefix(runId), lt: `${batchPrefix(runId)}\xff` })) batches.push(v as unknown as RunBatchRecord);
    return { ...header, batches };
  }

  /**
   * The operations that write a run: its header and the batches given (the one that changed;
   * every batch once when a run resumes). A run that ended (finished or failed) deletes its
   * stored batches instead.
   */
  async runOps(r: RunRecord, batches: readonly RunBatchRecord[] = []): Promise<RunRecordOp[]> {
    const { sublevel } = this.events;
    const { batches: _batches, ...header } = r;
    void _batches;
    const ops: RunRecordOp[] = [{ type: 'put', sublevel, key: runKey(r.runId), value: JSON.parse(JSON.stringify(header)) as Json }];
    if (ENDED.has(r.stage)) {
      for await (const key of sublevel.keys({ gte: batchPrefix(r.runId), lt: `${batchPrefix(r.runId)}\xff` })) ops.push({ type: 'del', sublevel, key });
    } else {
      for (const b of batches) ops.push({ type: 'put', sublevel, key: batchKey(r.runId, b.batchSeq), value: JSON.parse(JSON.stringify(b)) as Json });
    }
    return ops;
  }

  /** Writes a run's header (and the batches given) alone, synced (write-ahead). */
  async putRun(r: RunRecord, batches: readonly RunBatchRecord[] = []): Promise<void> {
    await this.db.batch(await this.runOps(r, batches), { sync: true });
  }

  /** Every run's header, oldest first by start time. */
  async runs(): Promise<RunHeader[]> {
    const out: RunHeader[] = [];
    for await (const v of this.events.sublevel.values({ gte: 'r/', lt: 'r/\xff' })) {
      const { batches: _inline, ...header } = v as unknown as RunRecord;
      void _inline;
      out.push(header);
    }
    return out.sort((a, b) => a.startedMs - b.startedMs);
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.db.close();
  }
}
