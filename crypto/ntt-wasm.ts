/**
 * The histogram kernel's hot loops as a small hand-assembled WebAssembly module with 64-bit
 * integers (docs/design/secureboost.md section 3: "a small hand-written WASM with i64"): the
 * plaintext lift, the forward negacyclic NTT with Shoup twiddles, and the pointwise
 * multiply-accumulate against an NTT-form ciphertext. ./ntt-rns.ts is the same arithmetic in
 * plain JS doubles (the reference the tests compare with, byte for byte, and with SEAL); this
 * module is ~4x faster because a 44 x 44-bit product takes four i64 multiplies instead of a
 * Dekker two-product in doubles.
 *
 * Arithmetic (q < 2^44, every residue fully reduced):
 * - mulhi(x, w') for x < 2^46, w' < 2^64: the high word of x w' from 32-bit halves (four i64
 *   multiplies, no overflow: each partial product is below 2^64);
 * - Shoup: w' = floor(w 2^64 / q); r = x w - mulhi(x, w') q (mod 2^64) lies in [0, 2q);
 * - a b mod q for two variable residues: p = a b < 2^88 as (hi, lo), p = P_hi 2^42 + P_lo with
 *   P_lo < 2^42 <= q, and P_hi (2^42 mod q) by Shoup with the constant's precomputed w'.
 * Memory: one exported memory the caller lays out (u64 little-endian residues: exactly SEAL's
 * data layout, so NTT-form ciphertext bytes are copied in and out unchanged).
 */

const I32 = 0x7f;
const I64 = 0x7e;

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
const loadF64 = [0x2b, 3, 0];
const OP = {
  i32add: 0x6a, i32mul: 0x6c, i32shl: 0x74, i32shrU: 0x76, i32geU: 0x4f,
  i64add: 0x7c, i64sub: 0x7d, i64mul: 0x7e, i64remU: 0x82, i64and: 0x83, i64or: 0x84, i64shl: 0x86, i64shrU: 0x88, i64geU: 0x5a,
  truncF64U: 0xb1, i64eqz: 0x50, if: 0x04, else: 0x05, select: 0x1b, block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, void: 0x40,
} as const;
const M32 = 0xffff_ffffn;

/** while (get(i) < get(limit)) { body; i += 1 } */
function forLoop(i: number, limit: number, body: number[]): number[] {
  return [OP.block, OP.void, OP.loop, OP.void, ...get(i), ...get(limit), OP.i32geU, OP.brIf, 1, ...body, ...get(i), ...i32c(1), OP.i32add, ...set(i), OP.br, 0, OP.end, OP.end];
}

/** Leaves x mod q for x in [0, 2q) on the stack; x in local `tmp`. */
function reduceOnce(tmp: number, q: number): number[] {
  return [...get(tmp), ...get(q), OP.i64sub, ...get(tmp), ...get(tmp), ...get(q), OP.i64geU, OP.select];
}

