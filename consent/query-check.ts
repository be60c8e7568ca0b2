/**
 * An offline check of a signed query against its consent and the requester's keys, for an
 * integrator writing its own client (docs/wire-formats.md#for-integrators-checking-without-sending).
 *
 * Sent to the coordinator, every query that fails is logged as a `refusal` entry naming the
 * enterprise (log/refusals.ts): a bank debugging its byte layout against the live federation
 * would fill the enterprise's history with refusals it never caused. This check runs the same
 * form, signature and consent-term checks the coordinator and nodes run (signed-query.ts,
 * record.ts, verify.ts) on local files, contacts nobody, and says which field or byte is wrong:
 * for a text that is not canonical, the first differing byte against the canonical text; for a
 * signature that does not verify, the exact bytes that must be signed and, given the bytes the
 * integrator signed, the first byte where they differ.
 *
 * What it cannot know offline (the federation's state): revocations, uses already counted,
 * replayed query ids, and whether a trusted registrar bound the consent's signer key.
 */
import { verifySignature } from '../crypto/identity.js';
import { fromHex, toHex } from './fields.js';
import { consentSignatureValid, encodeConsent, parseConsent, type Consent } from './record.js';
import { encodeSignedQuery, parseSignedQuery, QUERY_TAG, signingBytes, type SignedQuery } from './signed-query.js';
import { DEFAULT_CLOCK_SKEW_MS } from './verify.js';

export interface QueryCheckItem {
  readonly check: string;
  readonly ok: boolean;
  /** What was wrong and what to do, or what was confirmed. */
  readonly detail: string;
}

export interface QueryCheckReport {
  readonly ok: boolean;
  readonly checks: readonly QueryCheckItem[];
  /** The bytes the requester must sign (hex), once the query's fields could be read. */
  readonly signingBytes?: string;
}

export interface QueryCheckOptions {
  /** The consent's text, as the enterprise signed it. */
  readonly consent?: string;
  /** The requester's own Ed25519 identity public key (from its key folder). */
  readonly requesterKey?: Uint8Array;
  /** The requester's federation name (its certificate's), which the coordinator compares. */
  readonly requesterName?: string;
  /** The bytes the integrator's code signed, to be compared with what must be signed. */
  readonly signedBytes?: Uint8Array;
  readonly now?: number;
}

/** Where two byte strings first differ, with a little context of each, or undefined when equal. */
function firstDifference(got: Uint8Array, want: Uint8Array): string | undefined {
  const n = Math.min(got.length, want.length);
  let at = 0;
  while (at < n && got[at] === want[at]) at++;
  if (at === n && got.length === want.length) return undefined;
  const show = (b: Uint8Array) => JSON.stringify(Buffer.from(b.subarray(Math.max(0, at - 24), at + 24)).toString('utf8'));
  const byte = (b: Uint8Array) => (at < b.length ? `0x${b[at]!.toString(16).padStart(2, '0')}` : 'end of input');
  return `first difference at byte ${at} (yours: ${byte(got)}, expected: ${byte(want)}; ${got.length} vs ${want.length} bytes); around it yours reads ${show(got)}, expected ${show(want)}`;
}

