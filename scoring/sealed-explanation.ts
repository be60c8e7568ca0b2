/**
 * A site's explanation as it travels to the requester (docs/scoring.md#explanations), sealed
 * in a v2 box (crypto/sealed-box.ts) that the coordinator relays but cannot read.
 *
 * Two properties the box alone does not give:
 *
 *  - Every box has one length, whatever it holds. The coordinator sees box lengths; before,
 *    a length named a reason set (a 212-byte bank box meant "currently delinquent"). The
 *    plaintext is padded with zeros, inside the seal, to EXPLANATION_PLAINTEXT_BYTES, which fits
 *    the largest record the limits below allow. A record that would not fit is refused
 *    (EXPLANATION_TOO_LONG), never sent in a longer box; on open, padding that is not all zeros
 *    is refused (EXPLANATION_MALFORMED).
 *  - The site authenticates what it seals. A sealed box is not authenticated to its sender:
 *    anyone holding the requester's public sealing key, the coordinator included, can make one.
 *    The site MACs the record over (site, requester, log index, query id, record), inside the
 *    seal, with HMAC-SHA256 under a key only it and the requester can derive: the X25519
 *    agreement of its registered sealing key with the requester's sealing key (the one the
 *    requester signed in its query), through HKDF (crypto/x25519.ts pairwiseSeed). The
 *    requester takes the site's sealing key from a statement the federation CA vouches for
 *    (scoring/site-key-statement.ts) and refuses a box whose MAC does not hold
 *    (EXPLANATION_FORGED). Each side derives the key once per peer (ExplanationMacKeys), so a
 *    box costs an HMAC where an Ed25519 signature (site) and verification (requester) used to
 *    (issue 12's CPU point). Unlike a signature, the MAC convinces the requester alone: it
 *    could have made it itself (docs/scoring.md says what that means).
 *
 * Record (format 3), then the MAC, then zeros:
 *
 *   0x03 || covered (0|1) || n (0..TOP_REASONS) || n x (len (1..64) || feature, UTF-8)
 *        || len (1..64) || model, UTF-8 || HMAC-SHA256 (32) || 0x00 ... to 295 bytes
 *
 * A reason's rank is its position; its direction is always 'increases-risk'. Lengths are
 * UTF-8 bytes, so a 64-byte limit is 64 ASCII or 21 CJK characters; names are never escaped.
 */
import crypto from 'node:crypto';
import { pairwiseSeed, x25519PublicKey } from '../crypto/x25519.js';
import { hashWithDomain, utf8Bytes } from '../crypto/hash.js';
import { BoxOpener, SealedBoxError, SEALED_BOX_V2_OVERHEAD, type BoxSealer } from '../crypto/sealed-box.js';
import { FedcreditError } from '../lib/errors.js';
import { explanationBinding, TOP_REASONS, type ExplanationReason, type SiteExplanation } from './protocol.js';

const FORMAT = 0x03;
/** Longest feature name and model version an explanation carries, in UTF-8 bytes. */
export const MAX_FEATURE_NAME_BYTES = 64;
export const MAX_MODEL_BYTES = 64;
const MAC_BYTES = 32;
const MAC_DOMAIN = 'fedcredit/score-explanation/v3';
/** What the site's and the requester's sealing keys agree on, through HKDF: the MAC key and nothing else. */
const MAC_KEY_CONTEXT = 'fedcredit/score-explanation-mac/v1';
/** Every explanation's plaintext inside the seal: the largest record, its MAC, zeros. */
export const EXPLANATION_PLAINTEXT_BYTES = 3 + TOP_REASONS * (1 + MAX_FEATURE_NAME_BYTES) + 1 + MAX_MODEL_BYTES + MAC_BYTES;
/** Every explanation box's length on the wire. */
export const EXPLANATION_BOX_BYTES = EXPLANATION_PLAINTEXT_BYTES + SEALED_BOX_V2_OVERHEAD;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The MAC keys one X25519 sealing key shares with its peers (a site's with each requester's,
 * a requester's with each site's), derived once per peer key: the agreement and HKDF cost
 * ~40 us, a MAC ~5. Keyed by the peer key's exact bytes; a key that fails (low order, or this
 * party's own) throws and is not kept. Cleared when full (a refill is one derivation).
 */
export class ExplanationMacKeys {
  readonly #privateKey: Uint8Array;
  readonly #keys = new Map<string, Buffer>();

  constructor(ownSealingPrivateKey: Uint8Array) {
    x25519PublicKey(ownSealingPrivateKey); // checks the key now, not at the first box
    this.#privateKey = ownSealingPrivateKey;
  }

