/**
 * The three engines compute the same model: the worker pool, the in-thread path (one core) and
 * plaintext mode, here on batches that span two ciphertext chunks (12,000 samples).
 */
import { describe, expect, it } from 'vitest';
import { createBfvEngine } from '../../crypto/bfv-engine.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { federate, rng } from './helpers.js';

function randomFederation(samples: number) {
  const next = rng(99);
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const rows = (w: number) => Array.from({ length: samples }, () => Float64Array.from({ length: w }, normal));
  const bank = rows(3);
  const tax = rows(4);
  const power = rows(2);
  const labels = bank.map((b, i) => (next() < 1 / (1 + Math.exp(-(b[0]! - tax[i]![1]! + 0.5 * power[i]![0]!))) ? 1 : 0));
  return federate([{ name: 'bank', rows: bank }, { name: 'tax', rows: tax }, { name: 'power', rows: power }], labels, 0.1, 5);
}

describe('engines agree', () => {
  it('pool, in-thread and plaintext mode give identical models on two-chunk batches', async () => {
    const f = randomFederation(13_500);
    expect(f.bank.train.length).toBeGreaterThan(8192);
    const params = { ...DEFAULT_PARAMS, epochs: 2, batchSize: 12_000, learningRate: 0.5, patience: 5 };
    const runs = [];
    for (const engine of [createBfvEngine(), createBfvEngine({ threads: 1 }), new PlainEngine()]) {
      try {
        runs.push(await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params }));
      } finally {
        await engine.close();
      }
    }
    const [pool, inThread, plain] = runs;
    for (const name of ['bank', 'tax', 'power']) {
      expect([...pool!.models[name]!]).toEqual([...plain!.models[name]!]);
      expect([...inThread!.models[name]!]).toEqual([...plain!.models[name]!]);
    }
    expect(pool!.aucHistory).toEqual(plain!.aucHistory);
    expect(pool!.validationAuc).toBeGreaterThan(0.7);
  });
});

describe('engine errors', () => {
  it('a malformed residual sent to a pool worker fails with a message that says what was wrong', async () => {
    const { BfvCoeffContext } = await import('../../crypto/bfv-coeff.js');
    const { shareKeys, shareFeatures } = await import('../../crypto/bfv-engine.js');
    const ctx = await BfvCoeffContext.create();
    const keys = shareKeys(ctx.generateKeys());
    const residual = ctx.encrypt(new Float64Array(8192), 1);
    ctx.dispose();
    const engine = createBfvEngine({ threads: 2 });
    try {
      const matrix = shareFeatures('errors', new Float64Array(100), 100, 1);
      await expect(engine.maskedGradient(keys, matrix, 0, 100, [residual.subarray(0, 1000)], new Float64Array(1))).rejects.toThrow(/truncated/);
      const flipped = residual.slice();
      flipped[0] ^= 1;
      await expect(engine.maskedGradient(keys, matrix, 0, 100, [flipped], new Float64Array(1))).rejects.toThrow(/magic FCB1 missing/);
      // The worker survives bad input: a good request still works.
      const shares = await engine.maskedGradient(keys, matrix, 0, 100, [residual], new Float64Array(1));
      expect(shares).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });
});
