/**
 * The data node process: opens the site's store, serves the DataNode gRPC service, and
 * registers itself with the coordinator under its signed identity (node/registration.ts:
 * retried until the coordinator answers; a refusal makes the node's health NOT_REGISTERED).
 */
import { CallLimiter, type CallLimits } from '../lib/call-limits.js';
import fs from 'node:fs';
import path from 'node:path';
import { addService, newServer, observeServerCalls, startServer, stopServer } from '../lib/grpc.js';
import { PartyOps, type HttpEndpoint } from '../lib/party-ops.js';
import { partyLog } from '../lib/party-log.js';
import { FedcreditError } from '../lib/errors.js';
import { describeTransport, requireIdentity, type Transport } from '../lib/tls.js';
import { SITE_NAME } from '../registration/statement.js';
import { readPendingRotation, rotationStatementOf } from '../registration/rotation.js';
import { startRegistration, type RegistrationStatus } from './registration.js';
import { SerialQueue } from '../lib/serial-queue.js';
import { loadOrCreateIdentity } from '../crypto/identity.js';
import { loadOrCreateX25519KeyPair } from '../crypto/x25519.js';
import { dataNodeHandlers } from './service.js';
import { AlignmentHost } from '../alignment/node.js';
import { backupHandlers } from '../backup/service.js';
import { NodeStore } from '../site/store.js';
import { nodeAuditHandlers } from './audit-service.js';
import type { ServedRecordBook } from '../log/served-book.js';
import { addNodeGauges, LoggedServedBook } from './metrics.js';
import { WitnessLoop } from '../log/witness-loop.js';
import { nodeKeyRotationEntry, nodeRegistrationEntry } from '../log/entries.js';
import { TrainingHost, type TrainingCallRecord } from '../training/node.js';
import { DEFAULT_POLICY, type TrainingPolicy } from '../site/policy.js';
import { NodeScoring } from '../scoring/node.js';
import { loadTrustedRegistrars } from '../scoring/protocol.js';
import { siteKeyStatement } from '../scoring/site-key-statement.js';
import { NodeMonitoring } from '../monitoring/node.js';

export const VERSION = '0.1.0';

export interface NodeOptions {
  site: string;
  dataDir: string;
  /** Mutual TLS with this site's certificate from `fedcredit init`, or insecure by name. */
  transport: Transport;
  host?: string;
  port?: number;
  /** Coordinator address host:port; when absent the node runs stand-alone. */
  coordinator?: string;
  /** Address the coordinator should use to reach this node (defaults to host:port). */
  advertise?: string;
  /** How often the node's witness checks the coordinator's log (ms, default 1000). */
  witnessIntervalMs?: number;
  log?: (line: string) => void;
  /** Rate and in-flight limits for callers of this party (lib/call-limits.ts); defaults suit production. */
  callLimits?: CallLimits;
  /** The node's local training policy (site/policy.ts); default: the federation's coordinator, credit-scoring, all features. */
  policy?: TrainingPolicy;
  /** Observer of every training call this node answers (transcript tests). */
  onTrainingCall?: (record: TrainingCallRecord) => void;
  /** Registrar keys trusted to bind enterprise keys (hex); default: `<data>/trusted-registrars` (scoring/protocol.ts). */
  trustedRegistrars?: string[];
  /** Called on every refusal of the registration (`node serve --exit-on-refusal` exits). */
  onRegistrationRefused?: (status: RegistrationStatus) => void;
  /** HTTP probes and Prometheus metrics (lib/party-ops.ts); absent: no HTTP endpoint. */
  http?: HttpEndpoint;
}

export interface RunningNode {
  port: number;
  address: string;
  store: NodeStore;
  /** The node's signed record of requests it served; every protocol records through it. */
  servedRecords: ServedRecordBook;
  /** The node's transparency log witness, when it has a coordinator. */
  witness: WitnessLoop | undefined;
  /** Resolves once the coordinator accepted the registration; rejects with its first refusal. */
  registered: Promise<void>;
  /** Where the registration stands (node/registration.ts), when the node has a coordinator. */
  registration: RegistrationStatus | undefined;
  /** The HTTP probe and metrics port, when asked for. */
  httpPort: number | undefined;
  stop(): Promise<void>;
}

