/**
 * The node operator's console in a real browser (docs/design/console.md 4.2, 8): a coordinator
 * and the tax node as real processes over mutual TLS, `fedcredit console serve` with the tax
 * operator's certificate, accounts made with `fedcredit console user add`, Chromium driven by
 * playwright-core. Signs in as the tax node's admin and viewer, opens every view in en and
 * zh-CN (screenshots in test-output/screenshots/node-<role>/), uploads a feature table made by
 * `fedcredit sim tables` and sees the upload progress reach 100 % and the new table version
 * listed, is refused the upload as a viewer, and sees the node's error code for a bad file
 * (and nothing stored).
 *
 * Its own small federation (a coordinator and the tax node: the demo's trained federation is not
 * needed), with the harness's console, browser, sign-in and screenshot helpers
 * (tests/console/browser/harness.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addUser, browserOrSkip, consoleCertificate, launchBrowser, shot as harnessShot, signInAt, startHttpsConsole, type Lang, type RunningConsole } from './harness.js';
import { cliPath, spawnParty, type SpawnedParty } from '../../../lib/spawn-party.js';
import { testFederation, type TestFederation } from '../../helpers/federation.js';

const run = browserOrSkip('tests/console/browser/node.test.ts');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-node-console-'));
const PASSWORD = { admin: 'admin-password-1234', viewer: 'viewer-password-1234' };
const VIEWS = ['/', '/tables', '/catalogue', '/ingests', '/policy', '/served', '/alarms', '/drift'];
let fed: TestFederation;
let coordinator: SpawnedParty;
let node: SpawnedParty;
let consoleProc: RunningConsole | undefined;
let origin = '';
let browser: Browser | undefined;

function fedcredit(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  if (r.status !== 0) throw new Error(`fedcredit ${args.slice(0, 3).join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  if (!run) return;
  fed = await testFederation(dir);
  coordinator = await spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(dir, 'coord'), '--port', '0', ...fed.tls('coordinator')]);
  node = await spawnParty('tax node', ['node', 'serve', '--site', 'tax', '--data', path.join(dir, 'tax'), '--port', '0', '--coordinator', coordinator.address, '--witness-interval', '1000', ...fed.tls('tax')]);
  // The node's first table version, ingested with the CLI as an operator would.
  fedcredit(['sim', 'tables', '--rows', '3000', '--seed', 'first', '--out', path.join(dir, 'v1')]);
  fedcredit(['node', 'ingest', '--node', node.address, '--file', path.join(dir, 'v1', 'tax.csv'), '--kind', 'features', '--id-column', 'id', '--id-format', 'any', ...fed.tls('tax-operator')]);
  fedcredit(['sim', 'tables', '--rows', '8000', '--seed', 'second', '--out', path.join(dir, 'v2')]);
  const consoleDir = path.join(dir, 'console');
  fs.mkdirSync(consoleDir, { mode: 0o700 });
  addUser(consoleDir, 'tax-admin', 'admin', PASSWORD.admin);
  addUser(consoleDir, 'tax-viewer', 'viewer', PASSWORD.viewer);
  const cert = consoleCertificate(path.join(dir, 'https'));
  consoleProc = await startHttpsConsole({ tls: fed.folder('tax-operator'), target: node.address, data: consoleDir, cert, extra: ['--default-lang', 'en'] });
  origin = consoleProc.origin;
  browser = await launchBrowser(cert);
}, 420_000);

afterAll(async () => {
  for (const done of signedIn.values()) await (await done).context.close();
  await browser?.close();
  await consoleProc?.stop();
  await Promise.all([node?.stop(), coordinator?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const signedIn = new Map<string, Promise<{ context: BrowserContext; page: Page }>>();

/** One signed-in context per role and language, reused by the tests (a sign-in costs a scrypt hash). */
function signIn(role: 'admin' | 'viewer', lang: 'en' | 'zh-CN'): Promise<{ context: BrowserContext; page: Page }> {
  const key = `${role}.${lang}`;
  let done = signedIn.get(key);
  if (!done) { done = newSignIn(role, lang); signedIn.set(key, done); }
  return done;
}

async function newSignIn(role: 'admin' | 'viewer', lang: Lang): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signInAt(browser!, origin, `tax-${role}`, lang, PASSWORD[role]);
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  return { context: page.context(), page };
}

