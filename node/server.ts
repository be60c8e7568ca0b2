/**
 * The data node process: opens the site's store, serves the DataNode gRPC service, and
 * registers itself with the coordinator under its signed identity (retrying until the
 * coordinator answers, so nodes and coordinator can start in any order).
 */
import { CallLimiter, type CallLimits } from '../lib/call-limits.js';
import fs from 'node:fs';
import path from 'node:path';
import { addService, call, newServer, startServer, stopServer } from '../lib/grpc.js';
import { coordinatorClient } from '../proto/clients.js';
import { FedcreditError } from '../lib/errors.js';
import { describeTransport, requireIdentity, type Transport } from '../lib/tls.js';
import { registrationMessage, SITE_NAME } from '../registration/statement.js';
import { certifyRegistration, type RegistrationCertification } from '../registration/cert.js';
import { SerialQueue } from '../lib/serial-queue.js';
import { loadOrCreateIdentity } from '../crypto/identity.js';
import { loadOrCreateX25519KeyPair } from '../crypto/x25519.js';
import { dataNodeHandlers } from './service.js';
import { AlignmentHost } from '../alignment/node.js';
import { backupHandlers } from '../backup/service.js';
import { NodeStore } from '../site/store.js';
import { nodeAuditHandlers } from './audit-service.js';
import { ServedRecordBook } from '../log/served-book.js';
import { WitnessLoop } from '../log/witness-loop.js';
import { nodeRegistrationEntry } from '../log/entries.js';
import type { NodeRegistration } from '../registration/statement.js';
import { TrainingHost, type TrainingCallRecord } from '../training/node.js';
import { DEFAULT_POLICY, type TrainingPolicy } from '../site/policy.js';
import { NodeScoring } from '../scoring/node.js';
import { loadTrustedRegistrars } from '../scoring/protocol.js';

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
}

