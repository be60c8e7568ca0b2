/**
 * The browser harness of the web console (docs/design/console.md section 8; console-common
 * task split): one federation of real processes per test file, with the four demo consoles,
 * driven by Debian's Chromium through playwright-core (no browser download).
 *
 * The federation is `fedcredit demo --console` itself (bin/console-demo.ts): coordinator and
 * tax, power, bank nodes as processes over mutual TLS, sites ingested, an alignment, an LR
 * model and a scorecard trained, an enterprise with a registered key and a consent, a scored
 * query with its receipt, two refusals and a revocation, an audited log. It then keeps running
 * with four consoles over HTTPS (the demo's console certificate, `init --consoles localhost`),
 * whose SPKI Chromium pins: real TLS, nothing else accepted.
 *
 *   const fed = await startConsoleFederation();            // ~1-3 minutes on a loaded machine
 *   const browser = await launchBrowser(fed);
 *   const page = await signIn(browser, fed, 'coordinator', 'admin', 'zh-CN');
 *   await page.goto(fed.url('coordinator', '/training'));
 *   await shot(page, 'coordinator-admin', 'training', 'zh-CN');   // test-output/screenshots/...
 *   await fed.stop();
 *
 * Browser tests call `browserOrSkip()` at the top: without Chromium they are skipped with a
 * message naming the apt command, and they fail when CI is set (a skip is never silent).
 *
 * Every browser test uses these helpers (one copy of each): a test whose federation the demo
 * does not fit (a node that must stop mid-test, an in-process coordinator whose job streams the
 * test reads, a registry seeded with report fixtures) starts its own parties and its console
 * with `consoleCertificate` + `startHttpsConsole` (or in-process), then `launchBrowser(cert)`,
 * `signInAt(browser, origin, user, lang)` and `shot(...)` as here.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { cliPath } from '../../../lib/spawn-party.js';
import { startConsole, type RunningConsole } from '../portal-helpers.js';

export type { RunningConsole } from '../portal-helpers.js';

export const CHROMIUM = process.env['FEDCREDIT_CHROMIUM'] ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-output', 'screenshots');
export const PASSWORD = 'console test passphrase 1';
export type ConsoleName = 'coordinator' | 'tax' | 'bank-a' | 'auditor-1';
export type Lang = 'zh-CN' | 'en';

/**
 * Whether browser tests can run. Use as `describe.skipIf(!browserOrSkip('file'))(...)`: it
 * prints why it skips, and throws under CI so a missing browser fails the run.
 */
export function browserOrSkip(what: string): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  const message = `${what}: Chromium not found at ${CHROMIUM} (set FEDCREDIT_CHROMIUM, or \`apt-get install -y --no-install-recommends chromium fonts-noto-cjk\`)`;
  if (process.env['CI']) throw new Error(`${message}; browser tests must run in CI`);
  process.stderr.write(`SKIPPED ${message}\n`);
  return false;
}

export interface ConsoleInfo {
  name: ConsoleName;
  kind: 'coordinator' | 'node' | 'bank' | 'auditor';
  party: string;
  origin: string;
  /** The single-use link it printed (spent by `signInWithLink`). */
  link: string;
  dataDir: string;
}

