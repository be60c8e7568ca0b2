/**
 * The coordinator operator's console in a real browser (Debian's Chromium driven by
 * playwright-core, docs/design/console.md 8): a coordinator and three nodes (in-process, real
 * gRPC with TLS), the console in-process (plain HTTP on loopback, its --behind-proxy mode;
 * Chromium treats loopback as a secure context, so the __Host- cookies hold), accounts made by
 * the real `fedcredit console user add`, sign-in through the /login form as admin and as viewer,
 * every view in en and zh-CN with a screenshot (test-output/screenshots/coordinator-<role>/),
 * a viewer refused the admin actions, and as admin: start a training job from the form, see its
 * epochs arrive by SSE on the page, the job fail when a node stops, resume it from the page and
 * see its remaining epochs arrive.
 *
 * Its own in-process federation (the test reads the coordinator's job streams and stops a node),
 * with the harness's account, browser, sign-in and screenshot helpers
 * (tests/console/browser/harness.ts). Skipped locally with a message when Chromium is missing; fails in CI.
 */
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addUser, browserOrSkip, launchBrowser, shot as harnessShot, signInAt, type Lang } from './harness.js';
import { startConsoleServer, type ConsoleServer } from '../../../console/server.js';
import { KindClients } from '../../../console/clients.js';
import { jobStreams } from '../../../console/pages/coordinator/job-stream.js';
import type { RunningCoordinator } from '../../../coordinator/server.js';
import type { RunningNode } from '../../../node/server.js';
import type { Site } from '../../../schema/site-schema.js';
import { SITES, fairBatchSize, freePort, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from '../../training-transport/helpers.js';

const run = browserOrSkip('tests/console/browser/coordinator.test.ts');

const PASSWORD = 'correct horse battery';
const VIEWS: [string, string][] = [['/', 'dashboard'], ['/nodes', 'nodes'], ['/alarms', 'alarms'], ['/log', 'log'], ['/alignments', 'alignments'], ['/training', 'training'], ['/monitoring', 'monitoring']];
const RAW_KEY = /\b(coordinator|common|errors?|login)\.[a-z][A-Za-z]*\.[A-Za-z_]+\b/;

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
let consoleServer: ConsoleServer;
let clients: KindClients;
let dataDir: string;
let browser: Browser;
let batch = 0;

async function signedIn(name: string, lang: Lang): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signInAt(browser, consoleServer.url, name, lang, PASSWORD);
  return { context: page.context(), page };
}

/** Screenshots in test-output/screenshots/coordinator-<role>/ (harness.ts). */
const shot = (page: Page, role: string, view: string, lang: Lang) => harnessShot(page, `coordinator-${role}`, view, lang);

