/**
 * `fedcredit model show` for a boosted-trees model (design section 13, CLI): per tree the
 * validation AUC and the gain of its splits, the trees kept (early stopping keeps trees 0..best),
 * and feature importance (splits and total gain): the bank's features by name, each passive
 * site's features only as "<site> feature" (one line per site, all its features together), at
 * the bank and at the coordinator; which of its features a passive site's splits use stays at
 * that site (its part, and its own lines in the metadata, name its features without counts).
 *
 * The bank's lines travel as its part's `described` (the metadata's per-site `transforms`):
 * `(tree k)` entries carry a tree's gain, splits and leaves, the others one feature or one
 * passive site each. Residual (models/trees/README.md): the coordinator learns how many splits
 * each passive site won over the whole model and their total gain, not which nodes.
 */
import type { ModelMetadata } from '../../training/model-registry.js';

/** What the bank's part describes: importance per bank feature and per passive site, and each kept tree's gain. */
export function bankDescribed(
  bank: string, features: readonly string[],
  trees: readonly { tree: number; splits: readonly { owner: string; slot: number; gain: number }[]; leaves: readonly unknown[] }[],
): { feature: string; steps: string[] }[] {
  const used = new Map<string, { n: number; gain: number }>();
  for (const t of trees) for (const s of t.splits) {
    const name = s.owner === bank ? features[s.slot] ?? `feature ${s.slot}` : `${s.owner} feature`;
    const u = used.get(name) ?? { n: 0, gain: 0 };
    used.set(name, { n: u.n + 1, gain: u.gain + s.gain });
  }
  const importance = [...used.entries()].sort((a, b) => b[1].gain - a[1].gain || a[0].localeCompare(b[0]))
    .map(([feature, u]) => ({ feature, steps: [`split on in ${u.n} node${u.n === 1 ? '' : 's'}`, `gain ${u.gain.toFixed(2)}`] }));
  const perTree = trees.map((t) => ({
    feature: `(tree ${t.tree})`,
    steps: [`gain ${t.splits.reduce((g, s) => g + s.gain, 0).toFixed(2)}`, `${t.splits.length} splits`, `${t.leaves.length} leaves`],
  }));
  return [...importance, ...perTree];
}

const TREE = /^\(tree (\d+)\)$/;

export function formatTrees(m: ModelMetadata): string {
  const metrics = m.metrics as { aucHistory?: number[] };
  const aucs = metrics.aucHistory ?? [];
  const best = aucs.length > 0 ? aucs.indexOf(Math.max(...aucs)) : -1;
  const bank = m.sites.find((s) => s.role === 'bank');
  const bankLines = bank?.transforms ?? [];
  const treeGain = new Map<number, string>();
  for (const x of bankLines) {
    const k = TREE.exec(x.feature);
    if (k) treeGain.set(Number(k[1]), x.steps.join(', '));
  }
  const lines = [
    'boosted trees',
    `  trees grown: ${aucs.length}; kept: trees 0..${best} (${best + 1}), the best validation AUC ${best >= 0 ? aucs[best]!.toFixed(4) : '-'}`,
    `  validation AUC after each tree: ${aucs.map((a, t) => `${t}:${a.toFixed(4)}`).join(' ')}`,
  ];
  if (treeGain.size > 0) {
    lines.push('  per tree (kept trees): validation AUC, gain, splits, leaves');
    for (const [t, text] of [...treeGain].sort((a, b) => a[0] - b[0])) lines.push(`    tree ${t}: AUC ${aucs[t]?.toFixed(4) ?? '-'}, ${text}`);
  }
  const importance = bankLines.filter((x) => !TREE.test(x.feature));
  if (bank) {
    lines.push(`  feature importance (splits, total gain; passive sites' features as "<site> feature", named only at their site):`);
    if (importance.length === 0) lines.push('    none: the trees are leaves only');
    for (const x of importance) lines.push(`    ${x.feature}: ${x.steps.join(', ')}`);
  }
  for (const s of m.sites) {
    if (s.role === 'bank') continue;
    lines.push(`  ${s.site} features (its splits stay at ${s.site}; its own part names them): ${(s.transforms ?? []).map((x) => x.feature).join(', ') || '-'}`);
  }
  lines.push('  scoring: through the leaf chain (no site learns the leaf; docs/scoring.md)');
  return lines.join('\n');
}
