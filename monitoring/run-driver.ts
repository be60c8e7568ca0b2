/**
 * A monitoring run at the coordinator (docs/design/monitoring.md 2.2 steps 1-3, 5, 6 and 2.4):
 *
 *  1. Start: the portfolio's model is checked (known, purpose, >= 2 sites, every site up), the
 *     run record `r/<runId>` written, the `monitoring-run` entry appended.
 *  2. Per batch of B items in subject order: each item's consent checked in the coordinator's
 *     ledger (checkMonitoringUse, uses counted per as-of month, ConsentLedger.preload first);
 *     the batch's `rescore-skip` entries (the coordinator's, and the slots a site refused in an
 *     earlier batch) and `rescore` entries appended in ONE appendBatch (one fsync); the batch
 *     written ahead as `logged` in the run record.
 *  3. The batch to every node on one kept-open NodeMonitoring.Rescore stream per node, at most
 *     two batches in flight, with the entries the node has not read and their checkpoint.
 *  5. The nodes' masked vectors summed (scoring/vector-aggregation.ts sumVectors), decoded,
 *     recalibrated and mapped to points as a single query is (applyCalibration, scoreLogit); a
 *     slot any site refused is skipped and logged with the next append; change detection
 *     (changes.ts) gives the items' new state and the events, written with the batch's `done`
 *     in ONE LevelDB batch, so a restart neither loses nor repeats an event.
 *  6. End: NodeMonitoring.FinishRun to each node (its CSI), the run report (PSI against the
 *     model's score deciles), `monitoring-run-end`, and a `run-finished` event.
 *
 * Restart (2.4): a run not finished resumes at start; a `logged` batch is sent again with the
 * same indices (nodes replay their stored answer byte for byte, so the same masks never cover
 * other terms), a batch not yet logged is cut again from the items.
 *
 * Over 400 lines on purpose: start, cut, send, finish and end share the run record and the
 * order of its writes, which is the restart's correctness; the batch's arithmetic and change
 * detection, which need none of that, are run-batch.ts.
 *
 * Residual (written down in monitoring/README.md): a crash between a batch's append and the
 * run record's `logged` write leaves that batch's entries in the log without a record; the
 * resumed run cuts those items again, so the log holds two `rescore` entries for them (no second
 * use: uses are per month), of which only the second is served.
 */
import crypto from 'node:crypto';
import { FedcreditError, isErrorCode } from '../lib/errors.js';
import { makeEntry, type LogEntry } from '../log/entries.js';
import type { CoordinatorLog } from '../log/service.js';
import type { ConsentLedger } from '../consent/ledger.js';
import { storedConsent } from '../consent/record.js';
import { storedConsentHash } from '../consent/terms.js';
import { checkMonitoringUse } from '../consent/monitoring-check.js';
import type { ModelMetadata } from '../training/model-registry.js';
import type { ScoreBins } from '../evaluation/curves.js';
import type { RescoreBatchResponse__Output } from '../proto/gen/fedcredit/v1/RescoreBatchResponse.js';
import type { NewEvent } from './events.js';
import { batchOutcome } from './run-batch.js';
import type { PortfolioItem } from './portfolio-store.js';
import { RunReportBuilder, type SiteCsi } from './run-report.js';
import type { CoordinatorMonitoring, PendingSkip, RunBatchRecord, RunRecord, RunStage, RunTally } from './coordinator-state.js';
import { carry, NodePositions, type NodeLink } from './node-link.js';
import { minDataMonths, modelSites, monitoringModel } from './portfolio-service.js';
import { RescoreStreams } from './rescore-streams.js';

export const DEFAULT_BATCH_SIZE = 4096;
export const MIN_BATCH_SIZE = 256;
export const MAX_BATCH_SIZE = 16_384;
const IN_FLIGHT = 2;
const FINISH_DEADLINE_MS = 30_000;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface RunProgress {
  readonly runId: string;
  readonly stage: RunStage;
  readonly batchesDone: number;
  readonly batches: number;
  readonly scored: number;
  readonly skipped: number;
  readonly changed: number;
  readonly elapsedSeconds: number;
  readonly failure?: { readonly code: string; readonly message: string };
}

