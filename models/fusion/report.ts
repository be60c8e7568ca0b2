/**
 * `fedcredit model show` for a fusion model (design section 8, step 5): the card's tree
 * characteristics, each with its leaves' training counts, defaults, WOE and points (the bank's
 * report section, as the scorecard's bank section: models/scorecard/report.ts) and the tree's
 * gain, splits and leaves (the bank's lines in the metadata); then the comparison on the same
 * validation split: fusion vs boosted trees vs scorecard vs bank-only, AUC and KS.
 *
 * Where each figure comes from, said in the table:
 * - fusion and bank-only: this model's evaluation report (the bank's; bank-only is the bank's own
 *   ordinary characteristics, same bins, WOE and split, trained in the clear at the bank on its
 *   own data only);
 * - boosted trees and scorecard: the newest federated models of those kinds trained on the same
 *   alignment (same digest, so the same split), linked at show time as the scorecard links its LR
 *   (models/scorecard/report-text.ts); left out, with a note saying how to get them, when none.
 * Leaf names: the bank's own splits by feature, a passive site's as "<site> feature" and a side;
 * a passive site's own part names its splits (the bank never learns them).
 */
import { parseEvaluationReport, type EvaluationReport } from '../../evaluation/report.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { ScorecardReportCharacteristic } from '../scorecard/report-shape.js';
import { isTreeCharacteristic } from './leaves.js';

export interface FusionComparedRow {
  readonly model: string;
  readonly label: string;
  readonly auc: number | null;
  readonly ks: number | null;
  readonly basis: string;
}

function reportOf(m: ModelMetadata | undefined): EvaluationReport | undefined {
  const raw = m ? (m.metrics as { report?: unknown }).report : undefined;
  return raw === undefined ? undefined : parseEvaluationReport(raw);
}

/** The newest model of `kind` with a report, on the same alignment (same digest) as `m`. */
export function sameSplitModel(m: ModelMetadata, models: readonly ModelMetadata[], kind: string): ModelMetadata | undefined {
  const n = (v: string) => Number(v.slice(1)) || 0;
  return models
    .filter((x) => x.kind === kind && x.alignmentId === m.alignmentId && x.alignmentDigest === m.alignmentDigest && (x.metrics as { report?: unknown }).report !== undefined)
    .sort((a, b) => n(b.modelVersion) - n(a.modelVersion))[0];
}

/** The comparison table's rows (`model show --json`'s `fusionComparison`). */
export function fusionComparison(m: ModelMetadata, trees: ModelMetadata | undefined, scorecard: ModelMetadata | undefined): FusionComparedRow[] {
  const own = reportOf(m);
  const other = (x: ModelMetadata | undefined, label: string, kind: string): FusionComparedRow => {
    const r = reportOf(x);
    const same = r && own && r.joint.samples === own.joint.samples && r.joint.positives === own.joint.positives;
    return x && r && same
      ? { model: x.modelVersion, label, auc: r.joint.auc, ks: r.joint.ks, basis: 'federated, same alignment' }
      : { model: '-', label, auc: null, ks: null, basis: `left out: no ${kind} model on alignment ${m.alignmentId} (train one with --model ${kind} on it)` };
  };
  return [
    { model: m.modelVersion, label: 'fusion', auc: own?.joint.auc ?? null, ks: own?.joint.ks ?? null, basis: 'federated (this model)' },
    other(trees, 'boosted trees', 'boosted-trees'),
    other(scorecard, 'scorecard', 'scorecard'),
    { model: `${m.modelVersion} bank-only`, label: 'bank-only', auc: own?.bankOnly.auc ?? null, ks: own?.bankOnly.ks ?? null, basis: 'trained in the clear at the bank on its own data only' },
  ];
}

const num = (x: number | null, d = 4) => (x === null ? '—' : x.toFixed(d));

function treeTable(c: ScorecardReportCharacteristic, line: string | undefined): string[] {
  const L = [`  ${c.name}: IV ${c.iv.toFixed(3)}, weight ${c.weight.toFixed(3)}${line ? `; ${line}` : ''}`];
  for (const b of c.bins) {
    L.push(`    ${String(b.count).padStart(6)} rows  ${b.events === null ? '     —' : String(b.events).padStart(6)} defaults  WOE ${num(b.woe, 3).padStart(7)}  points ${num(b.points, 1).padStart(7)}  ${b.bin}`);
  }
  return L;
}

export function formatFusion(m: ModelMetadata, trees: ModelMetadata | undefined, scorecard: ModelMetadata | undefined): string {
  const report = reportOf(m);
  const bank = m.sites.find((s) => s.role === 'bank');
  const lines = new Map((bank?.transforms ?? []).filter((t) => /^\(tree \d+\)$/.test(t.feature)).map((t) => [t.feature.slice(1, -1), t.steps.join(', ')]));
  const L = ['fusion: boosted trees\' leaves as the bank\'s scorecard characteristics (docs/design/secureboost.md 8)'];
  const cards = (report?.scorecard?.characteristics ?? []).filter((c) => isTreeCharacteristic(c.name));
  L.push(`  tree characteristics in the card: ${cards.length} of ${lines.size} trees (the others dropped by IV); each leaf a bin of at least ${report?.scorecard?.minBinSize ?? '?'} training enterprises`);
  L.push('  per leaf (bank data): training rows, defaults, WOE, points; leaves named by path (passive splits as "<site> feature")');
  for (const c of cards) L.push(...treeTable(c, lines.get(c.name)));
  for (const [name, line] of lines) if (!cards.some((c) => c.name === name)) L.push(`  ${name}: ${line}`);
  L.push('', 'comparison on the same validation split (AUC, KS):');
  for (const r of fusionComparison(m, trees, scorecard)) L.push(`  ${r.label.padEnd(14)} ${r.model.padEnd(14)} AUC ${num(r.auc)}  KS ${num(r.ks)}  (${r.basis})`);
  L.push('  scoring: tree terms through the leaf chain (no site learns a leaf), the other characteristics as the scorecard\'s; one score');
  return L.join('\n');
}
