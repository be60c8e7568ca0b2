/**
 * An in-process console for the fast tests (no browser, no party server): the real server,
 * router, sessions and pages, over plain HTTP on loopback (`--behind-proxy` mode) or HTTPS,
 * with a fake clock, and a tiny HTTP client that keeps cookies and sends any header (Origin,
 * Sec-Fetch-Site) a test needs. Pages that call the party's server get UNAVAILABLE from a
 * closed port: they render the error page, which is still a page to check.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { KindClients } from '../../console/clients.js';
import { startConsoleServer, type ConsoleServer } from '../../console/server.js';
import type { ConsoleOptions, HttpsMode } from '../../console/options.js';
import type { ConsoleKind, Route } from '../../console/http/router.js';
import { hashPassword, writeAccounts, type Account } from '../../console/security/accounts.js';
import { testFederation } from '../helpers/federation.js';

export const PASSWORD = 'correct horse battery staple';
const TLS_OF: Record<ConsoleKind, string> = { coordinator: 'coordinator-operator', node: 'tax-operator', bank: 'bank-a', auditor: 'auditor-1' };
const IDENTITY_OF: Record<ConsoleKind, { role: 'operator' | 'requester' | 'auditor'; name: string }> = {
  coordinator: { role: 'operator', name: 'coordinator' }, node: { role: 'operator', name: 'tax' }, bank: { role: 'requester', name: 'bank-a' }, auditor: { role: 'auditor', name: 'auditor-1' },
};

export const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-test-'));
let hashes: Promise<{ admin: string; viewer: string }> | undefined;

/** The accounts `admin` (admin), `viewer` (viewer) and `gone` (disabled), hashed once per test file. */
function accounts(): Promise<Account[]> {
  hashes ??= (async () => ({ admin: await hashPassword(PASSWORD), viewer: await hashPassword(PASSWORD) }))();
  return hashes.then((h) => [
    { name: 'admin', role: 'admin', hash: h.admin, created: '2026-12-05T00:00:00Z', disabled: false },
    { name: 'viewer', role: 'viewer', hash: h.viewer, created: '2026-12-05T00:00:00Z', disabled: false },
    { name: 'gone', role: 'admin', hash: h.admin, created: '2026-12-05T00:00:00Z', disabled: true },
  ]);
}

export interface TestConsole extends ConsoleServer {
  options: ConsoleOptions;
  clock: { now: number };
  lines: string[];
  client(): TestClient;
}

let counter = 0;

export async function startTestConsole(kind: ConsoleKind, opts: { portal?: boolean; routes?: readonly Route[]; https?: HttpsMode } = {}): Promise<TestConsole> {
  const fed = await testFederation(root);
  const dataDir = path.join(root, `console-${kind}-${++counter}`);
  fs.mkdirSync(dataDir, { mode: 0o700 });
  writeAccounts(dataDir, await accounts());
  const clock = { now: Date.parse('2026-12-05T08:00:00Z') };
  const options: ConsoleOptions = {
    kind, identity: IDENTITY_OF[kind], tlsDir: fed.folder(TLS_OF[kind]), target: '127.0.0.1:1', dataDir,
    publicOrigin: 'https://console.test', listenHost: '127.0.0.1', listenPort: 0, https: opts.https ?? { mode: 'proxy' },
    enterprisePortal: opts.portal ?? false, defaultLang: 'en', timeZone: 'Asia/Shanghai', printLink: false, maxUpload: 1024 * 1024,
  };
  const lines: string[] = [];
  const clients = new KindClients(kind, options.target, fed.as(TLS_OF[kind]));
  const server = await startConsoleServer(options, { clients, now: () => clock.now, log: (line) => lines.push(line), ...(opts.routes ? { routes: opts.routes } : {}) });
  const close = server.close;
  return {
    ...server, options, clock, lines,
    close: async () => { await close(); clients.close(); },
    client: () => new TestClient(server.url, options.publicOrigin),
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  cookies: string[];
}

/** A cookie-keeping HTTP(S) client; by default it sends the console's Origin on POST like a browser. */
export class TestClient {
  readonly jar = new Map<string, string>();
  ca?: Buffer;

  constructor(readonly base: string, readonly origin: string) {}

  async request(method: string, pathAndQuery: string, opts: { form?: Record<string, string>; headers?: Record<string, string>; origin?: string | null; body?: string } = {}): Promise<Reply> {
    const url = new URL(pathAndQuery, this.base);
    const body = opts.form ? new URLSearchParams(opts.form).toString() : opts.body;
    const headers: Record<string, string> = {
      ...(this.jar.size > 0 ? { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      ...(opts.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(method !== 'GET' && opts.origin !== null ? { origin: opts.origin ?? this.origin } : {}),
      ...opts.headers,
    };
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, { method, headers, ...(this.ca ? { ca: this.ca } : {}) }, (res) => {
        // A server-sent event stream does not end: its status and headers are the reply.
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '', cookies: [] });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
          for (const c of cookies) {
            const [pair = ''] = c.split(';');
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq);
            if (/Max-Age=0/i.test(c)) this.jar.delete(name); else this.jar.set(name, pair.slice(eq + 1));
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), cookies });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  get(p: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', p, headers ? { headers } : {});
  }

  /** The `_csrf` of the last page fetched from `p`. */
  async csrf(p = '/login'): Promise<string> {
    const page = await this.get(p);
    const m = /name="_csrf" value="([^"]+)"/.exec(page.body);
    if (!m) throw new Error(`no _csrf on ${p} (${page.status}): ${page.body.slice(0, 300)}`);
    return m[1]!;
  }

  async signIn(name: string, password = PASSWORD): Promise<Reply> {
    const token = await this.csrf('/login');
    return this.request('POST', '/login', { form: { _csrf: token, name, password, next: '/' } });
  }
}
