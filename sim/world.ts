/**
 * The fixed economy the simulator draws enterprises from: industries, size classes and regions,
 * each with the effects it has on health, activity and site coverage.
 *
 * Numbers are plausible orders of magnitude for Chinese SMEs, not estimates: what matters for
 * the product is that effects are shared across sites (so alignment pays off) and that each
 * site sees a different side of an enterprise.
 */

export interface Industry {
  readonly name: string;
  readonly share: number;
  /** Added to latent long-term health. */
  readonly health: number;
  /** Extra monthly revenue noise (log scale). */
  readonly volatility: number;
  /** kWh consumed per CNY of revenue. */
  readonly kwhPerYuan: number;
  /** Industrial (large-user) or commercial tariff, CNY per kWh. */
  readonly tariff: number;
  /** Effective VAT as a fraction of revenue for a general taxpayer. */
  readonly vatRate: number;
  /** Probability the enterprise has its own metered power account. */
  readonly powerCoverage: number;
  /** Added to the log-odds of a shock in the last year. */
  readonly shockRisk: number;
  /** Peak-to-trough seasonal swing of activity. */
  readonly seasonality: number;
}

export const INDUSTRIES: readonly Industry[] = [
  { name: 'manufacturing', share: 0.26, health: 0.0, volatility: 0.06, kwhPerYuan: 0.09, tariff: 0.62, vatRate: 0.045, powerCoverage: 0.97, shockRisk: 0.2, seasonality: 0.08 },
  { name: 'wholesale_retail', share: 0.24, health: -0.05, volatility: 0.08, kwhPerYuan: 0.012, tariff: 0.78, vatRate: 0.025, powerCoverage: 0.74, shockRisk: 0.0, seasonality: 0.15 },
  { name: 'construction', share: 0.1, health: -0.3, volatility: 0.16, kwhPerYuan: 0.02, tariff: 0.7, vatRate: 0.03, powerCoverage: 0.66, shockRisk: 0.45, seasonality: 0.2 },
  { name: 'services', share: 0.16, health: 0.05, volatility: 0.07, kwhPerYuan: 0.015, tariff: 0.78, vatRate: 0.035, powerCoverage: 0.62, shockRisk: -0.1, seasonality: 0.06 },
  { name: 'technology', share: 0.1, health: 0.25, volatility: 0.1, kwhPerYuan: 0.01, tariff: 0.78, vatRate: 0.04, powerCoverage: 0.7, shockRisk: -0.2, seasonality: 0.03 },
  { name: 'logistics', share: 0.08, health: -0.1, volatility: 0.08, kwhPerYuan: 0.03, tariff: 0.68, vatRate: 0.03, powerCoverage: 0.86, shockRisk: 0.1, seasonality: 0.1 },
  { name: 'agriculture', share: 0.06, health: -0.2, volatility: 0.13, kwhPerYuan: 0.05, tariff: 0.55, vatRate: 0.015, powerCoverage: 0.9, shockRisk: 0.3, seasonality: 0.35 },
];

export interface SizeClass {
  readonly name: 'micro' | 'small' | 'medium' | 'large';
  readonly share: number;
  readonly health: number;
  /** Median monthly revenue, CNY. */
  readonly medianRevenue: number;
  /** Probability of filing with the tax bureau in the simulated region. */
  readonly taxCoverage: number;
  /** Probability of borrowing from the simulated bank. */
  readonly bankCoverage: number;
  /** Small-scale taxpayers pay a flat low VAT rate on revenue. */
  readonly smallScaleVat: boolean;
}

export const SIZES: readonly SizeClass[] = [
  { name: 'micro', share: 0.45, health: -0.25, medianRevenue: 9e4, taxCoverage: 0.84, bankCoverage: 0.43, smallScaleVat: true },
  { name: 'small', share: 0.33, health: 0.0, medianRevenue: 8e5, taxCoverage: 0.93, bankCoverage: 0.66, smallScaleVat: false },
  { name: 'medium', share: 0.17, health: 0.25, medianRevenue: 6e6, taxCoverage: 0.97, bankCoverage: 0.83, smallScaleVat: false },
  { name: 'large', share: 0.05, health: 0.45, medianRevenue: 5e7, taxCoverage: 0.99, bankCoverage: 0.9, smallScaleVat: false },
];

export interface Region {
  readonly name: string;
  readonly share: number;
  readonly health: number;
  /** GB/T 2260 division codes of registering offices in the region. */
  readonly divisions: readonly string[];
}

export const REGIONS: readonly Region[] = [
  { name: 'north', share: 0.16, health: 0.1, divisions: ['110105', '110108', '120116', '130102'] },
  { name: 'east', share: 0.3, health: 0.2, divisions: ['310115', '310104', '320505', '330106', '350100', '370212'] },
  { name: 'south', share: 0.2, health: 0.15, divisions: ['440300', '440106', '441900', '450103'] },
  { name: 'central', share: 0.14, health: 0.0, divisions: ['420106', '430104', '410105', '360102'] },
  { name: 'southwest', share: 0.1, health: -0.05, divisions: ['510107', '500103', '530102'] },
  { name: 'northwest', share: 0.05, health: -0.2, divisions: ['610113', '620102', '640104'] },
  { name: 'northeast', share: 0.05, health: -0.3, divisions: ['230102', '210102', '220104'] },
];

export const INDUSTRY_SHARES = INDUSTRIES.map((i) => i.share);
export const SIZE_SHARES = SIZES.map((s) => s.share);
export const REGION_SHARES = REGIONS.map((r) => r.share);
