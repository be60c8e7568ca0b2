/**
 * The data node's side of a consented score query (docs/scoring.md). For every ShareRequest
 * the coordinator sends, the node on its own:
 *
 *  1. checks the query's log entry: it reads the coordinator's log up to the entry's index
 *     itself (log/follower.ts), applying every key binding, revocation and node
 *     registration it has not seen, and requires the entry bytes it was sent to be the ones
 *     logged at that index, naming this site and matching the requester's signed query;
 *  2. verifies the requester's signed query and the consent with its own ledger (its own
 *     uses count, replay table and revocations), so a revocation is honoured even when the
 *     coordinator ignores it;
 *  3. only then evaluates its part of the model on its own feature vector (or answers its
 *     population baseline when it has no records of the enterprise), adds the pairwise masks
 *     (scoring/secure-aggregation.ts), seals its top reasons to the requester, records the query in
 *     its signed served-record book (with the log index) and answers. For a kind with a leaf
 *     chain (boosted trees) a `score` query is then kept for the chain's hops, which the
 *     coordinator relays after every share (scoring/leaf-chain.ts, ChainHop).
 *
 * A refusal at step 2 is recorded in the served book too (the log entry names this site, and
 * the book says it was refused and why), and reaches the coordinator as a stable code, which
 * the coordinator logs as a `refusal` entry. Nothing after step 2 runs for a refused query.
 *
 * Queries arrive in batches on one stream from the coordinator (ComputeShares), each batch with
 * the log entries the node has not read yet. Every query of a batch goes through the three
 * steps on its own; the batch's consent claims and served records go to disk in one synced
 * write (NodeStore.writeGroup).
 */
import { hashLeaf } from '../log/merkle.js';
import type { Identity } from '../crypto/identity.js';
import { BoxSealer } from '../crypto/sealed-box.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import { ConsentLedger, levelLedgerStore } from '../consent/ledger.js';
import { consumeSignedQuery, parseSignedQuery, signedQueryValid, type SignedQuery } from '../consent/signed-query.js';
import { consentRefusalError, modelServesPurpose } from '../consent/verify.js';
import { loggedTermsMismatch } from '../consent/terms.js';
import { FedcreditError, type ErrorCode } from '../lib/errors.js';
import { safeError, unary } from '../lib/grpc.js';
import { serveRequestStream } from '../lib/grpc-streams.js';
import { decodeEntry, sitesOf, type LogEntry } from '../log/entries.js';
import { maskedShare, PeerMaskSeeds, toWire } from './secure-aggregation.js';
import { sealingKeyValid, TOP_REASONS, type ExplanationReason } from './protocol.js';
import { ExplanationMacKeys, explainableProblem, sealExplanation } from './sealed-explanation.js';
import { siteKeyStatement } from './site-key-statement.js';
import { LeafChainNode } from './leaf-chain.js';
import type { Transport } from '../lib/tls.js';
import type { NodeScoringHandlers } from '../proto/gen/fedcredit/v1/NodeScoring.js';
import type { ShareBatch__Output } from '../proto/gen/fedcredit/v1/ShareBatch.js';
import type { ShareBatchResponse } from '../proto/gen/fedcredit/v1/ShareBatchResponse.js';
import type { ShareRequest__Output } from '../proto/gen/fedcredit/v1/ShareRequest.js';
import type { ShareResponse } from '../proto/gen/fedcredit/v1/ShareResponse.js';
import { getStoredPart, type StoredPart } from '../site/model-store.js';
import { modelKind } from '../models/registry.js';
import type { KindScoring } from '../training/model-kind.js';
import { modelOnCatalogue } from '../site/model-catalogue.js';
import { LogFollower, type LogTrust } from '../log/follower.js';
import { featureDataWindow } from '../features/index.js';
import { checkQueryPolicy, type TrainingPolicy } from '../site/policy.js';
import type { ServedRecordBook } from '../log/served-book.js';
import type { NodeStore } from '../site/store.js';
import { isSite } from '../schema/site-schema.js';

/** Queries per ComputeShares batch at most (the coordinator sends fewer: scoring/share-batches.ts). */
export const MAX_BATCH_QUERIES = 1024;