/** Leaves mulhi(x, w') on the stack; x < 2^46; b0, b1 = halves of w'; uses a0, a1, t. */
function mulhi(x: number, b0: number, b1: number, a0: number, a1: number, t: number): number[] {
  return [
    ...get(x), ...i64c(M32), OP.i64and, ...set(a0),
    ...get(x), ...i64c(32n), OP.i64shrU, ...set(a1),
    ...get(a0), ...get(b1), OP.i64mul, ...set(t), // a0 b1 < 2^64
    // mid = (a0 b0 >> 32) + (a0 b1 & M32) + a1 b0 < 2^47
    ...get(a0), ...get(b0), OP.i64mul, ...i64c(32n), OP.i64shrU,
    ...get(t), ...i64c(M32), OP.i64and, OP.i64add,
    ...get(a1), ...get(b0), OP.i64mul, OP.i64add,
    ...i64c(32n), OP.i64shrU,
    // hi = a1 b1 + (a0 b1 >> 32) + (mid >> 32)
    ...get(a1), ...get(b1), OP.i64mul, OP.i64add,
    ...get(t), ...i64c(32n), OP.i64shrU, OP.i64add,
  ];
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
  // params: ptr 0, n 1, roots 2, shoup 3, q 4
  // locals i32: m 5, gap 6, i 7, j 8, end 9, pj 10, pg 11; i64: w 12, b0 13, b1 14, u 15, x 16, v 17, a0 18, a1 19, t 20, s 21, q2 22
  const [ptr, n, roots, shoup, q, m, gap, i, j, end, pj, pg, w, b0, b1, u, x, v, a0, a1, t, s, q2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22] as const;
  // Harvey's lazy butterflies: values stay below 4q (< 2^46, what mulhi allows), one final pass reduces.
  const inner = [
    ...get(ptr), ...get(j), ...i32c(3), OP.i32shl, OP.i32add, ...tee(pj), ...get(gap), ...i32c(3), OP.i32shl, OP.i32add, ...set(pg),
    ...get(pj), ...load64, ...set(u), ...reduceOnce(u, q2), ...set(u),
    ...get(pg), ...load64, ...set(x),
    // v = x w - mulhi(x, w') q, in [0, 2q); skipped for x = 0, common in the first layers of a
    // histogram plaintext (a few hundred non-zero coefficients of 8,192)
    ...get(x), OP.i64eqz, OP.if, I64, ...i64c(0n), OP.else,
    ...get(x), ...get(w), OP.i64mul,
    ...mulhi(x, b0, b1, a0, a1, t), ...get(q), OP.i64mul, OP.i64sub,
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
    ...get(shoup), ...get(m), ...get(i), OP.i32add, ...i32c(3), OP.i32shl, OP.i32add, ...load64, ...set(t),
    ...get(t), ...i64c(M32), OP.i64and, ...set(b0),
    ...get(t), ...i64c(32n), OP.i64shrU, ...set(b1),
    ...get(i), ...get(gap), OP.i32mul, ...i32c(1), OP.i32shl, ...tee(j), ...get(gap), OP.i32add, ...set(end),
    ...forLoop(j, end, inner),
  ];
  const perM = [...get(gap), ...i32c(1), OP.i32shrU, ...set(gap), ...i32c(0), ...set(i), ...forLoop(i, m, perI)];
  // for (m = 1; m < n; m <<= 1): forLoop increments by one, so this loop is written out.
  const outer = [
    OP.block, OP.void, OP.loop, OP.void, ...get(m), ...get(n), OP.i32geU, OP.brIf, 1, ...perM, ...get(m), ...i32c(1), OP.i32shl, ...set(m), OP.br, 0, OP.end, OP.end,
  ];
  return [...vec([[7, I32], [11, I64]]), ...get(q), ...get(q), OP.i64add, ...set(q2), ...get(n), ...set(gap), ...i32c(1), ...set(m), ...outer, ...i32c(0), ...set(i), ...forLoop(i, n, final), OP.end];
}