export interface RunDriverOptions {
  readonly state: CoordinatorMonitoring;
  readonly ledger: ConsentLedger;
  readonly log: CoordinatorLog;
  readonly models: { get(version: string): Promise<ModelMetadata | undefined> };
  readonly nodes: NodeLink;
  /** Where each node's unread log entries start (shared with the portfolio service). */
  readonly positions?: NodePositions;
  readonly logLine: (line: string) => void;
  /** The coordinator's signature over an answer (scoring/protocol.ts answerStatement), for a change's receipt. */
  readonly sign: (message: Uint8Array) => Uint8Array;
  /** Items per batch: monitoring.batchSize, 256..16384 (checkBatchSize); tests may use fewer. */
  readonly batchSize?: number;
  /**
   * TEST ONLY: awaited after a batch's answers are in and before its `done` write; a driver
   * closed meanwhile then stops there, as a coordinator killed between the two would.
   */
  readonly beforeDone?: (b: { runId: string; batchSeq: number; points: ReadonlyMap<string, number> }) => Promise<void>;
  /** The month a site's features are as of, from its health (coordinator/registrations.ts). */
  readonly siteAsOf?: (site: string) => string | undefined;
  readonly rescoreDeadlineMs?: number;
  /** Metrics (coordinator/metrics.ts). */
  readonly observe?: (o: { kind: 'batch'; scored: number; skipped: readonly string[]; events: readonly NewEvent[] } | { kind: 'end'; outcome: 'finished' | 'failed'; seconds: number; psi?: number; model: string }) => void;
  readonly now?: () => number;
}

export function checkBatchSize(n: number): number {
  if (!Number.isInteger(n) || n < MIN_BATCH_SIZE || n > MAX_BATCH_SIZE) throw new FedcreditError('CONFIG_INVALID', `monitoring.batchSize must be ${MIN_BATCH_SIZE} to ${MAX_BATCH_SIZE}, got ${n}`);
  return n;
}

const portfolioKey = (requester: string, portfolio: string) => `${requester}/${portfolio}`;
/** Stages of a run not ended: resumed at start (2.4). */
export const OPEN_STAGES: ReadonlySet<RunStage> = new Set<RunStage>(['accepted', 'logged', 'batch']);

export class RunDriver {
  readonly #o: RunDriverOptions;
  readonly #active = new Map<string, Promise<RunRecord>>();
  readonly #activeRecords = new Map<string, RunRecord>();
  readonly #listeners = new Map<string, Set<(p: RunProgress) => void>>();
  #closed = false;
  readonly #runStreams = new Set<RescoreStreams>();
  #startLock: Promise<void> = Promise.resolve();
  readonly #positions: NodePositions;
  /** Payload bytes on the Rescore streams since this coordinator started (rescore-streams.ts counts them). */
  readonly wire = { toNodes: 0, fromNodes: 0 };

