/**
 * Hashing credit codes onto Curve25519 for ECDH-PSI: RFC 9380 suite
 * curve25519_XMD:SHA-512_ELL2_RO_ (§6.7.1 Elligator 2, §8.5 suite, Appendix G.2.1 straight-line
 * map), output as the 32-byte little-endian Montgomery u-coordinate that X25519 (RFC 7748 §5)
 * takes as input.
 *
 * Why not hash straight to a u-coordinate (SHA-256 of the ID as the X25519 input, a common
 * ECDH-PSI shortcut): a random u lies on the quadratic twist half of the time, X25519 happily
 * multiplies twist points, and curve-or-twist membership is preserved by every blinding and
 * testable by anyone (one Legendre symbol). Every blinded set would then carry one public bit
 * per ID (a count of "twist IDs" per set, and for a one-element set one bit of the ID itself).
 * Elligator 2 lands on the curve only. The RO variant (two maps, one addition) rather than the
 * NU one because ECDH-PSI is a DH-OPRF whose security argument models H as a random oracle
 * into the group; RFC 9497's OPRF suites likewise use the _RO_ hash_to_curve suites.
 *
 * The point is only ever used as an X25519 input, so only u is computed: the addition uses the
 * affine chord formula, the cofactor (h = 8) is cleared with three x-only doublings
 * (RFC 7748 §5 ladder step), and one batched inversion serves a whole chunk.
 */
import crypto from 'node:crypto';

/** RFC 9380 §3.1: tag = application, version, suite. Changing it changes every blinded value. */
export const PSI_HASH_DST = 'FEDCREDIT-PSI-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_RO_';

export const POINT_BYTES = 32;

// GF(2^255 - 19) on bigints. Hand-rolled rather than noble's generic Fp because the map's one
// exponentiation dominates the cost of the whole PSI hashing step: folding with 2^255 = 19
// (mod p) and a fixed addition chain measured >2x faster than noble's generic Fp.pow here.
const P = 2n ** 255n - 19n;
const MASK = 2n ** 255n - 1n;
const J = 486662n; // Curve25519 Montgomery coefficient A (RFC 7748 §4.1)
const A24 = 121665n; // (A - 2) / 4, as in the RFC 7748 ladder

function reduce(x: bigint): bigint {
  x = (x & MASK) + 19n * (x >> 255n);
  x = (x & MASK) + 19n * (x >> 255n);
  return x >= P ? x - P : x;
}
const mul = (a: bigint, b: bigint): bigint => reduce(a * b);
const sqr = (a: bigint): bigint => reduce(a * a);
const add = (a: bigint, b: bigint): bigint => (a + b >= P ? a + b - P : a + b);
const sub = (a: bigint, b: bigint): bigint => (a >= b ? a - b : a - b + P);
const neg = (a: bigint): bigint => (a === 0n ? 0n : P - a);

/** a^e with a fixed 4-bit window; `hexExponent` is e in hex. Used for constants and inversion. */
function pow(a: bigint, hexExponent: string): bigint {
  const table: bigint[] = [1n, a];
  for (let i = 2; i < 16; i++) table.push(mul(table[i - 1]!, a));
  let r = 1n;
  for (let i = 0; i < hexExponent.length; i++) {
    r = sqr(sqr(sqr(sqr(r))));
    const digit = parseInt(hexExponent[i]!, 16);
    if (digit !== 0) r = mul(r, table[digit]!);
  }
  return r;
}

function sqrTimes(a: bigint, times: number): bigint {
  for (let i = 0; i < times; i++) a = reduce(a * a);
  return a;
}

/**
 * z^((p - 5) / 8) = z^(2^252 - 3), the one exponentiation of the Elligator 2 map, by the
 * addition chain of ref10's fe_pow22523: 251 squarings and 11 multiplications, against ~330
 * operations for a 4-bit window.
 */
function pow22523(z: bigint): bigint {
  let t0 = sqr(z);
  let t1 = mul(z, sqrTimes(t0, 2)); // z^9
  t0 = sqr(mul(t0, t1)); // z^22
  t0 = mul(t1, t0); // z^(2^5 - 1)
  t0 = mul(sqrTimes(t0, 5), t0); // 2^10 - 1
  t1 = mul(sqrTimes(t0, 10), t0); // 2^20 - 1
  t1 = mul(sqrTimes(t1, 20), t1); // 2^40 - 1
  t0 = mul(sqrTimes(t1, 10), t0); // 2^50 - 1
  t1 = mul(sqrTimes(t0, 50), t0); // 2^100 - 1
  t1 = mul(sqrTimes(t1, 100), t1); // 2^200 - 1
  t0 = mul(sqrTimes(t1, 50), t0); // 2^250 - 1
  return mul(sqrTimes(t0, 2), z); // 2^252 - 3
}

function invert(a: bigint): bigint {
  return pow(a, (P - 2n).toString(16)); // Fermat; used once per batch
}

