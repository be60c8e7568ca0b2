/**
 * `fedcredit monitor ...` end to end, as a bank runs it (requester/monitor-cli.ts as a real
 * process, over its own mutual-TLS certificate) against a coordinator serving Monitoring and
 * three real node processes (tests/scoring/fixture.ts): create a portfolio, add enterprises
 * from a folder of loan-monitoring consents (instructions signed by the CLI), list, run, watch
 * the run's `run-finished` event into an out file, list runs, read the report, fetch a re-score's
 * receipt (GetRescoreReceipt, cosigned by the nodes), remove one.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { call } from '../../lib/grpc.js';
import { openCheckpoint } from '../../log/checkpoint.js';
import { decodeEntry, witnessKeyName } from '../../log/entries.js';
import { verifyReceipt } from '../../log/audit/receipt.js';
import { hashLeaf, verifyInclusion } from '../../log/merkle.js';
import { monitoringClient } from '../../proto/clients.js';
import { MODEL, scoringFixture, type ScoringFixture } from '../scoring/fixture.js';
import { until } from '../helpers/wait.js';

let fx: ScoringFixture;
let consents: string;
let subjects: string[];

/** The CLI as a process; asynchronous, since the coordinator answers from this same process. */
function fedcredit(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath(), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FEDCREDIT_TLS: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => child.once('close', (status) => {
    clearTimeout(timer);
    resolve({ status, stdout, stderr });
  }));
}
const bank = () => ['--coordinator', fx.coordinator.address, ...fx.fed.tls('bank-a')];
/** The commands that sign or open: the bank's keys (the fixture keeps them apart from its TLS folder). */
const keys = () => [...bank(), '--keys', path.join(fx.dir, 'requester-keys')];
async function json<T>(pending: Promise<{ status: number | null; stdout: string; stderr: string }>): Promise<T> {
  const r = await pending;
  expect(r.stderr.replace(/^watching.*\n/m, ""), r.stdout + r.stderr).not.toMatch(/error/);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  fx = await scoringFixture('monitor-cli-e2e');
  // m1 serves loan-monitoring once marked for general credit scoring (the run's purpose rule).
  const m1 = await fx.coordinator.models.get(MODEL);
  await fx.coordinator.models.put({ ...m1!, purpose: 'credit-scoring' });
  subjects = fx.inAll.slice(0, 6);
  consents = path.join(fx.dir, 'consents');
  fs.mkdirSync(consents);
  for (const s of subjects) {
    await fx.register(s);
    fs.writeFileSync(path.join(consents, `${s}.json`), `${fx.consentText(fx.grant(s, { purpose: 'loan-monitoring', maxUses: 12 }))}\n`);
  }
}, 240_000);
afterAll(async () => {
  await fx?.stop();
});

