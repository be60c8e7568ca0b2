import { ed25519 } from '@noble/curves/ed25519.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateIdentity,
  identityFromPem,
  identityFromPkcs8,
  identityFromSeed,
  isValidPublicKey,
  keyId,
  loadOrCreateIdentity,
  publicKeyFromPem,
  publicKeyToPem,
  verifySignature,
} from '../../crypto/identity.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Ed25519 identities', () => {
  it('match RFC 8032 §7.1 test vector 1', () => {
    const id = identityFromSeed(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'));
    expect(toHex(id.publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig = id.sign(new Uint8Array(0));
    expect(toHex(sig)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(verifySignature(id.publicKey, new Uint8Array(0), sig)).toBe(true);
  });

  it('match RFC 8032 §7.1 test vector 2 (one-byte message)', () => {
    const id = identityFromSeed(hex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb'));
    expect(toHex(id.publicKey)).toBe('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
    const sig = id.sign(hex('72'));
    expect(toHex(sig)).toBe(
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    );
  });

  it('rejects a changed message, key or signature, and garbage without throwing', () => {
    const id = generateIdentity();
    const msg = new TextEncoder().encode('registration');
    const sig = id.sign(msg);
    expect(verifySignature(id.publicKey, msg, sig)).toBe(true);
    expect(verifySignature(generateIdentity().publicKey, msg, sig)).toBe(false);
    expect(verifySignature(id.publicKey, new TextEncoder().encode('registratioN'), sig)).toBe(false);
    expect(verifySignature(new Uint8Array(31), msg, sig)).toBe(false);
    expect(verifySignature(new Uint8Array(32).fill(255), msg, sig)).toBe(false);
    expect(verifySignature(id.publicKey, msg, new Uint8Array(3))).toBe(false);
    const garbage: unknown[] = [null, undefined, 'abc', 42, {}, [1, 2, 3]];
    for (const g of garbage) {
      expect(verifySignature(g as Uint8Array, msg, sig)).toBe(false);
      expect(verifySignature(id.publicKey, g as Uint8Array, sig)).toBe(false);
      expect(verifySignature(id.publicKey, msg, g as Uint8Array)).toBe(false);
    }
  });

  it('fails for every one-bit change of the signature, message or key', () => {
    const id = generateIdentity();
    const msg = new TextEncoder().encode('consent 42');
    const sig = id.sign(msg);
    for (let bit = 0; bit < sig.length * 8; bit++) {
      const s = sig.slice();
      s[bit >> 3]! ^= 1 << (bit & 7);
      expect(verifySignature(id.publicKey, msg, s)).toBe(false);
    }
    for (let bit = 0; bit < msg.length * 8; bit++) {
      const m = msg.slice();
      m[bit >> 3]! ^= 1 << (bit & 7);
      expect(verifySignature(id.publicKey, m, sig)).toBe(false);
    }
    for (let bit = 0; bit < 256; bit++) {
      const k = id.publicKey.slice();
      k[bit >> 3]! ^= 1 << (bit & 7);
      expect(verifySignature(k, msg, sig)).toBe(false);
    }
  });

  it('every honest signature verifies (property)', () => {
    const id = generateIdentity();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (msg) => verifySignature(id.publicKey, msg, id.sign(msg))), { numRuns: 200 });
  });

  it('refuses small-order public keys, which OpenSSL would let "sign" any message', () => {
    const identityPoint = new Uint8Array(32);
    identityPoint[0] = 1;
    const sig = new Uint8Array(64);
    sig[0] = 1; // R = identity, S = 0
    expect(verifySignature(identityPoint, new TextEncoder().encode('anything'), sig)).toBe(false);
    expect(isValidPublicKey(identityPoint)).toBe(false);
    expect(isValidPublicKey(new Uint8Array(32))).toBe(false);
    expect(() => publicKeyToPem(identityPoint)).toThrow(RangeError);
    expect(isValidPublicKey(generateIdentity().publicKey)).toBe(true);
  });

  it('refuses a key with a small-order component (an honest key plus a point of order 8), which no honest key generator makes', () => {
    // The point check is libsodium's (prime-order subgroup); the @noble check before it refused
    // only keys of small order themselves, and let this one through.
    const torsion = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa');
    const mixed = ed25519.Point.fromBytes(generateIdentity().publicKey).add(torsion);
    expect(mixed.isSmallOrder()).toBe(false);
    expect(isValidPublicKey(mixed.toBytes())).toBe(false);
  });

  it('exports and imports the private key as seed, PKCS#8 and PEM, and the public key as PEM', () => {
    const id = generateIdentity();
    const msg = new TextEncoder().encode('m');
    for (const copy of [identityFromSeed(id.toSeed()), identityFromPkcs8(id.toPkcs8()), identityFromPem(id.toPem())]) {
      expect(copy.publicKey).toEqual(id.publicKey);
      expect(verifySignature(id.publicKey, msg, copy.sign(msg))).toBe(true);
    }
    expect(id.toSeed()).toHaveLength(32);
    expect(id.toPem()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const pem = publicKeyToPem(id.publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(publicKeyFromPem(pem)).toEqual(id.publicKey);
  });

  it('refuses keys of other algorithms and seeds of the wrong size', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('x25519');
    expect(() => identityFromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/expected an Ed25519 private key/);
    expect(() => publicKeyFromPem(publicKey.export({ format: 'pem', type: 'spki' }).toString())).toThrow(/expected an Ed25519 public key/);
    expect(() => identityFromSeed(new Uint8Array(31))).toThrow(RangeError);
    expect(() => identityFromSeed('seed' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('derives a 128-bit key id from SHA-256 of the raw key', () => {
    const id = identityFromSeed(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'));
    const expected = crypto.createHash('sha256').update(id.publicKey).digest('hex').slice(0, 32);
    expect(id.keyId).toBe(expected);
    expect(keyId(id.publicKey)).toBe(expected);
  });

  it('keeps the key in an owner-only file and loads the same identity again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-id-'));
    try {
      const file = path.join(dir, 'identity.pem');
      const first = loadOrCreateIdentity(file);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(loadOrCreateIdentity(file).publicKey).toEqual(first.publicKey);
      fs.chmodSync(file, 0o644);
      expect(() => loadOrCreateIdentity(file)).toThrow(/readable by other users.*chmod 600/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
