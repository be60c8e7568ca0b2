/**
 * `fedcredit demo --monitor` as a user runs it (issue 21): the whole demo as a real process
 * (coordinator and three nodes as processes, mutual TLS), then post-loan monitoring on its LR
 * model (bin/monitor-demo.ts): a portfolio of consenting borrowers, a baseline run, month 2 from
 * `sim month` ingested by the running nodes, the ingest trigger's run, the bank's watcher
 * and the auditor. 1,000 enterprises: enough borrowers (>= 500) for drift to be computed.
 * The same run checks the demo's extra models (issue 16, bin/demo-models.ts): boosted trees (and
 * fusion, once this build has the kind) trained on the demo's alignment, each report as `model
 * show` prints it, and a consented query scored against each model by name; the final audit
 * then covers their jobs and queries.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { checkDemoModels, type DemoModelsSummary } from './demo-models-check.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-demo-monitor-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

interface Drift { psi: { value: number; level: string; insufficient: boolean }; csi: { site: string; state: string; covered: number; max?: { feature: string; csi: number } }[] }
interface Summary extends DemoModelsSummary {
  monitoring: {
    skipped?: string; portfolio: string; model: string; items: number; eventsFile: string;
    baseline: { scored: number; changed: number };
    runs: { trigger: string; asOf: Record<string, string>; scored: number; changed: number; drift: Drift }[];
    changes: { total: number; worse: number; better: number; warnings: { from: string; to: string; direction: string; count: number }[]; worseAmongDeteriorated: number };
    examples: string[];
    audit: { ok: boolean; monitoringEntries: Record<string, number>; findings: unknown[] };
  };
}

function demo(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Its own process group, so a timeout kills the demo's parties too (they are its children), not only the demo.
  const child = spawn(process.execPath, [cliPath(), 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FEDCREDIT_TLS: '' }, detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The demo now also trains boosted trees and fusion and scores a leaf-chain query against each (bin/demo-models.ts).
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 1_200_000);
  return new Promise((resolve) => child.once('close', (status) => {
    clearTimeout(timer);
    resolve({ status, stdout, stderr });
  }));
}

describe('fedcredit demo --monitor', () => {
  it('watches a portfolio through a month of deterioration: warnings change, drift is measured, the audit is clean', async () => {
    const r = await demo('--monitor', '--enterprises', '1000', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;

    // The extra models (bin/demo-models.ts): tests/monitoring/demo-models-check.ts.
    await checkDemoModels(s);

    const m = s.monitoring;
    expect(m.skipped, JSON.stringify(m)).toBeUndefined();
    expect(m.model).toBe(s.training?.model);
    expect(m.items).toBeGreaterThanOrEqual(500);
    // Month 1 is the baseline: every item scored, nothing pushed.
    expect([m.baseline.scored, m.baseline.changed]).toEqual([m.items, 0]);

    // Month 2 came in through the nodes and the coordinator's ingest trigger re-scored the portfolio on it.
    expect(m.runs.length).toBeGreaterThanOrEqual(1);
    const last = m.runs.at(-1)!;
    // The ingest trigger, or (a site missed a health poll on a loaded machine) the operator's run instead.
    expect(last.trigger).toMatch(/^(ingest:(tax|power)|manual:operator)$/);
    expect(last.scored).toBe(m.items);
    expect(last.asOf['tax']).not.toBe(last.asOf['bank']);
    expect(last.asOf['power']).toBe(last.asOf['tax']);

    // Warnings changed, mostly for the worse, and mostly at the firms the simulation made deteriorate.
    expect(m.changes.total).toBe(m.runs.reduce((n, x) => n + x.changed, 0));
    expect(m.changes.worse).toBeGreaterThan(m.changes.better);
    expect(m.changes.worseAmongDeteriorated).toBeGreaterThan(m.changes.worse / 2);
    expect(m.changes.warnings.some((w) => w.direction === 'worse' && w.count > 0)).toBe(true);
    // Example lines name credit codes, grades and warnings: no feature value, no points.
    expect(m.examples.length).toBeGreaterThan(0);
    for (const e of m.examples) expect(e).toMatch(/^[0-9A-Z]{18}: warning \w+ -> \w+, grade \w+ -> \w+ \((worse|better)\)(, deteriorated in the simulation)?$/);

    // Drift was computed (>= 500 items) against the model's references, and the sites that moved show it.
    expect(last.drift.psi.insufficient).toBe(false);
    expect(last.drift.psi.value).toBeGreaterThan(0);
    const csi = Object.fromEntries(last.drift.csi.map((c) => [c.site, c]));
    expect(Object.keys(csi).sort()).toEqual(['bank', 'power', 'tax']);
    for (const c of Object.values(csi)) expect(c.state).toBe('figures');
    expect(csi['power']!.max!.csi).toBeGreaterThan(csi['bank']!.max!.csi);

    // The bank's events file holds every change once, in order.
    const lines = fs.readFileSync(m.eventsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { eventId: string; kind: string });
    expect(lines.map((l) => l.eventId)).toEqual(lines.map((_, i) => String(i + 1)));
    expect(lines.filter((l) => l.kind === 'change').length).toBe(m.changes.total);

    // The auditor: every portfolio change and re-score checked, nothing found.
    expect(m.audit.findings).toEqual([]);
    expect(m.audit.ok).toBe(true);
    expect(m.audit.monitoringEntries['rescore']).toBe(m.items * (1 + m.runs.length));
    expect(m.audit.monitoringEntries['portfolio-change']).toBe(m.items + 1);
  }, 1_260_000);
});
