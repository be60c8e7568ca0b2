/**
 * The primitives under PSI: RFC 9380 hash_to_curve for curve25519 (published vectors, and
 * agreement with @noble/curves' edwards25519 suite through the birational map), X25519 from
 * node:crypto (RFC 7748 vector, agreement with noble), and the property the protocol rests on:
 * blinding commutes for any two keys, on curve and twist points alike.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { ed25519, ed25519_hasher, x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it, vi } from 'vitest';
import { hashToCurve25519, hashToCurve25519Batch, PSI_HASH_DST } from '../../alignment/psi-hash.js';
import { blindPoints, randomSubgroupPoints } from '../../alignment/psi-x25519.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const Fp = ed25519.Point.Fp;
const A = 486662n;
const uOf = (b: Uint8Array) => Fp.fromBytes(b);
/** Legendre symbol of u^3 + A u^2 + u: 1 on the curve, -1 on the twist. */
const onCurve = (b: Uint8Array) => {
  const u = uOf(b);
  const rhs = Fp.add(Fp.add(Fp.mul(Fp.sqr(u), u), Fp.mul(A, Fp.sqr(u))), u);
  return Fp.eql(Fp.pow(rhs, (Fp.ORDER - 1n) / 2n), Fp.ONE) || Fp.is0(rhs);
};

/** [l]P = O, checked on the birationally equivalent Edwards point y = (u - 1) / (u + 1). */
function inPrimeOrderSubgroup(u: Uint8Array): boolean {
  const x = uOf(u);
  const y = Fp.toBytes(Fp.div(Fp.sub(x, Fp.ONE), Fp.add(x, Fp.ONE)));
  return ed25519.Point.fromBytes(y).isTorsionFree();
}

describe('hash_to_curve (RFC 9380 curve25519_XMD:SHA-512_ELL2_RO_)', () => {
  // RFC 9380 Appendix J.4.1; P.x printed big-endian, X25519 uses little-endian.
  const DST = 'QUUX-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_RO_';
  const vectors: [string, string][] = [
    ['', '2de3780abb67e861289f5749d16d3e217ffa722192d16bbd9d1bfb9d112b98c0'],
    ['abc', '2b4419f1f2d48f5872de692b0aca72cc7b0a60915dd70bde432e826b6abc526d'],
    ['abcdef0123456789', '68ca1ea5a6acf4e9956daa101709b1eee6c1bb0df1de3b90d4602382a104c036'],
  ];
  it.each(vectors)('matches the published P.x for msg %j', (msg, px) => {
    const u = hashToCurve25519(new TextEncoder().encode(msg), DST);
    expect(hex(u)).toBe(hex(fromHex(px).reverse()));
  });

  it('agrees with noble\'s edwards25519 suite under u = (1 + y) / (1 - y) (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (msg) => {
        const edwards = ed25519_hasher.hashToCurve(msg, { DST: PSI_HASH_DST }).toAffine();
        const u = Fp.div(Fp.add(Fp.ONE, edwards.y), Fp.sub(Fp.ONE, edwards.y));
        expect(hex(hashToCurve25519(msg))).toBe(hex(Fp.toBytes(u)));
      }),
      { numRuns: 25 },
    );
  });

  it('batch equals one by one, and every output is on the curve, never the twist', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `91110105MA${String(i).padStart(7, '0')}X`);
    const batch = hashToCurve25519Batch(new Uint8Array(Buffer.from(ids.join(''), 'latin1')), 18);
    ids.forEach((id, i) => {
      const one = hashToCurve25519(new Uint8Array(Buffer.from(id, 'latin1')));
      expect(hex(batch.subarray(32 * i, 32 * i + 32))).toBe(hex(one));
      expect(onCurve(one)).toBe(true);
      expect(inPrimeOrderSubgroup(one)).toBe(true); // cofactor cleared (h_eff = 8)
    });
    // Why it matters: hashing straight to u would put about half the IDs on the twist, a bit
    // that survives every blinding and anyone can test.
    const raw = ids.map((id) => {
      const h = crypto.createHash('sha256').update(id).digest();
      h[31]! &= 0x7f;
      return onCurve(h);
    });
    expect(raw.filter((c) => !c).length).toBeGreaterThan(5);
    // ...and most of the rest would carry a small-order component (the subgroup check bites).
    const rawOnCurve = ids.map((id) => crypto.createHash('sha256').update(id).digest()).filter((h) => {
      h[31]! &= 0x7f;
      return onCurve(h);
    });
    expect(rawOnCurve.some((h) => !inPrimeOrderSubgroup(h))).toBe(true);
    const blindedRawTwist = raw.findIndex((c) => !c);
    const h = crypto.createHash('sha256').update(ids[blindedRawTwist]!).digest();
    h[31]! &= 0x7f;
    expect(onCurve(blindPoints(crypto.randomBytes(32), new Uint8Array(h)))).toBe(false);
  });

  it('rejects input that is not whole messages', () => {
    expect(() => hashToCurve25519Batch(new Uint8Array(19), 18)).toThrow(RangeError);
  });
});

describe('X25519 blinding (node:crypto)', () => {
  it('matches RFC 7748 §5.2 and noble', () => {
    const k = fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4');
    const u = fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c');
    expect(hex(blindPoints(k, u))).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
    const k2 = crypto.randomBytes(32);
    const u2 = hashToCurve25519(new Uint8Array([1, 2, 3]));
    expect(hex(blindPoints(k2, u2))).toBe(hex(x25519.scalarMult(k2, u2)));
  });

  it('commutes for any two keys, on curve and twist points (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b, u) => {
        u[31]! &= 0x7f;
        // u of order dividing 8 makes X25519 return zero, which node refuses: skip those.
        fc.pre(!x25519.scalarMult(new Uint8Array(32).fill(1), u).every((x) => x === 0));
        const ab = blindPoints(b, blindPoints(a, u));
        expect(hex(ab)).toBe(hex(blindPoints(a, blindPoints(b, u))));
        expect(hex(ab)).toBe(hex(blindPoints(new Uint8Array([...a, ...b]), u)));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses low-order points, naming the element', () => {
    const pts = new Uint8Array(64);
    pts.set(hashToCurve25519(new Uint8Array([9])), 0);
    pts[32] = 1; // u = 1 has order 4
    expect(() => blindPoints(crypto.randomBytes(32), pts)).toThrow(/element 1 is a low-order/);
    expect(() => blindPoints(new Uint8Array(31), pts)).toThrow(RangeError);
    expect(() => blindPoints(crypto.randomBytes(32), new Uint8Array(33))).toThrow(RangeError);
  });

  it('padding points are distinct subgroup points on the curve', () => {
    const pad = randomSubgroupPoints(20);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const p = pad.subarray(32 * i, 32 * i + 32);
      expect(onCurve(p)).toBe(true);
      expect(inPrimeOrderSubgroup(p)).toBe(true);
      seen.add(hex(p));
    }
    expect(seen.size).toBe(20);
  });

  it('padding makes no key objects: generateKeyPairSync + JWK export self-deadlocks a worker under GC (the 1M hang)', () => {
    const keygen = vi.spyOn(crypto, 'generateKeyPairSync');
    try {
      expect(randomSubgroupPoints(50)).toHaveLength(50 * 32);
      expect(keygen).not.toHaveBeenCalled();
    } finally {
      keygen.mockRestore();
    }
  });
});
