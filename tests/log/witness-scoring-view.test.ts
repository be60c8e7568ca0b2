/**
 * A node cosigns only the log it scores from (log/witness-loop.ts crossCheckScoring): before
 * each cosignature its witness checks that the checkpoint its scoring last verified and the one
 * it is asked to cosign are one log. A coordinator that showed the node's scoring another tree
 * gets no cosignature: the witness raises SPLIT_VIEW and `forked` stops scoring. The witness
 * is the real WitnessLoop over a real NodeStore; the coordinator's log service runs in-process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinatorLog, transparencyLogHandlers } from '../../log/service.js';
import type { Checkpoint } from '../../log/checkpoint.js';
import { generateIdentity } from '../../crypto/identity.js';
import { hashLeaf, MemoryTree } from '../../log/merkle.js';
import { loadProto, newServer, startServer, stopServer } from '../../lib/grpc.js';
import { INSECURE } from '../../lib/tls.js';
import { NodeStore } from '../../site/store.js';
import { clearScoringStop, WitnessLoop } from '../../log/witness-loop.js';

let dir: string;
let server: grpc.Server;
let address: string;
let clog: CoordinatorLog;
const node = generateIdentity();
const entries = ['a', 'b', 'c'].map((s) => new TextEncoder().encode(`{"body":{"n":"${s}"},"kind":"test","v":1}`));

function checkpointOf(items: readonly Uint8Array[]): Checkpoint {
  return { origin: clog.origin, size: items.length, rootHash: new MemoryTree(items.map((e) => hashLeaf(e))).root(), extensions: [] };
}

async function witness(name: string, view: () => Checkpoint | undefined): Promise<{ loop: WitnessLoop; store: NodeStore }> {
  const store = await NodeStore.open(path.join(dir, name), 'tax');
  const loop = await WitnessLoop.open({ store, site: 'tax', identity: node, coordinator: address, transport: INSECURE, log: () => undefined });
  loop.crossCheckScoring(view);
  return { loop, store };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-witness-scoring-'));
  clog = await CoordinatorLog.open({
    dataDir: path.join(dir, 'coordinator'), identity: generateIdentity(), checkpointIntervalMs: 50, log: () => undefined,
    witnesses: async () => [{ site: 'tax', address: '127.0.0.1:1', publicKey: node.publicKey }],
  });
  for (const e of entries) await clog.store.append(e);
  await clog.mintCheckpoint();
  server = newServer();
  server.addService(loadProto().fedcredit.v1.TransparencyLog.service, transparencyLogHandlers(clog, () => undefined) as unknown as grpc.UntypedServiceImplementation);
  address = `127.0.0.1:${await startServer(server, '127.0.0.1:0', INSECURE)}`;
});

afterAll(async () => {
  if (server) await stopServer(server);
  await clog?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a witness cosigns only the log its node scores from', () => {
  it('cosigns when scoring verified a prefix of the same log', async () => {
    const { loop, store } = await witness('honest', () => checkpointOf(entries.slice(0, 2)));
    await loop.tick();
    expect(loop.forked()).toBeUndefined();
    expect(loop.cosigned()?.size).toBe(3);
    expect(await loop.alarms()).toEqual([]);
    await store.close();
  });

  it('refuses to cosign, raises SPLIT_VIEW and stops scoring when scoring was shown another tree', async () => {
    const forked = [entries[0]!, entries[2]!];
    const { loop, store } = await witness('forked', () => checkpointOf(forked));
    await loop.tick();
    expect(loop.forked()).toMatch(/not one log/);
    expect(loop.cosigned()).toBeUndefined();
    expect((await loop.alarms()).map((a) => a.code)).toEqual(['SPLIT_VIEW']);
    await store.close();
  });

  it('still refuses to score after a restart over the same data folder, until an operator clears it', async () => {
    const forked = [entries[1]!, entries[0]!];
    const first = await witness('restarted', () => checkpointOf(forked));
    await first.loop.tick();
    expect(first.loop.forked()).toMatch(/not one log/);
    await first.store.close();

    // Restarted with an honest scoring view: the fork it saw before is not forgotten.
    const again = await witness('restarted', () => checkpointOf(entries));
    expect(again.loop.forked()).toMatch(/not one log/);
    expect(again.loop.hasAlarm).toBe(true);
    expect(await clearScoringStop(again.store)).toMatch(/not one log/);
    await again.store.close();

    const cleared = await witness('restarted', () => checkpointOf(entries));
    expect(cleared.loop.forked()).toBeUndefined();
    expect((await cleared.loop.alarms()).map((a) => a.code)).toEqual(['SPLIT_VIEW']);
    await cleared.store.close();
  });
});
