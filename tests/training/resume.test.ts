/**
 * Checkpoint and resume in memory: every party's state goes through JSON mid-training (as a
 * store would persist it), fresh parties are rebuilt from it, and the job finishes with the
 * model an uninterrupted run gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBfvEngine } from '../../crypto/bfv-engine.js';
import type { HeEngine } from '../../crypto/bfv-engine.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import type { InMemoryCheckpoint } from '../../models/lr/in-memory.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { TrainingStateError } from '../../models/lr/site.js';
import { PassiveSite } from '../../models/lr/passive.js';
import { fateBreast } from './helpers.js';

let engine: HeEngine;
beforeAll(() => {
  engine = createBfvEngine();
});
afterAll(() => engine.close());

// Batch 100 (was 128): 421 samples are 4 batches (the remainder now joins the last one; 128 would give 3).
const params = { ...DEFAULT_PARAMS, epochs: 3, batchSize: 100, learningRate: 0.3, patience: 10 };

describe('checkpoint and resume', () => {
  it('a job halted mid-epoch and resumed from JSON ends with the uninterrupted model', async () => {
    const f = fateBreast();
    const whole = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params });
    const halted = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params, haltAfterSteps: 6 });
    expect(halted.status).toBe('halted');
    const saved = JSON.parse(halted.checkpoint!) as InMemoryCheckpoint;
    expect(saved.bank.epoch).toBe(1); // 4 batches per epoch: halted inside epoch 1
    expect(saved.bank.step).toBe(2);
    const resumed = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params, resume: halted.checkpoint! });
    expect(resumed.status).toBe('completed');
    expect(halted.steps + resumed.steps).toBe(whole.steps);
    expect(Math.abs(resumed.validationAuc - whole.validationAuc)).toBeLessThanOrEqual(0.002);
    // Masks differ between the runs but cancel exactly: the models are identical.
    for (const name of ['bank', 'tax', 'power']) expect([...resumed.models[name]!]).toEqual([...whole.models[name]!]);
  });

  it('a restored site refuses a step it has already applied', async () => {
    const f = fateBreast();
    const halted = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params, haltAfterSteps: 1 });
    const saved = JSON.parse(halted.checkpoint!) as InMemoryCheckpoint;
    const tax = PassiveSite.restore(saved.passives[0]!, f.passives[0]!, 'bank', params, engine, undefined, 'job');
    const applied = { kind: 'decrypted-gradient', from: 'coordinator', to: 'tax', sealed: false, epoch: 0, batch: 0, values: new Float64Array(10) } as const;
    expect(() => tax.applyGradient(applied)).toThrow(TrainingStateError);
    await tax.close();
  });
});
