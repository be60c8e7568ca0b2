/**
 * The consent record: what an enterprise signs to let one bank obtain a joint credit score.
 *
 * Fields follow the Kantara Initiative Consent Receipt Specification v1.1 (consent receipt
 * id, PII principal, controllers, purpose, consent timestamp), ISO/IEC TS 27560:2023 (consent
 * record: subject, recipients, purpose, processing operations, validity, signature) and PIPL
 * Art. 23 (separate consent naming the recipient, the purpose, the processing and the kinds of
 * data provided to it):
 *
 *   v            1 (a new layout is a new version, never a silent change)
 *   consentId    UUID of this grant (Kantara consentReceiptID)
 *   subject      the enterprise's 18-character credit code (the PII principal)
 *   signerKey    the enterprise's Ed25519 key that signed; bound to subject by the registrar
 *   requester    { name, key }: the one bank that may ask (PIPL Art. 23 "recipient")
 *   dataHolders  the sites that may provide data (named, sorted)
 *   purpose      one of PURPOSES (PIPL Art. 6: specific and limited)
 *   scope        { sources: sites whose data may be used, operations: OPERATIONS granted,
 *                  dataWindow: { from, to } months of records that may be used }
 *   issuedAt     ms since the epoch; the consent is valid from then
 *   validUntil   ms since the epoch; invalid from then on
 *   maxUses      how many queries the consent covers, counted by every verifying party
 *   nonce        128 random bits: two grants with the same terms still differ in every byte
 *                signed, so no signature can be reused across grants
 *   signature    Ed25519 over `CONSENT_TAG \n canonicalJson(all fields but signature)`
 *
 * The canonical encoding is log/entries.ts's canonicalJson (RFC 8785 key order, no
 * whitespace); lists must be sorted and unique and hex lowercase, so a consent has exactly one
 * text, and a consent given as text must be that text (optionally with one trailing newline).
 */
import crypto from 'node:crypto';
import { BoundedCache } from '../lib/bounded-cache.js';
import { verifySignature, type Identity } from '../crypto/identity.js';
import { canonicalJson, type JsonValue } from '../log/entries.js';
import { SITE_NAME } from '../registration/statement.js';
import {
  CONSENT_ID, ED25519_KEY_HEX, ED25519_SIGNATURE_HEX, FieldProblem, canonicalTextProblem, deepFreeze, FieldReader, fromHex, readRecord, recordValue, toHex, type Parsed,
} from './fields.js';

export const CONSENT_TAG = 'fedcredit consent v1';

/** What a consented query may be for (PIPL Art. 6). Adding one is additive. */
export const PURPOSES = ['credit-assessment', 'loan-monitoring'] as const;
export type ConsentPurpose = (typeof PURPOSES)[number];

/**
 * The training purpose of a general credit-risk model (the training job's default `--purpose`,
 * training/driver.ts DEFAULT_PURPOSE): it may serve every consent purpose above.
 */
export const GENERAL_MODEL_PURPOSE = 'credit-scoring';

/**
 * Whether a model trained for `modelPurpose` may answer a query under a consent for
 * `consentPurpose` (PIPL Art. 6: processing limited to the purpose consented to): a general
 * credit-risk model serves every consent purpose, a model trained for one consent purpose
 * serves that one only, and a model trained for anything else serves none.
 */
export function modelServesPurpose(modelPurpose: string, consentPurpose: string): boolean {
  return modelPurpose === GENERAL_MODEL_PURPOSE || modelPurpose === consentPurpose;
}

/**
 * What may be done: `score` is the joint score, grade and warning level; `explain` the
 * per-site top reasons (PIPL Art. 24 explanations), sealed to the requester.
 */
export const OPERATIONS = ['explain', 'score'] as const;
export type ConsentOperation = (typeof OPERATIONS)[number];

export interface RequesterIdentity {
  /** The bank's name as the federation knows it (its registration / certificate name). */
  readonly name: string;
  /** Lowercase hex of the bank's raw Ed25519 identity key. */
  readonly key: string;
}

export interface ConsentScope {
  readonly sources: readonly string[];
  readonly operations: readonly ConsentOperation[];
  /** Months (YYYY-MM, inclusive) of records whose data may be used. */
  readonly dataWindow: { readonly from: string; readonly to: string };
}

export interface ConsentBody {
  readonly v: 1;
  readonly consentId: string;
  readonly subject: string;
  readonly signerKey: string;
  readonly requester: RequesterIdentity;
  readonly dataHolders: readonly string[];
  readonly purpose: ConsentPurpose;
  readonly scope: ConsentScope;
  readonly issuedAt: number;
  readonly validUntil: number;
  readonly maxUses: number;
  readonly nonce: string;
}

