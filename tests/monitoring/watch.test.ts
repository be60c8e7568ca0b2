/**
 * Monitoring.Watch and GetRescoreReceipt over real gRPC with mutual TLS (monitoring/watch-service.ts,
 * the bank's client monitoring/requester.ts, `fedcredit monitor watch`): an in-process
 * coordinator server with the watch handlers on a real EventStore in a temp LevelDB; events
 * are appended as the run driver does (prepare, one root batch, commit).
 *
 * - `fedcredit monitor watch --out` is killed -9 mid-stream and restarted: the out file holds
 *   every event exactly once, no gap;
 * - a second watcher of a portfolio ends the first (WATCH_REPLACED);
 * - bank-b cannot watch bank-a's portfolio (it is not bank-b's: PORTFOLIO_NOT_FOUND);
 * - a cursor beyond the newest event is EVENT_CURSOR_INVALID;
 * - a forged explanation box is an error in the event's line, the genuine one is opened;
 * - a receipt is given for one's own `rescore` entry only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxSealer } from '../../crypto/sealed-box.js';
import { loadOrCreateIdentity } from '../../crypto/identity.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { FedcreditError } from '../../lib/errors.js';
import { addService, call, newServer, startServer, stopServer } from '../../lib/grpc.js';
import { initFederation } from '../../lib/init-cli.js';
import { partyFolder, partyTransport } from '../../lib/tls.js';
import { cliPath } from '../../lib/spawn-party.js';
import { CoordinatorLog } from '../../log/service.js';
import { EventStore, type NewEvent, type PortfolioKey } from '../../monitoring/events.js';
import { PortfolioStore } from '../../monitoring/portfolio-store.js';
import { WatchSession, type WatchedEvent } from '../../monitoring/requester.js';
import { watchHandlers } from '../../monitoring/watch-service.js';
import { monitoringClient } from '../../proto/clients.js';
import type { MonitoringHandlers } from '../../proto/gen/fedcredit/v1/Monitoring.js';
import { loadRequesterKeys } from '../../scoring/requester-keys.js';
import { ExplanationMacKeys, sealExplanation } from '../../scoring/sealed-explanation.js';
import { siteKeyStatement } from '../../scoring/site-key-statement.js';
import { until } from '../helpers/wait.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-watch-'));
const fedDir = path.join(dir, 'federation');
const A: PortfolioKey = { requester: 'bank-a', portfolio: 'sme-loans' };
const SUBJECT = '91350100M000100Y43';
let root: Level<string, unknown>;
let events: EventStore;
let portfolios: PortfolioStore;
let clog: CoordinatorLog;
let server: grpc.Server;
let address: string;
let coordinatorTransport: ReturnType<typeof partyTransport>;

/** Every Monitoring method not under test answers UNIMPLEMENTED (the run's handlers are monitoring/portfolio-service.ts's). */
function otherHandlers(): Omit<MonitoringHandlers, 'Watch' | 'GetRescoreReceipt'> {
  const no = (_call: unknown, cb?: grpc.sendUnaryData<never>) => cb?.({ code: grpc.status.UNIMPLEMENTED, details: 'not in this test' });
  return { CreatePortfolio: no, UpdatePortfolio: no, ListPortfolios: no, ListPortfolio: no, ListRuns: no, GetRunReport: no, StartRun: (c: grpc.ServerWritableStream<unknown, unknown>) => c.emit('error', { code: grpc.status.UNIMPLEMENTED }) };
}

