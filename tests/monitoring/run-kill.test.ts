/**
 * A coordinator PROCESS killed (SIGKILL) in a monitoring run, after its batch was logged and
 * answered by every node and before the batch's `done` write, and started again on the same
 * data: the run resumes at start, the logged batch is sent again with the same indices, the
 * nodes replay their stored answers, and the run ends with every item scored once, as the pooled
 * model scores it, with no second `rescore` entry and nothing `audit verify` objects to.
 *
 * The pause between the answers and the write is the test-only FEDCREDIT_TEST_MONITORING_PAUSE_MS
 * (coordinator/monitoring.ts), so the kill lands there every time.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../lib/grpc.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { monitoringClient } from '../../proto/clients.js';
import { pointsFromLogit } from '../../scoring/score-scale.js';
import { auditVerify } from '../../log/audit/verify.js';
import { logLine, until } from '../helpers/wait.js';
import { waitForFinal } from '../log/federation-helpers.js';
import { monitoringFixture, type MonitoringFixture } from './fixture.js';
import fs from 'node:fs';

const PORTFOLIO = 'kill-test';
let mf: MonitoringFixture;
let coordinator: SpawnedParty | undefined;
let subjects: string[];

function serve(port: number, pauseMs?: number): Promise<SpawnedParty> {
  const { fx } = mf;
  if (pauseMs) process.env['FEDCREDIT_TEST_MONITORING_PAUSE_MS'] = String(pauseMs);
  try {
    return spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(fx.dir, 'coordinator'), '--port', String(port), '--checkpoint-interval', '200',
      '--no-monitoring-on-ingest', ...fx.fed.tls('coordinator')], { startTimeoutMs: 30_000 });
  } finally {
    delete process.env['FEDCREDIT_TEST_MONITORING_PAUSE_MS'];
  }
}

beforeAll(async () => {
  mf = await monitoringFixture('mon-kill', { onIngest: false });
  subjects = mf.fx.inAll.slice(0, 30);
  const consents = [];
  for (const s of subjects) consents.push(await mf.consent(s));
  await mf.createPortfolio(PORTFOLIO);
  const added = await mf.add(PORTFOLIO, consents);
  expect(added.every((r) => r.ok), JSON.stringify(added)).toBe(true);
}, 240_000);

afterAll(async () => {
  await coordinator?.stop();
  await Promise.all([...(mf?.fx.nodes.values() ?? [])].map((n) => n.stop()));
  mf?.client().close();
  if (mf) fs.rmSync(mf.fx.dir, { recursive: true, force: true });
});

describe('a coordinator process killed mid-batch', () => {
  it('resumes the run at start with the same results, each item scored once', async () => {
    const { fx } = mf;
    const port = fx.coordinator.port;
    mf.client().close();
    await fx.coordinator.stop();
    coordinator = await serve(port, 60_000);
    const paused = logLine(coordinator, /monitoring test pause: run \S+ batch 0 answered/, 120_000);
    const client = monitoringClient(coordinator.address, fx.fed.as('bank-a'));
    // Started once the process knows every site's as-of month (its first health polls).
    await until(async () => new Promise<boolean>((resolve) => {
      const s = client.StartRun({ portfolio: PORTFOLIO, asOf: '', reason: 'kill test' });
      s.on('data', () => resolve(true));
      s.on('error', () => resolve(false));
    }), 'the run to start', { timeoutMs: 60_000, intervalMs: 500 });
    const line = await paused;
    const runId = /run (\S+) batch/.exec(line)![1]!;
    let endSize = 0;
    coordinator.child.kill('SIGKILL');
    await new Promise((r) => coordinator!.child.once('exit', r));
    client.close();

    coordinator = await serve(port);
    const again = monitoringClient(coordinator.address, fx.fed.as('bank-a'));
    try {
      const run = await until(async () => {
        const { runs } = await call(again, again.ListRuns, { portfolio: PORTFOLIO, modelVersion: '', limit: 0 });
        return runs.find((r) => r.runId === runId && r.stage === 'finished');
      }, 'the resumed run to finish', { timeoutMs: 120_000, intervalMs: 300 });
      expect(run).toMatchObject({ scored: subjects.length, skipped: 0, changed: 0 });
      expect(coordinator.logLines.some((l) => l.includes(`resuming run ${runId}`))).toBe(true);
      const report = await call(again, again.GetRunReport, { runId });
      // The run's end entry follows its last batch entry: the audit below must cover it.
      endSize = Number(report.log!.lastIndex) + 2;
      const page = await call(again, again.ListPortfolio, { portfolio: PORTFOLIO, pageToken: '', pageSize: 0, warning: '', status: '' });
      for (const item of page.items) {
        expect(item.last?.runId, item.subject).toBe(runId);
        expect(item.last?.points, item.subject).toBe(pointsFromLogit(fx.pooled.logit(item.subject)));
      }
    } finally {
      again.close();
    }
    const auditor = fx.fed.as('auditor-1');
    await waitForFinal(coordinator.address, auditor, endSize, 3, 60_000);
    const summary = await auditVerify({ coordinator: coordinator.address, transport: auditor, stateFile: path.join(fx.dir, 'auditor.json'), trustedRegistrars: [Buffer.from(fx.registrar.publicKey).toString('hex')] });
    expect(summary.findings).toEqual([]);
    // One rescore entry per item: the resumed batch was sent again, not cut and logged again.
    expect(summary.entriesByKind).toMatchObject({ rescore: subjects.length, 'monitoring-run': 1, 'monitoring-run-end': 1 });
  }, 300_000);
});
