/**
 * Three-party ECDH-PSI (DESIGN.md "Alignment"): each site learns the IDs that all three sites
 * hold, as its own IDs in one agreed order, and nothing about which of its IDs only one other
 * site holds. Commutative blinding is X25519 over hash_to_curve (./psi-x25519.ts,
 * ./psi-hash.ts), as in Huberman-Franklin-Hogg (EC 1999) ECDH-PSI, FATE 2.x and SecretFlow.
 * This file is the strategy only: per-party steps that turn incoming messages into outgoing
 * ones. How messages travel (gRPC via the coordinator, sealed end to end) is not its concern.
 *
 * Why the textbook ring is not enough: if every set went round the ring to l b c H(x) and every
 * site compared its own (mapped) set with the others' sets, a site would learn X_own ∩ X_other
 * for each other site, i.e. exactly which of its IDs one other site holds. The rule this flow
 * keeps instead: a site holds its own set, mapped to its IDs, under one key product only, and
 * the only other thing it ever holds under a product equal to that one up to its own keys is
 * the final intersection. Every other key product it holds contains at most one foreign set.
 *
 * Roles per session, ring = [leader, second, third]. Keys: leader l, l2; second b, b2; third c.
 * Each site normalizes (./ids.ts: credit codes as they are, any other text id NFC-normalized,
 * trimmed and pre-hashed to 32 bytes, so ids of every length look alike), hashes, dedupes and
 * shuffles its own IDs first; relays keep order (so an owner can
 * map its set when it comes back). The owner's shuffle already makes order meaningless, and no
 * site sees any foreign set twice, so keeping order links nothing; the one set that is not an
 * owner's (the padded overlap) is shuffled by the leader, and the intersection is sent sorted.
 *
 *   start   L -> S  leader-set-1   l2 H(X_L)
 *           S -> T  second-set-1   b H(X_S)
 *           T -> S  third-set-1    c H(X_T)
 *   relay   T -> L  second-set-2   bc H(X_S)
 *           S -> L  third-set-2    bc H(X_T)
 *           S -> T  leader-set-3   l2 b b2 H(X_L)
 *           T -> L  leader-set-4   l2 b b2 c H(X_L)          L's own set, mapped
 *           L -> S  second-set-3   l bc H(X_S)               S's own set, mapped
 *           L -> T  third-set-3    l bc H(X_T)               T's own set, mapped
 *   overlap L: J = second-set-2 ∩ third-set-2 = bc H(X_S ∩ X_T)
 *           L -> S  overlap-padded l2 J + random points up to min(|X_S|, |X_T|), shuffled
 *           S -> L  overlap-lifted b2 (overlap-padded)        L: own ∩ this = X_L ∩ X_S ∩ X_T
 *           L -> S,T intersection  l J restricted to the intersection, sorted
 *
 * What each site holds, by key product modulo its own keys (a site can apply its own keys):
 *   L: [bc] second-set-2, third-set-2 | [b b2 c] own set and the lifted overlap.
 *   S: [l2] leader's set | [c] third's set | [l2 c] padded overlap | [l c] own set, intersection.
 *   T: [b] second's set | [l2 b b2] leader's set | [l b] own set, intersection.
 * So S and T learn the intersection and the three set sizes; L also learns |X_S ∩ X_T|: it
 * compares those two sets, unmapped. With equality tests on blinded values some party has to
 * compare two real sets first, and we know of no commutative-blinding flow that avoids one
 * such count; choose as leader the site for which it matters least (e.g. the bank, which then
 * learns how many enterprises tax and power both cover). L holds its own set only under
 * [b b2 c], never under [bc], which is why S applies a second key b2.
 *
 * The padding hides |X_S ∩ X_T| from S and the coordinator; its points are hash_to_curve of fresh
 * random seeds under a padding-only DST (psi-x25519.ts randomSubgroupPoints),
 * never re-blinded real values (those would give L the key product of its own set on IDs of
 * X_S). The coordinator relays payloads it cannot open and learns their lengths: the three set
 * sizes, min(|X_S|, |X_T|) and the intersection size. tests/psi/privacy.test.ts checks all of
 * this on a captured transcript, including a curious site applying its keys to everything.
 * The final values l b c H(x) are known to all three sites for the intersection only; they give
 * the canonical order (./psi-output.ts).
 */