beforeAll(async () => {
  await initFederation({ out: fedDir, sites: ['tax', 'power'], requesters: ['bank-a', 'bank-b'], auditors: [] });
  root = new Level<string, unknown>(path.join(dir, 'db'), { valueEncoding: 'json' });
  await root.open();
  events = new EventStore(root);
  portfolios = new PortfolioStore(root);
  const keys = loadRequesterKeys(partyFolder(fedDir, 'bank-a'));
  for (const portfolio of ['sme-loans', 'second', 'forged']) {
    await portfolios.create({ requester: 'bank-a', portfolio, modelVersion: 'm1', sealingKey: Buffer.from(keys.sealing.publicKey).toString('hex'), sealingKeySignature: '00'.repeat(64), createdMs: Date.now(), createIndex: 0 });
  }
  const transport = partyTransport(fedDir, 'coordinator');
  coordinatorTransport = transport;
  clog = await CoordinatorLog.open({ dataDir: dir, identity: loadOrCreateIdentity(path.join(dir, 'identity.pem')), witnesses: async () => [], witnessQuorum: 1, log: () => undefined });
  server = newServer(transport);
  addService(server, 'Monitoring', { ...otherHandlers(), ...watchHandlers({ events, portfolios, log: clog }) } as MonitoringHandlers, transport);
  address = `127.0.0.1:${await startServer(server, '127.0.0.1:0', transport)}`;
}, 60_000);

