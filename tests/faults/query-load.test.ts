/**
 * kill -9 during a load of consented queries: bank-a keeps several queries in flight against a
 * federation of real processes (a model trained over gRPC, every party its own store) while a
 * node, and then the coordinator, is killed at a random point and restarted.
 *
 * What must hold (docs/scoring.md): every query bank-a got an answer for has exactly one
 * `query` entry, at the index it was told, with the bytes it was given, and is in every site's
 * served record; a query that failed has a clear code (SHARE_MISSING while a node is down,
 * UNAVAILABLE while the coordinator is) and at most one `query` entry; a SHARE_MISSING refusal
 * is logged once. The restarted party reopens its store (same records, same model, an intact
 * served-record chain) and queries succeed again. `audit verify`, from a state saved before
 * the first kill (so the log is also checked consistent with the pre-crash checkpoint), has
 * exactly one kind of finding: ENTRY_UNRECORDED for a query entry of an unanswered query that
 * names a site with no record of serving it (a node that was down, or a fan-out the killed
 * coordinator never sent). Nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify, type AuditSummary } from '../../log/audit/verify.js';
import { fetchServedRecords, LogReader, waitForCosignedLatest } from '../../log/client.js';
import { runTraining } from '../../training/client.js';
import { dataNodeClient } from '../../proto/clients.js';
import { FedcreditError } from '../../lib/errors.js';
import { call } from '../../lib/grpc.js';
import { decodeEntry, type LogEntry } from '../../log/entries.js';
import type { ServedRecord } from '../../log/served-record.js';
import type { Site } from '../../schema/site-schema.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { readGroundTruth } from '../../sim/read.js';
import { consentedRequester, type ConsentedRequester } from '../helpers/consented.js';
import { logLine } from '../helpers/wait.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from '../training-transport/helpers.js';

interface Outcome {
  readonly phase: string;
  readonly queryId: string;
  readonly answered: boolean;
  readonly logIndex?: number;
  readonly entry?: Uint8Array;
  readonly code?: string;
  readonly message?: string;
  /** When the outcome arrived relative to the kill and the restart. */
  readonly when: 'before-kill' | 'while-down' | 'after-restart';
}

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let requester: ConsentedRequester;
let modelVersion = '';
const subjects: string[] = [];
const consents = new Map<string, string>();
const outcomes: Outcome[] = [];
const auditorState = () => path.join(s.dir, 'auditor-before-kills.json');
const randomMs = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function recordCounts(site: Site): Promise<Record<string, number>> {
  const client = dataNodeClient(nodes.get(site)!.address, s.fed.as(`${site}-operator`), site);
  try {
    const counts = await call(client, client.GetRecordCounts, {});
    return Object.fromEntries(counts.records.map((r) => [r.kind, Number(r.count)]));
  } finally {
    client.close();
  }
}

async function logEntries(): Promise<LogEntry[]> {
  const reader = new LogReader(s.coordinatorAddress, s.fed.as('auditor-1'));
  try {
    const { size } = await reader.info();
    return (await reader.entries(0, Number(size))).map((b, i) => {
      const d = decodeEntry(b);
      if (!d.ok) throw new Error(`log entry ${i}: ${d.reason}`);
      return d.entry;
    });
  } finally {
    reader.close();
  }
}

async function logBytes(index: number): Promise<Uint8Array | undefined> {
  const reader = new LogReader(s.coordinatorAddress, s.fed.as('auditor-1'));
  try {
    return (await reader.entries(index, index + 1))[0];
  } finally {
    reader.close();
  }
}

async function servedQueries(site: Site): Promise<ServedRecord[]> {
  const { records } = await fetchServedRecords(nodes.get(site)!.address, s.fed.as('auditor-1'), site, 0);
  return records.map((r) => JSON.parse(Buffer.from(r.record).toString('utf8')) as ServedRecord).filter((r) => r.what === 'query');
}

async function waitForRegistration(site: Site): Promise<void> {
  // The node re-registers at its new address; the coordinator reads it from its registry.
  await logLine(nodes.get(site)!, /registered with coordinator/, 90_000);
}

/**
 * Runs `workers` query loops until `stop()` is true; the victim is killed once `warm` queries
 * were answered, `downMs` later restarted, and the load goes on until `after` more are answered.
 */
