/**
 * Fault injection for scoring (issue 20): kill -9 the coordinator, and in another run a node,
 * while a score query collects the sites' shares, several times per run, at seeded random
 * points (printed; replay with FEDCREDIT_FAULT_SEED), under CPU load from a busy process per
 * core (as tests/faults/training-kill.test.ts).
 *
 * Each kill lands inside a round of queries in flight: it waits a random part of the time an
 * uninterrupted round took under the same load, so it falls between the query's entry being
 * logged and the last share arriving (or just before or after). What must hold after each kill:
 *   - every query of the round either has its answer with the score of an uninterrupted query
 *     of the same enterprise, or failed with a stable code the client can retry on
 *     (UNAVAILABLE while the coordinator is gone, SHARE_MISSING when a node is);
 *   - once the killed party is back, one retry of each failed query succeeds with that score;
 *   - the log holds each query at most once (an answered one at the index it was told, with
 *     the bytes it was given), and no refusal but a node-kill's SHARE_MISSING.
 * And at the end `audit verify` (from a state saved before the first kill, so the log is also
 * checked consistent with the pre-crash checkpoint) finds every node's record chain intact and
 * matching the log; its only findings are ENTRY_UNRECORDED for a query entry of a query that
 * got no answer, naming a site that truthfully never served it (docs/scoring.md, "A missing
 * share"). FEDCREDIT_FAULT_KILLS sets the kills per run (default 6).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify, type AuditSummary } from '../../log/audit/verify.js';
import { fetchServedRecords, LogReader, waitForCosignedLatest } from '../../log/client.js';
import { runTraining } from '../../training/client.js';
import { FedcreditError } from '../../lib/errors.js';
import { decodeEntry, type LogEntry } from '../../log/entries.js';
import type { ServedRecord } from '../../log/served-record.js';
import type { Site } from '../../schema/site-schema.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import type { ScoreResult } from '../../scoring/requester.js';
import { readGroundTruth } from '../../sim/read.js';
import { consentedRequester, type ConsentedRequester } from '../helpers/consented.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from '../training-transport/helpers.js';
import { kill9, loadCpus, rng, unloadCpus } from './fault-helpers.js';

const SEED = Number(process.env['FEDCREDIT_FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const KILLS = Number(process.env['FEDCREDIT_FAULT_KILLS'] ?? 6);
/** Queries in flight at each kill. */
const ROUND = 4;

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let requester: ConsentedRequester;
const subjects: string[] = [];
const consents = new Map<string, string>();
/** The score of an uninterrupted query, per enterprise. */
const reference = new Map<string, { points: number; pd: number }>();
/** Every query of the kill runs that got no answer (retried or not). */
const unanswered = new Set<string>();
const answered: { queryId: string; logIndex: number; entry: Uint8Array }[] = [];
const auditorState = () => path.join(s.dir, 'auditor-before-kills.json');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A node started, resolved once it has registered its (new) address with the coordinator and
 * kept its own record of that registration. The node says "registered" before it writes the
 * record: a kill in between (the next round's, a few ms later) leaves the registration entry
 * without the node's record for good, which audit verify rightly reports (ENTRY_UNRECORDED).
 */
async function startNode(site: Site): Promise<SpawnedParty> {
  const node = await spawnNode(s, site);
  const REGISTERED = /registered with coordinator .*\(log entry (\d+)\)/;
  const logIndex = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${site} did not register with the coordinator within 90 s; last lines:\n${node.logLines.slice(-20).join('\n')}`)), 90_000);
    const done = (m: RegExpExecArray | null) => { if (m) { clearTimeout(timer); resolve(Number(m[1])); } };
    const seen = node.logLines.map((l) => REGISTERED.exec(l)).find((m) => m !== null);
    if (seen) return done(seen);
    readline.createInterface({ input: node.child.stderr! }).on('line', (l) => done(REGISTERED.exec(l)));
    node.child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`node ${site} exited (${code ?? signal}) before registering`)); });
  });
  const until = Date.now() + 30_000;
  for (;;) {
    const { records } = await fetchServedRecords(node.address, s.fed.as('auditor-1'), site, 0);
    if (records.some((r) => (JSON.parse(Buffer.from(r.record).toString('utf8')) as ServedRecord).logIndex === logIndex)) return node;
    if (Date.now() > until) throw new Error(`node ${site} registered at log entry ${logIndex} but kept no record of it within 30 s`);
    await sleep(50);
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

async function servedQueries(site: Site): Promise<ServedRecord[]> {
  const { records } = await fetchServedRecords(nodes.get(site)!.address, s.fed.as('auditor-1'), site, 0);
  return records.map((r) => JSON.parse(Buffer.from(r.record).toString('utf8')) as ServedRecord).filter((r) => r.what === 'query');
}

type Outcome = { subject: string; queryId: string; result?: ScoreResult; code?: string; message?: string };

async function ask(subject: string, queryId: string): Promise<Outcome> {
  try {
    return { subject, queryId, result: await requester.session.score({ enterprise: subject, consent: consents.get(subject)!, queryId }, 20_000) };
  } catch (err) {
    return { subject, queryId, code: err instanceof FedcreditError ? err.code : `not a FedcreditError: ${String(err)}`, message: (err as Error).message };
  }
}

function expectReferenceScore(o: Outcome, what: string, context: () => string = () => ''): void {
  if (o.code !== undefined) expect.fail(`${what} ${o.queryId}: ${o.code}: ${o.message}\n${context()}`);
  const ref = reference.get(o.subject)!;
  expect({ points: o.result!.points, pd: o.result!.probabilityOfDefault }, `${what} ${o.queryId}`).toEqual(ref);
  answered.push({ queryId: o.queryId, logIndex: o.result!.logIndex, entry: o.result!.entry });
}

/**
 * `kills` rounds of ROUND queries in flight; in each the victim is killed a seeded random part
 * of an uninterrupted round's time after the queries were sent, then restarted; every failed
 * query is retried once and must give the reference score.
 */
async function killRounds(run: string, next: () => number, victim: () => Site | 'coordinator', retryable: string): Promise<void> {
  let n = 0;
  const round = (tag: string) => Array.from({ length: ROUND }, () => {
    const i = n++;
    return ask(subjects[i % subjects.length]!, `${run}-${tag}-${String(i).padStart(3, '0')}`);
  });
  // How long a round takes here and now, uninterrupted: the window a kill must fall in.
  let roundMs = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    for (const o of await Promise.all(round('warm'))) expectReferenceScore(o, 'uninterrupted');
    roundMs = Math.max(roundMs, Date.now() - t0);
  }
  const counts = { answered: 0, failed: 0, loggedUnanswered: 0 };
  for (let k = 0; k < KILLS; k++) {
    const who = victim();
    const delay = Math.floor(next() * roundMs * 1.2);
    const inFlight = round(`k${k}`);
    await sleep(delay);
    await kill9(who === 'coordinator' ? coordinator : nodes.get(who)!);
    const outcomes = await Promise.all(inFlight);
    if (who === 'coordinator') coordinator = await spawnCoordinator(s);
    else nodes.set(who, await startNode(who));
    const failed = outcomes.filter((o) => o.code !== undefined);
    console.log(`kill ${k + 1}: ${who}, ${delay} ms into a round of ${ROUND} queries (a round takes ~${roundMs} ms): ` +
      `${outcomes.length - failed.length} answered, failed: ${JSON.stringify(failed.map((o) => [o.queryId, o.code]))}`);
    for (const o of outcomes.filter((x) => x.code === undefined)) expectReferenceScore(o, 'answered despite the kill');
    for (const o of failed) {
      expect(o.code, `${o.queryId}: ${o.message}`).toBe(retryable);
      unanswered.add(o.queryId);
    }
    // One retry each, now that the party is back: the same score as an uninterrupted query.
    // (A refusal names what the coordinator last said of the nodes' health and registrations.)
    const healthLines = () => coordinator.logLines.filter((l) => /unreachable|answers again|registered node/.test(l)).slice(-8).join('\n');
    for (const o of await Promise.all(failed.map((o) => ask(o.subject, `${o.queryId}-retry`)))) expectReferenceScore(o, 'retry after the restart', healthLines);
    counts.answered += outcomes.length - failed.length;
    counts.failed += failed.length;
  }
  // The log: each query at most once; an answered one as acknowledged; refusals only as expected.
  const entries = await logEntries();
  const byQuery = new Map<string, { queries: number[]; refusals: string[] }>();
  entries.forEach((e, i) => {
    const q = e.body['queryId'];
    if (typeof q !== 'string' || !q.startsWith(`${run}-`)) return;
    const slot = byQuery.get(q) ?? { queries: [], refusals: [] };
    if (e.kind === 'query') slot.queries.push(i);
    if (e.kind === 'refusal') slot.refusals.push(String(e.body['reason']));
    byQuery.set(q, slot);
  });
  for (const [q, slot] of byQuery) {
    expect(slot.queries.length, q).toBeLessThanOrEqual(1);
    if (!unanswered.has(q)) expect(slot.refusals, `answered ${q}`).toEqual([]);
    else expect(slot.refusals.every((r) => r === 'SHARE_MISSING') && slot.refusals.length <= 1, `${q}: refusals ${slot.refusals.join(', ')}`).toBe(true);
    if (unanswered.has(q) && slot.queries.length === 1) counts.loggedUnanswered++;
  }
  for (const a of answered.filter((x) => x.queryId.startsWith(`${run}-`))) {
    expect(byQuery.get(a.queryId)?.queries, a.queryId).toEqual([a.logIndex]);
  }
  console.log(`${run}: ${counts.answered} answered across the kills, ${counts.failed} failed and answered on retry (${counts.loggedUnanswered} of them logged before the kill: killed mid-collection)`);
}

beforeAll(async () => {
  console.log(`scoring fault injection: seed ${SEED}, ${KILLS} kills per run (replay with FEDCREDIT_FAULT_SEED=${SEED})`);
  s = await makeSetup('score-kill', 600, 'score-kill');
  const registrar = prepareScoringDemo([path.join(s.dir, 'coordinator'), ...SITES.map((site) => path.join(s.dir, `node-${site}`))]);
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await startNode(site));
  const { alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, epochs: 1, batchSize: 128, learningRate: 0.5, l2: 1e-3, seed: 5, patience: 3 });
  requester = consentedRequester({ coordinator: s.coordinatorAddress, as: s.fed.as, registrar, keysDir: path.join(s.dir, 'bank-a-keys') });
  subjects.push(...readGroundTruth(path.join(s.dir, 'sites')).filter((r) => r.inTax && r.inPower && r.inBank).slice(0, 8).map((r) => r.creditCode));
  for (const subject of subjects) consents.set(subject, await requester.consent(subject, { maxUses: 10_000 }));
  for (const subject of subjects) {
    const r = await requester.session.score({ enterprise: subject, consent: consents.get(subject)! });
    reference.set(subject, { points: r.points, pd: r.probabilityOfDefault });
  }
  await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000);
  const before = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditorState() });
  if (!before.ok) throw new Error(`audit before the kills: ${JSON.stringify(before.findings)}`);
}, 300_000);

afterAll(async () => {
  unloadCpus();
  requester?.close();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('scoring under kill -9 during share collection, CPU loaded', () => {
  it(`the coordinator killed ${KILLS} times mid-query: each query is answered with the right score or fails UNAVAILABLE, and its retry gives the same score`, async () => {
    loadCpus();
    try {
      await killRounds('coord', rng(SEED), () => 'coordinator', 'UNAVAILABLE');
    } finally {
      unloadCpus();
    }
  }, 300_000);

  it(`a node killed ${KILLS} times mid-query: each query is answered with the right score or refused SHARE_MISSING, and its retry gives the same score`, async () => {
    const next = rng(SEED ^ 0x5bd1e995);
    loadCpus();
    try {
      await killRounds('node', next, () => SITES[Math.floor(next() * SITES.length)]!, 'SHARE_MISSING');
    } finally {
      unloadCpus();
    }
  }, 300_000);

  it('audit verify afterwards: consistent with the pre-crash checkpoint, every record chain intact and matching the log; only unanswered queries lack a site\'s record', async () => {
    await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000, (await logEntries()).length);
    let summary: AuditSummary = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditorState() });
    for (let i = 0; i < 50 && summary.pendingRecords > 0; i++) {
      await sleep(200);
      summary = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditorState() });
    }
    expect(summary.pendingRecords).toBe(0);
    const entries = await logEntries();
    const served = new Map(await Promise.all(SITES.map(async (site) => [site, await servedQueries(site)] as const)));
    for (const [site, records] of served) expect(new Set(records.map((r) => r.logIndex)).size, `${site} served an index twice`).toBe(records.length);
    const expected: { index: number; site: string; queryId: string }[] = [];
    entries.forEach((e, index) => {
      if (e.kind !== 'query') return;
      for (const site of e.body['sites'] as string[]) {
        if (!served.get(site as Site)!.some((r) => r.logIndex === index)) expected.push({ index, site, queryId: String(e.body['queryId']) });
      }
    });
    const key = (x: { index?: number; site?: string }) => `${x.index}:${x.site}`;
    expect(summary.findings.map((f) => ({ code: f.code, index: f.index, site: /names node (\w+)/.exec(f.message)?.[1] })).sort((a, b) => key(a).localeCompare(key(b))))
      .toEqual(expected.map((x) => ({ code: 'ENTRY_UNRECORDED', index: x.index, site: x.site })).sort((a, b) => key(a).localeCompare(key(b))));
    for (const x of expected) expect(unanswered.has(x.queryId), `${x.queryId} at ${x.index} was answered, yet ${x.site} has no record of it`).toBe(true);
    for (const a of answered) for (const site of SITES) expect(served.get(site)!.some((r) => r.logIndex === a.logIndex), `${a.queryId} in ${site}'s record`).toBe(true);
  }, 120_000);
});