import { CREDIT_CODE_RULE, packIds, prepareIds, type IdRule } from './ids.js';
import { createPsiBlinder, type PsiBlinder } from './psi-blinder.js';
import { POINT_BYTES } from './psi-hash.js';
import {
  PSI_ROLES,
  PSI_ROUTES,
  PsiProtocolError,
  UNSEALED,
  type PsiMessage,
  type PsiMessageKind,
  type PsiPayloadSealer,
  type PsiRole,
} from './psi-messages.js';
import { alignIntersection, checkSplitOptions, type AlignedEntry, type PsiSplitOptions } from './psi-output.js';
import { checkIncomingCount, runPsiStep, type PsiState } from './psi-steps.js';
import { clearBlindingKeyCache, generateBlindingKey, SCALAR_BYTES } from './psi-x25519.js';
import { permuteArray, randomPermutation } from './psi-sets.js';

export * from './psi-messages.js';
export type { PsiSplitOptions } from './psi-output.js';
export { createPsiBlinder, type PsiBlinder } from './psi-blinder.js';

/** A site's two secret scalars; `secondary` is used by the leader and the second only. */
export interface PsiSecretKeys {
  readonly primary: Uint8Array;
  readonly secondary: Uint8Array;
}

export interface PsiPartyOptions {
  /** The alignment job; all three parties must use the same string. */
  readonly session: string;
  /** [leader, second, third] site names, identical at all three parties. */
  readonly ring: readonly [string, string, string];
  /** Where blinding runs; default: in-thread. Not closed by the party (it may be shared). */
  readonly blinder?: PsiBlinder;
  /** End-to-end sealing of payloads; default none (tests, in-process benchmarks). */
  readonly sealer?: PsiPayloadSealer;
  /** Agreed train/validation split of the intersection; default: everything is train. */
  readonly split?: PsiSplitOptions;
  /** Fixed keys, for tests that recompute messages. Production leaves this unset. */
  readonly secretKeys?: PsiSecretKeys;
  /** Which ids the job compares (./ids.ts), the same at all three parties; default credit codes. */
  readonly idRule?: IdRule;
}

export interface PsiStats {
  /** IDs given to the party, duplicates included. */
  readonly inputIds: number;
  readonly duplicatesRemoved: number;
  /** Deduplicated set size of every site (as seen from message lengths). */
  readonly setSizes: Readonly<Record<string, number>>;
  readonly intersectionSize: number;
  /** Leader only: |X_second ∩ X_third|, which the leader necessarily learns (see above). */
  readonly peerOverlapSize?: number;
}

export interface PsiResult {
  readonly site: string;
  readonly session: string;
  readonly role: PsiRole;
  /** Own IDs held by all three sites, in the canonical order shared by all three. */
  readonly intersection: readonly string[];
  readonly train: readonly string[];
  readonly validation: readonly string[];
  /** Equal at all three sites iff they aligned the same list in the same order. */
  readonly alignmentDigest: string;
  readonly stats: PsiStats;
}

/** Default blinder shared by parties that were not given one (in-thread: nothing to close). */
let inThreadBlinder: PsiBlinder | undefined;

