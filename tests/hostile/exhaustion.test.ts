/**
 * One requester must not crash or lock out the coordinator (issue 12). Against a real
 * coordinator process over mutual TLS, whose memory is read from /proc:
 * - 75 Score calls with 30 MB "consents" are refused before they are buffered, and the
 *   coordinator's peak RSS stays within a fixed bound of where it started;
 * - 520 idle ScoreStreams from one bank: past its share of open streams each is refused, the
 *   auditor, the operator and a witness are served meanwhile, and idle streams are closed;
 * - a flood of malformed queries grows the transparency log by a bounded number of entries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { coordinatorClient, scoringClient, transparencyLogClient } from '../../proto/clients.js';
import { FedcreditError } from '../../lib/errors.js';
import { call, ERROR_CODE_METADATA_KEY, fromServiceError } from '../../lib/grpc.js';
import { freePort } from '../../lib/party-processes.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { startCoordinator } from '../../coordinator/server.js';
import { decodeEntry, entryProblem, type LogEntry } from '../../log/entries.js';
import { REFUSAL_THRESHOLD } from '../../log/refusals.js';
import type { ScoreStreamReply__Output } from '../../proto/gen/fedcredit/v1/ScoreStreamReply.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

let dir: string;
let fed: TestFederation;
let coordinator: SpawnedParty;

const MB = 1024 * 1024;

/** The process's resident set now and at its peak (bytes), from /proc. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** A ScoreRequest's bytes: field 1 (consent, a string), length-delimited. */
function encodeScoreRequest(consent: string): Buffer {
  const body = Buffer.from(consent, 'utf8');
  const varint: number[] = [];
  for (let n = body.length; ; n = Math.floor(n / 128)) {
    if (n < 128) { varint.push(n); break; }
    varint.push((n % 128) | 128);
  }
  return Buffer.concat([Buffer.from([0x0a, ...varint]), body]);
}