// RFC 9380 Appendix G.2.1 constants.
const C2 = pow(2n, ((P + 3n) / 8n).toString(16)); // 2^c1
const C3 = pow(2n, ((P - 1n) / 4n).toString(16)); // sqrt(-1)

interface Projective {
  x: bigint;
  z: bigint;
}

/** A Curve25519 point (xn/xd, y) as the map returns it. */
interface MappedPoint {
  xn: bigint;
  xd: bigint;
  y: bigint;
}

/**
 * The u-coordinates of hash_to_curve(msg_i) for `count` messages of `msgLength` bytes laid out
 * back to back in `messages` (fixed-length records keep worker chunks one flat array).
 */
export function hashToCurve25519Batch(
  messages: Uint8Array,
  msgLength: number,
  dst: string | Uint8Array = PSI_HASH_DST,
): Uint8Array {
  if (!(messages instanceof Uint8Array)) throw new TypeError('hashToCurve25519Batch: messages must be a Uint8Array');
  if (!Number.isInteger(msgLength) || msgLength < 0) {
    throw new RangeError(`hashToCurve25519Batch: message length must be a non-negative integer, got ${msgLength}`);
  }
  const count = msgLength === 0 ? 0 : messages.length / msgLength;
  if (!Number.isInteger(count)) {
    throw new RangeError(
      `hashToCurve25519Batch: ${messages.length} bytes is not a whole number of ${msgLength}-byte messages`,
    );
  }
  const points: Projective[] = new Array<Projective>(count);
  for (let i = 0; i < count; i++) {
    points[i] = hashToProjective(messages.subarray(i * msgLength, (i + 1) * msgLength), dst);
  }
  return toAffineBytes(points);
}

/**
 * hash_to_curve for one message; the batch form is cheaper per message (one inversion). No product
 * caller: the RFC 9380 vectors check it and the batch form is checked against it (tests/psi).
 */
export function hashToCurve25519(msg: Uint8Array, dst: string | Uint8Array = PSI_HASH_DST): Uint8Array {
  return toAffineBytes([hashToProjective(msg, dst)]);
}

function hashToProjective(msg: Uint8Array, dst: string | Uint8Array): Projective {
  const [u0, u1] = hashToFieldPair(msg, dst);
  const sum = addMapped(mapToCurveElligator2(u0), mapToCurveElligator2(u1));
  // clear_cofactor: h_eff = 8 (RFC 9380 §8.5), three doublings.
  return double(double(double(sum)));
}

/** DST_prime = DST || I2OSP(len(DST), 1) (RFC 9380 §5.3.1, §5.3.3 for a DST over 255 bytes). */
const dstPrimeCache = new Map<string, Buffer>();
function dstPrime(dst: string | Uint8Array): Buffer {
  const cached = typeof dst === 'string' ? dstPrimeCache.get(dst) : undefined;
  if (cached !== undefined) return cached;
  let tag = typeof dst === 'string' ? Buffer.from(dst, 'utf8') : Buffer.from(dst);
  if (tag.length > 255) tag = crypto.createHash('sha512').update('H2C-OVERSIZE-DST-').update(tag).digest();
  const prime = Buffer.concat([tag, Buffer.from([tag.length])]);
  if (typeof dst === 'string' && dstPrimeCache.size < 8) dstPrimeCache.set(dst, prime);
  return prime;
}

const Z_PAD = Buffer.alloc(128); // s_in_bytes of SHA-512
const LEN_AND_ZERO = Buffer.from([0, 96, 0]); // I2OSP(96, 2) || I2OSP(0, 1)

/**
 * hash_to_field(msg, 2) for p = 2^255 - 19, m = 1, L = 48 (k = 128): RFC 9380 §5.2 over
 * expand_message_xmd with SHA-512 (§5.3.1), len_in_bytes = 96, so ell = 2. SHA-512 is
 * node:crypto's (OpenSSL), not a JS one: the JS hash was a quarter of the hashing cost. Checked
 * against the RFC's suite vectors in tests/psi/curve.test.ts.
 */
function hashToFieldPair(msg: Uint8Array, dst: string | Uint8Array): [bigint, bigint] {
  const prime = dstPrime(dst);
  const b0 = crypto.createHash('sha512').update(Z_PAD).update(msg).update(LEN_AND_ZERO).update(prime).digest();
  const b1 = crypto.createHash('sha512').update(b0).update(ONE).update(prime).digest();
  for (let i = 0; i < 64; i++) b0[i]! ^= b1[i]!;
  const b2 = crypto.createHash('sha512').update(b0).update(TWO).update(prime).digest();
  // uniform_bytes = b1 || b2; u0 = bytes 0..47, u1 = bytes 48..95, big-endian, mod p.
  const u0 = BigInt(`0x${b1.toString('hex', 0, 48)}`) % P;
  const u1 = BigInt(`0x${b1.toString('hex', 48, 64)}${b2.toString('hex', 0, 32)}`) % P;
  return [u0, u1];
}
const ONE = Buffer.from([1]);
const TWO = Buffer.from([2]);

