/**
 * Bytes of the BFV coefficient kernel (./bfv-coeff.ts): SEAL 4.1's own serialization, which
 * we write and read in plain JS, and our compact wire format for ciphertexts.
 *
 * SEAL 4.1 layout (native/src/seal/serialization.h, plaintext.cpp, ciphertext.cpp), all
 * little-endian, learned by saving real objects with compr_mode_type::none (tests check it):
 *
 *   SEALHeader (16): u16 magic 0xA15E | u8 16 | u8 major 4 | u8 minor 1 | u8 compression |
 *                    u16 reserved 0 | u64 total size
 *   Plaintext:  parms_id (32, zero = not NTT) | u64 coeff_count | f64 scale |
 *               DynArray: SEALHeader | u64 count | count x u64
 *   Ciphertext: parms_id (32) | u8 is_ntt_form | u64 size | u64 poly_modulus_degree |
 *               u64 coeff_modulus_size | f64 scale | u64 correction_factor | DynArray as above,
 *               data ordered polynomial, then RNS prime, then coefficient.
 *
 * node-seal has no encoder for arbitrary polynomial coefficients, so plaintexts are built here.
 *
 * Wire format ("FCB1"): SEAL's u64 words waste 20 of 64 bits on 43/44-bit residues, and SEAL's
 * zstd (13% smaller on these ciphertexts) is unsafe on untrusted input: its WASM decoder can
 * abort or spin on a truncated frame (see ./ckks-wire.ts). So we bit-pack each residue to its
 * prime's exact width (32% smaller, no decompressor at all) and check every residue < q_j
 * before SEAL sees the bytes:
 *
 *   'FCB1' | u8 kind (1 ciphertext, 2 coefficient-0 share, 3 prefix share) | u8 level |
 *   u16 s (kind 3: the stride, a power of two in 1..N; kinds 1 and 2: reserved 0) |
 *   kind 1: poly 0 then poly 1, each prime by prime, N residues packed at bitlength(q_j)
 *   kind 2: c0[0] as one u64 per prime, then c1 as in kind 1
 *   kind 3: c0[0..s-1] as u64s, prime by prime (s per prime), then c1 as in kind 1
 *           (docs/design/secureboost.md section 3: the histogram kernel, ./bfv-histogram.ts)
 *
 * A coefficient-0 share is all the key holder needs to decrypt coefficient 0:
 * m_0 = round(t/q (c0[0] + (c1 s)[0])) reads c0 only at index 0, so the other N-1 coefficients
 * of c0, which carry the cross terms sum_i d_i x_{i+k}, are never sent at all. A prefix share
does the same for coefficients 0..s-1: m_k reads c0 only at k.
 */
export const SEAL_HEADER_BYTES = 16;
const SEAL_MAGIC = 0xa15e;
const WIRE_MAGIC = 0x31424346; // 'FCB1' little-endian
const WIRE_HEADER_BYTES = 8;
const CIPHERTEXT_META_BYTES = 32 + 1 + 8 + 8 + 8 + 8 + 8;
const PLAINTEXT_META_BYTES = 32 + 8 + 8;

/** Bytes that are not what this kernel expects; the message says what was wrong. */
export class BfvFormatError extends Error {
  override readonly name = 'BfvFormatError';
}

export type WireKind = 'ciphertext' | 'share' | 'prefix';

/** One modulus level of the context, top (freshly encrypted) first. */
export interface BfvLevel {
  /** parms_id as SEAL writes it: 32 bytes. */
  readonly parmsId: Uint8Array;
  readonly primes: readonly number[];
  /** bitlength of each prime: the packed width of its residues. */
  readonly widths: readonly number[];
}

export interface BfvShape {
  readonly polyModulusDegree: number;
  readonly levels: readonly BfvLevel[];
}

/** A ciphertext as SEAL 'none' bytes, with where its residues start. */
interface SealCiphertextView {
  readonly level: number;
  readonly view: DataView;
  readonly dataOffset: number;
}

