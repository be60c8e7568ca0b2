/**
 * Abuse limits: a caller over its rate gets RESOURCE_EXHAUSTED (RATE_LIMITED) while others are
 * served; too many calls at once get OVERLOADED; the party never falls over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { CallLimiter } from '../../lib/call-limits.js';
import { coordinatorClient, scoringClient } from '../../proto/clients.js';
import type { ScoreStreamReply__Output } from '../../proto/gen/fedcredit/v1/ScoreStreamReply.js';
import { FedcreditError } from '../../lib/errors.js';
import * as grpc from '@grpc/grpc-js';
import { call, ERROR_CODE_METADATA_KEY } from '../../lib/grpc.js';
import { SerialQueue } from '../../lib/serial-queue.js';
import { BoundedCache } from '../../lib/bounded-cache.js';
import { generateIdentity } from '../../crypto/identity.js';
import { consentSignatureValid, encodeConsent, grantConsent, parseConsent } from '../../consent/record.js';
import { encodeSignedQuery, parseSignedQuery, signedQueryValid, signQuery, type SignedQuery } from '../../consent/signed-query.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

let dir: string;
let fed: TestFederation;
let coordinator: RunningCoordinator;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-limits-'));
  fed = await testFederation(dir);
  coordinator = await startCoordinator({
    dataDir: path.join(dir, 'coordinator'), transport: fed.as('coordinator'), log: () => undefined,
    callLimits: { perRole: { requester: { perSecond: 20, burst: 20 } }, default: { perSecond: 1_000, burst: 1_000 }, maxInFlight: 1_000, streamIdleMs: 1_000 },
  });
});

afterAll(async () => {
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function flood(party: string, calls: number): Promise<{ ok: number; limited: FedcreditError[] }> {
  const client = coordinatorClient(coordinator.address, fed.as(party));
  try {
    const outcomes = await Promise.all(Array.from({ length: calls }, () => call(client, client.Health, {}, 10_000, { retryWhenBusy: false }).then(() => undefined, (e: FedcreditError) => e)));
    return { ok: outcomes.filter((o) => o === undefined).length, limited: outcomes.filter((o): o is FedcreditError => o !== undefined) };
  } finally {
    client.close();
  }
}

describe('limits on callers', () => {
  it('a requester over its rate is refused with RESOURCE_EXHAUSTED; the auditor is still served', async () => {
    const started = Date.now();
    const { ok, limited } = await flood('bank-a', 200);
    const seconds = (Date.now() - started) / 1000;
    expect(ok).toBeGreaterThanOrEqual(20);
    expect(ok).toBeLessThanOrEqual(20 + Math.ceil(20 * seconds) + 1);
    expect(ok).toBeLessThan(200);
    expect(limited.length).toBe(200 - ok);
    for (const e of limited) expect(e).toMatchObject({ code: 'RATE_LIMITED', detail: { grpcStatus: 8 } });
    expect(limited[0]!.message).toMatch(/requester\/bank-a is over its limit of 20 calls\/s; retry in \d+ ms/);

    const other = await flood('auditor-1', 50);
    expect(other.ok).toBe(50);
    // And after a pause the requester is served again.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await flood('bank-a', 5)).ok).toBe(5);
  });

  it('a well-behaved client backs off on RATE_LIMITED and gets through', async () => {
    const client = coordinatorClient(coordinator.address, fed.as('bank-a'));
    try {
      const results = await Promise.all(Array.from({ length: 60 }, () => call(client, client.Health, {}, 20_000)));
      expect(results).toHaveLength(60);
    } finally {
      client.close();
    }
  });

  it('each query on a ScoreStream passes the same rate limit as a call would', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const client = scoringClient(coordinator.address, fed.as('bank-a'));
    try {
      const stream = client.ScoreStream();
      const replies: ScoreStreamReply__Output[] = [];
      stream.on('data', (r: ScoreStreamReply__Output) => replies.push(r));
      const ended = new Promise((resolve) => stream.on('end', resolve));
      const started = Date.now();
      // Malformed queries: the admitted ones are refused by the consent check, the others by the limiter.
      for (let i = 0; i < 100; i++) stream.write({ consent: '', signedQuery: '' });
      stream.end();
      await ended;
      expect(replies.map((r) => Number(r.seq)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const codes = replies.map((r) => r.refusal?.code);
      const limited = codes.filter((c) => c === 'RATE_LIMITED').length;
      // The bucket (burst 20, 20/s) admits at most its burst plus what refills while the stream is
      // open: bound by the time the stream took, so a slow, loaded machine does not fail the test.
      const seconds = (Date.now() - started) / 1000;
      expect(100 - limited).toBeLessThanOrEqual(20 + Math.ceil(20 * seconds) + 1);
      if (seconds < 3) expect(limited).toBeGreaterThan(0);
      expect(codes.filter((c) => c === 'CONSENT_MALFORMED').length).toBe(100 - limited);
    } finally {
      client.close();
    }
  });

  it('beyond the in-flight cap a call is refused with OVERLOADED, and slots come back when calls end', () => {
    const limiter = new CallLimiter({ perRole: {}, default: { perSecond: 1e6, burst: 1e6 }, maxInFlight: 2 });
    const a = limiter.admit('x', undefined);
    limiter.admit('y', undefined);
    expect(() => limiter.admit('z', undefined)).toThrow(expect.objectContaining({ code: 'OVERLOADED' }));
    a();
    a(); // releasing twice frees one slot only
    expect(limiter.inFlight).toBe(1);
    expect(() => limiter.admit('z', undefined)).not.toThrow();
  });

  it('a ScoreStream with nothing sent for the idle limit is closed with STREAM_IDLE; one in use is not', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const client = scoringClient(coordinator.address, fed.as('bank-a'));
    try {
      const started = Date.now();
      const idle = client.ScoreStream();
      idle.on('data', () => undefined);
      const busy = client.ScoreStream();
      const busyReplies: unknown[] = [];
      busy.on('data', (r: unknown) => busyReplies.push(r));
      let busyError: unknown;
      busy.on('error', (e) => (busyError = e));
      const ticker = setInterval(() => busy.write({ consent: '', signedQuery: '' }), 300);
      const err = await new Promise<grpc.ServiceError>((resolve, reject) => {
        idle.on('error', resolve);
        setTimeout(() => reject(new Error('the idle stream was not closed within 10 s (idle limit 1 s)')), 10_000);
      });
      clearInterval(ticker);
      expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      expect(err.metadata.get(ERROR_CODE_METADATA_KEY)[0]).toBe('STREAM_IDLE');
      expect(err.details).toMatch(/sent nothing for 1000 ms and was closed; open a new one/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(busyError).toBeUndefined();
      expect(busyReplies.length).toBeGreaterThan(0);
      busy.end();
    } finally {
      client.close();
    }
  });

  it('each role has its own in-flight pool: requesters filling theirs leave the auditor, witnesses and operators served', () => {
    const limiter = new CallLimiter({
      perRole: {}, default: { perSecond: 1e6, burst: 1e6 }, maxInFlight: 4, inFlightPerRole: { requester: 3, auditor: 1, site: 1, operator: 1 },
    });
    for (let i = 0; i < 3; i++) limiter.admit(`requester/bank-${i}`, 'requester');
    expect(() => limiter.admit('requester/bank-9', 'requester')).toThrow(expect.objectContaining({ code: 'OVERLOADED' }));
    expect(() => limiter.admit('auditor/auditor-1', 'auditor')).not.toThrow();
    expect(() => limiter.admit('site/tax', 'site')).not.toThrow();
    expect(() => limiter.admit('operator/coordinator', 'operator')).not.toThrow();
    // And a caller's open streams are capped.
    const closers = Array.from({ length: 16 }, () => limiter.openStream('requester/bank-a'));
    expect(() => limiter.openStream('requester/bank-a')).toThrow(expect.objectContaining({ code: 'TOO_MANY_STREAMS' }));
    expect(() => limiter.openStream('requester/bank-b')).not.toThrow();
    closers[0]!();
    expect(() => limiter.openStream('requester/bank-a')).not.toThrow();
  });

  it('a bounded queue refuses work beyond its bound at once instead of growing', async () => {
    const queue = new SerialQueue(2);
    let release!: () => void;
    const first = queue.run(() => new Promise<void>((r) => (release = r)));
    const second = queue.run(async () => 'second');
    await expect(queue.run(async () => 'third')).rejects.toMatchObject({ code: 'OVERLOADED' });
    release();
    await first;
    expect(await second).toBe('second');
    expect(await queue.run(async () => 'fourth')).toBe('fourth');
  });

  it('the parse cache is an LRU within a count and a byte budget', () => {
    const cache = new BoundedCache<number>(3, 1_000);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get('k0')).toBeUndefined();
    cache.get('k2'); // recently used: survives the next eviction
    cache.set('k5', 5);
    expect([cache.get('k2'), cache.get('k3')]).toEqual([2, undefined]);
    cache.set('big', 0, 600);
    expect(cache.bytes).toBeLessThanOrEqual(1_000);
    cache.set('huge', 0, 200); // more than an eighth of the budget: never kept
    expect(cache.get('huge')).toBeUndefined();
  });

  it('a consent text is kept only once it parsed and its signature verified, never when refused', () => {

    // Refused texts (malformed, or well-formed with a bad signature) are parsed afresh each time, never kept.
    const malformed = `{"v":1,"pad":"${'x'.repeat(1000)}"}`;
    expect(parseConsent(malformed)).not.toBe(parseConsent(malformed));
    const enterprise = generateIdentity();
    const granted = grantConsent(enterprise, {
      subject: '91350100M000100Y43', requester: { name: 'bank-a', key: '00'.repeat(32) }, dataHolders: ['tax', 'power'],
      purpose: 'credit-assessment', operations: ['score'], validForMs: 86_400_000, maxUses: 1,
    });
    const forged = encodeConsent({ ...granted, signature: 'ab'.repeat(64) });
    const first = parseConsent(forged);
    expect(first.ok).toBe(true);
    expect(first.ok && consentSignatureValid(first.value)).toBe(false);
    expect((parseConsent(forged) as { value: unknown }).value).not.toBe((first as { value: unknown }).value);
    // A verified one is kept: the same frozen object comes back.
    const text = encodeConsent(granted);
    const parsed = parseConsent(text);
    expect(parsed.ok && consentSignatureValid(parsed.value)).toBeTruthy();
    expect(parseConsent(text)).toMatchObject({ ok: true, value: parsed.ok ? parsed.value : undefined });
    expect((parseConsent(text) as { value: unknown }).value).toBe((parseConsent(text) as { value: unknown }).value);

    // A signed query likewise: once its signature fails, it is read afresh; once it verifies, kept.
    const signed = signQuery(enterprise, 'bank-a', {
      queryId: 'limits-query-1', consentId: granted.consentId, subject: granted.subject, purpose: 'credit-assessment', operation: 'score', sites: ['tax', 'power'],
    });
    const forgedQuery = encodeSignedQuery({ ...signed, signature: 'ab'.repeat(64) });
    const read = parseSignedQuery(forgedQuery) as { ok: true; value: SignedQuery };
    expect(signedQueryValid(read.value)).toBe(false);
    expect((parseSignedQuery(forgedQuery) as { value: unknown }).value).not.toBe(read.value);
    const queryText = encodeSignedQuery(signed);
    const good = parseSignedQuery(queryText) as { ok: true; value: SignedQuery };
    expect(signedQueryValid(good.value)).toBe(true);
    expect((parseSignedQuery(queryText) as { value: unknown }).value).toBe(good.value);
  });
});