export interface Consent extends ConsentBody {
  readonly signature: string;
}

export const MAX_USES_LIMIT = 1_000_000;
/** Printable, no control characters, no edge spaces; a bank's legal name may be in Chinese. */
export const REQUESTER_NAME = /^(?! )[^\u0000-\u001f\u007f]{1,128}(?<! )$/u;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_TIME = 8.64e15; // the largest ms a JS Date can hold

/** The canonical JSON value of a consent (or of its body, for signing). */
function consentJson(c: ConsentBody | Consent): JsonValue {
  return c as unknown as JsonValue;
}

/** The bytes the enterprise signs: the tag, a newline, the canonical body. */
export function consentSigningBytes(body: ConsentBody): Uint8Array {
  const { signature: _omit, ...unsigned } = body as Consent;
  return new TextEncoder().encode(`${CONSENT_TAG}\n${canonicalJson(consentJson(unsigned))}`);
}

/** The consent's one canonical text (what a consent file and a query carry). */
export function encodeConsent(consent: Consent): string {
  return canonicalJson(consentJson(consent));
}

/**
 * Reads a consent from text, bytes or a parsed JSON value, checking every field's type and
 * form (not the signature: see verifyConsent). Never throws.
 */
export function parseConsent(input: unknown): Parsed<Consent> {
  // A consent this module parsed and froze (parseConsent, storedConsent) is read as it is.
  if (typeof input === 'object' && input !== null && frozenConsents.has(input as Consent)) return { ok: true, value: input as Consent };
  if (typeof input !== 'string') return parseConsentUncached(input);
  // A consent is checked by every party for every query it covers, often several times per
  // query, and the result for one text is always the same: once it has parsed AND its
  // signature verified (consentSignatureValid), it is kept, deep-frozen so that no caller can
  // change what the next one gets. Refused texts are never kept (issue 12).
  const hit = verifiedConsents.get(input);
  if (hit !== undefined) return { ok: true, value: hit };
  const parsed = parseConsentUncached(input);
  if (parsed.ok) {
    frozenConsents.add(deepFreeze(parsed.value));
    textOf.set(parsed.value, input);
  }
  return parsed;
}

/**
 * Consents that parsed and whose signature verified, by exact text: at most 4096, at most
 * 16 MiB of text (a consent is at most MAX_RECORD_BYTES; an honest one about 1 KB), LRU.
 */
const verifiedConsents = new BoundedCache<Consent>(4096, 16 * 1024 * 1024);
/** The text each not-yet-verified parsed consent came from, until its signature is checked. */
const textOf = new WeakMap<Consent, string>();

function parseConsentUncached(input: unknown): Parsed<Consent> {
  const raw = recordValue(input, 'consent');
  if (!raw.ok) return raw;
  const parsed = readRecord(() => readConsent(raw.value.value));
  if (!parsed.ok) return parsed;
  const problem = canonicalTextProblem(raw.value.text, encodeConsent(parsed.value), 'consent');
  return problem ? { ok: false, message: problem } : parsed;
}

/**
 * Whether the consent's signature verifies under its signerKey. Remembered per parsed consent
 * object (parseConsent returns the same object for the same verified text), so the Ed25519
 * check is paid once per consent, not once per query.
 */
export function consentSignatureValid(c: Consent): boolean {
  const known = signatureChecks.get(c);
  if (known !== undefined) return known;
  const valid = verifySignature(fromHex(c.signerKey), consentSigningBytes(c), fromHex(c.signature));
  if (frozenConsents.has(c)) signatureChecks.set(c, valid);
  const text = textOf.get(c);
  if (valid && text !== undefined) {
    // The value is charged about twice its text: the parsed object's strings and fields.
    verifiedConsents.set(text, c, text.length);
    textOf.delete(c);
  }
  return valid;
}

/**
 * A consent this party verified (signature included) when it stored it, read back from its own
 * store: a monitoring item (monitoring/node-items.ts, monitoring/portfolio-service.ts verify the
 * consent before the item is written). Parsed and checked field by field as parseConsent does,
 * but its signature is taken as verified and it is not put in the bounded cache of verified
 * texts: a 100,000-item portfolio re-scored each month would otherwise evict every entry of that
 * cache and pay an Ed25519 verification per item per run at every party (half a node's CPU in a
 * run, bench/monitoring.ts). Never pass text that came from the wire here.
 */