describe('fedcredit monitor, end to end', () => {
  it('create, add from a folder, list, run, watch, runs, report, remove', async () => {
    const created = await json<{ portfolio: string; logIndex: number }>(fedcredit('monitor', 'portfolio', 'create', 'sme-loans', '--model', MODEL, '--json', ...keys()));
    expect(created.portfolio).toBe('sme-loans');

    const added = await json<{ results: { subject: string; ok: boolean }[] }>(fedcredit('monitor', 'portfolio', 'add', 'sme-loans', '--consents', consents, '--json', ...keys()));
    expect(added.results.filter((r) => r.ok).map((r) => r.subject).sort()).toEqual([...subjects].sort());
    // The same again: each refused as already there, with its code, and exit status 1.
    const again = await fedcredit('monitor', 'portfolio', 'add', 'sme-loans', '--consent', path.join(consents, `${subjects[0]}.json`), ...keys());
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(new RegExp(`${subjects[0]}: refused \\[PORTFOLIO_ITEM_EXISTS\\]`));

    const list = await json<{ portfolios: { portfolio: string; items: number }[] }>(fedcredit('monitor', 'portfolio', 'list', '--json', ...bank()));
    expect(list.portfolios.map((p) => [p.portfolio, p.items])).toEqual([['sme-loans', subjects.length]]);

    // The coordinator learns each site's month from its health poll: a run asked before that is refused; ask until it runs.
    let run: { runId: string; stage: string; scored: number } | undefined;
    let last = '';
    await until(async () => {
      const r = await fedcredit('monitor', 'run', '--portfolio', 'sme-loans', '--json', ...bank());
      last = r.stderr + r.stdout;
      if (r.status === 0) run = JSON.parse(r.stdout) as typeof run;
      return run;
    }, 'a run to finish', { timeoutMs: 90_000, intervalMs: 1_000, detail: () => last });
    expect(run!.stage).toBe('finished');
    expect(run!.scored).toBe(subjects.length);

    const items = await json<{ items: { subject: string; last?: { grade: string } }[] }>(fedcredit('monitor', 'portfolio', 'list', 'sme-loans', '--json', ...bank()));
    expect(items.items.every((i) => i.last?.grade)).toBe(true);

    // A baseline run pushes no change, only its run-finished event; the watcher writes it and acks.
    const out = path.join(fx.dir, 'events.jsonl');
    const watcher = spawn(process.execPath, [cliPath(), 'monitor', 'watch', '--portfolio', 'sme-loans', '--out', out, ...keys()], { stdio: 'ignore' });
    await until(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('\n'), 'the run-finished event in the out file', { timeoutMs: 30_000 });
    watcher.kill('SIGTERM');
    await new Promise((r) => watcher.once('exit', r));
    const events = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { eventId: string; kind: string; runId: string });
    expect(events.map((e) => [e.eventId, e.kind, e.runId])).toEqual([['1', 'run-finished', run!.runId]]);

    const runs = await json<{ runs: { runId: string }[] }>(fedcredit('monitor', 'runs', '--json', ...bank()));
    expect(runs.runs.map((r) => r.runId)).toContain(run!.runId);
    const report = await json<{ runId: string; scored: number }>(fedcredit('monitor', 'report', run!.runId, '--json', ...bank()));
    expect([report.runId, report.scored]).toEqual([run!.runId, subjects.length]);

    // The receipt of one of the run's re-scores: the entry, and its inclusion in a checkpoint the nodes cosigned.
    const store = fx.coordinator.transparencyLog.store;
    const log = (await store.entries(0, store.size)).map((b) => decodeEntry(b));
    const index = log.findIndex((d) => d.ok && d.entry.kind === 'rescore' && d.entry.body['requester'] === 'bank-a');
    expect(index).toBeGreaterThan(0);
    const client = monitoringClient(fx.coordinator.address, fx.fed.as('bank-a'));
    try {
      const r = await call(client, client.GetRescoreReceipt, { logIndex: index, waitMs: 30_000 }, 40_000);
      const opened = openCheckpoint(r.checkpoint, { origin: fx.coordinator.transparencyLog.origin, key: fx.coordinator.transparencyLog.logKey });
      expect(opened.ok && opened.checkpoint.size).toBe(Number(r.treeSize));
      expect(verifyInclusion(hashLeaf(r.entry), index, Number(r.treeSize), r.inclusionProof, opened.ok ? opened.checkpoint.rootHash : new Uint8Array()).ok).toBe(true);
    } finally {
      client.close();
    }

    const removed = await json<{ results: { subject: string; ok: boolean }[] }>(fedcredit('monitor', 'portfolio', 'remove', 'sme-loans', '--enterprise', subjects[0]!, '--consents', consents, '--json', ...keys()));
    expect(removed.results).toEqual([expect.objectContaining({ subject: subjects[0], ok: true })]);
    const after = await json<{ items: { subject: string; status: string }[] }>(fedcredit('monitor', 'portfolio', 'list', 'sme-loans', '--status', 'removed', '--json', ...bank()));
    expect(after.items.map((i) => i.subject)).toEqual([subjects[0]]);

    // A second run, started by the coordinator's operator, after the coordinator's record of each
    // item's last grade was made to differ (as if the data had moved): every item is a change
    // event, with each site's real box, opened and checked by the watcher; one gets a receipt.
    const state = fx.coordinator.monitoring.state;
    const active = (await state.portfolios.page('bank-a', 'sme-loans', { size: 1000 })).items.filter((i) => i.status === 'active' && i.last);
    expect(active.length).toBe(subjects.length - 1);
    await state.portfolios.putItems('bank-a', 'sme-loans', active.map((i) => ({ ...i, last: { ...i.last!, grade: `${i.last!.grade}-before`, points: i.last!.points + 100 } })));
    const second = await json<{ runId: string; stage: string; changed: number }>(fedcredit('monitor', 'run', '--portfolio', 'bank-a/sme-loans', '--json', '--coordinator', fx.coordinator.address, ...fx.fed.tls('coordinator-operator')));
    expect([second.stage, second.changed]).toEqual(['finished', active.length]);
    const again2 = spawn(process.execPath, [cliPath(), 'monitor', 'watch', '--portfolio', 'sme-loans', '--out', out, ...keys()], { stdio: 'ignore' });
    await until(() => fs.readFileSync(out, 'utf8').includes(`"kind":"run-finished","portfolio":"sme-loans","runId":"${second.runId}"`), 'the second run\'s events', { timeoutMs: 30_000, detail: () => fs.readFileSync(out, 'utf8') });
    again2.kill('SIGTERM');
    await new Promise((r) => again2.once('exit', r));
    type Line = { eventId: string; kind: string; direction?: string; explanations?: { site: string }[]; errors?: unknown[]; coverage?: unknown[] };
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.eventId)).toEqual(Array.from({ length: active.length + 2 }, (_, i) => String(i + 1)));
    const changes = lines.filter((l) => l.kind === 'change');
    expect(changes.length).toBe(active.length);
    for (const c of changes) {
      expect(c.errors, JSON.stringify(c)).toBeUndefined();
      expect(c.explanations?.map((x) => x.site).sort()).toEqual(['bank', 'power', 'tax']);
      expect(c.direction).toBe('worse');
    }
    const receiptFile = path.join(fx.dir, 'receipt.json');
    await json(fedcredit('monitor', 'receipt', '--events', out, '--event', changes[0]!.eventId, '--out', receiptFile, '--json', ...bank()));
    const witnesses = (await fx.coordinator.registry.list()).map((n) => ({ name: witnessKeyName(n.site), publicKey: Buffer.from(n.identityPublicKeyHex, 'hex') }));
    const checked = verifyReceipt(JSON.parse(fs.readFileSync(receiptFile, 'utf8')), { origin: fx.coordinator.transparencyLog.origin, logKey: fx.coordinator.transparencyLog.logKey.publicKey, witnesses }, 1);
    expect(checked.problems).toEqual([]);
  }, 300_000);
});
