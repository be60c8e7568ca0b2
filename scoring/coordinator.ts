/**
 * The coordinator's side of consented scoring (docs/scoring.md):
 *
 *   Score: the caller (a requester, by its certificate) must be the bank its signed query
 *   names; the consent is checked with the coordinator's own ledger; the `query` entry naming
 *   every site of the model is logged durably; only then does the coordinator ask every site
 *   for its masked share, in parallel. The sum of all shares (mod 2^64) is the joint logit; a
 *   single share, or the sum of fewer than all, is noise to the coordinator. Every refusal,
 *   here or at a node, is logged as a `refusal` entry and returned with its stable code.
 *
 *   Missing shares: the participant set is fixed in the logged entry before any node answers,
 *   and a node answers a query id once. If any site of the model fails to answer, the query is
 *   refused (SHARE_MISSING) rather than re-asked with fewer sites: two sums over different
 *   sets would reveal the missing site's term by subtraction, and a score without one site's
 *   term is not the model's score. Sites the coordinator already knows to be unreachable are
 *   refused before the consent is used or the query logged.
 *
 *   Leaf-chain kinds (boosted trees): after every share, the coordinator relays the chain's
 *   hops (scoring/leaf-chain.ts) and adds the mod t_s lane's sum to the logit; any failed hop
 *   refuses the query (SHARE_MISSING), as a missing share does.
 *
 *   The share requests go to each node in batches with the log entries it has not read
 *   (scoring/share-batches.ts); each query is still checked and answered on its own.
 *
 *   GetReceipt: the inclusion proof of one of the caller's own query entries against the newest
 *   cosigned checkpoint covering it. SubmitConsentRecord: logs a registrar-signed key binding
 *   or an enterprise-signed revocation (and applies it to the coordinator's ledger).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { CoordinatorLog } from '../log/service.js';
import type { ModelMetadata, ModelRegistry } from '../training/model-registry.js';
import { modelKind } from '../models/registry.js';
import type { NodeRegistry, RegisteredNode } from '../registration/registry.js';
import { NodeChannels } from '../lib/node-channels.js';
import { ShareBatches } from './share-batches.js';
import { RefusalLog, type RefusalLogOptions } from '../log/refusals.js';
import { applyCalibration } from './calibration.js';
import { nodeScoringClient } from '../proto/clients.js';
import fs from 'node:fs';
import { Level } from 'level';
import { ConsentLedger, levelLedgerStore } from '../consent/ledger.js';
import { consumeSignedQuery, parseSignedQuery } from '../consent/signed-query.js';
import { queryEntryTerms } from '../consent/terms.js';
import {
  consentRefusalEntry, GENERAL_MODEL_PURPOSE, keyBindingEntry, modelServesPurpose, requesterRefusal, keyBindingProblem, parseConsent, parseKeyBinding, parseRevocation, revocationEntry, revocationSignatureValid,
} from '../consent/verify.js';
import { FedcreditError, isErrorCode, type ErrorCode } from '../lib/errors.js';
import { unary } from '../lib/grpc.js';
import { serveRequestStream } from '../lib/grpc-streams.js';
import { decodeEntry, makeEntry } from '../log/entries.js';
import { decodeFixed, fromWire, sumShares } from './secure-aggregation.js';
import { runLeafChain, type ChainHopAnswer, type ChainHopRequest } from './leaf-chain.js';
import { call } from '../lib/grpc.js';
import { scoreLogit } from './score-scale.js';
import { FEATURE_WINDOW_MONTHS } from '../schema/site-schema.js';
import { answerStatement, sealingKeyValid } from './protocol.js';
import { callerIdentity, type Transport } from '../lib/tls.js';
import { openCheckpoint } from '../log/checkpoint.js';
import type { NodeScoringClient } from '../proto/gen/fedcredit/v1/NodeScoring.js';
import type { ScoringHandlers } from '../proto/gen/fedcredit/v1/Scoring.js';
import type { ScoreRequest__Output } from '../proto/gen/fedcredit/v1/ScoreRequest.js';
import type { ScoreResponse } from '../proto/gen/fedcredit/v1/ScoreResponse.js';
import type { ScoreStreamReply } from '../proto/gen/fedcredit/v1/ScoreStreamReply.js';
import type * as grpc from '@grpc/grpc-js';
import type { ShareRequest } from '../proto/gen/fedcredit/v1/ShareRequest.js';
import type { ShareResponse__Output } from '../proto/gen/fedcredit/v1/ShareResponse.js';
import { subjectProblem } from '../schema/subject.js';
import { listQueryableModels, listRequesterEntries } from './requester-entries.js';

const SHARE_DEADLINE_MS = 10_000;
/** One hop of the leaf chain: a BFV product at N = 16384 on a loaded 2-core machine takes seconds, the model's first query more (its context). */
const CHAIN_HOP_DEADLINE_MS = 120_000;
const CACHE_MS = 1_000;
const NODE_CACHE_MS = 5_000;
const MAX_RECEIPT_WAIT_MS = 30_000;
/** Queries of one ScoreStream being answered at once. */
const MAX_STREAM_IN_FLIGHT = 256;

