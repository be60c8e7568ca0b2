/**
 * The enterprises the bank node can label from a generated federation's bank records, exactly
 * as its feature build does (node/features: 90+ dpd within 12 months of the bank's as-of
 * month; none for one already in default or without exposure). Alignment intersects only these
 * at the bank (alignment/node.ts), so tests expect `inTax && inPower && labelled`.
 */
import { bankLabel, defaultAsOf } from '../../features/index.js';
import { readSiteRecords } from '../../sim/read.js';

export function bankLabelled(outDir: string): Set<string> {
  const records = readSiteRecords(outDir, 'bank');
  let latest = -1;
  for (const r of records.values()) for (const p of r.repayments) latest = Math.max(latest, p.period);
  const asOf = defaultAsOf('bank', latest);
  const out = new Set<string>();
  for (const [code, r] of records) if (bankLabel(r, asOf) !== null) out.add(code);
  return out;
}
