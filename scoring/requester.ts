/**
 * The requester bank's scoring client: signs each query (consent/signed-query.ts), vouches for its
 * sealing key, sends it on one kept-open ScoreStream (a call per query costs several times the
 * CPU of a stream message in grpc-js), opens the sealed explanations, and fetches the receipt
 * once a cosigned checkpoint covers the query's entry. A broken stream fails the queries
 * waiting on it (UNAVAILABLE); the next query opens a new one, once the channel has connected
 * again (it waits up to CONNECT_WAIT_MS for that, so a retry right after a coordinator's
 * restart is sent instead of failing on the channel's reconnect backoff).
 */
import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { scoringClient } from '../proto/clients.js';
import { encodeSignedQuery, signQuery } from '../consent/signed-query.js';
import { parseConsent, type ConsentOperation, type ConsentPurpose } from '../consent/verify.js';
import type { Consent } from '../consent/record.js';
import { BoundedCache } from '../lib/bounded-cache.js';
import { call, retryWhenBusy } from '../lib/grpc.js';
import { refusalError, RequestStreamClient } from '../lib/grpc-streams.js';
import { signSealingKey, type ScoreReceiptFile, type SiteExplanation } from './protocol.js';
import { ExplanationOpener, openExplanation } from './sealed-explanation.js';
import { SiteKeyVerifier } from './site-key-statement.js';
import { FedcreditError } from '../lib/errors.js';
import type { Transport } from '../lib/tls.js';
import type { ScoringClient } from '../proto/gen/fedcredit/v1/Scoring.js';
import type { ScoreRequest } from '../proto/gen/fedcredit/v1/ScoreRequest.js';
import type { ScoreResponse__Output } from '../proto/gen/fedcredit/v1/ScoreResponse.js';
import type { ScoreStreamReply__Output } from '../proto/gen/fedcredit/v1/ScoreStreamReply.js';
import type { RequesterKeys } from './requester-keys.js';

export interface ScoreResult {
  readonly queryId: string;
  readonly enterprise: string;
  /**
   * false for an `explain` query: points, grade, warning and PD are then 0 / '' (not computed
   * by anyone); only the explanations are answered. An explanation's reasons are empty unless
   * the consent grants `explain`.
   */
  readonly scored: boolean;
  readonly points: number;
  readonly grade: string;
  readonly warning: string;
  readonly probabilityOfDefault: number;
  readonly model: string;
  readonly coverage: readonly { readonly site: string; readonly covered: boolean }[];
  readonly explanations: readonly SiteExplanation[];
  readonly logIndex: number;
  /** The exact logged entry bytes. */
  readonly entry: Uint8Array;
  /** The coordinator's signature over the answer (scoring/protocol.ts answerStatement). */
  readonly answerSignature: Uint8Array;
}

export interface QueryTerms {
  readonly enterprise: string;
  /** The consent as the enterprise signed it (file contents). */
  readonly consent: string;
  readonly model?: string;
  /** Default: a fresh random id. */
  readonly queryId?: string;
  /** Defaults from the consent: its purpose, its sources; operation 'score'. */
  readonly purpose?: ConsentPurpose;
  readonly sites?: readonly string[];
  readonly operation?: ConsentOperation;
  /** Default: the consent's id. */
  readonly consentId?: string;
}

/** How long a query waits for a connection to the coordinator before it fails UNAVAILABLE unsent. */
const CONNECT_WAIT_MS = 5_000;

export class ScoringSession {
  readonly #client: ScoringClient;
  readonly #target: string;
  readonly #keys: RequesterKeys;
  readonly #name: string;
  readonly #sealingSignature: Uint8Array;
  /** Opens the sites' explanations; remembers each site's current ephemeral key (crypto/sealed-box.ts v2) and MAC key. */
  readonly #opener: ExplanationOpener;
  /** Each site's sealing key, which authenticates its explanations, from its statement certified under the federation CA. */
  readonly #siteKeys: SiteKeyVerifier;
  readonly #stream: RequestStreamClient<ScoreRequest, ScoreStreamReply__Output>;
  /**
   * The consents this session asked with, parsed, by exact text: read only for a query's
   * defaults (id, purpose, sources), never trusted (every party verifies the consent itself).
   * consent/record.ts keeps only consents whose signature it verified, which a requester
   * never checks, so without this each query parsed its consent again (~45 µs, the scoring
   * bench's requester). Bounded as that cache is; only consents that parsed are kept.
   */
  readonly #consents = new BoundedCache<Consent>(4096, 16 * 1024 * 1024);

