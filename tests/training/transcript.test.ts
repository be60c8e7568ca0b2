/**
 * The threat-model rows for training (shared/DESIGN.md), message by message: the coordinator
 * never receives an unmasked gradient, linear term or residual, and no site receives another
 * site's features, the labels or a residual in the clear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BFV_PLAIN_MODULUS, BfvCoeffContext } from '../../crypto/bfv-coeff.js';
import { createBfvEngine } from '../../crypto/bfv-engine.js';
import type { FeatureRef, HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import { fromResidue, subResidue, toResidue } from '../../crypto/bfv-fixed.js';
import { checkWire } from '../../crypto/bfv-wire.js';
import { LINEAR_SCALE_BITS } from '../../training/fixed-point.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import type { InMemoryResult } from '../../models/lr/in-memory.js';
import { COORDINATOR } from '../../models/lr/messages.js';
import type { TrainingMessage } from '../../models/lr/messages.js';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { fateBreast } from './helpers.js';

const T = BFV_PLAIN_MODULUS;

/** Delegates to a real engine and remembers the masks the sites chose (test-only knowledge). */
class MaskRecordingEngine implements HeEngine {
  readonly gradientMasks = new Map<string, Float64Array>();
  readonly scoreMasks: Float64Array[][] = [];
  constructor(private readonly inner: HeEngine) {}
  get kind() { return this.inner.kind; }
  get mode() { return this.inner.mode; }
  get threads() { return this.inner.threads; }
  get reason() { return this.inner.reason; }
  get chunkSize() { return this.inner.chunkSize; }
  encrypt(keys: KeyRef, residues: Float64Array) { return this.inner.encrypt(keys, residues); }
  sum(keys: KeyRef, parts: readonly (readonly Uint8Array[])[], addend: Float64Array) { return this.inner.sum(keys, parts, addend); }
  prepareFeatures(keys: KeyRef, matrix: FeatureRef, ranges: readonly (readonly [number, number])[]) { return this.inner.prepareFeatures(keys, matrix, ranges); }
  maskedGradient(keys: KeyRef, matrix: FeatureRef, start: number, end: number, residual: readonly Uint8Array[], masks: Float64Array) {
    this.gradientMasks.set(`${matrix.id}:${start}:${this.gradientMasks.size}`, masks.slice());
    return this.inner.maskedGradient(keys, matrix, start, end, residual, masks);
  }
  maskForDecryption(keys: KeyRef, ciphertexts: readonly Uint8Array[], masks: readonly Float64Array[]) {
    this.scoreMasks.push(masks.map((m) => m.slice()));
    return this.inner.maskForDecryption(keys, ciphertexts, masks);
  }
  decrypt(keys: KeyRef, items: readonly Uint8Array[], count: number) { return this.inner.decrypt(keys, items, count); }
  forget(id: string) { return this.inner.forget(id); }
  close() { return this.inner.close(); }
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((v, i) => {
    num += (v - ma) * (b[i]! - mb);
    da += (v - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}

// Batch 96 (was 64, under the batch rule's 88 for the bank's 11 columns): 4 batches, 5 epochs keep >500 decrypted values.
const params = { ...DEFAULT_PARAMS, epochs: 5, batchSize: 96, learningRate: 0.3, patience: 10 };
let engine: MaskRecordingEngine;
let run: InMemoryResult;
let shape: BfvCoeffContext['shape'];

beforeAll(async () => {
  engine = new MaskRecordingEngine(createBfvEngine());
  const f = fateBreast();
  run = await runTrainingInMemory({ engine, bank: f.bank, passives: f.passives, params, keepPayloads: true });
  const ctx = await BfvCoeffContext.create();
  shape = ctx.shape;
  ctx.dispose();
});
afterAll(() => engine.close());

const messages = (): TrainingMessage[] => run.transcript.map((t) => t.message!);
const sites = ['bank', 'tax', 'power'];

describe('training transcript', () => {
  it('the coordinator receives masked shares and masked score ciphertexts only', () => {
    const toCoordinator = messages().filter((m) => m.to === COORDINATOR);
    expect(new Set(toCoordinator.map((m) => m.kind))).toEqual(new Set(['masked-gradient', 'masked-scores', 'epoch-result']));
    for (const m of toCoordinator) {
      if (m.kind === 'masked-gradient') {
        for (const share of m.shares) {
          const info = checkWire(share, shape);
          // A coefficient-0 share at the lowest level: c0's other coefficients are not even sent.
          expect(info.ok && info.value.kind === 'share' && info.value.level === shape.levels.length - 1).toBe(true);
        }
      } else if (m.kind === 'masked-scores') {
        for (const ct of m.ciphertexts) {
          const info = checkWire(ct, shape);
          expect(info.ok && info.value.kind === 'ciphertext' && info.value.level === shape.levels.length - 1).toBe(true);
        }
      }
    }
  });

  it('every gradient value the coordinator decrypts is masked: never the gradient, uncorrelated with it', () => {
    const replies = messages().filter((m) => m.kind === 'decrypted-gradient');
    const masks = [...engine.gradientMasks.values()];
    expect(replies.length).toBe(masks.length);
    // Sites are served in the order their masked gradients were made within a step.
    const requests = messages().filter((m) => m.kind === 'masked-gradient');
    const decrypted: number[] = [];
    const truth: number[] = [];
    replies.forEach((reply) => {
      const i = requests.findIndex((r) => r.from === reply.to && r.epoch === reply.epoch && r.batch === reply.batch);
      const mask = masks[i]!;
      reply.values.forEach((v, f) => {
        const g = fromResidue(subResidue(v, mask[f]!));
        expect(Math.abs(g)).toBeLessThan(2 ** 45); // a real gradient, within the fixed-point bound
        expect(v).not.toBe(toResidue(g));
        decrypted.push(v);
        truth.push(g);
      });
    });
    expect(decrypted.length).toBeGreaterThan(500);
    expect(Math.abs(pearson(decrypted, truth))).toBeLessThan(0.15);
    // Spread over [0, t): a quarter of the values in each quarter, give or take.
    for (let q = 0; q < 4; q++) {
      const share = decrypted.filter((v) => Math.floor((4 * v) / T) === q).length / decrypted.length;
      expect(share).toBeGreaterThan(0.15);
    }
  });

  it('validation scores the coordinator decrypts are masked; the bank recovers the joint scores', () => {
    const replies = messages().filter((m) => m.kind === 'decrypted-scores');
    expect(replies.length).toBe(run.epochs);
    const last = replies.at(-1)!;
    const masks = engine.scoreMasks.at(-1)!.flatMap((m) => [...m]);
    const z = run.validationScores!;
    const truth = Array.from(z, (v) => Math.round(v * 2 ** LINEAR_SCALE_BITS));
    last.values.forEach((v, i) => {
      expect(fromResidue(subResidue(v, masks[i]!))).toBe(truth[i]);
      expect(v).not.toBe(toResidue(truth[i]!));
    });
    expect(Math.abs(pearson([...last.values], truth))).toBeLessThan(0.25);
  });

  it('between sites only sealed ciphertexts travel; sites get only their own masked values back', () => {
    for (const m of messages()) {
      if (sites.includes(m.from) && sites.includes(m.to) && m.kind === 'epoch-result') {
        // The bank's go/stop decision: two flags, no value.
        expect(Object.keys(m).sort()).toEqual(['epoch', 'from', 'improved', 'kind', 'sealed', 'stop', 'to']);
      } else if (sites.includes(m.from) && sites.includes(m.to)) {
        expect(m.sealed).toBe(true);
        expect(['partial-linear', 'residual', 'validation-partial']).toContain(m.kind);
        if (m.kind === 'partial-linear' || m.kind === 'residual' || m.kind === 'validation-partial') {
          for (const ct of m.ciphertexts) expect(checkWire(ct, shape)).toMatchObject({ ok: true, value: { kind: 'ciphertext' } });
        }
      }
      if (m.from === COORDINATOR && m.kind === 'decrypted-gradient') {
        // The reply goes to the site whose masks alone can open it.
        expect(messages().some((r) => r.kind === 'masked-gradient' && r.from === m.to && r.epoch === m.epoch && r.batch === m.batch)).toBe(true);
      }
      if (m.kind === 'decrypted-scores') expect(m.to).toBe('bank');
      if (m.kind === 'epoch-result' && m.to !== COORDINATOR) expect(m.validationAuc).toBeUndefined();
    }
    const receivedByPassives = new Set(messages().filter((m) => m.to === 'tax' || m.to === 'power').map((m) => m.kind));
    expect(receivedByPassives).toEqual(new Set(['public-key', 'residual', 'decrypted-gradient', 'epoch-result']));
    const receivedByBank = new Set(messages().filter((m) => m.to === 'bank').map((m) => m.kind));
    expect(receivedByBank).toEqual(new Set(['public-key', 'partial-linear', 'validation-partial', 'decrypted-gradient', 'decrypted-scores', 'epoch-result']));
  });

  it('mini-batch BFV training computes exactly what plaintext mode computes', async () => {
    const f = fateBreast();
    const plain = await runTrainingInMemory({ engine: new PlainEngine(), bank: f.bank, passives: f.passives, params });
    expect(plain.aucHistory).toEqual(run.aucHistory);
    for (const name of sites) expect([...plain.models[name]!]).toEqual([...run.models[name]!]);
  });
});
