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
import { modelKinds } from '../../models/registry.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-demo-monitor-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

interface Drift { psi: { value: number; level: string; insufficient: boolean }; csi: { site: string; state: string; covered: number; max?: { feature: string; csi: number } }[] }
interface ExtraModel {
  kind: string; label: string; params: Record<string, unknown>; why: string; skipped?: string; failed?: string; trainSeconds?: number; report?: string;
  model?: { modelVersion: string; kind: string; alignmentId: string; metrics: { aucHistory?: number[]; validationAuc?: number } };
  scoring?: { enterprise: string; model: string; points?: number; grade?: string; refused?: string; logIndex?: number; coverage?: { site: string; covered: boolean }[] };
}
interface Summary {
  training?: { model: string };
  alignment: { alignmentId: string };
  scoring: { enterprise?: string; answer?: { model: string } };
  models: ExtraModel[];
  audit: { ok: boolean; findings: unknown[]; entriesByKind: Record<string, number> };
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
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 480_000);
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

    // The extra models (bin/demo-models.ts): trained on the same alignment, reported, each scored by name.
    const byKind = new Map(s.models.map((x) => [x.kind, x]));
    const fusionBuilt = (await modelKinds()).has('fusion');
    expect([...byKind.keys()]).toEqual(['boosted-trees', 'fusion']);
    for (const kind of ['boosted-trees', ...(fusionBuilt ? ['fusion'] : [])]) {
      const x = byKind.get(kind)!;
      expect(x.skipped, kind).toBeUndefined();
      expect(x.failed, kind).toBeUndefined();
      expect(x.model?.kind, kind).toBe(kind);
      expect(x.model!.alignmentId).toBe(s.alignment.alignmentId);
      // The report is `model show`'s text for that model (training/cli.ts describeModel).
      expect(x.report, kind).toMatch(new RegExp(`^model ${x.model!.modelVersion} \\(job `));
      expect(x.report).toContain(`model kind ${kind}`);
      expect(x.report).toMatch(/validation AUC \d\.\d{4}/);
      // A consented query against this model, named explicitly (the LR's query used the LR).
      expect(x.scoring?.refused, `${kind}: ${x.scoring?.refused}`).toBeUndefined();
      expect(x.scoring!.model).toBe(x.model!.modelVersion);
      expect(x.scoring!.enterprise).toBe(s.scoring.enterprise);
      expect(x.scoring!.points).toBeGreaterThanOrEqual(0);
      expect(x.scoring!.points).toBeLessThanOrEqual(1000);
      expect(x.scoring!.coverage!.map((c) => c.site).sort()).toEqual(['bank', 'power', 'tax']);
      expect(x.scoring!.logIndex).toBeGreaterThan(0);
    }
    const trees = byKind.get('boosted-trees')!;
    // The demo's own parameters (not the kind's 100 trees of depth 5), said with the reason.
    expect(trees.params).toMatchObject({ trees: 5, depth: 3 });
    expect(trees.why).toMatch(/2-core/);
    expect(trees.model!.metrics.aucHistory).toHaveLength(5);
    // model show's trees section: per-tree AUC and gain, feature importance with passive sites' features unnamed.
    expect(trees.report).toContain('validation AUC after each tree: 0:');
    expect(trees.report).toMatch(/ {4}tree 0: AUC \d\.\d{4}, gain /);
    expect(trees.report).toMatch(/feature importance/);
    expect(trees.report).toMatch(/(tax|power) feature: split on in \d+ nodes?/);
    expect(s.scoring.answer?.model).toBe(s.training?.model);
    if (!fusionBuilt) expect(byKind.get('fusion')!.skipped).toMatch(/not built yet/);
    // Their queries are in the audited log, which found nothing.
    expect(s.audit.findings).toEqual([]);
    expect(s.audit.ok).toBe(true);

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
  }, 500_000);
});
