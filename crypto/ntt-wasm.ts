/**
 * The histogram kernel's hot loops as a small hand-assembled WebAssembly module with 64-bit
 * integers (docs/design/secureboost.md section 3: "a small hand-written WASM with i64"): the
 * plaintext lift, the forward negacyclic NTT (Harvey's lazy butterflies), and the pointwise
 * multiply-accumulate against an NTT-form ciphertext (./ntt-rns.ts is the same arithmetic in
 * plain JS doubles, the reference the tests compare with, byte for byte, and with SEAL); and a
 * share's finish (session 14): the inverse NTT (Gentleman-Sande), c0's first s coefficients
 * alone, SEAL's divide-and-round switch one level down and a fresh public-key encryption of
 * zero (finishShare; tests/crypto/share-finish.test.ts: the same bytes as SEAL's path).
 *
 * Arithmetic (q < 2^44): r = a b mod q with a < 2^46, b < q takes two i64 multiplies (which wrap
 * mod 2^64) and a quotient estimated in doubles:
 *   k = trunc(a * (b / q))   (the twiddles' b / q precomputed; in the multiply-accumulate
 *                             trunc((a * b) * (1 / q)), both operands variable)
 *   r = a b - k q  (mod 2^64)
 * a b / q < 2^46 and the double's relative error is under 2^-51, so k is within 1 of
 * floor(a b / q) and the true r lies in [-q, 2q): it fits a signed i64, and the wrapped
 * difference is that r exactly. One select brings it to [0, 2q) (the butterflies' lazy range)
 * or two to [0, q). This replaced 64 x 64-bit Shoup products from 32-bit halves (four i64
 * multiplies each, eight for the multiply-accumulate's 88-bit product): session 13, a product
 * 0.78 -> 0.65 ms on one thread (bench/trees-kernel.ts); the scatter and the entries below took
 * it to ~0.45-0.53 ms. Session 15: the forward and inverse transforms and the multiply-accumulate
 * two residues at a time in Wasm SIMD (nttSimdBody, inttSimdBody, macSimdBody; the scalar ones
 * stay, for engines without SIMD and for the tests that compare the two): 0.50 -> 0.34 ms a
 * product on one thread.
 * The key holder's prefix decryption uses the same transforms (prefixProducts).
 * Memory: one exported memory the caller lays out (u64 little-endian residues: exactly SEAL's
 * data layout, so NTT-form ciphertext bytes are copied in and out unchanged).
 */

import { checkStride } from './bfv-histogram.js';
import { bitReverse, firstLayersMatrix, powMod, type PrimeTables } from './ntt-rns.js';

const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
}

