/**
 * Drift alarms on the simulated months (issue 21, "Done when"; docs/design/monitoring.md 5.2 and
 * 6, docs/data-formats.md's `sim month` figures): nodes as real processes, the coordinator in
 * this process with its metrics endpoint, m1 with the drift references training makes
 * (tests/scoring/fixture.ts `driftReference`: each part's `driftReference` from referenceFrom
 * over the training rows, the report's `scoreBins` from scoreBinsOf over the pooled points).
 *
 * A portfolio of every firm the model was fitted on (at least MIN_DRIFT_COUNT). First a
 * `--control` month (drawn from the training distribution) is ingested at the tax and power
 * sites through their running nodes and run: the PSI and every CSI stable, except the season's
 * `power_kwh_drop`, which warns at this portfolio size (0.118 over 550 firms; the design's
 * 0.070 is over every firm of the site) and never alarms. Then the two sites go back to their
 * month-1 stores (a store takes each record once: the same month cannot be ingested twice) and
 * a `--deteriorate 0.5` month is ingested and run: the power site's CSI alarms (the design's
 * figure: `power_kwh_drop` 0.374 at 0.5) and the PSI of the scores fires. The run
 * report, `fedcredit model show` (Monitoring section) and the coordinator's metrics endpoint
 * show the figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../lib/grpc.js';
import { cliPath } from '../../lib/spawn-party.js';
import { DRIFT_THRESHOLDS, MIN_DRIFT_COUNT } from '../../monitoring/drift.js';
import type { MonitoringRunReport__Output } from '../../proto/gen/fedcredit/v1/MonitoringRunReport.js';
import type { RunProgress__Output } from '../../proto/gen/fedcredit/v1/RunProgress.js';
import { monitoringClient } from '../../proto/clients.js';
import { MODEL, SITES } from '../scoring/fixture.js';
import { runCli } from '../log/federation-helpers.js';
import { until } from '../helpers/wait.js';
import { DAY, monitoringFixture, type MonitoringFixture } from './fixture.js';

const PORTFOLIO = 'drift';
let mf: MonitoringFixture;
let subjects: string[];

function ingest(site: 'tax' | 'power', file: string): Promise<{ status: number | null; out: string }> {
  const { fx } = mf;
  const child = spawn(process.execPath, [cliPath(), 'node', 'ingest', '--node', fx.nodes.get(site)!.address, '--file', file, '--json', ...fx.fed.tls(`${site}-operator`)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FEDCREDIT_TLS: '' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, out })));
}

/** Restarts the tax and power nodes, their stores first put back to the copies of month 1 (`keep`: make the copies). */
async function month1(keep: boolean): Promise<void> {
  const { fx } = mf;
  for (const site of ['tax', 'power'] as const) {
    await fx.nodes.get(site)!.stop();
    const dir = path.join(fx.dir, `node-${site}`);
    if (keep) fs.cpSync(dir, `${dir}-month1`, { recursive: true });
    else {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.cpSync(`${dir}-month1`, dir, { recursive: true });
    }
    fx.nodes.set(site, await fx.startNode(site));
  }
  await until(async () => {
    const listed = await fx.coordinator.registry.list();
    return SITES.every((s) => listed.some((n) => n.site === s && n.address === fx.nodes.get(s)!.address)) &&
      ['tax', 'power'].every((s) => fx.coordinator.monitoring.siteAsOf(s) === '2025-12');
  }, 'the restarted nodes to register, on month 1', { timeoutMs: 60_000 });
}

