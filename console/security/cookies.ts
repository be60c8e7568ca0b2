/**
 * The console's cookies (3.4), all `__Host-` (no Domain, Secure, Path=/: no other host or
 * path can set or shadow them): the session id (Strict), the language (Lax, a year) and the
 * pre-session form token of the sign-in forms (login CSRF, Strict).
 */
export const SESSION_COOKIE = '__Host-fc-session';
export const LANG_COOKIE = '__Host-fc-lang';
export const PRE_COOKIE = '__Host-fc-pre';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // The first of two same-named cookies wins; a browser sends the most specific first.
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; Secure; HttpOnly; SameSite=Strict`;
}

export function clearSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
}

export function langCookie(lang: string): string {
  return `${LANG_COOKIE}=${lang}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=31536000`;
}

export function preCookie(token: string): string {
  return `${PRE_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Strict`;
}