// Opcodes used below.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(BigInt(v))];
const i64c = (v: bigint) => [0x42, ...sleb(BigInt.asIntN(64, v))];
const load64 = [0x29, 3, 0];
const store64 = [0x37, 3, 0];
const load32 = [0x28, 2, 0];
const store32 = [0x36, 2, 0];
const loadF64 = [0x2b, 3, 0];
/** Saturating f64 -> i64 (0xfc 6): no trap check; every quotient here is far inside the range. */
const truncSatF64S = [0xfc, 6];
const f64c = (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
/** i64.load8_s: a signed byte widened to i64 (the errors of a fresh zero). */
const load8s64 = [0x30, 0, 0];
const OP = {
  i32ltU: 0x49, i64popcnt: 0x7b,
  f64mul: 0xa2, convertI64S: 0xb9, i64ltS: 0x53, i64geS: 0x59,
  i32add: 0x6a, i32divU: 0x6e, i32and: 0x71, i32sub: 0x6b, i32or: 0x72, f64eq: 0x61, f64ne: 0x62, return: 0x0f, i32mul: 0x6c, i32shl: 0x74, i32shrU: 0x76, i32geU: 0x4f,
  i64add: 0x7c, i64sub: 0x7d, i64mul: 0x7e, i64remU: 0x82, i64and: 0x83, i64or: 0x84, i64shl: 0x86, i64shrU: 0x88, i64geU: 0x5a,
  truncF64U: 0xb1, i64eqz: 0x50, if: 0x04, else: 0x05, select: 0x1b, block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, void: 0x40,
} as const;

/** while (get(i) < get(limit)) { body; i += 1 } */
function forLoop(i: number, limit: number, body: number[]): number[] {
  return forStep(i, limit, 1, body);
}

/** while (get(i) < get(limit)) { body; i += step } */
function forStep(i: number, limit: number, step: number, body: number[]): number[] {
  return [OP.block, OP.void, OP.loop, OP.void, ...get(i), ...get(limit), OP.i32geU, OP.brIf, 1, ...body, ...get(i), ...i32c(step), OP.i32add, ...set(i), OP.br, 0, OP.end, OP.end];
}

/** Leaves x mod q for x in [0, 2q) on the stack; x in local `tmp`. */
function reduceOnce(tmp: number, q: number): number[] {
  return [...get(tmp), ...get(q), OP.i64sub, ...get(tmp), ...get(tmp), ...get(q), OP.i64geU, OP.select];
}

function liftBody(): number[] {
  // params: src 0, dst 1, n 2, q 3, t 4, thr 5; locals: i 6 (i32), c 7 (i64)
  const [src, dst, n, q, t, thr, i, c] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
  // Most coefficients of a histogram plaintext are zero: only the others pay for the divisions.
  const body = [
    ...get(src), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...loadF64, OP.truncF64U, ...set(c),
    ...get(dst), ...get(i), ...i32c(3), OP.i32shl, OP.i32add,
    ...get(c), OP.i64eqz, OP.if, I64, ...i64c(0n), OP.else,
    ...get(q), ...get(t), ...get(c), OP.i64sub, ...get(q), OP.i64remU, OP.i64sub, ...get(q), OP.i64remU,
    ...get(c), ...get(q), OP.i64remU,
    ...get(c), ...get(thr), OP.i64geU, OP.select,
    OP.end,
    ...store64,
  ];
  return [...vec([[1, I32], [1, I64]].map(([k, ty]) => [k!, ty!])), ...i32c(0), ...set(i), ...forLoop(i, n, body), OP.end];
}

function nttBody(): number[] {
  // params: ptr 0, n 1, roots 2, wq 3 (w / q per root, f64), q 4, m0 5 (the first layer's block
  // count: 1, or 2^K after the scatter did K layers), reduce 6 (0: leave the values in [0, 4q),
  // which the multiply-accumulate takes as they are)
  // locals i32: m 7, gap 8, i 9, j 10, end 11, pj 12, pg 13; i64: w 14, u 15, x 16, v 17, s 18, q2 19, r 20; f64: wf 21
  const [ptr, n, roots, wq, q, m0, reduce, m, gap, i, j, end, pj, pg, w, u, x, v, s, q2, r, wf] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21] as const;
  // Harvey's lazy butterflies: values stay below 4q (< 2^46), one final pass reduces.
  const inner = [
    ...get(ptr), ...get(j), ...i32c(3), OP.i32shl, OP.i32add, ...tee(pj), ...get(gap), ...i32c(3), OP.i32shl, OP.i32add, ...set(pg),
    ...get(pj), ...load64, ...set(u), ...reduceOnce(u, q2), ...set(u),
    ...get(pg), ...load64, ...set(x),
    // v = x w - floor(x w / q) q in [0, 2q), the quotient estimated in doubles (see the header);
    // skipped for x = 0, common in the first layers of a histogram plaintext (a few hundred
    // non-zero coefficients of 8,192)
    ...get(x), OP.i64eqz, OP.if, I64, ...i64c(0n), OP.else,
    ...get(x), ...get(w), OP.i64mul,
    ...get(x), OP.convertI64S, ...get(wf), OP.f64mul, ...truncSatF64S, ...get(q), OP.i64mul, OP.i64sub, ...tee(r),
    ...get(q), OP.i64add, ...get(r), ...get(r), ...i64c(0n), OP.i64ltS, OP.select,
    OP.end, ...set(v),
    // a[j] = u + v, a[j + gap] = u - v + 2q, both in [0, 4q)
    ...get(pj), ...get(u), ...get(v), OP.i64add, ...store64,
    ...get(pg), ...get(u), ...get(q2), OP.i64add, ...get(v), OP.i64sub, ...store64,
  ];
  const final = [
    ...get(ptr), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...tee(pj), ...load64, ...set(s),
    ...reduceOnce(s, q2), ...set(s),
    ...get(pj), ...reduceOnce(s, q), ...store64,
  ];
  const perI = [
    ...get(roots), ...get(m), ...get(i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...load64, ...set(w),
    ...get(wq), ...get(m), ...get(i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...loadF64, ...set(wf),
    ...get(i), ...get(gap), OP.i32mul, ...i32c(1), OP.i32shl, ...tee(j), ...get(gap), OP.i32add, ...set(end),
    ...forLoop(j, end, inner),
  ];
  const perM = [...get(gap), ...i32c(1), OP.i32shrU, ...set(gap), ...i32c(0), ...set(i), ...forLoop(i, m, perI)];
  // for (m = 1; m < n; m <<= 1): forLoop increments by one, so this loop is written out.
  const outer = [
    OP.block, OP.void, OP.loop, OP.void, ...get(m), ...get(n), OP.i32geU, OP.brIf, 1, ...perM, ...get(m), ...i32c(1), OP.i32shl, ...set(m), OP.br, 0, OP.end, OP.end,
  ];
  return [...vec([[7, I32], [7, I64], [1, F64]]), ...get(q), ...get(q), OP.i64add, ...set(q2), ...get(n), ...get(m0), OP.i32divU, ...set(gap), ...get(m0), ...set(m), ...outer, ...get(reduce), OP.if, OP.void, ...i32c(0), ...set(i), ...forLoop(i, n, final), OP.end, OP.end];
}

function macBody(): number[] {
  // params: acc 0, ct 1, x 2, n 3, q 4, qinv 5 (1 / q, f64), off 6 (bytes from polynomial 0 to
  // polynomial 1 of acc and ct); locals i32: i 7, at 8; i64: a 9, b 10; f64: bq 11
  // Both polynomials of one prime in one pass: x (in [0, 4q): the transform's lazy output) is
  // read and turned into b / q once for the two products. The accumulator is lazy: each product
  // adds a b mod q + q in [0, 3q) unreduced (no compare or select per product); reduceLazy
  // brings it to [0, q) when read (WasmHistogramKernel counts the adds: 3q < 2^46, so 2^16 of
  // them stay far below 2^63).
  const [acc, ct, x, n, q, qinv, off, i, at, a, b, bq] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
  const product = (extra: number[]) => [
    ...get(acc), ...get(at), OP.i32add, ...extra,
    ...get(acc), ...get(at), OP.i32add, ...extra, ...load64,
    ...get(ct), ...get(at), OP.i32add, ...extra, ...load64, ...set(a),
    // a b - trunc(a (b / q)) q (mod 2^64): a b / q < 4q < 2^46, so it lies in [-q, 2q)
    ...get(a), ...get(b), OP.i64mul,
    ...get(a), OP.convertI64S, ...get(bq), OP.f64mul, ...truncSatF64S, ...get(q), OP.i64mul, OP.i64sub,
    ...get(q), OP.i64add, OP.i64add, ...store64,
  ];
  const body = [
    ...get(i), ...i32c(3), OP.i32shl, ...set(at),
    ...get(x), ...get(at), OP.i32add, ...load64, ...tee(b),
    OP.convertI64S, ...get(qinv), OP.f64mul, ...set(bq),
    ...product([]),
    ...product([...get(off), OP.i32add]),
  ];
  return [...vec([[2, I32], [2, I64], [1, F64]]), ...i32c(0), ...set(i), ...forLoop(i, n, body), OP.end];
}

function reduceLazyBody(): number[] {
  // params: ptr 0, count 1, q 2, rq 3 (1 / q, f64); locals i32: i 4, p 5; i64: v 6, r 7
  // v < 2^63 to v mod q: f64(v) is within 2^10 of v and v / q's estimate within 1 of the
  // quotient (q > 2^42), so v - k q lies in [-q, 2q); two selects bring it to [0, q).
  const [ptr, count, q, rq, i, p, v, r] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
  const body = [
    ...get(ptr), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...tee(p), ...load64, ...tee(v),
    ...get(v), OP.convertI64S, ...get(rq), OP.f64mul, ...truncSatF64S, ...get(q), OP.i64mul, OP.i64sub, ...tee(r),
    ...get(q), OP.i64add, ...get(r), ...get(r), ...i64c(0n), OP.i64ltS, OP.select, ...set(r),
    ...get(p), ...reduceOnce(r, q), ...store64,
  ];
  return [...vec([[2, I32], [2, I64]]), ...i32c(0), ...set(i), ...forLoop(i, count, body), OP.end];
}

function listBody(): number[] {
  // params: src 0 (f64 coefficients), n 1, minus 2 (t - 1), dst 3 (i32 entries); locals i32: i 4, c 5, e 6; f64: v 7
  // Writes the non-zero coefficients as entries 2 p + (1 if t - 1) and returns their count, or
  // -1 if a coefficient is other than 0, 1 and t - 1 (then the plaintext takes the lift).
  const [src, n, minus, dst, i, c, e, v] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
  const body = [
    ...get(src), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...loadF64, ...tee(v),
    ...f64c(0), OP.f64ne, OP.if, OP.void,
    ...get(v), ...f64c(1), OP.f64eq, OP.if, OP.void, ...get(i), ...i32c(1), OP.i32shl, ...set(e),
    OP.else, ...get(v), ...get(minus), OP.f64eq, OP.if, OP.void, ...get(i), ...i32c(1), OP.i32shl, ...i32c(1), OP.i32or, ...set(e),
    OP.else, ...i32c(-1), OP.return, OP.end, OP.end,
    ...get(dst), ...get(c), ...i32c(2), OP.i32shl, OP.i32add, ...get(e), ...store32,
    ...get(c), ...i32c(1), OP.i32add, ...set(c),
    OP.end,
  ];
  return [...vec([[3, I32], [1, F64]]), ...i32c(0), ...set(c), ...i32c(0), ...set(i), ...forLoop(i, n, body), ...get(c), OP.end];
}

function scatterBody(): number[] {
  // params: list 0 (i32 entries 2 p + sign), count 1, dst 2 (n u64, zeroed), shift 3 (log2 of
  // L = n / 2^K), kk 4 (2^K), mtab 5 (the K-layer matrix, row h = the image of X^(h L)), q 6
  // locals i32: k 7, r 8, row 9, d 10, step 11, neg 12, low 13, p 14; i64: e 15, s 16
  const [list, count, dst, shift, kk, mtab, q, k, r, row, d, step, neg, low, p, e, s] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] as const;
  const perR = [
    ...get(row), ...get(r), ...i32c(3), OP.i32shl, OP.i32add, ...load64, ...set(e),
    ...get(q), ...get(e), OP.i64sub, ...get(e), ...get(neg), OP.select, ...set(e),
    ...get(d), ...get(d), ...load64, ...get(e), OP.i64add, ...set(s), ...reduceOnce(s, q), ...store64,
    ...get(d), ...get(step), OP.i32add, ...set(d),
  ];
  const perEntry = [
    ...get(list), ...get(k), ...i32c(2), OP.i32shl, OP.i32add, ...load32, ...tee(p),
    ...i32c(1), OP.i32and, ...set(neg),
    ...get(p), ...i32c(1), OP.i32shrU, ...set(p),
    ...get(mtab), ...get(p), ...get(shift), OP.i32shrU, ...get(kk), OP.i32mul, ...i32c(3), OP.i32shl, OP.i32add, ...set(row),
    ...get(dst), ...get(p), ...get(low), OP.i32and, ...i32c(3), OP.i32shl, OP.i32add, ...set(d),
    ...i32c(0), ...set(r), ...forLoop(r, kk, perR),
  ];
  return [
    ...vec([[8, I32], [2, I64]]),
    ...i32c(1), ...get(shift), OP.i32shl, ...tee(step), ...i32c(1), OP.i32sub, ...set(low),
    ...get(step), ...i32c(3), OP.i32shl, ...set(step),
    ...i32c(0), ...set(k), ...forLoop(k, count, perEntry), OP.end,
  ];
}

/**
 * r = a c mod q for a < 4q, c < q, cq = c / q (f64): the quotient estimated in doubles as in the
 * header; leaves r in [0, 2q) on the stack (the butterflies' lazy range). a, c, r: local indices.
 */
function mulLazy(a: number, c: number, cq: number, q: number, r: number): number[] {
  return [
    ...get(a), ...get(c), OP.i64mul,
    ...get(a), OP.convertI64S, ...get(cq), OP.f64mul, ...truncSatF64S, ...get(q), OP.i64mul, OP.i64sub, ...tee(r),
    ...get(q), OP.i64add, ...get(r), ...get(r), ...i64c(0n), OP.i64ltS, OP.select,
  ];
}

function inttBody(): number[] {
  // params: ptr 0, n 1, iroots 2 (psi^-bitrev(i)), iwq 3 (their / q, f64), q 4, mLast 5 (the last
  // layer's block count: 1 for the whole inverse, n / s to stop before the layers whose gaps are
  // >= s, see foldBody); locals i32: m 6, gap 7, i 8, j 9, end 10, pj 11, pg 12;
  // i64: w 13, x 14, y 15, u 16, t 17, q2 18, r 19; f64: wf 20
  const [ptr, n, iroots, iwq, q, mLast, m, gap, i, j, end, pj, pg, w, x, y, u, t, q2, r, wf] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20] as const;
  // Gentleman-Sande butterflies undo the forward layers in reverse order: (x, y) -> (x + y,
  // (x - y) w^-1), values in [0, 2q); the factor 2 per layer (n in all) is removed by `scale`.
  const inner = [
    ...get(ptr), ...get(j), ...i32c(3), OP.i32shl, OP.i32add, ...tee(pj), ...get(gap), ...i32c(3), OP.i32shl, OP.i32add, ...set(pg),
    ...get(pj), ...load64, ...set(x),
    ...get(pg), ...load64, ...set(y),
    ...get(x), ...get(y), OP.i64add, ...set(u),
    ...get(pj), ...reduceOnce(u, q2), ...store64,
    ...get(x), ...get(q2), OP.i64add, ...get(y), OP.i64sub, ...set(t),
    ...get(pg), ...mulLazy(t, w, wf, q, r), ...store64,
  ];
  const perI = [
    ...get(iroots), ...get(m), ...get(i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...load64, ...set(w),
    ...get(iwq), ...get(m), ...get(i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...loadF64, ...set(wf),
    ...get(i), ...get(gap), OP.i32mul, ...i32c(1), OP.i32shl, ...tee(j), ...get(gap), OP.i32add, ...set(end),
    ...forLoop(j, end, inner),
  ];
  // for (m = n / 2, gap = 1; m >= mLast; m >>= 1, gap <<= 1): mLast >= 1 (the caller checks)
  const outer = [
    OP.block, OP.void, OP.loop, OP.void,
    ...get(m), ...get(mLast), OP.i32ltU, OP.brIf, 1,
    ...i32c(0), ...set(i), ...forLoop(i, m, perI),
    ...get(m), ...i32c(1), OP.i32shrU, ...set(m), ...get(gap), ...i32c(1), OP.i32shl, ...set(gap),
    OP.br, 0, OP.end, OP.end,
  ];
  return [...vec([[7, I32], [7, I64], [1, F64]]), ...get(q), ...get(q), OP.i64add, ...set(q2), ...get(n), ...i32c(1), OP.i32shrU, ...set(m), ...i32c(1), ...set(gap), ...outer, OP.end];
}

function scaleBody(): number[] {
  // params: ptr 0, count 1, c 2, cq 3 (c / q, f64), q 4; locals i32: i 5, p 6; i64: a 7, r 8
  // a = a c mod q, from [0, 2q) to [0, q)
  const [ptr, count, c, cq, q, i, p, a, r] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
  const body = [
    ...get(ptr), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...tee(p), ...load64, ...set(a),
    ...mulLazy(a, c, cq, q, r), ...set(r),
    ...get(p), ...reduceOnce(r, q), ...store64,
  ];
  return [...vec([[2, I32], [2, I64]]), ...i32c(0), ...set(i), ...forLoop(i, count, body), OP.end];
}

function foldBody(): number[] {
  // params: ptr 0, n 1, s 2, out 3, q 4; locals i32: k 5, p 6; i64: sum 7
  // out[k] = sum of a[p] over p = k mod s, reduced mod q: after the inverse layers of gaps < s,
  // the remaining layers reach the output's first s coefficients through their sums alone
  // (x + y at every step, never (x - y) w^-1), so coefficient k < s is that sum (times n^-1).
  // a[p] < 2q < 2^45 and at most 8,192 terms: the sum stays below 2^58.
  const [ptr, n, s, out, q, k, p, sum] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
  const inner = [
    OP.block, OP.void, OP.loop, OP.void, ...get(p), ...get(n), OP.i32geU, OP.brIf, 1,
    ...get(sum), ...get(ptr), ...get(p), ...i32c(3), OP.i32shl, OP.i32add, ...load64, OP.i64add, ...set(sum),
    ...get(p), ...get(s), OP.i32add, ...set(p), OP.br, 0, OP.end, OP.end,
  ];
  const body = [
    ...i64c(0n), ...set(sum), ...get(k), ...set(p), ...inner,
    ...get(out), ...get(k), ...i32c(3), OP.i32shl, OP.i32add, ...get(sum), ...get(q), OP.i64remU, ...store64,
  ];
  return [...vec([[2, I32], [1, I64]]), ...i32c(0), ...set(k), ...forLoop(k, s, body), OP.end];
}

function switchBody(): number[] {
  // params: cur 0 (prime j's residues, replaced), last 1 (the dropped prime's), count 2, qj 3,
  // qk 4, half 5 (qk >> 1), halfj 6 (half mod qj), inv 7 (qk^-1 mod qj), invq 8 (inv / qj, f64),
  // rq 9 (1 / qj, f64); locals i32: i 10, pc 11; i64: l 12, t 13, d 14, r 15
  // SEAL's divide_and_round_q_last (BFV's modulus switch), coefficient by coefficient:
  // l = (c_k + half) mod qk; t = (l mod qj - halfj) mod qj; c_j = (c_j - t) qk^-1 mod qj.
  const [cur, last, count, qj, qk, half, halfj, inv, invq, rq, i, pc, l, t, d, r] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] as const;
  const body = [
    ...get(last), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...load64, ...get(half), OP.i64add, ...set(l),
    ...reduceOnce(l, qk), ...set(l),
    // l mod qj: l < qk < 4 qj, the quotient estimated in doubles is within 1, so t in [-qj, 2qj)
    ...get(l), ...get(l), OP.convertI64S, ...get(rq), OP.f64mul, ...truncSatF64S, ...get(qj), OP.i64mul, OP.i64sub, ...tee(t),
    ...get(qj), OP.i64add, ...get(t), ...get(t), ...i64c(0n), OP.i64ltS, OP.select, ...set(t),
    ...reduceOnce(t, qj), ...get(halfj), OP.i64sub, ...tee(t),
    ...get(qj), OP.i64add, ...get(t), ...get(t), ...i64c(0n), OP.i64ltS, OP.select, ...set(t),
    ...get(cur), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...tee(pc), ...load64, ...get(t), OP.i64sub, ...tee(d),
    ...get(qj), OP.i64add, ...get(d), ...get(d), ...i64c(0n), OP.i64ltS, OP.select, ...set(d),
    ...mulLazy(d, inv, invq, qj, r), ...set(r),
    ...get(pc), ...reduceOnce(r, qj), ...store64,
  ];
  return [...vec([[2, I32], [4, I64]]), ...i32c(0), ...set(i), ...forLoop(i, count, body), OP.end];
}

function addBody(signedBytes: boolean): number[] {
  // params: dst 0, count 1, src 2 (residues in [0, q), or signed bytes |e| < q), q 3;
  // locals i32: i 4, p 5; i64: v 6. dst[i] = (dst[i] + src[i]) mod q.
  const [dst, count, src, q, i, p, v] = [0, 1, 2, 3, 4, 5, 6] as const;
  const addend = signedBytes
    ? [...get(src), ...get(i), OP.i32add, ...load8s64]
    : [...get(src), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...load64];
  const body = [
    ...get(dst), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...tee(p), ...load64, ...addend, OP.i64add, ...tee(v),
    ...get(q), OP.i64add, ...get(v), ...get(v), ...i64c(0n), OP.i64ltS, OP.select, ...set(v),
    ...get(p), ...reduceOnce(v, q), ...store64,
  ];
  return [...vec([[2, I32], [1, I64]]), ...i32c(0), ...set(i), ...forLoop(i, count, body), OP.end];
}

function pointwiseBody(): number[] {
  // params: dst 0 (a < 4q), src 1 (b < q), count 2, q 3, qinv 4 (1 / q, f64); locals i32: i 5,
  // p 6; i64: a 7, r 8. dst[i] = a b mod q, the quotient estimated as in macBody.
  const [dst, src, count, q, qinv, i, p, a, r] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
  const body = [
    ...get(dst), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...tee(p), ...load64, ...tee(a),
    ...get(src), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...load64, OP.i64mul,
    ...get(a), OP.convertI64S,
    ...get(src), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...load64, OP.convertI64S, ...get(qinv), OP.f64mul, OP.f64mul,
    ...truncSatF64S, ...get(q), OP.i64mul, OP.i64sub, ...tee(r),
    ...get(q), OP.i64add, ...get(r), ...get(r), ...i64c(0n), OP.i64ltS, OP.select, ...set(r),
    ...get(p), ...reduceOnce(r, q), ...store64,
  ];
  return [...vec([[2, I32], [2, I64]]), ...i32c(0), ...set(i), ...forLoop(i, count, body), OP.end];
}

// SIMD (two residues per v128, session 15). Wasm SIMD has i64x2 multiplies but no conversion
// between i64x2 and f64x2, so both go through the exponent of 2^52: for 0 <= x < 2^52,
// (x | bits(2^52)) read as a double is 2^52 + x exactly, and for 0 <= y < 2^51,
// bits(y + 2^52) - bits(2^52) is y rounded to the nearest integer. The quotient is then rounded
// rather than truncated: still within 1 of floor(a b / q), so a b - k q lies in [-q, q) and one
// compare-and-add brings it to [0, q).
const V128 = 0x7b;
const simd = (op: number) => [0xfd, ...uleb(op)];
const SIMD = {
  load: [...simd(0x00), 3, 0], store: [...simd(0x0b), 3, 0],
  i64splat: simd(0x12), f64splat: simd(0x14),
  and: simd(0x4e), or: simd(0x50),
  i64add: simd(206), i64sub: simd(209), i64mul: simd(213), i64ltS: simd(216),
  f64add: simd(240), f64sub: simd(241), f64mul: simd(242),
} as const;
const shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes];
/** Lane 0 of each operand: (a0, b0); lane 1 of each: (a1, b1). */
const LOW_LANES = shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
const HIGH_LANES = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]);
const EXP52 = 0x4330000000000000n;