/** A month from `fedcredit sim month`, ingested at tax and power; resolves once the coordinator knows its month. */
async function month(name: string, flags: string[]): Promise<void> {
  const { fx } = mf;
  const dir = path.join(fx.dir, name);
  const r = spawnSync(process.execPath, [cliPath(), 'sim', 'month', '--from', path.join(fx.dir, 'sites'), '--out', dir, ...flags], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const done = await Promise.all([ingest('tax', path.join(dir, 'tax', 'vat_filings.csv')), ingest('power', path.join(dir, 'power', 'power_bills.csv'))]);
  for (const d of done) expect(d.status, d.out).toBe(0);
  await until(() => ['tax', 'power'].every((s) => fx.coordinator.monitoring.siteAsOf(s) === '2026-01'), 'the coordinator to learn month 2 from the sites\' health', { timeoutMs: 60_000 });
}

/** A run by hand: the bank's first; the coordinator's operator's after it (a bank starts one a day). */
async function run(by: 'bank' | 'operator'): Promise<MonitoringRunReport__Output> {
  const { fx } = mf;
  const op = monitoringClient(fx.coordinator.address, fx.fed.as('coordinator-operator'));
  const progress = by === 'bank' ? await mf.startRun(PORTFOLIO) : await new Promise<RunProgress__Output[]>((resolve, reject) => {
    const seen: RunProgress__Output[] = [];
    const s = op.StartRun({ portfolio: `bank-a/${PORTFOLIO}`, asOf: '', reason: 'drift test' });
    s.on('data', (p: RunProgress__Output) => seen.push(p));
    s.on('error', reject);
    s.on('end', () => resolve(seen));
  }).finally(() => op.close());
  if (by === 'bank') op.close();
  const last = progress.at(-1)!;
  expect(last).toMatchObject({ stage: 'finished', scored: subjects.length });
  const c = mf.client();
  return call(c, c.GetRunReport, { runId: last.runId });
}

/** Every drift figure of a report: the PSI, then each site's features. */
function levels(r: MonitoringRunReport__Output): { psi: string; csi: Record<string, { feature: string; csi: number; level: string }[]> } {
  return { psi: r.psi!.level, csi: Object.fromEntries(r.csi.map((c) => [c.site, c.features.map((f) => ({ feature: f.feature, csi: f.csi, level: f.level }))])) };
}

async function metric(name: string): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${mf.fx.coordinator.httpPort}/metrics`);
  return (await res.text()).split('\n').find((l) => l.startsWith(name));
}

beforeAll(async () => {
  mf = await monitoringFixture('mon-drift', { onIngest: false }, { enterprises: 1300, driftReference: true });
  await mf.restart({ onIngest: false }, { http: { port: 0 } });
  const { fx } = mf;
  subjects = fx.inAll;
  expect(subjects.length).toBeGreaterThanOrEqual(MIN_DRIFT_COUNT);
  const dataWindow = { from: fx.dataWindow.from, to: '2026-12' };
  const consents = [];
  for (const s of subjects) {
    await fx.register(s);
    consents.push(fx.grant(s, { purpose: 'loan-monitoring', maxUses: 12, validForMs: 30 * DAY, dataWindow }));
  }
  await mf.createPortfolio(PORTFOLIO);
  const added = await mf.add(PORTFOLIO, consents);
  expect(added.filter((r) => !r.ok)).toEqual([]);
  await mf.asOfKnown();
}, 300_000);

afterAll(async () => {
  await mf?.stop();
});

describe('drift on the simulated months', () => {
  let control: MonitoringRunReport__Output;
  let deteriorated: MonitoringRunReport__Output;

  it('a control month, drawn from the training distribution: the PSI and every CSI stable but the season\'s power_kwh_drop, and no alarm', async () => {
    await month1(true);
    await month('control', ['--control']);
    control = await run('bank');
    const l = levels(control);
    console.log(`control month: ${subjects.length} firms, PSI ${control.psi!.value}, CSI ${JSON.stringify(l.csi)}`);
    expect(l.psi).toBe('stable');
    expect(control.psi!.value).toBeLessThan(DRIFT_THRESHOLDS.warn);
    expect(Object.keys(l.csi).sort()).toEqual([...SITES].sort());
    for (const [site, features] of Object.entries(l.csi)) {
      expect(features.length, site).toBeGreaterThan(0);
      // power_kwh_drop moves with the season (docs/data-formats.md: 0.070 over every firm of the
      // site); over this portfolio of ~550 firms it comes out at ~0.12, a warning, never an alarm.
      for (const f of features) expect(f.level, `${site} ${f.feature} ${f.csi}`).toBe(f.feature === 'power_kwh_drop' ? f.level : 'stable');
      for (const f of features) expect(f.csi, `${site} ${f.feature}`).toBeLessThan(f.feature === 'power_kwh_drop' ? DRIFT_THRESHOLDS.alarm : DRIFT_THRESHOLDS.warn);
    }
  }, 180_000);

  it('a month where half the firms deteriorate: the power site\'s CSI alarms and the PSI fires', async () => {
    // The same month obs+1 again (a store takes each record once): the sites go back to month 1 first.
    await month1(false);
    await month('deteriorated', ['--deteriorate', '0.5']);
    deteriorated = await run('operator');
    const l = levels(deteriorated);
    console.log(`deteriorated month: PSI ${deteriorated.psi!.value} ${l.psi}, CSI ${JSON.stringify(l.csi)}`);
    const power = l.csi['power']!;
    const drop = power.find((f) => f.feature === 'power_kwh_drop')!;
    expect(drop.csi).toBeGreaterThanOrEqual(DRIFT_THRESHOLDS.alarm);
    expect(drop.level).toBe('alarm');
    expect(['warn', 'alarm']).toContain(l.psi);
    expect(deteriorated.psi!.value).toBeGreaterThanOrEqual(DRIFT_THRESHOLDS.warn);
  }, 180_000);

  it('model show and the metrics endpoint show the levels', async () => {
    const { fx } = mf;
    const shown = await runCli(['model', 'show', MODEL, '--coordinator', fx.coordinator.address, '--json', ...fx.fed.tls('coordinator-operator')]);
    expect(shown.code, shown.stderr).toBe(0);
    const runs = (JSON.parse(shown.stdout) as { monitoring: { runId: string; psi: number; psiLevel: string; csiMax: { site: string; feature: string; csi: number; level: string }[] }[] }).monitoring;
    const byId = new Map(runs.map((r) => [r.runId, r]));
    expect(byId.get(control.runId)).toMatchObject({ psiLevel: 'stable' });
    expect(byId.get(control.runId)!.csiMax.filter((c) => c.level !== 'stable').map((c) => c.feature)).toEqual(levels(control).csi['power']!.some((f) => f.level !== 'stable') ? ['power_kwh_drop'] : []);
    expect(byId.get(control.runId)!.csiMax.some((c) => c.level === 'alarm')).toBe(false);
    expect(byId.get(deteriorated.runId)).toMatchObject({ psiLevel: deteriorated.psi!.level });
    expect(byId.get(deteriorated.runId)!.csiMax.find((c) => c.site === 'power')).toMatchObject({ feature: 'power_kwh_drop', level: 'alarm' });
    const text = await runCli(['model', 'show', MODEL, '--coordinator', fx.coordinator.address, ...fx.fed.tls('coordinator-operator')]);
    expect(text.stdout).toContain(`PSI ${deteriorated.psi!.value.toFixed(3)} ${deteriorated.psi!.level}`);
    expect(text.stdout).toMatch(/power power_kwh_drop \d\.\d{3} alarm/);
    // The last finished run of m1 is the deteriorated one.
    expect(await metric(`fedcredit_monitoring_psi_max{`)).toMatch(new RegExp(`model="${MODEL}".* ${deteriorated.psi!.value}`));
  }, 60_000);
});
