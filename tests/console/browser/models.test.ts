/**
 * The coordinator console's /models pages in Chromium (docs/design/console.md 4.1, 6, 8): a real
 * coordinator process (its registry seeded with a v3 scorecard report built by
 * evaluation/report.ts, a v2 report and a model without one) and a real `fedcredit console
 * serve` over HTTPS, signed in with its single-use link. Each view in zh-CN and en: every chart
 * image decodes under the console's strict CSP (no violation reported), the v2 report says
 * "retrain", the download is the bytes `model show --html` writes; screenshots in
 * test-output/screenshots/coordinator/ (looked at by hand).
 * Uses its own small setup until cskel's harness (tests/console/browser/harness.ts) lands: a
 * trained federation adds minutes and these pages only read the registry.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cliPath, spawnParty, type SpawnedParty } from '../../../lib/spawn-party.js';
import { freePort } from '../../../lib/party-processes.js';
import { ModelRegistry, type ModelMetadata } from '../../../training/model-registry.js';
import { DEFAULT_PARAMS } from '../../../training/schedule.js';
import { DEFAULT_SCORE_SCALE } from '../../../scoring/score-scale.js';
import { modelReportFile } from '../../../evaluation/report-html/model-file.js';
import { testFederation, type TestFederation } from '../../helpers/federation.js';
import { asV2, v3Report } from '../../evaluation/fixture.js';
import { CHROMIUM, HAVE_CHROMIUM } from '../../evaluation/report-browser.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-models-'));
const SHOTS = path.resolve('test-output/screenshots/coordinator');
let fed: TestFederation;
let coordinator: SpawnedParty;
let consoleProcess: ChildProcess;
let origin: string;
let link: string;
let browser: Browser | undefined;
let signedInState: Awaited<ReturnType<import('playwright-core').BrowserContext['storageState']>> | undefined;
const consoleLog: string[] = [];

const base = {
  jobId: 'job-1', alignmentId: 'al-1', purpose: 'credit-assessment', params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE,
  sites: [{ site: 'bank', role: 'bank' as const, featureCount: 3 }, { site: 'tax', role: 'passive' as const, featureCount: 4 }],
  createdAt: '2026-12-04T08:00:00.000Z', logIndex: 3,
};
const report = v3Report(2_000, 3, true);
const MODELS: ModelMetadata[] = [
  { ...base, modelVersion: 'm1', kind: 'scorecard', metrics: { validationAuc: report.joint.auc, report } },
  { ...base, modelVersion: 'm2', kind: 'lr', jobId: 'job-2', metrics: { validationAuc: 0.7, report: asV2(report) } },
  { ...base, modelVersion: 'm3', kind: 'lr', jobId: 'job-3', metrics: { validationAuc: 0.69 } },
];

function lines(child: ChildProcess, want: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`console did not print ${want} in ${timeoutMs} ms`)), timeoutMs);
    rl.on('line', (line) => {
      consoleLog.push(line);
      const m = want.exec(line);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    child.once('exit', (code) => reject(new Error(`console exited with ${code}`)));
  });
}

beforeAll(async () => {
  fed = await testFederation(dir);
  const data = path.join(dir, 'coord');
  const models = await ModelRegistry.open(data);
  for (const m of MODELS) await models.put(m);
  await models.close();
  coordinator = await spawnParty('coordinator', ['coordinator', 'serve', '--data', data, '--port', '0', ...fed.tls('coordinator')], { startTimeoutMs: 120_000 });
  const port = await freePort();
  const consoleData = path.join(dir, 'console');
  fs.mkdirSync(consoleData, { mode: 0o700 });
  consoleProcess = spawn(process.execPath, [cliPath(), 'console', 'serve', '--tls', fed.folder('coordinator-operator'), '--target', coordinator.address,
    '--data', consoleData, '--listen', `127.0.0.1:${port}`, '--https-party-cert', fed.folder('coordinator'), '--print-link'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const m = await lines(consoleProcess, /sign in once \(valid 15 min\): (https:\/\/[^/]+)(\/login\/link\/\S+)/);
  origin = m[1]!;
  link = m[1]! + m[2]!;
  if (HAVE_CHROMIUM) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  consoleProcess?.kill('SIGTERM');
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('coordinator console: /models', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`${lang}: the list, the v3 report with every chart decoded, the v2 note, the model without report, the download`, { timeout: 240_000 }, async (t) => {
      if (!browser) return t.skip();
      // The link is single-use: the en context reuses the session it opened (the language then
      // comes from Accept-Language). Signing in again by password would need a POST, which the
      // skeleton refuses from Chromium today (Origin "null" under its no-referrer policy).
      const context = await browser.newContext({
        locale: lang === 'zh-CN' ? 'zh-CN' : 'en-US', ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 },
        ...(lang === 'en' && signedInState ? { storageState: signedInState } : {}),
      });
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (msg) => { if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text()); });
      if (lang === 'zh-CN') {
        await page.goto(link);
        signedInState = await context.storageState();
      }
      await page.goto(`${origin}/models`);
      expect(await page.locator('table[data-models="3"] tbody tr').count()).toBe(3);
      expect(await page.innerText('main')).toContain(lang === 'zh-CN' ? '验证集 AUC' : 'Validation AUC');
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `models.${lang}.png`), fullPage: true });

      await page.goto(`${origin}/models/m1`);
      const imgs = await page.$$eval('img.chart', (els) => els.map((e) => ({ w: e.naturalWidth, alt: e.alt })));
      expect(imgs).toHaveLength(11);
      for (const img of imgs) expect(img.w, img.alt).toBeGreaterThan(0);
      const text = await page.innerText('main');
      expect(text).toContain(lang === 'zh-CN' ? 'ROC 曲线' : 'ROC curve');
      expect(text).toContain('tax_paid');
      expect(await page.content()).not.toMatch(/\sstyle=|<script>/);
      await page.screenshot({ path: path.join(SHOTS, `model-report.${lang}.png`), fullPage: true });
      // Section by section too, at full size, to look at the charts' text.
      const sections = page.locator('section.report-section');
      for (let i = 0; i < await sections.count(); i++) await sections.nth(i).screenshot({ path: path.join(SHOTS, `model-report.${lang}.section-${i}.png`) });

      await page.goto(`${origin}/models/m2`);
      expect(await page.innerText('main')).toContain(lang === 'zh-CN' ? '需要 v3 格式的报告' : 'need a report of format v3');
      await page.goto(`${origin}/models/m3`);
      expect(await page.innerText('main')).toContain(lang === 'zh-CN' ? '该模型没有评估报告' : 'has no evaluation report');
      expect(violations).toEqual([]);

      const res = await context.request.get(`${origin}/models/m1/report.html`, { headers: { "accept-language": lang } });
      expect(res.status()).toBe(200);
      expect(res.headers()['content-disposition']).toBe(`attachment; filename="fedcredit-report-m1.${lang}.html"`);
      expect(await res.text()).toBe(modelReportFile(MODELS[0]!, lang));
      await context.close();
    });
  }

  it('without a session the pages are not shown', async (t) => {
    if (!browser) return t.skip();
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const res = await context.request.get(`${origin}/models/m1`, { maxRedirects: 0 });
    expect([302, 303, 401, 403]).toContain(res.status());
    expect(await res.text()).not.toContain('data:image/svg+xml');
    const file = await context.request.get(`${origin}/models/m1/report.html`, { maxRedirects: 0 });
    expect(file.status()).not.toBe(200);
    await context.close();
  });
});
