/**
 * Consent revocations: the enterprise's signed withdrawal of one consent (PIPL Art. 15: consent
 * may be withdrawn at any time, as easily as it was given; ISO/IEC TS 27560 consent state
 * "withdrawn").
 *
 * Record (v 1): consentId, subject, signerKey, revokedAt, signature, the signature over
 * revocationMessage (consent/signing.ts) by an enterprise key bound to subject (usually the
 * key that signed the consent; after a key change, the new bound key). A revocation is
 * published as the transparency log's `revocation` entry (revocationEntry, revocationFromEntry)
 * so every node can learn it and refuse the consent even if the coordinator does not.
 */
import type { Identity } from '../crypto/identity.js';
import { verifySignature } from '../crypto/identity.js';
import { canonicalJson, makeEntry, type JsonValue, type LogEntry } from '../log/entries.js';
import { revocationMessage } from './signing.js';
import {
  CONSENT_ID, ED25519_KEY_HEX, ED25519_SIGNATURE_HEX, FieldProblem, canonicalTextProblem, FieldReader, fromHex, readRecord, recordValue, toHex, type Parsed,
} from './fields.js';
import type { Consent } from './record.js';

export interface Revocation {
  readonly v: 1;
  readonly consentId: string;
  readonly subject: string;
  readonly signerKey: string;
  readonly revokedAt: number;
  readonly signature: string;
}

/** The enterprise withdraws `consent`. */
export function revokeConsent(enterprise: Identity, consent: Pick<Consent, 'consentId' | 'subject'>, revokedAt = Date.now()): Revocation {
  const statement = { consentId: consent.consentId, subject: consent.subject, signerKey: toHex(enterprise.publicKey), revokedAt };
  const check = parseRevocation({ v: 1, ...statement, signature: '0'.repeat(ED25519_SIGNATURE_HEX) });
  if (!check.ok) throw new RangeError(`cannot revoke: ${check.message}`);
  return { v: 1, ...statement, signature: toHex(enterprise.sign(revocationMessage(statement))) };
}

export function encodeRevocation(r: Revocation): string {
  return canonicalJson(r as unknown as JsonValue);
}

/** Reads a revocation from text, bytes or a parsed value (form only). Never throws. */
export function parseRevocation(input: unknown): Parsed<Revocation> {
  const raw = recordValue(input, 'revocation');
  if (!raw.ok) return raw;
  const parsed = readRecord(() => {
    const r = FieldReader.of(raw.value.value, '');
    if (r.raw('v') !== 1) throw new FieldProblem('revocation version is not supported (want 1)');
    const rev: Revocation = {
      v: 1,
      consentId: r.string('consentId', CONSENT_ID, 'a lowercase UUID'),
      subject: r.subject('subject'),
      signerKey: r.hex('signerKey', ED25519_KEY_HEX, 'an Ed25519 public key'),
      revokedAt: r.int('revokedAt', 0, 8.64e15, 'a time in ms since the epoch'),
      signature: r.hex('signature', ED25519_SIGNATURE_HEX, 'an Ed25519 signature'),
    };
    r.done();
    return rev;
  });
  if (!parsed.ok) return parsed;
  const problem = canonicalTextProblem(raw.value.text, encodeRevocation(parsed.value), 'revocation');
  return problem ? { ok: false, message: problem } : parsed;
}

/**
 * true when the revocation's signature verifies under the key it names. Whether that key may
 * speak for the subject is a separate question (a key binding; see verifyConsent).
 */
export function revocationSignatureValid(r: Revocation): boolean {
  return verifySignature(fromHex(r.signerKey), revocationMessage(r), fromHex(r.signature));
}

/** The `revocation` log entry publishing this revocation. */
export function revocationEntry(r: Revocation): LogEntry {
  return makeEntry('revocation', { subject: r.subject, consentId: r.consentId, signerKey: r.signerKey, signature: r.signature, time: r.revokedAt });
}

/** The revocation a `revocation` log entry publishes (form only). Never throws. */
export function revocationFromEntry(entry: LogEntry): Parsed<Revocation> {
  if (entry.kind !== 'revocation') return { ok: false, message: `a ${entry.kind} entry is not a revocation` };
  const b = entry.body;
  return parseRevocation({ v: 1, consentId: b['consentId'], subject: b['subject'], signerKey: b['signerKey'], revokedAt: b['time'], signature: b['signature'] });
}
