/**
 * Consent verification: may this requester run this query about this enterprise now?
 *
 * A consent (consent/record.ts; Kantara Consent Receipt v1.1, ISO/IEC TS 27560, PIPL Art.
 * 23) is honoured only if every check below passes. Each refusal has one stable code that
 * travels over gRPC (lib/errors.ts) and into the log's `refusal` entries. Checks run in this
 * fixed order, so one consent always gets one code:
 *
 *   CONSENT_MALFORMED            not a well-formed v1 consent (or the query id is not valid)
 *   CONSENT_BAD_SIGNATURE        the signature does not verify under signerKey (forged, altered,
 *                                or signed by another key than the one named)
 *   UNKNOWN_ENTERPRISE           no trusted key binding for the subject at all
 *   CONSENT_KEY_NOT_BOUND        bindings exist, but none binds signerKey to the subject
 *   CONSENT_WRONG_REQUESTER      the caller is not the bank the consent names (checked before
 *                                anything about the consent's state is disclosed)
 *   CONSENT_REVOKED              a revocation signed by a key bound to the subject is known
 *   CONSENT_NOT_YET_VALID        issuedAt is later than now (beyond the allowed clock skew)
 *   CONSENT_EXPIRED              now is at or after validUntil
 *   CONSENT_PURPOSE_NOT_COVERED  the query's purpose is not the consented one
 *   CONSENT_SCOPE_NOT_COVERED    another subject, an operation not granted, a site that is not a
 *                                named data holder and source, data months outside the window,
 *                                or a window shorter than the months the model reads
 *   CONSENT_REPLAYED             this query id was already used
 *   CONSENT_USES_EXHAUSTED       maxUses queries were already counted by this party
 *
 * Every party checks for itself from its own state (ConsentContext; a ConsentLedger provides
 * it): the coordinator before it logs and fans out, and each node again before it computes, so a
 * node refuses a revoked consent even when the coordinator ignores the revocation (PIPL Art. 15).
 * Verifying untrusted input never throws; only a failing context lookup (e.g. a broken store)
 * rejects, since that is not the requester's fault and must not read as a refusal.
 *
 * How a scoring handler uses it: the requester signs its query (consent/signed-query.ts) and the
 * coordinator forwards consent and signed query unchanged; the coordinator (which also checks
 * that the TLS caller is the query's requester) and each node (for its own site only) run
 *
 *   const verdict = await consumeSignedQuery(ledger, consentBytes, signedQueryBytes, { sites: [site] });
 *   if (!verdict.ok) { append consentRefusalEntry(verdict, ...); throw consentRefusalError(verdict); }
 *
 * (`ledger.consume(consent, { requester, request })` is the same without the query signature.)
 */
import { FedcreditError, type ErrorCode } from '../lib/errors.js';
import { makeEntry, type LogEntry } from '../log/entries.js';
import { keyHex } from './fields.js';
import { consentSignatureValid, parseConsent, type Consent } from './record.js';
import { keyBindingProblem, type KeyBinding } from './binding.js';
import { revocationSignatureValid, type Revocation } from './revocation.js';

export * from './record.js';
export * from './binding.js';
export * from './revocation.js';
export { keyHex } from './fields.js';

export const CONSENT_REFUSAL_CODES = [
  'CONSENT_MALFORMED', 'CONSENT_BAD_SIGNATURE', 'UNKNOWN_ENTERPRISE', 'CONSENT_KEY_NOT_BOUND', 'CONSENT_WRONG_REQUESTER',
  'CONSENT_REVOKED', 'CONSENT_NOT_YET_VALID', 'CONSENT_EXPIRED', 'CONSENT_PURPOSE_NOT_COVERED', 'CONSENT_SCOPE_NOT_COVERED',
  'CONSENT_REPLAYED', 'CONSENT_USES_EXHAUSTED',
] as const satisfies readonly ErrorCode[];
export type ConsentRefusalCode = (typeof CONSENT_REFUSAL_CODES)[number];

/** How far a signer's clock may run ahead of ours before a fresh consent reads as "not yet valid". */
export const DEFAULT_CLOCK_SKEW_MS = 2 * 60_000;
/** A query id is the requester's per-query nonce: 8-128 characters, no spaces. */
export const QUERY_ID = /^[A-Za-z0-9._:-]{8,128}$/;

type MaybePromise<T> = T | Promise<T>;