afterAll(async () => {
  await stopServer(server);
  await events.close();
  await clog.close();
  await root.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ev = (subject: string, i: number): NewEvent => ({
  kind: 'change', portfolio: A.portfolio, runId: 'run-1', subject, timeMs: 1_700_000_000_000 + i, direction: 'worse',
  previous: { points: 620, grade: 'B', warning: 'none', asOf: '2026-01', modelVersion: 'm1' },
  current: { points: 540, grade: 'C', warning: 'yellow', asOf: '2026-02', modelVersion: 'm1', probabilityOfDefault: 0.08 },
});

async function append(p: PortfolioKey, list: NewEvent[]): Promise<void> {
  const b = await events.prepare(p, list);
  await root.batch(b.ops, { sync: true });
  b.commit();
}

function ids(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => (JSON.parse(l) as { eventId: string }).eventId);
}

function watchCli(out: string): ChildProcess {
  return spawn(process.execPath, [cliPath(), 'monitor', 'watch', '--portfolio', A.portfolio, '--out', out, '--coordinator', address, '--tls', partyFolder(fedDir, 'bank-a')], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function session(party: string, portfolio: string, more: Partial<ConstructorParameters<typeof WatchSession>[0]> = {}): WatchSession {
  return new WatchSession({ coordinator: address, transport: partyTransport(fedDir, party), keys: loadRequesterKeys(partyFolder(fedDir, party)), portfolio, backoffFirstMs: 100, ...more });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FedcreditError) return err.code;
    throw err;
  }
  return 'resolved';
}

describe('Monitoring.Watch', () => {
  it('a watcher killed -9 mid-stream and restarted leaves every event in its out file exactly once, no gap', async () => {
    const out = path.join(dir, 'events.jsonl');
    await append(A, Array.from({ length: 40 }, (_, i) => ev(SUBJECT, i)));
    let child = watchCli(out);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Live events keep coming while the client writes; it is killed in the middle of them.
    let n = 40;
    const feeding = (async () => {
      while (n < 400) {
        await append(A, Array.from({ length: 20 }, (_, i) => ev(SUBJECT, n + i)));
        n += 20;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await until(() => ids(out).length >= 60, 'the watcher to write 60 events', { timeoutMs: 30_000, detail: () => `${ids(out).length} events; its stderr: ${stderr}` });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const atKill = ids(out).length;
    expect(atKill).toBeLessThan(400);
    await feeding;
    child = watchCli(out);
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await until(() => ids(out).length >= 400, 'the restarted watcher to catch up to 400 events', { timeoutMs: 60_000, detail: () => `${ids(out).length} events; stderr: ${stderr}` });
    // A moment more: nothing beyond 400, nothing repeated.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(ids(out)).toEqual(Array.from({ length: 400 }, (_, i) => String(i + 1)));
    // The client acknowledged what it wrote: the coordinator's cursor is at the end.
    await events.flushAcks();
    expect(await events.cursor(A)).toBe(400n);
  }, 120_000);

  it('a second watcher of the portfolio ends the first with WATCH_REPLACED', async () => {
    const second: PortfolioKey = { requester: 'bank-a', portfolio: 'second' };
    await append(second, [ev(SUBJECT, 1)]);
    const seen: string[] = [];
    const first = session('bank-a', 'second', { onEvent: (e) => seen.push(e.eventId) });
    const firstRun = codeOf(first.run());
    await until(() => seen.length === 1, 'the first watcher\'s event', { timeoutMs: 10_000 });
    const stop = new AbortController();
    const other = session('bank-a', 'second', { signal: stop.signal });
    const otherRun = other.run();
    expect(await firstRun).toBe('WATCH_REPLACED');
    stop.abort();
    await otherRun;
  }, 30_000);

  it('bank-b cannot watch bank-a\'s portfolio: not found, as if it did not exist; a site may not watch at all', async () => {
    expect(await codeOf(session('bank-b', A.portfolio).run())).toBe('PORTFOLIO_NOT_FOUND');
    const site = new WatchSession({ coordinator: address, transport: partyTransport(fedDir, 'tax'), keys: loadRequesterKeys(path.join(dir, 'tax-keys')), portfolio: A.portfolio });
    expect(await codeOf(site.run())).toBe('ROLE_NOT_ALLOWED');
  }, 30_000);

  it('a coordinator restart breaks the stream; the session reconnects after its backoff and resumes with no gap or repeat', async () => {
    const p: PortfolioKey = { requester: 'bank-a', portfolio: 'restart' };
    await portfolios.create({ requester: 'bank-a', portfolio: 'restart', modelVersion: 'm1', sealingKey: '00'.repeat(32), sealingKeySignature: '00'.repeat(64), createdMs: Date.now(), createIndex: 0 });
    await append(p, [ev(SUBJECT, 1), ev(SUBJECT, 2)]);
    const seen: string[] = [];
    const notices: string[] = [];
    const stop = new AbortController();
    const running = session('bank-a', 'restart', { signal: stop.signal, onEvent: (e) => seen.push(e.eventId), onNotice: (l) => notices.push(l) }).run();
    await until(() => seen.length === 2, 'the first two events', { timeoutMs: 10_000 });
    // The coordinator goes away (its streams end), events are written meanwhile, and it comes back on the same port.
    await events.close();
    await stopServer(server, 100);
    await append(p, [ev(SUBJECT, 3)]);
    server = newServer(coordinatorTransport);
    addService(server, 'Monitoring', { ...otherHandlers(), ...watchHandlers({ events, portfolios, log: clog }) } as MonitoringHandlers, coordinatorTransport);
    await startServer(server, address, coordinatorTransport);
    await append(p, [ev(SUBJECT, 4)]);
    await until(() => seen.length === 4, 'events 3 and 4 after the restart', { timeoutMs: 20_000, detail: () => `${seen.join(',')}; ${notices.join(' | ')}` });
    stop.abort();
    await running;
    expect(seen).toEqual(['1', '2', '3', '4']);
    expect(notices.join('\n')).toMatch(/the stream broke \(UNAVAILABLE.*reconnecting in 0\.1 s, resuming after event 2/);
  }, 60_000);

  it('a cursor beyond the newest event is EVENT_CURSOR_INVALID, and the out file is left as it was', async () => {
    const out = path.join(dir, 'ahead.jsonl');
    fs.writeFileSync(out, `${JSON.stringify({ eventId: '100000', kind: 'change' })}\n`);
    expect(await codeOf(session('bank-a', A.portfolio, { out }).run())).toBe('EVENT_CURSOR_INVALID');
    expect(ids(out)).toEqual(['100000']);
  }, 30_000);

  it('a forged explanation box is an error in the event\'s line; the genuine box is opened', async () => {
    const p: PortfolioKey = { requester: 'bank-a', portfolio: 'forged' };
    const bank = loadRequesterKeys(partyFolder(fedDir, 'bank-a'));
    const sealer = new BoxSealer();
    const box = (site: string, keys: ReturnType<typeof generateX25519KeyPair>, queryId: string) =>
      sealExplanation(sealer, bank.sealing.publicKey, { v: 1, site, queryId, model: 'm1', covered: true, reasons: [{ feature: `${site}_late_days`, direction: 'increases-risk', rank: 1 }] }, 'bank-a', 77, new ExplanationMacKeys(keys.privateKey));
    const tax = generateX25519KeyPair();
    const power = generateX25519KeyPair();
    const statement = (site: string, keys: ReturnType<typeof generateX25519KeyPair>) => siteKeyStatement(site, keys.publicKey, partyTransport(fedDir, site));
    await append(p, [{
      ...ev(SUBJECT, 1), runId: 'run-7', logIndex: 77, entry: new Uint8Array([1]), answerSignature: new Uint8Array(64),
      sites: [
        // Sealed for this re-score (runId:subject at index 77): opens.
        { site: 'tax', covered: true, sealedExplanation: box('tax', tax, `run-7:${SUBJECT}`), siteKeyStatement: statement('tax', tax) },
        // The coordinator moved power's box from another enterprise's re-score: refused.
        { site: 'power', covered: true, sealedExplanation: box('power', power, 'run-7:91350100M000200Y43'), siteKeyStatement: statement('power', power) },
      ],
    }]);
    const out = path.join(dir, 'forged.jsonl');
    const stop = new AbortController();
    const notices: string[] = [];
    const got: WatchedEvent[] = [];
    const s = session('bank-a', 'forged', { out, signal: stop.signal, onEvent: (e) => got.push(e), onNotice: (l) => notices.push(l) });
    const running = s.run();
    await until(() => got.length === 1, 'the forged event', { timeoutMs: 10_000 });
    stop.abort();
    await running;
    const line = JSON.parse(fs.readFileSync(out, 'utf8').trim()) as WatchedEvent;
    expect(line.explanations?.map((x) => [x.site, x.reasons.map((r) => r.feature)])).toEqual([['tax', ['tax_late_days']]]);
    expect(line.errors).toEqual([{ site: 'power', code: 'EXPLANATION_FORGED', message: expect.any(String) as string }]);
    expect(notices.join('\n')).toMatch(/site power does not hold: EXPLANATION_FORGED/);
  }, 30_000);
});

describe('Monitoring.GetRescoreReceipt', () => {
  it('answers for the caller\'s own rescore entry, and NOT_FOUND for another bank\'s or another kind', async () => {
    const body = { run: 0, requester: 'bank-a', subject: SUBJECT, consentId: '0f8e3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b', consentHash: 'ab'.repeat(32), sites: ['power', 'tax'], time: 1_700_000_000_000 };
    const mine = await clog.append({ v: 1, kind: 'rescore', body });
    const theirs = await clog.append({ v: 1, kind: 'rescore', body: { ...body, requester: 'bank-b' } });
    const { consentHash: _h, sites: _s, ...skipBody } = body;
    const skip = await clog.append({ v: 1, kind: 'rescore-skip', body: { ...skipBody, refusedBy: 'tax', reason: 'CONSENT_REVOKED' } });
    const a = monitoringClient(address, partyTransport(fedDir, 'bank-a'));
    try {
      const r = await call(a, a.GetRescoreReceipt, { logIndex: mine.index, waitMs: 0 }).catch((e: FedcreditError) => e);
      // No witness cosigns in this test: the entry is found and only the checkpoint is missing.
      expect(r instanceof FedcreditError ? r.code : 'receipt').toBe('UNAVAILABLE');
      expect(String((r as FedcreditError).message)).toMatch(/no cosigned checkpoint covers entry/);
      for (const index of [theirs.index, skip.index, skip.index + 1]) {
        const e = await call(a, a.GetRescoreReceipt, { logIndex: index, waitMs: 0 }).catch((x: FedcreditError) => x);
        expect(e instanceof FedcreditError ? e.code : 'receipt').toBe('NOT_FOUND');
      }
    } finally {
      a.close();
    }
  }, 30_000);
});
