/**
 * Pairwise-masked secure aggregation of the sites' partial logits (Bonawitz et al., CCS 2017,
 * without dropout recovery): the coordinator learns the sum of the sites' terms and nothing
 * about any single one.
 *
 * Every pair of sites {a, b} shares a seed nobody else can compute: X25519 between their
 * sealing keys (each node's key is in its signed, logged registration), HKDF-SHA256 with the
 * context `score-mask/v1` (crypto/x25519.ts pairwiseSeed). Per query the seed is expanded with
 * HMAC-SHA256 over the query's log index and id into a 64-bit mask m_ab. Site a sends
 *
 *   share_a = enc(u_a) + sum_{b > a} m_ab - sum_{b < a} m_ab   (mod 2^64)
 *
 * with sites ordered by name and enc(u) = round(u * 2^FRACTION_BITS) mod 2^64 (two's
 * complement). The masks cancel in the sum over *every* participant, and only there: each
 * share alone, or any proper subset's sum, is uniformly distributed to whoever lacks the seeds.
 * The participant set is the `sites` list of the query's log entry, fixed before any node
 * answers; a node answers a query id once (replay check), so a coordinator cannot ask for
 * the sums over two different sets and subtract them.
 */
import crypto from 'node:crypto';
import { pairwiseSeed } from '../crypto/x25519.js';

/** Fixed-point fraction bits: resolution 2^-40 (about 9e-13) per site, range +-2^23. */
export const FRACTION_BITS = 40;
const SCALE = 2 ** FRACTION_BITS;
const MOD = 1n << 64n;
const HALF = 1n << 63n;
const MASK_CONTEXT = 'score-mask/v1';

/** A real partial term as a ring element mod 2^64. */
export function encodeFixed(value: number): bigint {
  if (!Number.isFinite(value) || Math.abs(value) >= 2 ** (63 - FRACTION_BITS)) throw new RangeError(`partial term ${value} is outside the fixed-point range`);
  return BigInt.asUintN(64, BigInt(Math.round(value * SCALE)));
}

/** A ring element (e.g. the unmasked sum) back to a real number. */
export function decodeFixed(x: bigint): number {
  const v = BigInt.asUintN(64, x);
  const signed = v >= HALF ? v - MOD : v;
  return Number(signed) / SCALE;
}

/** The seed a site shares with one peer, derived once per peer key. */
export function maskSeed(myPrivateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  return pairwiseSeed(myPrivateKey, peerPublicKey, MASK_CONTEXT);
}

/**
 * A node's mask seed with each peer site (maskSeed), derived once per peer sealing key and kept
 * until the peer's key changes (a rotation logged in the log the node follows). `peerKey` gives
 * a peer's current key, or undefined when the node has not seen one: no seed then.
 */
export class PeerMaskSeeds {
  readonly #seeds = new Map<string, { key: string; seed: Uint8Array }>();

  constructor(private readonly myPrivateKey: Uint8Array, private readonly peerKey: (peer: string) => Uint8Array | undefined) {}

  of(peer: string): Uint8Array | undefined {
    const key = this.peerKey(peer);
    if (!key) return undefined;
    const keyHex = Buffer.from(key).toString('hex');
    const cached = this.#seeds.get(peer);
    if (cached?.key === keyHex) return cached.seed;
    const seed = maskSeed(this.myPrivateKey, key);
    this.#seeds.set(peer, { key: keyHex, seed });
    return seed;
  }
}

/** The pair's mask for one query. */
export function pairMask(seed: Uint8Array, logIndex: number, queryId: string): bigint {
  const mac = crypto.createHmac('sha256', seed).update(`fedcredit/score-mask/v1\n${logIndex}\n${queryId}`).digest();
  return mac.readBigUInt64BE(0);
}

/**
 * This site's masked share. `participants` is every site of the query (this one included);
 * `seeds` gives the seed shared with each other participant.
 */
export function maskedShare(value: number, me: string, participants: readonly string[], seedOf: (site: string) => Uint8Array, logIndex: number, queryId: string): bigint {
  if (!participants.includes(me)) throw new RangeError(`site ${me} is not a participant`);
  let share = encodeFixed(value);
  for (const peer of participants) {
    if (peer === me) continue;
    const m = pairMask(seedOf(peer), logIndex, queryId);
    share = me < peer ? share + m : share - m;
  }
  return BigInt.asUintN(64, share);
}

/** The sum of every participant's share: the masks cancel and the joint term remains. */
export function sumShares(shares: Iterable<bigint>): bigint {
  let sum = 0n;
  for (const s of shares) sum += s;
  return BigInt.asUintN(64, sum);
}

export const fromWire = (s: string | number | bigint): bigint => BigInt.asUintN(64, BigInt(s));
export const toWire = (x: bigint): string => BigInt.asUintN(64, x).toString();

/**
 * Lanes besides the 2^64 one (the leaf chain's, docs/design/secureboost.md 7.1 step 4): the same
 * pairwise seeds, a mask per (query, lane label) drawn mod the lane's modulus, so each lane's
 * masks cancel in its own sum over every participant. The 64-bit HMAC value reduced mod a 29-bit
 * modulus is within 2^-35 of uniform.
 */
export function laneMask(seed: Uint8Array, logIndex: number, queryId: string, lane: string, modulus: number): number {
  const mac = crypto.createHmac('sha256', seed).update(`fedcredit/score-mask/v1\nlane ${lane}\n${logIndex}\n${queryId}`).digest();
  return Number(mac.readBigUInt64BE(0) % BigInt(modulus));
}

/** This site's share in a lane: its residue (in [0, modulus)) plus the pairwise lane masks, mod the lane's modulus. */
export function maskedLaneShare(residue: number, me: string, participants: readonly string[], seedOf: (site: string) => Uint8Array, logIndex: number, queryId: string, lane: string, modulus: number): number {
  if (!participants.includes(me)) throw new RangeError(`site ${me} is not a participant`);
  if (!Number.isSafeInteger(residue) || residue < 0 || residue >= modulus) throw new RangeError(`lane ${lane}: ${residue} is not a residue mod ${modulus}`);
  let share = residue;
  for (const peer of participants) {
    if (peer === me) continue;
    const m = laneMask(seedOf(peer), logIndex, queryId, lane, modulus);
    share = (me < peer ? share + m : share - m + modulus) % modulus;
  }
  return share;
}

/** The lane's sum mod its modulus, centered to (-modulus/2, modulus/2]. */
export function sumLane(shares: Iterable<number>, modulus: number): number {
  let sum = 0;
  for (const s of shares) {
    if (!Number.isSafeInteger(s) || s < 0 || s >= modulus) throw new RangeError(`a lane share ${s} is not a residue mod ${modulus}`);
    sum = (sum + s) % modulus;
  }
  return sum > modulus / 2 ? sum - modulus : sum;
}