export interface NodeScoringOptions {
  readonly store: NodeStore;
  readonly site: string;
  readonly sealingKeys: X25519KeyPair;
  /** Signs the explanations the node seals (scoring/sealed-explanation.ts). */
  readonly identity: Identity;
  readonly servedRecords: ServedRecordBook;
  /** The coordinator whose log the node reads; without one the node cannot score. */
  readonly coordinator?: string;
  /** The log key and cosigned checkpoint the node's witness keeps; needed with a coordinator. */
  readonly logTrust?: LogTrust;
  readonly transport: Transport;
  readonly trustedRegistrars: readonly string[];
  readonly log: (line: string) => void;
  /** The node's local policy (site/policy.ts): its query rules refuse before the consent is used. */
  readonly policy?: TrainingPolicy;
}

export class NodeScoring {
  readonly ledger: ConsentLedger;
  readonly follower: LogFollower | undefined;
  readonly #opts: NodeScoringOptions;
  readonly #models = new Map<string, CheckedModel>();
  readonly #seeds: PeerMaskSeeds;
  readonly #sealer = new BoxSealer();
  readonly #chain: LeafChainNode;
  /** MAC keys this site's sealing key shares with each requester's (scoring/sealed-explanation.ts). */
  readonly #macKeys: ExplanationMacKeys;
  #window: { generation: number; window: { from: string; to: string } | undefined } | undefined;
  /** Sent beside every explanation: the key that signs them, certified by this node's TLS key. */
  readonly #keyStatement: Buffer;
  #evaluations = 0;
  #shares = 0;
  #batches = 0;
  readonly #refusals = new Map<string, number>();

  constructor(opts: NodeScoringOptions) {
    this.#opts = opts;
    this.#keyStatement = Buffer.from(siteKeyStatement(opts.site, opts.sealingKeys.publicKey, opts.transport));
    this.#macKeys = new ExplanationMacKeys(opts.sealingKeys.privateKey);
    this.#seeds = new PeerMaskSeeds(opts.sealingKeys.privateKey, (peer) => this.follower?.peerSealingKey(peer));
    this.#chain = new LeafChainNode({ site: opts.site, sealingPrivateKey: opts.sealingKeys.privateKey, peerKey: (peer) => this.follower?.peerSealingKey(peer) });
    // The ledger's claims go to disk with the served records of the same batch, in one synced write.
    const { store } = opts;
    this.ledger = ConsentLedger.over(levelLedgerStore(store.consent, (ops) => store.writeGroup(ops.map((op) => ({ ...op, sublevel: store.consent })))), {
      trustedRegistrars: opts.trustedRegistrars,
    });
    this.follower = opts.coordinator === undefined || opts.logTrust === undefined ? undefined : new LogFollower({
      coordinator: opts.coordinator, transport: opts.transport, site: opts.site, ledger: this.ledger, trust: opts.logTrust, log: opts.log,
    });
  }

