/**
 * The console's generic security (docs/design/console.md sections 3 and 4, tested as section 8
 * asks, with a plain HTTP client): routes of another kind do not exist, a viewer cannot use an
 * admin route, staff and enterprise sessions never open each other's routes, every POST needs
 * the form token and the console's Origin, cookies are __Host-/Secure/HttpOnly/SameSite, every
 * response carries the headers of 3.6 and no page has inline script or style, the session id
 * changes at sign-in, idle sessions end, the login link works once, and repeated failures are
 * throttled. Every registered route of every kind is opened for a session of its access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { html } from '../../console/http/html.js';
import { CONSOLE_KINDS, redirect, type ConsoleKind, type Route } from '../../console/http/router.js';
import { page } from '../../console/pages/layout.js';
import { PAGE_ROUTES, isPortalRoute } from '../../console/pages/index.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../console/security/headers.js';
import { SESSION_COOKIE } from '../../console/security/cookies.js';
import { CSS_URL, LIVE_URL } from '../../console/static/assets.js';
import { consoleOptions } from '../../console/cli.js';
import { writeConsoleCertificate } from '../../lib/init-cli.js';
import { loadCertificateAuthority } from '../../lib/federation-ca.js';
import { PASSWORD, root, startTestConsole, TestClient, type Reply, type TestConsole } from './fixture.js';
import { testFederation } from '../helpers/federation.js';
import path from 'node:path';

/** Test-only routes, mounted with the real ones: an admin page and action in every kind, an enterprise page. */
const EXTRA: Route[] = [
  { method: 'GET', path: '/test/admin', kinds: CONSOLE_KINDS, access: 'admin', handle: async (ctx) => page(ctx, 'common.app', html`<p>admin only</p>`) },
  { method: 'POST', path: '/test/admin', kinds: CONSOLE_KINDS, access: 'admin', handle: async () => redirect('/?done=1') },
  { method: 'GET', path: '/test/evil', kinds: CONSOLE_KINDS, access: 'viewer', handle: async (ctx) => page(ctx, 'common.app', html`<p>${ctx.query.get('q') ?? ''}</p>`) },
];
const ROUTES = [...PAGE_ROUTES, ...EXTRA];

const consoles = new Map<ConsoleKind, TestConsole>();
let coordinator: TestConsole;