  constructor(opts: RunDriverOptions) {
    this.#o = opts;
    this.#positions = opts.positions ?? new NodePositions();
    if (opts.batchSize !== undefined && (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > MAX_BATCH_SIZE)) {
      throw new RangeError(`batch size must be 1 to ${MAX_BATCH_SIZE}, got ${opts.batchSize}`);
    }
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** Whether close() was called (the runs in progress stop at their next step). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether the portfolio has a run in progress in this process. */
  busy(requester: string, portfolio: string): boolean {
    return this.#active.has(portfolioKey(requester, portfolio));
  }

  /** The portfolio's run in progress in this process: the month each site's features were as of at its start, and its end. */
  active(requester: string, portfolio: string): { readonly asOf: Readonly<Record<string, string>>; readonly done: Promise<unknown> } | undefined {
    const key = portfolioKey(requester, portfolio);
    const done = this.#active.get(key);
    const rec = this.#activeRecords.get(key);
    return done && rec ? { asOf: rec.asOf, done } : undefined;
  }

  /**
   * Starts a run of one portfolio and resolves with its record when it ends (finished or
   * failed). `progress` sees every stage. Refused at once (the promise rejects) when the
   * portfolio is unknown, its model unfit, a site down, or a run of it in progress.
   */
  async start(r: { requester: string; portfolio: string; trigger: string; asOf?: string }, progress?: (p: RunProgress) => void): Promise<RunRecord> {
    // One start at a time, up to the run being tracked: two triggers of one portfolio (a schedule
    // check and a resume at start, say) must not both start or resume it.
    const started = this.#startLock.then(() => this.#begin(r, progress));
    this.#startLock = started.then(() => undefined, () => undefined);
    return (await started).run;
  }

  async #begin(r: { requester: string; portfolio: string; trigger: string; asOf?: string }, progress?: (p: RunProgress) => void): Promise<{ run: Promise<RunRecord> }> {
    const key = portfolioKey(r.requester, r.portfolio);
    if (this.#active.has(key)) throw new FedcreditError('RUN_IN_PROGRESS', `portfolio ${key} has a run in progress; wait for it to finish`);
    const { state } = this.#o;
    const p = await state.portfolios.require(r.requester, r.portfolio);
    // A run left open (a node was out of reach) is carried on, not started over: its logged batches are served first.
    const openHeader = (await state.runs()).find((x) => x.requester === r.requester && x.portfolio === r.portfolio && OPEN_STAGES.has(x.stage));
    const open = openHeader && await state.run(openHeader.runId);
    if (open && !this.#active.has(key)) {
      this.#o.logLine(`monitoring: resuming run ${open.runId} of ${key} (asked: ${r.trigger})`);
      return { run: this.#track(open, progress) };
    }
    const model = await monitoringModel(this.#o.models, p.modelVersion);
    const sites = modelSites(model);
    const down: string[] = [];
    for (const s of sites) if (!(await this.#o.nodes.address(s))) down.push(s);
    if (down.length > 0) throw new FedcreditError('SHARE_MISSING', `site ${down.join(', ')} of model ${model.modelVersion} is not reachable; a run needs every site, retry when it is up`);
    if (r.asOf !== undefined && r.asOf !== '' && !MONTH.test(r.asOf)) throw new FedcreditError('BAD_REQUEST', `as_of '${r.asOf.slice(0, 16)}' is not YYYY-MM`);
    const asOf: Record<string, string> = {};
    for (const s of sites) {
      const m = r.asOf || this.#o.siteAsOf?.(s);
      if (!m || !MONTH.test(m)) throw new FedcreditError('BAD_REQUEST', `the month site ${s}'s features are as of is not known yet (its health reports none); pass as_of (YYYY-MM)`);
      asOf[s] = m;
    }
    const counts = await state.portfolios.counts(r.requester, r.portfolio);
    const rec: RunRecord = {
      runId: crypto.randomUUID(), requester: r.requester, portfolio: r.portfolio, model: model.modelVersion, trigger: r.trigger,
      asOf, month: Object.values(asOf).sort().at(-1)!, startedMs: this.#now(), items: counts.items,
      batchSize: this.#o.batchSize ?? DEFAULT_BATCH_SIZE, stage: 'accepted', batches: [], pendingSkips: [],
    };
    await state.putRun(rec);
    return { run: this.#track(rec, progress) };
  }

  /** Runs left unfinished by a stop or a crash carry on (2.4); returns their ids. */
  async resumeUnfinished(): Promise<string[]> {
    const resumed = this.#startLock.then(() => this.#resumeAll());
    this.#startLock = resumed.then(() => undefined, () => undefined);
    return resumed;
  }

  async #resumeAll(): Promise<string[]> {
    const open = (await this.#o.state.runs()).filter((r) => OPEN_STAGES.has(r.stage));
    for (const header of open) {
      if (this.#active.has(portfolioKey(header.requester, header.portfolio))) continue;
      const rec = await this.#o.state.run(header.runId);
      if (!rec) continue;
      this.#o.logLine(`monitoring: resuming run ${rec.runId} of ${rec.requester}/${rec.portfolio} at batch ${rec.batches.filter((b) => b.stage === 'done').length}`);
      // #execute logs why a run stopped; nothing else awaits a resumed run.
      void this.#track(rec).catch(() => undefined);
    }
    return open.map((r) => r.runId);
  }

  /** Follows a run in progress in this process (StartRun's stream); returns the function that stops following. */
  follow(runId: string, listener: (p: RunProgress) => void): () => void {
    let set = this.#listeners.get(runId);
    if (!set) this.#listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Waits for every run in progress to stop (close). */
  async close(): Promise<void> {
    this.#closed = true;
    // The runs' streams end at once (their batches stay `logged` and are sent again at the next start).
    for (const s of this.#runStreams) s.close();
    await Promise.allSettled([...this.#active.values()]);
  }

  #track(rec: RunRecord, progress?: (p: RunProgress) => void): Promise<RunRecord> {
    const key = portfolioKey(rec.requester, rec.portfolio);
    if (progress) this.follow(rec.runId, progress);
    const run = this.#execute(rec).finally(() => {
      this.#active.delete(key);
      this.#activeRecords.delete(key);
      this.#listeners.delete(rec.runId);
    });
    this.#active.set(key, run);
    this.#activeRecords.set(key, rec);
    return run;
  }

  #emit(rec: RunRecord, stage: RunStage, failure?: { code: string; message: string }): void {
    const t = rec.tally ?? tallyOf(rec.batches);
    const p: RunProgress = {
      runId: rec.runId, stage, batchesDone: t.batchesDone, batches: Math.max(rec.batches.length, Math.ceil(rec.items / rec.batchSize)),
      scored: t.scored, skipped: t.skipped, changed: t.changed, elapsedSeconds: (this.#now() - rec.startedMs) / 1000, ...(failure ? { failure } : {}),
    };
    for (const l of this.#listeners.get(rec.runId) ?? []) l(p);
  }

  async #execute(rec: RunRecord): Promise<RunRecord> {
    const { state } = this.#o;
    // Record writes go one after another, in the order they are made.
    let writes: Promise<void> = Promise.resolve();
    const serial = <T>(f: () => Promise<T>): Promise<T> => {
      const next = writes.then(f);
      writes = next.then(() => undefined, () => undefined);
      return next;
    };
    const streams = new RescoreStreams(this.#o.nodes, this.#positions, this.#o.rescoreDeadlineMs ?? 60_000, this.wire);
    this.#runStreams.add(streams);
    try {
      this.#emit(rec, 'accepted');
      if (rec.batches.length > 0) {
        // A resumed run: its batches written once more under their own keys (a record written
        // before they had them held them inline), and its tally made if it had none.
        rec.tally ??= tallyOf(rec.batches);
        await serial(() => state.putRun(rec, rec.batches));
      }
      const model = await monitoringModel(this.#o.models, rec.model);
      const portfolio = await state.portfolios.require(rec.requester, rec.portfolio);
      const sites = modelSites(model);
      if (rec.runIndex === undefined) {
        const { index } = await this.#o.log.append(makeEntry('monitoring-run', {
          runId: rec.runId, requester: rec.requester, portfolio: rec.portfolio, model: rec.model, purpose: 'loan-monitoring',
          participants: sites, asOf: { ...rec.asOf }, trigger: rec.trigger, items: rec.items,
          sealingKey: portfolio.sealingKey, sealingKeySignature: portfolio.sealingKeySignature, time: this.#now(),
        }));
        rec.runIndex = index;
        rec.stage = 'logged';
        await serial(() => state.putRun(rec));
      }
      this.#emit(rec, 'logged');
      const scoreBins = (model.metrics['report'] as { scoreBins?: ScoreBins } | undefined)?.scoreBins;
      const builder = new RunReportBuilder({ runId: rec.runId, requester: rec.requester, portfolio: rec.portfolio, model: rec.model, trigger: rec.trigger, asOf: { ...rec.asOf }, startedMs: rec.startedMs }, scoreBins);
      for (const b of rec.batches) if (b.stage === 'done' && b.summary) builder.addBatch({ ...b.summary, firstIndex: b.appendFirst, entries: b.appendEntries });

      const ctx: BatchContext = { rec, model, sites, builder, serial, streams };
      const inFlight: Promise<void>[] = [];
      const dispatch = async (b: RunBatchRecord) => {
        if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
        const p = this.#runBatch(ctx, b);
        p.catch(() => undefined);
        inFlight.push(p);
      };
      // Logged before a restart: sent again with the same indices (nodes replay).
      for (const b of rec.batches.filter((x) => x.stage === 'logged')) await dispatch(b);
      const items = state.portfolios.active(rec.requester, rec.portfolio);
      for (;;) {
        if (this.#closed) throw new FedcreditError('UNAVAILABLE', 'the coordinator is stopping; the run resumes at its next start');
        const cut: PortfolioItem[] = [];
        for (;;) {
          if (cut.length === rec.batchSize) break;
          const n = await items.next();
          if (n.done) break;
          if (rec.cursor !== undefined && n.value.subject <= rec.cursor) continue;
          cut.push(n.value);
        }
        if (cut.length === 0) break;
        const b = await this.#logBatch(ctx, cut);
        this.#emit(rec, 'batch');
        if (b.count > 0) await dispatch(b);
        else await this.#finishBatch(ctx, b, new Map(), [], 0);
      }
      await Promise.all(inFlight);
      await writes;
      return await this.#end(ctx);
    } catch (err) {
      const e = err instanceof FedcreditError ? err : new FedcreditError('INTERNAL', (err as Error).message ?? String(err));
      this.#o.logLine(`monitoring: run ${rec.runId} stopped: ${e.code}: ${e.message}`);
      // A stop, or a node out of reach, leaves the run to resume (at the next start, or the
      // portfolio's next run or schedule check): its logged batches are then sent again, so
      // every logged rescore is served in the end. A refusal (REPLAY_UNKNOWN, QUERY_NOT_LOGGED,
      // ...) is final: a new run starts over.
      const resumable = this.#closed || e.code === 'UNAVAILABLE' || e.code === 'SHARE_MISSING';
      if (!resumable) {
        rec.stage = 'failed';
        rec.failure = { code: e.code, message: e.message };
        rec.finishedMs = this.#now();
        await writes;
        await state.putRun(rec).catch((w: unknown) => this.#o.logLine(`monitoring: run ${rec.runId}: its failure could not be recorded (${(w as Error).message}); it resumes at the next start`));
        this.#o.observe?.({ kind: 'end', outcome: 'failed', seconds: (rec.finishedMs - rec.startedMs) / 1000, model: rec.model });
      } else if (!this.#closed) {
        this.#o.logLine(`monitoring: run ${rec.runId} of ${rec.requester}/${rec.portfolio} resumes at the portfolio's next run or schedule check`);
      }
      this.#emit(rec, 'failed', { code: e.code, message: e.message });
      throw e;
    } finally {
      streams.close();
      this.#runStreams.delete(streams);
    }
  }

  /** Step 2: checks, one append for the batch's skips and rescores, the batch logged ahead. */
  async #logBatch(ctx: BatchContext, cut: readonly PortfolioItem[]): Promise<RunBatchRecord> {
    const { rec, sites } = ctx;
    const { ledger } = this.#o;
    await ledger.preload(cut.map((i) => i.consentId), { month: rec.month, subjects: cut.map((i) => i.subject) });
    const scored: PortfolioItem[] = [];
    const skips: PendingSkip[] = [];
    const written: Promise<void>[] = [];
    const minMonths = minDataMonths(sites);
    for (const item of cut) {
      // Verified (signature included) when the bank added the item: not verified again per run.
      const consent = storedConsent(item.consent);
      if (!consent.ok) {
        skips.push({ subject: item.subject, consentId: item.consentId, refusedBy: 'coordinator', code: 'CONSENT_MALFORMED' });
        continue;
      }
      const v = await checkMonitoringUse(ledger, consent.value, {
        requester: { name: rec.requester, key: consent.value.requester.key }, subject: item.subject, sites, runId: rec.runId, asOf: rec.month,
        minDataMonths: minMonths, deferWrite: true, now: this.#now(),
      });
      if (!v.ok) skips.push({ subject: item.subject, consentId: item.consentId, refusedBy: 'coordinator', code: v.code });
      else {
        scored.push(item);
        if (v.written) written.push(v.written);
      }
    }
    const carried = rec.pendingSkips.splice(0);
    const skipEntry = (s: PendingSkip): LogEntry => makeEntry('rescore-skip', {
      run: rec.runIndex!, requester: rec.requester, subject: s.subject, consentId: s.consentId, refusedBy: s.refusedBy, reason: s.code, time: this.#now(),
    });
    const entries: LogEntry[] = [
      ...carried.map(skipEntry), ...skips.map(skipEntry),
      ...scored.map((i) => {
        return makeEntry('rescore', {
          run: rec.runIndex!, requester: rec.requester, subject: i.subject, consentId: i.consentId, consentHash: storedConsentHash(i.consent), sites, time: this.#now(),
        });
      }),
    ];
    // The uses and the entries are both durable before any node is asked.
    const [{ first }] = await Promise.all([this.#o.log.appendBatch(entries), ...written]);
    const nSkips = carried.length + skips.length;
    const b: RunBatchRecord = {
      batchSeq: rec.batches.length, firstIndex: first + nSkips, count: scored.length, stage: 'logged',
      subjects: scored.map((i) => i.subject), appendFirst: first, appendEntries: entries.length, skips,
    };
    rec.batches.push(b);
    rec.cursor = cut[cut.length - 1]!.subject;
    if (rec.stage !== 'batch') rec.stage = 'batch';
    await ctx.serial(() => this.#o.state.putRun(rec, [b]));
    return b;
  }

  /** Steps 3 and 5 for one logged batch. */
  async #runBatch(ctx: BatchContext, b: RunBatchRecord): Promise<void> {
    const started = this.#now();
    const { rec, sites } = ctx;
    const upTo = b.appendFirst + b.appendEntries;
    const answers = await Promise.all(sites.map(async (site) => {
      const res = await ctx.streams.ask(site, async (from) => ({
        runId: rec.runId, runIndex: String(rec.runIndex), batchSeq: b.batchSeq, firstIndex: String(b.firstIndex), count: b.count,
        ...(await carry(this.#o.log, from, upTo)),
      }), b.batchSeq, upTo);
      if (res.failure) throw new FedcreditError(isErrorCode(res.failure.code) ? res.failure.code : 'INTERNAL', `site ${site}: ${res.failure.message}`);
      if (res.site !== site) throw new FedcreditError('INTERNAL', `site ${site} answered as ${res.site}`);
      if (res.shares.length !== 8 * b.count) throw new FedcreditError('INTERNAL', `site ${site} sent ${res.shares.length} share bytes for ${b.count} slots`);
      return res;
    }));
    const refused = new Map<number, { site: string; code: string }>();
    for (const a of answers) for (const r of a.refused) if (!refused.has(r.offset)) refused.set(r.offset, { site: a.site, code: r.code || 'POLICY_REFUSED' });
    await this.#finishBatch(ctx, b, refused, answers, started);
  }

  /** Step 5: the batch's outcome (run-batch.ts), then the items' state, the events and the batch's `done` in one LevelDB batch. */
  async #finishBatch(ctx: BatchContext, b: RunBatchRecord, refused: ReadonlyMap<number, { site: string; code: string }>, answers: readonly RescoreBatchResponse__Output[], started: number): Promise<void> {
    const { rec, model, builder } = ctx;
    const { state } = this.#o;
    const entryBytes = b.count > 0 ? await this.#o.log.store.entries(b.firstIndex, b.firstIndex + b.count) : [];
    const current = new Map<string, PortfolioItem>();
    const subjects = [...b.skips.map((x) => x.subject), ...b.subjects];
    const found = await state.portfolios.items(rec.requester, rec.portfolio, subjects);
    subjects.forEach((subject, k) => {
      const item = found[k];
      if (item) current.set(subject, item);
    });
    const now = this.#now();
    const { items, events, results, skippedCodes, newSkips } = batchOutcome({
      run: rec, model, batch: b, items: current, answers, refused, entries: entryBytes, keyStatement: (site) => ctx.streams.keyStatement(site), sign: this.#o.sign, now,
    });
    if (this.#o.beforeDone) {
      await this.#o.beforeDone({ runId: rec.runId, batchSeq: b.batchSeq, points: new Map(items.flatMap((i) => (i.last?.runId === rec.runId ? [[i.subject, i.last.points] as const] : []))) });
      if (this.#closed) throw new FedcreditError('UNAVAILABLE', 'the coordinator is stopping; the batch is sent again at the next start');
    }
    const changed = events.filter((e) => e.kind === 'change').length;
    const summary = { scored: results, skipped: skippedCodes, changed, seconds: (this.#now() - (started || now)) / 1000 };
    await ctx.serial(async () => {
      const prepared = await state.events.prepare(rec, events);
      const idx = rec.batches.findIndex((x) => x.batchSeq === b.batchSeq);
      const done: RunBatchRecord = { ...b, stage: 'done', summary };
      rec.batches[idx] = done;
      rec.pendingSkips.push(...newSkips);
      const t = rec.tally ??= tallyOf([]);
      t.batchesDone++;
      t.scored += results.length;
      t.skipped += skippedCodes.length;
      t.changed += changed;
      try {
        await state.db.batch([
          ...items.map((i) => state.portfolios.itemOp(rec.requester, rec.portfolio, i)), ...prepared.ops, ...(await state.runOps(rec, [done])),
        ], { sync: true });
      } catch (err) {
        prepared.abandon();
        throw err;
      }
      prepared.commit();
    });
    builder.addBatch({ ...summary, firstIndex: b.appendFirst, entries: b.appendEntries });
    this.#o.observe?.({ kind: 'batch', scored: results.length, skipped: skippedCodes, events });
    this.#emit(rec, 'batch');
  }

  /** Step 6. */
  async #end(ctx: BatchContext): Promise<RunRecord> {
    const { rec, sites, builder } = ctx;
    const { state } = this.#o;
    const csi: SiteCsi[] = await Promise.all(sites.map(async (site): Promise<SiteCsi> => {
      try {
        const address = await this.#o.nodes.address(site);
        if (!address) throw new FedcreditError('UNAVAILABLE', 'not reachable');
        const client = this.#o.nodes.client(site, address);
        const res = await new Promise<{ covered: number; insufficient: boolean; features: { feature: string; csi: number; level: string }[]; sharePolicy: string }>((resolve, reject) => {
          client.FinishRun({ runId: rec.runId }, { deadline: Date.now() + FINISH_DEADLINE_MS }, (err, r) => (err || !r ? reject(err ?? new Error('no answer')) : resolve(r)));
        });
        if (res.insufficient) return { site, covered: res.covered, insufficient: true };
        if (res.sharePolicy === 'none') return { site, covered: res.covered, withheld: true };
        return { site, covered: res.covered, features: res.features.map((f) => ({ feature: f.feature, csi: f.csi, level: f.level as never })) };
      } catch (err) {
        this.#o.logLine(`monitoring: run ${rec.runId}: FinishRun at ${site} failed (${(err as Error).message}); its drift figures are missing from the report`);
        return { site, covered: 0, withheld: true };
      }
    }));
    const finishedMs = this.#now();
    const report = builder.build(csi, finishedMs);
    const skipped = Object.values(report.skipped).reduce((a, n) => a + n, 0);
    const skipEntries = rec.pendingSkips.splice(0).map((s) => makeEntry('rescore-skip', {
      run: rec.runIndex!, requester: rec.requester, subject: s.subject, consentId: s.consentId, refusedBy: s.refusedBy, reason: s.code, time: finishedMs,
    }));
    const { first } = await this.#o.log.appendBatch([...skipEntries, makeEntry('monitoring-run-end', {
      run: rec.runIndex!, scored: report.scored, skipped, changed: report.changed, time: finishedMs,
    })]);
    rec.stage = 'finished';
    rec.finishedMs = finishedMs;
    rec.endIndex = first + skipEntries.length;
    rec.report = report;
    const psi = 'value' in report.psi ? report.psi : undefined;
    const prepared = await state.events.prepare(rec, [{
      kind: 'run-finished', portfolio: rec.portfolio, runId: rec.runId, timeMs: finishedMs,
      run: { runId: rec.runId, scored: report.scored, skipped, changed: report.changed, ...(psi ? { psi: psi.value, psiLevel: psi.level } : {}) },
    }]);
    try {
      await state.db.batch([...prepared.ops, ...(await state.runOps(rec))], { sync: true });
    } catch (err) {
      prepared.abandon();
      throw err;
    }
    prepared.commit();
    this.#o.observe?.({ kind: 'end', outcome: 'finished', seconds: (finishedMs - rec.startedMs) / 1000, ...(psi ? { psi: psi.value } : {}), model: rec.model });
    this.#o.logLine(`monitoring: run ${rec.runId} of ${rec.requester}/${rec.portfolio} finished: ${report.scored} scored, ${skipped} skipped, ${report.changed} changed`);
    this.#emit(rec, 'finished');
    return rec;
  }
}

/** The running figures of a run's done batches. */
function tallyOf(batches: readonly RunBatchRecord[]): RunTally {
  const t: RunTally = { batchesDone: 0, scored: 0, skipped: 0, changed: 0 };
  for (const b of batches) {
    if (b.stage !== 'done' || !b.summary) continue;
    t.batchesDone++;
    t.scored += b.summary.scored.length;
    t.skipped += b.summary.skipped.length;
    t.changed += b.summary.changed;
  }
  return t;
}

interface BatchContext {
  readonly rec: RunRecord;
  readonly model: ModelMetadata;
  readonly sites: readonly string[];
  readonly builder: RunReportBuilder;
  readonly serial: <T>(f: () => Promise<T>) => Promise<T>;
  readonly streams: RescoreStreams;
}
