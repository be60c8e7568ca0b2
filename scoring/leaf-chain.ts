/**
 * The leaf chain (docs/design/secureboost.md 7.1): scoring a model whose term is a sum over slots
 * no single site can evaluate (boosted trees: a leaf counts only if every site's splits on its
 * path agree), without any party learning the slot, the leaf, or any site's part of the sum.
 *
 * After every site has answered the query's ComputeShares (consent checked and used, the
 * ordinary 2^64 share and the sealed explanation sent; scoring/node.ts keeps the query here with
 * `prepare`), the coordinator relays (NodeScoring.ChainHop, one call per hop):
 *
 *   hop 0, bank:   [[W']] = Enc_bank(round(w 2^16) x_bank) (its per-model scoring key), sealed to
 *                  the first passive (by name);
 *   hop k, passive k (name order): [[W']] * x_k slot-wise, sealed to the next passive; the last
 *                  one adds rho (uniform per slot mod t_s), a fresh zero and flooding
 *                  (crypto/bfv-batch.ts) and seals it to the bank; each passive answers its lane
 *                  share: its own term outside the slots (below; the last also -sum rho mod t_s)
 *                  plus the pairwise lane masks;
 *   final, bank:   decrypts (uniform slots W x prod x + rho), sums them mod t_s: A = S + sum rho,
 *                  and answers A plus its own term outside the slots plus its lane masks.
 *
 * Each site's term outside the slots (the kind's `contribution`: the trees' base score at the
 * bank; fusion: every site's ordinary scorecard characteristics) rides in this lane too, fixed
 * point at 2^16, and the site's 2^64 share is a masked 0 (scoring/node.ts). The coordinator sums
 * the lane mod t_s (scoring/secure-aggregation.ts sumLane), centers it and divides by 2^16: the
 * whole logit, and nothing else. Were the ordinary terms in the 2^64 lane, the coordinator would
 * read two sums, the trees' part of a fusion score and the rest: a partial score, which the
 * threat model denies it (DESIGN.md, the coordinator's row).
 * What each party sees: docs/scoring.md "Boosted trees" and models/trees/README.md (7.2).
 *
 * Each node keeps a prepared query in memory for CHAIN_TTL_MS and answers each of its hops once
 * (the pending query is dropped at its last hop): a coordinator cannot run the chain twice with
 * different orders or sets. A node restarted mid-chain has nothing prepared: the query fails
 * (SHARE_MISSING at the coordinator), as any missing share does.
 */
import crypto from 'node:crypto';
import { BfvBatchContext, CHAIN_FRACTION_BITS, CHAIN_PLAIN_MODULUS, CHAIN_SUM_LIMIT, type RingDegree } from '../crypto/bfv-batch.js';
import { openSealedBox, sealToRecipient, type SealedBoxBinding } from '../crypto/sealed-box.js';
import { FedcreditError } from '../lib/errors.js';
import type { LeafChainHook, ScoringPart } from '../training/model-kind.js';
import { maskedLaneShare, sumLane } from './secure-aggregation.js';

/** The lane's label in the mask derivation. */
export const CHAIN_LANE = 'leaf-chain/v1';

/** A site's own term outside the slots as a lane residue; refused when the sites' terms together could leave the lane's range. */
export function ownTermResidue(term: number, participants: number, site: string, modelVersion: string): number {
  // Half the lane's range is the slots' (models/fusion/part.ts), half the sites' own terms.
  const limit = CHAIN_SUM_LIMIT / 2 / Math.max(1, participants);
  if (!Number.isFinite(term) || Math.abs(term) >= limit) {
    throw new FedcreditError('MODEL_KIND_NOT_SCORABLE', `site ${site}: its term of model ${modelVersion} (${term}) is outside the leaf chain lane's ${limit} logit units; the model cannot be scored exactly`);
  }
  const fixed = Math.round(term * 2 ** CHAIN_FRACTION_BITS) % CHAIN_PLAIN_MODULUS;
  return fixed < 0 ? fixed + CHAIN_PLAIN_MODULUS : fixed;
}
/**
 * How long a node keeps a query ready for its hops after its share: the first query of a model
 * also builds its BFV context (N = 16384: seconds on a loaded machine), and the hops run one
 * after another.
 */