/** Codes besides CONSENT_* with which a node refuses a query itself: passed on and logged as its refusal. */
const NODE_REFUSALS = new Set<string>(['UNKNOWN_ENTERPRISE', 'MODEL_PURPOSE_MISMATCH', 'POLICY_REFUSED']);

/** The answer's score fields for a query whose operation is not `score`. */
const NOT_SCORED = { points: 0, grade: '', warning: '', probabilityOfDefault: 0 } as const;

/** What the coordinator sees of one query: for transcript tests and metrics. */
export type ScoringObservation =
  | { readonly kind: 'request'; readonly request: ScoreRequest__Output }
  | { readonly kind: 'share-request'; readonly site: string; readonly request: ShareRequest }
  | { readonly kind: 'share'; readonly site: string; readonly response: ShareResponse__Output }
  | { readonly kind: 'chain-hop'; readonly site: string; readonly request: ChainHopRequest; readonly response: ChainHopAnswer }
  | { readonly kind: 'answer'; readonly response: ScoreResponse };

export interface ScoringOptions {
  readonly dataDir: string;
  readonly registry: NodeRegistry;
  readonly transparencyLog: CoordinatorLog;
  readonly models: ModelRegistry;
  readonly transport: Transport;
  readonly trustedRegistrars: readonly string[];
  readonly log: (line: string) => void;
  /** Signs answers with the coordinator's identity (the log key), so a receipt covers the answer. */
  readonly sign: (message: Uint8Array) => Uint8Array;
  /**
   * TEST ONLY: the coordinator logs revocations but does not apply them to its own ledger, to
   * show that nodes refuse a revoked consent on their own (tests/scoring).
   */
  readonly ignoreRevocations?: boolean;
  readonly observe?: (o: ScoringObservation) => void;
  /** How refusals are bounded in the log (log/refusals.ts); defaults suit production. */
  readonly refusalLog?: RefusalLogOptions;
  /** Consents whose state the ledger keeps in memory (config `consentCacheLimit`; consent/ledger.ts). */
  readonly consentCacheLimit?: number;
}

export class ScoringCoordinator {
  readonly ledger: ConsentLedger;
  /** The ledger's LevelDB (`<data>/consent`), for backups. */
  readonly ledgerDb: Level<string, string>;
  readonly #opts: ScoringOptions;
  readonly #clients: NodeChannels<NodeScoringClient>;
  readonly #batches: ShareBatches;
  #latest: { at: number; model: Promise<ModelMetadata | undefined> } | undefined;
  readonly #modelCache = new Map<string, ModelMetadata>();
  readonly #nodeCache = new Map<string, { at: number; generation: number; node: Promise<RegisteredNode | undefined> }>();
  readonly #refusals: RefusalLog;

  private constructor(db: Level<string, string>, opts: ScoringOptions) {
    this.ledgerDb = db;
    this.ledger = ConsentLedger.over(levelLedgerStore(db), { trustedRegistrars: opts.trustedRegistrars, ...(opts.consentCacheLimit ? { consentCacheLimit: opts.consentCacheLimit } : {}) });
    this.#opts = opts;
    this.#clients = new NodeChannels((address, site) => nodeScoringClient(address, opts.transport, site));
    this.#refusals = new RefusalLog((e) => opts.transparencyLog.append(e), opts.log, opts.refusalLog);
    this.#batches = new ShareBatches({ log: opts.transparencyLog.store, client: (site, address) => this.#clients.get(site, address), deadlineMs: SHARE_DEADLINE_MS });
  }