/** Sets the SIMD constants' locals: Q (q in both lanes), Q2 (2q; skipped when undefined), MI (the bits of 2^52), MF (2^52). */
function simdConstants(q: number, Q: number, Q2: number | undefined, MI: number, MF: number): number[] {
  return [
    ...get(q), ...SIMD.i64splat, ...set(Q),
    ...(Q2 === undefined ? [] : [...get(q), ...get(q), OP.i64add, ...SIMD.i64splat, ...set(Q2)]),
    ...i64c(EXP52), ...SIMD.i64splat, ...set(MI),
    ...f64c(2 ** 52), ...SIMD.f64splat, ...set(MF),
  ];
}

/** The vector x (lanes < 2^52) as doubles. */
const toF64 = (x: number, MI: number, MF: number) => [...get(x), ...get(MI), ...SIMD.or, ...get(MF), ...SIMD.f64sub];
/** The doubles on the stack (lanes in [0, 2^51)) rounded to integers. */
const roundToI64 = (MI: number, MF: number) => [...get(MF), ...SIMD.f64add, ...get(MI), ...SIMD.i64sub];
/** Leaves v mod c for v in [0, 2c) on the stack (c's lanes equal); v, tmp: v128 locals. */
const reduceVec = (v: number, c: number, tmp: number, zero: number) => [
  ...get(v), ...get(c), ...SIMD.i64sub, ...tee(tmp), ...get(tmp), ...get(zero), ...SIMD.i64ltS, ...get(c), ...SIMD.and, ...SIMD.i64add,
];