function writeSealHeader(view: DataView, at: number, size: number): void {
  view.setUint16(at, SEAL_MAGIC, true);
  view.setUint8(at + 2, SEAL_HEADER_BYTES);
  view.setUint8(at + 3, 4);
  view.setUint8(at + 4, 1);
  view.setUint8(at + 5, 0);
  view.setUint16(at + 6, 0, true);
  view.setBigUint64(at + 8, BigInt(size), true);
}

function setU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 0x1_0000_0000, true);
  view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}

function getU64(view: DataView, at: number): number {
  const hi = view.getUint32(at + 4, true);
  // Every value this kernel handles is below 2^53; anything larger is corrupt.
  if (hi >= 0x20_0000) return Number.POSITIVE_INFINITY;
  return view.getUint32(at, true) + hi * 0x1_0000_0000;
}

/** SEAL bytes of a plaintext with these coefficients (integers in [0, t)), not in NTT form. */
export function plaintextBytes(coefficients: Float64Array, plainModulus: number): Uint8Array {
  const n = coefficients.length;
  if (n === 0) throw new RangeError('a plaintext needs at least one coefficient');
  const arrayBytes = SEAL_HEADER_BYTES + 8 + 8 * n;
  const total = SEAL_HEADER_BYTES + PLAINTEXT_META_BYTES + arrayBytes;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  writeSealHeader(view, 0, total);
  let at = SEAL_HEADER_BYTES + 32;
  setU64(view, at, n);
  view.setFloat64(at + 8, 1, true);
  at += 16;
  writeSealHeader(view, at, arrayBytes);
  setU64(view, at + SEAL_HEADER_BYTES, n);
  at += SEAL_HEADER_BYTES + 8;
  for (let i = 0; i < n; i++, at += 8) {
    const c = coefficients[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < plainModulus)) {
      throw new RangeError(`plaintext coefficient ${i} is ${c}; coefficients must be integers in [0, ${plainModulus})`);
    }
    setU64(view, at, c);
  }
  return bytes;
}

/** Coefficients of SEAL plaintext bytes ('none'); missing high coefficients are zero. */
export function plaintextCoefficients(bytes: Uint8Array, count: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkHeader(view, 0, 'plaintext');
  const n = getU64(view, SEAL_HEADER_BYTES + 32);
  const arrayAt = SEAL_HEADER_BYTES + PLAINTEXT_META_BYTES;
  checkHeader(view, arrayAt, 'plaintext data');
  if (getU64(view, arrayAt + SEAL_HEADER_BYTES) !== n || bytes.length !== arrayAt + SEAL_HEADER_BYTES + 8 + 8 * n) {
    throw new BfvFormatError(`plaintext of ${bytes.length} bytes does not hold the ${n} coefficients its header announces`);
  }
  const out = new Float64Array(count);
  const dataAt = arrayAt + SEAL_HEADER_BYTES + 8;
  for (let i = 0; i < Math.min(n, count); i++) out[i] = getU64(view, dataAt + 8 * i);
  return out;
}

function checkHeader(view: DataView, at: number, what: string): void {
  if (view.byteLength - at < SEAL_HEADER_BYTES) throw new BfvFormatError(`${what}: too short for a SEAL header`);
  if (view.getUint16(at, true) !== SEAL_MAGIC) throw new BfvFormatError(`${what}: not SEAL bytes (magic 0xA15E missing)`);
  if (view.getUint8(at + 5) !== 0) throw new BfvFormatError(`${what}: compressed SEAL bytes; this kernel reads compr_mode none only`);
  if (getU64(view, at + 8) !== view.byteLength - at) throw new BfvFormatError(`${what}: SEAL header size does not match the bytes given`);
}