  static async open(opts: ScoringOptions): Promise<ScoringCoordinator> {
    const dir = path.join(opts.dataDir, 'consent');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
    await db.open();
    if (opts.ignoreRevocations) opts.log('WARNING: test-only mode: this coordinator does not apply revocations to its own consent checks (nodes still do)');
    if (opts.trustedRegistrars.length === 0) opts.log('scoring: no trusted registrar keys (<data>/trusted-registrars): every consent will be refused as UNKNOWN_ENTERPRISE');
    return new ScoringCoordinator(db, opts);
  }

  handlers(): ScoringHandlers {
    const log = this.#opts.log;
    return {
      Score: unary((req, call) => this.score(req, callerIdentity(call)?.name), log),
      ScoreStream: (call) => this.#scoreStream(call),
      GetReceipt: unary((req, call) => this.receipt(Number(req.logIndex), Math.min(Number(req.waitMs) || 0, MAX_RECEIPT_WAIT_MS), callerIdentity(call)?.name), log),
      SubmitConsentRecord: unary((req) => this.submitConsentRecord(req.record), log),
      // The caller's own entries and the models it may ask with (scoring/requester-entries.ts).
      ListRequesterEntries: unary((req, call) => listRequesterEntries(this.#opts.transparencyLog.store, req, callerIdentity(call)?.name), log),
      ListQueryableModels: unary(() => listQueryableModels(this.#opts.models), log),
    };
  }

  async score(req: ScoreRequest__Output, caller: string | undefined): Promise<ScoreResponse> {
    const { transparencyLog, observe } = this.#opts;
    observe?.({ kind: 'request', request: req });
    const parsed = parseSignedQuery(req.signedQuery);
    const consent = parseConsent(req.consent);
    const subject = parsed.ok ? parsed.value.subject : consent.ok ? consent.value.subject : undefined;
    const queryId = parsed.ok ? parsed.value.queryId : `unparsed-${crypto.randomUUID()}`;
    const requester = parsed.ok ? parsed.value.requester.name : (caller ?? 'unknown');
    const refuse = async (code: ErrorCode, message: string, refusedBy = 'coordinator'): Promise<never> => {
      const about = subject !== undefined && subjectProblem(subject) === undefined ? { subject } : {};
      // Logged one by one up to a threshold per caller and code, then counted (log/refusals.ts).
      await this.#refusals.record({
        caller: caller ?? 'unknown', code, refusedBy, ...about,
        entry: () => consentRefusalEntry({ ok: false, code: code as never, message, ...about }, { queryId, requester: requester.slice(0, 128) || 'unknown', refusedBy, time: Date.now() }),
      });
      // The log keeps the exact code; the requester may be told less (consent/verify.ts requesterRefusal).
      const told = requesterRefusal(code, message, subject);
      throw new FedcreditError(told.code, told.message);
    };
    if (!parsed.ok) return refuse('CONSENT_MALFORMED', `malformed query: ${parsed.message}`);
    const q = parsed.value;
    if (caller !== undefined && q.requester.name !== caller) {
      return refuse('CONSENT_WRONG_REQUESTER', `the query is signed for requester '${q.requester.name.slice(0, 64)}', but the caller's certificate names '${caller}'`);
    }
    const sealingKey = new Uint8Array(req.sealingKey?.publicKey ?? []);
    if (!sealingKeyValid(q.requester.name, q.requester.key, sealingKey, new Uint8Array(req.sealingKey?.signature ?? []))) {
      return refuse('CONSENT_WRONG_REQUESTER', 'the sealing key for explanations is not signed by the requester\'s key');
    }
    const model = await this.#model(req.modelVersion);
    if (!model) return refuse('MODEL_NOT_FOUND', req.modelVersion ? `no model ${req.modelVersion.slice(0, 32)}` : 'no model has been trained yet');
    // A kind whose scoring is not built yet (boosted trees: issue 16 T4) is refused before any node is asked.
    const unscorable = model.kind ? (await modelKind(model.kind)).scoring.notScorable : undefined;
    if (unscorable) return refuse('MODEL_KIND_NOT_SCORABLE', `model ${model.modelVersion}: ${unscorable}`);
    // Against the consent's purpose (the consent check below then holds the query to it), before a use is counted.
    if (consent.ok && !modelServesPurpose(model.purpose, consent.value.purpose)) {
      return refuse('MODEL_PURPOSE_MISMATCH', `model ${model.modelVersion} was trained for '${model.purpose}', which does not cover a consent for '${consent.value.purpose}'; ask with a model trained for it (or for '${GENERAL_MODEL_PURPOSE}')`);
    }
    const sites = [...new Set(model.sites.map((s) => s.site))].sort();
    if (sites.length < 2) return refuse('TOO_FEW_SITES', `model ${model.modelVersion} has ${sites.length} site: a masked answer from fewer than two sites would reveal a single site's term`);
    const nodes = await this.#nodesFor(sites);
    const down = sites.filter((s) => !nodes.has(s) || this.#opts.registry.healthOf(s).health === 'UNREACHABLE');
    if (down.length > 0) return refuse('SHARE_MISSING', `site ${down.join(', ')} of model ${model.modelVersion} is not reachable; no score can be formed without every site's share, retry later`);

    // Early and partial: each node checks that the consent's window holds its own months; here only
    // that it is as long as the model's longest feature window (no node could answer otherwise).
    const minDataMonths = Math.max(0, ...sites.map((s) => (FEATURE_WINDOW_MONTHS as Readonly<Record<string, number>>)[s] ?? 0));
    const verdict = await consumeSignedQuery(this.ledger, req.consent, req.signedQuery, { sites, deferWrite: true, minDataMonths });
    if (!verdict.ok) return refuse(verdict.code, verdict.message);

    // Logged durably before any node is asked, and the use counted durably: the two writes
    // (the ledger's and the log's group commit) run side by side.
    const terms = verdict.consent;
    const entry = makeEntry('query', {
      queryId: q.queryId, requester: q.requester.name, subject: q.subject, consentId: q.consentId, purpose: q.purpose,
      model: model.modelVersion, sites, time: Date.now(),
      // The consent's terms and hash, so an auditor can tell a use it did not allow
      // (log/audit/consent-audit.ts); every node checks them against the consent (consent/terms.ts).
      ...queryEntryTerms(terms),
    });
    const [{ index, bytes }] = await Promise.all([transparencyLog.append(entry), verdict.written]);
    // The bytes logged are the bytes sent to the nodes and the requester (encoded once).
    const entryBytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shareRequest: ShareRequest = {
      consent: req.consent, signedQuery: req.signedQuery, sealingKey: req.sealingKey ?? {}, modelVersion: model.modelVersion,
      logIndex: index, entry: entryBytes,
    };
    const outcomes = await Promise.allSettled(sites.map(async (site) => {
      observe?.({ kind: 'share-request', site, request: shareRequest });
      const res = await this.#batches.request(site, nodes.get(site)!.address, shareRequest);
      observe?.({ kind: 'share', site, response: res });
      if (res.site !== site) throw new FedcreditError('INTERNAL', `site ${site} answered as ${res.site}`);
      return res;
    }));
    const failed = outcomes.map((o, i) => ({ o, site: sites[i]! })).filter((x) => x.o.status === 'rejected');
    for (const f of failed) this.#nodeCache.delete(f.site);
    if (failed.length > 0) {
      // A node's refusal (its own consent check) is passed on with its code; any other failure means a missing share.
      const refusal = failed.map((f) => ({ site: f.site, err: (f.o as PromiseRejectedResult).reason as unknown }))
        .find((f) => f.err instanceof FedcreditError && (f.err.code.startsWith('CONSENT_') || NODE_REFUSALS.has(f.err.code)));
      if (refusal) {
        const err = refusal.err as FedcreditError;
        // refusedBy names the site; no `sites` field: that would ask the site for a served record of the refusal itself.
        return refuse(err.code, `site ${refusal.site} refused: ${err.message}`, refusal.site);
      }
      const why = failed.map((f) => {
        const e = (f.o as PromiseRejectedResult).reason as unknown;
        return `${f.site}: ${e instanceof FedcreditError && isErrorCode(e.code) ? `${e.code}: ${e.message}` : String(e)}`;
      }).join('; ');
      return refuse('SHARE_MISSING', `no score: not every site answered, and the answering sites' masks cancel only with every share (${why})`);
    }
    const shares = outcomes.map((o) => (o as PromiseFulfilledResult<ShareResponse__Output>).value);
    let logit = decodeFixed(sumShares(shares.map((s) => fromWire(s.maskedShare))));
    // The leaf chain's lane (boosted trees, fusion): the whole logit, known to no single party.
    if (q.operation === 'score' && model.kind && (await modelKind(model.kind)).scoring.leafChain) {
      // Every site's term rides in the chain's lane (scoring/leaf-chain.ts); a 2^64 sum other than
      // 0 means a site sent its term outside it, and the coordinator would read two partial sums
      // (a node from before the lane carried them): refused, so that it is seen and fixed.
      if (logit !== 0) return refuse('SHARE_MISSING', `no score: a site of model ${model.modelVersion} sent its term outside the leaf chain's lane, which would show the coordinator a partial score; upgrade every node of the federation to this version`);
      const bank = model.sites.find((s) => s.role === 'bank')?.site;
      if (!bank) return refuse('SHARE_MISSING', `model ${model.modelVersion} names no bank site, which starts the leaf chain`);
      try {
        logit += (await runLeafChain(bank, sites, q.queryId, model.modelVersion, async (site, request) => {
          const res = await call(this.#clients.get(site, nodes.get(site)!.address), this.#clients.get(site, nodes.get(site)!.address).ChainHop, {
            ...request, payload: Buffer.from(request.payload),
          }, CHAIN_HOP_DEADLINE_MS, { retryWhenBusy: false });
          const response = { payload: new Uint8Array(res.payload), laneShare: res.laneShare };
          observe?.({ kind: 'chain-hop', site, request, response });
          return response;
        })).sum;
      } catch (err) {
        const why = err instanceof FedcreditError ? `${err.code}: ${err.message}` : String(err);
        return refuse('SHARE_MISSING', `no score: the leaf chain of model ${model.modelVersion} did not complete (${why.slice(0, 300)})`);
      }
    }
    // The bank's Platt recalibration of the joint logit, when the model carries one (training/model-registry.ts).
    const calibrated = applyCalibration(logit, model.calibration);
    // An `explain` query's shares are masked zeros (scoring/node.ts): it gets no points, grade,
    // warning or PD, only the sealed explanations (docs/scoring.md, "What a consent covers").
    const scored = q.operation === 'score' ? scoreLogit(calibrated, model.scale) : NOT_SCORED;
    const answerSignature = this.#opts.sign(answerStatement({
      queryId: q.queryId, logIndex: index, entry: entryBytes, points: scored.points, grade: scored.grade, warning: scored.warning,
      model: model.modelVersion, coverage: shares.map((s) => ({ site: s.site, covered: s.covered })),
    }));
    const response: ScoreResponse = {
      queryId: q.queryId, points: scored.points, grade: scored.grade, warning: scored.warning, probabilityOfDefault: scored.probabilityOfDefault,
      modelVersion: model.modelVersion,
      sites: shares.map((s) => ({ site: s.site, covered: s.covered, sealedExplanation: s.sealedExplanation, siteKeyStatement: s.siteKeyStatement })),
      logIndex: index, entry: entryBytes, answerSignature: Buffer.from(answerSignature),
    };
    observe?.({ kind: 'answer', response });
    return response;
  }

  /**
   * Score over a stream (lib/grpc-streams.ts): every request is answered or refused by `score`
   * on its own, as it completes, tagged with its position; each passes the caller's rate limit.
   */
  #scoreStream(call: grpc.ServerDuplexStream<ScoreRequest__Output, ScoreStreamReply>): void {
    const caller = callerIdentity(call)?.name;
    serveRequestStream(call, {
      maxInFlight: MAX_STREAM_IN_FLIGHT,
      answer: async (req, seq) => ({ seq: String(seq), answer: await this.score(req, caller) }),
      failed: (seq, { code, message }) => ({ seq: String(seq), refusal: { code, message } }),
      log: this.#opts.log,
    });
  }

  async receipt(index: number, waitMs: number, caller: string | undefined) {
    const store = this.#opts.transparencyLog.store;
    if (!Number.isSafeInteger(index) || index < 0 || index >= store.size) throw new FedcreditError('NOT_FOUND', `no log entry ${index}`);
    const [bytes] = await store.entries(index, index + 1);
    const decoded = bytes ? decodeEntry(bytes) : undefined;
    // Only the requester's own query entries: the log's other contents are for auditors.
    if (!decoded?.ok || decoded.entry.kind !== 'query' || (caller !== undefined && decoded.entry.body['requester'] !== caller)) {
      throw new FedcreditError('NOT_FOUND', `log entry ${index} is not one of your queries`);
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const note = await store.latestCosignedCheckpoint();
      const opened = note ? openCheckpoint(note, { origin: this.#opts.transparencyLog.origin, key: this.#opts.transparencyLog.logKey }) : undefined;
      if (note && opened?.ok && opened.checkpoint.size > index) {
        const proof = await store.inclusionProof(index, opened.checkpoint.size);
        return { logIndex: index, entry: Buffer.from(bytes!), treeSize: opened.checkpoint.size, inclusionProof: proof.map((h) => Buffer.from(h)), checkpoint: note };
      }
      if (Date.now() >= deadline) throw new FedcreditError('UNAVAILABLE', `no cosigned checkpoint covers entry ${index} yet; witnesses cosign in batches, ask again shortly`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async submitConsentRecord(text: string) {
    const binding = parseKeyBinding(text);
    if (binding.ok) {
      const known = (await this.ledger.bindingsFor(binding.value.subject)).some((b) => b.enterpriseKey === binding.value.enterpriseKey);
      if (known) return { kind: 'enterprise-key-registration', logIndex: 0, isNew: false };
      const problem = keyBindingProblem(binding.value, this.#opts.trustedRegistrars);
      if (problem) throw new FedcreditError('BAD_SIGNATURE', `key binding refused: ${problem}`);
      const { index } = await this.#opts.transparencyLog.append(keyBindingEntry(binding.value));
      const added = await this.ledger.addKeyBinding(binding.value);
      if (!added.ok) throw new FedcreditError('BAD_SIGNATURE', added.message);
      return { kind: 'enterprise-key-registration', logIndex: index, isNew: true };
    }
    const revocation = parseRevocation(text);
    if (revocation.ok) {
      const r = revocation.value;
      if (!revocationSignatureValid(r)) throw new FedcreditError('BAD_SIGNATURE', `revocation of ${r.consentId}: the signature does not verify under the key it names`);
      // Only the enterprise revokes: a key no registrar bound to the subject would log noise the auditor must flag.
      if (!(await this.ledger.bindingsFor(r.subject)).some((b) => b.enterpriseKey === r.signerKey)) {
        throw new FedcreditError('CONSENT_KEY_NOT_BOUND', `revocation of ${r.consentId} is signed by key ${r.signerKey.slice(0, 16)}..., which no registrar has bound to ${r.subject}; sign it with the enterprise's registered key (or submit its key binding first)`);
      }
      const known = (await this.ledger.revocationsOf(r.consentId)).some((x) => x.signerKey === r.signerKey);
      if (known) return { kind: 'revocation', logIndex: 0, isNew: false };
      // Logged first: nodes learn it from the log, whatever this coordinator does with it.
      const { index } = await this.#opts.transparencyLog.append(revocationEntry(r));
      if (!this.#opts.ignoreRevocations) await this.ledger.addRevocation(r);
      return { kind: 'revocation', logIndex: index, isNew: true };
    }
    throw new FedcreditError('BAD_REQUEST', `not a key binding (${binding.message}) nor a revocation (${revocation.message})`);
  }

  async #model(version: string): Promise<ModelMetadata | undefined> {
    if (version) {
      const cached = this.#modelCache.get(version);
      if (cached) return cached;
      const m = await this.#opts.models.get(version);
      if (m) this.#modelCache.set(version, m);
      return m;
    }
    const now = Date.now();
    if (!this.#latest || now - this.#latest.at > CACHE_MS) this.#latest = { at: now, model: this.#opts.models.latest() };
    return this.#latest.model;
  }

  async #nodesFor(sites: readonly string[]): Promise<Map<string, RegisteredNode>> {
    // Cached briefly; read again after any registration (a node that re-registered at a new
    // address is asked there at once) and for a site whose share failed.
    const now = Date.now();
    const { generation } = this.#opts.registry;
    // The read itself is shared: when the entry expires, the queries in flight wait for one
    // LevelDB read instead of each making its own (up to 256 per stream, every 5 s, per site).
    const found = await Promise.all(sites.map((s) => {
      const cached = this.#nodeCache.get(s);
      if (cached && now - cached.at < NODE_CACHE_MS && cached.generation === generation) return cached.node;
      const node = this.#opts.registry.get(s);
      const entry = { at: now, generation, node };
      this.#nodeCache.set(s, entry);
      // Not found or failed: not kept (the next query reads again).
      const forget = () => { if (this.#nodeCache.get(s) === entry) this.#nodeCache.delete(s); };
      node.then((n) => { if (!n) forget(); }, forget);
      return node;
    }));
    return new Map(found.flatMap((n) => (n ? [[n.site, n] as const] : [])));
  }

  async close(): Promise<void> {
    await this.#refusals.close();
    this.#batches.close();
    this.#clients.close();
    await this.ledger.close();
  }
}
