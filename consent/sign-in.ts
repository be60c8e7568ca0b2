/**
 * The enterprise's proof of its registered key for the web console (docs/design/console.md 3.3):
 * the console shows a challenge, the enterprise signs it with the Ed25519 key the registrar
 * bound to its credit code (`fedcredit consent sign-in`, on its own computer), and pastes the
 * response back. The key never reaches the console or the browser.
 *
 * The signed bytes are the challenge text, UTF-8, exactly:
 *
 *     fedcredit console sign-in v1
 *     origin https://console.coord.example:7443
 *     subject 91350100M000100Y43
 *     nonce <64 lowercase hex>
 *     expires 2026-12-05T00:10:00.000Z
 *
 * Its first line differs from every other message an enterprise key signs (a consent is signed
 * over `fedcredit consent v1\n{...}`, consent/record.ts; revocations and key bindings over a
 * JSON array whose first element is their tag, consent/signing.ts), so a sign-in signature is
 * never a valid consent or revocation, nor the reverse. The origin line stops one console's
 * challenge being relayed through another: the CLI shows it before signing.
 *
 * Protocol code (not console/) because the enterprise's CLI (consent/cli.ts) and the console
 * both need it, and a protocol folder may not import a role folder.
 */
import { verifySignature, type Identity } from '../crypto/identity.js';
import { subjectProblem } from '../schema/subject.js';

export const SIGN_IN_DOMAIN = 'fedcredit console sign-in v1';
/** Prefix of a response: `v1.<128 hex digits>`. */
const RESPONSE = /^v1\.([0-9a-f]{128})$/;
const NONCE = /^[0-9a-f]{64}$/;
/** An origin as a browser sends it: scheme, host, optional port; nothing else. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.\-[\]:]{1,253}$/;
const MAX_TOKEN_CHARS = 2048;

export interface SignInChallenge {
  readonly origin: string;
  readonly subject: string;
  /** 32 random bytes, lowercase hex. */
  readonly nonce: string;
  /** ms since the epoch. */
  readonly expires: number;
}

export function challengeText(c: SignInChallenge): string {
  return [SIGN_IN_DOMAIN, `origin ${c.origin}`, `subject ${c.subject}`, `nonce ${c.nonce}`, `expires ${new Date(c.expires).toISOString()}`].join('\n');
}

/** The challenge as one token to copy: base64url of its text. */
export function challengeToken(c: SignInChallenge): string {
  return Buffer.from(challengeText(c), 'utf8').toString('base64url');
}

/** Reads a token back; the text must be exactly what challengeText writes (so what is shown is what is signed). Never throws. */
export function parseChallengeToken(token: string): { ok: true; challenge: SignInChallenge; text: string } | { ok: false; message: string } {
  const trimmed = token.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(trimmed)) {
    return { ok: false, message: 'the challenge is not a token the console showed (base64url, at most 2048 characters); copy it whole' };
  }
  const text = Buffer.from(trimmed, 'base64url').toString('utf8');
  const lines = text.split('\n');
  if (lines.length !== 5 || lines[0] !== SIGN_IN_DOMAIN) return { ok: false, message: `the challenge is not a "${SIGN_IN_DOMAIN}" challenge; copy the token the console showed` };
  const field = (i: number, name: string): string | undefined => (lines[i]!.startsWith(`${name} `) ? lines[i]!.slice(name.length + 1) : undefined);
  const origin = field(1, 'origin');
  const subject = field(2, 'subject');
  const nonce = field(3, 'nonce');
  const expiresText = field(4, 'expires');
  if (origin === undefined || !ORIGIN.test(origin)) return { ok: false, message: 'the challenge names no valid origin' };
  if (subject === undefined || subjectProblem(subject) !== undefined) return { ok: false, message: 'the challenge names no valid credit code' };
  if (nonce === undefined || !NONCE.test(nonce)) return { ok: false, message: 'the challenge has no valid nonce' };
  const expires = expiresText === undefined ? NaN : Date.parse(expiresText);
  if (!Number.isSafeInteger(expires)) return { ok: false, message: 'the challenge has no valid expiry time' };
  const challenge = { origin, subject, nonce, expires };
  if (challengeText(challenge) !== text) return { ok: false, message: 'the challenge text is not in its canonical form; copy the token the console showed' };
  return { ok: true, challenge, text };
}

/** The enterprise signs: `v1.<signature hex>` over the challenge text. */
export function signChallenge(enterprise: Identity, c: SignInChallenge): string {
  return `v1.${Buffer.from(enterprise.sign(new TextEncoder().encode(challengeText(c)))).toString('hex')}`;
}

/** true when `response` is `v1.<hex>` and verifies over the challenge under `publicKey`. */
export function signInResponseValid(c: SignInChallenge, response: string, publicKey: Uint8Array): boolean {
  const m = RESPONSE.exec(response.trim());
  if (m === null) return false;
  return verifySignature(publicKey, new TextEncoder().encode(challengeText(c)), Buffer.from(m[1]!, 'hex'));
}
