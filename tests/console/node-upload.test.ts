/**
 * The node console's upload pipe (console/pages/node/upload.ts) without a browser or a node:
 * the request body goes to DataNode.IngestFile in chunks of at most 64 KiB, the options ride
 * on the first chunk only, the pipe waits for the call to drain (never buffers the file), a
 * refusal by the node becomes a result carrying the node's error code, and a failing body
 * cancels the call so the node stores nothing.
 */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, currentUpload, pipeToNode } from '../../console/pages/node/upload.js';
import type { RequestContext } from '../../console/http/router.js';

interface Sent { options?: unknown; data: Buffer }

/** A stand-in IngestFile call: records writes, reports backpressure every 4th write, answers on end. */
function fakeContext(answer: (sent: Sent[]) => { err?: Partial<grpc.ServiceError>; report?: unknown }) {
  const sent: Sent[] = [];
  const progress: number[] = [];
  let cancelled = false;
  let maxBuffered = 0;
  const dataNode = {
    IngestFile: (_meta: unknown, _opts: unknown, callback: (err: unknown, res?: unknown) => void) => {
      const call = Object.assign(new EventEmitter(), {
        buffered: 0,
        write(chunk: Sent) {
          sent.push(chunk);
          // What the progress events read while the pipe runs: this upload, not finished, bytes so far.
          const up = currentUpload();
          progress.push(up?.result === undefined ? up?.sent ?? -1 : -2);
          call.buffered++;
          maxBuffered = Math.max(maxBuffered, call.buffered);
          if (call.buffered < 4) return true;
          setImmediate(() => { call.buffered = 0; call.emit('drain'); });
          return false;
        },
        end() {
          const a = answer(sent);
          setImmediate(() => callback(a.err ?? null, a.report));
        },
        cancel() { cancelled = true; callback({ code: grpc.status.CANCELLED, details: 'cancelled', metadata: new grpc.Metadata() }); },
      });
      return call;
    },
  };
  const ctx = {
    clients: { dataNode, slot: async () => () => undefined },
    options: { target: '127.0.0.1:1' },
    now: () => Date.now(),
    t: (key: string) => key,
  } as unknown as RequestContext;
  return { ctx, sent, progress, cancelled: () => cancelled, maxBuffered: () => maxBuffered };
}

const report = { fileName: 'big.csv', kind: 'features', rows: '3', committed: true, problems: [], problemCount: '0', sha256: 'ab', seconds: 0.1, enterprises: '3', featuresPerEnterprise: '2' };

describe('the node console upload pipe', () => {
  it('sends at most 64 KiB a chunk, the options on the first only, and waits for drain', async () => {
    const f = fakeContext(() => ({ report }));
    // 3 MiB in 1 MiB pieces, as a fast browser might deliver it.
    const body = Readable.from((function* () { for (let i = 0; i < 3; i++) yield Buffer.alloc(1024 * 1024, 65 + i); })());
    const result = await pipeToNode(f.ctx, body, { fileName: 'big.csv', kind: 'features' }, 3 * 1024 * 1024);
    expect(result.committed).toBe(true);
    expect(f.sent.length).toBe(48);
    expect(Math.max(...f.sent.map((c) => c.data.length))).toBe(CHUNK_BYTES);
    expect(f.sent.reduce((n, c) => n + c.data.length, 0)).toBe(3 * 1024 * 1024);
    expect(f.sent.filter((c) => c.options !== undefined).length).toBe(1);
    expect(f.sent[0]?.options).toMatchObject({ fileName: 'big.csv' });
    // Backpressure held: never more than 4 chunks written without a drain.
    expect(f.maxBuffered()).toBeLessThanOrEqual(4);
    expect(f.progress[0]).toBe(CHUNK_BYTES);
    expect(f.progress[47]).toBe(3 * 1024 * 1024);
    expect(currentUpload()?.result?.committed).toBe(true);
  });

  it('a refusal by the node is a result with its code and message', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('fedcredit-error-code', 'INGEST_REJECTED');
    const f = fakeContext(() => ({ err: { code: grpc.status.INVALID_ARGUMENT, details: 'bad.csv: rejected, nothing was stored', metadata } }));
    const result = await pipeToNode(f.ctx, Readable.from([Buffer.from('x,y\n1,2\n')]), { fileName: 'bad.csv' }, 8);
    expect(result).toMatchObject({ committed: false, errorCode: 'INGEST_REJECTED' });
    expect(result.errorMessage).toMatch(/nothing was stored/);
  });

  it('a body that fails (browser gone, too large) cancels the call', async () => {
    const f = fakeContext(() => ({ report }));
    const body = new Readable({ read() { this.push(Buffer.alloc(1000)); this.destroy(new Error('browser went away')); } });
    await expect(pipeToNode(f.ctx, body, { fileName: 'x.csv' }, 0)).rejects.toThrow(/browser went away|cancelled/);
    expect(f.cancelled()).toBe(true);
  });
});
