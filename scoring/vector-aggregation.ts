/**
 * Vector secure aggregation for batch re-scoring (docs/design/monitoring.md section 2.3): the
 * pairwise masks of scoring/secure-aggregation.ts, expanded once per pair per batch instead of
 * one HMAC per pair per enterprise.
 *
 * Per batch each pair {a, b} derives one 32-byte key from its seed (maskSeed, context
 * `score-mask/v1`) and the batch's place in the log, and expands it once with AES-256-CTR:
 *
 *   k_ab    = HMAC-SHA256(seed_ab, "fedcredit/score-mask-vector/v1\n" runIndex "\n" batchSeq "\n" firstIndex "\n" count)
 *   S_ab    = AES-256-CTR(key = k_ab, iv = 0^16) over 0^(8 count)
 *   m_ab[j] = S_ab[8j .. 8j+7] as a big-endian uint64
 *
 * and site a sends s_a[j] = enc(u_a[j]) + sum_{b > a} m_ab[j] - sum_{b < a} m_ab[j] (mod 2^64),
 * 8 bytes big-endian per slot. The masks cancel in the slot-wise sum over every participant.
 *
 * Safe as the per-query masks while AES-CTR is a PRF and no (pair, k_ab) masks two different
 * vectors: k_ab binds the run's log index and the batch's position and span, which the log fixes
 * before any node answers, and a node answers a (run, batch) once and replays its stored answer
 * byte for byte (monitoring/node.ts). The domain string differs from pairMask's, so a batch of
 * one never gives a single query's mask.
 *
 * A refused slot carries fresh randomness (8 bytes from crypto.randomBytes) instead of
 * enc(u) + masks: with enc(0) + masks the slot's sum would be the other sites' joint term, a
 * partial score without the refusing site. With randomness the slot's sum is uniform to the
 * coordinator, which discards it (the item is skipped, refusedBy the site).
 *
 * The ring arithmetic is done on 32-bit halves (no BigInt per slot and mask) because a batch is
 * thousands of slots: see docs/design/monitoring.md's cost estimate.
 */
import crypto from 'node:crypto';
import { encodeFixed } from './secure-aggregation.js';

/** Where a batch sits in the log: the run's entry, and the batch's rescore entries [firstIndex, firstIndex + count). */
export interface BatchRef {
  readonly runIndex: number;
  readonly batchSeq: number;
  readonly firstIndex: number;
  readonly count: number;
}

const VECTOR_DOMAIN = 'fedcredit/score-mask-vector/v1\n';
/** The largest batch monitoring.batchSize admits (docs/design/monitoring.md 2.2). */
export const MAX_BATCH_SLOTS = 16_384;
/** Bytes per slot on the wire: one big-endian uint64. */
export const SLOT_BYTES = 8;
const ZERO_IV = Buffer.alloc(16);
const TWO_32 = 2 ** 32;

function checkBatch(b: BatchRef): void {
  for (const [name, v] of [['runIndex', b.runIndex], ['batchSeq', b.batchSeq], ['firstIndex', b.firstIndex]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`batch ${name} ${v} is not a non-negative integer`);
  }
  if (!Number.isSafeInteger(b.count) || b.count < 1 || b.count > MAX_BATCH_SLOTS) throw new RangeError(`batch count ${b.count} is not 1..${MAX_BATCH_SLOTS}`);
}

/** The pair's key for one batch (32 bytes). */
export function batchMaskKey(seed: Uint8Array, b: BatchRef): Uint8Array {
  checkBatch(b);
  if (seed.length !== 32) throw new RangeError(`a pair seed is 32 bytes, got ${seed.length}`);
  return crypto.createHmac('sha256', seed).update(`${VECTOR_DOMAIN}${b.runIndex}\n${b.batchSeq}\n${b.firstIndex}\n${b.count}`).digest();
}

/** The pair's masks for a batch: `count` big-endian uint64 (8·count bytes), one AES-256-CTR expansion. */
export function expandMasks(key: Uint8Array, count: number): Buffer {
  if (key.length !== 32) throw new RangeError(`a batch key is 32 bytes, got ${key.length}`);
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_BATCH_SLOTS) throw new RangeError(`mask count ${count} is not 1..${MAX_BATCH_SLOTS}`);
  const cipher = crypto.createCipheriv('aes-256-ctr', key, ZERO_IV);
  const out = cipher.update(Buffer.alloc(SLOT_BYTES * count));
  cipher.final();
  return out;
}