/** Scoring.Score with pre-serialized request bytes; resolves with the FedcreditError it ended with (or undefined). */
function rawScore(client: grpc.Client, request: Buffer): Promise<unknown> {
  return new Promise((resolve) => {
    client.makeUnaryRequest('/fedcredit.v1.Scoring/Score', (b: Buffer) => b, (b: Buffer) => b, request, new grpc.Metadata(), { deadline: Date.now() + 30_000 },
      (err) => resolve(err ? fromServiceError(err, 'coordinator') : undefined));
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-exhaustion-'));
  fed = await testFederation(dir);
  const port = await freePort();
  coordinator = await spawnParty('coordinator', [
    'coordinator', 'serve', '--data', path.join(dir, 'coordinator'), '--port', String(port), ...fed.tls('coordinator'),
  ]);
}, 30_000);

afterAll(async () => {
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a requester cannot exhaust the coordinator', () => {
  it('75 Score calls with 30 MB consents are refused before they are buffered; memory stays flat', async () => {
    const client = scoringClient(coordinator.address, fed.as('bank-a'));
    const pid = coordinator.child.pid!;
    try {
      // Warm up: the first calls load the proto, TLS session, caches.
      await call(client, client.Score, { consent: '{}', signedQuery: '{}' }, 10_000, { retryWhenBusy: false }).catch(() => undefined);
      const before = memoryOf(pid);
      // A ScoreRequest with a 30 MB consent, serialized once; each call sends a copy whose
      // consent differs (a number near its start), as an attacker's would: a cache keyed by text
      // would keep every one.
      const huge = encodeScoreRequest(`{"v":1,"n":"000000","pad":"${'x'.repeat(30 * MB)}"}`);
      const numberAt = huge.indexOf('000000');
      const outcomes: unknown[] = [];
      // Waves of 5 at once: the test process itself holds a copy of each request it sends.
      for (let wave = 0; wave < 15; wave++) {
        outcomes.push(...await Promise.all(Array.from({ length: 5 }, (_, i) => {
          const request = Buffer.from(huge);
          request.write(String(wave * 5 + i).padStart(6, '0'), numberAt, 'latin1');
          return rawScore(client, request);
        })));
      }
      const after = memoryOf(pid);
      for (const o of outcomes) expect(o).toMatchObject({ code: 'MESSAGE_TOO_LARGE', detail: { grpcStatus: grpc.status.RESOURCE_EXHAUSTED } });
      expect((outcomes[0] as FedcreditError).message).toMatch(/Scoring\/Score accepts messages of at most 65536 bytes/);
      // On the unfixed coordinator the peak grew by gigabytes (every 30 MB text was kept); one such message is 30 MB.
      expect(after.peak - before.rss, `peak RSS ${(after.peak / MB).toFixed(0)} MB from ${(before.rss / MB).toFixed(0)} MB`).toBeLessThan(100 * MB);
      // And it still serves an honest call.
      const health = coordinatorClient(coordinator.address, fed.as('auditor-1'));
      try {
        expect((await call(health, health.Health, {})).status).toBe('SERVING');
      } finally {
        health.close();
      }
    } finally {
      client.close();
    }
  }, 60_000);

  it('the refusal carries the stable code for a caller without the fedcredit client', async () => {
    const client = transparencyLogClient(coordinator.address, fed.as('tax'));
    try {
      // SubmitCosignature is small by nature: 1 MB is refused by the frame decoder, not the handler.
      const err = await call(client, client.SubmitCosignature, { site: 'tax', checkpoint: 'x'.repeat(MB), cosignature: '' }, 10_000, { retryWhenBusy: false }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
      expect(ERROR_CODE_METADATA_KEY).toBe('fedcredit-error-code');
    } finally {
      client.close();
    }
  });

  it('520 idle ScoreStreams from one bank: past its share each is refused, and the auditor, operator and witnesses are served', async () => {
    const pid = coordinator.child.pid!;
    const bank = scoringClient(coordinator.address, fed.as('bank-a'));
    const auditor = transparencyLogClient(coordinator.address, fed.as('auditor-1'));
    const witness = transparencyLogClient(coordinator.address, fed.as('tax'));
    const operator = coordinatorClient(coordinator.address, fed.as('coordinator-operator'));
    const streams: grpc.ClientDuplexStream<unknown, unknown>[] = [];
    try {
      const before = memoryOf(pid);
      const refused: Promise<string>[] = [];
      for (let i = 0; i < 520; i++) {
        const stream = bank.ScoreStream() as unknown as grpc.ClientDuplexStream<unknown, unknown>;
        streams.push(stream);
        refused.push(new Promise((resolve) => {
          stream.on('error', (e: grpc.ServiceError) => resolve(e.metadata?.get(ERROR_CODE_METADATA_KEY)[0]?.toString() ?? `status ${e.code}`));
          stream.on('data', () => undefined);
        }));
      }
      // All but the bank's share are refused at once; the share stays open (idle limit: 60 s).
      const codes = await Promise.race([
        Promise.all(refused.slice(16)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the streams past the share were not refused')), 20_000)),
      ]);
      expect(new Set(codes)).toEqual(new Set(['TOO_MANY_STREAMS']));
      // While the bank's streams are open: the auditor, the witness and the operator are served.
      expect(Number((await call(auditor, auditor.GetLogInfo, {}, 10_000, { retryWhenBusy: false })).size)).toBeGreaterThanOrEqual(0);
      expect(await call(witness, witness.GetLogInfo, {}, 10_000, { retryWhenBusy: false })).toBeDefined();
      const cosign = await call(witness, witness.SubmitCosignature, { site: 'tax', checkpoint: 'not a checkpoint', cosignature: '' }, 10_000, { retryWhenBusy: false })
        .then(() => 'ok', (e: FedcreditError) => e.code);
      expect(cosign).not.toMatch(/OVERLOADED|RATE_LIMITED|TOO_MANY_STREAMS/);
      expect((await call(operator, operator.ListNodes, {}, 10_000, { retryWhenBusy: false })).nodes).toBeDefined();
      // A query on one of the open streams is still answered (refused on its merits, not for capacity).
      const reply = await new Promise<{ refusal?: { code: string } }>((resolve) => {
        streams[0]!.once('data', resolve);
        streams[0]!.write({ consent: '', signedQuery: '' });
      });
      expect(reply.refusal?.code).toBe('CONSENT_MALFORMED');
      const after = memoryOf(pid);
      expect(after.peak - before.rss, `peak RSS ${(after.peak / MB).toFixed(0)} MB from ${(before.rss / MB).toFixed(0)} MB`).toBeLessThan(100 * MB);
    } finally {
      for (const s of streams) s.cancel();
      for (const c of [bank, auditor, witness, operator]) c.close();
    }
  }, 60_000);

  it('a flood of malformed queries grows the log by a bounded number of entries, and every refusal is still counted there', async () => {
    const windowMs = 2_000;
    const inProcess = await startCoordinator({
      dataDir: path.join(dir, 'coordinator-flood'), transport: fed.as('coordinator'), log: () => undefined, refusalLog: { windowMs },
    });
    const client = scoringClient(inProcess.address, fed.as('bank-a'));
    try {
      const store = inProcess.transparencyLog.store;
      const before = store.size;
      // 4 streams x 500 malformed queries, as fast as the bank's rate limit (1,000/s, burst 2,000) lets through.
      const replies = await Promise.all(Array.from({ length: 4 }, () => new Promise<ScoreStreamReply__Output[]>((resolve, reject) => {
        const stream = client.ScoreStream();
        const got: ScoreStreamReply__Output[] = [];
        stream.on('data', (r: ScoreStreamReply__Output) => got.push(r));
        stream.on('end', () => resolve(got));
        stream.on('error', reject);
        for (let i = 0; i < 500; i++) stream.write({ consent: `{"v":1,"n":${i}}`, signedQuery: '' });
        stream.end();
      })));
      const malformed = replies.flat().filter((r) => r.refusal?.code === 'CONSENT_MALFORMED').length;
      expect(malformed).toBeGreaterThan(1_000);
      // The window ends: the counted refusals are logged as summaries.
      await new Promise((r) => setTimeout(r, windowMs + 500));
      const grown = store.size - before;
      const entries: LogEntry[] = (await store.entries(before, store.size)).map((b) => {
        const d = decodeEntry(b);
        if (!d.ok) throw new Error(d.reason);
        expect(entryProblem(d.entry)).toBeUndefined();
        return d.entry;
      });
      const single = entries.filter((e) => e.kind === 'refusal');
      const summaries = entries.filter((e) => e.kind === 'refusal-summary');
      // At most the threshold one by one, plus one summary, per window the flood spanned (a few
      // seconds: at most 4 windows); on the unfixed coordinator, one entry per refusal.
      expect(grown, `${grown} entries for ${malformed} refusals`).toBeLessThanOrEqual(4 * (REFUSAL_THRESHOLD + 1));
      expect(summaries.length).toBeGreaterThan(0);
      for (const s of summaries) expect(s.body).toMatchObject({ requester: 'bank-a', refusedBy: 'coordinator', reason: 'CONSENT_MALFORMED' });
      // Nothing lost: the entries one by one plus the summaries' counts are every refusal.
      expect(single.length + summaries.reduce((n, s) => n + Number(s.body['count']), 0)).toBe(malformed);
    } finally {
      client.close();
      await inProcess.stop();
    }
  }, 60_000);
});