/** Parse SEAL 'none' ciphertext bytes of this shape (what our own context just saved). */
function viewSealCiphertext(bytes: Uint8Array, shape: BfvShape): SealCiphertextView {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkHeader(view, 0, 'ciphertext');
  const parmsId = bytes.subarray(SEAL_HEADER_BYTES, SEAL_HEADER_BYTES + 32);
  const level = shape.levels.findIndex((l) => equalBytes(l.parmsId, parmsId));
  if (level < 0) throw new BfvFormatError('ciphertext parms_id matches no level of this context');
  const at = SEAL_HEADER_BYTES + 32;
  if (view.getUint8(at) !== 0) throw new BfvFormatError('ciphertext is in NTT form; transform it back before serializing');
  if (getU64(view, at + 1) !== 2) throw new BfvFormatError(`ciphertext has ${getU64(view, at + 1)} polynomials; this kernel sends 2`);
  const primes = shape.levels[level]!.primes.length;
  const dataOffset = SEAL_HEADER_BYTES + CIPHERTEXT_META_BYTES + SEAL_HEADER_BYTES + 8;
  if (bytes.length !== dataOffset + 8 * 2 * primes * shape.polyModulusDegree) {
    throw new BfvFormatError(`ciphertext is ${bytes.length} bytes; level ${level} needs ${dataOffset + 16 * primes * shape.polyModulusDegree}`);
  }
  return { level, view, dataOffset };
}

/** Pack SEAL 'none' ciphertext bytes into the wire format; `stride` is the prefix length of kind 'prefix'. */
export function packCiphertext(sealBytes: Uint8Array, shape: BfvShape, kind: WireKind, stride = 1): Uint8Array {
  const { level, dataOffset } = viewSealCiphertext(sealBytes, shape);
  if (kind === 'prefix') checkStride(stride, shape.polyModulusDegree);
  const n = shape.polyModulusDegree;
  const { widths } = shape.levels[level]!;
  // An aligned copy of SEAL's u64 residues as (low, high) u32 pairs: its data starts at byte 129.
  const words = new Uint32Array(sealBytes.slice(dataOffset).buffer);
  const out = wireOutput(shape, level, kind, stride);
  const outView = new DataView(out.buffer);
  let at = WIRE_HEADER_BYTES;
  const prefix = kind === 'ciphertext' ? 0 : kind === 'share' ? 1 : stride;
  for (let j = 0; j < widths.length; j++) {
    for (let k = 0; k < prefix; k++, at += 8) {
      outView.setUint32(at, words[2 * (j * n + k)]!, true);
      outView.setUint32(at + 4, words[2 * (j * n + k) + 1]!, true);
    }
  }
  for (let poly = kind === 'ciphertext' ? 0 : 1; poly < 2; poly++) {
    for (let j = 0; j < widths.length; j++) at = packSegment(words, 2 * (poly * widths.length + j) * n, n, widths[j]! - 32, out, at);
  }
  return out;
}

/** The wire bytes of a kind at a level, its header written (magic, kind, level, a prefix's stride). */
function wireOutput(shape: BfvShape, level: number, kind: WireKind, stride: number): Uint8Array {
  const out = new Uint8Array(wireBytes(shape, level, kind, stride));
  const view = new DataView(out.buffer);
  view.setUint32(0, WIRE_MAGIC, true);
  view.setUint8(4, KIND_CODE[kind]);
  view.setUint8(5, level);
  if (kind === 'prefix') view.setUint16(6, stride, true);
  return out;
}

/**
 * A prefix share in the wire format from its residues: c0[j][k] for k < stride (`c0`, prime by
 * prime), and c1 as (low, high) u32 pairs, prime by prime: the same bytes packCiphertext makes
 * from SEAL's, for the kernel's own finish (ntt-wasm.ts WasmHistogramKernel.finishShare).
 */
