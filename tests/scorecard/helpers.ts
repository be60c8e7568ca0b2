/** The scorecard's columns of a test federation, as the kind computes them at each site (models/scorecard/coding.ts). */
import { binForSite, codeForSite } from '../../models/scorecard/coding.js';
import { DEFAULT_SCORECARD_PARAMS, type ScorecardParams } from '../../models/scorecard/params.js';
import { eventsPerBin } from '../../models/scorecard/woe.js';
import type { Federation } from '../training/helpers.js';

/**
 * Each site bins its own rows (the differencing screen at the passive sites), takes its bins'
 * event counts (exactly what the WOE protocol releases: tests/scorecard/transcript.test.ts),
 * merges, selects and codes. Answers the coded federation and the names each site chose.
 */
export function scorecardFederation(f: Federation, params: ScorecardParams = DEFAULT_SCORECARD_PARAMS): { coded: Federation; chosen: string[] } {
  const chosen: string[] = [];
  const parties = [{ ...f.bank, role: 'bank' as const }, ...f.passives.map((p) => ({ ...p, role: 'passive' as const }))];
  const coded = parties.map((p) => {
    const features = Array.from(p.train[0]!, (_, j) => `${p.name}_x${j}`);
    const bins = binForSite(p.role, features, p.train, params);
    const events = bins.binned.map((c, j) => eventsPerBin(bins.trainBins[j]!, Array.from(f.bank.trainLabels), c.counts.length));
    const coding = codeForSite(bins, events, params, p.train, p.validation);
    chosen.push(...coding.chosen.map((c) => c.name));
    return { name: p.name, train: coding.train, validation: coding.validation };
  });
  const [bank, ...passives] = coded;
  return { coded: { bank: { ...bank!, trainLabels: f.bank.trainLabels, validationLabels: f.bank.validationLabels }, passives }, chosen };
}
