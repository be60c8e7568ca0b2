/**
 * Checks on serialized SEAL objects before SEAL itself reads them.
 *
 * Bytes follow SEAL 4.1's own serialization (native/src/seal/serialization.h, ciphertext.cpp):
 *
 *   SEALHeader (16): u16 magic 0xA15E | u8 header size 16 | u8 major 4 | u8 minor 1 |
 *                    u8 compression (0 none, 1 zlib, 2 zstd) | u16 reserved 0 | u64 total size
 *   Ciphertext body: parms_id (32) | u8 is_ntt_form | u64 size | u64 poly_modulus_degree |
 *                    u64 coeff_modulus_size | f64 scale | u64 correction_factor |
 *                    DynArray: SEALHeader (16) | u64 count | count x u64 coefficients
 *
 * All integers little-endian. Why check at all: fed garbage metadata (a huge size, a bad count)
 * or a truncated zstd stream, SEAL's WASM build aborts, or even spins, instead of throwing, and
 * an abort leaves the instance unusable (see ckks-seal.ts). So we verify every header field and
 * every length here, in plain JS, and refuse compressed input unless the caller produced it. What
 * remains for SEAL to check is that each coefficient is below its prime, which it reports as
 * an ordinary error. A well-formed ciphertext can still be a wrong one: CKKS ciphertexts are
 * malleable, so integrity comes from the sealed box or signature around them.
 */
export const SEAL_HEADER_BYTES = 16;
const SEAL_MAGIC = 0xa15e;
const SEAL_VERSION_MAJOR = 4;
const SEAL_VERSION_MINOR = 1;
const CIPHERTEXT_METADATA_BYTES = 32 + 1 + 8 + 8 + 8 + 8 + 8;
/** Offset of the coefficient data in an uncompressed ciphertext. */
const CIPHERTEXT_DATA_OFFSET = SEAL_HEADER_BYTES + CIPHERTEXT_METADATA_BYTES + SEAL_HEADER_BYTES + 8;

export type SealCompression = 'none' | 'zlib' | 'zstd';
const COMPRESSION_BY_CODE: readonly SealCompression[] = ['none', 'zlib', 'zstd'];

export type WireCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface SealHeader {
  readonly compression: SealCompression;
  readonly size: number;
}

/** A modulus level of a SEAL context: top level first. */
export interface SealLevel {
  /** parms_id as 64 hex digits of its 32 little-endian bytes. */
  readonly parmsIdHex: string;
  readonly primeCount: number;
  readonly totalBits: number;
}

export interface CiphertextShape {
  readonly polyModulusDegree: number;
  readonly levels: readonly SealLevel[];
  /** Accept zlib/zstd input; only for bytes this party produced itself. */
  readonly acceptCompressed: boolean;
}

export interface CiphertextInfo {
  /** 0 for a fresh ciphertext; +1 per rescale or modulus switch. Undefined when compressed. */
  readonly level: number | undefined;
  readonly scale: number | undefined;
  readonly compression: SealCompression;
  readonly bytes: number;
}

