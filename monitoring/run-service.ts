/**
 * The Monitoring service's run calls (StartRun, ListRuns, GetRunReport) and what starts runs
 * without a call (docs/design/monitoring.md 2.1): the schedule (a portfolio's own or the
 * coordinator's `monitoring.schedule`; a fire missed while the coordinator was down runs once at
 * start) and the ingest trigger (a site's features changed: every portfolio whose model uses
 * the site runs once no other change came for `monitoring.ingestDebounceMs`).
 *
 * A requester reaches its own portfolios only (its TLS name) and starts at most one run of a
 * portfolio a day by hand; the coordinator's operator starts any ("requester/name") or every
 * portfolio (empty name).
 */
import type * as grpc from '@grpc/grpc-js';
import { FedcreditError } from '../lib/errors.js';
import { toServiceError, unary } from '../lib/grpc.js';
import { callerIdentity } from '../lib/tls.js';
import type { MonitoringHandlers } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { StartRunRequest__Output } from '../proto/gen/fedcredit/v1/StartRunRequest.js';
import type { RunProgress as RunProgressMessage } from '../proto/gen/fedcredit/v1/RunProgress.js';
import type { RunSummary as RunSummaryMessage } from '../proto/gen/fedcredit/v1/RunSummary.js';
import type { MonitoringRunReport as ReportMessage } from '../proto/gen/fedcredit/v1/MonitoringRunReport.js';
import type { ModelMetadata } from '../training/model-registry.js';
import type { CoordinatorMonitoring, RunHeader } from './coordinator-state.js';
import { OPEN_STAGES, type RunDriver, type RunProgress } from './run-driver.js';
import { DEFAULT_SCHEDULE, missedFire, parseSchedule } from './schedule.js';

const DAY_MS = 86_400_000;
const MAX_RUNS_LISTED = 100;
export const DEFAULT_INGEST_DEBOUNCE_MS = 600_000;
const SCHEDULE_CHECK_MS = 60_000;

export interface RunServiceDeps {
  readonly state: CoordinatorMonitoring;
  readonly driver: RunDriver;
  readonly models: { get(version: string): Promise<ModelMetadata | undefined> };
  readonly logLine: (line: string) => void;
  /** monitoring.schedule (default "0 2 1 * *"). */
  readonly schedule?: string;
  /** monitoring.onIngest (default true) and monitoring.ingestDebounceMs (default 600,000). */
  readonly onIngest?: boolean;
  readonly ingestDebounceMs?: number;
  readonly now?: () => number;
}

function progressMessage(p: RunProgress): RunProgressMessage {
  return {
    runId: p.runId, stage: p.stage, batchesDone: p.batchesDone, batches: p.batches, scored: p.scored, skipped: p.skipped, changed: p.changed,
    elapsedSeconds: p.elapsedSeconds, ...(p.failure ? { failure: { code: p.failure.code, message: p.failure.message } } : {}),
  };
}

export function runSummary(r: RunHeader): RunSummaryMessage {
  const rep = r.report;
  const scored = rep?.scored ?? r.tally?.scored ?? 0;
  const skipped = rep ? Object.values(rep.skipped).reduce((a, n) => a + n, 0) : r.tally?.skipped ?? 0;
  const psi = rep && 'value' in rep.psi ? rep.psi : undefined;
  return {
    runId: r.runId, requester: r.requester, portfolio: r.portfolio, modelVersion: r.model, trigger: r.trigger, asOf: r.month,
    startedMs: r.startedMs, finishedMs: r.finishedMs ?? 0, stage: r.stage, items: r.items, scored, skipped,
    changed: rep?.changed ?? r.tally?.changed ?? 0,
    psi: psi?.value ?? 0, psiLevel: psi?.level ?? (rep ? 'insufficient' : ''),
    csiMax: (rep?.csi ?? []).flatMap((c) => {
      if (!('features' in c) || c.features.length === 0) return [];
      const top = [...c.features].sort((a, b) => b.csi - a.csi)[0]!;
      return [{ site: c.site, feature: top.feature, csi: top.csi, level: top.level }];
    }),
  };
}