function macBody(): number[] {
  // params: acc 0, ct 1, x 2, n 3, q 4, c 5 (2^42 mod q), cs 6 (its Shoup word)
  // locals i32: i 7, at 8; i64: a 9, b 10, ll 11, mid 12, lo 13, hi 14, ph 15, r 16, a0 17, a1 18, t 19, b0 20, b1 21
  const [acc, ct, x, n, q, c, cs, i, at, a, b, ll, mid, lo, hi, ph, r, a0, a1, t, b0, b1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21] as const;
  const body = [
    ...get(i), ...i32c(3), OP.i32shl, ...set(at),
    ...get(ct), ...get(at), OP.i32add, ...load64, ...set(a),
    ...get(x), ...get(at), OP.i32add, ...load64, ...set(b),
    // p = a b as (hi, lo): a = a1 2^32 + a0, b = b1 2^32 + b0, a1, b1 < 2^12
    ...get(a), ...i64c(M32), OP.i64and, ...set(a0), ...get(a), ...i64c(32n), OP.i64shrU, ...set(a1),
    ...get(b), ...i64c(M32), OP.i64and, ...set(b0), ...get(b), ...i64c(32n), OP.i64shrU, ...set(b1),
    ...get(a0), ...get(b0), OP.i64mul, ...set(ll),
    ...get(ll), ...i64c(32n), OP.i64shrU, ...get(a0), ...get(b1), OP.i64mul, OP.i64add, ...get(a1), ...get(b0), OP.i64mul, OP.i64add, ...set(mid),
    ...get(ll), ...i64c(M32), OP.i64and, ...get(mid), ...i64c(32n), OP.i64shl, OP.i64or, ...set(lo),
    ...get(a1), ...get(b1), OP.i64mul, ...get(mid), ...i64c(32n), OP.i64shrU, OP.i64add, ...set(hi),
    // P_hi = p >> 42 (< 2^46), r = P_hi c mod q by Shoup
    ...get(hi), ...i64c(22n), OP.i64shl, ...get(lo), ...i64c(42n), OP.i64shrU, OP.i64or, ...set(ph),
    ...get(ph), ...get(c), OP.i64mul, ...mulhi(ph, b0, b1, a0, a1, t), ...get(q), OP.i64mul, OP.i64sub, ...set(r),
    ...reduceOnce(r, q), ...get(lo), ...i64c((1n << 42n) - 1n), OP.i64and, OP.i64add, ...set(r),
    ...reduceOnce(r, q), ...set(r),
    ...get(acc), ...get(at), OP.i32add, ...get(acc), ...get(at), OP.i32add, ...load64, ...get(r), OP.i64add, ...set(r), ...reduceOnce(r, q), ...store64,
  ];
  // b0, b1 hold cs's halves during mulhi; set them per element after the product used them.
  const withShoupHalves = body.slice();
  const mulhiAt = findSub(withShoupHalves, [...get(ph), ...get(c), OP.i64mul]);
  withShoupHalves.splice(mulhiAt, 0, ...get(cs), ...i64c(M32), OP.i64and, ...set(b0), ...get(cs), ...i64c(32n), OP.i64shrU, ...set(b1));
  return [...vec([[2, I32], [13, I64]]), ...i32c(0), ...set(i), ...forLoop(i, n, withShoupHalves), OP.end];
}

function findSub(haystack: number[], needle: number[]): number {
  for (let k = 0; k + needle.length <= haystack.length; k++) if (needle.every((v, d) => haystack[k + d] === v)) return k;
  throw new Error('ntt-wasm: assembler pattern not found');
}

function moduleBytes(): Uint8Array {
  const types = vec([
    [0x60, ...vec([[I32], [I32], [I32], [I64], [I64], [I64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I64]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I64], [I64], [I64]]), 0],
  ]);
  const funcs = vec([[0], [1], [2]]);
  const memory = vec([[0x00, ...uleb(16)]]);
  const exports = vec([
    [...name('memory'), 0x02, 0],
    [...name('lift'), 0x00, 0],
    [...name('ntt'), 0x00, 1],
    [...name('mac'), 0x00, 2],
  ]);
  const bodies = [liftBody(), nttBody(), macBody()].map((b) => [...uleb(b.length), ...b]);
  const code = vec(bodies);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, types), ...section(3, funcs), ...section(5, memory), ...section(7, exports), ...section(10, code)]);
}

interface Exports {
  readonly memory: { buffer: ArrayBuffer; grow(pages: number): number };
  lift(src: number, dst: number, n: number, q: bigint, t: bigint, threshold: bigint): void;
  ntt(ptr: number, n: number, roots: number, shoup: number, q: bigint): void;
  mac(acc: number, ct: number, x: number, n: number, q: bigint, c: bigint, cs: bigint): void;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

let compiled: object | undefined;

/** A fresh instance (its own memory): one per kernel, so threads and levels never share one. */
export function instantiateNttWasm(): Exports {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  compiled ??= new wasm.Module(moduleBytes());
  return new wasm.Instance(compiled, {}).exports as Exports;
}

const PAGE = 65536;

function shoupWord(w: bigint, q: bigint): bigint {
  return (w << 64n) / q;
}

/**
 * One level's histogram products in WASM: twiddles of its primes (SEAL's, from ./ntt-rns.ts),
 * accumulators per bin group. Use: begin(groups), then per chunk chunk(bytes) and add(g, x) per
 * group, then result(g). Not thread-safe; one per worker thread and level.
 */
export class WasmHistogramKernel {
  readonly #wasm = instantiateNttWasm();
  readonly #n: number;
  readonly #k: number;
  readonly #q: bigint[];
  readonly #c: bigint[];
  readonly #cs: bigint[];
  readonly #t: bigint;
  readonly #threshold: bigint;
  // Byte offsets of the regions.
  readonly #roots: number;
  readonly #shoup: number;
  readonly #input: number;
  readonly #x: number;
  readonly #ct: number;
  readonly #acc: number;
  #groups = 0;
  #touched: boolean[] = [];