/** What is being asked, as the verifying party sees it (from the authenticated request). */
export interface ConsentRequest {
  /** The credit code the query is about. */
  readonly subject: string;
  readonly purpose: string;
  /** e.g. 'score' or 'explain' (OPERATIONS). */
  readonly operation: string;
  /** The sites asked to serve: all of them at the coordinator, its own site at a node. */
  readonly sites: readonly string[];
  /** The query's id, fresh per query: a second use of one id is a replay. */
  readonly queryId: string;
  /** Months of records the query would use (YYYY-MM, inclusive), when the caller knows them. */
  readonly dataWindow?: { readonly from: string; readonly to: string };
  /**
   * How many consecutive months of records the query needs at least, when the caller knows that
   * but not which months (the coordinator: its model's longest feature window).
   */
  readonly minDataMonths?: number;
}

export interface ConsentContext {
  /** ms since the epoch, from the verifying party's clock. */
  readonly now: number;
  /** The authenticated caller (mTLS / signed request), not what the consent claims. */
  readonly requester: { readonly name: string; readonly key: Uint8Array | string };
  readonly request: ConsentRequest;
  /** Registrar keys this federation trusts to bind enterprise keys to credit codes. */
  readonly trustedRegistrars: readonly (Uint8Array | string)[];
  /** Default DEFAULT_CLOCK_SKEW_MS. */
  readonly clockSkewMs?: number;
  /** Every key binding known for a subject (untrusted or invalid ones are ignored here). */
  bindingsFor(subject: string): MaybePromise<readonly KeyBinding[]>;
  /** Every revocation known for a consent id (invalid ones are ignored here). */
  revocationsOf(consentId: string): MaybePromise<readonly Revocation[]>;
  /** Queries this party already counted against the consent. */
  usesOf(consentId: string): MaybePromise<number>;
  /** true when this party has already seen this query id. */
  queryIdSeen(queryId: string): MaybePromise<boolean>;
}

export interface ConsentAccepted {
  readonly ok: true;
  readonly consent: Consent;
  /** The binding that ties the consent's signer key to its subject. */
  readonly binding: KeyBinding;
  /** Uses counted before this query. */
  readonly usesBefore: number;
}

export interface ConsentRefused {
  readonly ok: false;
  readonly code: ConsentRefusalCode;
  /** For the requester: what was wrong and what to do. */
  readonly message: string;
  /** Present once the consent parsed (also for a forged one: the enterprise may want to know). */
  readonly consentId?: string;
  readonly subject?: string;
}

export type ConsentVerdict = ConsentAccepted | ConsentRefused;

/** Checks a consent (text, bytes or parsed JSON) against a request; see the module comment. */
export async function verifyConsent(input: unknown, ctx: ConsentContext): Promise<ConsentVerdict> {
  const terms = await consentTermsVerdict(input, ctx, true);
  return terms.ok ? verifyConsentUse(terms.consent, terms.binding, ctx) : terms;
}

/** A consent whose terms admit the request: every check but replay and uses passed. */
export type ConsentTermsVerdict = { readonly ok: true; readonly consent: Consent; readonly binding: KeyBinding } | ConsentRefused;

/** What the terms checks read: a ConsentContext without query ids and use counts. */
export type ConsentTermsContext = Omit<ConsentContext, 'request' | 'usesOf' | 'queryIdSeen'> & { readonly request: Omit<ConsentRequest, 'queryId'> };

/**
 * Every check of verifyConsent up to the scope (not the query id, replay or uses), in the same
 * order and with the same codes: for a use that has no query id and counts its uses its own way
 * (a monitoring re-score, consent/monitoring-check.ts).
 */
export function verifyConsentTerms(input: unknown, ctx: ConsentTermsContext): Promise<ConsentTermsVerdict> {
  return consentTermsVerdict(input, ctx, false);
}

