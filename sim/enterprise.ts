/**
 * One simulated enterprise: who it is (credit code, industry, size, region), which sites hold
 * records on it, and the latent state every site's records are drawn from.
 *
 * The latent state has parts that different sites see differently, which is the whole point of
 * joining them:
 * - `health`: slow, long-term soundness (industry, size, region and an idiosyncratic part).
 *   Everyone sees it a little; the bank sees it best, through repayment history and pricing.
 * - `discipline`: how the firm treats obligations it can defer (tax filings, tax arrears).
 *   Mostly visible to the tax bureau.
 * - `growth`: the revenue trend; visible in VAT revenue and in power consumption.
 * - a `shock` in the last 12 months (lost customer, fire, sector downturn): consumption falls at
 *   once (power), declared revenue follows with a lag (tax), the bank sees almost nothing until
 *   payments stop. Firms hit by a shock are far more likely to default.
 * Default in the 12 months after the observation month is drawn from all of these.
 */
import { makeCreditCode, CREDIT_CODE_ALPHABET } from '../schema/credit-code.js';
import type { Rng } from './prng.js';
import {
  INDUSTRIES, INDUSTRY_SHARES, REGIONS, REGION_SHARES, SIZES, SIZE_SHARES,
  type Industry, type Region, type SizeClass,
} from './world.js';

/** The months a run covers, as month indexes (year * 12 + month - 1). */
export interface Calendar {
  /** Observation month: the last month tax and power hold, the as-of month of the label. */
  readonly obs: number;
  /** First month of the history window (obs - historyMonths + 1). */
  readonly histStart: number;
  /** Last month the bank holds: obs + 12, the end of the label window. */
  readonly bankEnd: number;
}

