import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BoxOpener, BoxSealer, openSealedBox, SEALED_BOX_OVERHEAD, SEALED_BOX_V2_OVERHEAD, SealedBoxError, sealToRecipient } from '../../crypto/sealed-box.js';
import type { SealedBoxBinding } from '../../crypto/sealed-box.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';

const binding: SealedBoxBinding = { purpose: 'score/explanation', sender: 'tax-node', recipient: 'bank-a', extra: 'query-17' };
const payload = new TextEncoder().encode('top reasons: arrears 3 months; VAT revenue down 40%');

function openError(fn: () => unknown): SealedBoxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SealedBoxError) return e;
    throw e;
  }
  throw new Error('expected a SealedBoxError, but the box opened');
}

describe('sealed box', () => {
  it('opens for the recipient with the same binding, and only then', () => {
    const bob = generateX25519KeyPair();
    const box = sealToRecipient(bob.publicKey, payload, binding);
    expect(box).toHaveLength(payload.length + SEALED_BOX_OVERHEAD);
    expect(openSealedBox(bob.privateKey, box, binding)).toEqual(payload);
    // A second box of the same payload looks unrelated (fresh ephemeral key).
    expect(Buffer.compare(sealToRecipient(bob.publicKey, payload, binding), box)).not.toBe(0);
    expect(Buffer.from(box).includes(Buffer.from(payload.subarray(0, 12)))).toBe(false);
  });

  it('fails for another recipient key and for any change of the binding', () => {
    const bob = generateX25519KeyPair();
    const box = sealToRecipient(bob.publicKey, payload, binding);
    expect(openError(() => openSealedBox(generateX25519KeyPair().privateKey, box, binding)).code).toBe('AUTHENTICATION_FAILED');
    const changes: SealedBoxBinding[] = [
      { ...binding, purpose: 'lr/partial' },
      { ...binding, sender: 'power-node' },
      { ...binding, recipient: 'bank-b' },
      { ...binding, extra: 'query-18' },
      { purpose: binding.purpose, sender: binding.sender, recipient: binding.recipient },
    ];
    for (const b of changes) expect(openError(() => openSealedBox(bob.privateKey, box, b)).code).toBe('AUTHENTICATION_FAILED');
  });

  it('fails on every single bit flip', () => {
    const bob = generateX25519KeyPair();
    const box = sealToRecipient(bob.publicKey, payload.subarray(0, 20), binding);
    for (let bit = 0; bit < box.length * 8; bit++) {
      const bad = box.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const err = openError(() => openSealedBox(bob.privateKey, bad, binding));
      expect(['AUTHENTICATION_FAILED', 'UNSUPPORTED_VERSION', 'MALFORMED']).toContain(err.code);
    }
  });

  it('reports truncation, unknown versions and low-order ephemeral keys by code', () => {
    const bob = generateX25519KeyPair();
    const box = sealToRecipient(bob.publicKey, payload, binding);
    for (const n of [0, 1, SEALED_BOX_OVERHEAD - 1]) expect(openError(() => openSealedBox(bob.privateKey, box.subarray(0, n), binding)).code).toBe('MALFORMED');
    expect(openError(() => openSealedBox(bob.privateKey, box.subarray(0, box.length - 1), binding)).code).toBe('AUTHENTICATION_FAILED');
    const v2 = box.slice();
    v2[0] = 2;
    expect(openError(() => openSealedBox(bob.privateKey, v2, binding)).code).toBe('UNSUPPORTED_VERSION');
    const lowOrder = box.slice();
    lowOrder.fill(0, 1, 33);
    expect(openError(() => openSealedBox(bob.privateKey, lowOrder, binding)).code).toBe('MALFORMED');
  });

  it('seals empty and large payloads', () => {
    const bob = generateX25519KeyPair();
    expect(openSealedBox(bob.privateKey, sealToRecipient(bob.publicKey, new Uint8Array(0), binding), binding)).toEqual(new Uint8Array(0));
    const big = new Uint8Array(randomBytes(1 << 20));
    // Buffer.compare: a deep toEqual over a million elements takes seconds.
    expect(Buffer.compare(openSealedBox(bob.privateKey, sealToRecipient(bob.publicKey, big, binding), binding), big)).toBe(0);
  });

  it('refuses low-order recipient keys and malformed bindings with clear errors', () => {
    const bob = generateX25519KeyPair();
    expect(() => sealToRecipient(new Uint8Array(32), payload, binding)).toThrow(/low-order point/);
    expect(() => sealToRecipient(bob.publicKey, payload, { ...binding, purpose: '' })).toThrow(/binding.purpose is empty/);
    expect(() => sealToRecipient(bob.publicKey, payload, { ...binding, sender: 3 as unknown as string })).toThrow(TypeError);
    expect(() => sealToRecipient(bob.publicKey, 'text' as unknown as Uint8Array, binding)).toThrow(TypeError);
  });
});

