/**
 * Two monitoring months over real processes (issue 21, "Done when"): three node processes and a
 * coordinator PROCESS (tests/scoring/fixture.ts builds the federation; its in-process coordinator
 * only sets it up and is then replaced by `fedcredit coordinator serve`), month 1 from
 * `sim generate`, month 2 from `fedcredit sim month` (sim/next-month.ts) ingested at the tax and
 * power sites through their running nodes (`fedcredit node ingest --node`), as an operator would.
 *
 * Run 1 is the baseline (StartRun). The bank's watch client is a real `fedcredit monitor watch`
 * process writing events.jsonl. Between the runs one firm's consent is revoked and another's
 * expires. The ingest starts run 2 (debounce 5 s); the coordinator is killed (SIGKILL) after its
 * first batch was logged and answered (FEDCREDIT_TEST_MONITORING_PAUSE_MS) and started again; the
 * watch client is killed (SIGKILL) once run 2's first events are in its file and started again.
 *
 * The expectation is computed here, from each site's stored part and its month-2 features (read
 * from the node stores once the nodes are stopped), not from anything the coordinator said: every
 * firm whose grade or warning moved is in the file once, with no duplicate and no gap in the
 * event ids; the revoked and expired firms are skipped with their codes; `audit verify` finds
 * nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../lib/grpc.js';
import { cliPath, spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { monitoringClient } from '../../proto/clients.js';
import { encodeRevocation, revokeConsent, type Consent } from '../../consent/verify.js';
import { submitConsentRecord } from '../../scoring/requester.js';
import { gradeOf, pointsFromLogit, warningOf } from '../../scoring/score-scale.js';
import { NodeStore, bytesToFloat64 } from '../../site/store.js';
import { getSiteModel } from '../../site/model-store.js';
import { auditVerify } from '../../log/audit/verify.js';
import { MODEL, SITES } from '../scoring/fixture.js';
import { logLine, until } from '../helpers/wait.js';
import { waitForFinal } from '../log/federation-helpers.js';
import { DAY, monitoringFixture, type MonitoringFixture } from './fixture.js';

const PORTFOLIO = 'two-months';
let mf: MonitoringFixture;
let coordinator: SpawnedParty | undefined;
let watcher: ChildProcess | undefined;
let subjects: string[];
let revoked: string;
let expiring: string;
const consents = new Map<string, Consent>();

function serve(port: number, pauseMs?: number): Promise<SpawnedParty> {
  const { fx } = mf;
  if (pauseMs) process.env['FEDCREDIT_TEST_MONITORING_PAUSE_MS'] = String(pauseMs);
  try {
    return spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(fx.dir, 'coordinator'), '--port', String(port), '--checkpoint-interval', '200',
      '--monitoring-ingest-debounce', '5000', ...fx.fed.tls('coordinator')], { startTimeoutMs: 30_000 });
  } finally {
    delete process.env['FEDCREDIT_TEST_MONITORING_PAUSE_MS'];
  }
}

function fedcredit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, FEDCREDIT_TLS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ingest(site: 'tax' | 'power', file: string): Promise<{ status: number | null; out: string }> {
  const { fx } = mf;
  const child = spawn(process.execPath, [cliPath(), 'node', 'ingest', '--node', fx.nodes.get(site)!.address, '--file', file, '--json', ...fx.fed.tls(`${site}-operator`)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FEDCREDIT_TLS: '' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, out })));
}

function watch(out: string): ChildProcess {
  const { fx } = mf;
  return spawn(process.execPath, [cliPath(), 'monitor', 'watch', '--portfolio', PORTFOLIO, '--out', out, '--coordinator', coordinator!.address,
    ...fx.fed.tls('bank-a'), '--keys', path.join(fx.dir, 'requester-keys')], { stdio: 'ignore', env: { ...process.env, FEDCREDIT_TLS: '' } });
}

type Line = { eventId: string; kind: string; runId: string; subject?: string; skipCode?: string; direction?: string; errors?: unknown[] };
/** The file's complete lines: read while the watch client appends, a last line without its newline is still being written. */
function lines(file: string): Line[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line);
}