export interface ConsoleFederation {
  out: string;
  federation: string;
  coordinator: string;
  nodes: Record<'tax' | 'power' | 'bank', string>;
  consoles: Record<ConsoleName, ConsoleInfo>;
  /** The demo enterprise's key (enterprise/enterprise.key), for `fedcredit consent sign-in`. */
  enterpriseKey: string | undefined;
  /** The demo's summary (--json): enterprise, models, scoring answer, audit. */
  summary: DemoSummary;
  /** Base64 SHA-256 of the console certificate's SPKI, as Chromium pins it. */
  spki: string;
  /** Accounts made per console: `admin` and `viewer`, password PASSWORD. */
  url(console: ConsoleName, pathAndQuery?: string): string;
  /** Runs the CLI (FEDCREDIT_TLS cleared); stdin for passwords. */
  cli(args: readonly string[], stdin?: string): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

export interface DemoSummary {
  workingFolder: string;
  training?: { model: string };
  scorecard?: { modelVersion?: string };
  scoring?: { enterprise?: string; answer?: { logIndex: number; model: string }; receipt?: { file: string } };
  [key: string]: unknown;
}

/** A free run of `count` consecutive TCP ports on 127.0.0.1. */
export async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function runCli(args: readonly string[], stdin?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 120_000, input: stdin ?? '', env: { ...process.env, FEDCREDIT_TLS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `fedcredit demo --console --json` in its own process group and waits for the consoles.
 * Creates accounts `admin` (admin) and `viewer` (viewer) in every console.
 */
export async function startConsoleFederation(opts: { enterprises?: number; timeoutMs?: number } = {}): Promise<ConsoleFederation> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-'));
  const firstPort = await freePorts(4);
  const child: ChildProcess = spawn(process.execPath, [cliPath(), 'demo', '--console', '--console-port', String(firstPort), '--enterprises', String(opts.enterprises ?? 600), '--no-trees', '--no-fusion',
    '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, FEDCREDIT_TLS: '' } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20_000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let earlyExit: ((code: number | null) => void) | undefined;
  const killGroup = (signal: NodeJS.Signals) => { try { process.kill(-child.pid!, signal); } catch { /* already gone */ } };
  const ready = await new Promise<{ consoles: ConsoleInfo[]; enterpriseKey?: string; coordinator: string; nodes: Record<'tax' | 'power' | 'bank', string>; summary: DemoSummary }>((resolve, reject) => {
    const timer = setTimeout(() => { killGroup('SIGKILL'); reject(new Error(`demo --console gave no consoles within ${opts.timeoutMs ?? 600_000} ms:\n${stderr}\n${stdout.slice(-5000)}`)); }, opts.timeoutMs ?? 600_000);
    earlyExit = (code) => { clearTimeout(timer); reject(new Error(`demo --console exited with ${code}:\n${stderr}\n${stdout.slice(-5000)}`)); };
    child.once('exit', earlyExit);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const at = stdout.indexOf('\n{"consoles":');
      if (at < 0) return;
      const end = stdout.indexOf('\n', at + 1);
      if (end < 0) return;
      clearTimeout(timer);
      const line = JSON.parse(stdout.slice(at + 1, end)) as { consoles: ConsoleInfo[]; enterpriseKey?: string; coordinator: string; nodes: Record<'tax' | 'power' | 'bank', string> };
      resolve({ ...line, summary: JSON.parse(stdout.slice(0, at)) as DemoSummary });
    });
  });
  // Only the start-up listener: `exited` must still see the demo end.
  if (earlyExit) child.off('exit', earlyExit);
  const federation = path.join(out, 'federation');
  const consoles = Object.fromEntries(ready.consoles.map((c) => [c.name, c])) as Record<ConsoleName, ConsoleInfo>;
  for (const c of Object.values(consoles)) {
    for (const role of ['admin', 'viewer'] as const) {
      const r = runCli(['console', 'user', 'add', '--data', c.dataDir, '--name', role, '--role', role], `${PASSWORD}\n`);
      if (r.status !== 0) throw new Error(`console user add in ${c.dataDir} failed: ${r.stderr}`);
    }
  }
  return {
    out, federation, coordinator: ready.coordinator, nodes: ready.nodes, consoles, enterpriseKey: ready.enterpriseKey, summary: ready.summary,
    spki: fs.readFileSync(path.join(federation, 'consoles', 'spki.txt'), 'utf8').trim(),
    url: (name, p = '/') => `${consoles[name].origin}${p}`,
    cli: runCli,
    stop: async () => {
      killGroup('SIGTERM');
      const t = setTimeout(() => killGroup('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
      fs.rmSync(out, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium with the console certificate's SPKI pinned (and nothing else accepted): the demo's
 * (`fed`) or a test's own (`consoleCertificate(dir)`). Without a pin, for a console on plain HTTP
 * over loopback (--behind-proxy), which Chromium treats as a secure context.
 */
export function launchBrowser(pinned?: { spki: string }): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: pinned ? [`--ignore-certificate-errors-spki-list=${pinned.spki}`] : [] });
}

/** A throwaway self-signed certificate for 127.0.0.1 and localhost, and its SPKI pin for launchBrowser. */
export function consoleCertificate(dir: string): { cert: string; key: string; spki: string } {
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'console.crt');
  const key = path.join(dir, 'console.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  fs.chmodSync(key, 0o600);
  const der = new crypto.X509Certificate(fs.readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  return { cert, key, spki: crypto.createHash('sha256').update(der).digest('base64') };
}

/** `fedcredit console user add` with the password on stdin (PASSWORD unless given). */
export function addUser(data: string, name: string, role: 'admin' | 'viewer', password = PASSWORD): void {
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  const r = runCli(['console', 'user', 'add', '--data', data, '--name', name, '--role', role], `${password}\n`);
  if (r.status !== 0) throw new Error(`console user add ${name} in ${data} failed: ${r.stderr}`);
}

/**
 * `fedcredit console serve` as a process over HTTPS with `cert` (consoleCertificate), for a
 * test's own federation; `users` are added first (password PASSWORD). Stop it with `.stop()`.
 */
export async function startHttpsConsole(args: { tls: string; target: string; data: string; cert: { cert: string; key: string }; extra?: string[]; users?: Partial<Record<string, 'admin' | 'viewer'>> }): Promise<RunningConsole> {
  for (const [name, role] of Object.entries(args.users ?? {})) if (role) addUser(args.data, name, role);
  return startConsole({ ...args, https: ['--https-cert', args.cert.cert, '--https-key', args.cert.key] });
}

/** A context per role and language: 1280x800, the browser's locale sets Accept-Language. */
export function newContext(browser: Browser, lang: Lang): Promise<BrowserContext> {
  return browser.newContext({ locale: lang === 'zh-CN' ? 'zh-CN' : 'en-US', viewport: { width: 1280, height: 800 } });
}

/** Signs in to a demo console with the account form as `admin` or `viewer`; returns the page on the dashboard. */
export async function signIn(browser: Browser, fed: ConsoleFederation, name: ConsoleName, role: 'admin' | 'viewer', lang: Lang): Promise<Page> {
  return signInAt(browser, fed.url(name, ''), role, lang);
}

/** Signs in to the console at `origin` with the account form, in a new context of `lang`; returns the page where sign-in led. */
export async function signInAt(browser: Browser, origin: string, user: string, lang: Lang, password = PASSWORD): Promise<Page> {
  const page = await (await newContext(browser, lang)).newPage();
  await page.goto(`${origin}/login`);
  await page.fill('input[name=name]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 120_000 }), page.click('form[action="/login"] button[type=submit]')]);
  return page;
}

/** Signs in with the console's single-use link (it works once: the demo printed one per console). */
export async function signInWithLink(browser: Browser, fed: ConsoleFederation, name: ConsoleName, lang: Lang): Promise<Page> {
  const page = await (await newContext(browser, lang)).newPage();
  await page.goto(fed.consoles[name].link);
  return page;
}

/** Submits a page's form by its submit button, as a person would, and waits for the page it leads to. */
export async function submit(page: Page, formSelector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 120_000 }), page.locator(`${formSelector} [type=submit]`).first().click()]);
}

/**
 * GET `pathAndQuery` from inside the page (its cookies, its certificate pin): Playwright's own
 * request context would not honour the SPKI pin. Returns the status, the headers and the body text.
 */
export async function fetchInPage(page: Page, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  return page.evaluate(async ([url, h]) => {
    const r = await fetch(url, { headers: h, redirect: 'manual' });
    return { status: r.status, headers: Object.fromEntries(r.headers.entries()), text: await r.text() };
  }, [pathAndQuery, headers] as const);
}

/** Saves a full-page screenshot as test-output/screenshots/<role>/<view>.<lang>.png and returns its path. */
export async function shot(page: Page, role: string, view: string, lang: Lang): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, role, `${view}.${lang}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Text of the page with no raw message key left in it (a key looks like `node.tables.title`). */
export async function rawKeys(page: Page): Promise<string[]> {
  // Text inside <code> is a value (a site or witness name such as bank.witness.fedcredit), not a message.
  const text = await page.evaluate(() => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement?.closest('code, script, style')) parts.push(n.textContent ?? '');
    }
    return parts.join(' ');
  });
  return [...text.matchAll(/\b(common|login|lang|error|errors|coordinator|models|node|bank|auditor|enterprise)\.[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_]+)*\b/g)].map((m) => m[0]);
}
