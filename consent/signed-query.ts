/**
 * Signed score queries: the requester's own signature on what it asks, so that a data node,
 * which never talks to the requester (lib/rpc-roles.ts: a requester reaches the coordinator
 * only), can still tell that the bank named in the consent asked, and not a curious
 * coordinator replaying that bank's consent (DESIGN.md threat model: the coordinator is
 * honest-but-curious; the consent's `requester.key` exists for exactly this check).
 *
 * Record (v 1): queryId, consentId, subject, purpose, operation, sites (sorted), requester
 * { name, key }, issuedAt, signature: Ed25519 by requester.key over `QUERY_TAG \n
 * canonicalJson(all fields but signature)`. The coordinator forwards it unchanged to each node.
 *
 * consumeSignedQuery checks it and then the consent through a party's ledger. A query whose
 * signature does not verify under the key it names, or that names another consent, is refused
 * as CONSENT_WRONG_REQUESTER: whoever sent it is not shown to be the consented requester.
 */
import type { Identity } from '../crypto/identity.js';
import { BoundedCache } from '../lib/bounded-cache.js';
import { verifySignature } from '../crypto/identity.js';
import { canonicalJson, type JsonValue } from '../log/entries.js';
import { SITE_NAME } from '../registration/statement.js';
import {
  canonicalTextProblem, CONSENT_ID, deepFreeze, ED25519_KEY_HEX, ED25519_SIGNATURE_HEX, FieldProblem, FieldReader, fromHex, readRecord, recordValue,
  toHex, type Parsed,
} from './fields.js';
import { OPERATIONS, parseConsent, PURPOSES, REQUESTER_NAME, type ConsentOperation, type ConsentPurpose, type RequesterIdentity } from './record.js';
import { QUERY_ID, type ConsentRefused } from './verify.js';
import type { ConsentConsumed, ConsentLedger } from './ledger.js';

export const QUERY_TAG = 'fedcredit score query v1';

export interface SignedQueryBody {
  readonly v: 1;
  readonly queryId: string;
  readonly consentId: string;
  readonly subject: string;
  readonly purpose: ConsentPurpose;
  readonly operation: ConsentOperation;
  readonly sites: readonly string[];
  readonly requester: RequesterIdentity;
  readonly issuedAt: number;
}

export interface SignedQuery extends SignedQueryBody {
  readonly signature: string;
}

/** The bytes the requester signs: QUERY_TAG, LF, canonical JSON of every field but signature (also consent/query-check.ts). */
export function signingBytes(body: SignedQueryBody): Uint8Array {
  const { signature: _omit, ...unsigned } = body as SignedQuery;
  return new TextEncoder().encode(`${QUERY_TAG}\n${canonicalJson(unsigned as unknown as JsonValue)}`);
}

export function encodeSignedQuery(q: SignedQuery): string {
  return canonicalJson(q as unknown as JsonValue);
}

/** The requester signs a query under its identity key (the key its consents name). */
export function signQuery(requester: Identity, name: string, terms: Omit<SignedQueryBody, 'v' | 'requester' | 'issuedAt' | 'sites'> & { sites: readonly string[] }, issuedAt = Date.now()): SignedQuery {
  const body: SignedQueryBody = { v: 1, ...terms, sites: [...new Set(terms.sites)].sort(), requester: { name, key: toHex(requester.publicKey) }, issuedAt };
  const check = parseSignedQuery({ ...body, signature: '0'.repeat(ED25519_SIGNATURE_HEX) });
  if (!check.ok) throw new RangeError(`cannot sign this query: ${check.message}`);
  return { ...body, signature: toHex(requester.sign(signingBytes(body))) };
}

/** Reads a signed query from text, bytes or a parsed value (form only). Never throws. */
export function parseSignedQuery(input: unknown): Parsed<SignedQuery> {
  if (typeof input !== 'string') return parseSignedQueryUncached(input);
  // Each party reads a query's text more than once (its own checks, then consumeSignedQuery):
  // kept once it parsed and its signature verified (signedQueryValid), never when refused.
  const hit = verifiedQueries.get(input) ?? awaitingCheck.get(input);
  if (hit !== undefined) return { ok: true, value: hit };
  const parsed = deepFreeze(parseSignedQueryUncached(input));
  if (parsed.ok) {
    queryTextOf.set(parsed.value, input);
    awaitingCheck.set(input, parsed.value, input.length);
  }
  return parsed;
}

/** Queries that parsed and verified, by exact text: at most 1024 and 4 MiB of text (an honest one is under 1 KB), LRU. */
const verifiedQueries = new BoundedCache<SignedQuery>(1024, 4 * 1024 * 1024);
/**
 * Queries that parsed, between a party's first read and its signature check (the coordinator
 * reads each query in Score, then in consumeSignedQuery: without this, twice ~20-40 µs). Small
 * and apart from verifiedQueries, so texts that never verify cannot push verified ones out;
 * a text whose signature fails is dropped at once (signedQueryValid).
 */
const awaitingCheck = new BoundedCache<SignedQuery>(256, 1024 * 1024);
const queryTextOf = new WeakMap<SignedQuery, string>();
/** Parsed queries whose signature verified (frozen ones only: they cannot change after the check). */
const validQueries = new WeakSet<SignedQuery>();