export function packPrefixResidues(shape: BfvShape, level: number, stride: number, c0: Float64Array, c1: Uint32Array): Uint8Array {
  checkStride(stride, shape.polyModulusDegree);
  const n = shape.polyModulusDegree;
  const { widths } = shape.levels[level]!;
  if (c0.length !== widths.length * stride || c1.length !== 2 * widths.length * n) {
    throw new RangeError(`a level-${level} prefix share of stride ${stride} needs ${widths.length * stride} c0 and ${widths.length * n} c1 residues, got ${c0.length} and ${c1.length / 2}`);
  }
  const out = wireOutput(shape, level, 'prefix', stride);
  const view = new DataView(out.buffer);
  let at = WIRE_HEADER_BYTES;
  for (let i = 0; i < c0.length; i++, at += 8) setU64(view, at, c0[i]!);
  for (let j = 0; j < widths.length; j++) at = packSegment(c1, 2 * j * n, n, widths[j]! - 32, out, at);
  return out;
}

/**
 * n residues as n low u32 words, then the high bits (width - 32 <= 12 each) bit-packed LSB
 * first. Integer-only arithmetic: the accumulator never exceeds 2^19.
 */
function packSegment(words: Uint32Array, from: number, n: number, highBits: number, out: Uint8Array, at: number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < n; i++) view.setUint32(at + 4 * i, words[from + 2 * i]!, true);
  at += 4 * n;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    acc |= words[from + 2 * i + 1]! << bits;
    bits += highBits;
    while (bits >= 8) {
      out[at++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out[at++] = acc & 0xff;
  return at;
}

/** Inverse of packSegment into (low, high) pairs; every residue must be below `prime`. */
function unpackSegment(input: Uint8Array, at: number, n: number, highBits: number, prime: number, words: Uint32Array, into: number, what: string): number {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const primeHigh = Math.floor(prime / 0x1_0000_0000);
  const primeLow = prime % 0x1_0000_0000;
  const lowAt = at;
  at += 4 * n;
  const mask = (1 << highBits) - 1;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    while (bits < highBits) {
      acc |= input[at++]! << bits;
      bits += 8;
    }
    const high = acc & mask;
    acc >>>= highBits;
    bits -= highBits;
    const low = view.getUint32(lowAt + 4 * i, true);
    if (high > primeHigh || (high === primeHigh && low >= primeLow)) {
      throw new BfvFormatError(`${what}, residue ${i} is ${high * 0x1_0000_0000 + low}, not below the prime ${prime}: corrupted`);
    }
    words[into + 2 * i] = low;
    words[into + 2 * i + 1] = high;
  }
  return at;
}

const KIND_CODE: Record<WireKind, number> = { ciphertext: 1, share: 2, prefix: 3 };

function checkStride(stride: number, n: number): void {
  if (!Number.isInteger(stride) || stride < 1 || stride > n || (stride & (stride - 1)) !== 0) {
    throw new RangeError(`a prefix share's stride must be a power of two in 1..${n}, got ${stride}`);
  }
}

/** Wire bytes of a ciphertext, share or prefix share (of `stride` coefficients) at `level`. */
export function wireBytes(shape: BfvShape, level: number, kind: WireKind, stride = 1): number {
  const widths = shape.levels[level]!.widths;
  const polyBits = widths.reduce((s, w) => s + w, 0) * shape.polyModulusDegree;
  if (kind === 'ciphertext') return WIRE_HEADER_BYTES + Math.ceil((2 * polyBits) / 8);
  return WIRE_HEADER_BYTES + 8 * widths.length * (kind === 'share' ? 1 : stride) + Math.ceil(polyBits / 8);
}

export interface WireInfo {
  readonly kind: WireKind;
  readonly level: number;
  /** Coefficients of c0 carried: N for a ciphertext, 1 for a share, the stride for a prefix share. */
  readonly prefix: number;
}

