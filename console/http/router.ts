/**
 * Routes, the request context pages see, and the responses they return (docs/design/console.md
 * section 9). A route names the console kinds it exists in: the server mounts only the routes
 * of its own kind, so another kind's route is a 404, not a refusal. `access` is checked by the
 * server before `handle` runs (server.ts): `viewer` routes need a staff session, `admin`
 * routes an admin one, `enterprise` routes an enterprise session; staff and enterprise
 * sessions never open each other's routes. A GET never changes anything; POST and PUT pass
 * the CSRF checks (security/csrf.ts) before `handle`.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { Html } from './html.js';
import type { Session } from '../security/sessions.js';
import type { Translator } from '../i18n/translate.js';
import type { Formatter } from '../i18n/format.js';
import type { Lang, MessageKey } from '../i18n/catalogue.js';
import type { KindClients } from '../clients.js';
import type { ConsoleOptions } from '../options.js';
import type { Access, ConsoleKind } from '../kinds.js';

export { CONSOLE_KINDS, type Access, type ConsoleKind } from '../kinds.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** `/training/:job/events`: `:name` matches one path segment, given decoded in ctx.params. */
  path: string;
  kinds: readonly ConsoleKind[];
  access: Access;
  /** A GET route without parameters with `nav` set appears in the header menu, in registration order. */
  nav?: MessageKey;
  handle(ctx: RequestContext): Promise<Response>;
}

export interface RequestContext {
  kind: ConsoleKind;
  session: Session | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The urlencoded form of a POST (already read and CSRF-checked by the server; at most 1 MiB). */
  form(): Promise<URLSearchParams>;
  t: Translator;
  fmt: Formatter;
  clients: KindClients;
  /** The token forms send back as `_csrf` (the session's, or before sign-in the `__Host-fc-pre` cookie's). */
  csrfToken: string;
  lang: Lang;
  method: Route['method'];
  /** The path without query, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  /**
   * The request body as a stream, for uploads (PUT with live.js, or multipart through
   * http/forms.ts `multipart`): never buffered whole; it errors with TOO_LARGE past --max-upload.
   */
  body(): Readable;
  /** The raw request (busboy needs its headers and stream); prefer body(). */
  request: IncomingMessage;
  /** Aborted when the browser goes away (SSE, long calls). */
  signal: AbortSignal;
  /** The console's settings: data folder, public origin, portal, time zone, party identity. */
  options: ConsoleOptions;
  /** Signs a browser in (new session id, no fixation) and redirects to `location`. */
  startSession(who: { user: string; access: 'viewer' | 'admin' } | { subject: string; access: 'enterprise' }, location: string): Response;
  /** A structured log line of the console (JSON on stdout): never a password or a token. */
  log(event: string, fields?: Record<string, unknown>): void;
  /** The console's clock (tests replace it). */
  now(): number;
  /** The header menu for this session (routes with `nav`); layout.ts draws it. */
  nav: readonly { path: string; key: MessageKey }[];
}

export interface Response {
  status: number;
  headers?: Record<string, string | readonly string[]>;
  body?: string | Buffer | Html;
  /**
   * Writes the body itself after the head is sent (SSE, streamed downloads); `signal` aborts
   * when the browser goes away. The server ends the response when the promise settles.
   */
  stream?: (out: Writable, signal: AbortSignal) => Promise<void>;
}

export function redirect(location: string, status: 302 | 303 = 303): Response {
  return { status, headers: { location } };
}

/** A file to save: `filename` ASCII-safe; the body whole or streamed. */
export function download(filename: string, contentType: string, body: string | Buffer | ((out: Writable, signal: AbortSignal) => Promise<void>)): Response {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  const headers = { 'content-type': contentType, 'content-disposition': `attachment; filename="${safe}"` };
  return typeof body === 'function' ? { status: 200, headers, stream: body } : { status: 200, headers, body };
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export type Match = { route: Route; params: Record<string, string> } | { methods: string[] } | undefined;

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(readonly routes: readonly Route[]) {
    const seen = new Set<string>();
    for (const r of routes) {
      const id = `${r.method} ${r.path}`;
      if (seen.has(id)) throw new Error(`console route ${id} is registered twice`);
      seen.add(id);
    }
    this.compiled = routes.map((route) => compile(route));
  }

  /** The route for a request; `{ methods }` when the path exists for other methods only; undefined when no such path. */
  match(method: string, path: string): Match {
    const methods: string[] = [];
    for (const c of this.compiled) {
      const m = c.pattern.exec(path);
      if (!m) continue;
      if (c.route.method !== method) { methods.push(c.route.method); continue; }
      const params: Record<string, string> = {};
      try {
        c.names.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1] ?? ''); });
      } catch {
        return undefined; // a malformed %-escape: no such page
      }
      return { route: c.route, params };
    }
    return methods.length > 0 ? { methods } : undefined;
  }

  /** The header menu: GET routes with `nav`, for this access. */
  nav(access: Access | undefined): { path: string; key: MessageKey }[] {
    return this.routes
      .filter((r) => r.method === 'GET' && r.nav !== undefined && !r.path.includes(':') && access !== undefined && allows(r.access, access))
      .map((r) => ({ path: r.path, key: r.nav! }));
  }
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.split('/').map((segment) => {
    if (segment.startsWith(':')) { names.push(segment.slice(1)); return '([^/]+)'; }
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** Whether a session of `have` may open a route of `need` (public routes: anyone). */
export function allows(need: Access, have: Access): boolean {
  if (need === 'public') return true;
  if (need === 'enterprise') return have === 'enterprise';
  if (need === 'viewer') return have === 'viewer' || have === 'admin';
  return have === 'admin';
}