/** The locals a SIMD layer loop uses (indices into its function's locals). */
interface SimdLayerLocals {
  readonly ptr: number; readonly roots: number; readonly wq: number; readonly m: number; readonly gap: number;
  readonly i: number; readonly j: number; readonly end: number; readonly pj: number; readonly pg: number;
  readonly W: number; readonly WF: number; readonly A: number; readonly B: number;
  /** What the butterfly reads: the lower and the upper element of each pair. */
  readonly lo: number; readonly hi: number;
}

/**
 * One layer's loops around a butterfly that reads `lo`, `hi` and twiddles W, WF and leaves its
 * results in A, B: `wide` for gap >= 2 (lanes j, j + 1 of one twiddle, per twiddle i < m), `pairs`
 * for gap 1 (elements 2i, 2i + 1 of twiddle m + i and 2i + 2, 2i + 3 of twiddle m + i + 1, brought
 * into lanes by shuffles; i steps by 2). The forward and the inverse transform share them.
 */
function simdLayer(l: SimdLayerLocals, butterfly: number[]): { wide: number[]; pairs: number[] } {
  const inner = [
    ...get(l.ptr), ...get(l.j), ...i32c(3), OP.i32shl, OP.i32add, ...tee(l.pj), ...get(l.gap), ...i32c(3), OP.i32shl, OP.i32add, ...set(l.pg),
    ...get(l.pj), ...SIMD.load, ...set(l.lo), ...get(l.pg), ...SIMD.load, ...set(l.hi),
    ...butterfly,
    ...get(l.pj), ...get(l.A), ...SIMD.store, ...get(l.pg), ...get(l.B), ...SIMD.store,
  ];
  const wide = [
    ...get(l.roots), ...get(l.m), ...get(l.i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...load64, ...SIMD.i64splat, ...set(l.W),
    ...get(l.wq), ...get(l.m), ...get(l.i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...loadF64, ...SIMD.f64splat, ...set(l.WF),
    ...get(l.i), ...get(l.gap), OP.i32mul, ...i32c(1), OP.i32shl, ...tee(l.j), ...get(l.gap), OP.i32add, ...set(l.end),
    ...forStep(l.j, l.end, 2, inner),
  ];
  const pairs = [
    ...get(l.roots), ...get(l.m), ...get(l.i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...SIMD.load, ...set(l.W),
    ...get(l.wq), ...get(l.m), ...get(l.i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...SIMD.load, ...set(l.WF),
    ...get(l.ptr), ...get(l.i), ...i32c(4), OP.i32shl, OP.i32add, ...tee(l.pj), ...SIMD.load, ...set(l.A),
    ...get(l.pj), ...i32c(16), OP.i32add, ...tee(l.pg), ...SIMD.load, ...set(l.B),
    ...get(l.A), ...get(l.B), ...LOW_LANES, ...set(l.lo), ...get(l.A), ...get(l.B), ...HIGH_LANES, ...set(l.hi),
    ...butterfly,
    ...get(l.pj), ...get(l.A), ...get(l.B), ...LOW_LANES, ...SIMD.store,
    ...get(l.pg), ...get(l.A), ...get(l.B), ...HIGH_LANES, ...SIMD.store,
  ];
  return { wide: forLoop(l.i, l.m, wide), pairs: forStep(l.i, l.m, 2, pairs) };
}

function nttSimdBody(): number[] {
  // The same transform as nttBody (params ptr 0, n 1, roots 2, wq 3, q 4, m0 5, reduce 6), two
  // butterflies at a time: lanes j, j + 1 of one twiddle while gap >= 2; in the last layer
  // (gap 1) the pairs of two neighbouring twiddles, brought into lanes by shuffles.
  // locals i32: m 7, gap 8, i 9, j 10, end 11, pj 12, pg 13; v128: W 14, WF 15, Q 16, Q2 17,
  // MI 18, MF 19, U 20, X 21, T 22, R 23, ZERO 24 (never set), A 25, B 26
  const [ptr, n, roots, wq, q, m0, reduce, m, gap, i, j, end, pj, pg, W, WF, Q, Q2, MI, MF, U, X, T, R, ZERO, A, B] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26] as const;
  // U in [0, 4q), X in [0, 4q) -> U + R and U - R + 2q in [0, 4q), R = X w mod q in [0, q).
  const butterfly = [
    ...reduceVec(U, Q2, T, ZERO), ...set(U),
    ...get(X), ...get(W), ...SIMD.i64mul,
    ...toF64(X, MI, MF), ...get(WF), ...SIMD.f64mul, ...roundToI64(MI, MF), ...get(Q), ...SIMD.i64mul, ...SIMD.i64sub, ...tee(R),
    ...get(R), ...get(ZERO), ...SIMD.i64ltS, ...get(Q), ...SIMD.and, ...SIMD.i64add, ...set(R),
    ...get(U), ...get(R), ...SIMD.i64add, ...set(A),
    ...get(U), ...get(Q2), ...SIMD.i64add, ...get(R), ...SIMD.i64sub, ...set(B),
  ];
  const layer = simdLayer({ ptr, roots, wq, m, gap, i, j, end, pj, pg, W, WF, A, B, lo: U, hi: X }, butterfly);
  const perM = [
    ...get(gap), ...i32c(1), OP.i32shrU, ...set(gap), ...i32c(0), ...set(i),
    ...get(gap), ...i32c(2), OP.i32geU, OP.if, OP.void, ...layer.wide, OP.else, ...layer.pairs, OP.end,
  ];
  const outer = [
    OP.block, OP.void, OP.loop, OP.void, ...get(m), ...get(n), OP.i32geU, OP.brIf, 1, ...perM, ...get(m), ...i32c(1), OP.i32shl, ...set(m), OP.br, 0, OP.end, OP.end,
  ];
  const final = [
    ...get(ptr), ...get(i), ...i32c(3), OP.i32shl, OP.i32add, ...tee(pj), ...SIMD.load, ...set(U),
    ...reduceVec(U, Q2, T, ZERO), ...set(U), ...get(pj), ...reduceVec(U, Q, T, ZERO), ...SIMD.store,
  ];
  return [
    ...vec([[7, I32], [13, V128]]), ...simdConstants(q, Q, Q2, MI, MF),
    ...get(n), ...get(m0), OP.i32divU, ...set(gap), ...get(m0), ...set(m), ...outer,
    ...get(reduce), OP.if, OP.void, ...i32c(0), ...set(i), ...forStep(i, n, 2, final), OP.end, OP.end,
  ];
}

function inttSimdBody(): number[] {
  // inttBody two butterflies at a time (params ptr 0, n 1, iroots 2, iwq 3, q 4, mLast 5): lanes
  // j, j + 1 of one twiddle while gap >= 2; the first layer (gap 1) pairs neighbouring twiddles
  // by shuffles, as nttSimdBody's last. Values stay in [0, 2q).
  // locals i32: m 6, gap 7, i 8, j 9, end 10, pj 11, pg 12; v128: W 13, WF 14, Q 15, Q2 16,
  // MI 17, MF 18, X 19, Y 20, T 21, R 22, ZERO 23 (never set), A 24, B 25
  const [ptr, n, iroots, iwq, q, mLast, m, gap, i, j, end, pj, pg, W, WF, Q, Q2, MI, MF, X, Y, T, R, ZERO, A, B] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25] as const;
  // (X, Y) -> A = X + Y mod 2q, B = (X - Y + 2q) w^-1 mod q
  const butterfly = [
    ...get(X), ...get(Y), ...SIMD.i64add, ...set(A), ...reduceVec(A, Q2, T, ZERO), ...set(A),
    ...get(X), ...get(Q2), ...SIMD.i64add, ...get(Y), ...SIMD.i64sub, ...set(T),
    ...get(T), ...get(W), ...SIMD.i64mul,
    ...toF64(T, MI, MF), ...get(WF), ...SIMD.f64mul, ...roundToI64(MI, MF), ...get(Q), ...SIMD.i64mul, ...SIMD.i64sub, ...tee(R),
    ...get(R), ...get(ZERO), ...SIMD.i64ltS, ...get(Q), ...SIMD.and, ...SIMD.i64add, ...set(B),
  ];
  const layer = simdLayer({ ptr, roots: iroots, wq: iwq, m, gap, i, j, end, pj, pg, W, WF, A, B, lo: X, hi: Y }, butterfly);
  const outer = [
    OP.block, OP.void, OP.loop, OP.void,
    ...get(m), ...get(mLast), OP.i32ltU, OP.brIf, 1,
    ...i32c(0), ...set(i),
    ...get(gap), ...i32c(2), OP.i32geU, OP.if, OP.void, ...layer.wide, OP.else, ...layer.pairs, OP.end,
    ...get(m), ...i32c(1), OP.i32shrU, ...set(m), ...get(gap), ...i32c(1), OP.i32shl, ...set(gap),
    OP.br, 0, OP.end, OP.end,
  ];
  return [
    ...vec([[7, I32], [13, V128]]), ...simdConstants(q, Q, Q2, MI, MF),
    ...get(n), ...i32c(1), OP.i32shrU, ...set(m), ...i32c(1), ...set(gap), ...outer, OP.end,
  ];
}

function macSimdBody(): number[] {
  // macBody two coefficients at a time (params acc 0, ct 1, x 2, n 3, q 4, qinv 5, off 6): each
  // product adds a b mod q + q in [0, 2q), b in [0, 4q) from the lazy transform.
  // locals i32: i 7, at 8; v128: Q 9, QI 10, MI 11, MF 12, Bv 13, BQ 14, Av 15
  const [acc, ct, x, n, q, qinv, off, i, at, Q, QI, MI, MF, Bv, BQ, Av] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] as const;
  const product = (extra: number[]) => [
    ...get(acc), ...get(at), OP.i32add, ...extra,
    ...get(acc), ...get(at), OP.i32add, ...extra, ...SIMD.load,
    ...get(ct), ...get(at), OP.i32add, ...extra, ...SIMD.load, ...set(Av),
    ...get(Av), ...get(Bv), ...SIMD.i64mul,
    ...toF64(Av, MI, MF), ...get(BQ), ...SIMD.f64mul, ...roundToI64(MI, MF), ...get(Q), ...SIMD.i64mul, ...SIMD.i64sub,
    ...get(Q), ...SIMD.i64add, ...SIMD.i64add, ...SIMD.store,
  ];
  const body = [
    ...get(i), ...i32c(3), OP.i32shl, ...set(at),
    ...get(x), ...get(at), OP.i32add, ...SIMD.load, ...set(Bv),
    ...toF64(Bv, MI, MF), ...get(QI), ...SIMD.f64mul, ...set(BQ),
    ...product([]),
    ...product([...get(off), OP.i32add]),
  ];
  return [
    ...vec([[2, I32], [7, V128]]), ...simdConstants(q, Q, undefined, MI, MF),
    ...get(qinv), ...SIMD.f64splat, ...set(QI),
    ...i32c(0), ...set(i), ...forStep(i, n, 2, body), OP.end,
  ];
}

/** The module; with `simd`, also nttSimd, macSimd and inttSimd (an engine without Wasm SIMD rejects those). */
function moduleBytes(simd: boolean): Uint8Array {
  const types = vec([
    [0x60, ...vec([[I32], [I32], [I32], [I64], [I64], [I64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I64], [I32], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I64], [F64], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [F64], [I32]]), ...vec([[I32]])],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I64], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [I64], [F64], [I64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I64], [I64], [I64], [I64], [I64], [F64], [F64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I64]]), 0],
    [0x60, ...vec([[I32], [I32], [I64], [F64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I64], [F64]]), 0],
  ]);
  const funcs = vec([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9], [9], [10], [11], ...(simd ? [[1], [2], [5]] : [])]);
  const memory = vec([[0x00, ...uleb(16)]]);
  const exports = vec([
    [...name('memory'), 0x02, 0],
    [...name('lift'), 0x00, 0],
    [...name('ntt'), 0x00, 1],
    [...name('mac'), 0x00, 2],
    [...name('list'), 0x00, 3],
    [...name('scatter'), 0x00, 4],
    [...name('intt'), 0x00, 5],
    [...name('scale'), 0x00, 6],
    [...name('fold'), 0x00, 7],
    [...name('switchDown'), 0x00, 8],
    [...name('addResidues'), 0x00, 9],
    [...name('addSmall'), 0x00, 10],
    [...name('reduceLazy'), 0x00, 11],
    [...name('pointwise'), 0x00, 12],
    ...(simd ? [[...name('nttSimd'), 0x00, 13], [...name('macSimd'), 0x00, 14], [...name('inttSimd'), 0x00, 15]] : []),
  ]);
  const bodies = [liftBody(), nttBody(), macBody(), listBody(), scatterBody(), inttBody(), scaleBody(), foldBody(), switchBody(), addBody(false), addBody(true), reduceLazyBody(), pointwiseBody(), ...(simd ? [nttSimdBody(), macSimdBody(), inttSimdBody()] : [])].map((b) => [...uleb(b.length), ...b]);
  const code = vec(bodies);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, types), ...section(3, funcs), ...section(5, memory), ...section(7, exports), ...section(10, code)]);
}

