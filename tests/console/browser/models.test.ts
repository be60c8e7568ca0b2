/**
 * The /models pages in Chromium (docs/design/console.md 4.1, 4.3, 6, 8): a real coordinator
 * process (its registry seeded with a v3 scorecard report built by evaluation/report.ts, a v2
 * report and a model without one) and real `fedcredit console serve` processes over HTTPS
 * (tests/console/browser/harness.ts), signed in by the account form.
 * - The coordinator's console, each view in zh-CN and en: every chart image decodes under the
 *   console's strict CSP (no violation reported), the v2 report says "retrain", the download is
 *   the bytes `model show --html` writes; screenshots in test-output/screenshots/coordinator/.
 * - The bank's console (issue 22: "the model reports it may read"): with the label holder's
 *   operator certificate (--operator-tls of site bank, m1's label holder) the same charts and
 *   download; with another site's operator certificate the coordinator refuses the report
 *   (training/model-access.ts, IDENTITY_MISMATCH) and no chart or figure reaches the page.
 * Its own small federation rather than the demo's: these pages only read the registry, and a
 * trained demo federation adds minutes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SpawnedParty } from '../../../lib/spawn-party.js';
import type { ModelMetadata } from '../../../training/model-registry.js';
import { DEFAULT_PARAMS } from '../../../training/schedule.js';
import { DEFAULT_SCORE_SCALE } from '../../../scoring/score-scale.js';
import { modelReportFile } from '../../../evaluation/report-html/model-file.js';
import { fusionComparison } from '../../../models/fusion/report.js';
import { testFederation, type TestFederation } from '../../helpers/federation.js';
import { seededCoordinator } from '../../helpers/seeded-coordinator.js';
import { asV2, v3Report } from '../../evaluation/fixture.js';
import { browserOrSkip, consoleCertificate, fetchInPage, launchBrowser, shot, signInAt, startHttpsConsole, type Lang, type RunningConsole } from './harness.js';

const run = browserOrSkip('tests/console/browser/models.test.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-models-'));
let fed: TestFederation;
let coordinator: SpawnedParty;
const consoles: Record<'coordinator' | 'labelHolder' | 'otherSite', RunningConsole | undefined> = { coordinator: undefined, labelHolder: undefined, otherSite: undefined };
let browser: Browser | undefined;

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
  // Boosted trees and a fusion model on m1's alignment and split: the fusion report compares itself with m4 and m1.
  { ...base, modelVersion: 'm4', kind: 'boosted-trees', jobId: 'job-4', metrics: { validationAuc: report.joint.auc, report } },
  { ...base, modelVersion: 'm5', kind: 'fusion', jobId: 'job-5', metrics: { validationAuc: report.joint.auc, report } },
];
const FUSION_EXTRAS = { compared: fusionComparison(MODELS[4]!, MODELS[3], MODELS[0]) };

/** Collects the page's CSP refusals (a chart the policy blocked would be one). */
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (msg) => { if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text()); });
  return violations;
}

/** The model column of a report's comparison table (evaluation/report-html/report-page.ts). */
async function comparedModels(page: Page): Promise<string[]> {
  return page.$$eval('table.report-compare tbody tr', (rows) => rows.map((r) => (r.children[1] as HTMLElement).innerText.trim()));
}

async function decodedCharts(page: Page): Promise<{ w: number; alt: string }[]> {
  return page.$$eval('img.chart', (els) => els.map((e) => ({ w: (e as HTMLImageElement).naturalWidth, alt: (e as HTMLImageElement).alt })));
}