export function storedConsent(text: string): Parsed<Consent> {
  const fast = readStoredConsent(text);
  const parsed: Parsed<Consent> = fast ? { ok: true, value: fast } : parseConsentUncached(text);
  if (parsed.ok) {
    frozenConsents.add(deepFreeze(parsed.value));
    signatureChecks.set(parsed.value, true);
  }
  return parsed;
}

/**
 * The fast read of a stored consent's text: its fields copied by name with a type check each,
 * without the per-field patterns and the canonical re-encoding that parseConsent runs on text
 * from the wire (they were checked when the consent was stored; the re-encoding was a tenth of
 * a node's CPU in a monitoring run). Undefined when anything is not as a stored consent has
 * it: the caller then parses it in full, with its errors.
 */
function readStoredConsent(text: string): Consent | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (v: unknown): v is string => typeof v === 'string';
  const strs = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);
  const int = (v: unknown): v is number => Number.isSafeInteger(v);
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const { requester: q, scope: sc } = o;
  if (!obj(o) || o['v'] !== 1 || !obj(q) || !obj(sc) || !obj(sc['dataWindow'])) return undefined;
  const w = sc['dataWindow'];
  const c = {
    v: 1 as const, consentId: o['consentId'], subject: o['subject'], signerKey: o['signerKey'],
    requester: { name: q['name'], key: q['key'] }, dataHolders: o['dataHolders'], purpose: o['purpose'],
    scope: { sources: sc['sources'], operations: sc['operations'], dataWindow: { from: w['from'], to: w['to'] } },
    issuedAt: o['issuedAt'], validUntil: o['validUntil'], maxUses: o['maxUses'], nonce: o['nonce'], signature: o['signature'],
  };
  // Canonical text: no whitespace, keys sorted at every level (JSON.stringify keeps the text's order).
  const sorted = (x: Record<string, unknown>) => Object.keys(x).every((k, i, a) => i === 0 || a[i - 1]! < k);
  if (JSON.stringify(o) !== text || ![o, q, sc, w].every(sorted)) return undefined;
  const fields = Object.keys(o).length === 13 && Object.keys(q).length === 2 && Object.keys(sc).length === 3 && Object.keys(w).length === 2;
  const typed = str(c.consentId) && str(c.subject) && str(c.signerKey) && str(c.requester.name) && str(c.requester.key) && strs(c.dataHolders)
    && str(c.purpose) && (PURPOSES as readonly string[]).includes(c.purpose) && strs(c.scope.sources) && strs(c.scope.operations)
    && str(c.scope.dataWindow.from) && str(c.scope.dataWindow.to) && int(c.issuedAt) && int(c.validUntil) && int(c.maxUses) && str(c.nonce) && str(c.signature);
  return fields && typed ? (c as unknown as Consent) : undefined;
}

const signatureChecks = new WeakMap<Consent, boolean>();
/** Consents parseConsent made and deep-froze: only their check results can be remembered. */
const frozenConsents = new WeakSet<Consent>();

function readConsent(value: unknown): Consent {
  const r = FieldReader.of(value, '');
  const v = r.raw('v');
  if (v !== 1) throw new FieldProblem(`consent version ${JSON.stringify(v)} is not supported (want 1)`);
  const consentId = r.string('consentId', CONSENT_ID, 'a lowercase UUID');
  const subject = r.subject('subject');
  const signerKey = r.hex('signerKey', ED25519_KEY_HEX, 'an Ed25519 public key');
  const q = FieldReader.of(r.raw('requester'), 'requester');
  const requester: RequesterIdentity = {
    name: q.string('name', REQUESTER_NAME, 'a name of 1-128 printable characters'),
    key: q.hex('key', ED25519_KEY_HEX, 'an Ed25519 public key'),
  };
  q.done();
  const dataHolders = r.sortedList('dataHolders', SITE_NAME, 'a site name');
  const purpose = r.string('purpose', new RegExp(`^(${PURPOSES.join('|')})$`), `one of ${PURPOSES.join(', ')}`) as ConsentPurpose;
  const s = FieldReader.of(r.raw('scope'), 'scope');
  const sources = s.sortedList('sources', SITE_NAME, 'a site name');
  const outside = sources.filter((site) => !dataHolders.includes(site));
  if (outside.length) throw new FieldProblem(`scope.sources names ${outside.join(', ')}, which is not among the data holders`);
  const operations = s.sortedList('operations', OPERATIONS, 'an operation') as ConsentOperation[];
  const w = FieldReader.of(s.raw('dataWindow'), 'scope.dataWindow');
  const dataWindow = { from: w.string('from', MONTH, 'a month YYYY-MM'), to: w.string('to', MONTH, 'a month YYYY-MM') };
  w.done();
  s.done();
  if (dataWindow.from > dataWindow.to) throw new FieldProblem(`scope.dataWindow runs backwards (${dataWindow.from} to ${dataWindow.to})`);
  const issuedAt = r.int('issuedAt', 0, MAX_TIME, 'a time in ms since the epoch');
  const validUntil = r.int('validUntil', 0, MAX_TIME, 'a time in ms since the epoch');
  if (validUntil <= issuedAt) throw new FieldProblem('validUntil must be after issuedAt');
  const maxUses = r.int('maxUses', 1, MAX_USES_LIMIT, 'a number of uses');
  const nonce = r.hex('nonce', 32, 'a 128-bit nonce');
  const signature = r.hex('signature', ED25519_SIGNATURE_HEX, 'an Ed25519 signature');
  r.done();
  return {
    v: 1, consentId, subject, signerKey, requester, dataHolders, purpose,
    scope: { sources, operations, dataWindow }, issuedAt, validUntil, maxUses, nonce, signature,
  };
}

