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
}

type Root = Level<string, unknown>;
type Json = Record<string, unknown>;

export interface RunRecordOp {
  readonly type: 'put';
  readonly sublevel: EventStore['sublevel'];
  readonly key: string;
  readonly value: Json;
}

const runKey = (runId: string): string => `r/${encodeURIComponent(runId)}`;

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

  async run(runId: string): Promise<RunRecord | undefined> {
    return (await this.events.sublevel.get(runKey(runId))) as unknown as RunRecord | undefined;
  }

  /** The operation that writes a run record, for the caller's batch. */
  runOp(r: RunRecord): RunRecordOp {
    return { type: 'put', sublevel: this.events.sublevel, key: runKey(r.runId), value: JSON.parse(JSON.stringify(r)) as Json };
  }

  /** Writes a run record alone, synced (write-ahead). */
  async putRun(r: RunRecord): Promise<void> {
    await this.db.batch([this.runOp(r)], { sync: true });
  }

  /** Every run record, oldest first by start time. */
  async runs(): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for await (const v of this.events.sublevel.values({ gte: 'r/', lt: 'r/\xff' })) out.push(v as unknown as RunRecord);
    return out.sort((a, b) => a.startedMs - b.startedMs);
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.db.close();
  }
}
