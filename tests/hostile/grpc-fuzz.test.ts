/**
 * Hostile input over the wire: random bytes as the request of every method of every service
 * the coordinator and a node serve. Each call must end in a gRPC status (never a hang, never a
 * stack trace in the details), and afterwards both parties are healthy and their stores intact.
 * The parties run without TLS here so that the bytes reach the handlers; the role guard in
 * front of them is tested in tests/security.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { dataNodeClient } from '../../proto/clients.js';
import { call, loadProto } from '../../lib/grpc.js';
import { receiveLimitFor } from '../../lib/message-limits.js';
import { INSECURE } from '../../lib/tls.js';
import { startNode, type RunningNode } from '../../node/server.js';
import { NodeStore } from '../../site/store.js';

const quiet = () => undefined;
let dir: string;
let coordinator: RunningCoordinator;
let node: RunningNode;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-fuzz-'));
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: INSECURE, log: quiet });
  node = await startNode({ site: 'tax', dataDir: path.join(dir, 'tax'), transport: INSECURE, coordinator: coordinator.address, log: quiet });
  await node.registered;
});

afterAll(async () => {
  await node?.stop();
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface MethodInfo { service: string; method: string; path: string; requestStream: boolean; responseStream: boolean }

function methodsOf(service: string): MethodInfo[] {
  const v1 = loadProto().fedcredit.v1 as unknown as Record<string, { service?: grpc.ServiceDefinition }>;
  const def = v1[service]!.service!;
  return Object.entries(def).map(([method, m]) => ({ service, method, path: m.path, requestStream: m.requestStream, responseStream: m.responseStream }));
}

const identity = (b: Buffer) => b;

/** Send `payload` as the raw request; resolve with the status code the server ended the call with. */
function rawCall(address: string, m: MethodInfo, payload: Buffer): Promise<{ code: number; details: string }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const deadline = Date.now() + 10_000;
  const done = (resolve: (r: { code: number; details: string }) => void) => (err: grpc.ServiceError | null) => {
    client.close();
    resolve({ code: err?.code ?? grpc.status.OK, details: err?.details ?? '' });
  };
  return new Promise((resolve) => {
    if (m.requestStream) {
      const stream = client.makeClientStreamRequest(m.path, identity, identity, new grpc.Metadata(), { deadline }, done(resolve));
      stream.write(payload);
      stream.end();
    } else if (m.responseStream) {
      const stream = client.makeServerStreamRequest(m.path, identity, identity, payload, new grpc.Metadata(), { deadline });
      stream.on('data', () => undefined);
      stream.on('error', (err: grpc.ServiceError) => done(resolve)(err));
      stream.on('end', () => done(resolve)(null));
    } else {
      client.makeUnaryRequest(m.path, identity, identity, payload, new grpc.Metadata(), { deadline }, done(resolve));
    }
  });
}

const targets: [string, () => string][] = [
  ...['Coordinator', 'TransparencyLog', 'Alignment', 'Backup'].map((s) => [s, () => coordinator.address] as [string, () => string]),
  ...['DataNode', 'NodeAudit', 'NodeAlignment'].map((s) => [s, () => node.address] as [string, () => string]),
];

describe('random bytes to every RPC', () => {
  for (const [service, address] of targets) {
    it(`${service}: every method answers garbage with a status, never a stack trace`, async () => {
      for (const m of methodsOf(service)) {
        await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
          const { code, details } = await rawCall(address(), m, Buffer.from(bytes));
          expect(code, `${m.path}`).not.toBe(grpc.status.DEADLINE_EXCEEDED);
          expect(details).not.toMatch(/\n\s+at /);
          expect(details).not.toMatch(/\.(js|ts):\d+/);
        }), { numRuns: 15 });
      }
    });
  }

  it('a message over its method\'s size limit is refused from its length prefix, on every method', async () => {
    for (const [service, address] of [...targets, ['Scoring', () => coordinator.address] as [string, () => string]]) {
      for (const m of methodsOf(service)) {
        const limit = receiveLimitFor(m.path, undefined, false);
        const { code, details } = await rawCall(address(), m, Buffer.alloc(limit + 1, 0x0a));
        expect(code, m.path).toBe(grpc.status.RESOURCE_EXHAUSTED);
        expect(details, m.path).toMatch(new RegExp(`^MESSAGE_TOO_LARGE: ${m.path.slice(1)} accepts messages of at most ${limit} bytes`));
      }
    }
  });

  it('afterwards both parties are healthy and their stores intact', async () => {
    const client = dataNodeClient(node.address, INSECURE, 'tax');
    try {
      expect((await call(client, client.Health, {})).status).toBe('SERVING');
    } finally {
      client.close();
    }
    expect(await coordinator.registry.get('tax')).toMatchObject({ site: 'tax', address: node.address });
    const integrity = await coordinator.transparencyLog.store.verifyIntegrity();
    expect(integrity).toMatchObject({ ok: true });
    expect(await node.store.getMeta()).toMatchObject({ site: 'tax' });
    expect(await node.store.listIngests()).toEqual([]);
    expect(NodeStore).toBeDefined();
  });
});