export interface RunningNode {
  port: number;
  address: string;
  store: NodeStore;
  /** The node's signed record of requests it served; every protocol records through it. */
  servedRecords: ServedRecordBook;
  /** The node's transparency log witness, when it has a coordinator. */
  witness: WitnessLoop | undefined;
  /** Resolves once the coordinator accepted the registration. */
  registered: Promise<void>;
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
  const log = opts.log ?? ((line: string) => console.error(`[node ${opts.site}] ${line}`));
  requireIdentity(opts.transport, { role: 'site', name: opts.site });
  const store = await NodeStore.open(opts.dataDir, opts.site);
  const identity = loadOrCreateIdentity(path.join(opts.dataDir, 'identity.pem'));
  const sealingKeys = loadOrCreateX25519KeyPair(path.join(opts.dataDir, 'sealing.key'));
  const servedRecords = new ServedRecordBook(store, opts.site, identity);
  const witness = opts.coordinator === undefined ? undefined : await WitnessLoop.open({
    store, site: opts.site, identity, coordinator: opts.coordinator, transport: opts.transport, log,
    ...(opts.witnessIntervalMs ? { intervalMs: opts.witnessIntervalMs } : {}),
  });
  const server = newServer(opts.transport, log);
  // One limiter per party: per-caller rates and the in-flight cap cover all its services.
  const limiter = new CallLimiter(opts.callLimits);
  addService(server, 'DataNode', dataNodeHandlers({
    store,
    site: opts.site,
    version: VERSION,
    identityPublicKey: identity.publicKey,
    startedAt: Date.now(),
    // At most a few uploads wait behind the one being ingested; more are refused with OVERLOADED.
    writes: new SerialQueue(4),
    log,
    healthStatus: () => (witness?.hasAlarm ? 'ALARM' : 'SERVING'),
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
  const scoring = new NodeScoring({
    store, site: opts.site, sealingKeys, identity, servedRecords, transport: opts.transport, log, policy: opts.policy ?? DEFAULT_POLICY,
    trustedRegistrars: opts.trustedRegistrars ?? loadTrustedRegistrars(opts.dataDir),
    ...(opts.coordinator !== undefined ? { coordinator: opts.coordinator } : {}),
    ...(witness ? { logTrust: witness } : {}),
  });
  addService(server, 'NodeScoring', scoring.handlers(), opts.transport, log, limiter);
  witness?.crossCheckScoring(() => scoring.follower?.verified());
  addService(server, 'Backup', backupHandlers(() => ({
    role: 'site', site: opts.site, dataDir: opts.dataDir,
    databases: [{ name: 'store', db: store.db }],
    files: ['identity.pem', 'sealing.key'],
  }), log), opts.transport, log, limiter);
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

  let stopped = false;
  const registered = opts.coordinator === undefined
    ? Promise.resolve()
    : registerWithRetry(opts.coordinator, opts.transport, { site: opts.site, address, identity, sealingPublicKey: sealingKeys.publicKey }, () => stopped, log, async (registration, signature, certification, logIndex) => {
      // The node's own record of its registration, so auditors can cross-check the log today.
      await servedRecords.record({ entry: nodeRegistrationEntry(registration, signature, certification), requester: 'coordinator', logIndex });
      if (!stopped) witness?.start();
    });
  // The failure is logged where it happens; callers that care await `registered`.
  registered.catch(() => undefined);

  return {
    port,
    address,
    store,
    servedRecords,
    witness,
    registered,
    stop: async () => {
      stopped = true;
      await witness?.stop();
      await stopServer(server);
      await alignment.close();
      await training.close();
      scoring.close();
      await store.close();
      fs.rmSync(infoPath, { force: true });
    },
  };
}

interface Registrant {
  site: string;
  address: string;
  identity: { publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array };
  sealingPublicKey: Uint8Array;
}

async function registerWithRetry(
  coordinator: string,
  transport: Transport,
  who: Registrant,
  isStopped: () => boolean,
  log: (line: string) => void,
  onRegistered: (registration: NodeRegistration, signature: Uint8Array, certification: RegistrationCertification | undefined, logIndex: number) => Promise<void>,
): Promise<void> {
  const client = coordinatorClient(coordinator, transport);
  let delay = 200;
  try {
    for (;;) {
      const timestampMs = Date.now();
      const registration = {
        site: who.site, address: who.address, identityPublicKey: who.identity.publicKey, sealingPublicKey: who.sealingPublicKey, timestampMs,
      };
      const signature = who.identity.sign(registrationMessage(registration));
      // The CA-issued TLS certificate vouches for these keys to every peer (registration/cert.ts).
      const certification = transport.kind === 'tls' ? certifyRegistration(registration, transport.material) : undefined;
      try {
        const res = await call(client, client.RegisterNode, {
          ...registration,
          identityPublicKey: Buffer.from(who.identity.publicKey),
          sealingPublicKey: Buffer.from(who.sealingPublicKey),
          timestampMs: String(timestampMs),
          signature: Buffer.from(signature),
          ...(certification ? { tlsCertificate: Buffer.from(certification.certificate), tlsSignature: Buffer.from(certification.signature) } : {}),
        }, 5_000);
        log(`registered with coordinator ${coordinator} (log entry ${res.logIndex})`);
        try {
          await onRegistered(registration, signature, certification, Number(res.logIndex));
        } catch (recordErr) {
          // Registered, but the node's own record of it failed: auditors will report the gap.
          log(`could not keep the served record of this registration: ${(recordErr as Error).message}`);
          throw recordErr;
        }
        return;
      } catch (err) {
        if (!(err instanceof FedcreditError)) throw err;
        // A refusal is final (wrong key, bad clock); only an unreachable coordinator is worth retrying.
        if (!(err instanceof FedcreditError) || err.code !== 'UNAVAILABLE') {
          log(`coordinator ${coordinator} refused the registration: ${(err as Error).message}`);
          throw err;
        }
        if (isStopped()) return;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  } finally {
    client.close();
  }
}