beforeAll(async () => {
  mf = await monitoringFixture('mon-two', { onIngest: false });
  const { fx } = mf;
  subjects = fx.inAll.slice(0, 40);
  revoked = subjects[1]!;
  expiring = subjects[2]!;
  // A consent to monitor covers the months to come (month 2 moves the tax and power windows on).
  const dataWindow = { from: fx.dataWindow.from, to: '2026-12' };
  for (const s of subjects) {
    await fx.register(s);
    const issuedAt = Date.now() - 60_000;
    consents.set(s, fx.grant(s, { purpose: 'loan-monitoring', maxUses: 12, validForMs: (s === expiring ? 130_000 : 30 * DAY), dataWindow }, issuedAt));
  }
  await mf.createPortfolio(PORTFOLIO);
  const added = await mf.add(PORTFOLIO, subjects.map((s) => consents.get(s)!));
  expect(added.filter((r) => !r.ok)).toEqual([]);
  // The coordinator from here on is a process: the kill below is a real one.
  const port = fx.coordinator.port;
  mf.client().close();
  await fx.coordinator.stop();
  coordinator = await serve(port, 10_000);
}, 240_000);

afterAll(async () => {
  watcher?.kill('SIGKILL');
  await coordinator?.stop();
  await Promise.all([...(mf?.fx.nodes.values() ?? [])].map((n) => n.stop()));
  if (mf) fs.rmSync(mf.fx.dir, { recursive: true, force: true });
});