async function consentTermsVerdict(input: unknown, ctx: ConsentTermsContext, hasQueryId: boolean): Promise<ConsentTermsVerdict> {
  const parsed = parseConsent(input);
  if (!parsed.ok) return { ok: false, code: 'CONSENT_MALFORMED', message: `malformed consent: ${parsed.message}; ask the enterprise for a new one (fedcredit consent grant)` };
  const c = parsed.value;
  const refuse = (code: ConsentRefusalCode, message: string): ConsentRefused => ({ ok: false, code, message, consentId: c.consentId, subject: c.subject });
  const req = ctx.request;
  const queryId: unknown = (req as Partial<ConsentRequest>).queryId;
  if (hasQueryId && (typeof queryId !== 'string' || !QUERY_ID.test(queryId))) {
    return refuse('CONSENT_MALFORMED', 'the query id must be 8-128 letters, digits or . _ : -; send a fresh random id with every query');
  }

  if (!consentSignatureValid(c)) {
    return refuse('CONSENT_BAD_SIGNATURE', `consent ${c.consentId}: the signature does not verify under signer key ${c.signerKey.slice(0, 16)}...; the consent was altered or not signed by that key`);
  }

  const bindings = (await ctx.bindingsFor(c.subject)).filter((b) => b.subject === c.subject && keyBindingProblem(b, ctx.trustedRegistrars) === undefined);
  if (bindings.length === 0) {
    return refuse('UNKNOWN_ENTERPRISE', `enterprise ${c.subject} has no key registered with a trusted registrar; the enterprise must register its key (fedcredit consent keygen --registrar-key) first`);
  }
  const binding = bindings.find((b) => b.enterpriseKey === c.signerKey);
  if (!binding) {
    return refuse('CONSENT_KEY_NOT_BOUND', `consent ${c.consentId} is signed by key ${c.signerKey.slice(0, 16)}..., which the registrar has not bound to ${c.subject}; ask the enterprise to sign with its registered key`);
  }

  if (keyHex(ctx.requester.key) !== c.requester.key || ctx.requester.name !== c.requester.name) {
    return refuse('CONSENT_WRONG_REQUESTER', `consent ${c.consentId} was granted to another requester; only the bank it names may use it`);
  }

  const boundKeys = new Set(bindings.map((b) => b.enterpriseKey));
  const revocations = await ctx.revocationsOf(c.consentId);
  const revocation = revocations.find((r) => r.consentId === c.consentId && r.subject === c.subject && boundKeys.has(r.signerKey) && revocationSignatureValid(r));
  if (revocation) {
    return refuse('CONSENT_REVOKED', `consent ${c.consentId} was revoked by ${c.subject} at ${iso(revocation.revokedAt)}; it cannot be used again`);
  }

  if (c.issuedAt > ctx.now + (ctx.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS)) {
    return refuse('CONSENT_NOT_YET_VALID', `consent ${c.consentId} is valid only from ${iso(c.issuedAt)} (now ${iso(ctx.now)}); retry then, or check the clocks`);
  }
  if (ctx.now >= c.validUntil) {
    return refuse('CONSENT_EXPIRED', `consent ${c.consentId} expired at ${iso(c.validUntil)}; ask the enterprise for a new consent`);
  }

  if (req.purpose !== c.purpose) {
    return refuse('CONSENT_PURPOSE_NOT_COVERED', `consent ${c.consentId} covers the purpose '${c.purpose}', not '${String(req.purpose).slice(0, 64)}'`);
  }
  const scopeProblem = scopeNotCovered(c, req);
  if (scopeProblem) return refuse('CONSENT_SCOPE_NOT_COVERED', `consent ${c.consentId} does not cover this query: ${scopeProblem}`);

  return { ok: true, consent: c, binding };
}

/**
 * The last two checks alone (replay, uses left) for a consent that passed the others. A ledger
 * re-runs them (consentUseVerdict, on its in-memory state) right before it claims the use, in
 * the same synchronous step, so concurrent consumes cannot both pass.
 */
export async function verifyConsentUse(c: Consent, binding: KeyBinding, ctx: ConsentContext): Promise<ConsentVerdict> {
  if (await ctx.queryIdSeen(ctx.request.queryId)) return consentUseVerdict(c, binding, ctx.request.queryId, true, 0);
  return consentUseVerdict(c, binding, ctx.request.queryId, false, await ctx.usesOf(c.consentId));
}