beforeAll(async () => {
  if (!run) return;
  fed = await testFederation(dir);
  coordinator = await seededCoordinator(fed, dir, MODELS);
  const cert = consoleCertificate(path.join(dir, 'https'));
  const users = { admin: 'admin' as const };
  consoles.coordinator = await startHttpsConsole({ tls: fed.folder('coordinator-operator'), target: coordinator.address, data: path.join(dir, 'console-coordinator'), cert, users });
  // Two bank consoles of requester/bank-a: one with the label holder's operator certificate
  // (site bank, m1's `bank` role), one with a passive site's (tax), which is not m1's label holder.
  consoles.labelHolder = await startHttpsConsole({ tls: fed.folder('bank-a'), target: coordinator.address, data: path.join(dir, 'console-bank'), cert, users,
    extra: ['--operator-tls', fed.folder('bank-operator')] });
  consoles.otherSite = await startHttpsConsole({ tls: fed.folder('bank-a'), target: coordinator.address, data: path.join(dir, 'console-bank-other'), cert, users,
    extra: ['--operator-tls', fed.folder('tax-operator')] });
  browser = await launchBrowser(cert);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const c of Object.values(consoles)) await c?.stop();
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!run)('coordinator console: /models', () => {
  for (const lang of ['zh-CN', 'en'] as Lang[]) {
    it(`${lang}: the list, the v3 report with every chart decoded, the v2 note, the model without report, the download`, { timeout: 240_000 }, async (t) => {
      if (!browser) return t.skip();
      const origin = consoles.coordinator!.origin;
      const page = await signInAt(browser, origin, 'admin', lang);
      const context = page.context();
      const violations = cspViolations(page);
      await page.goto(`${origin}/models`);
      expect(await page.locator('table[data-models="5"] tbody tr').count()).toBe(5);
      // Newest first, as the bank's console lists them.
      expect(await page.locator('table[data-models] tbody tr td:first-child code').allInnerTexts()).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
      expect(await page.innerText('main')).toContain(lang === 'zh-CN' ? '验证集 AUC' : 'Validation AUC');
      // The purpose as words from common.purpose.*, not the code.
      expect(await page.locator('table[data-models] [data-purpose="credit-assessment"]').first().innerText()).toBe(lang === 'zh-CN' ? '授信评估' : 'credit assessment');
      // The kind as words beside its code (common.modelKind.*).
      expect(await page.locator('table[data-models] [data-model-kind="lr"]').first().innerText()).toBe(lang === 'zh-CN' ? '逻辑回归 lr' : 'logistic regression lr');
      await shot(page, 'coordinator', 'models', lang);

      await page.goto(`${origin}/models/m1`);
      const imgs = await decodedCharts(page);
      expect(imgs).toHaveLength(11);
      for (const img of imgs) expect(img.w, img.alt).toBeGreaterThan(0);
      const text = await page.innerText('main');
      expect(text).toContain(lang === 'zh-CN' ? 'ROC 曲线' : 'ROC curve');
      expect(text).toContain('tax_paid');
      expect(await page.content()).not.toMatch(/\sstyle=|<script>/);
      await shot(page, 'coordinator', 'model-report', lang);
      // Section by section too, at full size, to look at the charts' text.
      const sections = page.locator('section.report-section');
      for (let i = 0; i < await sections.count(); i++) await sections.nth(i).screenshot({ path: path.resolve('test-output', 'screenshots', 'coordinator', `model-report.${lang}.section-${i}.png`) });

      await page.goto(`${origin}/models/m2`);
      expect(await page.innerText('main')).toContain(lang === 'zh-CN' ? '需要 v3 格式的报告' : 'need a report of format v3');
      await page.goto(`${origin}/models/m3`);
      expect(await page.innerText('main')).toContain(lang === 'zh-CN' ? '该模型没有评估报告' : 'has no evaluation report');
      expect(violations).toEqual([]);

      const res = await fetchInPage(page, '/models/m1/report.html');
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="fedcredit-report-m1.${lang}.html"`);
      expect(res.text).toBe(modelReportFile(MODELS[0]!, lang));

      // The fusion model's report compares it with the newest trees and scorecard on its split.
      await page.goto(`${origin}/models/m5`);
      expect(await comparedModels(page)).toEqual(['m5', 'm4', 'm1', 'm5 bank-only']);
      expect((await fetchInPage(page, '/models/m5/report.html')).text).toBe(modelReportFile(MODELS[4]!, lang, FUSION_EXTRAS));
      await context.close();
    });
  }

  it('without a session the pages are not shown', async (t) => {
    if (!browser) return t.skip();
    const origin = consoles.coordinator!.origin;
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const res = await context.request.get(`${origin}/models/m1`, { maxRedirects: 0 });
    expect([302, 303, 401, 403]).toContain(res.status());
    expect(await res.text()).not.toContain('data:image/svg+xml');
    const file = await context.request.get(`${origin}/models/m1/report.html`, { maxRedirects: 0 });
    expect(file.status()).not.toBe(200);
    await context.close();
  });
});

describe.skipIf(!run)('bank console: the reports it may read', () => {
  for (const lang of ['zh-CN', 'en'] as Lang[]) {
    it(`${lang}: with the label holder's operator certificate, m1's report with every chart decoded, and its download`, { timeout: 180_000 }, async () => {
      const origin = consoles.labelHolder!.origin;
      const page = await signInAt(browser!, origin, 'admin', lang);
      const violations = cspViolations(page);
      await page.goto(`${origin}/models`);
      expect(await page.locator('tr[data-model]').count()).toBeGreaterThan(0);
      expect(await page.locator('tr[data-model="m1"] [data-purpose="credit-assessment"]').innerText()).toBe(lang === 'zh-CN' ? '授信评估' : 'credit assessment');
      await shot(page, 'bank', 'models-label-holder', lang);
      await page.goto(`${origin}/models/m1`);
      expect(await page.getAttribute('[data-report]', 'data-report')).toBe('shown');
      const imgs = await decodedCharts(page);
      expect(imgs).toHaveLength(11);
      for (const img of imgs) expect(img.w, img.alt).toBeGreaterThan(0);
      const text = await page.innerText('main');
      expect(text).toContain(lang === 'zh-CN' ? 'ROC 曲线' : 'ROC curve');
      expect(text).toContain('tax_paid');
      expect(await page.content()).not.toMatch(/\sstyle=|<script>/);
      await shot(page, 'bank', 'model-report', lang);
      const res = await fetchInPage(page, '/models/m1/report.html');
      expect(res.status).toBe(200);
      expect(res.text).toBe(modelReportFile(MODELS[0]!, lang));
      expect(violations).toEqual([]);

      // A fusion model: the bank cannot list the coordinator's models, yet its page compares it
      // with the trees (m4) and the scorecard (m1) of its split, as the coordinator's page does.
      await page.goto(`${origin}/models/m5`);
      expect(await page.getAttribute('[data-report]', 'data-report')).toBe('shown');
      expect(await comparedModels(page)).toEqual(['m5', 'm4', 'm1', 'm5 bank-only']);
      expect(await page.innerText('table.report-compare')).toContain(lang === 'zh-CN' ? '梯度提升树' : 'boosted trees');
      await page.locator('section[data-section="trees"]').screenshot({ path: path.resolve('test-output', 'screenshots', 'bank', `model-report-fusion.${lang}.png`) });
      expect((await fetchInPage(page, '/models/m5/report.html')).text).toBe(modelReportFile(MODELS[4]!, lang, FUSION_EXTRAS));
      await page.context().close();
    });
  }

  it('with another site\'s operator certificate the coordinator refuses the report: no chart, no figure, no download', { timeout: 120_000 }, async () => {
    const origin = consoles.otherSite!.origin;
    const page = await signInAt(browser!, origin, 'admin', 'en');
    await page.goto(`${origin}/models/m1`);
    expect(await page.getAttribute('[data-report]', 'data-report')).toBe('refused');
    expect(await page.innerText('[data-report]')).toContain('IDENTITY_MISMATCH');
    const content = await page.content();
    expect(content).not.toContain('data:image/svg+xml');
    expect(content).not.toContain(String(report.joint.auc));
    expect(await page.locator('img.chart').count()).toBe(0);
    await shot(page, 'bank', 'model-report-refused', 'en');
    const res = await fetchInPage(page, '/models/m1/report.html');
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('data:image/svg+xml');
    await page.context().close();
  });
});