function reportMessage(r: RunHeader): ReportMessage {
  const rep = r.report;
  if (!rep) throw new FedcreditError('RUN_NOT_FOUND', `run ${r.runId} has no report yet (stage ${r.stage}); ask again when it has finished`);
  const levels = rep.transitions.levels;
  return {
    runId: rep.runId, requester: rep.requester, portfolio: rep.portfolio, modelVersion: rep.model, trigger: rep.trigger, asOf: { ...rep.asOf },
    startedMs: rep.startedMs, finishedMs: rep.finishedMs, items: rep.items, scored: rep.scored,
    skipped: Object.entries(rep.skipped).map(([code, count]) => ({ code, count })), changed: rep.changed,
    transitions: rep.transitions.cells.flatMap((row, i) => row.map((c, j) => ({
      from: levels[i]!, to: levels[j]!, count: typeof c === 'number' ? c : 0, belowMinCell: typeof c !== 'number',
    }))),
    grades: rep.grades.map((g) => ({ grade: g.grade, count: typeof g.count === 'number' ? g.count : 0 })),
    psi: 'value' in rep.psi
      ? { insufficient: false, value: rep.psi.value, level: rep.psi.level, bins: rep.psi.bins.map((b) => ({ from: b.from ?? -Infinity, to: b.to ?? Infinity, expected: b.expected, actual: b.actual })), note: '' }
      : { insufficient: true, value: 0, level: 'insufficient', bins: [], note: rep.psi.reason },
    csi: rep.csi.map((c) => ({
      site: c.site, covered: c.covered,
      state: 'features' in c ? 'figures' : 'insufficient' in c ? 'insufficient' : 'withheld',
      features: 'features' in c ? c.features.map((f) => ({ feature: f.feature, csi: f.csi, level: f.level })) : [],
    })),
    log: { firstIndex: String(Math.max(0, rep.log.firstIndex)), lastIndex: String(Math.max(0, rep.log.lastIndex)), entries: String(rep.log.entries), bytes: '0' },
    timing: { seconds: rep.timing.seconds, perBatchP50: rep.timing.perBatchP50, perBatchMax: rep.timing.perBatchMax },
  };
}

export class RunService {
  readonly #d: RunServiceDeps;
  #timer: NodeJS.Timeout | undefined;
  readonly #debounce = new Map<string, NodeJS.Timeout>();
  /** The month each site's features were last said to be as of (health poll). */
  readonly #asOf = new Map<string, string>();
  /** Portfolios to run again when their run in progress ends (a site's newer month came meanwhile). */
  readonly #rerun = new Set<string>();
  #closed = false;
  readonly #epochs = new Map<string, string>();

  constructor(deps: RunServiceDeps) {
    this.#d = deps;
    parseSchedule(deps.schedule ?? DEFAULT_SCHEDULE);
  }

  #now(): number {
    return (this.#d.now ?? Date.now)();
  }

