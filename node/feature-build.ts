/**
 * Local aggregation: the node scans its raw records once, enterprise by enterprise, and turns
 * them into the site's feature vectors (catalogue in node/features/), the bank's labels, and
 * the standardization statistics (mean and standard deviation per feature) that training uses.
 * All of it stays in the node's store.
 */
import { formatPeriod, isSite, parsePeriod, type BankRecords, type PowerRecords, type RecordKind, type Site, type TaxRecords } from '../schema/site-schema.js';
import { bankLabel, defaultAsOf, featureSetFor } from '../features/index.js';
import { float64ToBytes, type NodeStore, type StandardizationStats } from '../site/store.js';

type StoredValues = (string | number)[];
type SiteRecords = TaxRecords | PowerRecords | BankRecords;

function emptyRecords(site: Site): SiteRecords {
  switch (site) {
    case 'tax': return { filings: [], ratings: [] };
    case 'power': return { bills: [] };
    case 'bank': return { loans: [], repayments: [] };
  }
}

/** Values are stored in the column order of schema/site-schema.ts. */
function addRecord(records: SiteRecords, kind: RecordKind, v: StoredValues): void {
  const s = (i: number) => String(v[i]);
  const n = (i: number) => Number(v[i]);
  switch (kind) {
    case 'vat_filing':
      (records as TaxRecords).filings.push({
        creditCode: s(0), period: parsePeriod(s(1)), taxableRevenue: n(2), taxDue: n(3), taxPaid: n(4), filedOnTime: n(5) === 1, arrears: n(6),
      });
      return;
    case 'tax_rating':
      (records as TaxRecords).ratings.push({ creditCode: s(0), year: n(1), rating: s(2) as 'A' | 'B' | 'M' | 'C' | 'D' });
      return;
    case 'power_bill':
      (records as PowerRecords).bills.push({
        creditCode: s(0), period: parsePeriod(s(1)), kwh: n(2), amountDue: n(3), amountPaid: n(4), daysLate: n(5),
      });
      return;
    case 'loan':
      (records as BankRecords).loans.push({
        creditCode: s(0), loanId: s(1), amount: n(2), startPeriod: parsePeriod(s(3).slice(0, 7)), startDate: s(3), termMonths: n(4), annualRate: n(5),
      });
      return;
    case 'repayment':
      (records as BankRecords).repayments.push({
        creditCode: s(0), loanId: s(1), period: parsePeriod(s(2)), scheduled: n(3), paid: n(4), balance: n(5), daysPastDue: n(6),
      });
      return;
  }
}

export interface FeatureBuildResult {
  enterprises: number;
  features: number;
  asOf?: string;
  labels: number;
}

/**
 * Recompute every enterprise's feature vector from the raw records and replace the stored ones
 * in one atomic batch. `asOf` (a month index) defaults to the site's rule in node/features.
 */
export async function rebuildFeatures(store: NodeStore, asOf?: number): Promise<FeatureBuildResult> {
  const site = await store.site();
  if (!isSite(site)) return { enterprises: 0, features: 0, labels: 0 };
  const latest = (await store.meta.get('latestPeriod')) as number | undefined;
  if (latest === undefined && asOf === undefined) {
    // Nothing dated yet (say, only tax ratings): there is no month to describe.
    return { enterprises: 0, features: 0, labels: 0 };
  }
  const month = asOf ?? defaultAsOf(site, latest!);
  const featureSet = featureSetFor(site);
  const vectors: Float64Array[] = [];
  const batch = store.db.batch();
  let labels = 0;
  const fresh = new Set<string>();

  let current: string | undefined;
  let records = emptyRecords(site);
  const flush = () => {
    if (current === undefined) return;
    const vector = (featureSet.compute as (r: SiteRecords, m: number) => Float64Array)(records, month);
    vectors.push(vector);
    fresh.add(current);
    batch.put(current, float64ToBytes(vector), { sublevel: store.features });
    if (site === 'bank') {
      const label = bankLabel(records as BankRecords, month);
      if (label !== null) {
        batch.put(current, String(label), { sublevel: store.labels });
        labels++;
      } else batch.del(current, { sublevel: store.labels });
    }
  };
  for await (const [key, values] of store.records.iterator()) {
    const [code, kind] = key.split('!') as [string, RecordKind];
    if (code !== current) {
      flush();
      current = code;
      records = emptyRecords(site);
    }
    addRecord(records, kind, values);
  }
  flush();
  for await (const key of store.features.keys()) if (!fresh.has(key)) batch.del(key, { sublevel: store.features });

  // A feature the catalogue says may be missing reports its share of missing values, as a feature table's column does.
  const catalogue = featureSet.catalogue.map((f, j) => (f.mayBeMissing
    ? { ...f, missingRate: vectors.length === 0 ? 0 : vectors.filter((v) => Number.isNaN(v[j]!)).length / vectors.length }
    : { ...f }));
  batch.put('catalogue', catalogue, { sublevel: store.meta });
  batch.put('asOf', formatPeriod(month), { sublevel: store.meta });
  batch.put('stats', computeStats(vectors, catalogue.length), { sublevel: store.meta });
  batch.put('enterprises', vectors.length, { sublevel: store.meta });
  batch.put('hasLabels', labels > 0, { sublevel: store.meta });
  batch.put('featuresEpoch', ((await store.getMeta()).featuresEpoch ?? 0) + 1, { sublevel: store.meta });
  store.featuresChanged();
  await batch.write({ sync: true });
  store.featuresChanged();
  return { enterprises: vectors.length, features: catalogue.length, asOf: formatPeriod(month), labels };
}

/**
 * Mean and (population) standard deviation per feature over its present values (a missing cell
 * of a feature table, NaN, is left out); a constant or absent feature gets std 1 so
 * standardizing is a no-op.
 */
export function computeStats(vectors: readonly Float64Array[], width: number): StandardizationStats {
  const mean = new Array<number>(width).fill(0);
  const m2 = new Array<number>(width).fill(0);
  const present = new Array<number>(width).fill(0);
  let count = 0;
  for (const v of vectors) {
    count++;
    for (let j = 0; j < width; j++) {
      if (Number.isNaN(v[j]!)) continue;
      const n = ++present[j]!;
      const delta = v[j]! - mean[j]!;
      mean[j]! += delta / n;
      m2[j]! += delta * (v[j]! - mean[j]!);
    }
  }
  const std = m2.map((s, j) => {
    const sd = present[j]! > 0 ? Math.sqrt(s / present[j]!) : 0;
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std, count };
}