export const CHAIN_TTL_MS = 300_000;
/** Queries a node keeps ready at most (a coordinator that never relays the hops cannot grow it further). */
export const MAX_PENDING_CHAINS = 4096;

/** One hop as the coordinator relays it (proto LeafChainHop). */
export interface ChainHopRequest {
  readonly queryId: string;
  readonly modelVersion: string;
  readonly hop: number;
  /** The previous hop's sealed ciphertext; empty at hop 0. */
  readonly payload: Uint8Array;
  /** Who the output is sealed to. */
  readonly next: string;
  /** Who sealed the payload (the previous hop's site); empty at hop 0. */
  readonly from: string;
  /** Set for the last passive: it adds rho and floods. */
  readonly last: boolean;
}

export interface ChainHopAnswer {
  /** Sealed to `next`; empty at the bank's final hop. */
  readonly payload: Uint8Array;
  /** This site's lane share (decimal residue mod t_s); empty at the bank's hop 0. */
  readonly laneShare: string;
}

/** A query a node prepared at its share (scoring/node.ts). */
export interface PreparedChainQuery {
  readonly queryId: string;
  readonly logIndex: number;
  readonly participants: readonly string[];
  readonly seeds: ReadonlyMap<string, Uint8Array>;
  readonly part: ScoringPart;
  readonly role: 'bank' | 'passive';
  readonly hook: LeafChainHook;
  /** This site's stored vector; undefined: no record (every feature missing). */
  readonly vector: Float64Array | undefined;
  /** This site's term outside the slots (the kind's contribution, logit units): added to its lane share, never sent in the 2^64 lane. */
  readonly ownTerm: number;
}

interface Pending extends PreparedChainQuery {
  readonly until: number;
  /** ownTerm as a lane residue, checked and fixed at prepare. */
  readonly ownResidue: number;
  started: boolean;
}

export interface LeafChainNodeOptions {
  readonly site: string;
  readonly sealingPrivateKey: Uint8Array;
  /** A peer's sealing public key (from the log), undefined when unknown. */
  peerKey(site: string): Uint8Array | undefined;
  /** TEST ONLY: the bank's decrypted slots (the transcript and uniformity tests). */
  readonly observeSlots?: (slots: Uint32Array) => void;
}

const binding = (from: string, to: string, q: { queryId: string; modelVersion: string }, hop: number): SealedBoxBinding => ({
  purpose: 'score/leaf-chain', sender: from, recipient: to, extra: `${q.modelVersion}\n${q.queryId}\n${hop}`,
});

/** A node's side of the chain. */
export class LeafChainNode {
  readonly #opts: LeafChainNodeOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #contexts = new Map<string, Promise<BfvBatchContext>>();

  constructor(opts: LeafChainNodeOptions) {
    this.#opts = opts;
  }