describe('two monitoring months over real processes', () => {
  it('run 1 is the baseline; month 2 ingested starts run 2, which survives a killed coordinator and a killed watch client', async () => {
    const { fx } = mf;
    const out = path.join(fx.dir, 'events.jsonl');
    const month2 = path.join(fx.dir, 'month2');
    const generated = fedcredit(['sim', 'month', '--from', path.join(fx.dir, 'sites'), '--out', month2, '--deteriorate', '0.3', '--json']);
    expect(generated.status, generated.stderr).toBe(0);

    // Run 1: the baseline, once the coordinator process knows every site's month (and features epoch).
    let client = monitoringClient(coordinator!.address, fx.fed.as('bank-a'));
    const run1 = await until(async () => new Promise<string | undefined>((resolve) => {
      let id: string | undefined;
      const s = client.StartRun({ portfolio: PORTFOLIO, asOf: '', reason: 'baseline' });
      s.on('data', (p: { runId: string; stage: string }) => { if (p.stage === 'finished') id = p.runId; });
      s.on('error', () => resolve(undefined));
      s.on('end', () => resolve(id));
    }), 'run 1 to finish', { timeoutMs: 90_000, intervalMs: 500 });
    const page1 = await call(client, client.ListPortfolio, { portfolio: PORTFOLIO, pageToken: '', pageSize: 0, warning: '', status: '' });
    for (const item of page1.items) expect(item.last?.points, item.subject).toBe(pointsFromLogit(fx.pooled.logit(item.subject)));

    watcher = watch(out);
    await until(() => lines(out).some((l) => l.runId === run1 && l.kind === 'run-finished'), 'run 1\'s run-finished in the out file', { timeoutMs: 30_000 });

    // Between the runs: one consent revoked, one expired.
    await submitConsentRecord(coordinator!.address, fx.fed.as('coordinator-operator'), encodeRevocation(revokeConsent(fx.enterpriseKey(revoked), consents.get(revoked)!)));
    await until(() => Date.now() > consents.get(expiring)!.validUntil, 'the expiring consent to expire', { timeoutMs: 150_000, intervalMs: 500 });

    // Month 2 at the tax and power sites, through their running nodes; the ingest trigger starts run 2.
    const paused = logLine(coordinator!, new RegExp(`monitoring test pause: run (?!${run1})(\\S+) batch 0 answered`), 120_000);
    const ingested = await Promise.all([ingest('tax', path.join(month2, 'tax', 'vat_filings.csv')), ingest('power', path.join(month2, 'power', 'power_bills.csv'))]);
    for (const r of ingested) expect(r.status, r.out).toBe(0);
    const pauseLine = await paused;
    const run2 = /run (\S+) batch/.exec(pauseLine)![1]!;
    expect(run2).not.toBe(run1);
    coordinator!.child.kill('SIGKILL');
    await new Promise((r) => coordinator!.child.once('exit', r));
    client.close();
    coordinator = await serve(fx.coordinator.port);
    client = monitoringClient(coordinator.address, fx.fed.as('bank-a'));

    // The watch client reconnects by itself; killed once run 2's first events are in its file.
    await until(() => lines(out).some((l) => l.runId === run2), 'run 2\'s first events in the out file', { timeoutMs: 120_000, intervalMs: 50 });
    watcher.kill('SIGKILL');
    await new Promise((r) => watcher!.once('exit', r));
    const atKill = lines(out).length;
    watcher = watch(out);
    const rec = await until(async () => {
      const { runs } = await call(client, client.ListRuns, { portfolio: PORTFOLIO, modelVersion: '', limit: 0 });
      return runs.find((r) => r.runId === run2 && r.stage === 'finished');
    }, 'run 2 to finish', { timeoutMs: 120_000, intervalMs: 300 });
    expect(rec.trigger).toMatch(/^ingest:(tax|power)$/);
    expect(coordinator.logLines.some((l) => l.includes(`resuming run ${run2}`))).toBe(true);
    await until(() => lines(out).some((l) => l.runId === run2 && l.kind === 'run-finished'), 'run 2\'s run-finished in the out file', { timeoutMs: 60_000, detail: () => fs.readFileSync(out, 'utf8') });
    watcher.kill('SIGTERM');
    await new Promise((r) => watcher!.once('exit', r));
    watcher = undefined;
    const report = await call(client, client.GetRunReport, { runId: run2 });
    const endSize = Number(report.log!.lastIndex) + 2;
    client.close();

    const auditor = fx.fed.as('auditor-1');
    await waitForFinal(coordinator.address, auditor, endSize, 3, 60_000);
    const summary = await auditVerify({ coordinator: coordinator.address, transport: auditor, stateFile: path.join(fx.dir, 'auditor.json'), trustedRegistrars: [Buffer.from(fx.registrar.publicKey).toString('hex')] });
    expect(summary.findings).toEqual([]);
    expect(summary.entriesByKind).toMatchObject({ 'monitoring-run': 2, 'monitoring-run-end': 2, 'rescore-skip': 2, rescore: 2 * subjects.length - 2 });

    // The expectation, from the stored parts and the month-2 features (the nodes stopped first).
    await coordinator.stop();
    coordinator = undefined;
    await Promise.all([...fx.nodes.values()].map((n) => n.stop()));
    const logit = new Map<string, number>(subjects.map((s) => [s, 0]));
    for (const site of SITES) {
      const store = await NodeStore.open(path.join(fx.dir, `node-${site}`), site);
      try {
        const part = (await getSiteModel(store, MODEL))!;
        for (const s of subjects) {
          const v = bytesToFloat64((await store.features.get(s))!);
          const term = part.featureIndexes.reduce((acc, i, f) => acc + (Number.isNaN(v[i]!) ? 0 : part.weights[f]! * (v[i]! - part.mean[f]!) / (part.std[f]! > 0 ? part.std[f]! : 1)), part.intercept ?? 0);
          logit.set(s, logit.get(s)! + term);
        }
      } finally {
        await store.close();
      }
    }
    const live = subjects.filter((s) => s !== revoked && s !== expiring);
    const moved = live.filter((s) => {
      const a = pointsFromLogit(fx.pooled.logit(s));
      const b = pointsFromLogit(logit.get(s)!);
      return gradeOf(a) !== gradeOf(b) || warningOf(a) !== warningOf(b);
    });
    const truth = new Map(fs.readFileSync(path.join(month2, 'monitoring_truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map((c) => [c[0]!, c[1] === '1']));
    const deteriorated = live.filter((s) => truth.get(s));
    expect(deteriorated.length, 'deteriorated firms in the portfolio').toBeGreaterThan(0);
    expect(moved.filter((s) => truth.get(s)).length, 'deteriorated firms whose grade or warning moved').toBeGreaterThan(0);

    const all = lines(out);
    // Every event once, in order, none missing, across the two kills.
    expect(all.map((l) => Number(l.eventId))).toEqual(all.map((_, i) => i + 1));
    const second = all.filter((l) => l.runId === run2);
    expect(second.filter((l) => l.kind === 'change').map((l) => l.subject).sort()).toEqual([...moved].sort());
    for (const l of second.filter((x) => x.kind === 'change')) expect(l.errors, JSON.stringify(l)).toBeUndefined();
    expect(second.filter((l) => l.kind === 'skip').map((l) => [l.subject, l.skipCode]).sort()).toEqual([[expiring, 'CONSENT_EXPIRED'], [revoked, 'CONSENT_REVOKED']].sort());
    expect(second.filter((l) => l.kind === 'run-finished')).toHaveLength(1);
    expect(second).toHaveLength(moved.length + 3);
    console.log(`two months: ${subjects.length} firms, ${deteriorated.length} deteriorated, ${moved.length} moved grade or warning; ${atKill} lines in the file at the watch kill, ${all.length} at the end`);
  }, 420_000);
});
