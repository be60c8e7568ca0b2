/**
 * The single-use sign-in link (3.2): a 256-bit random token printed on the console's own
 * stdout at start, kept only as its SHA-256, valid 15 minutes, used once, giving an admin
 * session. It creates the first account's way in and serves the demo.
 */
import { hashId, randomToken } from './sessions.js';
import { tokensEqual } from './csrf.js';

export const LINK_VALID_MS = 15 * 60_000;
export const LINK_USER = '(login link)';

export class LoginLinks {
  private readonly pending = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new token (the caller prints `/login/link/<token>`); only its hash is kept. */
  issue(): string {
    const token = randomToken();
    this.pending.set(hashId(token), this.now() + LINK_VALID_MS);
    return token;
  }

  /** Whether the token is valid; it is spent either way (a second use fails). */
  redeem(token: string): boolean {
    if (token.length > 100) return false;
    const key = hashId(token);
    for (const [k, expires] of this.pending) {
      if (tokensEqual(k, key)) {
        this.pending.delete(k);
        return expires > this.now();
      }
    }
    return false;
  }
}
