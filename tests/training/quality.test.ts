import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBfvEngine } from '../../crypto/bfv-engine.js';
import type { HeEngine } from '../../crypto/bfv-engine.js';
import { runTrainingInMemory } from '../../training/in-memory.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import type { TrainingParams } from '../../training/schedule.js';
import { centralizedAuc, fateBreast } from './helpers.js';

let engine: HeEngine;
beforeAll(() => {
  engine = createBfvEngine();
});
afterAll(() => engine.close());

describe('federated LR quality', () => {
  it('FATE breast: federated validation AUC within 0.002 of centralized LR', async () => {
    const f = fateBreast();
    // Fixed epochs (no early stop) so both sides run the same schedule.
    const params: TrainingParams = { ...DEFAULT_PARAMS, epochs: 12, batchSize: 128, learningRate: 0.3, patience: 100, l2: 1e-3 };
    const started = performance.now();
    const fed = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params });
    const seconds = (performance.now() - started) / 1000;
    const central = centralizedAuc(f, params);
    const finalAuc = fed.aucHistory.at(-1)!;
    console.log(`FATE breast: federated ${finalAuc.toFixed(5)} (best ${fed.validationAuc.toFixed(5)}), centralized ${central.toFixed(5)}, ${fed.steps} steps in ${seconds.toFixed(1)} s (${engine.mode}, ${engine.reason})`);
    expect(fed.status).toBe('completed');
    expect(Math.abs(finalAuc - central)).toBeLessThanOrEqual(0.002);
  });
});
