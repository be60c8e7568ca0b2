/**
 * The console's HTTP(S) server (docs/design/console.md sections 2 and 3): one request goes
 * static file -> session -> language -> route of this kind -> access check -> CSRF check ->
 * handler -> response with the security headers of 3.6. Failures become error pages with a
 * stable code; a PERMISSION_DENIED from the party is a 403 page, never a crash.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { FedcreditError } from '../lib/errors.js';
import { Html } from './http/html.js';
import { ConsoleError, httpStatusOf } from './http/errors.js';
import { isMultipart, isUrlEncoded, limitedBody, readForm } from './http/forms.js';
import { allows, Router, type Access, type RequestContext, type Response, type Route } from './http/router.js';
import { negotiateLang } from './i18n/negotiate.js';
import { translator } from './i18n/translate.js';
import { formatter } from './i18n/format.js';
import { securityHeaders } from './security/headers.js';
import { LANG_COOKIE, PRE_COOKIE, SESSION_COOKIE, parseCookies, preCookie, sessionCookie } from './security/cookies.js';
import { checkOrigin, checkToken } from './security/csrf.js';
import { randomToken, SessionStore, type Session } from './security/sessions.js';
import { AccountStore } from './security/accounts.js';
import { SignInThrottle } from './security/throttle.js';
import { LoginLinks } from './security/login-link.js';
import { staticAsset } from './static/assets.js';
import { authRoutes } from './pages/auth.js';
import { errorPage } from './pages/layout.js';
import { isPortalRoute, PAGE_ROUTES } from './pages/index.js';
import type { KindClients } from './clients.js';
import type { ConsoleOptions } from './options.js';

export interface ConsoleDeps {
  clients: KindClients;
  /** The clock of sessions, links and throttling (tests pass a fake one). */
  now?: () => number;
  /** Page routes (default: every owner's, pages/index.ts). */
  routes?: readonly Route[];
  /** Where log lines go (default: stdout, one JSON object a line). */
  log?: (line: string) => void;
}

export interface ConsoleServer {
  server: http.Server;
  /** The URL it listens on (its own address; browsers use --public-origin). */
  url: string;
  router: Router;
  sessions: SessionStore;
  links: LoginLinks;
  close(): Promise<void>;
}

const PRE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The routes a console of these options mounts: its kind's, the portal's only with --enterprise-portal, plus sign-in. */
export function mountedRoutes(options: ConsoleOptions, pageRoutes: readonly Route[], auth: readonly Route[]): Route[] {
  return [...auth, ...pageRoutes].filter((r) => r.kinds.includes(options.kind) && (options.enterprisePortal || !isPortalRoute(r)));
}