/** dst[j] += sign · src[j] (mod 2^64) for every 8-byte big-endian slot, on 32-bit halves. */
function addSlots(dst: Buffer, src: Uint8Array, sign: 1 | -1): void {
  const d = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  const s = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let o = 0; o < dst.byteLength; o += SLOT_BYTES) {
    let lo = d.getUint32(o + 4) + sign * s.getUint32(o + 4);
    let carry = 0;
    if (lo >= TWO_32) { lo -= TWO_32; carry = 1; } else if (lo < 0) { lo += TWO_32; carry = -1; }
    d.setUint32(o + 4, lo);
    d.setUint32(o, (d.getUint32(o) + sign * s.getUint32(o) + carry) >>> 0);
  }
}

/**
 * This site's masked vector for a batch: 8·count bytes. `terms[j]` is its term for slot j
 * (ignored where `refused` has j); `participants` every site of the run (this one included),
 * `seedOf` the seed shared with each other participant.
 */
export function maskedVector(terms: Float64Array, refused: ReadonlySet<number>, me: string, participants: readonly string[],
  seedOf: (site: string) => Uint8Array, b: BatchRef): Uint8Array {
  checkBatch(b);
  if (terms.length !== b.count) throw new RangeError(`${terms.length} terms for a batch of ${b.count}`);
  if (!participants.includes(me)) throw new RangeError(`site ${me} is not a participant`);
  if (new Set(participants).size !== participants.length) throw new RangeError(`participants ${participants.join(', ')} name a site twice`);
  for (const j of refused) if (!Number.isInteger(j) || j < 0 || j >= b.count) throw new RangeError(`refused slot ${j} is outside the batch of ${b.count}`);
  const out = Buffer.alloc(SLOT_BYTES * b.count);
  for (let j = 0; j < b.count; j++) if (!refused.has(j)) out.writeBigUInt64BE(encodeFixed(terms[j]!), SLOT_BYTES * j);
  for (const peer of participants) {
    if (peer === me) continue;
    addSlots(out, expandMasks(batchMaskKey(seedOf(peer), b), b.count), me < peer ? 1 : -1);
  }
  if (refused.size > 0) {
    const random = crypto.randomBytes(SLOT_BYTES * refused.size);
    let k = 0;
    for (const j of refused) random.copy(out, SLOT_BYTES * j, SLOT_BYTES * k, SLOT_BYTES * ++k);
  }
  return out;
}

/** The slot-wise sum of every participant's vector (mod 2^64): the masks cancel, decodeFixed reads each slot. */
export function sumVectors(shares: readonly Uint8Array[]): BigUint64Array {
  const first = shares[0];
  if (first === undefined) throw new RangeError('no vectors to sum');
  if (first.byteLength === 0 || first.byteLength % SLOT_BYTES !== 0) throw new RangeError(`a share vector of ${first.byteLength} bytes is not a whole number of 8-byte slots`);
  for (const s of shares) if (s.byteLength !== first.byteLength) throw new RangeError(`share vectors of ${first.byteLength} and ${s.byteLength} bytes cannot be summed`);
  if (shares.length >= 2 ** 20) throw new RangeError(`${shares.length} vectors are too many to sum`);
  const count = first.byteLength / SLOT_BYTES;
  const views = shares.map((s) => new DataView(s.buffer, s.byteOffset, s.byteLength));
  const out = new BigUint64Array(count);
  for (let j = 0; j < count; j++) {
    const o = SLOT_BYTES * j;
    // Sums of fewer than 2^20 uint32 stay exact in a double.
    let lo = 0;
    let hi = 0;
    for (const v of views) {
      lo += v.getUint32(o + 4);
      hi += v.getUint32(o);
    }
    const loBits = lo % TWO_32;
    hi = (hi + (lo - loBits) / TWO_32) % TWO_32;
    out[j] = (BigInt(hi) << 32n) | BigInt(loBits);
  }
  return out;
}