function parseSignedQueryUncached(input: unknown): Parsed<SignedQuery> {
  const raw = recordValue(input, 'query');
  if (!raw.ok) return raw;
  const parsed = readRecord((): SignedQuery => {
    const r = FieldReader.of(raw.value.value, '');
    if (r.raw('v') !== 1) throw new FieldProblem('query version is not supported (want 1)');
    const queryId = r.string('queryId', QUERY_ID, '8-128 letters, digits or . _ : -');
    const consentId = r.string('consentId', CONSENT_ID, 'a lowercase UUID');
    const subject = r.subject('subject');
    const purpose = r.string('purpose', new RegExp(`^(${PURPOSES.join('|')})$`), `one of ${PURPOSES.join(', ')}`) as ConsentPurpose;
    const operation = r.string('operation', new RegExp(`^(${OPERATIONS.join('|')})$`), `one of ${OPERATIONS.join(', ')}`) as ConsentOperation;
    const sites = r.sortedList('sites', SITE_NAME, 'a site name');
    const q = FieldReader.of(r.raw('requester'), 'requester');
    const requester = { name: q.string('name', REQUESTER_NAME, 'a name of 1-128 printable characters'), key: q.hex('key', ED25519_KEY_HEX, 'an Ed25519 public key') };
    q.done();
    const issuedAt = r.int('issuedAt', 0, 8.64e15, 'a time in ms since the epoch');
    const signature = r.hex('signature', ED25519_SIGNATURE_HEX, 'an Ed25519 signature');
    r.done();
    return { v: 1, queryId, consentId, subject, purpose, operation, sites, requester, issuedAt, signature };
  });
  if (!parsed.ok) return parsed;
  const problem = canonicalTextProblem(raw.value.text, encodeSignedQuery(parsed.value), 'query');
  return problem ? { ok: false, message: problem } : parsed;
}

export function signedQueryValid(q: SignedQuery): boolean {
  // A node checks a query before its policy and again in consumeSignedQuery: verified once.
  if (validQueries.has(q)) return true;
  const valid = verifySignature(fromHex(q.requester.key), signingBytes(q), fromHex(q.signature));
  const text = queryTextOf.get(q);
  if (text !== undefined) {
    awaitingCheck.delete(text);
    if (valid) verifiedQueries.set(text, q, text.length);
    queryTextOf.delete(q);
  }
  if (valid && Object.isFrozen(q)) validQueries.add(q);
  return valid;
}

export interface SignedQueryOptions {
  /** The sites this party serves for the query: a node passes its own site. Default: the query's sites. */
  readonly sites?: readonly string[];
  /**
   * The months of records this party's answer would use (a node: its features' window; the
   * coordinator: the model's, when its metadata records one); outside the consent's window the
   * query is refused as CONSENT_SCOPE_NOT_COVERED before a use is counted.
   */
  readonly dataWindow?: { readonly from: string; readonly to: string };
  /** The fewest consecutive months the answer reads (ConsentRequest.minDataMonths). */
  readonly minDataMonths?: number;
  readonly now?: number;
  /** See ConsentLedger.consume: resolve once the use is claimed; await `written` before answering. */
  readonly deferWrite?: boolean;
}

/**
 * Checks a signed query and then its consent through `ledger` (counting a use when both pass).
 * The requester identity verifyConsent compares with the consent is the one that signed the
 * query, so a party that never sees the requester still checks who asked.
 */
export async function consumeSignedQuery(ledger: ConsentLedger, consent: unknown, query: unknown, options: SignedQueryOptions = {}): Promise<ConsentConsumed> {
  const parsed = parseSignedQuery(query);
  if (!parsed.ok) return { ok: false, code: 'CONSENT_MALFORMED', message: `malformed query: ${parsed.message}` };
  const q = parsed.value;
  const refuse = (message: string): ConsentRefused => ({ ok: false, code: 'CONSENT_WRONG_REQUESTER', message, consentId: q.consentId, subject: q.subject });
  if (!signedQueryValid(q)) return refuse(`query ${q.queryId}: the requester's signature does not verify; only the bank a consent names can use it`);
  const sites = options.sites ?? q.sites;
  const outside = sites.filter((s) => !q.sites.includes(s));
  if (outside.length > 0) return { ...refuse(`query ${q.queryId} does not ask site ${outside.join(', ')}`), code: 'CONSENT_SCOPE_NOT_COVERED' };
  // The signature covers the consent id: a signed query cannot be moved onto another consent.
  const named = parseConsent(consent);
  if (named.ok && named.value.consentId !== q.consentId) return refuse(`query ${q.queryId} was signed for consent ${q.consentId}, not ${named.value.consentId}`);
  return ledger.consume(consent, {
    requester: q.requester,
    request: { subject: q.subject, purpose: q.purpose, operation: q.operation, sites, queryId: q.queryId, ...(options.dataWindow ? { dataWindow: options.dataWindow } : {}),
      ...(options.minDataMonths !== undefined ? { minDataMonths: options.minDataMonths } : {}) },
    ...(options.now !== undefined ? { now: options.now } : {}),
  }, { deferWrite: options.deferWrite ?? false });
}