interface Exports {
  readonly memory: { buffer: ArrayBuffer; grow(pages: number): number };
  lift(src: number, dst: number, n: number, q: bigint, t: bigint, threshold: bigint): void;
  ntt(ptr: number, n: number, roots: number, wq: number, q: bigint, m0: number, reduce: number): void;
  mac(acc: number, ct: number, x: number, n: number, q: bigint, qinv: number, off: number): void;
  list(src: number, n: number, minus: number, dst: number): number;
  scatter(list: number, count: number, dst: number, shift: number, kk: number, mtab: number, q: bigint): void;
  intt(ptr: number, n: number, iroots: number, iwq: number, q: bigint, mLast: number): void;
  scale(ptr: number, count: number, c: bigint, cq: number, q: bigint): void;
  fold(ptr: number, n: number, s: number, out: number, q: bigint): void;
  switchDown(cur: number, last: number, count: number, qj: bigint, qk: bigint, half: bigint, halfj: bigint, inv: bigint, invq: number, rq: number): void;
  addResidues(dst: number, count: number, src: number, q: bigint): void;
  addSmall(dst: number, count: number, src: number, q: bigint): void;
  reduceLazy(ptr: number, count: number, q: bigint, rq: number): void;
  pointwise(dst: number, src: number, count: number, q: bigint, qinv: number): void;
  /** ntt, mac and intt, two coefficients at a time (absent where the engine has no Wasm SIMD). */
  nttSimd?: Exports['ntt'];
  macSimd?: Exports['mac'];
  inttSimd?: Exports['intt'];
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}