  /** The MAC key shared with the owner of `peerSealingKey`; RangeError for a key no one honest has. */
  with(peerSealingKey: Uint8Array): Buffer {
    const id = Buffer.from(peerSealingKey).toString('hex');
    const known = this.#keys.get(id);
    if (known !== undefined) return known;
    const key = Buffer.from(pairwiseSeed(this.#privateKey, peerSealingKey, MAC_KEY_CONTEXT));
    if (this.#keys.size >= 1024) this.#keys.clear();
    this.#keys.set(id, key);
    return key;
  }
}

/** The site's MAC over the record in its context, so it cannot be replayed for another query, site or requester. */
function recordMac(key: Buffer, site: string, requesterName: string, logIndex: number, queryId: string, record: Uint8Array): Buffer {
  const digest = hashWithDomain(MAC_DOMAIN, utf8Bytes(site), utf8Bytes(requesterName), utf8Bytes(String(logIndex)), utf8Bytes(queryId), record);
  return crypto.createHmac('sha256', key).update(digest).digest();
}

/** The record bytes of an explanation; EXPLANATION_TOO_LONG when a name exceeds its limit. */
export function encodeExplanationRecord(e: Pick<SiteExplanation, 'site' | 'model' | 'covered' | 'reasons'>): Uint8Array {
  if (e.reasons.length > TOP_REASONS) {
    throw new FedcreditError('EXPLANATION_TOO_LONG', `site ${e.site}: ${e.reasons.length} reasons, an explanation holds at most ${TOP_REASONS}`);
  }
  const field = (what: string, text: string, max: number): Uint8Array => {
    const bytes = utf8Bytes(text);
    if (bytes.length === 0 || bytes.length > max) {
      throw new FedcreditError('EXPLANATION_TOO_LONG',
        `site ${e.site}: ${what} '${text.slice(0, 80)}' is ${bytes.length} UTF-8 bytes; explanations carry 1 to ${max} so that every sealed box has one length. ` +
        'Rename it (shorter column names at ingest, then retrain) rather than let its length show through the box');
    }
    return Uint8Array.of(bytes.length, ...bytes);
  };
  const parts = [Uint8Array.of(FORMAT, e.covered ? 1 : 0, e.reasons.length), ...e.reasons.map((r) => field('feature', r.feature, MAX_FEATURE_NAME_BYTES)), field('model', e.model, MAX_MODEL_BYTES)];
  return Buffer.concat(parts);
}

/**
 * Why a site's model part cannot be explained, or undefined when every feature name and the
 * model version fit an explanation (1 to MAX_FEATURE_NAME_BYTES / MAX_MODEL_BYTES UTF-8 bytes).
 * Checked once per model part (when training starts, and when a node loads the part to score),
 * never per query: a refusal that came only when a long name reached an enterprise's top
 * reasons would tell the coordinator and the requester something about that enterprise's
 * records. The message names no feature (it reaches the coordinator and the requester); the
 * caller tells its own operator which names (`longNames`).
 */
export function explainableProblem(site: string, modelVersion: string | undefined, features: readonly string[]): { message: string; longNames: string[] } | undefined {
  const fits = (text: string, max: number) => {
    const n = utf8Bytes(text).length;
    return n >= 1 && n <= max;
  };
  const longNames = features.filter((f) => !fits(f, MAX_FEATURE_NAME_BYTES));
  const model = modelVersion === undefined ? 'the model' : `model ${modelVersion.slice(0, MAX_MODEL_BYTES)}`;
  if (longNames.length > 0) {
    return {
      message: `site ${site}'s ${model} has feature names that do not fit an explanation (1 to ${MAX_FEATURE_NAME_BYTES} UTF-8 bytes each); ` +
        'it answers no query with this model: rename the columns at ingest and retrain',
      longNames,
    };
  }
  if (modelVersion !== undefined && !fits(modelVersion, MAX_MODEL_BYTES)) {
    return { message: `site ${site}: the model version is not 1 to ${MAX_MODEL_BYTES} UTF-8 bytes, so no explanation can name it; train it under a shorter version`, longNames: [] };
  }
  return undefined;
}

/**
 * A site's explanation, MACed under the key the site's sealing key (`siteKeys`) shares with
 * the requester's, and sealed to the requester in a box of EXPLANATION_BOX_BYTES (a v2 box:
 * the node seals many to one requester). The requester's sealing key must be one the requester
 * signed (scoring/protocol.ts sealingKeyValid): the caller checks that first.
 */
export function sealExplanation(sealer: BoxSealer, requesterSealingKey: Uint8Array, e: SiteExplanation, requesterName: string, logIndex: number, siteKeys: ExplanationMacKeys): Uint8Array {
  const record = encodeExplanationRecord(e);
  let macKey: Buffer;
  try {
    macKey = siteKeys.with(requesterSealingKey);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new FedcreditError('EXPLANATION_FORGED', `the requester's sealing key cannot authenticate an explanation (${err.message}); the requester must send its real sealing key`);
  }
  const plaintext = new Uint8Array(EXPLANATION_PLAINTEXT_BYTES);
  plaintext.set(record, 0);
  plaintext.set(recordMac(macKey, e.site, requesterName, logIndex, e.queryId, record), record.length);
  const box = sealer.seal(requesterSealingKey, plaintext, explanationBinding(e.site, requesterName, logIndex, e.queryId));
  // The box's length is the whole point: a sealer that changed it would leak again.
  if (box.length !== EXPLANATION_BOX_BYTES) throw new FedcreditError('INTERNAL', `an explanation box of ${box.length} bytes, expected ${EXPLANATION_BOX_BYTES}`);
  return box;
}

/** What the requester opens explanations with: its sealing key's box opener and MAC keys. */
export class ExplanationOpener {
  readonly boxes: BoxOpener;
  readonly macKeys: ExplanationMacKeys;

  constructor(requesterSealingPrivateKey: Uint8Array) {
    this.boxes = new BoxOpener(requesterSealingPrivateKey);
    this.macKeys = new ExplanationMacKeys(requesterSealingPrivateKey);
  }
}

/**
 * Opens a site's sealed explanation with the requester's private sealing key (or an opener
 * holding it) and checks its MAC under the key the requester's sealing key shares with
 * `siteSealingKey`, the site's X25519 sealing key (certified: scoring/site-key-statement.ts).
 * Throws FedcreditError: EXPLANATION_FORGED when the box was not sealed to this key for this
 * query and site, or not MACed by the site for them; EXPLANATION_MALFORMED when it opens but
 * its length, record or padding is not what a site makes.
 */
export function openExplanation(key: Uint8Array | ExplanationOpener, box: Uint8Array, site: string, requesterName: string, logIndex: number, queryId: string, siteSealingKey: Uint8Array): SiteExplanation {
  if (box.length !== EXPLANATION_BOX_BYTES) {
    throw new FedcreditError('EXPLANATION_MALFORMED', `the explanation from site ${site} is ${box.length} bytes; every explanation box is ${EXPLANATION_BOX_BYTES}. It was altered in transit, or the site runs another version`);
  }
  const opener = key instanceof ExplanationOpener ? key : new ExplanationOpener(key);
  let plaintext: Uint8Array;
  try {
    plaintext = opener.boxes.open(box, explanationBinding(site, requesterName, logIndex, queryId));
  } catch (e) {
    if (!(e instanceof SealedBoxError)) throw e;
    throw new FedcreditError('EXPLANATION_FORGED', `the explanation said to be from site ${site} for query ${queryId} does not open: ${e.message}`);
  }
  const { record, mac, reasons, covered, model } = parseExplanation(plaintext, site);
  let macKey: Buffer;
  try {
    macKey = opener.macKeys.with(siteSealingKey);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new FedcreditError('EXPLANATION_FORGED', `site ${site}'s stated sealing key cannot authenticate an explanation (${e.message}); do not use it, and report the coordinator`);
  }
  if (!crypto.timingSafeEqual(recordMac(macKey, site, requesterName, logIndex, queryId, record), mac)) {
    throw new FedcreditError('EXPLANATION_FORGED',
      `the explanation said to be from site ${site} for query ${queryId} is not authenticated by that site's key: someone other than the site sealed it (the coordinator relays it and could), or moved it from another query; do not use it, and report the coordinator`);
  }
  return { v: 1, site, queryId, model, covered, reasons };
}

/** The record, MAC and fields of an opened explanation; EXPLANATION_MALFORMED if it is not one. */
function parseExplanation(p: Uint8Array, site: string): { record: Uint8Array; mac: Uint8Array; reasons: ExplanationReason[]; covered: boolean; model: string } {
  const bad = (why: string): never => {
    throw new FedcreditError('EXPLANATION_MALFORMED', `the explanation from site ${site} opened but is not well formed (${why}); the site runs another version, or did not make it`);
  };
  if (p.length !== EXPLANATION_PLAINTEXT_BYTES) bad(`${p.length} bytes inside, expected ${EXPLANATION_PLAINTEXT_BYTES}`);
  if (p[0] !== FORMAT) bad(`format ${p[0]}, expected ${FORMAT}`);
  if (p[1]! > 1) bad(`covered flag ${p[1]}`);
  const n = p[2]!;
  if (n > TOP_REASONS) bad(`${n} reasons, at most ${TOP_REASONS}`);
  let at = 3;
  const text = (what: string, max: number): string => {
    const len = p[at]!;
    if (len === 0 || len > max || at + 1 + len > p.length - MAC_BYTES) bad(`${what} of ${len} bytes`);
    let s = '';
    try {
      s = strictUtf8.decode(p.subarray(at + 1, at + 1 + len));
    } catch {
      bad(`${what} is not UTF-8`);
    }
    at += 1 + len;
    return s;
  };
  const reasons: ExplanationReason[] = [];
  for (let i = 0; i < n; i++) reasons.push({ feature: text('feature', MAX_FEATURE_NAME_BYTES), direction: 'increases-risk', rank: i + 1 });
  const model = text('model', MAX_MODEL_BYTES);
  const record = p.slice(0, at);
  const mac = p.slice(at, at + MAC_BYTES);
  for (let i = at + MAC_BYTES; i < p.length; i++) if (p[i] !== 0) bad(`padding byte ${i} is ${p[i]}, not 0`);
  return { record, mac, reasons, covered: p[1] === 1, model };
}