/** Checks a signed query's text (and, given them, its consent and the requester's keys) offline. */
export function checkSignedQuery(queryText: string, opts: QueryCheckOptions = {}): QueryCheckReport {
  const checks: QueryCheckItem[] = [];
  const add = (check: string, ok: boolean, detail: string) => checks.push({ check, ok, detail });
  const text = queryText.endsWith('\n') ? queryText.slice(0, -1) : queryText;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    add('json', false, `the query is not JSON: ${(e as Error).message}`);
    return { ok: false, checks };
  }
  // Fields first (from the parsed value, so a field problem is named even in a non-canonical text).
  const fields = parseSignedQuery(value);
  if (!fields.ok) {
    add('fields', false, `${fields.message}; docs/wire-formats.md#signed-query lists every field`);
    return { ok: false, checks };
  }
  const q = fields.value;
  add('fields', true, `v 1 query ${q.queryId}: every field present and well formed`);
  const canonical = new TextEncoder().encode(encodeSignedQuery(q));
  const diff = firstDifference(new TextEncoder().encode(text), canonical);
  add('canonical', diff === undefined, diff === undefined
    ? 'the text is the canonical JSON (keys in UTF-16 order, no whitespace)'
    : `the text is not the canonical JSON the parties require (keys sorted by UTF-16 code units, no whitespace, lists sorted): ${diff}`);

  const signing = signingBytes(q);
  const signatureOk = verifySignature(fromHex(q.requester.key), signing, fromHex(q.signature));
  add('signature', signatureOk, signatureOk
    ? `the signature verifies under requester.key ${q.requester.key.slice(0, 16)}...`
    : `the signature does not verify under requester.key over the ${signing.length} bytes "${QUERY_TAG}\\n" + canonical JSON of every field but signature (shown with --json as signingBytes)` +
      `${opts.signedBytes ? '' : '; pass the bytes your code signed (--signed-bytes FILE) to see where they differ'}`);
  if (opts.signedBytes) {
    const d = firstDifference(opts.signedBytes, signing);
    add('signed-bytes', d === undefined, d === undefined ? 'the bytes you signed are exactly the bytes to sign' : `the bytes you signed are not the bytes to sign: ${d}`);
  }
  if (opts.requesterKey) {
    const mine = toHex(opts.requesterKey);
    add('requester.key', mine === q.requester.key, mine === q.requester.key
      ? 'requester.key is the identity key in your key folder'
      : `requester.key ${q.requester.key.slice(0, 16)}... is not the identity key in your key folder (${mine.slice(0, 16)}...); sign with requester-identity.pem's key`);
  }
  if (opts.requesterName !== undefined) {
    const same = opts.requesterName === q.requester.name;
    add('requester.name', same, same ? `requester.name is your federation name '${q.requester.name}'`
      : `requester.name '${q.requester.name.slice(0, 64)}' is not your federation name '${opts.requesterName}' (your certificate's); the coordinator refuses a query another party signs`);
  }
  if (opts.consent !== undefined) checkAgainstConsent(q, opts.consent, opts.now ?? Date.now(), add);
  return { ok: checks.every((c) => c.ok), checks, signingBytes: toHex(signing) };
}

function checkAgainstConsent(q: SignedQuery, consentText: string, now: number, add: (check: string, ok: boolean, detail: string) => void): void {
  const trimmed = consentText.endsWith('\n') ? consentText.slice(0, -1) : consentText;
  const parsed = parseConsent(trimmed);
  if (!parsed.ok) {
    add('consent', false, `the consent does not parse: ${parsed.message}; send the consent file exactly as the enterprise signed it`);
    return;
  }
  const c: Consent = parsed.value;
  add('consent.signature', consentSignatureValid(c), consentSignatureValid(c)
    ? `consent ${c.consentId} is signed by its signerKey`
    : `consent ${c.consentId}: the enterprise's signature does not verify; the file was altered (${encodeConsent(c).length} canonical bytes expected)`);
  const same = (check: string, got: string, want: string, what: string) =>
    add(check, got === want, got === want ? `${check} matches the consent` : `${check} is '${got.slice(0, 80)}', the consent's ${what} is '${want.slice(0, 80)}'`);
  same('consentId', q.consentId, c.consentId, 'id');
  same('subject', q.subject, c.subject, 'subject');
  same('requester.name', q.requester.name, c.requester.name, 'requester name');
  same('requester.key', q.requester.key, c.requester.key, 'requester key (the bank it was granted to)');
  same('purpose', q.purpose, c.purpose, 'purpose');
  const granted = (c.scope.operations as readonly string[]).includes(q.operation);
  add('operation', granted, granted ? `operation '${q.operation}' is granted` : `operation '${q.operation}' is not granted (granted: ${c.scope.operations.join(', ')})`);
  const outside = q.sites.filter((s) => !c.scope.sources.includes(s) || !c.dataHolders.includes(s));
  add('sites', outside.length === 0, outside.length === 0 ? 'every site is a granted source' : `site ${outside.join(', ')} is not a granted source (${c.scope.sources.join(', ')})`);
  const iso = (t: number) => new Date(t).toISOString();
  const timeOk = c.issuedAt <= now + DEFAULT_CLOCK_SKEW_MS && now < c.validUntil;
  add('validity', timeOk, timeOk ? `the consent is valid now (until ${iso(c.validUntil)})`
    : now >= c.validUntil ? `the consent expired at ${iso(c.validUntil)}; ask the enterprise for a new one` : `the consent is valid only from ${iso(c.issuedAt)}`);
}
