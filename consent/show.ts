/**
 * What `fedcredit consent show` prints: which record a file holds (consent, revocation or key
 * binding), its fields, and whether its own signature verifies. Whether the signer is trusted
 * (bound to the subject by the federation's registrar) is for verifyConsent to decide.
 */
import { verifySignature } from '../crypto/identity.js';
import {
  consentSigningBytes, keyBindingProblem, parseConsent, parseKeyBinding, parseRevocation, revocationSignatureValid,
  type Consent, type KeyBinding, type Revocation,
} from './verify.js';
import { FedcreditError } from '../lib/errors.js';
import { describeConsent, describeKeyBinding, describeRevocation } from './describe.js';

export interface ShownRecord {
  readonly kind: 'consent' | 'revocation' | 'key-binding';
  readonly record: Consent | Revocation | KeyBinding;
  readonly signature: { readonly ok: boolean; readonly detail: string };
  readonly lines: string[];
}

export function showRecord(bytes: Uint8Array, registrarKey?: string): ShownRecord {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new FedcreditError('CONSENT_MALFORMED', `the file is not UTF-8 JSON (${(err as Error).message}); pass a file written by fedcredit consent or registrar`);
  }
  const has = (field: string) => typeof value === 'object' && value !== null && Object.hasOwn(value, field);
  if (has('requester')) {
    const c = must(parseConsent(bytes), 'consent');
    const ok = verifySignature(Buffer.from(c.signerKey, 'hex'), consentSigningBytes(c), Buffer.from(c.signature, 'hex'));
    return { kind: 'consent', record: c, signature: { ok, detail: ok ? `by the enterprise key it names, ${c.signerKey.slice(0, 16)}...` : 'does not verify under the key it names: altered or forged' }, lines: describeConsent(c) };
  }
  if (has('revokedAt')) {
    const r = must(parseRevocation(bytes), 'revocation');
    const ok = revocationSignatureValid(r);
    return { kind: 'revocation', record: r, signature: { ok, detail: ok ? `by key ${r.signerKey.slice(0, 16)}...` : 'does not verify under the key it names: altered or forged' }, lines: describeRevocation(r) };
  }
  if (has('registrarKey')) {
    const b = must(parseKeyBinding(bytes), 'key binding');
    const problem = registrarKey ? keyBindingProblem(b, [registrarKey]) : keyBindingProblem(b, [b.registrarKey]);
    const detail = problem ?? (registrarKey ? 'by the registrar key given with --registrar' : `by the registrar key it names, ${b.registrarKey.slice(0, 16)}... (pass --registrar to check it is the trusted one)`);
    return { kind: 'key-binding', record: b, signature: { ok: problem === undefined, detail }, lines: describeKeyBinding(b) };
  }
  throw new FedcreditError('CONSENT_MALFORMED', 'the file is not a consent, a revocation or a key binding (no requester, revokedAt or registrarKey field)');
}

function must<T>(parsed: { ok: true; value: T } | { ok: false; message: string }, what: string): T {
  if (!parsed.ok) throw new FedcreditError('CONSENT_MALFORMED', `malformed ${what}: ${parsed.message}`);
  return parsed.value;
}