  constructor(coordinator: string, transport: Transport, keys: RequesterKeys, name?: string) {
    this.#client = scoringClient(coordinator, transport);
    this.#target = coordinator;
    this.#keys = keys;
    this.#name = name ?? (transport.kind === 'tls' ? transport.material.identity.name : 'requester');
    this.#sealingSignature = signSealingKey(keys.identity, this.#name, keys.sealing.publicKey);
    this.#opener = new ExplanationOpener(keys.sealing.privateKey);
    this.#siteKeys = new SiteKeyVerifier(transport);
    this.#stream = new RequestStreamClient(() => this.#client.ScoreStream(), coordinator, (r) => Number(r.seq));
  }

  get name(): string {
    return this.#name;
  }

  /** The signed query and request for these terms (exported for tests that tamper with them). */
  request(t: QueryTerms): { queryId: string; consent: string; signedQuery: string; sealingKey: { publicKey: Buffer; signature: Buffer }; modelVersion: string } {
    const c = this.#parsedConsent(t.consent);
    const queryId = t.queryId ?? `q-${crypto.randomUUID()}`;
    const query = signQuery(this.#keys.identity, this.#name, {
      queryId,
      consentId: t.consentId ?? c?.consentId ?? crypto.randomUUID(),
      subject: t.enterprise,
      purpose: t.purpose ?? c?.purpose ?? 'credit-assessment',
      operation: t.operation ?? 'score',
      sites: t.sites ?? c?.scope.sources ?? ['bank', 'power', 'tax'],
    });
    return {
      queryId, consent: t.consent, signedQuery: encodeSignedQuery(query),
      sealingKey: { publicKey: Buffer.from(this.#keys.sealing.publicKey), signature: Buffer.from(this.#sealingSignature) },
      modelVersion: t.model ?? '',
    };
  }

  #parsedConsent(text: string): Consent | undefined {
    const known = this.#consents.get(text);
    if (known !== undefined) return known;
    const parsed = parseConsent(text);
    if (!parsed.ok) return undefined;
    this.#consents.set(text, parsed.value, text.length);
    return parsed.value;
  }

  async score(t: QueryTerms, deadlineMs = 30_000): Promise<ScoreResult> {
    const res = await this.#ask(this.request(t), deadlineMs);
    const logIndex = Number(res.logIndex);
    const explanations = res.sites.map((s) => this.openSiteExplanation(s, logIndex, res.queryId, res.modelVersion));
    return {
      queryId: res.queryId, enterprise: t.enterprise, scored: (t.operation ?? 'score') === 'score', points: res.points, grade: res.grade, warning: res.warning, probabilityOfDefault: res.probabilityOfDefault,
      model: res.modelVersion, coverage: res.sites.map((s) => ({ site: s.site, covered: s.covered })), explanations, logIndex, entry: new Uint8Array(res.entry),
      answerSignature: new Uint8Array(res.answerSignature),
    };
  }