beforeAll(async () => {
  for (const kind of CONSOLE_KINDS) consoles.set(kind, await startTestConsole(kind, { portal: kind === 'coordinator' || kind === 'auditor', routes: ROUTES }));
  coordinator = consoles.get('coordinator')!;
}, 120_000);
afterAll(async () => {
  for (const c of consoles.values()) await c.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A client holding a fresh session of `access` (made in the store, as a sign-in would). */
function sessionClient(c: TestConsole, access: 'viewer' | 'admin' | 'enterprise'): { client: TestClient; csrf: string } {
  const { id, session } = access === 'enterprise' ? c.sessions.create({ subject: '91350100M000100Y43', access }) : c.sessions.create({ user: access, access });
  const client = c.client();
  client.jar.set(SESSION_COOKIE, id);
  return { client, csrf: session.csrf };
}

function expectSecurityHeaders(r: Reply, what: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(r.headers[name], `${name} on ${what}`).toBe(value);
  expect(r.headers['cache-control'], `cache-control on ${what}`).toBe(what.startsWith('GET /static/') ? 'public, max-age=31536000, immutable' : 'no-store');
}

function expectNoInlineCode(body: string, what: string): void {
  expect(body, `inline <script> in ${what}`).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(body, `style attribute in ${what}`).not.toMatch(/\sstyle\s*=/i);
  expect(body, `<style> element in ${what}`).not.toMatch(/<style[\s>]/i);
  expect(body, `event handler attribute in ${what}`).not.toMatch(/\son[a-z]+\s*=/i);
  expect(body, `javascript: URL in ${what}`).not.toMatch(/javascript:/i);
}

function pathOf(route: Route): string {
  return route.path.replace(/:([A-Za-z]+)/g, 'x1');
}

describe('every route of every kind', () => {
  it('answers with the security headers, the CSP and no inline script or style, for a session of its access', async () => {
    let checked = 0;
    for (const [kind, c] of consoles) {
      for (const route of c.router.routes.filter((r) => r.method === 'GET')) {
        const access = route.access === 'public' ? 'viewer' : route.access;
        for (const lang of ['en', 'zh-CN']) {
          const { client } = sessionClient(c, access);
          const r = await client.get(pathOf(route), { 'accept-language': lang });
          const what = `GET ${route.path} (${kind}, ${lang})`;
          expect(r.status, `${what}: no internal error`).not.toBe(500);
          expectSecurityHeaders(r, what);
          expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
          if ((r.headers['content-type'] ?? '').startsWith('text/html')) expectNoInlineCode(r.body, what);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  }, 120_000);

  it('static files are served with hashed names, immutable caching and the same headers', async () => {
    const client = coordinator.client();
    for (const url of [CSS_URL, LIVE_URL]) {
      const r = await client.get(url);
      expect(r.status).toBe(200);
      expectSecurityHeaders(r, `GET ${url}`);
      expect(url).toMatch(/^\/static\/(app|live)\.[0-9a-f]{8}\.(css|js)$/);
    }
    expect((await client.get('/static/app.00000000.css')).status).toBe(404);
  });

  it('refusals, redirects and error pages carry the headers too', async () => {
    const client = coordinator.client();
    for (const [method, p] of [['GET', '/'], ['GET', '/no/such/page'], ['POST', '/logout'], ['PUT', '/'], ['GET', '/login/link/nope']] as const) {
      const r = await client.request(method, p);
      expectSecurityHeaders(r, `${method} ${p} (${r.status})`);
      if (r.body.length > 0) expectNoInlineCode(r.body, `${method} ${p}`);
    }
  });

  it('escapes what a request puts in a page', async () => {
    const { client } = sessionClient(coordinator, 'viewer');
    const r = await client.get(`/test/evil?q=${encodeURIComponent('<script>alert(1)</script>"\'')}`);
    expect(r.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;');
    expect(r.body).not.toContain('<script>alert');
  });
});

describe('routes per kind and access', () => {
  it('a route of another kind does not exist (404), even for an admin', async () => {
    let checked = 0;
    for (const [kind, c] of consoles) {
      const { client } = sessionClient(c, 'admin');
      const own = c.router;
      for (const route of PAGE_ROUTES.filter((r) => !r.kinds.includes(kind) && r.method === 'GET')) {
        const p = pathOf(route);
        if (own.match('GET', p) !== undefined) continue; // the same path exists in this kind too
        const r = await client.get(p);
        expect(r.status, `${kind} console: GET ${route.path} of ${route.kinds.join('/')}`).toBe(404);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('the enterprise portal exists only with --enterprise-portal', async () => {
    const without = await startTestConsole('coordinator', { portal: false, routes: ROUTES });
    try {
      const { client } = sessionClient(without, 'enterprise');
      expect((await client.get('/e/')).status).toBe(404);
      expect(without.router.routes.some(isPortalRoute)).toBe(false);
    } finally {
      await without.close();
    }
  });

  it('a viewer gets 403 on an admin route, GET and POST; an admin passes', async () => {
    const viewer = sessionClient(coordinator, 'viewer');
    expect((await viewer.client.get('/test/admin')).status).toBe(403);
    expect((await viewer.client.request('POST', '/test/admin', { form: { _csrf: viewer.csrf } })).status).toBe(403);
    const admin = sessionClient(coordinator, 'admin');
    expect((await admin.client.get('/test/admin')).status).toBe(200);
    const done = await admin.client.request('POST', '/test/admin', { form: { _csrf: admin.csrf } });
    expect([done.status, done.headers.location]).toEqual([303, '/?done=1']);
  });

  it('staff sessions cannot open enterprise routes and enterprise sessions cannot open staff routes (403)', async () => {
    const staff = sessionClient(coordinator, 'admin');
    expect((await staff.client.get('/e/')).status).toBe(403);
    const enterprise = sessionClient(coordinator, 'enterprise');
    expect((await enterprise.client.get('/')).status).toBe(403);
    expect((await enterprise.client.get('/test/admin')).status).toBe(403);
    expect((await enterprise.client.get('/e/')).status).toBe(200);
  });

  it('without a session a staff page redirects to the sign-in page and an enterprise page to the portal\'s', async () => {
    const client = coordinator.client();
    const r = await client.get('/test/admin?x=1');
    expect([r.status, r.headers.location]).toEqual([303, `/login?next=${encodeURIComponent('/test/admin?x=1')}`]);
    const e = await client.get('/e/');
    expect([e.status, e.headers.location]).toEqual([303, '/e/sign-in']);
  });
});

describe('CSRF (3.5)', () => {
  it('refuses a POST without the token, with a wrong one, from a foreign Origin, or with neither Origin nor Sec-Fetch-Site', async () => {
    const { client, csrf } = sessionClient(coordinator, 'admin');
    const cases: [string, Parameters<TestClient['request']>[2]][] = [
      ['no token', { form: {} }],
      ['wrong token', { form: { _csrf: `${csrf.slice(0, -2)}AA` } }],
      ['foreign Origin', { form: { _csrf: csrf }, origin: 'https://evil.example' }],
      ['Origin of another port', { form: { _csrf: csrf }, origin: 'https://console.test:8443' }],
      ['no Origin, no Sec-Fetch-Site', { form: { _csrf: csrf }, origin: null }],
      ['no Origin, cross-site fetch', { form: { _csrf: csrf }, origin: null, headers: { 'sec-fetch-site': 'cross-site' } }],
      ['Origin null (sandboxed frame) without Sec-Fetch-Site', { form: { _csrf: csrf }, origin: 'null' }],
      ['Origin null, cross-site', { form: { _csrf: csrf }, origin: 'null', headers: { 'sec-fetch-site': 'cross-site' } }],
      ['the pre-session token instead of the session\'s', { form: { _csrf: 'A'.repeat(43) } }],
    ];
    for (const [what, opts] of cases) {
      const r = await client.request('POST', '/test/admin', opts);
      expect(r.status, what).toBe(403);
      expect(r.body, what).toContain('data-error-code="CSRF_REFUSED"');
    }
    expect(coordinator.lines.filter((l) => l.includes('"console_csrf_refused"')).length).toBeGreaterThanOrEqual(cases.length);
    // The same request with the token and the Origin passes; so does Sec-Fetch-Site: same-origin without an Origin, and the header form of the token.
    expect((await client.request('POST', '/test/admin', { form: { _csrf: csrf } })).status).toBe(303);
    expect((await client.request('POST', '/test/admin', { form: { _csrf: csrf }, origin: null, headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(303);
    // What Chromium sends for a form POST under Referrer-Policy: no-referrer.
    expect((await client.request('POST', '/test/admin', { form: { _csrf: csrf }, origin: 'null', headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(303);
    expect((await client.request('POST', '/test/admin', { body: '', headers: { 'x-csrf-token': csrf, 'content-type': 'application/octet-stream' } })).status).toBe(303);
  });

  it('the sign-in form needs the pre-session token of its own cookie (login CSRF)', async () => {
    const client = coordinator.client();
    const token = await client.csrf('/login');
    const other = coordinator.client();
    const r = await other.request('POST', '/login', { form: { _csrf: token, name: 'admin', password: 'x'.repeat(12) } });
    expect(r.status).toBe(403);
    expect(r.body).toContain('CSRF_REFUSED');
  });
});

describe('sign-in and sessions (3.1, 3.2, 3.4)', () => {
  it('sets __Host- cookies with Secure, HttpOnly, SameSite=Strict and a new session id at every sign-in', async () => {
    const client = coordinator.client();
    const pre = await client.get('/login');
    const preCookie = pre.cookies.find((c) => c.startsWith('__Host-fc-pre='))!;
    expect(preCookie).toMatch(/; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
    const first = await client.signIn('viewer');
    expect(first.status, first.body.slice(0, 500)).toBe(303);
    const cookie = first.cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/^__Host-fc-session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toMatch(/Domain=/i);
    const firstId = client.jar.get(SESSION_COOKIE)!;
    // Signing in again (another account) from the same browser: a new id; the old one is dead.
    const second = await client.request('POST', '/login', { form: { _csrf: await client.csrf('/'), name: 'admin', password: PASSWORD, next: '/' } });
    expect(second.status).toBe(303);
    const secondId = client.jar.get(SESSION_COOKIE)!;
    expect(secondId).not.toBe(firstId);
    const old = coordinator.client();
    old.jar.set(SESSION_COOKIE, firstId);
    expect((await old.get('/')).status).toBe(303);
    // The language cookie.
    const lang = await client.request('POST', '/lang', { form: { _csrf: await client.csrf('/'), lang: 'zh-CN', back: '/' } });
    expect(lang.cookies.find((c) => c.startsWith('__Host-fc-lang='))).toBe('__Host-fc-lang=zh-CN; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=31536000');
    expect(coordinator.lines.some((l) => l.includes('"console_sign_in"') && l.includes('"outcome":"ok"') && !l.includes('password'))).toBe(true);
  }, 60_000);

  it('refuses a wrong password, an unknown name and a disabled account alike (401), and signs out', async () => {
    const client = coordinator.client();
    for (const [name, password] of [['admin', 'wrong password here'], ['nobody', 'wrong password here'], ['gone', undefined]] as const) {
      const r = await client.signIn(name, password);
      expect(r.status, name).toBe(401);
      expect(r.body).toContain('data-login-error');
    }
    const ok = await client.signIn('admin');
    expect(ok.status).toBe(303);
    const out = await client.request('POST', '/logout', { form: { _csrf: await client.csrf('/') } });
    expect([out.status, out.headers.location]).toEqual([303, '/login']);
    expect((await client.get('/')).status).toBe(303);
  }, 60_000);

  it('ends a staff session after 30 minutes idle and after 12 hours in any case (fake clock)', async () => {
    const c = await startTestConsole('node', { routes: ROUTES });
    try {
      // The node's dashboard answers 502 here (no node behind this console): what matters is
      // that the session still holds (no redirect to the sign-in page).
      const alive = (status: number) => status !== 303 && status !== 401 && status !== 403;
      const { client } = sessionClient(c, 'viewer');
      c.clock.now += 29 * 60_000;
      expect(alive((await client.get('/')).status)).toBe(true);
      c.clock.now += 29 * 60_000;
      expect(alive((await client.get('/')).status)).toBe(true);
      c.clock.now += 31 * 60_000;
      const r = await client.get('/');
      expect([r.status, r.headers.location]).toEqual([303, '/login?next=%2F']);
      const busy = sessionClient(c, 'viewer');
      for (let h = 0; h < 12 * 4; h++) {
        c.clock.now += 15 * 60_000;
        const s = await busy.client.get('/');
        expect(h + 1 < 48 ? alive(s.status) : s.status === 303, `after ${(h + 1) * 15} minutes: ${s.status}`).toBe(true);
      }
      const enterprise = sessionClient(c, 'enterprise');
      c.clock.now += 16 * 60_000;
      expect(c.sessions.get(enterprise.client.jar.get(SESSION_COOKIE))).toBeUndefined();
    } finally {
      await c.close();
    }
  });

  it('a login link signs in once, as admin, for 15 minutes', async () => {
    const token = coordinator.links.issue();
    const client = coordinator.client();
    const r = await client.get(`/login/link/${token}`);
    expect([r.status, r.headers.location]).toEqual([303, '/?welcome=link']);
    const dash = await client.get('/?welcome=link');
    expect(dash.status).toBe(200);
    expect(dash.body).toContain('data-welcome');
    expect((await client.get('/test/admin')).status).toBe(200);
    const again = coordinator.client();
    expect((await again.get(`/login/link/${token}`)).status).toBe(403);
    expect(again.jar.has(SESSION_COOKIE)).toBe(false);
    const late = coordinator.links.issue();
    coordinator.clock.now += 16 * 60_000;
    expect((await coordinator.client().get(`/login/link/${late}`)).status).toBe(403);
  });

  it('throttles a name after 5 failures in 15 minutes: 429 with Retry-After, then one attempt a minute', async () => {
    const c = await startTestConsole('bank', { routes: ROUTES });
    try {
      const client = c.client();
      for (let i = 0; i < 5; i++) expect((await client.signIn('admin', `wrong password ${i}`)).status).toBe(401);
      const refused = await client.signIn('admin');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another address trying the same name is refused too (per name), even with the right password.
      expect((await c.client().signIn('admin')).status).toBe(429);
      c.clock.now += 61_000;
      expect((await client.signIn('admin', 'wrong again wrong')).status).toBe(401);
      expect((await client.signIn('admin')).status).toBe(429);
      c.clock.now += 61_000;
      expect((await client.signIn('admin')).status).toBe(303);
      expect(c.lines.some((l) => l.includes('"outcome":"throttled"'))).toBe(true);
    } finally {
      await c.close();
    }
  }, 120_000);
});

describe('HTTPS modes (3.7)', () => {
  it('serves HTTPS with the certificate of `init --consoles` (TLS 1.2 at least) and refuses plain-HTTP mode off loopback', async () => {
    const fed = await testFederation(root);
    const caDir = path.join(fed.dir, 'ca');
    const ca = await loadCertificateAuthority(fs.readFileSync(path.join(caDir, 'ca.crt'), 'utf8'), fs.readFileSync(path.join(caDir, 'ca.key'), 'utf8'));
    const certOut = path.join(root, 'https-cert');
    fs.mkdirSync(certOut);
    const { dir, spki } = await writeConsoleCertificate(certOut, ca, ['localhost']);
    expect(spki).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const c = await startTestConsole('auditor', { https: { mode: 'cert', cert: path.join(dir, 'https.crt'), key: path.join(dir, 'https.key') } });
    try {
      expect(c.url).toMatch(/^https:/);
      const client = new TestClient(c.url.replace('127.0.0.1', 'localhost'), c.options.publicOrigin);
      client.ca = fs.readFileSync(path.join(caDir, 'ca.crt'));
      const r = await client.get('/login');
      expect(r.status).toBe(200);
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
    } finally {
      await c.close();
    }
    const base = { tls: fed.folder('auditor-1'), target: '127.0.0.1:1', data: path.join(root, 'opts'), defaultLang: 'en', timeZone: 'UTC', maxUpload: 1 };
    expect(() => consoleOptions({ ...base, listen: '0.0.0.0:7443', behindProxy: true })).toThrow(/loopback/);
    expect(() => consoleOptions({ ...base, listen: '127.0.0.1:7443' })).toThrow(/exactly one HTTPS mode/);
    expect(() => consoleOptions({ ...base, listen: '127.0.0.1:7443', behindProxy: true, httpsPartyCert: fed.folder('coordinator') })).toThrow(/exactly one HTTPS mode/);
    expect(() => consoleOptions({ ...base, listen: '127.0.0.1:7443', httpsPartyCert: fed.folder('bank-a') })).toThrow(/client certificate/);
    expect(() => consoleOptions({ ...base, listen: '127.0.0.1:7443', behindProxy: true, publicOrigin: 'https://x.example/' })).toThrow(/exactly https/);
    expect(() => consoleOptions({ ...base, tls: fed.folder('coordinator'), listen: '127.0.0.1:7443', behindProxy: true })).toThrow(/client certificate/);
    expect(consoleOptions({ ...base, listen: '127.0.0.1:7443', httpsPartyCert: fed.folder('coordinator') }).options.https).toEqual({ mode: 'party', dir: fed.folder('coordinator') });
  }, 60_000);
});
