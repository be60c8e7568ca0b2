/**
 * Centralized plain LR on the public-data-shaped tables (sim/tables.ts), to see that they show
 * what issue 19 measured on the real data: standardize + clip at +-8 sigma loses to clipping each
 * feature at its 1st/99th training percentile and then standardizing, and pooled beats bank-only.
 *
 * Run (scripts/ is outside the build):
 *   npx tsc --target ES2022 --module NodeNext --moduleResolution NodeNext --strict --skipLibCheck \
 *     --types node --rootDir . --outDir .scratch/out scripts/tables-clip-check.ts
 *   node .scratch/out/scripts/tables-clip-check.js [rows] [seed]
 * Not part of the product; a measurement aid for whoever tunes sim/tables.ts.
 */
import { auc } from '../evaluation/metrics.js';
import { fitStandardizer, predictProba, standardizeRows, trainLogReg } from '../models/lr/plain-logreg.js';
import { generateCreditTables, type CreditTable } from '../sim/tables.js';

const rows = Number(process.argv[2] ?? 30_000);
const seed = process.argv[3] ?? '7';
const t = generateCreditTables({ rows, seed });

/** Each site's row for an id. */
function byId(table: CreditTable): Map<number, Float64Array> {
  return new Map(table.ids.map((id, i) => [id, table.rows[i]!]));
}
const tax = byId(t.tax);
const power = byId(t.power);
const labels = t.bank.labels!;
const bankRows = t.bank.rows;
const pooledRows = t.bank.ids.map((id, i) => Float64Array.of(...bankRows[i]!, ...tax.get(id)!, ...power.get(id)!));

// Validation: ~30% of rows by a multiplicative hash of the row index (rows are independent draws).
const isValidation = (i: number) => (Math.imul(i + 1, 0x9e3779b1) >>> 0) / 2 ** 32 < 0.3;

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

type Prep = 'sigma8' | 'pct1-99';

function evaluate(all: Float64Array[], prep: Prep): number {
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  all.forEach((_, i) => (isValidation(i) ? valIdx : trainIdx).push(i));
  const width = all[0]!.length;
  const cols = Array.from({ length: width }, (_, j) => trainIdx.map((i) => all[i]![j]!).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b));
  // Missing: the mean (today's LR path) for sigma8, the median (the planned default) for percentiles.
  const fill = cols.map((c) => (prep === 'sigma8' ? c.reduce((a, b) => a + b, 0) / c.length : quantile(c, 0.5)));
  const lo = cols.map((c) => quantile(c, 0.01));
  const hi = cols.map((c) => quantile(c, 0.99));
  const prepRow = (r: Float64Array) => Float64Array.from(r, (v, j) => {
    const x = Number.isNaN(v) ? fill[j]! : v;
    return prep === 'pct1-99' ? Math.min(hi[j]!, Math.max(lo[j]!, x)) : x;
  });
  const train = trainIdx.map((i) => prepRow(all[i]!));
  const val = valIdx.map((i) => prepRow(all[i]!));
  const s = fitStandardizer(train);
  const clip = (xs: Float64Array[]) => standardizeRows(xs, s).map((r) => r.map((v) => Math.max(-8, Math.min(8, v))));
  const model = trainLogReg(clip(train), trainIdx.map((i) => labels[i]!), { epochs: 500, learningRate: 0.5, l2: 1e-3 });
  return auc(predictProba(model, clip(val)), Uint8Array.from(valIdx, (i) => labels[i]!));
}

let defaults = 0;
for (const y of labels) defaults += y;
const incomeMissing = t.tax.rows.filter((r) => Number.isNaN(r[0]!)).length / rows;
console.log(`rows ${rows}, seed ${seed}: default rate ${(100 * defaults / rows).toFixed(2)}%, income missing ${(100 * incomeMissing).toFixed(1)}%`);
for (const prep of ['sigma8', 'pct1-99'] as const) {
  console.log(`${prep.padEnd(8)} pooled AUC ${evaluate(pooledRows, prep).toFixed(3)}   bank-only AUC ${evaluate(bankRows, prep).toFixed(3)}`);
}
