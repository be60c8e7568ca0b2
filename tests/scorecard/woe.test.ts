/**
 * WOE, IV and IV selection (models/scorecard/woe.ts), and a stored part's scoring contribution
 * (models/scorecard/part.ts): a missing cell is scored through its bin, a value no training row
 * showed adds nothing, a categorical characteristic's term sits on the enterprise's level, and
 * the points of an enterprise's bins add up to the score of its logit terms.
 */
import { describe, expect, it } from 'vitest';
import { assignBins, binSite } from '../../models/scorecard/binning.js';
import { scorecardContribution, scorecardPart, type ScorecardPart } from '../../models/scorecard/part.js';
import { eventsPerBin, selectByIv, woeRows, woeTable } from '../../models/scorecard/woe.js';
import { DEFAULT_SCORE_SCALE, rawPoints } from '../../scoring/score-scale.js';
import { openScorecardSite } from '../../models/scorecard/kind-site.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import type { FedcreditError } from '../../lib/errors.js';
import type { ScoringPart, SiteInput } from '../../training/model-kind.js';

describe('WOE and IV', () => {
  it('follow the textbook formulas (0.5 added to each cell), riskier bins positive', () => {
    const t = woeTable([100, 100], [30, 10]);
    const E = 40 + 1;
    const G = 160 + 1;
    const w0 = Math.log((30.5 / E) / (70.5 / G));
    const w1 = Math.log((10.5 / E) / (90.5 / G));
    expect(t.woe[0]).toBeCloseTo(w0, 3);
    expect(t.woe[1]).toBeCloseTo(w1, 3);
    // LR sees the WOE standardized over the rows, on the training fixed point.
    for (const c of t.coded) expect(c * 1024).toBe(Math.round(c * 1024));
    expect(t.coded[0]).toBeCloseTo(1, 3);
    expect(t.coded[1]).toBeCloseTo(-1, 3);
    expect(t.neutral).toBeCloseTo(-(w0 + w1) / (w0 - w1), 3);
    expect(t.iv).toBeCloseTo((30.5 / E - 70.5 / G) * w0 + (10.5 / E - 90.5 / G) * w1, 12);
    expect(t.woe[0]).toBeGreaterThan(0);
    // A characteristic unrelated to the label has IV near 0.
    expect(woeTable([100, 100], [20, 20]).iv).toBeLessThan(1e-12);
  });

  it('refuses event counts that cannot be (a corrupt release)', () => {
    expect(() => woeTable([50, 50], [51, 0])).toThrow(/51 events out of 50/);
    expect(() => woeTable([50, 50], [-1, 0])).toThrow();
  });

  it('selects by IV with the threshold and the cap, and keeps a site\'s best when none passes', () => {
    const tables = [0.01, 0.3, 0.05, 0.2].map((iv) => ({ woe: [], iv, events: [] }));
    expect(selectByIv(tables, 0.02, 10).chosen).toEqual([1, 2, 3]);
    const capped = selectByIv(tables, 0.02, 2);
    expect(capped.chosen).toEqual([1, 3]);
    expect(capped.dropped.map((d) => d.index).sort()).toEqual([0, 2]);
    expect(capped.dropped.find((d) => d.index === 2)!.reason).toMatch(/beyond the 2 strongest/);
    const none = selectByIv(tables, 0.5, 10);
    expect(none.chosen).toEqual([1]);
    expect(none.forced).toBe(1);
  });
});