/** Check wire bytes without SEAL: magic, kind, level and exact length. A result, never a throw. */
export function checkWire(bytes: Uint8Array, shape: BfvShape): { ok: true; value: WireInfo } | { ok: false; reason: string } {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: `expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}` };
  if (bytes.length < WIRE_HEADER_BYTES) return { ok: false, reason: `${bytes.length} bytes is shorter than the 8-byte FCB1 header: truncated` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== WIRE_MAGIC) return { ok: false, reason: 'not a BFV wire ciphertext (magic FCB1 missing)' };
  const code = view.getUint8(4);
  if (code !== 1 && code !== 2 && code !== 3) return { ok: false, reason: `unknown wire kind ${code}; expected 1 (ciphertext), 2 (share) or 3 (prefix share)` };
  const kind: WireKind = code === 1 ? 'ciphertext' : code === 2 ? 'share' : 'prefix';
  const level = view.getUint8(5);
  if (level >= shape.levels.length) return { ok: false, reason: `level ${level} does not exist; this context has levels 0..${shape.levels.length - 1}` };
  const field = view.getUint16(6, true);
  const n = shape.polyModulusDegree;
  if (kind !== 'prefix' && field !== 0) return { ok: false, reason: 'reserved header bytes are not zero: corrupted' };
  if (kind === 'prefix' && !(field >= 1 && field <= n && (field & (field - 1)) === 0)) return { ok: false, reason: `prefix share stride ${field} is not a power of two in 1..${n}: corrupted` };
  const stride = kind === 'prefix' ? field : 1;
  const expected = wireBytes(shape, level, kind, stride);
  if (bytes.length !== expected) return { ok: false, reason: `${kind} at level ${level} is ${expected} bytes; got ${bytes.length} (truncated or padded)` };
  return { ok: true, value: { kind, level, prefix: kind === 'ciphertext' ? n : stride } };
}

/**
 * Wire bytes back to SEAL 'none' ciphertext bytes, checking every residue against its prime.
 * A share's c0 is rebuilt as (c0[0], 0, ..., 0): only coefficient 0 decrypts meaningfully; a
 * prefix share's as (c0[0..s-1], 0, ...): only coefficients 0..s-1 do.
 */
export function unpackCiphertext(bytes: Uint8Array, shape: BfvShape, expect?: WireKind): { sealBytes: Uint8Array; info: WireInfo } {
  const { words, info } = unpackResidues(bytes, shape, expect);
  return { sealBytes: sealCiphertextBytes(shape, info.level, words, false), info };
}

/** Wire bytes to their residues, checked, as (low, high) u32 pairs ordered polynomial, prime, coefficient (c0 beyond a share's prefix is 0). */
export function unpackResidues(bytes: Uint8Array, shape: BfvShape, expect?: WireKind): { words: Uint32Array; info: WireInfo } {
  const check = checkWire(bytes, shape);
  if (!check.ok) throw new BfvFormatError(check.reason);
  const { kind, level } = check.value;
  if (expect !== undefined && kind !== expect) throw new BfvFormatError(`expected a ${expect}, got a ${kind}`);
  const n = shape.polyModulusDegree;
  const { primes, widths } = shape.levels[level]!;
  const count = 2 * primes.length * n;
  const words = new Uint32Array(2 * count);
  const inView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let from = WIRE_HEADER_BYTES;
  const prefix = kind === 'ciphertext' ? 0 : check.value.prefix;
  for (let j = 0; j < primes.length; j++) {
    for (let k = 0; k < prefix; k++, from += 8) {
      const value = getU64(inView, from);
      if (!(value < primes[j]!)) throw new BfvFormatError(`${kind} c0[${k}] residue for prime ${j} is ${value}, not below the prime ${primes[j]}: corrupted`);
      words[2 * (j * n + k)] = value % 0x1_0000_0000;
      words[2 * (j * n + k) + 1] = Math.floor(value / 0x1_0000_0000);
    }
  }
  for (let poly = kind === 'ciphertext' ? 0 : 1; poly < 2; poly++) {
    for (let j = 0; j < primes.length; j++) {
      from = unpackSegment(bytes, from, n, widths[j]! - 32, primes[j]!, words, 2 * (poly * primes.length + j) * n, `polynomial ${poly}, prime ${j}`);
    }
  }
  return { words, info: check.value };
}