export class PsiParty {
  readonly role: PsiRole;
  readonly session: string;
  readonly ring: readonly [string, string, string];
  readonly #state: PsiState;
  readonly #sealer: PsiPayloadSealer;
  readonly #split: PsiSplitOptions | undefined;
  readonly #inputIds: number;
  /** Own id (row key) of each canonical id that differs from it (./ids.ts). */
  readonly #rawOf: ReadonlyMap<string, string>;
  /** True when this party generated its keys (and so may wipe them). */
  readonly #ownKeys: boolean;
  #started = false;
  #result: PsiResult | undefined;
  /** Steps run one at a time even if a transport delivers concurrently. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly site: string,
    ids: readonly string[],
    opts: PsiPartyOptions,
  ) {
    if (typeof site !== 'string' || site === '') throw new TypeError('PsiParty: site must be a non-empty string');
    if (!Array.isArray(ids)) throw new TypeError(`PsiParty(${site}): ids must be an array of strings`);
    if (typeof opts?.session !== 'string' || opts.session === '') {
      throw new TypeError(`PsiParty(${site}): opts.session must name the alignment job`);
    }
    const ring = opts.ring;
    if (!Array.isArray(ring) || ring.length !== 3 || new Set(ring).size !== 3 || !ring.includes(site)) {
      throw new RangeError(
        `PsiParty(${site}): opts.ring must list three distinct sites [leader, second, third] including '${site}'`,
      );
    }
    if (opts.split !== undefined) checkSplitOptions(opts.split);
    this.role = PSI_ROLES[ring.indexOf(site)]!;
    this.session = opts.session;
    this.ring = [ring[0], ring[1], ring[2]];
    this.#sealer = opts.sealer ?? UNSEALED;
    this.#split = opts.split;
    this.#inputIds = ids.length;
    this.#ownKeys = opts.secretKeys === undefined;

    // Validate or normalize, dedupe, then shuffle: the order of everything this site sends is
    // this permutation. The steps work on canonical ids; #finish maps them back to own ids.
    const rule = opts.idRule ?? CREDIT_CODE_RULE;
    const prepared = prepareIds(ids, rule, `PsiParty(${site})`);
    this.#rawOf = prepared.rawOf;
    const own = permuteArray(prepared.canonical, randomPermutation(prepared.canonical.length));
    const packed = packIds(own, rule);
    this.#state = {
      role: this.role,
      ownIds: own,
      ownIdBytes: packed.bytes,
      idLength: packed.idLength,
      keys: checkedKeys(site, opts.secretKeys),
      blinder: opts.blinder ?? (inThreadBlinder ??= createPsiBlinder({ threads: 0 })),
      received: new Map(),
      done: new Set(),
    };
  }

  /** True once this party has its result. */
  get finished(): boolean {
    return this.#result !== undefined;
  }