  constructor(tables: readonly { q: number; roots: Float64Array }[], plainModulus: number) {
    this.#k = tables.length;
    this.#n = tables[0]!.roots.length;
    this.#q = tables.map((t) => BigInt(t.q));
    this.#c = this.#q.map((q) => (1n << 42n) % q);
    this.#cs = this.#c.map((c, j) => shoupWord(c, this.#q[j]!));
    this.#t = BigInt(plainModulus);
    this.#threshold = (this.#t + 1n) / 2n;
    const poly = 8 * this.#n;
    this.#roots = 0;
    this.#shoup = this.#k * poly;
    this.#input = 2 * this.#k * poly;
    this.#x = this.#input + poly;
    this.#ct = this.#x + this.#k * poly;
    this.#acc = this.#ct + 2 * this.#k * poly;
    this.#ensure(this.#acc);
    const words = new BigUint64Array(this.#wasm.memory.buffer);
    tables.forEach((t, j) => {
      for (let i = 0; i < this.#n; i++) {
        const w = BigInt(t.roots[i]!);
        words[j * this.#n + i] = w;
        words[(this.#k + j) * this.#n + i] = shoupWord(w, this.#q[j]!);
      }
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
  }

  /** The next chunk: SEAL's NTT-form ciphertext data (u64 residues, polynomial, prime, coefficient). */
  chunk(data: Uint8Array): void {
    if (data.length !== this.#ctBytes) throw new RangeError(`an NTT-form chunk at this level is ${this.#ctBytes} bytes of residues, got ${data.length}`);
    new Uint8Array(this.#wasm.memory.buffer, this.#ct, data.length).set(data);
  }

  /** Lift and transform a plaintext into the scratch area; returns its residues' bytes (k x n u64). */
  transform(coefficients: Float64Array): Uint8Array {
    if (coefficients.length > this.#n) throw new RangeError(`a plaintext has at most ${this.#n} coefficients, got ${coefficients.length}`);
    const input = new Float64Array(this.#wasm.memory.buffer, this.#input, this.#n);
    input.set(coefficients);
    input.fill(0, coefficients.length);
    const poly = 8 * this.#n;
    for (let j = 0; j < this.#k; j++) {
      const x = this.#x + j * poly;
      this.#wasm.lift(this.#input, x, this.#n, this.#q[j]!, this.#t, this.#threshold);
      this.#wasm.ntt(x, this.#n, this.#roots + j * poly, this.#shoup + j * poly, this.#q[j]!);
    }
    return new Uint8Array(this.#wasm.memory.buffer, this.#x, this.#k * poly);
  }

  /** acc[g] += chunk * x (x: residues mod t, the group's plaintext for this chunk). */
  add(g: number, coefficients: Float64Array): void {
    if (!(g >= 0 && g < this.#groups)) throw new RangeError(`group ${g} outside 0..${this.#groups - 1}`);
    this.transform(coefficients);
    const poly = 8 * this.#n;
    const acc = this.#acc + g * this.#ctBytes;
    for (let j = 0; j < this.#k; j++) {
      for (let p = 0; p < 2; p++) {
        const at = (p * this.#k + j) * poly;
        this.#wasm.mac(acc + at, this.#ct + at, this.#x + j * poly, this.#n, this.#q[j]!, this.#c[j]!, this.#cs[j]!);
      }
    }
    this.#touched[g] = true;
  }

  /** Group g's accumulated NTT-form ciphertext data (a copy), undefined if no chunk had a row in g. */
  result(g: number): Uint8Array | undefined {
    if (!this.#touched[g]) return undefined;
    return new Uint8Array(this.#wasm.memory.buffer, this.#acc + g * this.#ctBytes, this.#ctBytes).slice();
  }
}