  /** Kept after the share: the chain's hops for this query are answered only from here. */
  prepare(q: PreparedChainQuery): void {
    const now = Date.now();
    for (const [id, p] of this.#pending) if (p.until < now) this.#pending.delete(id);
    if (this.#pending.has(q.queryId)) throw new FedcreditError('BAD_REQUEST', `query ${q.queryId.slice(0, 64)} is already prepared for the leaf chain`);
    // Checked here, before the share leaves: a term the lane cannot carry refuses the query at its share.
    const ownResidue = ownTermResidue(q.ownTerm, q.participants.length, this.#opts.site, q.part.modelVersion);
    if (this.#pending.size >= MAX_PENDING_CHAINS) throw new FedcreditError('UNAVAILABLE', `site ${this.#opts.site} holds ${MAX_PENDING_CHAINS} queries waiting for their leaf chain; retry shortly`);
    this.#pending.set(q.queryId, { ...q, until: now + CHAIN_TTL_MS, started: false, ownResidue });
    // The model's BFV context is built at its first hop, not here: SEAL's work is synchronous, and
    // building it here (seconds at N = 16384 on a loaded machine) held up this node's share past
    // the coordinator's 10 s share deadline (tests/scoring/trees-score.test.ts).
  }

  get pending(): number {
    return this.#pending.size;
  }

  async hop(req: ChainHopRequest): Promise<ChainHopAnswer> {
    const { site } = this.#opts;
    const p = this.#pending.get(req.queryId);
    if (!p || p.until < Date.now()) throw new FedcreditError('NOT_FOUND', `site ${site} has no consented query ${req.queryId.slice(0, 64)} waiting for the leaf chain (its share was not computed here, or it expired, or its hop was answered)`);
    if (p.part.modelVersion !== req.modelVersion) throw new FedcreditError('BAD_REQUEST', `the hop names model ${req.modelVersion.slice(0, 32)}, the query ${p.part.modelVersion}`);
    if (!p.participants.includes(req.next) || req.next === site) throw new FedcreditError('BAD_REQUEST', `the hop's next site ${req.next.slice(0, 64)} is not another participant of query ${req.queryId.slice(0, 64)}`);
    const ctx = await this.#context(p.part);
    const q = { queryId: req.queryId, modelVersion: req.modelVersion };
    const passives = p.participants.length - 1;
    const lane = (residue: number): string => String(maskedLaneShare((residue + p.ownResidue) % CHAIN_PLAIN_MODULUS, site, p.participants, (peer) => p.seeds.get(peer)!, p.logIndex, req.queryId, CHAIN_LANE, CHAIN_PLAIN_MODULUS));
    const seal = (bytes: Uint8Array, hop: number): Uint8Array => {
      const key = this.#opts.peerKey(req.next);
      if (!key) throw new FedcreditError('SHARE_MISSING', `site ${req.next} has no sealing key in the log`);
      return sealToRecipient(key, bytes, binding(site, req.next, q, hop));
    };
    const open = (from: string): Uint8Array => {
      try {
        return openSealedBox(this.#opts.sealingPrivateKey, req.payload, binding(from, site, q, req.hop - 1));
      } catch (err) {
        throw new FedcreditError('BAD_REQUEST', `hop ${req.hop} of query ${req.queryId.slice(0, 64)}: the relayed ciphertext does not open for ${site} from ${from} (${(err as Error).message})`);
      }
    };
    if (p.role === 'bank') {
      if (!p.started) {
        if (req.hop !== 0 || req.payload.length > 0) throw new FedcreditError('BAD_REQUEST', `the bank's first hop of query ${req.queryId.slice(0, 64)} must be hop 0 without a payload`);
        p.started = true;
        const w = p.hook.values?.(p.part);
        if (!w) throw new FedcreditError('INTERNAL', `site ${site} is the bank of model ${p.part.modelVersion} but its part has no chain values`);
        const x = p.hook.indicator(p.part, p.vector);
        const fixed = Int32Array.from(w, (v, i) => (x[i] ? Math.round(v * 2 ** CHAIN_FRACTION_BITS) : 0));
        return { payload: seal(ctx.encryptValues(fixed), 0), laneShare: '' };
      }
      // Final hop: from the last passive.
      this.#pending.delete(req.queryId);
      const slots = ctx.decrypt(open(req.from));
      this.#opts.observeSlots?.(slots);
      let a = 0;
      for (const v of slots) a = (a + v) % CHAIN_PLAIN_MODULUS;
      return { payload: new Uint8Array(0), laneShare: lane(a) };
    }
    // A passive: one hop, then the query is gone.
    this.#pending.delete(req.queryId);
    if (!p.participants.includes(req.from) || req.from === site) throw new FedcreditError('BAD_REQUEST', `hop ${req.hop}: the payload's sender ${req.from.slice(0, 64)} is not another participant`);
    const x = p.hook.indicator(p.part, p.vector);
    let ct = ctx.multiplyIndicator(open(req.from), x);
    let residue = 0;
    if (req.last) {
      const rho = new Uint32Array(ctx.slots);
      crypto.randomFillSync(rho);
      let sum = 0;
      for (let i = 0; i < rho.length; i++) {
        rho[i] = rho[i]! % CHAIN_PLAIN_MODULUS;
        sum = (sum + rho[i]!) % CHAIN_PLAIN_MODULUS;
      }
      ct = ctx.finish(ct, rho, passives);
      residue = (CHAIN_PLAIN_MODULUS - sum) % CHAIN_PLAIN_MODULUS;
    }
    return { payload: seal(ct, req.hop), laneShare: lane(residue) };
  }

  close(): void {
    for (const c of this.#contexts.values()) void c.then((x) => x.dispose(), () => undefined);
    this.#contexts.clear();
    this.#pending.clear();
  }

  #context(part: ScoringPart): Promise<BfvBatchContext> {
    let ctx = this.#contexts.get(part.modelVersion);
    if (!ctx) {
      const n = Number(part['scoringN']) as RingDegree;
      const publicKey = String(part['scoringPublicKey'] ?? '');
      const secretKey = String(part['scoringSecretKey'] ?? '');
      if (!publicKey || (n !== 8192 && n !== 16384)) throw new FedcreditError('MODEL_KIND_NOT_SCORABLE', `model ${part.modelVersion} at ${part.site} has no scoring key; train it again to score it`);
      ctx = BfvBatchContext.create(n).then((c) => {
        c.loadKeys({ n, publicKey: Buffer.from(publicKey, 'base64'), ...(secretKey ? { secretKey: Buffer.from(secretKey, 'base64') } : {}) });
        return c;
      });
      ctx.catch(() => this.#contexts.delete(part.modelVersion));
      if (this.#contexts.size > 16) this.close();
      this.#contexts.set(part.modelVersion, ctx);
    }
    return ctx;
  }
}

/** The chain's order: the bank, then the passives by name (7.1). */
export function chainOrder(bank: string, sites: readonly string[]): string[] {
  return [bank, ...sites.filter((s) => s !== bank).sort()];
}

/** The coordinator's side: run the hops in order and sum the lane (the whole logit). `call` relays one hop to a site. */
export async function runLeafChain(bank: string, sites: readonly string[], queryId: string, modelVersion: string,
  call: (site: string, req: ChainHopRequest) => Promise<ChainHopAnswer>): Promise<{ sum: number; hops: number }> {
  const order = chainOrder(bank, sites);
  if (order.length < 2) throw new FedcreditError('TOO_FEW_SITES', 'the leaf chain needs the bank and at least one passive site');
  const shares: number[] = [];
  let payload: Uint8Array = new Uint8Array(0);
  for (let k = 0; k < order.length; k++) {
    const site = order[k]!;
    const next = k + 1 < order.length ? order[k + 1]! : bank;
    const answer = await call(site, { queryId, modelVersion, hop: k, payload, next, from: k === 0 ? '' : order[k - 1]!, last: k === order.length - 1 });
    if (k > 0) shares.push(parseShare(answer.laneShare, site));
    payload = answer.payload;
  }
  const final = await call(bank, { queryId, modelVersion, hop: order.length, payload, next: order[1]!, from: order[order.length - 1]!, last: false });
  shares.push(parseShare(final.laneShare, bank));
  const centered = sumLane(shares, CHAIN_PLAIN_MODULUS);
  return { sum: centered / 2 ** CHAIN_FRACTION_BITS, hops: order.length + 1 };
}

function parseShare(s: string, site: string): number {
  const v = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(v) || v >= CHAIN_PLAIN_MODULUS) throw new FedcreditError('BAD_REQUEST', `site ${site} answered a lane share that is not a residue mod ${CHAIN_PLAIN_MODULUS}`);
  return v;
}
