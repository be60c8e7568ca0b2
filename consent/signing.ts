/**
 * The exact bytes an enterprise or a registrar signs for the flat consent statements: the
 * registrar's key binding (enterprise key <-> credit code) and the enterprise's revocation.
 *
 * Kept free of other fedcredit imports so that log/entries.ts can re-check the signatures
 * a log entry carries without an import cycle. Each message is a JSON array whose first element
 * names the statement and its version (domain separation: a signature over one kind of
 * statement can never be read as another, nor as a consent, which is signed over canonical
 * JSON under its own tag in consent/record.ts). A positional array of strings and safe
 * integers has exactly one JSON text, so no key-ordering rule is needed here.
 */

export const KEY_BINDING_TAG = 'fedcredit enterprise key binding v1';
export const REVOCATION_TAG = 'fedcredit consent revocation v1';

export interface KeyBindingStatement {
  readonly subject: string;
  /** Lowercase hex of the enterprise's raw Ed25519 public key. */
  readonly enterpriseKey: string;
  /** Lowercase hex of the registrar's raw Ed25519 public key. */
  readonly registrarKey: string;
  /** ms since the epoch. */
  readonly issuedAt: number;
}

export interface RevocationStatement {
  readonly consentId: string;
  readonly subject: string;
  /** Lowercase hex of the key that signs the revocation (an enterprise key bound to subject). */
  readonly signerKey: string;
  /** ms since the epoch. */
  readonly revokedAt: number;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export function keyBindingMessage(s: KeyBindingStatement): Uint8Array {
  return utf8(JSON.stringify([KEY_BINDING_TAG, s.subject, s.enterpriseKey, s.registrarKey, s.issuedAt]));
}

export function revocationMessage(s: RevocationStatement): Uint8Array {
  return utf8(JSON.stringify([REVOCATION_TAG, s.consentId, s.subject, s.signerKey, s.revokedAt]));
}