  /** The first messages this party sends. Call once. */
  start(): Promise<PsiMessage[]> {
    return this.#serialize(async () => {
      if (this.#started) throw new PsiProtocolError('ALREADY_STARTED', `PsiParty(${this.site}): start() called twice`);
      this.#started = true;
      return this.#advance();
    });
  }

  /**
   * Take one message addressed to this party; returns what it sends in response (possibly
   * nothing yet). Messages may arrive in any order and before start(). Throws PsiProtocolError
   * on a message this party must refuse; a refused envelope or payload is not stored. A step
   * that fails on stored input (e.g. a low-order point inside a set) ends this party's session:
   * it throws and the party never finishes; run the job again with a new session.
   */
  receive(message: PsiMessage): Promise<PsiMessage[]> {
    return this.#serialize(async () => {
      const kind = this.#checkEnvelope(message);
      let payload: Uint8Array;
      try {
        payload = await this.#sealer.open({ ...message, kind }, message.payload);
      } catch (cause) {
        throw new PsiProtocolError('BAD_PAYLOAD', `PsiParty(${this.site}): ${kind} from ${message.from} did not open`, {
          cause,
        });
      }
      if (!(payload instanceof Uint8Array) || payload.length % POINT_BYTES !== 0) {
        throw new PsiProtocolError(
          'BAD_PAYLOAD',
          `PsiParty(${this.site}): ${kind} from ${message.from} is not a whole number of ${POINT_BYTES}-byte points`,
        );
      }
      try {
        checkIncomingCount(this.#state, kind, payload);
      } catch (error) {
        if (error instanceof PsiProtocolError) {
          throw new PsiProtocolError(error.code, `PsiParty(${this.site}): ${error.message}`, { cause: error });
        }
        throw error;
      }
      this.#state.received.set(kind, payload);
      return this.#started ? this.#advance() : [];
    });
  }

  /** The outcome; throws PsiProtocolError NOT_FINISHED before the run completes. */
  result(): PsiResult {
    if (this.#result === undefined) {
      throw new PsiProtocolError('NOT_FINISHED', `PsiParty(${this.site}): the PSI run has not finished`);
    }
    return this.#result;
  }

  #serialize<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(step, step);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #checkEnvelope(message: PsiMessage): PsiMessageKind {
    if (message === null || typeof message !== 'object') throw new TypeError(`PsiParty(${this.site}): not a message`);
    const { session, from, to, kind } = message;
    if (session !== this.session) {
      throw new PsiProtocolError('WRONG_SESSION', `PsiParty(${this.site}): message for session '${session}', expected '${this.session}'`);
    }
    if (to !== this.site) throw new PsiProtocolError('WRONG_RECIPIENT', `PsiParty(${this.site}): message addressed to '${to}'`);
    const route = Object.hasOwn(PSI_ROUTES, kind) ? PSI_ROUTES[kind] : undefined;
    const sender = route === undefined ? undefined : this.ring[PSI_ROLES.indexOf(route.from)];
    if (route === undefined || !route.to.includes(this.role) || from !== sender) {
      throw new PsiProtocolError(
        'UNEXPECTED_MESSAGE',
        `PsiParty(${this.site}, ${this.role}): does not accept '${String(kind)}' from '${from}'`,
      );
    }
    if (this.#result !== undefined) {
      throw new PsiProtocolError('UNEXPECTED_MESSAGE', `PsiParty(${this.site}): '${kind}' after the run finished`);
    }
    if (this.#state.received.has(kind)) {
      throw new PsiProtocolError('DUPLICATE_MESSAGE', `PsiParty(${this.site}): '${kind}' already received`);
    }
    if (!(message.payload instanceof Uint8Array)) {
      throw new PsiProtocolError('BAD_PAYLOAD', `PsiParty(${this.site}): '${kind}' payload is not a Uint8Array`);
    }
    return kind;
  }

  /** Run every step whose inputs are present; seal what they produce. */
  async #advance(): Promise<PsiMessage[]> {
    const out: PsiMessage[] = [];
    for (;;) {
      let step: Awaited<ReturnType<typeof runPsiStep>>;
      try {
        step = await runPsiStep(this.#state);
      } catch (error) {
        // Say whose step it was: in a three-party run the first failure is what the caller sees.
        const message = `PsiParty(${this.site}, ${this.role}): ${error instanceof Error ? error.message : String(error)}`;
        if (error instanceof PsiProtocolError) throw new PsiProtocolError(error.code, message, { cause: error });
        throw new (error instanceof RangeError ? RangeError : Error)(message, { cause: error });
      }
      if (step === undefined) break;
      for (const { kind, payload } of step.send) {
        for (const toRole of PSI_ROUTES[kind].to) {
          const envelope = { session: this.session, from: this.site, to: this.ring[PSI_ROLES.indexOf(toRole)]!, kind };
          out.push({ ...envelope, payload: await this.#sealer.seal(envelope, payload) });
        }
      }
      if (step.aligned !== undefined && step.sizes !== undefined) this.#finish(step.aligned, step.sizes);
    }
    return out;
  }

  #finish(entries: readonly AlignedEntry[], sizes: Readonly<Record<PsiRole, number>>): void {
    const overlap = this.#state.overlap;
    const peerOverlapSize = overlap === undefined ? undefined : overlap.values.length / POINT_BYTES;
    const canonical = alignIntersection(entries, this.#split);
    const own = (ids: readonly string[]): string[] => ids.map((id) => this.#rawOf.get(id) ?? id);
    const aligned = { ...canonical, intersection: own(canonical.intersection), train: own(canonical.train), validation: own(canonical.validation) };
    const setSizes: Record<string, number> = {};
    PSI_ROLES.forEach((role, i) => (setSizes[this.ring[i]!] = sizes[role]));
    this.#result = {
      site: this.site,
      session: this.session,
      role: this.role,
      ...aligned,
      stats: {
        inputIds: this.#inputIds,
        duplicatesRemoved: this.#inputIds - this.#state.ownIds.length,
        setSizes,
        intersectionSize: entries.length,
        ...(peerOverlapSize === undefined ? {} : { peerOverlapSize }),
      },
    };
    // Nothing more arrives for this party; drop the blinded sets.
    this.#state.received.clear();
    delete this.#state.overlap;
    // The keys have done their job; with them and a transcript anyone could recompute the
    // blinded sets. Wipe the ones this party made (callers' test keys are theirs to keep).
    if (this.#ownKeys) {
      this.#state.keys.primary.fill(0);
      this.#state.keys.secondary.fill(0);
      clearBlindingKeyCache();
    }
  }
}

function checkedKeys(site: string, keys: PsiSecretKeys | undefined): PsiSecretKeys {
  if (keys === undefined) return { primary: generateBlindingKey(), secondary: generateBlindingKey() };
  for (const name of ['primary', 'secondary'] as const) {
    const k = keys[name];
    if (!(k instanceof Uint8Array) || k.length !== SCALAR_BYTES) {
      throw new RangeError(`PsiParty(${site}): secretKeys.${name} must be ${SCALAR_BYTES} bytes`);
    }
  }
  return keys;
}