  handlers(): NodeScoringHandlers {
    return {
      ComputeShares: (call) => serveRequestStream(call, {
        maxInFlight: 64,
        seqOf: (batch) => Number(batch.seq),
        answer: async (batch, seq) => ({ ...(await this.computeShares(batch)), seq: String(seq) }),
        failed: (seq, { code, message }) => ({ seq: String(seq), outcomes: [], failure: { code, message } }),
        log: this.#opts.log,
      }),
      GetScoringStats: unary(async () => ({
        evaluations: String(this.#evaluations),
        shares: String(this.#shares),
        refusals: [...this.#refusals.entries()].map(([code, count]) => ({ code, count: String(count) })),
        logEntriesSeen: String(this.follower?.size ?? 0),
        batches: String(this.#batches),
      }), this.#opts.log),
      ChainHop: unary(async (req) => {
        const a = await this.#chain.hop({ queryId: req.queryId, modelVersion: req.modelVersion, hop: req.hop, payload: new Uint8Array(req.payload), next: req.next, from: req.from, last: req.last });
        return { payload: Buffer.from(a.payload), laneShare: a.laneShare };
      }, this.#opts.log),
    };
  }

  close(): void {
    this.follower?.close();
    this.#chain.close();
  }

  /** A batch from the coordinator: the entries it carries are applied first, then each query on its own. */
  async computeShares(batch: ShareBatch__Output): Promise<ShareBatchResponse> {
    const { site, log } = this.#opts;
    if (!this.follower) throw new FedcreditError('UNAVAILABLE', `node ${site} runs without a coordinator, so it has no log to check queries against`);
    if (batch.queries.length > MAX_BATCH_QUERIES) throw new FedcreditError('BAD_REQUEST', `a batch of ${batch.queries.length} queries; at most ${MAX_BATCH_QUERIES}`);
    const from = Number(batch.entriesFrom);
    if (!Number.isSafeInteger(from) || from < 0) throw new FedcreditError('BAD_REQUEST', 'entries_from is not a valid index');
    this.#batches++;
    await this.follower.offer(from, batch.entries, batch.checkpoint);
    const outcomes = await Promise.all(batch.queries.map(async (query) => {
      try {
        return { share: await this.computeShare(query) };
      } catch (err) {
        const { code, message } = safeError(err, log);
        return { refusal: { code, message } };
      }
    }));
    return { outcomes, logSize: String(this.follower.size) };
  }

  async computeShare(req: ShareRequest__Output): Promise<ShareResponse> {
    const { site } = this.#opts;
    if (!this.follower) throw new FedcreditError('UNAVAILABLE', `node ${site} runs without a coordinator, so it has no log to check queries against`);
    // 1. The entry: well-formed, about this site, and exactly what the log holds at its index.
    const entryBytes = new Uint8Array(req.entry);
    const entryHash = Buffer.from(hashLeaf(entryBytes)).toString('hex');
    const logIndex = Number(req.logIndex);
    // Usually decoded already, when the batch carried it to the follower (and only if the bytes are the same).
    const applied = Number.isSafeInteger(logIndex) ? this.follower.decodedQuery(logIndex, entryHash) : undefined;
    const decoded = applied ? { ok: true as const, entry: applied } : decodeEntry(entryBytes);
    if (!decoded.ok || decoded.entry.kind !== 'query') throw new FedcreditError('BAD_REQUEST', `the query entry is not a query log entry${decoded.ok ? '' : `: ${decoded.reason}`}`);
    const entry = decoded.entry;
    const participants = sitesOf(entry);
    if (!participants.includes(site)) throw new FedcreditError('BAD_REQUEST', `the query entry does not name site ${site}`);
    if (participants.length < 2 || new Set(participants).size !== participants.length) {
      throw new FedcreditError('TOO_FEW_SITES', 'a query must name at least two distinct sites: one masked share would reveal a single site\'s term');
    }
    if (entry.body['model'] !== req.modelVersion) throw new FedcreditError('BAD_REQUEST', `the query entry names model ${String(entry.body['model'])}, the request ${req.modelVersion.slice(0, 32)}`);
    if (!Number.isSafeInteger(logIndex) || logIndex < 0) throw new FedcreditError('BAD_REQUEST', 'log_index is not a valid index');
    const logged = await this.follower.queryEntryHash(logIndex);
    if (logged === undefined || logged !== entryHash) {
      throw new FedcreditError('QUERY_NOT_LOGGED', `log entry ${logIndex} is not this query naming ${site}; a node serves only queries it finds in the log`);
    }
    const parsed = parseSignedQuery(req.signedQuery);
    if (!parsed.ok) throw new FedcreditError('BAD_REQUEST', `the signed query does not parse: ${parsed.message}`);
    const q = parsed.value;
    const mismatch = entryMismatch(entry, q, req.consent);
    if (mismatch) throw new FedcreditError('BAD_REQUEST', `the logged query entry does not match the requester's signed query: ${mismatch}`);

    // 2. The consent and the signed query, with this node's own ledger. The query's signature
    // first (consuming nothing), so the checks below read only what the key the query names
    // signed; the consent, checked last, ties that key to the requester (docs/scoring.md).
    if (!signedQueryValid(q)) {
      return this.#refuse(entry, logIndex, q, 'CONSENT_WRONG_REQUESTER', `query ${q.queryId}: the requester's signature does not verify; only the bank a consent names can use it`);
    }
    const sealingKey = new Uint8Array(req.sealingKey?.publicKey ?? []);
    if (!sealingKeyValid(q.requester.name, q.requester.key, sealingKey, new Uint8Array(req.sealingKey?.signature ?? []))) {
      return this.#refuse(entry, logIndex, q, 'CONSENT_WRONG_REQUESTER', 'the sealing key is not signed by the requester the query names');
    }
    if (this.#opts.policy) {
      try {
        checkQueryPolicy(this.#opts.policy, site, { purpose: q.purpose, requester: q.requester.name });
      } catch (err) {
        if (!(err instanceof FedcreditError)) throw err;
        return this.#refuse(entry, logIndex, q, err.code, err.message, err);
      }
    }
    // The model part and the masks, before the consent is used: a refusal here must not count a use.
    const checked = await this.#model(req.modelVersion);
    if (!checked) return this.#refuse(entry, logIndex, q, 'MODEL_NOT_FOUND', `site ${site} holds no part of model ${req.modelVersion.slice(0, 32)}`);
    const { model, scoring } = checked;
    if (model.purpose !== undefined && !modelServesPurpose(model.purpose, q.purpose)) {
      return this.#refuse(entry, logIndex, q, 'MODEL_PURPOSE_MISMATCH', `site ${site}: model ${model.modelVersion} was trained for '${model.purpose}', not for '${q.purpose}'`);
    }
    // Names too long for the box refuse every query of the model alike, whatever the enterprise.
    if (checked.unusable !== undefined) return this.#refuse(entry, logIndex, q, checked.unusableCode ?? 'EXPLANATION_TOO_LONG', checked.unusable);
    const seeds = new Map<string, Uint8Array>();
    for (const peer of participants) {
      if (peer === site) continue;
      const seed = this.#seeds.of(peer);
      if (!seed) return this.#refuse(entry, logIndex, q, 'SHARE_MISSING', `site ${peer} has no registration in the log, so no mask can be agreed with it`);
      seeds.set(peer, seed);
    }
    // The months of records this site's features read: the consent's window must hold them all,
    // whether or not the site holds records of this enterprise (a refusal must not tell which).
    const dataWindow = await this.#dataWindow();
    const verdict = await consumeSignedQuery(this.ledger, req.consent, req.signedQuery, { sites: [site], deferWrite: true, ...(dataWindow ? { dataWindow } : {}) });
    if (!verdict.ok) return this.#refuse(entry, logIndex, q, verdict.code, verdict.message, consentRefusalError(verdict));

    // 3. Evaluate, mask, seal, record, answer.
    const vector = await this.#opts.store.featureVector(q.subject);
    let value = scoring.baseline(model);
    let reasons: ExplanationReason[] = [];
    this.#evaluations++;
    // Only what the consent covers (docs/scoring.md, "What a consent covers"): the term goes into
    // the sum only for a `score` query (an `explain` query adds a masked 0, so no party can form a
    // score), and reasons go into the box only when `explain` is granted (else the box holds none).
    const scored = q.operation === 'score';
    const explained = verdict.consent.scope.operations.includes('explain');
    if (vector) {
      // The kind's contribution to the joint logit and each feature's part of it (its explanation).
      const term = scoring.contribution(model, vector);
      value = term.value;
      if (explained) reasons = [...term.contributions.entries()]
        .filter(([, c]) => c > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP_REASONS)
        .map(([f], rank) => ({ feature: model.features[f]!, direction: 'increases-risk' as const, rank: rank + 1 }));
    }
    // A leaf-chain kind's term rides in the chain's lane with the slots (scoring/leaf-chain.ts), and
    // its 2^64 share is a masked 0: else the coordinator would read the slots' sum and the rest
    // apart, a partial score. The hops come after every share: kept for them (a `score` query only).
    const chained = scoring.leafChain !== undefined && scored;
    if (chained) this.#chain.prepare({ queryId: q.queryId, logIndex, participants, seeds, part: model, role: model.role, hook: scoring.leafChain!, vector, ownTerm: value });
    const share = maskedShare(scored && !chained ? value : 0, site, participants, (peer) => seeds.get(peer)!, logIndex, q.queryId);
    // Every name fits: #model checked the part when it loaded it.
    const sealed = sealExplanation(this.#sealer, sealingKey, { v: 1, site, queryId: q.queryId, model: model.modelVersion, covered: vector !== undefined, reasons }, q.requester.name, logIndex, this.#macKeys);
    // The use and the served record are both stored before the answer; issued together, the
    // ledger's write and the book's synced batch share one fsync of the node's store.
    await Promise.all([this.#opts.servedRecords.record({ entry, requester: q.requester.name, logIndex, entryHash: logged }), verdict.written]);
    this.#shares++;
    return { site, maskedShare: toWire(share), covered: vector !== undefined, sealedExplanation: Buffer.from(sealed), siteKeyStatement: this.#keyStatement };
  }

  async #refuse(entry: LogEntry, logIndex: number, q: SignedQuery, code: ErrorCode, message: string, error?: FedcreditError): Promise<never> {
    this.#refusals.set(code, (this.#refusals.get(code) ?? 0) + 1);
    // The log entry names this site, so the book says what became of it.
    await this.#opts.servedRecords.record({ entry, requester: `${q.requester.name} (refused: ${code})`, logIndex });
    throw error ?? new FedcreditError(code, message);
  }

  /** The months the stored features read (undefined before any are built: none are then read). */
  async #dataWindow(): Promise<{ from: string; to: string } | undefined> {
    const { store, site } = this.#opts;
    const generation = store.featuresGeneration;
    if (this.#window?.generation !== generation) {
      const asOf = (await store.getMeta()).asOf;
      this.#window = { generation, window: asOf !== undefined && isSite(site) ? featureDataWindow(site, asOf) : undefined };
    }
    return this.#window.window;
  }

  /**
   * This site's part of a model, checked once when loaded: a part with a name too long for an
   * explanation box is kept as `unusable` (scoring/sealed-explanation.ts explainableProblem), and
   * every query for it is refused alike, before any enterprise's reasons are looked at.
   */
  async #model(version: string): Promise<CheckedModel | undefined> {
    // Keyed by the features' generation too: a new table version may move the model's columns (site/model-catalogue.ts).
    const key = `${version}\u0000${this.#opts.store.featuresGeneration}`;
    const cached = this.#models.get(key);
    if (cached) return cached;
    const { site, log } = this.#opts;
    const stored = await getStoredPart(this.#opts.store, version);
    if (stored?.site !== site) return undefined;
    const { scoring } = await modelKind(stored.kind);
    const resolved = modelOnCatalogue(stored, (await this.#opts.store.getMeta()).catalogue ?? []);
    const model = 'model' in resolved ? resolved.model : stored;
    const problem = explainableProblem(site, model.modelVersion, model.features);
    if (problem) log(`scoring: ${problem.message}. Names too long: ${problem.longNames.map((f) => `'${f.slice(0, 80)}'`).join(', ')}`);
    const gone = 'missing' in resolved
      ? `model ${version} at ${site} uses features no active table holds (${resolved.missing.slice(0, 3).join(', ')}); the node's operator can roll the table back (fedcredit node tables rollback)`
      : undefined;
    const checked: CheckedModel = problem ? { model, scoring, unusable: problem.message }
      : gone ? { model, scoring, unusable: gone, unusableCode: 'MODEL_FEATURES_GONE' } : { model, scoring };
    if (this.#models.size > 64) this.#models.clear();
    this.#models.set(key, checked);
    return checked;
  }

}

/** A site's model part and, when its names do not fit an explanation, the refusal for every query of it. */
interface CheckedModel {
  readonly model: StoredPart;
  /** The part's kind's scoring (training/model-kind.ts): its contribution, explanation and baseline. */
  readonly scoring: KindScoring;
  readonly unusable?: string;
  readonly unusableCode?: 'MODEL_FEATURES_GONE';
}

/** Where the coordinator's logged entry differs from what the requester signed. */
function entryMismatch(entry: LogEntry, q: SignedQuery, consent: unknown): string | undefined {
  const b = entry.body;
  // The terms the auditor will judge this use by must be the consent's (a coordinator lying otherwise).
  const terms = loggedTermsMismatch(b, consent);
  if (terms) return terms;
  const want: Record<string, string> = { queryId: q.queryId, subject: q.subject, consentId: q.consentId, purpose: q.purpose, requester: q.requester.name };
  for (const [k, v] of Object.entries(want)) if (b[k] !== v) return `${k} is '${String(b[k]).slice(0, 64)}', signed '${v.slice(0, 64)}'`;
  const outside = sitesOf(entry).filter((s) => !q.sites.includes(s));
  return outside.length ? `sites ${outside.join(', ')} were not asked by the requester` : undefined;
}
