/**
 * Cross-site request forgery defence (3.5): every POST and PUT needs (a) the session's token
 * (before sign-in: the `__Host-fc-pre` cookie's) as the form field `_csrf`, the header
 * `x-csrf-token` (live.js), or for a streamed multipart upload the query `_csrf`, compared in
 * constant time; and (b) an Origin equal to the console's --public-origin, or when the browser
 * sends no Origin, `Sec-Fetch-Site: same-origin`. SameSite=Strict cookies are a third layer.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type CsrfRefusal = 'token-missing' | 'token-wrong' | 'origin-missing' | 'origin-foreign';

export function tokensEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined || given.length === 0 || expected.length === 0) return false;
  // Hash both so lengths match and the comparison time says nothing about the token.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The Origin check alone: undefined when the request comes from the console's own pages. */
export function checkOrigin(headers: IncomingHttpHeaders, publicOrigin: string): CsrfRefusal | undefined {
  const origin = headers.origin;
  if (typeof origin === 'string' && origin.length > 0) return origin === publicOrigin ? undefined : 'origin-foreign';
  return headers['sec-fetch-site'] === 'same-origin' ? undefined : 'origin-missing';
}

export function checkToken(given: string | undefined, expected: string | undefined): CsrfRefusal | undefined {
  if (given === undefined || given.length === 0) return 'token-missing';
  return expected !== undefined && tokensEqual(given, expected) ? undefined : 'token-wrong';
}
