/**
 * CKKS wrapper: accuracy of each operation, key and ciphertext transfer between parties,
 * refusal of malformed bytes without crashing SEAL, and the release helpers. The heap test is
 * in ckks-heap.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CkksContext, CkksFormatError, floodNoise, prepareForRelease, publicKeyMaterial, roundForRelease, SealAbortedError } from '../../bench/ckks/ckks.js';
import { sealRuntime } from '../../crypto/seal.js';
import type { CkksKeyMaterial } from '../../bench/ckks/ckks.js';

function random(n: number, lo = -100, hi = 100): Float64Array {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * Math.random());
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);

let keyHolder: CkksContext;
let party: CkksContext;
let keys: CkksKeyMaterial;

beforeAll(async () => {
  keyHolder = await CkksContext.create('ckks-8192');
  keys = keyHolder.generateKeys();
  party = await CkksContext.create('ckks-8192');
  party.loadKeys(publicKeyMaterial(keys));
});

afterAll(() => {
  keyHolder?.dispose();
  party?.dispose();
});

describe('ckks-8192 round trip', () => {
  it('a full batch of values in [-100, 100] comes back within 1e-6', () => {
    const v = random(4096);
    expect(maxAbsDiff(keyHolder.decrypt(party.encrypt(v)), v)).toBeLessThan(1e-6);
  });

  it('a short batch comes back within 1e-6, zero-padded', () => {
    const v = random(10);
    const ct = party.encrypt(v);
    expect(maxAbsDiff(keyHolder.decrypt(ct, 10), v)).toBeLessThan(1e-6);
    expect(Math.max(...keyHolder.decrypt(ct).subarray(10).map(Math.abs))).toBeLessThan(1e-6);
  });

  it('a long vector splits into ceil(n / 4096) ciphertexts and back', () => {
    const v = random(10_000);
    const cts = party.encryptVector(v);
    expect(cts).toHaveLength(3);
    expect(maxAbsDiff(keyHolder.decryptVector(cts, v.length), v)).toBeLessThan(1e-6);
    expect(() => keyHolder.decryptVector(cts, 4096)).toThrow(/take 1 ciphertexts .* got 3/);
  });

  it('a party with the public key only cannot decrypt, and refuses bad inputs with the right error types', () => {
    expect(party.hasSecretKey).toBe(false);
    expect(() => party.decrypt(party.encrypt(random(3)))).toThrow(/has no secret key/);
    expect(() => party.encrypt([1, 2] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => party.encrypt(Float64Array.of(1, Number.NaN))).toThrow(/values to encrypt\[1\] is NaN/);
    expect(() => party.encrypt(Float64Array.of(1e9))).toThrow(RangeError);
    expect(() => party.encrypt(new Float64Array(0))).toThrow(RangeError);
    expect(() => party.encrypt(new Float64Array(4097))).toThrow(/4097 values; a ciphertext has 4096 slots/);
    expect(() => party.loadKeys(null as unknown as CkksKeyMaterial)).toThrow(TypeError);
    expect(() => party.addPlain(party.encrypt(random(3)), random(4097))).toThrow(/4097 values; a ciphertext has 4096 slots/);
  });
});

describe('ckks-8192 homomorphic operations (by a public-key-only party)', () => {
  const a = random(4096);
  const b = random(4096);
  const w = random(4096, -1, 1);
  let ca: Uint8Array;
  let cb: Uint8Array;
  beforeAll(() => {
    ca = party.encrypt(a);
    cb = party.encrypt(b);
  });

  it('add, sub and addPlain', () => {
    expect(maxAbsDiff(keyHolder.decrypt(party.add(ca, cb)), a.map((x, i) => x + b[i]!))).toBeLessThan(1e-6);
    expect(maxAbsDiff(keyHolder.decrypt(party.sub(ca, cb)), a.map((x, i) => x - b[i]!))).toBeLessThan(1e-6);
    expect(maxAbsDiff(keyHolder.decrypt(party.addPlain(ca, w)), a.map((x, i) => x + w[i]!))).toBeLessThan(1e-6);
    // x - x cancels to a ciphertext SEAL calls transparent; we return a fresh encryption of 0.
    expect(Math.max(...keyHolder.decrypt(party.sub(ca, ca)).map(Math.abs))).toBeLessThan(1e-6);
  });

  it('multiplyPlain and multiplyScalar rescale and keep the nominal scale', () => {
    const product = party.multiplyPlain(ca, w);
    expect(maxAbsDiff(keyHolder.decrypt(product), a.map((x, i) => x * w[i]!))).toBeLessThan(1e-6);
    const info = party.checkCiphertext(product);
    expect(info.ok && info.value.level).toBe(1);
    expect(info.ok && info.value.scale).toBe(2 ** 40);
    expect(maxAbsDiff(keyHolder.decrypt(party.multiplyScalar(ca, 0.25)), a.map((x) => 0.25 * x))).toBeLessThan(1e-6);
    // A fresh ciphertext and a rescaled one can be added: the fresh one is switched down.
    expect(maxAbsDiff(keyHolder.decrypt(party.add(cb, product)), b.map((x, i) => x + a[i]! * w[i]!))).toBeLessThan(1e-6);
    expect(maxAbsDiff(keyHolder.decrypt(party.addPlain(product, w)), a.map((x, i) => x * w[i]! + w[i]!))).toBeLessThan(1e-6);
  });

  it('multiplying by zeros gives an encryption of zero, not a SEAL error', () => {
    const zero = party.multiplyPlain(ca, new Float64Array(4096));
    expect(Math.max(...keyHolder.decrypt(zero).map(Math.abs))).toBeLessThan(1e-6);
    expect(maxAbsDiff(keyHolder.decrypt(party.add(zero, party.multiplyScalar(cb, 1))), b)).toBeLessThan(1e-6);
  });

  it('uses up its depth of 2, then says so', () => {
    const twice = party.multiplyScalar(party.multiplyPlain(ca, w), 2);
    expect(maxAbsDiff(keyHolder.decrypt(twice), a.map((x, i) => 2 * x * w[i]!))).toBeLessThan(1e-6);
    expect(() => party.multiplyScalar(twice, 2)).toThrow(/used all 2 levels of ckks-8192/);
  });

  it('sumSlots and innerProductPlain put the sum in every slot', () => {
    const total = keyHolder.decrypt(party.sumSlots(ca));
    expect(Math.abs(total[0]! - sum(a))).toBeLessThan(1e-5);
    expect(Math.abs(total[4095]! - sum(a))).toBeLessThan(1e-5);
    const dot = a.reduce((s, x, i) => s + x * w[i]!, 0);
    expect(Math.abs(keyHolder.decrypt(party.innerProductPlain(ca, w), 1)[0]! - dot)).toBeLessThan(1e-5);
    // A short multiplier is zero-padded: the inner product over the first 100 slots.
    const head = a.subarray(0, 100).reduce((s, x, i) => s + x * w[i]!, 0);
    expect(Math.abs(keyHolder.decrypt(party.innerProductPlain(ca, w.subarray(0, 100)), 1)[0]! - head)).toBeLessThan(1e-5);
  });

  it('multiply (ciphertext x ciphertext) relinearizes and rescales', () => {
    const small = random(4096, -1, 1);
    const product = party.multiply(ca, party.encrypt(small));
    expect(maxAbsDiff(keyHolder.decrypt(product), a.map((x, i) => x * small[i]!))).toBeLessThan(1e-5);
    // Its scale is s^2/q, not s: combining it with a multiplyPlain result is refused clearly.
    expect(() => party.add(product, party.multiplyPlain(ca, w))).toThrow(/scale mismatch/);
  });

  it('compactForDecryption shrinks a fresh ciphertext to a third and still decrypts', () => {
    const compact = party.compactForDecryption(ca);
    expect(ca.length).toBe(393_329);
    expect(compact.length).toBe(131_185);
    expect(maxAbsDiff(keyHolder.decrypt(compact), a)).toBeLessThan(1e-6);
    expect(() => party.multiplyScalar(compact, 2)).toThrow(/used all 2 levels/);
  });
});

describe('keys and ciphertexts between contexts', () => {
  it('a restarted key holder decrypts what a party encrypted, from serialized keys alone', async () => {
    const restarted = await CkksContext.create('ckks-8192');
    try {
      restarted.loadKeys({ secretKey: keys.secretKey, publicKey: keys.publicKey });
      const v = random(4096);
      expect(maxAbsDiff(restarted.decrypt(party.encrypt(v)), v)).toBeLessThan(1e-6);
    } finally {
      restarted.dispose();
    }
  });

  it('refuses a secret key that does not match the public key', async () => {
    const other = await CkksContext.create('ckks-8192');
    try {
      const otherKeys = other.generateKeys({ galoisKeys: false, relinKeys: false });
      const mixed = await CkksContext.create('ckks-8192');
      try {
        mixed.loadKeys({ publicKey: keys.publicKey });
        expect(() => mixed.loadKeys({ secretKey: otherKeys.secretKey })).toThrow(/not a pair/);
        expect(mixed.hasSecretKey).toBe(false);
      } finally {
        mixed.dispose();
      }
    } finally {
      other.dispose();
    }
  });

  it('refuses keys and ciphertexts of another parameter set', async () => {
    const small = await CkksContext.create('ckks-4096');
    try {
      const smallKeys = small.generateKeys({ galoisKeys: false });
      expect(() => party.loadKeys({ publicKey: smallKeys.publicKey })).toThrow(CkksFormatError);
      expect(() => keyHolder.decrypt(small.encrypt(random(5)))).toThrow(/matches no level/);
      expect(party.hasPublicKey).toBe(true); // the failed load left the old key in place
    } finally {
      small.dispose();
    }
  });

  it('zstd is opt-in: smaller, refused by default contexts, read by zstd contexts', async () => {
    const zstd = await CkksContext.create('ckks-8192', { compression: 'zstd' });
    try {
      zstd.loadKeys({ publicKey: keys.publicKey, secretKey: keys.secretKey });
      const v = random(4096);
      const packed = zstd.encrypt(v);
      expect(packed.length).toBeLessThan(0.9 * 393_329);
      expect(maxAbsDiff(zstd.decrypt(packed), v)).toBeLessThan(1e-6);
      expect(() => keyHolder.decrypt(packed)).toThrow(/zstd-compressed SEAL data is refused/);
      expect(maxAbsDiff(zstd.decrypt(party.encrypt(v)), v)).toBeLessThan(1e-6);
    } finally {
      zstd.dispose();
    }
  });
});

describe('malformed ciphertext bytes', () => {
  let small: CkksContext;
  let good: Uint8Array;
  const v = random(2048);
  beforeAll(async () => {
    small = await CkksContext.create('ckks-4096');
    small.generateKeys({ galoisKeys: false, relinKeys: false });
    good = small.encrypt(v);
  });
  afterAll(() => small?.dispose());

  /** Decrypting must either work or throw CkksFormatError: never a SEAL abort or another error. */
  function outcome(bytes: Uint8Array): 'decrypted' | 'refused' {
    try {
      small.decrypt(bytes);
      return 'decrypted';
    } catch (e) {
      if (e instanceof CkksFormatError) return 'refused';
      throw e;
    }
  }

  const metadataBytes = 16 + 32 + 1 + 5 * 8 + 16 + 8;
  const withSize = (b: Uint8Array) => {
    if (b.length < 16) return b;
    new DataView(b.buffer, b.byteOffset).setBigUint64(8, BigInt(b.length), true);
    return b;
  };

  it('gives a clear error for empty, short, foreign and non-byte input', () => {
    expect(() => small.decrypt(new Uint8Array(0))).toThrow(/too short for a 16-byte SEAL header/);
    expect(() => small.decrypt(new TextEncoder().encode('definitely not a ciphertext'))).toThrow(/magic number 0xA15E is missing/);
    expect(() => small.decrypt(good.subarray(0, 1000))).toThrow(/header says 131185 bytes but 1000 were given/);
    expect(() => small.decrypt('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(small.checkCiphertext(null as unknown as Uint8Array)).toEqual({ ok: false, reason: 'expected a Uint8Array, got null' });
  });

  it('survives every one-bit flip of the header and metadata', () => {
    let refused = 0;
    for (let bit = 0; bit < metadataBytes * 8; bit++) {
      const bad = good.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      if (outcome(bad) === 'refused') refused++;
    }
    // Only flips of the scale's low mantissa bits leave a loadable (if wrong) ciphertext.
    expect(refused).toBeGreaterThan(metadataBytes * 8 - 64);
  });

  it('survives truncation (with and without a fixed-up size), garbage metadata and flipped coefficients', () => {
    for (const n of [16, 17, 48, 88, 89, 104, 112, 113, 114, 4096, good.length - 8, good.length - 1]) {
      expect(outcome(good.slice(0, n))).toBe('refused');
      expect(outcome(withSize(good.slice(0, n)))).toBe('refused');
    }
    for (let trial = 0; trial < 200; trial++) {
      const bad = good.slice();
      const from = 16 + Math.floor(Math.random() * (metadataBytes - 16));
      for (let i = from; i < from + 1 + Math.floor(Math.random() * 24); i++) bad[i] = Math.floor(Math.random() * 256);
      outcome(bad);
      outcome(withSize(new Uint8Array(Math.floor(Math.random() * 400)).map(() => Math.floor(Math.random() * 256))));
    }
    const outcomes = { decrypted: 0, refused: 0 };
    for (let trial = 0; trial < 100; trial++) {
      const bad = good.slice();
      const at = metadataBytes + Math.floor(Math.random() * (good.length - metadataBytes));
      bad[at]! ^= 1 << Math.floor(Math.random() * 8);
      outcomes[outcome(bad)]++;
    }
    // A flipped coefficient either stays below its prime (a valid, wrong ciphertext: integrity
    // is the transport's job) or is refused by SEAL's range check.
    expect(outcomes.decrypted + outcomes.refused).toBe(100);
    expect(maxAbsDiff(small.decrypt(good, 2048), v)).toBeLessThan(1e-3);
  });
});