async function killDuringLoad(phase: string, kill: () => void, restart: () => Promise<void>, opts = { workers: 3, warm: 6, downMs: 1_500, after: 6 }): Promise<Outcome[]> {
  const mine: Outcome[] = [];
  let when: Outcome['when'] = 'before-kill';
  let stop = false;
  let n = 0;
  const answered = (w: Outcome['when']) => mine.filter((o) => o.answered && o.when === w).length;
  const worker = async () => {
    while (!stop) {
      const subject = subjects[n % subjects.length]!;
      const queryId = `load-${phase}-${String(n++).padStart(4, "0")}`;
      const at = when;
      try {
        const r = await requester.session.score({ enterprise: subject, consent: consents.get(subject)!, queryId }, 15_000);
        mine.push({ phase, queryId, answered: true, logIndex: r.logIndex, entry: r.entry, when: at === when ? at : 'while-down' });
        expect(r.model).toBe(modelVersion);
      } catch (err) {
        mine.push({ phase, queryId, answered: false, code: err instanceof FedcreditError ? err.code : `not a FedcreditError: ${String(err)}`, message: (err as Error).message, when: at === when ? at : 'while-down' });
        await sleep(50);
      }
    }
  };
  const running = Promise.all(Array.from({ length: opts.workers }, worker));
  const until = async (cond: () => boolean, what: string, ms = 60_000) => {
    for (const end = Date.now() + ms; !cond();) {
      if (Date.now() > end) {
        stop = true;
        await running;
        throw new Error(`${phase}: ${what} within ${ms} ms; outcomes: ${JSON.stringify(mine.slice(-10).map((o) => [o.queryId, o.code ?? 'ok', o.message?.slice(0, 200)]))}`);
      }
      await sleep(20);
    }
  };
  await until(() => answered('before-kill') >= opts.warm, `${opts.warm} answers before the kill`);
  await sleep(randomMs(0, 300));
  kill();
  when = 'while-down';
  await sleep(opts.downMs);
  await restart();
  when = 'after-restart';
  await until(() => answered('after-restart') >= opts.after, `${opts.after} answers after the restart`);
  stop = true;
  await running;
  outcomes.push(...mine);
  const summary = (w: Outcome['when']) => `${mine.filter((o) => o.when === w && o.answered).length} answered/${mine.filter((o) => o.when === w && !o.answered).length} failed`;
  console.log(`${phase}: before the kill ${summary('before-kill')}, around it ${summary('while-down')}, after the restart ${summary('after-restart')}; ` +
    `failure codes ${JSON.stringify(Object.fromEntries((['while-down', 'after-restart'] as const).map((w) => [w, [...new Set(mine.filter((o) => o.when === w && !o.answered).map((o) => o.message!.replace(/\d+/g, 'N').slice(0, 160)))]])))} `+
    `${JSON.stringify(Object.fromEntries([...new Set(mine.filter((o) => !o.answered).map((o) => o.code!))].map((c) => [c, mine.filter((o) => o.code === c).length])))}`);
  return mine;
}

/** The log holds every answered query exactly once, as acknowledged, and never a query twice. */
async function checkLog(mine: Outcome[], refusalOf: (o: Outcome) => 'logged-once' | 'never') {
  const entries = await logEntries();
  const byQuery = new Map<string, { queries: number[]; refusals: LogEntry[] }>();
  entries.forEach((e, i) => {
    const q = e.body['queryId'];
    if (typeof q !== 'string') return;
    const slot = byQuery.get(q) ?? { queries: [], refusals: [] };
    if (e.kind === 'query') slot.queries.push(i);
    if (e.kind === 'refusal') slot.refusals.push(e);
    byQuery.set(q, slot);
  });
  for (const o of mine) {
    const slot = byQuery.get(o.queryId) ?? { queries: [], refusals: [] };
    if (o.answered) {
      expect(slot.queries, `answered ${o.queryId}`).toEqual([o.logIndex]);
      expect(slot.refusals, `answered ${o.queryId}`).toEqual([]);
      expect(Buffer.from((await logBytes(o.logIndex!))!).equals(Buffer.from(o.entry!)), `${o.queryId}: the log holds the acknowledged entry bytes`).toBe(true);
    } else {
      expect(slot.queries.length, `failed ${o.queryId}`).toBeLessThanOrEqual(1);
      if (refusalOf(o) === 'logged-once') {
        expect(slot.refusals.map((r) => r.body['reason']), `refused ${o.queryId}`).toEqual([o.code]);
      } else {
        expect(slot.refusals, `failed ${o.queryId} (${o.code})`).toEqual([]);
      }
    }
  }
  // No query was logged twice, nor refused twice, whoever asked.
  for (const [q, slot] of byQuery) {
    expect(slot.queries.length, q).toBeLessThanOrEqual(1);
    expect(slot.refusals.length, q).toBeLessThanOrEqual(1);
  }
}

beforeAll(async () => {
  s = await makeSetup('query-load', 600, 'query-load');
  const registrar = prepareScoringDemo([path.join(s.dir, 'coordinator'), ...SITES.map((site) => path.join(s.dir, `node-${site}`))]);
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  const { alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, epochs: 1, batchSize: 128, learningRate: 0.5, l2: 1e-3, seed: 5, patience: 3 })
    .catch((err: Error) => {
      throw new Error(`${err.message}\nnode logs:\n${[...nodes.values()].flatMap((n) => n.logLines.slice(-15).map((l) => `${n.name}: ${l}`)).join('\n')}`);
    });
  modelVersion = model.modelVersion;
  requester = consentedRequester({ coordinator: s.coordinatorAddress, as: s.fed.as, registrar, keysDir: path.join(s.dir, 'bank-a-keys') });
  subjects.push(...readGroundTruth(path.join(s.dir, 'sites')).filter((r) => r.inTax && r.inPower && r.inBank).slice(0, 8).map((r) => r.creditCode));
  for (const subject of subjects) consents.set(subject, await requester.consent(subject, { maxUses: 10_000 }));
  // The auditor's state before any kill: later audits must find the log consistent with it.
  await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000);
  const before = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditorState() });
  if (!before.ok) throw new Error(`audit before the kills: ${JSON.stringify(before.findings)}`);
}, 240_000);

