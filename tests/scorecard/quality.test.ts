/**
 * The federated scorecard against a centralized scorecard (issue 15's quality bar): the same
 * bins, the same IV selection and the same WOE coding (models/scorecard/coding.ts, each site on
 * its own rows; the per-bin event counts are those the WOE protocol releases, which
 * tests/scorecard/transcript.test.ts shows are exact), then LR's encrypted protocol (BFV, in
 * memory) on one side and plaintext LR on the pooled coded columns on the other. The validation
 * AUCs agree within 0.002, on FATE's breast data and on the simulated sites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBfvEngine, type HeEngine } from '../../crypto/bfv-engine.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import { binForSite, codeForSite } from '../../models/scorecard/coding.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import { eventsPerBin } from '../../models/scorecard/woe.js';
import { DEFAULT_PARAMS, type TrainingParams } from '../../training/schedule.js';
import { centralizedAuc, fateBreast, simulatedFederation, type Federation } from '../training/helpers.js';

let engine: HeEngine;
beforeAll(() => {
  engine = createBfvEngine();
});
afterAll(() => engine.close());

/** Each site's scorecard columns, as the kind computes them; the names of what each site chose. */
function scorecardFederation(f: Federation): { coded: Federation; chosen: string[] } {
  const chosen: string[] = [];
  const parties = [{ ...f.bank, role: 'bank' as const }, ...f.passives.map((p) => ({ ...p, role: 'passive' as const }))];
  const coded = parties.map((p) => {
    const features = Array.from(p.train[0]!, (_, j) => `${p.name}_x${j}`);
    const bins = binForSite(p.role, features, p.train, DEFAULT_SCORECARD_PARAMS);
    const events = bins.binned.map((c, j) => eventsPerBin(bins.trainBins[j]!, Array.from(f.bank.trainLabels), c.counts.length));
    const coding = codeForSite(bins, events, DEFAULT_SCORECARD_PARAMS, p.train, p.validation);
    chosen.push(...coding.chosen.map((c) => c.name));
    return { name: p.name, train: coding.train, validation: coding.validation };
  });
  const [bank, ...passives] = coded;
  return { coded: { bank: { ...bank!, trainLabels: f.bank.trainLabels, validationLabels: f.bank.validationLabels }, passives }, chosen };
}

async function compare(name: string, f: Federation, epochs: number): Promise<void> {
  // Full batch on both sides: the same schedule step for step (as tests/training/quality.test.ts).
  const params: TrainingParams = { ...DEFAULT_PARAMS, epochs, batchSize: f.bank.train.length, learningRate: 0.5, patience: epochs + 1, l2: 1e-3 };
  const { coded, chosen } = scorecardFederation(f);
  const fed = await runTrainingInMemory({ engine, bank: coded.bank, passives: coded.passives, params });
  const central = centralizedAuc(coded, { ...params, batchSize: 0 });
  const rawLr = centralizedAuc(f, { ...params, batchSize: 0 });
  const finalAuc = fed.aucHistory.at(-1)!;
  console.log(
    `${name}: ${f.bank.train.length} train / ${f.bank.validation.length} validation rows, ${chosen.length} characteristics chosen; ` +
      `federated scorecard AUC ${finalAuc.toFixed(5)}, centralized scorecard ${central.toFixed(5)} (difference ${Math.abs(finalAuc - central).toExponential(2)}); centralized LR on raw values ${rawLr.toFixed(5)}`,
  );
  expect(fed.status).toBe('completed');
  expect(chosen.length).toBeGreaterThan(2);
  expect(Math.abs(finalAuc - central)).toBeLessThanOrEqual(0.002);
}

describe('federated scorecard quality against a centralized scorecard (same bins, same selection)', () => {
  it('FATE breast (bank = guest, tax/power = host x0..x9 / x10..x19)', async () => {
    await compare('FATE breast', fateBreast(), 25);
  });

  it('simulated federation (sim/, three-site intersection of 3,000 enterprises)', async () => {
    await compare('simulated', await simulatedFederation(3000, 11), 25);
  });
});