beforeAll(async () => {
  if (!run) return;
  s = await makeSetup('console-browser-coord', 1000, 'console-browser-coord');
  coordinator = await inProcessCoordinator(s, { trainingRetryMs: 1_500 });
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site));
  const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  batch = fairBatchSize(aligned.trainSize);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-browser-data-'));
  addUser(dataDir, 'ada', 'admin', PASSWORD);
  addUser(dataDir, 'vic', 'viewer', PASSWORD);
  const port = await freePort();
  clients = new KindClients('coordinator', s.coordinatorAddress, s.fed.as('coordinator-operator'));
  consoleServer = await startConsoleServer({
    kind: 'coordinator', identity: { role: 'operator', name: 'coordinator' }, tlsDir: s.fed.folder('coordinator-operator'), target: s.coordinatorAddress,
    dataDir, publicOrigin: `http://127.0.0.1:${port}`, listenHost: '127.0.0.1', listenPort: port, https: { mode: 'proxy' }, enterprisePortal: false,
    defaultLang: 'zh-CN', timeZone: 'Asia/Shanghai', printLink: false, maxUpload: 1024 * 1024,
  }, { clients, log: () => undefined });
  // Plain HTTP on loopback (--behind-proxy mode): no certificate to pin.
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  jobStreams.close();
  await consoleServer?.close();
  clients?.close();
  for (const n of nodes.values()) await n.stop().catch(() => undefined);
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!run)('coordinator console in Chromium', () => {
  it('viewer: every view in en and zh-CN, refused the admin actions', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const { context, page } = await signedIn('vic', lang);
      for (const [url, view] of VIEWS) {
        const res = await page.goto(`${consoleServer.url}${url}`);
        expect(res?.status(), `${url} ${lang}`).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        const text = await page.innerText('body');
        expect(text.match(RAW_KEY)?.[0], `${url} ${lang}: raw key`).toBeUndefined();
        await shot(page, 'viewer', view, lang);
      }
      expect(await page.locator('#train-form').count()).toBe(0);
      // A forged POST with the viewer's own token is refused by the console (403), nothing starts.
      await page.goto(`${consoleServer.url}/training`);
      const token = await page.getAttribute('form.lang input[name=_csrf]', 'value');
      const status = await page.evaluate(async (csrf) => (await fetch('/training', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}&alignment=x` })).status, token);
      expect(status).toBe(403);
      const resume = await page.evaluate(async (csrf) => (await fetch('/training/trn-x/resume', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}` })).status, token);
      expect(resume).toBe(403);
      if (lang === 'zh-CN') expect(await page.innerText('h1')).toBe('训练任务');
      await context.close();
    }
  }, 120_000);

  it('admin: every view in both languages; start a job, epochs by SSE, a node stops, resume, the rest by SSE', async () => {
    const zh = await signedIn('ada', 'zh-CN');
    for (const [url, view] of VIEWS) {
      await zh.page.goto(`${consoleServer.url}${url}`);
      await shot(zh.page, 'admin', view, 'zh-CN');
    }
    await zh.context.close();

    const { context, page } = await signedIn('ada', 'en');
    for (const [url, view] of VIEWS) {
      await page.goto(`${consoleServer.url}${url}`);
      await shot(page, 'admin', view, 'en');
    }
    await page.goto(`${consoleServer.url}/training`);
    await page.fill('#train-form input[name=epochs]', '3');
    await page.click('#train-form details summary');
    await page.fill('#train-form input[name=batch]', String(batch));
    await page.fill('#train-form input[name=patience]', '10');
    await shot(page, 'admin', 'training-form', 'en');
    await Promise.all([page.waitForURL(/\/training\/trn-/), page.click('#train-form button[type=submit]')]);
    // live.js appends a plain <li> per epoch that arrived by SSE (server-rendered ones have class "epoch").
    const live = page.locator('#epochs li:not(.epoch)');
    await live.first().waitFor({ timeout: 120_000 });
    expect(await page.getAttribute('#live', 'data-live')).toBe('open');
    await shot(page, 'admin', 'job-running', 'en');

    // A node stops: the job fails (resumable), the page says so.
    await nodes.get('power')!.stop();
    await page.waitForFunction(() => /failed/.test(document.getElementById('job-state')?.textContent ?? ''), undefined, { timeout: 60_000 });
    // live.js sets the state's colour from the message (status-bad), not only its words.
    expect(await page.getAttribute('#job-state', 'class')).toBe('status-bad');
    await page.reload();
    expect(await page.locator('.error-box code[data-error-code]').innerText()).toBe('UNAVAILABLE');
    await shot(page, 'admin', 'job-failed', 'en');

    nodes.set('power', await inProcessNode(s, 'power'));
    // The job page's streams as the console receives them, with the id a reconnect sends back.
    const streams: { after: string | null; lastEventId: string | undefined }[] = [];
    const record = (req: IncomingMessage) => {
      const url = new URL(req.url ?? '/', 'http://console');
      if (url.pathname.endsWith('/events')) streams.push({ after: url.searchParams.get('after'), lastEventId: req.headers['last-event-id'] as string | undefined });
    };
    consoleServer.server.on('request', record);
    // The page is at the job's URL already: wait for the job page the resume redirects to.
    const resumedPage = page.waitForResponse((r) => /^\/training\/trn-[^/]+$/.test(new URL(r.url()).pathname) && r.request().method() === 'GET');
    await page.click('#resume-form button[type=submit]');
    await resumedPage;
    await page.waitForLoadState('domcontentloaded');
    const rendered = await page.locator('#epochs li.epoch').count();
    // The network cuts the page's stream after its first epoch: EventSource reconnects on its own
    // (3 s) with the id of the last epoch it showed, and the page goes on without a line twice.
    await live.first().waitFor({ timeout: 120_000 });
    const cutAt = await page.locator('#epochs li').count();
    const openAtCut = await page.getAttribute('#live', 'data-live') === 'open';
    consoleServer.server.closeAllConnections();
    await page.waitForFunction(() => /done/.test(document.getElementById('job-state')?.textContent ?? ''), undefined, { timeout: 150_000 });
    await page.waitForFunction(() => document.getElementById('epochs')?.children.length === 3, undefined, { timeout: 30_000 }).catch(() => undefined);
    consoleServer.server.off('request', record);
    const arrived = await page.locator('#epochs li').evaluateAll((lis) => lis.map((li) => `${li.className || 'live'}: ${li.textContent ?? ''}`));
    const why = `epochs on the page ${JSON.stringify(arrived)}, rendered ${rendered}, cut after ${cutAt}, streams ${JSON.stringify(streams)}`;
    // Epochs by SSE on this page (after the resume) plus the one the page rendered from the record.
    expect(await live.count(), why).toBeGreaterThanOrEqual(2);
    expect(arrived, why).toHaveLength(3);
    expect(await page.getAttribute('#job-state', 'class'), why).toBe('status-ok');
    for (const line of arrived) expect(line).toMatch(/^(epoch|live): epoch \d: validation AUC 0\.\d{3}/);
    expect(arrived.map((l) => l.replace(/^\w+: epoch (\d).*$/, '$1')), why).toEqual(['1', '2', '3']);
    // The page's stream, then (unless the job had ended before the cut) the reconnect with the id
    // of the last epoch it showed.
    expect(streams[0], why).toEqual({ after: String(rendered), lastEventId: undefined });
    if (openAtCut) {
      expect(streams.length, why).toBe(2);
      expect(streams[1]!.after, why).toBe(String(rendered));
      expect(Number(streams[1]!.lastEventId), why).toBeGreaterThanOrEqual(cutAt);
    }
    await shot(page, 'admin', 'job-done', 'en');
    await context.close();
  }, 300_000);
});