export async function startConsoleServer(options: ConsoleOptions, deps: ConsoleDeps): Promise<ConsoleServer> {
  const now = deps.now ?? Date.now;
  const writeLog = deps.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (event: string, fields: Record<string, unknown> = {}) => writeLog(JSON.stringify({ time: new Date(now()).toISOString(), event, ...fields }));
  const sessions = new SessionStore(now);
  const accounts = new AccountStore(options.dataDir);
  const throttle = new SignInThrottle(now);
  const links = new LoginLinks(now);
  void accounts.warmUp();
  const proxied = options.https.mode === 'proxy';
  const clientAddress = (ctx: RequestContext): string => {
    const remote = ctx.request.socket.remoteAddress ?? '?';
    const forwarded = ctx.headers['x-forwarded-for'];
    // X-Forwarded-For is believed only from the local proxy, and only its last hop (the proxy's own view).
    if (proxied && (remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1') && typeof forwarded === 'string') {
      return forwarded.split(',').pop()!.trim() || remote;
    }
    return remote;
  };
  const auth = authRoutes({ accounts, throttle, links, clientAddress, endSession: (ctx) => { if (ctx.session) sessions.delete(ctx.session); } });
  const router = new Router(mountedRoutes(options, deps.routes ?? PAGE_ROUTES, auth));

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      log('console_internal_error', { path: req.url?.slice(0, 200), error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) {
        res.writeHead(500, { ...securityHeaders(false), 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error: see the console log');
      } else res.destroy();
    });
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname.startsWith('/static/')) {
      const asset = staticAsset(url.pathname.slice('/static/'.length));
      if (asset) {
        res.writeHead(200, { ...securityHeaders(true), 'content-type': asset.contentType, 'content-length': asset.body.length });
        res.end(asset.body);
        return;
      }
    }
    const cookies = parseCookies(req.headers.cookie);
    const session = sessions.get(cookies.get(SESSION_COOKIE));
    const setCookies: string[] = [];
    let pre = cookies.get(PRE_COOKIE);
    if (!session && (!pre || !PRE_TOKEN.test(pre))) {
      pre = randomToken();
      setCookies.push(preCookie(pre));
    }
    const lang = session?.lang ?? negotiateLang(cookies.get(LANG_COOKIE), req.headers['accept-language'], options.defaultLang);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let form: URLSearchParams | undefined;
    const ctx: RequestContext = {
      kind: options.kind, session, params: {}, query: url.searchParams,
      form: async () => form ?? new URLSearchParams(),
      t: translator(lang), fmt: formatter(lang, options.timeZone), clients: deps.clients,
      csrfToken: session?.csrf ?? pre ?? '', lang,
      method: (method === 'POST' || method === 'PUT' ? method : 'GET'), path: url.pathname, headers: req.headers,
      body: () => limitedBody(req, options.maxUpload), request: req, signal: abort.signal, options,
      startSession: (who, location) => {
        if (session) sessions.delete(session);
        const started = sessions.create(who);
        return { status: 303, headers: { location, 'set-cookie': [sessionCookie(started.id)] } };
      },
      log, now, nav: router.nav(session?.access),
    };
    const respond = (response: Response) => send(res, response, setCookies, abort.signal);
    const fail = (status: number, code: string, message: string) => respond(errorPage(ctx, status, code, message));

    const match = router.match(method, url.pathname);
    if (match === undefined) return fail(404, 'NOT_FOUND', ctx.t('error.notFound'));
    if ('methods' in match) {
      const response = errorPage(ctx, 405, 'METHOD_NOT_ALLOWED', `${method} ${url.pathname}`);
      return respond({ ...response, headers: { ...response.headers, allow: match.methods.join(', ') } });
    }
    const { route, params } = match;
    ctx.params = params;
    const refusal = accessRefusal(route.access, session);
    if (refusal === 'sign-in') {
      if (method !== 'GET') return fail(401, 'FORBIDDEN', ctx.t('login.expired'));
      const portal = route.access === 'enterprise';
      const next = url.pathname + url.search;
      return respond({ status: 303, headers: { location: portal ? '/e/sign-in' : `/login?next=${encodeURIComponent(next)}` } });
    }
    if (refusal === 'forbidden') {
      log('console_forbidden', { path: url.pathname, user: session?.user, access: session?.access, need: route.access });
      return fail(403, 'FORBIDDEN', ctx.t('error.forbidden'));
    }
    if (method === 'POST' || method === 'PUT') {
      try {
        if (isUrlEncoded(req)) form = await readForm(req);
      } catch (err) {
        if (err instanceof ConsoleError) return fail(err.httpStatus, err.code, err.message);
        throw err;
      }
      const header = req.headers['x-csrf-token'];
      const given = typeof header === 'string' ? header : form?.get('_csrf') ?? (isMultipart(req) ? url.searchParams.get('_csrf') : null) ?? undefined;
      const why = checkOrigin(req.headers, options.publicOrigin) ?? checkToken(given, session?.csrf ?? pre);
      if (why) {
        log('console_csrf_refused', { path: url.pathname, reason: why, origin: req.headers.origin, user: session?.user });
        req.resume();
        return fail(403, 'CSRF_REFUSED', ctx.t('error.csrf'));
      }
    }
    let response: Response;
    try {
      response = await route.handle(ctx);
    } catch (err) {
      if (err instanceof ConsoleError) return fail(err.httpStatus, err.code, err.message);
      if (err instanceof FedcreditError) {
        log('console_call_failed', { path: url.pathname, code: err.code, message: err.message });
        return fail(httpStatusOf(err), err.code, err.message);
      }
      throw err;
    }
    return respond(response);
  }

  const server = options.https.mode === 'proxy'
    ? http.createServer(handler)
    : https.createServer({ ...httpsMaterial(options), minVersion: 'TLSv1.2' }, handler);
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // uploads and SSE run long; idle sockets still time out (keepAliveTimeout)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort, options.listenHost, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server, router, sessions, links,
    url: `${options.https.mode === 'proxy' ? 'http' : 'https'}://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function httpsMaterial(options: ConsoleOptions): { cert: Buffer; key: Buffer } {
  const { https: mode } = options;
  if (mode.mode === 'cert') return { cert: fs.readFileSync(mode.cert), key: fs.readFileSync(mode.key) };
  if (mode.mode === 'party') return { cert: fs.readFileSync(`${mode.dir}/tls.crt`), key: fs.readFileSync(`${mode.dir}/tls.key`) };
  throw new Error('behind-proxy mode has no certificate');
}

function accessRefusal(need: Access, session: Session | undefined): 'sign-in' | 'forbidden' | undefined {
  if (need === 'public') return undefined;
  if (!session) return 'sign-in';
  return allows(need, session.access) ? undefined : 'forbidden';
}

async function send(res: http.ServerResponse, response: Response, setCookies: readonly string[], signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = { ...securityHeaders(false) };
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = typeof value === 'string' ? value : [...value];
  const cookies = [...setCookies, ...(typeof headers['set-cookie'] === 'string' ? [headers['set-cookie']] : headers['set-cookie'] ?? [])];
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (response.stream) {
    res.writeHead(response.status, headers);
    res.flushHeaders();
    try {
      await response.stream(res, signal);
    } finally {
      if (!res.writableEnded) res.end();
    }
    return;
  }
  const body = response.body instanceof Html ? Buffer.from(response.body.value, 'utf8') : typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body ?? Buffer.alloc(0);
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
