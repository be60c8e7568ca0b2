/**
 * Helpers for caudit's plain-HTTP console tests: start `fedcredit console serve` (behind-proxy
 * mode: plain HTTP on loopback, so no browser and no TLS client is needed), a cookie-keeping
 * HTTP client that sends the console's Origin on POSTs and `_csrf` from the page it came from,
 * and the enterprise's sign-in through the portal's challenge.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { cliPath, partyNodeFlags } from '../../lib/spawn-party.js';
import { freePort } from '../../lib/party-processes.js';
import { parseChallengeToken, signChallenge } from '../../consent/sign-in.js';
import type { Identity } from '../../crypto/identity.js';

export interface RunningConsole {
  origin: string;
  base: string;
  child: ChildProcess;
  lines: string[];
  stop(): Promise<void>;
}

export async function startConsole(args: { tls: string; target: string; data: string; extra?: string[]; https?: string[] }): Promise<RunningConsole> {
  fs.mkdirSync(args.data, { recursive: true, mode: 0o700 });
  fs.chmodSync(args.data, 0o700);
  const port = await freePort();
  const origin = `https://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...partyNodeFlags(), cliPath(), 'console', 'serve', '--tls', args.tls, '--target', args.target, '--data', args.data,
    '--listen', `127.0.0.1:${port}`, ...(args.https ?? ['--behind-proxy']), '--public-origin', origin, ...(args.extra ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  readline.createInterface({ input: child.stderr! }).on('line', (l) => lines.push(l));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`console did not start in 30 s:\n${lines.join('\n')}`)), 30_000);
    readline.createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(l);
      if (l.includes('"console_started"')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`console exited (${code}):\n${lines.join('\n')}`)); });
  });
  return {
    origin, base: `${args.https ? 'https' : 'http'}://127.0.0.1:${port}`, child, lines,
    stop: async () => { child.kill('SIGTERM'); await exited; },
  };
}

export interface Fetched {
  status: number;
  text: string;
  headers: Headers;
}

/** A browser-like client: keeps cookies, sends Origin on POSTs. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly console: RunningConsole) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Fetched> {
    const headers: Record<string, string> = { 'x-forwarded-proto': 'https', 'accept-language': 'en' };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method === 'POST') {
      headers['origin'] = this.console.origin;
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.console.base}${path}`, { method, headers, redirect: 'manual', ...(form ? { body: new URLSearchParams(form).toString() } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    // ignoreBOM: keep a CSV's byte order mark, as a spreadsheet sees it.
    return { status: res.status, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer()), headers: res.headers };
  }

  get(path: string): Promise<Fetched> {
    return this.request('GET', path);
  }

  /** POSTs a form with the `_csrf` found in `fromPage`. */
  post(path: string, fromPage: string, form: Record<string, string>): Promise<Fetched> {
    return this.request('POST', path, { _csrf: csrfOf(fromPage), ...form });
  }
}

export function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error(`no _csrf field in the page:\n${page.slice(0, 2000)}`);
  return m[1]!;
}

/** Signs in to the portal as the enterprise whose bound key is `key`; returns the client. */
export async function enterpriseSignIn(c: Client, subject: string, key: Identity): Promise<void> {
  const form = await c.get('/e/sign-in');
  if (form.status !== 200) throw new Error(`GET /e/sign-in: ${form.status}\n${form.text.slice(0, 1000)}`);
  const challenge = await c.post('/e/challenge', form.text, { subject });
  const token = /name="token" value="([^"]+)"/.exec(challenge.text)?.[1];
  if (!token) throw new Error(`no challenge token (${challenge.status}):\n${challenge.text.slice(0, 2000)}`);
  const parsed = parseChallengeToken(token);
  if (!parsed.ok) throw new Error(parsed.message);
  const done = await c.post('/e/sign-in', challenge.text, { token, response: signChallenge(key, parsed.challenge) });
  if (done.status !== 303 || done.headers.get('location') !== '/e/') throw new Error(`sign-in as ${subject} refused (${done.status}):\n${done.text.slice(0, 2000)}`);
}
