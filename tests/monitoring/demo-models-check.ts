/**
 * What the demo's extra models must show (issue 16's "Done when", bin/demo-models.ts), checked
 * on the demo's --json summary: boosted trees and, when this build has the kind, fusion, each
 * trained on the demo's alignment, its report as `model show` prints it, and a consented query
 * scored against that model by name. Used by tests/monitoring/demo-monitor.test.ts (the run of
 * the whole demo the suite already pays for).
 */
import { expect } from 'vitest';
import { modelKinds } from '../../models/registry.js';

export interface DemoExtraModel {
  kind: string; label: string; params: Record<string, unknown>; why: string; skipped?: string; failed?: string; trainSeconds?: number; report?: string;
  model?: { modelVersion: string; kind: string; alignmentId: string; metrics: { aucHistory?: number[]; validationAuc?: number }; fusionComparison?: { label: string; model: string }[] };
  scoring?: { enterprise: string; model: string; points?: number; grade?: string; refused?: string; logIndex?: number; coverage?: { site: string; covered: boolean }[] };
}

export interface DemoModelsSummary {
  training?: { model: string };
  scorecard?: { modelVersion: string };
  alignment: { alignmentId: string };
  scoring: { enterprise?: string; answer?: { model: string } };
  models: DemoExtraModel[];
  audit: { ok: boolean; findings: unknown[]; entriesByKind: Record<string, number> };
}

export async function checkDemoModels(s: DemoModelsSummary): Promise<void> {
  expect(Array.isArray(s.models), 'the demo summary has no `models` (bin/demo-models.ts)').toBe(true);
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
  // The LR's query (requester/demo.ts) still scored the LR: the newer models did not displace it.
  expect(s.scoring.answer?.model).toBe(s.training?.model);
  if (fusionBuilt) {
    const fusion = byKind.get('fusion')!;
    expect(fusion.params).toMatchObject({ fusionTrees: 5, fusionDepth: 3 });
    // Beside the demo's own trees and scorecard on the same split (models/fusion/report.ts).
    expect(fusion.report).toContain('tree characteristics in the card:');
    expect(fusion.report).toContain('comparison on the same validation split (AUC, KS):');
    const compared = new Map((fusion.model!.fusionComparison ?? []).map((r) => [r.label, r.model]));
    expect([...compared.values()]).toContain(trees.model!.modelVersion);
    expect([...compared.values()]).toContain(s.scorecard?.modelVersion);
  } else {
    expect(byKind.get('fusion')!.skipped).toMatch(/not built yet/);
  }
  // Their queries are in the audited log, which found nothing.
  expect(s.audit.entriesByKind['query']).toBeGreaterThanOrEqual(1 + (fusionBuilt ? 2 : 1));
  expect(s.audit.findings).toEqual([]);
  expect(s.audit.ok).toBe(true);
}
