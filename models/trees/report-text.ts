/**
 * `fedcredit model show` for a boosted-trees model (design section 13, CLI): the validation AUC
 * after each tree, the trees kept (early stopping keeps trees 0..best), the bank's features by
 * the number of splits on them, and the passive sites' features by name only: which of them the
 * trees split on stays at each site (the coordinator must not learn a split's owner, section 6).
 */
import type { ModelMetadata } from '../../training/model-registry.js';

export function formatTrees(m: ModelMetadata): string {
  const metrics = m.metrics as { aucHistory?: number[] };
  const aucs = metrics.aucHistory ?? [];
  const best = aucs.length > 0 ? aucs.indexOf(Math.max(...aucs)) : -1;
  const lines = [
    'boosted trees',
    `  trees grown: ${aucs.length}; kept: trees 0..${best} (${best + 1}), the best validation AUC ${best >= 0 ? aucs[best]!.toFixed(4) : '-'}`,
    `  validation AUC after each tree: ${aucs.map((a, t) => `${t}:${a.toFixed(4)}`).join(' ')}`,
  ];
  for (const s of m.sites) {
    const t = s.transforms ?? [];
    if (s.role === 'bank') {
      lines.push(`  ${s.site} (bank) features split on: ${t.length === 0 ? 'none (leaves only, or passive features only)' : t.map((x) => `${x.feature} (${x.steps.join(', ')})`).join('; ')}`);
    } else {
      lines.push(`  ${s.site} features (its splits stay at ${s.site}; \`model show\` there names them): ${t.map((x) => x.feature).join(', ') || '-'}`);
    }
  }
  lines.push('  scoring: through the leaf chain (no site learns the leaf; docs/scoring.md)');
  return lines.join('\n');
}