/** Written to `<data>/node.json` while the node runs, so local tools can find it. */
export interface NodeRuntimeInfo {
  site: string;
  address: string;
  pid: number;
  startedAt: string;
}

export async function startNode(opts: NodeOptions): Promise<RunningNode> {
  if (!SITE_NAME.test(opts.site)) {
    throw new FedcreditError('BAD_REQUEST', `site name '${opts.site}' must be lowercase letters, digits or '-' (e.g. tax, power, bank)`);
  }
  const log = opts.log ?? partyLog({ role: 'node', party: opts.site });
  requireIdentity(opts.transport, { role: 'site', name: opts.site });
  const store = await NodeStore.open(opts.dataDir, opts.site);
  const identity = loadOrCreateIdentity(path.join(opts.dataDir, 'identity.pem'));
  const sealingKeys = loadOrCreateX25519KeyPair(path.join(opts.dataDir, 'sealing.key'));
  const ops = new PartyOps('node', opts.site);
  const servedRecords = new LoggedServedBook(store, opts.site, identity, log,
    ops.counter('fedcredit_served_records_total', 'Requests this node served and recorded, by log entry kind', ['kind']));
  const witness = opts.coordinator === undefined ? undefined : await WitnessLoop.open({
    store, site: opts.site, identity, coordinator: opts.coordinator, transport: opts.transport, log,
    ...(opts.witnessIntervalMs ? { intervalMs: opts.witnessIntervalMs } : {}),
  });
  let stopped = false;
  let registrationStatus: RegistrationStatus | undefined;
  const server = newServer(opts.transport, log);
  observeServerCalls(server, ops.observeCall);
  ops.addHealthTo(server);
  // At most a few uploads wait behind the one being ingested; more are refused with OVERLOADED.
  const writes = new SerialQueue(4);
  // One limiter per party: per-caller rates and the in-flight cap cover all its services.
  const limiter = new CallLimiter(opts.callLimits);
  addService(server, 'DataNode', dataNodeHandlers({
    store,
    site: opts.site,
    version: VERSION,
    identityPublicKey: identity.publicKey,
    startedAt: Date.now(),
    writes,
    log,
    healthStatus: () => (witness?.hasAlarm ? 'ALARM' : registrationStatus?.state === 'NOT_REGISTERED' ? 'NOT_REGISTERED' : 'SERVING'),
    healthDetail: () => registrationStatus?.detail ?? '',
    policy: opts.policy ?? DEFAULT_POLICY,
  }), opts.transport, log, limiter);
  addService(server, 'NodeAudit', nodeAuditHandlers({
    site: opts.site, identityPublicKey: identity.publicKey, book: servedRecords, witness: () => witness, log,
  }), opts.transport, log, limiter);
  const alignment = new AlignmentHost({
    store, site: opts.site, identity, sealingKeys, transport: opts.transport, log,
    recordServed: async (entry, logIndex) => {
      await servedRecords.record({ entry, requester: 'coordinator', logIndex });
    },
  });
  addService(server, 'NodeAlignment', alignment.handlers(), opts.transport, log, limiter);
  const training = new TrainingHost({
    store, site: opts.site, identity, sealingKeys, policy: opts.policy ?? DEFAULT_POLICY, transport: opts.transport, log,
    recordServed: async (entry, logIndex) => {
      await servedRecords.record({ entry, requester: 'coordinator', logIndex });
    },
    ...(opts.onTrainingCall ? { onCall: opts.onTrainingCall } : {}),
  });
  addService(server, 'NodeTraining', training.handlers(), opts.transport, log, limiter);
  const trustedRegistrars = opts.trustedRegistrars ?? loadTrustedRegistrars(opts.dataDir);
  const scoring = new NodeScoring({
    store, site: opts.site, sealingKeys, identity, servedRecords, transport: opts.transport, log, policy: opts.policy ?? DEFAULT_POLICY,
    trustedRegistrars,
    ...(opts.coordinator !== undefined ? { coordinator: opts.coordinator } : {}),
    ...(witness ? { logTrust: witness } : {}),
  });
  addService(server, 'NodeScoring', scoring.handlers(), opts.transport, log, limiter);
  // Monitoring shares scoring's ledger and log follower: one ledger per store, one reading of the log.
  const monitoring = new NodeMonitoring({
    store, site: opts.site, sealingKeys, ledger: scoring.ledger, follower: scoring.follower, servedRecords, trustedRegistrars, log,
    keyStatement: siteKeyStatement(opts.site, sealingKeys.publicKey, opts.transport), policy: opts.policy ?? DEFAULT_POLICY,
    ...(opts.policy?.monitoring ? { csiPolicy: opts.policy.monitoring.shareCsi } : {}),
  });
  addService(server, 'NodeMonitoring', monitoring.handlers(), opts.transport, log, limiter);
  witness?.crossCheckScoring(() => scoring.follower?.verified());
  addService(server, 'Backup', backupHandlers(() => ({
    role: 'site', site: opts.site, dataDir: opts.dataDir,
    databases: [{ name: 'store', db: store.db }],
    files: ['identity.pem', 'sealing.key'],
  }), log), opts.transport, log, limiter);
  addNodeGauges(ops, { store, writes, witness: () => witness, registration: () => registrationStatus, drift: () => monitoring.rescore.driftStatus(undefined, 1) });
  const host = opts.host ?? '127.0.0.1';
  let port: number;
  try {
    port = await startServer(server, `${host}:${opts.port ?? 0}`, opts.transport);
  } catch (err) {
    await store.close();
    throw err;
  }
  const address = opts.advertise ?? `${host}:${port}`;
  const infoPath = path.join(opts.dataDir, 'node.json');
  const info: NodeRuntimeInfo = { site: opts.site, address, pid: process.pid, startedAt: new Date().toISOString() };
  fs.writeFileSync(infoPath, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  log(`listening on ${host}:${port} (${describeTransport(opts.transport)})`);

  const pendingRotation = readPendingRotation(opts.dataDir);
  const registration = opts.coordinator === undefined ? undefined : startRegistration(
    opts.coordinator, opts.transport, { site: opts.site, address, dataDir: opts.dataDir, identity, sealingPublicKey: sealingKeys.publicKey }, () => stopped, log,
    async (r, signature, certification, logIndex, rotated) => {
      // The node's own record of its registration (or rotation), so auditors can cross-check the log today.
      const entry = rotated && pendingRotation
        ? nodeKeyRotationEntry(r, signature, certification, { ...rotationStatementOf(pendingRotation), signature: Buffer.from(pendingRotation.signature, 'hex') })
        : nodeRegistrationEntry(r, signature, certification);
      await servedRecords.record({ entry, requester: 'coordinator', logIndex });
      if (!stopped) witness?.start();
    },
    opts.onRegistrationRefused,
  );
  registrationStatus = registration?.status;
  const registered = registration?.registered ?? Promise.resolve();
  let httpPort: number | undefined;
  try {
    const staleMs = Math.max(30_000, 10 * (opts.witnessIntervalMs ?? 1_000));
    httpPort = await ops.start(() => nodeReadiness(stopped, registrationStatus, witness, staleMs), opts.http, log);
  } catch (err) {
    stopped = true;
    await witness?.stop();
    await stopServer(server);
    await store.close();
    throw err;
  }

  return {
    port,
    address,
    store,
    servedRecords,
    witness,
    registered,
    registration: registrationStatus,
    httpPort,
    stop: async () => {
      stopped = true;
      await ops.stop();
      await witness?.stop();
      await stopServer(server);
      await alignment.close();
      await training.close();
      scoring.close();
      monitoring.close();
      await store.close();
      fs.rmSync(infoPath, { force: true });
    },
  };
}

/**
 * Ready = store open (not stopping), registered (when it has a coordinator), and the
 * coordinator's log followed: the witness completed a round within `staleMs` and holds no alarm.
 */
function nodeReadiness(stopped: boolean, registration: RegistrationStatus | undefined, witness: WitnessLoop | undefined, staleMs: number) {
  const checks = {
    store: !stopped,
    registered: registration === undefined || registration.state === 'REGISTERED',
    logFollowed: witness === undefined || (witness.lastGoodRoundMs !== undefined && Date.now() - witness.lastGoodRoundMs < staleMs && !witness.hasAlarm),
  };
  return { ready: Object.values(checks).every(Boolean), checks };
}