describe('release of decrypted values (Li-Micciancio)', () => {
  it('rounds half away from zero without negative zeros', () => {
    expect(Array.from(roundForRelease(Float64Array.of(1.23456, -1.23456, -0.00004, 2.5), 4))).toEqual([1.2346, -1.2346, 0, 2.5]);
    expect(Object.is(roundForRelease(Float64Array.of(-0.00004), 4)[0], 0)).toBe(true);
    expect(() => roundForRelease(Float64Array.of(1), 13)).toThrow(RangeError);
    expect(() => roundForRelease(Float64Array.of(Number.NaN), 2)).toThrow(/values\[0\] is NaN/);
  });

  it('floods with Gaussian noise of the requested sigma, then rounds', () => {
    const n = 100_000;
    const noisy = floodNoise(new Float64Array(n), 2);
    const mean = sum(noisy) / n;
    const sd = Math.sqrt(noisy.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 2)).toBeLessThan(0.05);
    const released = prepareForRelease(Float64Array.of(0.5, -3), { noiseSigma: 1e-5, decimals: 3 });
    expect(maxAbsDiff(released, Float64Array.of(0.5, -3))).toBeLessThanOrEqual(0.0011);
    expect(Array.from(released).every((x) => Math.abs(x * 1000 - Math.round(x * 1000)) < 1e-9)).toBe(true);
    expect(() => floodNoise(Float64Array.of(1), 0)).toThrow(RangeError);
  });
});

// Last in the file: it poisons this thread's SEAL instance on purpose.
describe('a SEAL abort inside WASM', () => {
  it('poisons the instance with a clear error; new contexts load a fresh one', async () => {
    const ctx = await CkksContext.create('ckks-4096');
    const runtime = await sealRuntime();
    const Trap = (globalThis as unknown as { WebAssembly: { RuntimeError: new (m: string) => Error } }).WebAssembly.RuntimeError;
    expect(() => runtime.run('a simulated trap', () => {
      throw new Trap('Aborted()');
    })).toThrow(SealAbortedError);
    expect(runtime.aborted).toBe(true);
    expect(() => ctx.generateKeys()).toThrow(/SEAL aborted earlier during a simulated trap/);
    ctx.dispose();
    const fresh = await CkksContext.create('ckks-4096');
    try {
      expect(await sealRuntime()).not.toBe(runtime);
      fresh.generateKeys({ galoisKeys: false, relinKeys: false });
      const v = random(100);
      expect(maxAbsDiff(fresh.decrypt(fresh.encrypt(v), 100), v)).toBeLessThan(1e-3);
    } finally {
      fresh.dispose();
    }
  });
});
