import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBfvEngine } from '../../crypto/bfv-engine.js';
import type { HeEngine } from '../../crypto/bfv-engine.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import type { TrainingParams } from '../../training/schedule.js';
import { centralizedAuc, fateBreast, simulatedFederation } from './helpers.js';
import type { Federation } from './helpers.js';

let engine: HeEngine;
beforeAll(() => {
  engine = createBfvEngine();
});
afterAll(() => engine.close());

/**
 * Full-batch gradient descent on both sides: the same schedule step for step (lib/plain-logreg
 * shuffles samples inside an epoch, which only a full batch makes irrelevant). No early stop.
 */
async function compare(name: string, f: Federation, epochs: number): Promise<void> {
  const params: TrainingParams = { ...DEFAULT_PARAMS, epochs, batchSize: f.bank.train.length, learningRate: 0.5, patience: epochs + 1, l2: 1e-3 };
  const started = performance.now();
  const fed = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params });
  const seconds = (performance.now() - started) / 1000;
  const central = centralizedAuc(f, { ...params, batchSize: 0 });
  const finalAuc = fed.aucHistory.at(-1)!;
  console.log(
    `${name}: ${f.bank.train.length} train / ${f.bank.validation.length} validation rows; federated AUC ${finalAuc.toFixed(5)}, centralized ${central.toFixed(5)}, ` +
      `difference ${Math.abs(finalAuc - central).toExponential(2)}; ${fed.steps} steps in ${seconds.toFixed(1)} s (${engine.mode})`,
  );
  expect(fed.status).toBe('completed');
  expect(fed.epochs).toBe(epochs);
  expect(Math.abs(finalAuc - central)).toBeLessThanOrEqual(0.002);
}

describe('federated LR quality against centralized LR on pooled features', () => {
  it('FATE breast (bank = guest, tax/power = host x0..x9 / x10..x19)', async () => {
    await compare('FATE breast', fateBreast(), 25);
  });

  it('simulated federation (sim/ + node/features/, three-site intersection of 5,000 enterprises)', async () => {
    await compare('simulated', await simulatedFederation(5000, 11), 25);
  });
});
