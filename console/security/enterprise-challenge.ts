/**
 * The enterprise's sign-in to the portal (docs/design/console.md 3.3): the enterprise has no
 * certificate and no account; it proves it holds the Ed25519 key the registrar bound to its
 * credit code by signing a one-time challenge with `fedcredit consent sign-in` on its own
 * computer (consent/sign-in.ts holds the text and the signature check).
 *
 * Here: the pending challenges (in memory; a restart forgets them, the enterprise asks again),
 * each used once (deleted at the first answer, right or wrong, so a nonce cannot be tried
 * twice), valid 5 minutes, at most 10,000 pending, at most 10 new per client address a minute;
 * and the check of the answer: the nonce is pending and unexpired, the token is the one this
 * console issued for that nonce, its origin is this console's --public-origin, and the
 * signature verifies under the key of the NEWEST `enterprise-key-registration` of the subject
 * (from the verified, cosigned log: log/subject-index.ts bindingsOf) whose registrar is trusted
 * and whose registrar signature verifies (consent/binding.ts). A key the registrar bound before
 * a rebinding no longer signs in: the rebinding is the remedy for a leaked key.
 */
import crypto from 'node:crypto';
import { challengeToken, parseChallengeToken, signInResponseValid, type SignInChallenge } from '../../consent/sign-in.js';
import { keyBindingFromEntry, keyBindingProblem } from '../../consent/binding.js';
import type { LogEntry } from '../../log/entries.js';
import { subjectProblem } from '../../schema/subject.js';
import type { ErrorCode } from '../../lib/errors.js';

export const CHALLENGE_TTL_MS = 5 * 60_000;
export const MAX_PENDING = 10_000;
export const PER_ADDRESS_PER_MINUTE = 10;

/** The subject's enterprise-key-registration entries from the verified log, newest first. */
export type BindingSource = (subject: string) => Promise<readonly { readonly index: number; readonly kind: string; readonly body: LogEntry['body'] }[]>;

export interface EnterpriseChallengeOptions {
  /** This console's --public-origin, exactly as browsers send it in `Origin`. */
  readonly origin: string;
  /** Hex Ed25519 keys of the registrars this federation trusts (--trusted-registrars). */
  readonly trustedRegistrars: readonly string[];
  readonly bindings: BindingSource;
  readonly now?: () => number;
}

export type ChallengeRefusal = { readonly ok: false; readonly code: ErrorCode; readonly message: string };
export type Created = { readonly ok: true; readonly token: string; readonly challenge: SignInChallenge } | ChallengeRefusal;
export type Verified = { readonly ok: true; readonly subject: string; readonly bindingIndex: number } | ChallengeRefusal;

export class EnterpriseChallenges {
  readonly #opts: EnterpriseChallengeOptions;
  readonly #now: () => number;
  /** nonce -> the challenge issued (Map keeps insertion order: oldest first). */
  readonly #pending = new Map<string, { challenge: SignInChallenge; token: string }>();
  /** address -> times of challenges created in the last minute. */
  readonly #perAddress = new Map<string, number[]>();

  constructor(opts: EnterpriseChallengeOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  get pending(): number {
    this.#expire();
    return this.#pending.size;
  }

  create(subject: string, address: string): Created {
    const problem = subjectProblem(subject);
    if (problem !== undefined) return refuse('BAD_REQUEST', `'${subject.slice(0, 30)}' is not a credit code: ${problem}`);
    const now = this.#now();
    this.#expire();
    const recent = (this.#perAddress.get(address) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= PER_ADDRESS_PER_MINUTE) return refuse('RATE_LIMITED', `more than ${PER_ADDRESS_PER_MINUTE} sign-in challenges from this address in a minute; wait a minute`);
    if (this.#pending.size >= MAX_PENDING) return refuse('OVERLOADED', `${MAX_PENDING} sign-in challenges are pending; try again in a few minutes`);
    recent.push(now);
    this.#perAddress.set(address, recent);
    const challenge: SignInChallenge = { origin: this.#opts.origin, subject, nonce: crypto.randomBytes(32).toString('hex'), expires: now + CHALLENGE_TTL_MS };
    const token = challengeToken(challenge);
    this.#pending.set(challenge.nonce, { challenge, token });
    return { ok: true, token, challenge };
  }

  /** Checks an answer; the challenge is used up whatever the outcome. */
  async verify(token: string, response: string): Promise<Verified> {
    const parsed = parseChallengeToken(token);
    if (!parsed.ok) return refuse('BAD_REQUEST', parsed.message);
    this.#expire();
    const issued = this.#pending.get(parsed.challenge.nonce);
    this.#pending.delete(parsed.challenge.nonce);
    if (issued === undefined || issued.token !== token.trim()) {
      return refuse('STALE_REQUEST', 'this challenge is not pending here: it expired, was already answered, or another console issued it; ask for a new one');
    }
    const c = issued.challenge;
    if (c.expires <= this.#now()) return refuse('STALE_REQUEST', 'the challenge expired; ask for a new one');
    if (c.origin !== this.#opts.origin) return refuse('IDENTITY_MISMATCH', `the challenge is for ${c.origin}, not this console (${this.#opts.origin})`);
    const key = await this.#boundKey(c.subject);
    if (!key.ok) return key;
    if (!signInResponseValid(c, response, key.publicKey)) {
      return refuse('BAD_SIGNATURE', `the response is not a signature by the key registered for ${c.subject} (entry ${key.index}); sign with that enterprise.key: fedcredit consent sign-in --key enterprise.key --challenge TOKEN`);
    }
    return { ok: true, subject: c.subject, bindingIndex: key.index };
  }

  async #boundKey(subject: string): Promise<{ ok: true; publicKey: Uint8Array; index: number } | ChallengeRefusal> {
    return newestBoundKey(await this.#opts.bindings(subject), subject, this.#opts.trustedRegistrars);
  }

  #expire(): void {
    const now = this.#now();
    for (const [nonce, p] of this.#pending) {
      if (p.challenge.expires > now) break;
      this.#pending.delete(nonce);
    }
    if (this.#perAddress.size > MAX_PENDING) {
      for (const [address, times] of this.#perAddress) if (!times.some((t) => t > now - 60_000)) this.#perAddress.delete(address);
    }
  }
}

/**
 * The key of the newest binding of `subject` among `entries` (newest first) whose registrar is
 * trusted and whose signature verifies: the key that signs in, and that a revocation submitted
 * through the portal must be signed by.
 */
export function newestBoundKey(entries: Awaited<ReturnType<BindingSource>>, subject: string, trustedRegistrars: readonly string[]): { ok: true; publicKey: Uint8Array; index: number } | ChallengeRefusal {
  for (const e of entries) {
    if (e.kind !== 'enterprise-key-registration') continue;
    const binding = keyBindingFromEntry({ v: 1, kind: e.kind, body: e.body });
    if (!binding.ok || binding.value.subject !== subject) continue;
    if (keyBindingProblem(binding.value, trustedRegistrars) !== undefined) continue;
    return { ok: true, publicKey: new Uint8Array(Buffer.from(binding.value.enterpriseKey, 'hex')), index: e.index };
  }
  return refuse('CONSENT_KEY_NOT_BOUND', `the log holds no key binding for ${subject} by a registrar this federation trusts; ask the registrar to bind the enterprise's key (fedcredit registrar bind) and submit it`);
}

function refuse(code: ErrorCode, message: string): ChallengeRefusal {
  return { ok: false, code, message };
}
