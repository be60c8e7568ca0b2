/**
 * The consent's terms a query log entry carries (`consentRequester`, `consentValidFrom`,
 * `consentValidUntil`, `consentMaxUses`, and `consentHash`, the SHA-256 of the consent's
 * canonical text, consent/record.ts encodeConsent). The auditor judges each logged use by
 * these terms (log/audit/consent-audit.ts), so the coordinator, who writes them, could otherwise
 * log looser terms than the consent's and hide a use past them. Every node is sent the consent
 * itself with the query and refuses an entry whose terms or hash are not that consent's; the
 * enterprise, or an auditor holding the consent, checks the hash against its own copy.
 * Metadata only: the hash names a consent its holders already have, never a score.
 */
import crypto from 'node:crypto';
import { encodeConsent, parseConsent, type Consent } from './record.js';

/** Hex SHA-256 of the consent's canonical text. */
export function consentHash(consent: Consent): string {
  const known = hashes.get(consent);
  if (known !== undefined) return known;
  const hash = crypto.createHash('sha256').update(encodeConsent(consent), 'utf8').digest('hex');
  if (deepFrozen(consent)) hashes.set(consent, hash);
  return hash;
}

/**
 * consentHash of a consent read back from this party's own store (record.ts storedConsent: a
 * monitoring item), from its text, without the canonical re-encoding: the stored text is the
 * canonical text, checked by parseConsent when it was stored (which also accepts one trailing
 * newline, not part of the hashed text). The coordinator logs a `rescore` entry with the hash
 * for every item of every run; the re-encoding was ~2 % of its CPU in a monitoring run. Text
 * that did not come from this party's store goes through parseConsent and consentHash.
 */
export function storedConsentHash(text: string): string {
  return crypto.createHash('sha256').update(text.endsWith('\n') ? text.slice(0, -1) : text, 'utf8').digest('hex');
}

/**
 * Hashes of deep-frozen consents (parseConsent returns one object per verified text): the
 * coordinator and every node hash the consent of every query (~15 µs of canonical JSON and
 * SHA-256 each, measured in the scoring bench); a frozen consent cannot change, so neither can
 * its hash. Weak: an entry lives only as long as its consent object.
 */
const hashes = new WeakMap<Consent, string>();

function deepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(deepFrozen);
}

/** The fields a query entry carries about the consent it was admitted under. */
export function queryEntryTerms(consent: Consent): { consentRequester: string; consentValidFrom: number; consentValidUntil: number; consentMaxUses: number; consentHash: string } {
  return {
    consentRequester: consent.requester.name, consentValidFrom: consent.issuedAt, consentValidUntil: consent.validUntil,
    consentMaxUses: consent.maxUses, consentHash: consentHash(consent),
  };
}

/**
 * Why the terms logged in a query entry's `body` are not those of `consent` (as sent to the
 * node), or undefined when they all are. A consent that does not parse is left to the consent
 * check, which refuses it with its own code.
 */
export function loggedTermsMismatch(body: Readonly<Record<string, unknown>>, consent: unknown): string | undefined {
  const parsed = parseConsent(consent);
  if (!parsed.ok) return undefined;
  for (const [k, v] of Object.entries(queryEntryTerms(parsed.value))) {
    if (body[k] !== v) return `${k} is '${String(body[k]).slice(0, 64)}', but the consent sent says '${String(v).slice(0, 64)}'`;
  }
  return undefined;
}