/** What the enterprise decides when it grants a consent; the rest is filled in by grantConsent. */
export interface ConsentTerms {
  readonly subject: string;
  readonly requester: RequesterIdentity;
  readonly dataHolders: readonly string[];
  readonly purpose: ConsentPurpose;
  /** Default: every data holder. */
  readonly sources?: readonly string[];
  /** Default: ['score']. */
  readonly operations?: readonly ConsentOperation[];
  /**
   * Default: the 36 months up to the month of issue (DEFAULT_WINDOW_MONTHS). Each site reads up
   * to 24 months of records ending at its features' as-of month, which lags the records' newest
   * month (the bank's by 12, for its labels); a node refuses a query whose months fall outside.
   */
  readonly dataWindow?: { readonly from: string; readonly to: string };
  readonly validForMs: number;
  readonly maxUses: number;
}

export interface GrantOptions {
  /** Default: now. */
  readonly issuedAt?: number;
  /** For reproducible tests only; default: a random UUID. */
  readonly consentId?: string;
  /** For reproducible tests only; default: 16 random bytes. */
  readonly nonce?: string;
}

/**
 * Signs a consent with the enterprise's key. Throws RangeError naming the field when the terms
 * do not make a valid consent (the same checks parseConsent applies to what others send).
 */
export function grantConsent(enterprise: Identity, terms: ConsentTerms, options: GrantOptions = {}): Consent {
  const issuedAt = options.issuedAt ?? Date.now();
  const uniqueSorted = (xs: readonly string[]) => [...new Set(xs)].sort();
  const dataHolders = uniqueSorted(terms.dataHolders);
  const body: ConsentBody = {
    v: 1,
    consentId: options.consentId ?? crypto.randomUUID(),
    subject: terms.subject,
    signerKey: toHex(enterprise.publicKey),
    requester: { name: terms.requester.name, key: terms.requester.key.toLowerCase() },
    dataHolders,
    purpose: terms.purpose,
    scope: {
      sources: uniqueSorted(terms.sources ?? dataHolders),
      operations: uniqueSorted(terms.operations ?? ['score']) as ConsentOperation[],
      dataWindow: terms.dataWindow ?? defaultDataWindow(issuedAt),
    },
    issuedAt,
    validUntil: issuedAt + terms.validForMs,
    maxUses: terms.maxUses,
    nonce: options.nonce ?? toHex(crypto.randomBytes(16)),
  };
  // Validate before signing, with the very reader verifiers use: a consent we sign must parse.
  const unsignedCheck = parseConsent({ ...body, signature: '0'.repeat(ED25519_SIGNATURE_HEX) });
  if (!unsignedCheck.ok) throw new RangeError(`cannot grant this consent: ${unsignedCheck.message}`);
  return { ...body, signature: toHex(enterprise.sign(consentSigningBytes(body))) };
}

/** Months a consent's default data window spans, ending with the month of issue. */
export const DEFAULT_WINDOW_MONTHS = 36;

/** The DEFAULT_WINDOW_MONTHS months up to and including the month of `time` (UTC). */
export function defaultDataWindow(time: number): { from: string; to: string } {
  const d = new Date(time);
  const month = (y: number, m: number) => `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const start = new Date(Date.UTC(y, m - (DEFAULT_WINDOW_MONTHS - 1), 1));
  return { from: month(start.getUTCFullYear(), start.getUTCMonth()), to: month(y, m) };
}