/** A share's residues, checked: c0[0] per prime and c1 as (low, high) u32 pairs per prime. */
export function shareResidues(bytes: Uint8Array, shape: BfvShape): { level: number; c0: number[]; c1: Uint32Array } {
  const check = checkWire(bytes, shape);
  if (!check.ok) throw new BfvFormatError(check.reason);
  if (check.value.kind !== 'share') throw new BfvFormatError(`expected a share, got a ${check.value.kind}`);
  const { level } = check.value;
  const n = shape.polyModulusDegree;
  const { primes, widths } = shape.levels[level]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c0 = primes.map((q, j) => {
    const value = getU64(view, WIRE_HEADER_BYTES + 8 * j);
    if (!(value < q)) throw new BfvFormatError(`share c0[0] residue for prime ${j} is ${value}, not below the prime ${q}: corrupted`);
    return value;
  });
  const c1 = new Uint32Array(2 * primes.length * n);
  let from = WIRE_HEADER_BYTES + 8 * primes.length;
  for (let j = 0; j < primes.length; j++) from = unpackSegment(bytes, from, n, widths[j]! - 32, primes[j]!, c1, 2 * j * n, `c1, prime ${j}`);
  return { level, c0, c1 };
}

/** A prefix share's residues, checked: c0[k] per prime for k < stride, and c1 as in shareResidues. */
export function prefixResidues(bytes: Uint8Array, shape: BfvShape): { level: number; c0: number[][]; c1: Uint32Array } {
  const check = checkWire(bytes, shape);
  if (!check.ok) throw new BfvFormatError(check.reason);
  if (check.value.kind !== 'prefix') throw new BfvFormatError(`expected a prefix share, got a ${check.value.kind}`);
  const { level, prefix } = check.value;
  const n = shape.polyModulusDegree;
  const { primes, widths } = shape.levels[level]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c0 = Array.from({ length: prefix }, () => new Array<number>(primes.length).fill(0));
  let from = WIRE_HEADER_BYTES;
  primes.forEach((q, j) => {
    for (let k = 0; k < prefix; k++, from += 8) {
      const value = getU64(view, from);
      if (!(value < q)) throw new BfvFormatError(`prefix c0[${k}] residue for prime ${j} is ${value}, not below the prime ${q}: corrupted`);
      c0[k]![j] = value;
    }
  });
  const c1 = new Uint32Array(2 * primes.length * n);
  for (let j = 0; j < primes.length; j++) from = unpackSegment(bytes, from, n, widths[j]! - 32, primes[j]!, c1, 2 * j * n, `c1, prime ${j}`);
  return { level, c0, c1 };
}

/**
 * SEAL 'none' bytes of a 2-polynomial ciphertext at `level` from its residues as (low, high)
 * u32 pairs, ordered polynomial, prime, coefficient.
 */
export function sealCiphertextBytes(shape: BfvShape, level: number, words: Uint32Array, nttForm: boolean): Uint8Array {
  const n = shape.polyModulusDegree;
  const { primes, parmsId } = shape.levels[level]!;
  const count = 2 * primes.length * n;
  if (words.length !== 2 * count) throw new RangeError(`level ${level} ciphertext needs ${count} residues, got ${words.length / 2}`);
  const arrayBytes = SEAL_HEADER_BYTES + 8 + 8 * count;
  const total = SEAL_HEADER_BYTES + CIPHERTEXT_META_BYTES + arrayBytes;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  writeSealHeader(view, 0, total);
  out.set(parmsId, SEAL_HEADER_BYTES);
  let at = SEAL_HEADER_BYTES + 32;
  view.setUint8(at, nttForm ? 1 : 0);
  setU64(view, at + 1, 2);
  setU64(view, at + 9, n);
  setU64(view, at + 17, primes.length);
  view.setFloat64(at + 25, 1, true);
  setU64(view, at + 33, 1);
  at += CIPHERTEXT_META_BYTES - 32;
  writeSealHeader(view, at, arrayBytes);
  setU64(view, at + SEAL_HEADER_BYTES, count);
  out.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), at + SEAL_HEADER_BYTES + 8);
  return out;
}

