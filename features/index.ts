/**
 * Local feature aggregation of a data node: each site's documented catalogue (docs/features.md)
 * and the bank's label. Everything here runs inside the site; only what it computes, never the
 * raw records, is used by training and scoring.
 */
import { formatPeriod, parsePeriod, type BankRecords, type PowerRecords, type Site, type TaxRecords } from '../schema/site-schema.js';
import { BANK_FEATURES } from './bank.js';
import { POWER_FEATURES } from './power.js';
import type { SiteFeatureSet } from './spec.js';
import { TAX_FEATURES } from './tax.js';

export type { SiteFeatureSet } from './spec.js';
export { TAX_FEATURES, TAX_CATALOGUE } from './tax.js';
export { POWER_FEATURES, POWER_CATALOGUE } from './power.js';
export { BANK_FEATURES, BANK_CATALOGUE, bankLabel } from './bank.js';

/** The records type each site's feature set reads. */
export interface SiteRecordsMap {
  tax: TaxRecords;
  power: PowerRecords;
  bank: BankRecords;
}

const FEATURE_SETS: { [S in Site]: SiteFeatureSet<SiteRecordsMap[S]> } = {
  tax: TAX_FEATURES,
  power: POWER_FEATURES,
  bank: BANK_FEATURES,
};

export function featureSetFor<S extends Site>(site: S): SiteFeatureSet<SiteRecordsMap[S]> {
  const set = FEATURE_SETS[site];
  if (set === undefined) throw new RangeError(`no feature set for site '${String(site)}': expected tax, power or bank`);
  return set;
}

/**
 * The months (YYYY-MM, inclusive) of dated records a site's features as of `asOf` (YYYY-MM) read:
 * the window a consent must cover for the site to answer with them.
 */
export function featureDataWindow(site: Site, asOf: string): { from: string; to: string } {
  const to = parsePeriod(asOf);
  return { from: formatPeriod(to - featureSetFor(site).windowMonths + 1), to: asOf };
}

/**
 * The as-of month a site's features describe, given the latest month in its records. Tax and
 * power describe their latest month. The bank's records run 12 months past the observation
 * month, because its label is read from them, so its features stop 12 months earlier.
 */
export function defaultAsOf(site: Site, latestPeriod: number): number {
  if (!Number.isInteger(latestPeriod)) throw new RangeError(`latestPeriod must be a month index, got ${latestPeriod}`);
  switch (site) {
    case 'tax':
    case 'power':
      return latestPeriod;
    case 'bank':
      return latestPeriod - 12;
    default:
      throw new RangeError(`unknown site '${String(site)}': expected tax, power or bank`);
  }
}