/** Check the outer SEALHeader: magic, version, compression and that the size matches. */
export function checkSealHeader(bytes: Uint8Array, acceptCompressed: boolean): WireCheck<SealHeader> {
  if (!(bytes instanceof Uint8Array)) return fail(`expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  return checkHeaderAt(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, acceptCompressed);
}

/** Check a serialized ciphertext against the context it is meant for, without SEAL. */
export function checkCiphertextBytes(bytes: Uint8Array, shape: CiphertextShape): WireCheck<CiphertextInfo> {
  const header = checkSealHeader(bytes, shape.acceptCompressed);
  if (!header.ok) return header;
  if (header.value.compression !== 'none') {
    // Compressed bodies can only be checked by decompressing, which is SEAL's job here.
    return ok({ level: undefined, scale: undefined, compression: header.value.compression, bytes: bytes.length });
  }
  if (bytes.length < CIPHERTEXT_DATA_OFFSET) {
    return fail(`ciphertext is ${bytes.length} bytes, shorter than the ${CIPHERTEXT_DATA_OFFSET}-byte header and metadata: it was truncated`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = SEAL_HEADER_BYTES;
  const parmsIdHex = hex(bytes.subarray(at, at + 32));
  at += 32;
  const level = shape.levels.findIndex((l) => l.parmsIdHex === parmsIdHex);
  if (level < 0) return fail('ciphertext parms_id matches no level of this context: it was made under another parameter set or is corrupted');
  const isNtt = view.getUint8(at);
  at += 1;
  if (isNtt !== 1) return fail(`ciphertext is_ntt_form is ${isNtt}; CKKS ciphertexts are always in NTT form (1)`);
  const polynomials = u64(view, at);
  at += 8;
  // We relinearize after every multiplication, so a valid ciphertext here has two polynomials.
  if (polynomials !== 2) return fail(`ciphertext has ${polynomials} polynomials; expected 2`);
  const degree = u64(view, at);
  at += 8;
  if (degree !== shape.polyModulusDegree) return fail(`ciphertext poly_modulus_degree is ${degree}; this context uses ${shape.polyModulusDegree}`);
  const primeCount = u64(view, at);
  at += 8;
  const expected = shape.levels[level]!;
  if (primeCount !== expected.primeCount) return fail(`ciphertext has ${primeCount} RNS primes; its level ${level} has ${expected.primeCount}`);
  const scale = view.getFloat64(at, true);
  at += 8;
  if (!Number.isFinite(scale) || scale < 1 || Math.log2(scale) >= expected.totalBits) {
    return fail(`ciphertext scale ${scale} is outside [1, 2^${expected.totalBits}) for its level`);
  }
  const correction = u64(view, at);
  at += 8;
  if (correction !== 1) return fail(`ciphertext correction_factor is ${correction}; CKKS uses 1`);
  const inner = checkHeaderAt(view, at, false);
  if (!inner.ok) return fail(`ciphertext data array: ${inner.reason}`);
  at += SEAL_HEADER_BYTES;
  const count = u64(view, at);
  const wanted = polynomials * degree * primeCount;
  if (count !== wanted) return fail(`ciphertext holds ${count} coefficients; 2 x ${degree} x ${primeCount} = ${wanted} expected`);
  if (bytes.length !== CIPHERTEXT_DATA_OFFSET + 8 * count) {
    return fail(`ciphertext is ${bytes.length} bytes; its metadata implies ${CIPHERTEXT_DATA_OFFSET + 8 * count}`);
  }
  return ok({ level, scale, compression: 'none', bytes: bytes.length });
}

/** parms_id words (as node-seal returns them) to the hex form used in SealLevel. */
export function parmsIdToHex(words: BigUint64Array): string {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(8 * i, w, true));
  return hex(out);
}

function checkHeaderAt(view: DataView, at: number, acceptCompressed: boolean): WireCheck<SealHeader> {
  const available = view.byteLength - at;
  if (available < SEAL_HEADER_BYTES) return fail(`${available} bytes is too short for a 16-byte SEAL header: the data was truncated`);
  if (view.getUint16(at, true) !== SEAL_MAGIC) return fail('not a SEAL object: the magic number 0xA15E is missing');
  if (view.getUint8(at + 2) !== SEAL_HEADER_BYTES) return fail(`SEAL header size is ${view.getUint8(at + 2)}; expected 16`);
  const major = view.getUint8(at + 3);
  const minor = view.getUint8(at + 4);
  if (major !== SEAL_VERSION_MAJOR || minor !== SEAL_VERSION_MINOR) {
    return fail(`SEAL object was written by SEAL ${major}.${minor}; this build reads ${SEAL_VERSION_MAJOR}.${SEAL_VERSION_MINOR} (node-seal 6.0.3) only`);
  }
  const compression = COMPRESSION_BY_CODE[view.getUint8(at + 5)];
  if (compression === undefined) return fail(`unknown SEAL compression mode ${view.getUint8(at + 5)}`);
  if (compression !== 'none' && !acceptCompressed) {
    return fail(`${compression}-compressed SEAL data is refused from other parties (SEAL's WASM decompressor can abort on bad input); send it uncompressed`);
  }
  if (view.getUint16(at + 6, true) !== 0) return fail('SEAL header reserved field is not zero: the data is corrupted');
  const size = u64(view, at + 8);
  if (size !== available) return fail(`SEAL header says ${size} bytes but ${available} were given: the data was truncated or padded`);
  return ok({ compression, size });
}

/** A u64 as a number; values beyond 2^53 come back as Infinity so every size check fails. */
function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function ok<T>(value: T): WireCheck<T> {
  return { ok: true, value };
}

function fail<T>(reason: string): WireCheck<T> {
  return { ok: false, reason };
}