/**
 * The residues of SEAL 'none' ciphertext-shaped bytes (a ciphertext or a public key, which SEAL
 * serializes as one) restricted to the first `keepPrimes` primes, as (low, high) u32 pairs.
 * A public key is stored at the key level; its first primes are those of every data level.
 */
export function sealResidueWords(bytes: Uint8Array, n: number, keepPrimes: number, what: string): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkHeader(view, 0, what);
  const at = SEAL_HEADER_BYTES + 32;
  const polys = getU64(view, at + 1);
  const degree = getU64(view, at + 9);
  const primes = getU64(view, at + 17);
  const dataOffset = SEAL_HEADER_BYTES + CIPHERTEXT_META_BYTES + SEAL_HEADER_BYTES + 8;
  if (polys !== 2 || degree !== n || !(primes >= keepPrimes) || bytes.length !== dataOffset + 8 * polys * primes * n) {
    throw new BfvFormatError(`${what}: expected 2 polynomials of degree ${n} over at least ${keepPrimes} primes`);
  }
  const all = new Uint32Array(bytes.slice(dataOffset).buffer);
  const out = new Uint32Array(2 * 2 * keepPrimes * n);
  for (let poly = 0; poly < 2; poly++) out.set(all.subarray(2 * poly * primes * n, 2 * (poly * primes + keepPrimes) * n), 2 * poly * keepPrimes * n);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** SEAL 'none' bytes of an NTT-form plaintext at a level: k x n residues, prime by prime (./ntt-rns.ts). */
export function plaintextNttBytes(residues: Float64Array, parmsId: Uint8Array): Uint8Array {
  const count = residues.length;
  const arrayBytes = SEAL_HEADER_BYTES + 8 + 8 * count;
  const total = SEAL_HEADER_BYTES + PLAINTEXT_META_BYTES + arrayBytes;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  writeSealHeader(view, 0, total);
  bytes.set(parmsId, SEAL_HEADER_BYTES);
  let at = SEAL_HEADER_BYTES + 32;
  setU64(view, at, count);
  view.setFloat64(at + 8, 1, true);
  at += 16;
  writeSealHeader(view, at, arrayBytes);
  setU64(view, at + SEAL_HEADER_BYTES, count);
  at += SEAL_HEADER_BYTES + 8;
  for (let i = 0; i < count; i++, at += 8) setU64(view, at, residues[i]!);
  return bytes;
}

/** The residue data of SEAL 'none' ciphertext bytes in NTT form: 2 x k x n u64 little-endian (polynomial, prime, coefficient), an aligned copy. */
export function nttCiphertextData(bytes: Uint8Array, shape: BfvShape): { level: number; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkHeader(view, 0, 'NTT-form ciphertext');
  const level = shape.levels.findIndex((l) => equalBytes(l.parmsId, bytes.subarray(SEAL_HEADER_BYTES, SEAL_HEADER_BYTES + 32)));
  if (level < 0) throw new BfvFormatError('NTT-form ciphertext parms_id matches no level of this context');
  if (view.getUint8(SEAL_HEADER_BYTES + 32) !== 1) throw new BfvFormatError('ciphertext is not in NTT form');
  const count = 2 * shape.levels[level]!.primes.length * shape.polyModulusDegree;
  const dataOffset = SEAL_HEADER_BYTES + CIPHERTEXT_META_BYTES + SEAL_HEADER_BYTES + 8;
  if (bytes.length !== dataOffset + 8 * count) throw new BfvFormatError(`NTT-form ciphertext is ${bytes.length} bytes; level ${level} needs ${dataOffset + 8 * count}`);
  return { level, data: bytes.slice(dataOffset) };
}

/** (low, high) u32 words of residues below 2^53, for sealCiphertextBytes. */
export function residueWordsOf(residues: Float64Array): Uint32Array {
  const words = new Uint32Array(2 * residues.length);
  for (let i = 0; i < residues.length; i++) {
    const v = residues[i]!;
    words[2 * i] = v % 0x1_0000_0000;
    words[2 * i + 1] = Math.floor(v / 0x1_0000_0000);
  }
  return words;
}
