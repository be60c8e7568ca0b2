/**
 * The headers of every console response (docs/design/console.md 3.6): a CSP that allows no
 * inline script or style and no other origin, no framing, no sniffing, no referrer, and
 * `no-store` on everything but the hashed static files. HSTS in every mode (the console is
 * only ever reached over HTTPS; behind a proxy the proxy terminates TLS).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'strict-transport-security': 'max-age=31536000',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** The headers for a response: the security set, plus `no-store` unless it is a hashed static file. */
export function securityHeaders(immutable: boolean): Record<string, string> {
  return { ...SECURITY_HEADERS, 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-store' };
}