describe('sealed box v2 (a reused ephemeral key per recipient)', () => {
  const ephemeralOf = (box: Uint8Array) => Buffer.from(box.subarray(1, 33)).toString('hex');

  it('opens for the recipient with the same binding, and only then; each box has its own nonce', () => {
    const bank = generateX25519KeyPair();
    const sealer = new BoxSealer();
    const a = sealer.seal(bank.publicKey, payload, binding);
    const b = sealer.seal(bank.publicKey, payload, binding);
    expect(a[0]).toBe(2);
    // A box's length is its payload's plus a constant: callers that must hide lengths pad inside (scoring/sealed-explanation.ts).
    expect(a).toHaveLength(payload.length + SEALED_BOX_V2_OVERHEAD);
    expect(ephemeralOf(a)).toBe(ephemeralOf(b));
    expect(Buffer.compare(a, b)).not.toBe(0);
    expect(Buffer.from(a).includes(Buffer.from(payload.subarray(0, 12)))).toBe(false);
    const opener = new BoxOpener(bank.privateKey);
    expect(opener.open(a, binding)).toEqual(payload);
    expect(opener.open(b, binding)).toEqual(payload);
    expect(openError(() => new BoxOpener(generateX25519KeyPair().privateKey).open(a, binding)).code).toBe('AUTHENTICATION_FAILED');
    for (const change of [{ ...binding, sender: 'power-node' }, { ...binding, extra: 'query-18' }, { ...binding, recipient: 'bank-b' }]) {
      expect(openError(() => opener.open(a, change)).code).toBe('AUTHENTICATION_FAILED');
    }
    // Any flipped byte (version, key, nonce, body, tag) and truncation fail.
    for (const at of [1, 40, 50, a.length - 1]) {
      const bad = a.slice();
      bad[at]! ^= 1;
      expect(() => opener.open(bad, binding)).toThrow(SealedBoxError);
    }
    expect(openError(() => opener.open(a.subarray(0, 40), binding)).code).toBe('MALFORMED');
    // The opener reads v1 boxes too.
    expect(opener.open(sealToRecipient(bank.publicKey, payload, binding), binding)).toEqual(payload);
  });

  it('uses one ephemeral key per recipient and replaces it after ten minutes', () => {
    let now = 1_000_000;
    const sealer = new BoxSealer({ now: () => now });
    const bankA = generateX25519KeyPair();
    const bankB = generateX25519KeyPair();
    const first = sealer.seal(bankA.publicKey, payload, binding);
    expect(ephemeralOf(sealer.seal(bankB.publicKey, payload, binding))).not.toBe(ephemeralOf(first));
    now += 10 * 60_000 - 1;
    expect(ephemeralOf(sealer.seal(bankA.publicKey, payload, binding))).toBe(ephemeralOf(first));
    now += 1;
    const rotated = sealer.seal(bankA.publicKey, payload, binding);
    expect(ephemeralOf(rotated)).not.toBe(ephemeralOf(first));
    expect(new BoxOpener(bankA.privateKey).open(rotated, binding)).toEqual(payload);
  });
});
