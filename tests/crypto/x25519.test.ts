import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashWithDomain } from '../../crypto/hash.js';
import { generateX25519KeyPair, pairwiseSeed, x25519PublicKey, x25519SharedSecret } from '../../crypto/x25519.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// RFC 7748 §6.1
const ALICE_PRIVATE = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
const ALICE_PUBLIC = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
const BOB_PRIVATE = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
const BOB_PUBLIC = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
const SHARED = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

describe('X25519', () => {
  it('matches RFC 7748 §6.1', () => {
    expect(toHex(x25519PublicKey(ALICE_PRIVATE))).toBe(ALICE_PUBLIC);
    expect(toHex(x25519PublicKey(BOB_PRIVATE))).toBe(BOB_PUBLIC);
    expect(toHex(x25519SharedSecret(ALICE_PRIVATE, hex(BOB_PUBLIC)))).toBe(SHARED);
    expect(toHex(x25519SharedSecret(BOB_PRIVATE, hex(ALICE_PUBLIC)))).toBe(SHARED);
  });

  it('generates key pairs whose public key matches the private key', () => {
    const kp = generateX25519KeyPair();
    expect(kp.privateKey).toHaveLength(32);
    expect(x25519PublicKey(kp.privateKey)).toEqual(kp.publicKey);
  });

  it('refuses low-order peer keys and keys of the wrong size or type', () => {
    const kp = generateX25519KeyPair();
    expect(() => x25519SharedSecret(kp.privateKey, new Uint8Array(32))).toThrow(/low-order point/);
    const one = new Uint8Array(32);
    one[0] = 1;
    expect(() => x25519SharedSecret(kp.privateKey, one)).toThrow(RangeError);
    expect(() => x25519SharedSecret(kp.privateKey, new Uint8Array(31))).toThrow(/must be 32 bytes, got 31/);
    expect(() => x25519SharedSecret('k' as unknown as Uint8Array, kp.publicKey)).toThrow(TypeError);
  });
});

describe('pairwiseSeed', () => {
  it('is the same at both ends and differs per context and per pair', () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    const c = generateX25519KeyPair();
    const ab = pairwiseSeed(a.privateKey, b.publicKey, 'score-mask/model-1');
    expect(ab).toHaveLength(32);
    expect(pairwiseSeed(b.privateKey, a.publicKey, 'score-mask/model-1')).toEqual(ab);
    expect(pairwiseSeed(a.privateKey, b.publicKey, 'score-mask/model-2')).not.toEqual(ab);
    expect(pairwiseSeed(a.privateKey, c.publicKey, 'score-mask/model-1')).not.toEqual(ab);
    expect(pairwiseSeed(a.privateKey, b.publicKey, new TextEncoder().encode('score-mask/model-1'))).toEqual(ab);
  });

  it('is HKDF-SHA256 over the X25519 secret as documented (RFC 7748 keys)', () => {
    const seed = pairwiseSeed(ALICE_PRIVATE, hex(BOB_PUBLIC), 'test');
    expect(pairwiseSeed(BOB_PRIVATE, hex(ALICE_PUBLIC), 'test')).toEqual(seed);
    const [lo, hi] = [hex(ALICE_PUBLIC), hex(BOB_PUBLIC)].sort(Buffer.compare);
    const salt = hashWithDomain('fedcredit/pairwise-seed/v1', lo!, hi!);
    const info = hashWithDomain('fedcredit/pairwise-seed/v1', new TextEncoder().encode('test'));
    expect(seed).toEqual(new Uint8Array(hkdfSync('sha256', hex(SHARED), salt, info, 32)));
    expect(toHex(seed)).toBe('7ec148ac6a60dd4f234895354e9fd53f6918c55f66851f50567b263300b7bfbe');
  });

  it('refuses an empty context and one\'s own key as the peer', () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    expect(() => pairwiseSeed(a.privateKey, b.publicKey, '')).toThrow(/context is empty/);
    expect(() => pairwiseSeed(a.privateKey, a.publicKey, 'x')).toThrow(/own public key/);
  });
});
