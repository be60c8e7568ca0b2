/**
 * The coordinator process: its identity, the node registry, and the Coordinator gRPC service.
 * It polls every registered node's Health so operators see which sites are up.
 */
import { CallLimiter, type CallLimits } from '../lib/call-limits.js';
import path from 'node:path';
import { addService, newServer, observeServerCalls, startServer, stopServer, unary } from '../lib/grpc.js';
import { PartyOps, type HttpEndpoint } from '../lib/party-ops.js';
import { partyLog } from '../lib/party-log.js';
import { addCoordinatorGauges, monitoringMetrics, trainingWithMetrics } from './metrics.js';
import { describeTransport, requireIdentity, type Transport } from '../lib/tls.js';
import { loadOrCreateIdentity } from '../crypto/identity.js';
import type { CoordinatorHandlers } from '../proto/gen/fedcredit/v1/Coordinator.js';
import { NodeRegistry } from '../registration/registry.js';
import { AlignmentCoordinator } from '../alignment/coordinator.js';
import { backupHandlers } from '../backup/service.js';
import type { PsiEnvelope__Output } from '../proto/gen/fedcredit/v1/PsiEnvelope.js';
import { CoordinatorLog, transparencyLogHandlers } from '../log/service.js';
import { HEALTH_POLL_MS, pollNode, registrationHandlers } from './registrations.js';
import { ModelRegistry } from '../training/model-registry.js';
import { TrainingCoordinator } from '../training/driver.js';
import type { TrainingMessageRecord } from '../training/node-calls.js';
import { ScoringCoordinator, type ScoringObservation } from '../scoring/coordinator.js';
import type { RefusalLogOptions } from '../log/refusals.js';
import { loadTrustedRegistrars } from '../scoring/protocol.js';
import { CoordinatorStatusView } from './status.js';
import { startMonitoring, type CoordinatorMonitoringOptions, type RunningMonitoring } from './monitoring.js';

export const VERSION = '0.1.0';

export interface CoordinatorOptions {
  dataDir: string;
  /** Mutual TLS with the coordinator's certificate from `fedcredit init`, or insecure by name. */
  transport: Transport;
  host?: string;
  port?: number;
  log?: (line: string) => void;
  /** Transparency log origin line (default fedcredit.local/log). */
  logOrigin?: string;
  /** Cosignatures that make a checkpoint final (default: every registered node). */
  witnessQuorum?: number;
  /** How often a new checkpoint is signed when the log grew (ms). */
  checkpointIntervalMs?: number;
  /** Observer of every PSI envelope the coordinator relays (metrics, transcript tests); sees what the coordinator sees. */
  onRelay?: (env: PsiEnvelope__Output) => void;
  /** Rate and in-flight limits for callers of this party (lib/call-limits.ts); defaults suit production. */
  callLimits?: CallLimits;
  /** Observer of every training message the coordinator sends to or receives from a node (transcript tests). */
  onTrainingMessage?: (m: TrainingMessageRecord) => void;
  /** How long a training job waits for an unreachable node before it fails (resumable); default 3 minutes. */
  trainingRetryMs?: number;
  /** Resume unfinished training jobs at start (default true). */
  resumeTraining?: boolean;
  /** Registrar keys trusted to bind enterprise keys (hex); default: `<data>/trusted-registrars` (scoring/protocol.ts). */
  trustedRegistrars?: string[];
  /** TEST ONLY: log revocations but skip them in the coordinator's own consent check (also FEDCREDIT_TEST_IGNORE_REVOCATIONS=1). */
  scoringIgnoresRevocations?: boolean;
  /** Observer of what the coordinator sees of each score query (transcript tests). */
  onScoring?: (o: ScoringObservation) => void;
  /** How refused queries are bounded in the log (log/refusals.ts); defaults suit production. */
  refusalLog?: RefusalLogOptions;
  /** HTTP probes and Prometheus metrics (lib/party-ops.ts); absent: no HTTP endpoint. */
  http?: HttpEndpoint;
  /** Post-loan monitoring: config keys monitoring.* (coordinator/monitoring.ts). */
  monitoring?: CoordinatorMonitoringOptions;
  /** Consents whose state the coordinator's ledger keeps in memory (config `consentCacheLimit`, default 100,000). */
  consentCacheLimit?: number;
  /** How long a silent witness or a stale final checkpoint waits before GetCoordinatorStatus calls it an alarm (coordinator/status.ts; default 60 s). */
  statusLagAlarmMs?: number;
}