  /**
   * A site's explanation from an answer, opened and checked: MACed under the site's sealing key (certified
   * under the federation CA), for this query and model. FedcreditError EXPLANATION_FORGED or
   * EXPLANATION_MALFORMED otherwise: the coordinator relays these boxes and must not be able to
   * swap them (exported for tests that play the coordinator).
   */
  openSiteExplanation(s: ScoreResponse__Output['sites'][number], logIndex: number, queryId: string, model: string): SiteExplanation {
    const siteKey = this.#siteKeys.keyFor(s.site, new Uint8Array(s.siteKeyStatement));
    const e = openExplanation(this.#opener, new Uint8Array(s.sealedExplanation), s.site, this.#name, logIndex, queryId, siteKey);
    if (e.model !== model) throw new FedcreditError('EXPLANATION_FORGED', `site ${s.site} explained model ${e.model.slice(0, 64)}, but the answer is for model ${model.slice(0, 64)}`);
    if (e.covered !== s.covered) throw new FedcreditError('EXPLANATION_FORGED', `site ${s.site} says it ${e.covered ? 'holds' : 'holds no'} records of the enterprise, the answer says otherwise`);
    return e;
  }

  /** Waits (up to waitMs) for a cosigned checkpoint covering the query's entry and builds the receipt. */
  async receipt(result: ScoreResult, waitMs = 30_000): Promise<ScoreReceiptFile> {
    const r = await call(this.#client, this.#client.GetReceipt, { logIndex: result.logIndex, waitMs }, waitMs + 10_000);
    return {
      v: 1, kind: 'fedcredit-score-receipt', queryId: result.queryId, requester: this.#name, enterprise: result.enterprise,
      answer: {
        points: result.points, grade: result.grade, warning: result.warning, model: result.model, coverage: result.coverage,
        signature: Buffer.from(result.answerSignature).toString('hex'),
      },
      logIndex: Number(r.logIndex), entry: Buffer.from(r.entry).toString('base64'), treeSize: Number(r.treeSize),
      inclusionProof: r.inclusionProof.map((h) => Buffer.from(h).toString('base64')), checkpoint: r.checkpoint,
    };
  }

  /** Submits a key binding or revocation record (JSON text) to be logged. */
  async submitConsentRecord(record: string): Promise<{ kind: string; logIndex: number; isNew: boolean }> {
    const r = await call(this.#client, this.#client.SubmitConsentRecord, { record });
    return { kind: r.kind, logIndex: Number(r.logIndex), isNew: r.isNew };
  }

  /**
   * Resolves once the channel to the coordinator is connected, waiting up to `waitMs` (a
   * coordinator restarting); else UNAVAILABLE. A channel that is backing off would otherwise
   * fail the query at once, though the coordinator may be back already.
   */
  #connected(waitMs: number): Promise<void> {
    if (this.#client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY) return Promise.resolve();
    return new Promise((resolve, reject) => this.#client.waitForReady(Date.now() + waitMs, (err) => {
      if (!err) return resolve();
      reject(new FedcreditError('UNAVAILABLE', `the coordinator ${this.#target} is not reachable (no connection within ${waitMs} ms): the query was not sent, so nothing was logged or counted; retry it once the coordinator is up`));
    }));
  }

  close(): void {
    this.#stream.close();
    this.#client.close();
  }

  /**
   * One query on the session's stream: its answer, or its refusal as a FedcreditError. Refused
   * as RATE_LIMITED or OVERLOADED (before it was checked or logged), it is sent again after
   * the wait the coordinator names, within the deadline, as `call` does for unary calls.
   */
  #ask(req: ScoreRequest, deadlineMs: number): Promise<ScoreResponse__Output> {
    const deadline = Date.now() + deadlineMs;
    return retryWhenBusy(deadline, () => this.#askOnce(req, Math.max(1, deadline - Date.now())));
  }

  async #askOnce(req: ScoreRequest, deadlineMs: number): Promise<ScoreResponse__Output> {
    const deadline = Date.now() + deadlineMs;
    await this.#connected(Math.min(deadlineMs, CONNECT_WAIT_MS));
    const reply = await this.#stream.ask(() => req, Math.max(1, deadline - Date.now()));
    if (reply.answer) return reply.answer;
    throw refusalError(reply.refusal, 'the coordinator gave no answer');
  }
}
/** Submits a key binding or revocation as any party allowed to (the coordinator's operator, a requester). */
export async function submitConsentRecord(coordinator: string, transport: Transport, record: string): Promise<{ kind: string; logIndex: number; isNew: boolean }> {
  const client = scoringClient(coordinator, transport);
  try {
    const r = await call(client, client.SubmitConsentRecord, { record });
    return { kind: r.kind, logIndex: Number(r.logIndex), isNew: r.isNew };
  } finally {
    client.close();
  }
}