export interface Enterprise {
  readonly index: number;
  readonly code: string;
  readonly industry: Industry;
  readonly size: SizeClass;
  readonly region: Region;
  /** Month the firm was founded; before histStart for established firms. */
  readonly founded: number;
  readonly health: number;
  readonly discipline: number;
  /** Annual log growth of activity. */
  readonly growth: number;
  /** Standard deviation of monthly revenue noise (log scale). */
  readonly volatility: number;
  readonly revenueScale: number;
  readonly kwhScale: number;
  /** Effective VAT rate on revenue. */
  readonly vatRate: number;
  /** Month of the shock, or -1 when the firm had none. */
  readonly shockMonth: number;
  /** Fraction of activity lost after the shock (0 when none). */
  readonly shockSeverity: number;
  /** Activity multiplier per month from histStart to obs (growth and business-cycle noise). */
  readonly activity: Float64Array;
  readonly inTax: boolean;
  readonly inPower: boolean;
  readonly inBank: boolean;
  /** 90+ days past due on bank debt within obs+1..obs+12 (realized in the bank's records). */
  readonly defaults: boolean;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * Intercept of the default model. Tuned so that about 6% of the bank's customers default;
 * see docs/data-formats.md for the rates a run reports in its manifest.
 */
const DEFAULT_INTERCEPT = -4.6;

/**
 * The logit of default from the latent state, with the non-linear shapes real credit data has
 * (the scorecard's bins capture them; a linear model on the raw values cannot):
 * - health saturates: beyond +0.7 a firm is no safer (the best grades all default at about the
 *   same low rate), so the bank's health signals (pricing, delinquency) flatten at the top;
 * - discipline has a threshold: a firm that lets tax fall into arrears at all (discipline below
 *   about -0.9, a fifth of firms) jumps in risk by ~1.6 logits, on top of a mild linear slope,
 *   the shape of repayment status and arrears counts (any arrears is what matters, then it
 *   saturates);
 * - growth is a U-shape: shrinking firms are risky, but so are those growing fastest
 *   (over-expansion on borrowed money), visible in VAT revenue growth and the power trend;
 * - a shock adds risk by its severity, a young firm a little (as before).
 * The mean of each added shape is near zero or absorbed in the intercept, tuned so that about
 * 6% of the bank's customers still default (docs/data-formats.md).
 */
export function defaultLogit(s: { health: number; discipline: number; growthZ: number; hasShock: boolean; shockSeverity: number; young: boolean }): number {
  return DEFAULT_INTERCEPT - 0.95 * Math.min(s.health, 0.7) - 0.3 * s.discipline + 1.6 * sigmoid(-5 * (s.discipline + 0.9))
    - 0.5 * s.growthZ + 0.5 * (s.growthZ * s.growthZ - 1)
    + (s.hasShock ? 0.6 + 3.6 * s.shockSeverity : 0) + (s.young ? 0.3 : 0);
}

/** Draw the organization-code body: new registrations carry the 'MA' prefix, older ones are digits. */
function drawOrgBody(rng: Rng): string {
  let body = '';
  if (rng.bernoulli(0.55)) {
    body = 'MA';
    for (let i = 0; i < 6; i++) {
      // Digits dominate real codes; letters appear in a few positions.
      body += rng.bernoulli(0.7) ? String(rng.int(0, 9)) : CREDIT_CODE_ALPHABET[rng.int(10, 30)]!;
    }
  } else {
    for (let i = 0; i < 8; i++) body += String(rng.int(0, 9));
  }
  return body;
}

function drawEntityType(rng: Rng, industry: Industry, size: SizeClass): string {
  if (industry.name === 'agriculture' && size.name !== 'large' && rng.bernoulli(0.3)) return '3';
  if (size.name === 'micro' && rng.bernoulli(0.15)) return '2';
  return '1';
}

export function drawCreditCode(rng: Rng, industry: Industry, size: SizeClass, region: Region): string {
  return makeCreditCode({
    authority: '9',
    entityType: drawEntityType(rng, industry, size),
    division: region.divisions[rng.int(0, region.divisions.length - 1)]!,
    orgBody: drawOrgBody(rng),
  });
}

/**
 * Draw enterprise `index`. `isTaken` lets the caller keep codes unique across the run: a
 * colliding code is redrawn from the same stream, so the result stays deterministic.
 */
export function drawEnterprise(rng: Rng, index: number, cal: Calendar, isTaken: (code: string) => boolean): Enterprise {
  const industry = INDUSTRIES[rng.pick(INDUSTRY_SHARES)]!;
  const size = SIZES[rng.pick(SIZE_SHARES)]!;
  const region = REGIONS[rng.pick(REGION_SHARES)]!;
  let code = drawCreditCode(rng, industry, size, region);
  while (isTaken(code)) code = drawCreditCode(rng, industry, size, region);

  const young = rng.bernoulli(0.05);
  const founded = young ? cal.obs - rng.int(13, 30) : cal.histStart - rng.int(1, 240);

  const health = industry.health + size.health + region.health + 0.85 * rng.normal() - (young ? 0.2 : 0);
  const discipline = 0.3 * health + 0.95 * rng.normal();
  const growthZ = 0.3 * health + 0.95 * rng.normal();
  const growth = Math.max(-0.6, Math.min(0.6, 0.04 + 0.14 * growthZ));
  const volatility = 0.05 + industry.volatility + 0.04 * Math.max(0, -health);

  const bodyRevenue = size.medianRevenue * Math.exp(0.8 * rng.normal());
  const kwhScale = bodyRevenue * industry.kwhPerYuan * Math.exp(0.3 * rng.normal());
  const vatRate = size.smallScaleVat ? 0.01 + 0.02 * rng.next() : industry.vatRate * Math.exp(0.2 * rng.normal());

  const hasShock = rng.bernoulli(sigmoid(-2.2 + industry.shockRisk - 0.35 * health));
  const shockMonth = hasShock ? cal.obs - rng.int(0, 11) : -1;
  const shockSeverity = hasShock ? rng.uniform(0.25, 0.75) : 0;

  const months = cal.obs - cal.histStart + 1;
  const activity = new Float64Array(months);
  let cycle = 0.1 * rng.normal();
  for (let k = 0; k < months; k++) {
    cycle = 0.7 * cycle + 0.05 * rng.normal();
    activity[k] = Math.exp((growth * (cal.histStart + k - cal.obs)) / 12 + cycle);
  }

  const inTax = rng.bernoulli(size.taxCoverage);
  const inPower = rng.bernoulli(industry.powerCoverage);
  const inBank = rng.bernoulli(size.bankCoverage);

  const z = defaultLogit({ health, discipline, growthZ, hasShock, shockSeverity, young });
  const defaults = rng.bernoulli(sigmoid(z));

  // Drawn last, so every draw above (and so coverage and default) is what it was before the tail:
  // a Pareto tail (alpha 1.1, 3% of firms, at most 200x, never above 2e10 a month so every amount
  // stays within the schema) for trading houses and group holdings that declare and borrow far
  // beyond what their size class and electricity use suggest. Noise: default does not see it.
  const tail = rng.bernoulli(0.03) ? Math.min(200, Math.pow(1 - rng.next(), -1 / 1.1)) : 1;
  const revenueScale = Math.min(2e10, bodyRevenue * tail);

  return {
    index, code, industry, size, region, founded, health, discipline, growth, volatility,
    revenueScale, kwhScale, vatRate, shockMonth, shockSeverity, activity, inTax, inPower, inBank, defaults,
  };
}

/** Seasonal multiplier for a calendar month index; `phase` shifts the peak per industry. */
export function seasonal(amplitude: number, month: number, phase: number): number {
  return 1 + amplitude * Math.sin((2 * Math.PI * ((month % 12) + phase)) / 12);
}
