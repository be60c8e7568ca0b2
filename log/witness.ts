/**
 * A transparency log witness, transport-free (c2sp.org/tlog-cosignature semantics, the checks
 * of c2sp.org/tlog-witness): data nodes run one so the coordinator cannot show different
 * histories to different parties without a witness refusing to cosign (a split view).
 *
 * State is the last checkpoint this witness cosigned. A new checkpoint is cosigned only if the
 * log signed it, it is at least as large, and an RFC 9162 §2.1.4 consistency proof shows it
 * extends the state. The caller persists `state` (e.g. in the node's own store) and passes
 * it back on restart; losing it would let a rolled-back log be cosigned again.
 */
import { bytesEqual, verifyConsistency } from './merkle.js';
import { cosignatureLine, openCheckpoint, parseCheckpoint, formatCheckpoint } from './checkpoint.js';
import type { Checkpoint, TrustedKey } from './checkpoint.js';
import { encodeBase64 } from '../crypto/signed-note.js';
import type { Ed25519Identity } from '../crypto/signed-note.js';

export type WitnessRefusalCode =
  | 'BAD_CHECKPOINT' // malformed note, unknown log key, bad signature or wrong origin
  | 'ROLLBACK' // smaller than what was already cosigned
  | 'SPLIT_VIEW' // same size, different root
  | 'INCONSISTENT'; // consistency proof does not connect the two

export type CosignResult =
  | { readonly ok: true; readonly checkpoint: Checkpoint; readonly cosignature: string }
  | { readonly ok: false; readonly code: WitnessRefusalCode; readonly reason: string };

export interface WitnessOptions {
  /** The log this witness watches: its origin line and checkpoint key. */
  readonly log: { readonly origin: string; readonly key: TrustedKey };
  /** This witness's cosigning key (signature type 0x04 is derived from it). */
  readonly identity: Ed25519Identity;
  /** Last cosigned checkpoint, from the caller's persistent store; none for a new witness. */
  readonly state?: Checkpoint;
  /** POSIX seconds; injectable so tests are deterministic. */
  readonly now?: () => bigint;
}

function shortRoot(root: Uint8Array): string {
  return encodeBase64(root);
}

export class Witness {
  readonly #log: WitnessOptions['log'];
  readonly #identity: Ed25519Identity;
  readonly #now: () => bigint;
  #state: Checkpoint | undefined;

  constructor(options: WitnessOptions) {
    this.#log = options.log;
    this.#identity = options.identity;
    this.#now = options.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    if (options.state) {
      // Round-trip through the formatter so a corrupt stored state fails here, loudly.
      const reparsed = parseCheckpoint(formatCheckpoint(options.state));
      if (!reparsed.ok) throw new RangeError(`stored witness state is not a checkpoint: ${reparsed.reason}`);
      if (options.state.origin !== options.log.origin) {
        throw new RangeError(`stored witness state is for ${options.state.origin}, not ${options.log.origin}`);
      }
      this.#state = reparsed.checkpoint;
    }
  }

  /** The last checkpoint cosigned, which the caller should persist after each success. */
  get state(): Checkpoint | undefined {
    return this.#state;
  }

  /** The size a consistency proof passed to `cosign` must start from. */
  get size(): number {
    return this.#state?.size ?? 0;
  }

  /**
   * Checks `note` and, if it extends what this witness cosigned before, returns a cosignature
   * line to append to it. `proof` is the consistency proof from `this.size` to the new size.
   * Never throws on bad input: a refusal says what was wrong.
   */
  cosign(note: string | Uint8Array, proof: readonly Uint8Array[]): CosignResult {
    if (!Array.isArray(proof)) return { ok: false, code: 'INCONSISTENT', reason: 'consistency proof must be an array of hashes' };
    const opened = openCheckpoint(note, this.#log);
    if (!opened.ok) return { ok: false, code: 'BAD_CHECKPOINT', reason: `${opened.code}: ${opened.reason}` };
    const next = opened.checkpoint;
    const prev = this.#state;

    if (prev && next.size < prev.size) {
      return {
        ok: false,
        code: 'ROLLBACK',
        reason: `checkpoint size ${next.size} is smaller than the already cosigned size ${prev.size}`,
      };
    }
    if (prev && next.size === prev.size) {
      if (!bytesEqual(next.rootHash, prev.rootHash)) {
        return {
          ok: false,
          code: 'SPLIT_VIEW',
          reason: `same size different root: split view (size ${next.size} root ${shortRoot(next.rootHash)}, cosigned root ${shortRoot(prev.rootHash)})`,
        };
      }
      if (proof.length !== 0) return { ok: false, code: 'INCONSISTENT', reason: 'same checkpoint as cosigned, but the consistency proof is not empty' };
    } else if (prev && prev.size > 0) {
      const verdict = verifyConsistency(prev.size, next.size, prev.rootHash, next.rootHash, proof);
      if (!verdict.ok) {
        return {
          ok: false,
          code: 'INCONSISTENT',
          reason: `inconsistent checkpoint: size ${next.size} root ${shortRoot(next.rootHash)} does not extend size ${prev.size} root ${shortRoot(prev.rootHash)} (${verdict.reason})`,
        };
      }
    } else if (proof.length !== 0) {
      // From nothing (or the empty tree) every tree is consistent; a proof here means the
      // caller thinks this witness is somewhere it is not.
      return { ok: false, code: 'INCONSISTENT', reason: `witness has cosigned nothing yet, but got a ${proof.length}-hash consistency proof` };
    }

    const cosignature = cosignatureLine(opened.note.text, this.#identity, this.#now());
    this.#state = next;
    return { ok: true, checkpoint: next, cosignature };
  }
}
