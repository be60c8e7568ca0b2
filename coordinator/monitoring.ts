/**
 * Wires post-loan monitoring (monitoring/, docs/design/monitoring.md) into the coordinator
 * process: its state on its own LevelDB (monitoring/coordinator-state.ts), the portfolio and run
 * calls of the Monitoring service, the run driver, the schedule and the ingest trigger, and
 * the bank's Watch stream and rescore receipts (monitoring/watch-service.ts, on the same
 * EventStore and PortfolioStore). Kept out of server.ts so that file only starts and stops it.
 */
import { NodeChannels } from '../lib/node-channels.js';
import type { Transport } from '../lib/tls.js';
import type { CoordinatorLog } from '../log/service.js';
import type { ConsentLedger } from '../consent/ledger.js';
import type { NodeRegistry } from '../registration/registry.js';
import type { ModelRegistry } from '../training/model-registry.js';
import { nodeMonitoringClient } from '../proto/clients.js';
import type { MonitoringHandlers } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { NodeMonitoringClient } from '../proto/gen/fedcredit/v1/NodeMonitoring.js';
import { CoordinatorMonitoring } from '../monitoring/coordinator-state.js';
import { watchHandlers } from '../monitoring/watch-service.js';
import { NodePositions, type NodeLink } from '../monitoring/node-link.js';
import { PortfolioService } from '../monitoring/portfolio-service.js';
import { RunDriver, type RunDriverOptions } from '../monitoring/run-driver.js';
import { RunService } from '../monitoring/run-service.js';

/** The coordinator's config keys `monitoring.*` (lib/party-config.ts). */
export interface CoordinatorMonitoringOptions {
  /** Items per batch, 256..16,384 (default 4,096). */
  batchSize?: number;
  /** 5-field UTC cron spec (default "0 2 1 * *"). */
  schedule?: string;
  /** Run when a site ingests new features (default true). */
  onIngest?: boolean;
  /** Quiet time after the last feature change before the ingest runs start (default 600,000 ms). */
  ingestDebounceMs?: number;
  /** Metrics of the runs (coordinator/metrics.ts). */
  observe?: RunDriverOptions['observe'];
  /** TEST ONLY: see RunDriverOptions.beforeDone. */
  beforeDone?: RunDriverOptions['beforeDone'];
}

export interface RunningMonitoring {
  readonly state: CoordinatorMonitoring;
  readonly driver: RunDriver;
  readonly runs: RunService;
  readonly portfolios: PortfolioService;
  /** Every Monitoring handler. */
  handlers: MonitoringHandlers;
  /** The month a site's features are as of, as its last health said. */
  readonly siteAsOf: (site: string) => string | undefined;
  /** From the health poll (coordinator/registrations.ts). */
  readonly onFeaturesChanged: (site: string, epoch: string, asOf: string) => void;
  /** Adds an observer of the runs' batches and ends (coordinator/metrics.ts monitoringMetrics). */
  onRun(f: NonNullable<RunDriverOptions['observe']>): void;
  /** Resumes unfinished runs and starts the schedule. */
  start(): void;
  close(): Promise<void>;
}

/**
 * TEST ONLY (FEDCREDIT_TEST_MONITORING_PAUSE_MS, as FEDCREDIT_TEST_IGNORE_REVOCATIONS): a
 * coordinator process that waits this long between a batch's answers and its `done` write,
 * saying so in its log, so a test can kill it there (tests/monitoring/run-kill.test.ts).
 */
function testPause(log: (line: string) => void): Pick<RunDriverOptions, 'beforeDone'> {
  const ms = Number(process.env['FEDCREDIT_TEST_MONITORING_PAUSE_MS'] ?? 0);
  if (!(ms > 0)) return {};
  log(`WARNING: test-only mode: monitoring pauses ${ms} ms before each batch's done write`);
  return {
    beforeDone: async (b) => {
      log(`monitoring test pause: run ${b.runId} batch ${b.batchSeq} answered, not yet done`);
      await new Promise((r) => setTimeout(r, ms));
    },
  };
}

export async function startMonitoring(o: CoordinatorMonitoringOptions & {
  dataDir: string; registry: NodeRegistry; transparencyLog: CoordinatorLog; models: ModelRegistry; ledger: ConsentLedger; transport: Transport;
  log: (line: string) => void; sign: (m: Uint8Array) => Uint8Array;
}): Promise<RunningMonitoring> {
  const state = await CoordinatorMonitoring.open(o.dataDir);
  const channels = new NodeChannels<NodeMonitoringClient>((address, site) => nodeMonitoringClient(address, o.transport, site));
  const asOf = new Map<string, string>();
  const nodes: NodeLink = {
    address: async (site) => {
      const n = await o.registry.get(site);
      return n && o.registry.healthOf(site).health !== 'UNREACHABLE' ? n.address : undefined;
    },
    client: (site, address) => channels.get(site, address),
  };
  const positions = new NodePositions();
  const observers: NonNullable<RunDriverOptions['observe']>[] = [];
  const models = { get: (v: string) => (v ? o.models.get(v) : o.models.latest()) };
  const driver = new RunDriver({
    state, ledger: o.ledger, log: o.transparencyLog, models, nodes, positions, logLine: o.log, sign: o.sign,
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}), siteAsOf: (s) => asOf.get(s),
    observe: (x) => {
      o.observe?.(x);
      for (const f of observers) f(x);
    },
    ...(o.beforeDone ? { beforeDone: o.beforeDone } : testPause(o.log)),
  });
  const runs = new RunService({
    state, driver, models, logLine: o.log,
    ...(o.schedule !== undefined ? { schedule: o.schedule } : {}), ...(o.onIngest !== undefined ? { onIngest: o.onIngest } : {}),
    ...(o.ingestDebounceMs !== undefined ? { ingestDebounceMs: o.ingestDebounceMs } : {}),
  });
  const portfolios = new PortfolioService({ state, ledger: o.ledger, log: o.transparencyLog, models, nodes, positions, logLine: o.log });
  const handlers: MonitoringHandlers = {
    ...portfolios.handlers(),
    ...runs.handlers(),
    ...watchHandlers({ events: state.events, portfolios: state.portfolios, log: o.transparencyLog, logLine: o.log }),
  };
  return {
    state, driver, runs, portfolios, handlers, siteAsOf: (s) => asOf.get(s),
    onRun: (f) => { observers.push(f); },
    onFeaturesChanged: (site, epoch, month) => {
      if (month) asOf.set(site, month);
      runs.onFeaturesChanged(site, epoch, month);
    },
    start: () => {
      void driver.resumeUnfinished().catch((err: unknown) => o.log(`monitoring: resuming runs failed: ${(err as Error).message}`));
      runs.startSchedule();
    },
    close: async () => {
      runs.close();
      await driver.close();
      channels.close();
      await state.close();
    },
  };
}