/** Screenshots in test-output/screenshots/node-<role>/, named after the view's path (harness.ts). */
async function shot(page: Page, role: string, view: string, lang: Lang): Promise<void> {
  await harnessShot(page, `node-${role}`, view === '/' ? 'dashboard' : view.slice(1).replace(/\//g, '-'), lang);
}

/** No raw message key ('node.tables.title') and no error page on a view. */
async function checkView(page: Page, view: string): Promise<void> {
  const response = await page.goto(`${origin}${view}`);
  expect(response?.status(), view).toBe(200);
  const text = await page.innerText('body');
  expect(text, view).not.toMatch(/\b(node|common|errors?)\.[a-z]+\.[a-zA-Z.]+/);
  expect(await page.locator('[data-error-code]').count(), view).toBe(0);
}

describe.skipIf(!run)('the node console in Chromium', () => {
  it('admin uploads a feature table: upload progress reaches 100 %, the node\'s progress shows, the new version is listed', async () => {
    const { page } = await signIn('admin', 'en');
        await page.goto(`${origin}/ingests/new`);
    await page.selectOption('select[name=kind]', 'features');
    await page.fill('input[name=id_column]', 'id');
    await page.selectOption('select[name=id_format]', 'any');
    await page.setInputFiles('input[type=file]', path.join(dir, 'v2', 'tax.csv'));
    await page.waitForSelector('[data-sse][data-live=open]');
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const watch = (el: Element | null) => el && new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
      watch(document.querySelector('[data-status]'));
      watch(document.getElementById('ingest-stage'));
    });
    await page.click('form[data-upload] button[type=submit]');
    await page.waitForFunction(() => ((window as unknown as { seen?: string[] }).seen ?? []).includes('100%'), undefined, { timeout: 60_000 });
    await shot(page, 'admin', '/ingests/new-progress', 'en');
    await page.waitForURL(/\/ingests\/result\//, { timeout: 60_000 });
    expect(await page.getAttribute('[data-result]', 'data-result')).toBe('committed');
    await page.goto(`${origin}/tables`);
    expect(await page.locator('tr[data-version="main@2"]').innerText()).toMatch(/yes/);
    expect(await page.locator('tr[data-version="main@1"]').innerText()).toMatch(/no/);
    await shot(page, 'admin', '/tables-after-upload', 'en');
  }, 240_000);

  it('a bad file shows the node\'s error code and message, and nothing is stored', async () => {
    const { page } = await signIn('admin', 'en');
    await page.goto(`${origin}/ingests`);
    const before = await page.innerText('[data-table=ingests]');
    const bad = path.join(dir, 'bad.csv');
    // A feature table whose second row lacks two columns: the node refuses the whole file.
    fs.writeFileSync(bad, 'id,monthly_income,dependents,debt_ratio\n1,100,1,0.5\n2,200\n');
    await page.goto(`${origin}/ingests/new`);
    await page.selectOption('select[name=kind]', 'features');
    await page.fill('input[name=id_column]', 'id');
    await page.selectOption('select[name=id_format]', 'any');
    await page.setInputFiles('input[type=file]', bad);
    await Promise.all([page.waitForURL(/\/ingests\/result\//, { timeout: 60_000 }), page.click('form[data-upload] button[type=submit]')]);
    expect(await page.getAttribute('[data-result]', 'data-result')).toBe('refused');
    const code = await page.getAttribute('[data-error-code]', 'data-error-code');
    expect(code).toMatch(/^INGEST_[A-Z_]+$/);
    expect(await page.innerText('.error-box')).toMatch(/bad\.csv/);
    await shot(page, 'admin', '/ingests/refused', 'en');
    await page.goto(`${origin}/ingests`);
    expect(await page.innerText('[data-table=ingests]')).toBe(before);
    await page.goto(`${origin}/tables`);
    expect(await page.locator('tr[data-version="main@3"]').count()).toBe(0);
    expect(await page.locator('tr[data-version="main@2"]').innerText()).toMatch(/yes/);
  }, 180_000);

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`every view as admin and viewer in ${lang}`, async () => {
      for (const role of ['admin', 'viewer'] as const) {
        const { page } = await signIn(role, lang);
        for (const view of [...VIEWS, ...(role === 'admin' ? ['/ingests/new'] : [])]) {
          await checkView(page, view);
          await shot(page, role, view, lang);
        }
          }
    }, 240_000);
  }

  it('a viewer is refused the upload: no menu entry, 403 for the form and for PUT /ingests; nothing stored', async () => {
    const { page } = await signIn('viewer', 'en');
    expect(await page.locator('nav.main a[href="/ingests/new"]').count()).toBe(0);
    const form = await page.goto(`${origin}/ingests/new`);
    expect(form?.status()).toBe(403);
    await page.goto(`${origin}/ingests`);
    const token = await page.getAttribute('form[action="/logout"] input[name=_csrf]', 'value');
    const status = await page.evaluate(async (csrf) => {
      const r = await fetch('/ingests?kind=features&id_column=id&id_format=any&filename=x.csv', { method: 'PUT', headers: { 'x-csrf-token': csrf ?? '', 'content-type': 'application/octet-stream' }, body: 'id,x\n1,2\n' });
      return r.status;
    }, token);
    expect(status).toBe(403);
    await shot(page, 'viewer', '/ingests/new-refused', 'en');
  }, 180_000);

  it('without JavaScript the form posts multipart (streamed through busboy) and lands on the result', async () => {
    fedcredit(['sim', 'tables', '--rows', '3000', '--seed', 'third', '--out', path.join(dir, 'v3')]);
    const { context: withJs } = await signIn('admin', 'en');
    // Same session cookie, a page without scripts: live.js does not run, the browser posts the form itself.
    const context = await browser!.newContext({ javaScriptEnabled: false, locale: 'en-US', viewport: { width: 1280, height: 800 } });
    await context.addCookies(await withJs.cookies());
    await context.setExtraHTTPHeaders({ origin });
    const page = await context.newPage();
    await page.goto(`${origin}/ingests/new`);
    await page.selectOption('select[name=kind]', 'features');
    await page.fill('input[name=id_column]', 'id');
    await page.selectOption('select[name=id_format]', 'any');
    await page.setInputFiles('input[type=file]', path.join(dir, 'v3', 'tax.csv'));
    await Promise.all([page.waitForURL(/\/ingests\/result\//, { timeout: 120_000 }), page.click('form[data-upload] button[type=submit]')]);
    expect(await page.getAttribute('[data-result]', 'data-result')).toBe('committed');
    await page.goto(`${origin}/tables`);
    expect(await page.locator('tr[data-version="main@3"]').innerText()).toMatch(/yes/);
    await context.close();
  }, 240_000);
});
