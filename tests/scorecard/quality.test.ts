/**
 * The federated scorecard against a centralized scorecard (issue 15's quality bar): the same
 * bins, the same IV selection and the same WOE coding (models/scorecard/coding.ts, each site on
 * its own rows; the per-bin event counts are those the WOE protocol releases, which
 * tests/scorecard/transcript.test.ts shows are exact), then LR's encrypted protocol (BFV, in
 * memory) on one side and plaintext LR on the pooled coded columns on the other. The validation
 * AUCs agree within 0.002, on FATE's breast data and on the simulated sites, with quantile bins
 * and with the bins merged by their counts (monotone, ChiMerge) and the VIF screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBfvEngine, type HeEngine } from '../../crypto/bfv-engine.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import { DEFAULT_SCORECARD_PARAMS, type ScorecardParams } from '../../models/scorecard/params.js';
import { DEFAULT_PARAMS, type TrainingParams } from '../../training/schedule.js';
import { centralizedAuc, fateBreast, simulatedFederation, type Federation } from '../training/helpers.js';
import { scorecardFederation } from './helpers.js';

let engine: HeEngine;
beforeAll(() => {
  engine = createBfvEngine();
});
afterAll(() => engine.close());

async function compare(name: string, f: Federation, epochs: number, scorecard: ScorecardParams = DEFAULT_SCORECARD_PARAMS): Promise<void> {
  // Full batch on both sides: the same schedule step for step (as tests/training/quality.test.ts).
  const params: TrainingParams = { ...DEFAULT_PARAMS, epochs, batchSize: f.bank.train.length, learningRate: 0.5, patience: epochs + 1, l2: 1e-3 };
  const { coded, chosen } = scorecardFederation(f, scorecard);
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

  it('simulated federation, monotone merging on the released counts and the VIF screen (maxVif 5)', async () => {
    await compare('simulated, monotone + VIF', await simulatedFederation(3000, 11), 25, { ...DEFAULT_SCORECARD_PARAMS, binningMethod: 'monotone', maxVif: 5 });
  });

  it('FATE breast, ChiMerge', async () => {
    await compare('FATE breast, chimerge', fateBreast(), 25, { ...DEFAULT_SCORECARD_PARAMS, binningMethod: 'chimerge' });
  });
});