/** verifyConsentUse on known state, synchronously (a ledger claims a use right after it). */
export function consentUseVerdict(c: Consent, binding: KeyBinding, queryId: string, seen: boolean, usesBefore: number): ConsentVerdict {
  const refuse = (code: ConsentRefusalCode, message: string): ConsentRefused => ({ ok: false, code, message, consentId: c.consentId, subject: c.subject });
  if (seen) {
    return refuse('CONSENT_REPLAYED', `query id ${queryId} was already used; a query cannot be replayed, send a new query with a fresh id`);
  }
  if (usesBefore >= c.maxUses) {
    return refuse('CONSENT_USES_EXHAUSTED', `consent ${c.consentId} allowed ${c.maxUses} ${c.maxUses === 1 ? 'query' : 'queries'}, all used; ask the enterprise for a new consent`);
  }
  return { ok: true, consent: c, binding, usesBefore };
}

function scopeNotCovered(c: Consent, req: Omit<ConsentRequest, 'queryId'>): string | undefined {
  if (req.subject !== c.subject) return `it is about ${c.subject}, the query about ${String(req.subject).slice(0, 32)}`;
  if (!(c.scope.operations as readonly string[]).includes(req.operation)) return `operation '${String(req.operation).slice(0, 32)}' is not granted (granted: ${c.scope.operations.join(', ')})`;
  if (!Array.isArray(req.sites) || req.sites.length === 0) return 'the query names no site';
  for (const site of req.sites) {
    if (!c.dataHolders.includes(site)) return `site '${String(site).slice(0, 32)}' is not among the data holders (${c.dataHolders.join(', ')})`;
    if (!c.scope.sources.includes(site)) return `site '${site}' is a data holder but not a granted source (${c.scope.sources.join(', ')})`;
  }
  const w = req.dataWindow;
  if (w && (w.from < c.scope.dataWindow.from || w.to > c.scope.dataWindow.to)) {
    return `data months ${w.from}..${w.to} fall outside the consented window ${c.scope.dataWindow.from}..${c.scope.dataWindow.to}`;
  }
  const span = monthIndex(c.scope.dataWindow.to) - monthIndex(c.scope.dataWindow.from) + 1;
  if (req.minDataMonths !== undefined && span < req.minDataMonths) {
    return `the consented window ${c.scope.dataWindow.from}..${c.scope.dataWindow.to} spans ${span} months, but the model reads ${req.minDataMonths} months of records`;
  }
  return undefined;
}

/** A YYYY-MM month (as parseConsent checked it) as a count of months. */
function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * Refusal codes a requester must not be told apart: UNKNOWN_ENTERPRISE (no key registered for
 * the subject) against CONSENT_KEY_NOT_BOUND (a key is registered, not the signer's) would tell
 * anyone holding no valid consent whether an enterprise registered a key. The requester gets
 * CONSENT_NOT_REGISTERED and one message for both; the log's refusal entry keeps the exact code
 * for the auditor and the enterprise.
 */
const REQUESTER_MERGED_CODES: ReadonlySet<string> = new Set(['UNKNOWN_ENTERPRISE', 'CONSENT_KEY_NOT_BOUND']);

/** What a refusal's requester is told (see REQUESTER_MERGED_CODES); other codes pass unchanged. */
export function requesterRefusal(code: ErrorCode, message: string, subject: string | undefined): { code: ErrorCode; message: string } {
  if (!REQUESTER_MERGED_CODES.has(code)) return { code, message };
  return {
    code: 'CONSENT_NOT_REGISTERED',
    message: `the consent is not signed by a key registered for enterprise ${subject ?? '(unknown)'} with a trusted registrar; ask the enterprise to register its key (fedcredit consent keygen --registrar-key) and to sign the consent with it`,
  };
}

/** A refusal as the error the gRPC layer sends (status and code from lib/errors.ts). */
export function consentRefusalError(refusal: ConsentRefused): FedcreditError {
  return new FedcreditError(refusal.code, refusal.message, { consentId: refusal.consentId, subject: refusal.subject });
}

/**
 * The `refusal` log entry for a refused query (DESIGN.md: every refusal is an entry). The
 * subject is included once the consent parsed, even for a forged one: the enterprise it names
 * can then see in the log that someone tried.
 */
export function consentRefusalEntry(refusal: ConsentRefused, query: { queryId: string; requester: string; refusedBy: string; time: number; sites?: readonly string[] }): LogEntry {
  return makeEntry('refusal', {
    queryId: query.queryId, requester: query.requester, refusedBy: query.refusedBy, reason: refusal.code, time: query.time,
    ...(refusal.subject !== undefined ? { subject: refusal.subject } : {}),
    ...(query.sites && query.sites.length > 0 ? { sites: [...query.sites] } : {}),
  });
}