let compiled: object | undefined;

/** Whether this engine runs the SIMD transform and multiply-accumulate (V8 needs SSE4.1 for Wasm SIMD). */
export function wasmSimdAvailable(): boolean {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  return wasm.validate(moduleBytes(true));
}

/** A fresh instance (its own memory): one per kernel, so threads and levels never share one. */
export function instantiateNttWasm(): Exports {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  compiled ??= new wasm.Module(moduleBytes(wasmSimdAvailable()));
  return new wasm.Instance(compiled, {}).exports as Exports;
}

const PAGE = 65536;

/** Products a lazy accumulator takes before it is reduced: each adds < 3q < 2^46, so < 2^62 in all. */
const LAZY_ADDS = 1 << 16;


/** Layers a sparse plaintext may skip by scattering (./ntt-rns.ts firstLayersMatrix). */
const MIN_SCATTER = 2;
const MAX_SCATTER = 7;
/**
 * Scattering a non-zero through K layers costs 2^K additions; a layer of butterflies n / 2.
 * One more layer pays while nnz 2^K < SCATTER_RATIO n / 2 (the butterfly costs about this many
 * additions; tuned with bench/trees-kernel.ts).
 */
const SCATTER_RATIO = 1.5;

const SCATTER_RANGE = Array.from({ length: MAX_SCATTER - MIN_SCATTER + 1 }, (_, i) => MIN_SCATTER + i);

/** How many first layers to scatter a plaintext of `nnz` coefficients 0 / +-1 through (0: none, the non-zeros only placed). */
export function scatterLayers(nnz: number, n: number): number {
  let k = 0;
  for (let layers = MIN_SCATTER; layers <= MAX_SCATTER; layers++) if (nnz * 2 ** (layers - 1) < (SCATTER_RATIO * n) / 2) k = layers;
  return k;
}

/**
 * One level's histogram products in WASM: twiddles of its primes (SEAL's, from ./ntt-rns.ts),
 * accumulators per bin group. Use: begin(groups), then per chunk chunk(bytes) and add(g, x) per
 * group, then result(g). Not thread-safe; one per worker thread and level.
 */
export class WasmHistogramKernel {
  readonly #wasm = instantiateNttWasm();
  /** Byte offset of prime j's matrix for K scattered layers: #matrices[j][K]. */
  readonly #matrices: number[][] = [];
  readonly #n: number;
  readonly #k: number;
  readonly #q: bigint[];
  readonly #qinv: number[];
  readonly #t: bigint;
  readonly #threshold: bigint;
  // Byte offsets of the regions.
  readonly #roots: number;
  readonly #wq: number;
  readonly #input: number;
  readonly #x: number;
  readonly #ct: number;
  readonly #acc: number;
  /** A plaintext's non-zero coefficients as i32 entries 2 p + (1 for t - 1). */
  readonly #entries: number;
  readonly #tMinus1: number;
  // The share's finish (finishShare): inverse twiddles psi^-bitrev(i) and their / q, n^-1 per
  // prime, c0's first coefficients (the share's and the zero's), the zero's product and the
  // public key it multiplies, the errors as signed bytes.
  readonly #iroots: number;
  readonly #iwq: number;
  readonly #nInv: bigint[];
  readonly #nInvQ: number[];
  readonly #c0: number;
  readonly #zeroC0: number;
  readonly #zero: number;
  readonly #pk: number;
  readonly #small: number;
  #pkLoaded: Uint8Array | undefined;
  /** The key holder's decryption (prefixProducts): the secret key in NTT form per prime, and which key it is. */
  readonly #secret: number;
  #secretLoaded: Int8Array | undefined;
  #groups = 0;
  #touched: boolean[] = [];
  /** Products added to each group's accumulator since it was last reduced (macBody's bound). */
  #lazyAdds: number[] = [];

  /** `lazyAdds`: products an accumulator takes before it is reduced (tests make it small). */
  /** The transforms and multiply-accumulate in use: the SIMD ones where the engine has them, else the scalar ones. */
  readonly #ntt: Exports['ntt'];
  readonly #mac: Exports['mac'];
  readonly #intt: Exports['intt'];
  /** Whether this kernel runs the SIMD pair. */
  readonly simd: boolean;

