/**
 * The node's gap path (log/follower.ts fetches what no batch carried, after a restart or a
 * lost batch): a coordinator whose GetEntries leaves out an entry (a revocation) of the log its
 * signed checkpoint commits to is refused with LOG_NOT_VERIFIED and nothing is applied; the
 * honest service is read and applied. The log service runs in-process over a real log store;
 * the LogFollower is the node's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinatorLog, transparencyLogHandlers } from '../../log/service.js';
import { generateIdentity } from '../../crypto/identity.js';
import { keyBindingEntry, revocationEntry, revokeConsent } from '../../consent/verify.js';
import { loadProto, newServer, startServer, stopServer } from '../../lib/grpc.js';
import { INSECURE } from '../../lib/tls.js';
import { LogFollower } from '../../log/follower.js';
import type { TransparencyLogHandlers } from '../../proto/gen/fedcredit/v1/TransparencyLog.js';
import { binding, enterprise, grant, ledgerWithBindings, NOW } from '../consent/helpers.js';

let dir: string;
let clog: CoordinatorLog;
const servers: grpc.Server[] = [];
const consent = grant();

async function serve(handlers: TransparencyLogHandlers): Promise<string> {
  const server = newServer();
  server.addService(loadProto().fedcredit.v1.TransparencyLog.service, handlers as unknown as grpc.UntypedServiceImplementation);
  servers.push(server);
  return `127.0.0.1:${await startServer(server, '127.0.0.1:0', INSECURE)}`;
}

async function follower(address: string): Promise<{ f: LogFollower; ledger: Awaited<ReturnType<typeof ledgerWithBindings>> }> {
  const ledger = await ledgerWithBindings();
  const f = new LogFollower({
    coordinator: address, transport: INSECURE, site: 'tax', ledger, log: () => undefined,
    trust: { pinnedLog: async () => ({ origin: clog.origin, key: clog.logKey }), cosigned: () => undefined, forked: () => undefined },
  });
  return { f, ledger };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-follower-fetch-'));
  clog = await CoordinatorLog.open({ dataDir: dir, identity: generateIdentity(), checkpointIntervalMs: 50, witnesses: async () => [], log: () => undefined });
  await clog.append(keyBindingEntry(binding));
  await clog.append(revocationEntry(revokeConsent(enterprise, consent, NOW)));
  await clog.append(keyBindingEntry(binding));
  await clog.mintCheckpoint();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => stopServer(s)));
  await clog?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('entries a node fetches itself are verified too', () => {
  it('refuses entries that leave out the revocation its signed checkpoint commits to', async () => {
    const honest = transparencyLogHandlers(clog, () => undefined);
    const lying: TransparencyLogHandlers = {
      ...honest,
      GetEntries: async (call, callback) => {
        const entries = await clog.store.entries(0, clog.store.size);
        callback(null, { from: '0', entries: [entries[0]!, entries[2]!, entries[2]!].map((e) => Buffer.from(e)) });
      },
    };
    const { f, ledger } = await follower(await serve(lying));
    await expect(f.syncTo(2)).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    expect(f.size).toBe(0);
    expect(await ledger.revocationsOf(consent.consentId)).toHaveLength(0);
    f.close();
  });

  it('applies the honest log up to its newest signed checkpoint', async () => {
    const { f, ledger } = await follower(await serve(transparencyLogHandlers(clog, () => undefined)));
    await f.syncTo(2);
    expect(f.size).toBe(3);
    expect(await ledger.revocationsOf(consent.consentId)).toHaveLength(1);
    f.close();
  });
});