describe('a stored scorecard part', () => {
  // 400 enterprises: x numeric (missing for 60), r categorical (A, B; C for none).
  const rows = Array.from({ length: 400 }, (_, i) => Float64Array.of(i < 60 ? NaN : i % 97, i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, 0));
  const labels = rows.map((_, i) => (i < 60 ? (i % 3 === 0 ? 1 : 0) : i % 97 > 70 ? 1 : i % 11 === 0 ? 1 : 0));
  const features = ['x', 'r=A', 'r=B', 'r=C'];
  const { binned } = binSite(features, rows, { bins: 5, minSize: 50 });
  const bins = binned.map((c) => assignBins(c, rows));
  const tables = binned.map((c, j) => woeTable(c.counts, eventsPerBin(bins[j]!, labels, c.counts.length)));
  const selection = { chosen: binned.map((_, j) => j), dropped: [] };
  const weights = [0.8, 0.5];
  const input = { raw: { train: rows, validation: [] } } as unknown as SiteInput;
  const part = {
    modelVersion: 'm1', site: 'bank', features, featureIndexes: [1, 2, 3, 0],
    ...scorecardPart({ input, binned, unbinnable: [], tables, selection, trainBins: bins, weights, intercept: -2 }),
  } as ScoringPart & ScorecardPart;
  // The stored vector is in catalogue order: [r=C, x, r=A, r=B].
  const stored = (x: number, level: 'A' | 'B' | 'C' | 'none') => Float64Array.of(level === 'C' ? 1 : 0, x, level === 'A' ? 1 : 0, level === 'B' ? 1 : 0);

  it('has both characteristics, with a missing bin for x', () => {
    expect(binned.map((c) => c.name)).toEqual(['x', 'r']);
    expect(binned[0]!.labels.at(-1)).toBe('missing');
  });

  it('scores a missing cell through its missing bin, and an unseen level as WOE 0', () => {
    const x = part.characteristics[0]!;
    const r = part.characteristics[1]!;
    const missing = scorecardContribution(part, stored(NaN, 'A'));
    expect(missing.value).toBeCloseTo(-2 + x.terms[x.missingBin]! + r.terms[r.type === 'categorical' ? r.levelBins[0]! : 0]!, 12);
    // r=C had no training row: neutral, the term of WOE 0.
    const unseen = scorecardContribution(part, stored(5, 'C'));
    expect(unseen.value).toBeCloseTo(-2 + x.terms[0]! + r.neutralTerm, 12);
    expect(r.neutralTerm).toBeCloseTo(0.5 * tables[1]!.neutral, 12);
  });

  it('puts a categorical term on the enterprise\'s level column, a numeric one on its column', () => {
    const r = part.characteristics[1]!;
    const b = r.type === 'categorical' ? r.levelBins[1]! : -1;
    const c = scorecardContribution(part, stored(50, 'B'));
    // Part feature order: x, r=A, r=B, r=C.
    expect(c.contributions[2]).toBeCloseTo(r.terms[b]!, 12);
    expect(c.contributions[1]).toBe(0);
    expect(c.contributions[0]).toBeCloseTo(c.value + 2 - r.terms[b]!, 12);
  });

  it('adds up: the constant plus the points of the bins is the score of the logit', () => {
    for (const [x, level] of [[3, 'A'], [80, 'B'], [NaN, 'none'], [40, 'C']] as const) {
      const { value } = scorecardContribution(part, stored(x, level));
      const row = Float64Array.of(x, level === 'A' ? 1 : 0, level === 'B' ? 1 : 0, level === 'C' ? 1 : 0);
      let points = part.constantPoints!;
      for (const c of part.characteristics) {
        const bin = assignBins(c, [row])[0]!;
        points += bin >= 0 ? c.points[bin]! : c.neutralPoints;
      }
      expect(points).toBeCloseTo(rawPoints(value, DEFAULT_SCORE_SCALE), 9);
    }
  });

  it('its baseline is the mean term over the training rows', () => {
    const coded = woeRows(rows, binned, tables, bins);
    const mean = coded.reduce((s, r) => s - 2 + weights[0]! * r[0]! + weights[1]! * r[1]!, 0) / rows.length;
    expect(part.baseline).toBeCloseTo(mean, 12);
  });
});

describe('a scorecard site', () => {
  const site = (rows: number, start: Record<string, unknown>) => openScorecardSite({
    jobId: 'trn-x', site: 'tax', role: 'passive', bank: 'bank', passives: ['tax'], features: ['a'],
    raw: { train: Array.from({ length: rows }, (_, i) => Float64Array.of(i)), validation: [] },
    start: { publicKey: Buffer.alloc(1), ...start },
  } as unknown as SiteInput, undefined).then(() => undefined, (e: FedcreditError) => e);

  it('refuses a job in which it could release no bin of the minimum size, saying what to do', async () => {
    const err = await site(60, { ...DEFAULT_SCORECARD_PARAMS });
    expect(err?.code).toBe('SCORECARD_NO_BINS');
    expect(err?.message).toMatch(/site tax: none of its 1 features gives two bins of at least 50 of the 60 training enterprises; align more enterprises/);
  });

  it('refuses a minimum bin count under the floor, whatever the coordinator asks', async () => {
    const err = await site(600, { ...DEFAULT_SCORECARD_PARAMS, minBinCount: 5 });
    expect(err?.code).toBe('BAD_REQUEST');
    expect(err?.message).toMatch(/minBinCount must be a whole number of at least 20, got 5/);
  });
});