  /**
   * `lazyAdds`: products an accumulator takes before it is reduced (tests lower it); `simd`: false
   * forces the scalar transform and multiply-accumulate (the tests compare the two).
   */
  constructor(tables: readonly PrimeTables[], plainModulus: number, private readonly lazyAdds = LAZY_ADDS, simd = true) {
    const w = this.#wasm;
    this.simd = simd && w.nttSimd !== undefined && w.macSimd !== undefined && w.inttSimd !== undefined;
    this.#ntt = this.simd ? w.nttSimd!.bind(w) : w.ntt.bind(w);
    this.#mac = this.simd ? w.macSimd!.bind(w) : w.mac.bind(w);
    this.#intt = this.simd ? w.inttSimd!.bind(w) : w.intt.bind(w);
    this.#k = tables.length;
    this.#n = tables[0]!.roots.length;
    this.#q = tables.map((t) => BigInt(t.q));
    this.#qinv = tables.map((t) => 1 / t.q);
    this.#t = BigInt(plainModulus);
    this.#threshold = (this.#t + 1n) / 2n;
    const poly = 8 * this.#n;
    this.#roots = 0;
    this.#wq = this.#k * poly;
    this.#input = 2 * this.#k * poly;
    this.#x = this.#input + poly;
    this.#ct = this.#x + this.#k * poly;
    this.#tMinus1 = plainModulus - 1;
    let at = this.#ct + 2 * this.#k * poly;
    for (let j = 0; j < this.#k; j++) {
      const offsets: number[] = [];
      for (const layers of [0, ...SCATTER_RANGE]) {
        offsets[layers] = at;
        at += 8 * 4 ** layers;
      }
      this.#matrices.push(offsets);
    }
    this.#entries = at;
    at += 4 * this.#n;
    this.#iroots = at;
    this.#iwq = at + this.#k * poly;
    this.#c0 = this.#iwq + this.#k * poly;
    this.#zeroC0 = this.#c0 + this.#k * poly;
    this.#zero = this.#zeroC0 + this.#k * poly;
    this.#pk = this.#zero + 2 * this.#k * poly;
    this.#small = this.#pk + 2 * this.#k * poly;
    this.#secret = this.#small + 2 * this.#n;
    at = this.#secret + this.#k * poly;
    this.#acc = at;
    this.#ensure(this.#acc);
    const memory = new BigUint64Array(this.#wasm.memory.buffer);
    tables.forEach((t, j) => {
      for (const layers of [0, ...SCATTER_RANGE]) {
        const matrix = layers === 0 ? Float64Array.of(1) : firstLayersMatrix(t, layers);
        const base = this.#matrices[j]![layers]! / 8;
        for (let e = 0; e < matrix.length; e++) memory[base + e] = BigInt(matrix[e]!);
      }
    });
    const words = new BigUint64Array(this.#wasm.memory.buffer);
    const ratios = new Float64Array(this.#wasm.memory.buffer);
    tables.forEach((t, j) => {
      for (let i = 0; i < this.#n; i++) {
        words[j * this.#n + i] = BigInt(t.roots[i]!);
        ratios[(this.#k + j) * this.#n + i] = t.roots[i]! / t.q;
      }
    });
    // roots[i] = psi^bitrev(i), so roots[n / 2] = psi; its inverse's powers give psi^-bitrev(i).
    const bits = Math.log2(this.#n);
    this.#nInv = [];
    this.#nInvQ = [];
    tables.forEach((t, j) => {
      const q = BigInt(t.q);
      const psiInv = powMod(BigInt(t.roots[this.#n / 2]!), q - 2n, q);
      const powers = new Array<bigint>(this.#n);
      let p = 1n;
      for (let i = 0; i < this.#n; i++) {
        powers[i] = p;
        p = (p * psiInv) % q;
      }
      const base = this.#iroots / 8 + j * this.#n;
      for (let i = 0; i < this.#n; i++) {
        const w = powers[bitReverse(i, bits)]!;
        words[base + i] = w;
        ratios[base + this.#k * this.#n + i] = Number(w) / t.q;
      }
      const nInv = powMod(BigInt(this.#n), q - 2n, q);
      this.#nInv.push(nInv);
      this.#nInvQ.push(Number(nInv) / t.q);
    });
  }

  #ensure(bytes: number): void {
    const have = this.#wasm.memory.buffer.byteLength;
    if (bytes > have) this.#wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  get #ctBytes(): number {
    return 2 * this.#k * 8 * this.#n;
  }

  /** Zeroed accumulators for `groups` bin groups. */
  begin(groups: number): void {
    this.#ensure(this.#acc + groups * this.#ctBytes);
    new Uint8Array(this.#wasm.memory.buffer, this.#acc, groups * this.#ctBytes).fill(0);
    this.#groups = groups;
    this.#touched = new Array<boolean>(groups).fill(false);
    this.#lazyAdds = new Array<number>(groups).fill(0);
  }

  /** Group g's accumulator reduced to [0, q) in place (the multiply-accumulate leaves it lazy). */
  #reduce(g: number): void {
    const poly = 8 * this.#n;
    const acc = this.#acc + g * this.#ctBytes;
    for (let p = 0; p < 2; p++) {
      for (let j = 0; j < this.#k; j++) this.#wasm.reduceLazy(acc + (p * this.#k + j) * poly, this.#n, this.#q[j]!, this.#qinv[j]!);
    }
    this.#lazyAdds[g] = 0;
  }

  /** The next chunk: SEAL's NTT-form ciphertext data (u64 residues, polynomial, prime, coefficient). */
  chunk(data: Uint8Array): void {
    if (data.length !== this.#ctBytes) throw new RangeError(`an NTT-form chunk at this level is ${this.#ctBytes} bytes of residues, got ${data.length}`);
    new Uint8Array(this.#wasm.memory.buffer, this.#ct, data.length).set(data);
  }

  /**
   * Lift and transform a plaintext into the scratch area; returns its residues' bytes (k x n u64).
   * A histogram plaintext (every coefficient 0, 1 or t - 1, a few hundred of 8,192 non-zero)
   * skips its first layers: its non-zeros are scattered through firstLayersMatrix
   * (scatterLayers chooses how many; `layers` forces it, for the tests), the rest is the same NTT.
   */
  transform(coefficients: Float64Array, layers?: number): Uint8Array {
    this.#transform(coefficients, layers, true);
    return new Uint8Array(this.#wasm.memory.buffer, this.#x, this.#k * 8 * this.#n);
  }

  /** transform(), its output fully reduced or (`reduce` false, for the multiply-accumulate) left in [0, 4q). */
  #transform(coefficients: Float64Array, layers: number | undefined, reduce: boolean): void {
    if (coefficients.length > this.#n) throw new RangeError(`a plaintext has at most ${this.#n} coefficients, got ${coefficients.length}`);
    const input = new Float64Array(this.#wasm.memory.buffer, this.#input, this.#n);
    input.set(coefficients);
    input.fill(0, coefficients.length);
    const count = this.#wasm.list(this.#input, this.#n, this.#tMinus1, this.#entries);
    if (count >= 0) return this.#transformEntries(count, layers, reduce);
    const poly = 8 * this.#n;
    for (let j = 0; j < this.#k; j++) {
      const x = this.#x + j * poly;
      this.#wasm.lift(this.#input, x, this.#n, this.#q[j]!, this.#t, this.#threshold);
      this.#ntt(x, this.#n, this.#roots + j * poly, this.#wq + j * poly, this.#q[j]!, 1, reduce ? 1 : 0);
    }
  }

  /** The NTT of the 0 / +-1 plaintext whose `count` non-zeros are in the entries region. */
  #transformEntries(count: number, layers: number | undefined, reduce: boolean): void {
    const scatter = layers ?? scatterLayers(count, this.#n);
    if (scatter !== 0 && !(Number.isInteger(scatter) && scatter >= MIN_SCATTER && scatter <= MAX_SCATTER)) throw new RangeError(`layers to scatter must be 0 or ${MIN_SCATTER}..${MAX_SCATTER}, got ${scatter}`);
    const poly = 8 * this.#n;
    const bits = Math.log2(this.#n);
    for (let j = 0; j < this.#k; j++) {
      const x = this.#x + j * poly;
      new Uint8Array(this.#wasm.memory.buffer, x, poly).fill(0);
      this.#wasm.scatter(this.#entries, count, x, bits - scatter, 2 ** scatter, this.#matrices[j]![scatter]!, this.#q[j]!);
      this.#ntt(x, this.#n, this.#roots + j * poly, this.#wq + j * poly, this.#q[j]!, 2 ** scatter, reduce ? 1 : 0);
    }
  }

  /** acc[g] += chunk * x (x: residues mod t, the group's plaintext for this chunk). */
  add(g: number, coefficients: Float64Array): void {
    if (!(g >= 0 && g < this.#groups)) throw new RangeError(`group ${g} outside 0..${this.#groups - 1}`);
    this.#transform(coefficients, undefined, false);
    this.#accumulate(g);
  }

  /**
   * add() for a histogram plaintext given by its non-zeros (bfv-histogram.ts histogramEntries:
   * 2 p + 1 for coefficient p = t - 1, 2 p for p = 1): no dense plaintext is made or scanned.
   */
  addEntries(g: number, entries: Int32Array): void {
    if (!(g >= 0 && g < this.#groups)) throw new RangeError(`group ${g} outside 0..${this.#groups - 1}`);
    if (entries.length > this.#n) throw new RangeError(`a plaintext has at most ${this.#n} non-zeros, got ${entries.length}`);
    const limit = 2 * this.#n;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!(e >= 0 && e < limit)) throw new RangeError(`entry ${i} (${e}) is not a coefficient of a degree-${this.#n} plaintext`);
    }
    new Int32Array(this.#wasm.memory.buffer, this.#entries, entries.length).set(entries);
    this.#transformEntries(entries.length, undefined, false);
    this.#accumulate(g);
  }

  #accumulate(g: number): void {
    const poly = 8 * this.#n;
    const acc = this.#acc + g * this.#ctBytes;
    for (let j = 0; j < this.#k; j++) {
      this.#mac(acc + j * poly, this.#ct + j * poly, this.#x + j * poly, this.#n, this.#q[j]!, this.#qinv[j]!, this.#k * poly);
    }
    this.#touched[g] = true;
    if (++this.#lazyAdds[g]! >= this.lazyAdds) this.#reduce(g);
  }

  /**
   * A ciphertext's residues ((low, high) u32 pairs, polynomial, prime, coefficient, each below
   * its prime) to NTT form: the data SEAL's cipherTransformToNtt saves. A copy.
   */
  transformCiphertext(words: Uint32Array): Uint8Array {
    if (words.length !== this.#ctBytes / 4) throw new RangeError(`a ciphertext at this level is ${this.#ctBytes / 8} residues, got ${words.length / 2}`);
    new Uint32Array(this.#wasm.memory.buffer, this.#ct, words.length).set(words);
    const poly = 8 * this.#n;
    for (let p = 0; p < 2; p++) {
      for (let j = 0; j < this.#k; j++) this.#ntt(this.#ct + (p * this.#k + j) * poly, this.#n, this.#roots + j * poly, this.#wq + j * poly, this.#q[j]!, 1, 1);
    }
    return new Uint8Array(this.#wasm.memory.buffer, this.#ct, this.#ctBytes).slice();
  }

  /** Whether any chunk had a row in group g (else its accumulator is zero and result(g) undefined). */
  touched(g: number): boolean {
    return this.#touched[g] === true;
  }

  /**
   * Group g's accumulated product as a prefix share's residues one level down, what SEAL's
   * inverse NTT, modulus switch and add of a fresh public-key encryption of zero make, computed
   * here (docs/design/secureboost.md section 3: "switch to the lowest level, then re-randomize"):
   * - c1 (all n coefficients): the inverse NTT of every prime, SEAL's divide-and-round by the
   *   last prime, plus pk1 u + e2;
   * - c0: only its first `stride` coefficients leave (the prefix share), so only those are
   *   computed: the inverse layers of gaps < stride, then sums (foldBody), then the same switch,
   *   plus pk0 u + e1.
   * `pk`: the public key's NTT-form data at the primes below (polynomial, prime, coefficient);
   * `u`: the zero's ternary u as entries (2 p for +1, 2 p + 1 for -1); `errors`: e1 (stride
   * values) then e2 (n). Returns c0[j][k] and c1 as (low, high) u32 pairs, prime by prime; the
   * caller adds the masks (they need the plaintext scaling) and packs. Consumes group g's
   * accumulator (a second call would finish garbage; begin() starts over).
   */
  finishShare(g: number, stride: number, pk: Uint8Array, u: Int32Array, errors: Int8Array): { c0: Float64Array; c1: Uint32Array } {
    const n = this.#n;
    const k = this.#k;
    const low = k - 1;
    if (!this.#touched[g]) throw new RangeError(`group ${g} has no accumulated product to finish`);
    if (low < 1) throw new RangeError('finishShare switches one level down: this level has a single prime');
    checkStride(stride, n);
    if (pk.length !== 2 * low * 8 * n) throw new RangeError(`the public key at ${low} primes is ${2 * low * 8 * n} bytes of residues, got ${pk.length}`);
    if (errors.length !== stride + n) throw new RangeError(`a share's errors are ${stride} + ${n} values, got ${errors.length}`);
    if (u.length > n) throw new RangeError(`u has at most ${n} non-zeros, got ${u.length}`);
    const w = this.#wasm;
    const poly = 8 * n;
    const acc = this.#acc + g * this.#ctBytes;
    this.#reduce(g);
    const c0At = (j: number) => this.#c0 + j * 8 * stride;
    const zeroC0At = (j: number) => this.#zeroC0 + j * 8 * stride;
    // The product, coefficient form: c1 whole, c0's first coefficients.
    for (let j = 0; j < k; j++) {
      this.#inverse(acc + (k + j) * poly, j);
      this.#firstCoefficients(acc + j * poly, j, stride, c0At(j));
    }
    // Down one level: divide and round by the last prime.
    const qk = this.#q[low]!;
    const half = qk >> 1n;
    for (let j = 0; j < low; j++) {
      const qj = this.#q[j]!;
      const inv = powMod(qk % qj, qj - 2n, qj);
      const args = [qj, qk, half, half % qj, inv, Number(inv) / Number(qj), 1 / Number(qj)] as const;
      w.switchDown(acc + (k + j) * poly, acc + (k + low) * poly, n, ...args);
      w.switchDown(c0At(j), c0At(low), stride, ...args);
    }
    // The fresh zero at the primes below: (pk0 u + e1, pk1 u + e2).
    if (this.#pkLoaded !== pk) {
      new Uint8Array(w.memory.buffer, this.#pk, pk.length).set(pk);
      this.#pkLoaded = pk;
    }
    new Uint8Array(w.memory.buffer, this.#zero, 2 * low * poly).fill(0);
    new Int32Array(w.memory.buffer, this.#entries, u.length).set(u);
    for (let j = 0; j < low; j++) {
      const x = this.#x + j * poly;
      new Uint8Array(w.memory.buffer, x, poly).fill(0);
      w.scatter(this.#entries, u.length, x, Math.log2(n), 1, this.#matrices[j]![0]!, this.#q[j]!);
      this.#ntt(x, n, this.#roots + j * poly, this.#wq + j * poly, this.#q[j]!, 1, 0);
      this.#mac(this.#zero + j * poly, this.#pk + j * poly, x, n, this.#q[j]!, this.#qinv[j]!, low * poly);
      for (const p of [0, 1]) w.reduceLazy(this.#zero + (p * low + j) * poly, n, this.#q[j]!, this.#qinv[j]!);
    }
    new Int8Array(w.memory.buffer, this.#small, errors.length).set(errors);
    for (let j = 0; j < low; j++) {
      const q = this.#q[j]!;
      const z1 = this.#zero + (low + j) * poly;
      this.#inverse(z1, j);
      const c1 = acc + (k + j) * poly;
      w.addResidues(c1, n, z1, q);
      w.addSmall(c1, n, this.#small + stride, q);
      this.#firstCoefficients(this.#zero + j * poly, j, stride, zeroC0At(j));
      w.addResidues(c0At(j), stride, zeroC0At(j), q);
      w.addSmall(c0At(j), stride, this.#small, q);
    }
    this.#touched[g] = false;
    const c0 = Float64Array.from(new BigUint64Array(w.memory.buffer, this.#c0, low * stride), Number);
    const c1 = new Uint32Array(w.memory.buffer, acc + k * poly, 2 * low * n).slice();
    return { c0, c1 };
  }

  /**
   * The key holder's half of a prefix share's decryption: (c1 s)[k] for k < stride, prime by
   * prime (out[j stride + k], residues in [0, q_j)), by c1's NTT, the pointwise product with the
   * secret key's and the first coefficients of the inverse: about the work of two transforms per
   * prime whatever the stride (bfv-sampling.ts decryptCoefficient0 sums n terms per coefficient).
   * `secret`: the key's coefficients as residues mod t (0, 1, t - 1), transformed once per key;
   * `c1`: the share's c1 as (low, high) u32 pairs, prime by prime, each below its prime.
   */
  prefixProducts(c1: Uint32Array, secret: Int8Array, stride: number): Float64Array {
    const n = this.#n;
    const k = this.#k;
    checkStride(stride, n);
    if (c1.length !== 2 * k * n) throw new RangeError(`c1 at this level is ${k * n} residues, got ${c1.length / 2}`);
    if (secret.length !== n) throw new RangeError(`a secret key has ${n} coefficients, got ${secret.length}`);
    const w = this.#wasm;
    const poly = 8 * n;
    if (this.#secretLoaded !== secret) {
      const t = Number(this.#t);
      const residues = Float64Array.from(secret, (v, i) => {
        if (v !== 0 && v !== 1 && v !== -1) throw new RangeError(`secret key coefficient ${i} is ${v}; a BFV secret key is ternary`);
        return v === -1 ? t - 1 : v;
      });
      const data = this.transform(residues);
      new Uint8Array(w.memory.buffer, this.#secret, k * poly).set(data);
      this.#secretLoaded = secret;
    }
    new Uint32Array(w.memory.buffer, this.#x, c1.length).set(c1);
    for (let j = 0; j < k; j++) {
      const x = this.#x + j * poly;
      this.#ntt(x, n, this.#roots + j * poly, this.#wq + j * poly, this.#q[j]!, 1, 0);
      w.pointwise(x, this.#secret + j * poly, n, this.#q[j]!, this.#qinv[j]!);
      this.#firstCoefficients(x, j, stride, this.#c0 + j * 8 * stride);
    }
    return Float64Array.from(new BigUint64Array(w.memory.buffer, this.#c0, k * stride), Number);
  }

  /** The inverse NTT of prime j's polynomial at `ptr`, in place, fully reduced. */
  #inverse(ptr: number, j: number): void {
    const poly = 8 * this.#n;
    this.#intt(ptr, this.#n, this.#iroots + j * poly, this.#iwq + j * poly, this.#q[j]!, 1);
    this.#wasm.scale(ptr, this.#n, this.#nInv[j]!, this.#nInvQ[j]!, this.#q[j]!);
  }

  /**
   * Coefficients 0..s-1 of the inverse NTT of prime j's polynomial at `ptr` into `out` (fully
   * reduced): the inverse layers of gaps < s, then foldBody's sums; `ptr` is left scrambled.
   */
  #firstCoefficients(ptr: number, j: number, s: number, out: number): void {
    const poly = 8 * this.#n;
    this.#intt(ptr, this.#n, this.#iroots + j * poly, this.#iwq + j * poly, this.#q[j]!, this.#n / s);
    this.#wasm.fold(ptr, this.#n, s, out, this.#q[j]!);
    this.#wasm.scale(out, s, this.#nInv[j]!, this.#nInvQ[j]!, this.#q[j]!);
  }

  /** Group g's accumulated NTT-form ciphertext data (a copy), undefined if no chunk had a row in g. */
  result(g: number): Uint8Array | undefined {
    if (!this.#touched[g]) return undefined;
    this.#reduce(g);
    return new Uint8Array(this.#wasm.memory.buffer, this.#acc + g * this.#ctBytes, this.#ctBytes).slice();
  }
}