afterAll(async () => {
  requester?.close();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('kill -9 during a query load', () => {
  it('a node killed mid-load: queries it misses are refused SHARE_MISSING and logged once; answered ones are logged exactly once; it restarts and serves again', async () => {
    const counts = await recordCounts('power');
    const mine = await killDuringLoad('node', () => nodes.get('power')!.child.kill('SIGKILL'), async () => {
      nodes.set('power', await spawnNode(s, 'power'));
      await waitForRegistration('power');
    });
    // Every failure is the missing share, with the site named.
    for (const o of mine.filter((x) => !x.answered)) {
      expect(o.code, `${o.queryId}: ${o.message}`).toBe('SHARE_MISSING');
      expect(o.message).toMatch(/power/);
    }
    expect(mine.filter((o) => o.when === 'while-down' && !o.answered).length).toBeGreaterThan(0);
    await checkLog(mine, () => 'logged-once');
    // The store reopened whole.
    expect(await recordCounts('power')).toEqual(counts);
  }, 120_000);

  it('the coordinator killed mid-load: clients see UNAVAILABLE, nothing acknowledged is lost or doubled, and it serves again', async () => {
    const mine = await killDuringLoad('coordinator', () => coordinator.child.kill('SIGKILL'), async () => {
      coordinator = await spawnCoordinator(s);
    });
    // No answer came back because the coordinator was gone (or, right after its restart, bank-a's
    // channel was still backing off): never a refusal, and nothing is logged for it but, at most, its query entry.
    for (const o of mine.filter((x) => !x.answered)) expect(o.code, `${o.queryId}: ${o.message}`).toBe('UNAVAILABLE');
    expect(mine.filter((o) => o.when === 'while-down' && o.code === 'UNAVAILABLE').length).toBeGreaterThan(0);
    await checkLog(mine, () => 'never');
  }, 120_000);

  it('audit verify afterwards: consistent with the pre-crash checkpoint, every node\'s record chain intact, and only the unanswered queries a site never served are findings', async () => {
    await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000, (await logEntries()).length);
    let summary: AuditSummary = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditorState() });
    for (let i = 0; i < 50 && summary.pendingRecords > 0; i++) {
      await sleep(200);
      summary = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditorState() });
    }
    const entries = await logEntries();
    const served = new Map(await Promise.all(SITES.map(async (site) => [site, await servedQueries(site)] as const)));
    // A node serves a query once: no index twice in its record.
    for (const [site, records] of served) expect(new Set(records.map((r) => r.logIndex)).size, site).toBe(records.length);
    // What the auditor must report: each query entry naming a site that holds no record of it.
    const expected: { index: number; site: string; queryId: string }[] = [];
    entries.forEach((e, index) => {
      if (e.kind !== 'query') return;
      for (const site of e.body['sites'] as string[]) {
        if (!served.get(site as Site)!.some((r) => r.logIndex === index)) expected.push({ index, site, queryId: String(e.body['queryId']) });
      }
    });
    console.log(`audit after the kills: ${entries.length} entries, ${entries.filter((e) => e.kind === 'query').length} queries, ${summary.findings.length} findings: ` +
      JSON.stringify(expected.map((x) => [x.index, x.site, x.queryId])));
    expect(summary.findings.map((f) => ({ code: f.code, index: f.index, site: /names node (\w+)/.exec(f.message)?.[1] })).sort((a, b) => a.index! - b.index! || a.site!.localeCompare(b.site!)))
      .toEqual(expected.map((x) => ({ code: 'ENTRY_UNRECORDED', index: x.index, site: x.site })).sort((a, b) => a.index - b.index || a.site.localeCompare(b.site)));
    for (const f of summary.findings) expect(f.message).toMatch(/which has no record of serving it/);
    // Only queries bank-a got no answer for; a node's gap only from the node phase's victim.
    const failed = new Map(outcomes.filter((o) => !o.answered).map((o) => [o.queryId, o]));
    for (const x of expected) {
      expect(failed.has(x.queryId), `${x.queryId} at ${x.index} was answered, yet ${x.site} has no record of it`).toBe(true);
      if (failed.get(x.queryId)!.phase === 'node') expect(x.site).toBe('power');
    }
    // Answered queries: every site has them in its record.
    for (const o of outcomes.filter((x) => x.answered)) {
      for (const site of SITES) expect(served.get(site)!.some((r) => r.logIndex === o.logIndex), `${o.queryId} in ${site}'s record`).toBe(true);
    }
    expect(summary.entriesByKind['query']).toBe(entries.filter((e, i) => e.kind === 'query' && i >= summary.previousSize).length);
  }, 120_000);
});