export interface RunningCoordinator {
  port: number;
  address: string;
  /** The training jobs' driver (tests drive resumes through it directly, in the same tick). */
  training: TrainingCoordinator;
  registry: NodeRegistry;
  /** Where every protocol appends its log entries (durable before acknowledged). */
  transparencyLog: CoordinatorLog;
  /** Metadata of every trained model (training/model-registry.ts). */
  models: ModelRegistry;
  /** The HTTP probe and metrics port, when asked for. */
  httpPort: number | undefined;
  /**
   * Post-loan monitoring's state and drivers: `state` (portfolios, events, run records on one
   * LevelDB), `driver` (runs), `handlers` (every Monitoring handler).
   */
  monitoring: RunningMonitoring;
  stop(): Promise<void>;
}

export async function startCoordinator(opts: CoordinatorOptions): Promise<RunningCoordinator> {
  const log = opts.log ?? partyLog({ role: 'coordinator', party: 'coordinator' });
  requireIdentity(opts.transport, { role: 'coordinator' });
  const identity = loadOrCreateIdentity(path.join(opts.dataDir, 'identity.pem'));
  const registry = await NodeRegistry.open(opts.dataDir);
  const startedAt = Date.now();
  const transparencyLog = await CoordinatorLog.open({
    dataDir: opts.dataDir,
    identity,
    log,
    ...(opts.logOrigin ? { origin: opts.logOrigin } : {}),
    ...(opts.witnessQuorum ? { witnessQuorum: opts.witnessQuorum } : {}),
    ...(opts.checkpointIntervalMs ? { checkpointIntervalMs: opts.checkpointIntervalMs } : {}),
    witnesses: async () => (await registry.list()).map((n) => ({ site: n.site, address: n.address, publicKey: Buffer.from(n.identityPublicKeyHex, 'hex') })),
  });

  let listeningAddress = '';
  const alignment = await AlignmentCoordinator.open({
    dataDir: opts.dataDir, registry, transparencyLog, relayAddress: () => listeningAddress, log, transport: opts.transport,
    ...(opts.onRelay ? { onRelay: opts.onRelay } : {}),
  });

  const models = await ModelRegistry.open(opts.dataDir);
  const training = await TrainingCoordinator.open({
    dataDir: opts.dataDir, registry, alignments: alignment, models, transparencyLog, transport: opts.transport, log,
    ...(opts.trainingRetryMs ? { retryMs: opts.trainingRetryMs } : {}),
    ...(opts.onTrainingMessage ? { onMessage: opts.onTrainingMessage } : {}),
  });

  const scoring = await ScoringCoordinator.open({
    dataDir: opts.dataDir, registry, transparencyLog, models, transport: opts.transport, log, sign: (m) => identity.sign(m),
    trustedRegistrars: opts.trustedRegistrars ?? loadTrustedRegistrars(opts.dataDir),
    ignoreRevocations: opts.scoringIgnoresRevocations ?? process.env['FEDCREDIT_TEST_IGNORE_REVOCATIONS'] === '1',
    ...(opts.onScoring ? { observe: opts.onScoring } : {}),
    ...(opts.refusalLog ? { refusalLog: opts.refusalLog } : {}),
    ...(opts.consentCacheLimit ? { consentCacheLimit: opts.consentCacheLimit } : {}),
  });

  const monitoring = await startMonitoring({
    dataDir: opts.dataDir, registry, transparencyLog, models, ledger: scoring.ledger, transport: opts.transport, log, sign: (m) => identity.sign(m), ...opts.monitoring,
  });
  const registrationContext = { registry, transparencyLog, transport: opts.transport, log, onFeaturesChanged: monitoring.onFeaturesChanged };
  const statusView = new CoordinatorStatusView({ registry, transparencyLog, startedAt, ...(opts.statusLagAlarmMs ? { lagAlarmMs: opts.statusLagAlarmMs } : {}) });
  const handlers: CoordinatorHandlers = {
    Health: unary(async () => ({
      status: 'SERVING',
      role: 'coordinator',
      version: VERSION,
      identityPublicKey: Buffer.from(identity.publicKey),
      uptimeSeconds: (Date.now() - startedAt) / 1000,
    }), log),
    ...registrationHandlers(registrationContext),
    GetCoordinatorStatus: unary(() => statusView.status(), log),
  };

  const poller = setInterval(() => {
    // A poll still in flight when the coordinator stops finds the registry closed: said, not thrown.
    void registry.list().then((nodes) => Promise.all(nodes.map((n) => pollNode(registrationContext, n.site, n.address))))
      .catch((err: unknown) => log(`${stopping ? 'stopping: ' : ''}health poll failed: ${(err as Error).message}`));
  }, HEALTH_POLL_MS);
  poller.unref();

  const server = newServer(opts.transport, log);
  const ops = new PartyOps('coordinator', 'coordinator');
  observeServerCalls(server, ops.observeCall);
  ops.addHealthTo(server);
  addCoordinatorGauges(ops, { transparencyLog, registry, models });
  monitoring.onRun(monitoringMetrics(ops, () => monitoring.driver.wire));
  // One limiter per party: per-caller rates and the in-flight cap cover all its services.
  const limiter = new CallLimiter(opts.callLimits);
  addService(server, 'Coordinator', handlers, opts.transport, log, limiter);
  addService(server, 'TransparencyLog', transparencyLogHandlers(transparencyLog, log), opts.transport, log, limiter);
  addService(server, 'Alignment', alignment.handlers(), opts.transport, log, limiter);
  addService(server, 'Training', trainingWithMetrics(training.handlers(), ops), opts.transport, log, limiter);
  addService(server, 'Scoring', scoring.handlers(), opts.transport, log, limiter);
  addService(server, 'Monitoring', monitoring.handlers, opts.transport, log, limiter);
  addService(server, 'Backup', backupHandlers(() => ({
    role: 'coordinator', dataDir: opts.dataDir,
    databases: [{ name: 'registry', db: registry.db }, { name: 'log', db: transparencyLog.store.database }, { name: 'alignments', db: alignment.db },
      { name: 'models', db: models.db }, { name: 'training', db: training.db }, { name: 'training-strings', db: training.stringsDb }, { name: 'consent', db: scoring.ledgerDb }, { name: 'monitoring', db: monitoring.state.db }],
    files: ['identity.pem'],
  }), log), opts.transport, log, limiter);
  const host = opts.host ?? '127.0.0.1';
  const port = await startServer(server, `${host}:${opts.port ?? 0}`, opts.transport);
  listeningAddress = `${host}:${port}`;
  log(`listening on ${host}:${port} (${describeTransport(opts.transport)})`);
  let stopping = false;
  let httpPort: number | undefined;
  try {
    httpPort = await ops.start(() => ({ ready: !stopping, checks: { stores: !stopping } }), opts.http, log);
  } catch (err) {
    clearInterval(poller);
    await stopServer(server);
    throw err;
  }
  if (opts.resumeTraining !== false) training.resumeUnfinished();
  monitoring.start();
  return {
    port,
    address: `${host}:${port}`,
    training,
    registry,
    transparencyLog,
    models,
    httpPort,
    monitoring,
    stop: async () => {
      stopping = true;
      await ops.stop();
      clearInterval(poller);
      await training.close();
      await monitoring.close();
      await stopServer(server);
      await models.close();
      await scoring.close();
      await alignment.close();
      await transparencyLog.close();
      await registry.close();
    },
  };
}