/** RFC 9380 Appendix G.2.1, map_to_curve_elligator2_curve25519, step by step. */
function mapToCurveElligator2(u: bigint): MappedPoint {
  let tv1 = sqr(u);
  tv1 = add(tv1, tv1);
  const xd = add(tv1, 1n); // never 0: -1 is a square mod p and 2u^2 is not
  const x1n = neg(J);
  let tv2 = sqr(xd);
  const gxd = mul(tv2, xd);
  let gx1 = mul(J, tv1);
  gx1 = mul(gx1, x1n);
  gx1 = add(gx1, tv2);
  gx1 = mul(gx1, x1n);
  let tv3 = sqr(gxd);
  tv2 = sqr(tv3);
  tv3 = mul(tv3, gxd);
  tv3 = mul(tv3, gx1);
  tv2 = mul(tv2, tv3);
  let y11 = pow22523(tv2); // c4 = (p - 5) / 8
  y11 = mul(y11, tv3);
  const y12 = mul(y11, C3);
  tv2 = mul(sqr(y11), gxd);
  const y1 = tv2 === gx1 ? y11 : y12;
  const x2n = mul(x1n, tv1);
  const y21 = mul(mul(y11, u), C2);
  const y22 = mul(y21, C3);
  const gx2 = mul(gx1, tv1);
  tv2 = mul(sqr(y21), gxd);
  const y2 = tv2 === gx2 ? y21 : y22;
  tv2 = mul(sqr(y1), gxd);
  const e3 = tv2 === gx1;
  const xn = e3 ? x1n : x2n;
  let y = e3 ? y1 : y2;
  const e4 = (y & 1n) === 1n; // sgn0
  if (e3 !== e4) y = neg(y);
  return { xn, xd, y };
}

/**
 * x(Q0 + Q1) as a fraction, for Q = (xn/xd, y) on v^2 = u^3 + A u^2 + u. Chord:
 * l = (y1 - y0)/(x1 - x0), x = l^2 - A - x0 - x1, over one denominator so that no inversion
 * happens per point.
 */
function addMapped(q0: MappedPoint, q1: MappedPoint): Projective {
  const xd = mul(q0.xd, q1.xd);
  const dx = sub(mul(q1.xn, q0.xd), mul(q0.xn, q1.xd)); // (x1 - x0) * xd
  const dy = sub(q1.y, q0.y);
  if (dx === 0n) {
    // Same x: Q1 = Q0 (double it) or Q1 = -Q0 (sum is the identity). Probability ~2^-254.
    if (dy === 0n) return double({ x: q0.xn, z: q0.xd });
    throw new Error('hash_to_curve: Q0 + Q1 is the identity (probability ~2^-254); report this input');
  }
  // l = lNum / dx with lNum = dy * xd.
  const lNum = mul(dy, xd);
  const dx2 = sqr(dx);
  const rest = add(add(mul(J, xd), mul(q0.xn, q1.xd)), mul(q1.xn, q0.xd)); // (A + x0 + x1) * xd
  return { x: sub(mul(sqr(lNum), xd), mul(dx2, rest)), z: mul(dx2, xd) };
}

/** x-only doubling, the doubling half of the RFC 7748 §5 ladder step. */
function double({ x, z }: Projective): Projective {
  const aa = sqr(add(x, z));
  const bb = sqr(sub(x, z));
  const e = sub(aa, bb);
  return { x: mul(aa, bb), z: mul(e, add(aa, mul(A24, e))) };
}

function toAffineBytes(points: readonly Projective[]): Uint8Array {
  const out = new Uint8Array(points.length * POINT_BYTES);
  if (points.length === 0) return out;
  // Montgomery's trick: one field inversion for the whole batch.
  const prefix: bigint[] = new Array<bigint>(points.length);
  let acc = 1n;
  for (let i = 0; i < points.length; i++) {
    if (points[i]!.z === 0n) {
      throw new Error(`hash_to_curve: message ${i} hashed to a point of order dividing 8 (probability ~2^-250)`);
    }
    prefix[i] = acc;
    acc = mul(acc, points[i]!.z);
  }
  let inv = invert(acc);
  for (let i = points.length - 1; i >= 0; i--) {
    const { x, z } = points[i]!;
    writeLittleEndian(mul(x, mul(inv, prefix[i]!)), out, i * POINT_BYTES);
    inv = mul(inv, z);
  }
  return out;
}

function writeLittleEndian(value: bigint, out: Uint8Array, offset: number): void {
  const hex = value.toString(16).padStart(64, '0');
  for (let i = 0; i < POINT_BYTES; i++) out[offset + i] = parseInt(hex.slice(62 - 2 * i, 64 - 2 * i), 16);
}