  handlers(): Pick<MonitoringHandlers, 'StartRun' | 'ListRuns' | 'GetRunReport'> {
    const l = this.#d.logLine;
    return {
      StartRun: (call: grpc.ServerWritableStream<StartRunRequest__Output, RunProgressMessage>) => {
        const id = callerIdentity(call);
        this.startByHand(id?.role === 'operator' ? undefined : id?.name ?? '', call.request, (p) => call.write(progressMessage(p))).then(
          () => call.end(),
          (err: unknown) => call.emit('error', toServiceError(err, l)),
        );
      },
      ListRuns: unary(async (req, call) => {
        const id = callerIdentity(call);
        const own = id?.role === 'operator' ? undefined : id?.name ?? '';
        const limit = req.limit === 0 ? MAX_RUNS_LISTED : Math.min(req.limit, MAX_RUNS_LISTED);
        const runs = (await this.#d.state.runs())
          .filter((r) => (own === undefined || r.requester === own) && (!req.portfolio || r.portfolio === req.portfolio || `${r.requester}/${r.portfolio}` === req.portfolio)
            && (!req.modelVersion || r.model === req.modelVersion))
          .slice(-limit).reverse();
        return { runs: runs.map(runSummary) };
      }, l),
      GetRunReport: unary(async (req, call) => {
        const id = callerIdentity(call);
        const r = await this.#d.state.run(req.runId);
        if (!r || (id?.role !== 'operator' && r.requester !== id?.name)) throw new FedcreditError('RUN_NOT_FOUND', `no run ${req.runId.slice(0, 64)} of yours; list runs with fedcredit monitor runs`);
        return reportMessage(r);
      }, l),
    };
  }

  /** StartRun: `requester` undefined for the coordinator's operator. */
  async startByHand(requester: string | undefined, req: Pick<StartRunRequest__Output, 'portfolio' | 'asOf'>, progress: (p: RunProgress) => void): Promise<void> {
    const asOf = req.asOf || undefined;
    if (requester === undefined) {
      const targets = req.portfolio
        ? [this.#split(req.portfolio)]
        : (await this.#d.state.portfolios.list()).map((p) => ({ requester: p.requester, portfolio: p.portfolio }));
      for (const t of targets) await this.#d.driver.start({ ...t, trigger: 'manual:operator', ...(asOf ? { asOf } : {}) }, progress);
      return;
    }
    if (!requester) throw new FedcreditError('ROLE_NOT_ALLOWED', 'StartRun needs the caller\'s certificate (mutual TLS)');
    const portfolio = req.portfolio;
    await this.#d.state.portfolios.require(requester, portfolio);
    const since = this.#now() - DAY_MS;
    const today = (await this.#d.state.runs()).find((r) => r.requester === requester && r.portfolio === portfolio && r.trigger === `manual:${requester}` && r.startedMs > since && r.stage !== 'failed');
    if (today) throw new FedcreditError('RUN_IN_PROGRESS', `portfolio ${portfolio} already had a run by hand in the last 24 hours (${today.runId}); a requester starts at most one a day`);
    await this.#d.driver.start({ requester, portfolio, trigger: `manual:${requester}`, ...(asOf ? { asOf } : {}) }, progress);
  }

  #split(name: string): { requester: string; portfolio: string } {
    const at = name.lastIndexOf('/');
    if (at <= 0) throw new FedcreditError('BAD_REQUEST', `the operator names a portfolio as requester/name, got '${name.slice(0, 64)}'`);
    return { requester: name.slice(0, at), portfolio: name.slice(at + 1) };
  }

  /** Starts the schedule: a missed fire runs once now, then every minute the due portfolios run. */
  startSchedule(): void {
    const check = () => void this.#runDue().catch((err: unknown) => this.#d.logLine(`monitoring: schedule check failed: ${(err as Error).message}`));
    check();
    this.#timer = setInterval(check, SCHEDULE_CHECK_MS);
    this.#timer.unref();
  }

  async #runDue(): Promise<void> {
    const now = this.#now();
    const runs = await this.#d.state.runs();
    for (const p of await this.#d.state.portfolios.list()) {
      if (this.#d.driver.busy(p.requester, p.portfolio)) continue;
      // A run left open (a node was out of reach) is tried again at every check.
      const open = runs.find((r) => r.requester === p.requester && r.portfolio === p.portfolio && OPEN_STAGES.has(r.stage));
      if (open) {
        this.#start(p.requester, p.portfolio, open.trigger);
        continue;
      }
      const spec = parseSchedule(p.schedule ?? this.#d.schedule ?? DEFAULT_SCHEDULE);
      const last = runs.filter((r) => r.requester === p.requester && r.portfolio === p.portfolio && r.trigger === 'schedule').at(-1)?.startedMs ?? p.createdMs;
      // The last fire since the portfolio's last scheduled run (or its creation): several missed fires run once.
      if (missedFire(spec, last, now) === undefined) continue;
      this.#start(p.requester, p.portfolio, 'schedule');
    }
  }

  /**
   * The ingest trigger, from the health poll: a site's features epoch moved. Each portfolio
   * whose model uses the site runs once no other change came for the debounce time.
   */
  onFeaturesChanged(site: string, epoch: string, asOf: string): void {
    const before = this.#epochs.get(site);
    this.#epochs.set(site, epoch);
    if (asOf) this.#asOf.set(site, asOf);
    // The first poll after a start only learns the epoch; an unchanged one is no change.
    if (before === undefined || before === epoch || this.#d.onIngest === false) return;
    this.#d.logLine(`monitoring: site ${site} features changed (epoch ${epoch}, as of ${asOf || 'unknown'}); runs follow after the debounce`);
    const old = this.#debounce.get(site);
    if (old) clearTimeout(old);
    const t = setTimeout(() => {
      this.#debounce.delete(site);
      void this.#ingestRuns(site).catch((err: unknown) => this.#d.logLine(`monitoring: ingest runs for ${site} failed: ${(err as Error).message}`));
    }, this.#d.ingestDebounceMs ?? DEFAULT_INGEST_DEBOUNCE_MS);
    t.unref();
    this.#debounce.set(site, t);
  }

  async #ingestRuns(site: string): Promise<void> {
    for (const p of await this.#d.state.portfolios.list()) {
      const model = await this.#d.models.get(p.modelVersion);
      if (!model?.sites.some((s) => s.site === site)) continue;
      // A run already going read this site's features as of the month its run entry names: when
      // the site has moved on since (a second site's month landing after a first site's run
      // started), the portfolio runs again once that run ends. When the run already has the
      // site's new month (both sites ingested before it started), nothing more is needed.
      const active = this.#d.driver.active(p.requester, p.portfolio);
      const month = this.#asOf.get(site);
      if (active && month !== undefined && active.asOf[site] !== month) {
        const key = `${p.requester}/${p.portfolio}`;
        if (this.#rerun.has(key)) continue;
        this.#rerun.add(key);
        this.#d.logLine(`monitoring: ${key} is running on ${site}'s features as of ${active.asOf[site] ?? 'unknown'}; it runs again for ${month} when that run ends`);
        void active.done.catch(() => undefined).finally(() => {
          this.#rerun.delete(key);
          if (!this.#closed) this.#start(p.requester, p.portfolio, `ingest:${site}`);
        });
        continue;
      }
      this.#start(p.requester, p.portfolio, `ingest:${site}`);
    }
  }

  #start(requester: string, portfolio: string, trigger: string): void {
    if (this.#d.driver.busy(requester, portfolio)) return;
    void this.#d.driver.start({ requester, portfolio, trigger }).catch((err: unknown) =>
      this.#d.logLine(`monitoring: ${trigger} run of ${requester}/${portfolio} not run: ${(err as Error).message}`));
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const t of this.#debounce.values()) clearTimeout(t);
    this.#debounce.clear();
  }
}
