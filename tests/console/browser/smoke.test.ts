/**
 * The console harness end to end (docs/design/console.md section 8): one demo federation with
 * its four consoles; in Chromium, each console's admin signs in with the account form and its
 * dashboard is screenshot in zh-CN and English (test-output/screenshots/<console>-admin/
 * dashboard.<lang>.png); the pages carry the page language, no raw message key and no inline
 * script; the single-use link signs in once and a second use is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  browserOrSkip, launchBrowser, newContext, rawKeys, shot, signIn, signInWithLink, startConsoleFederation,
  type ConsoleFederation, type ConsoleName, type Lang,
} from './harness.js';

const run = browserOrSkip('tests/console/browser/smoke.test.ts');
let fed: ConsoleFederation;
let browser: Browser;

describe.skipIf(!run)('console in Chromium: sign-in and dashboards', () => {
  beforeAll(async () => {
    fed = await startConsoleFederation();
    browser = await launchBrowser(fed);
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await fed?.stop();
  }, 60_000);

  const consoles: ConsoleName[] = ['coordinator', 'tax', 'bank-a', 'auditor-1'];
  for (const name of consoles) {
    it(`${name}: the admin signs in and sees the dashboard in zh-CN and en`, async () => {
      for (const lang of ['zh-CN', 'en'] as Lang[]) {
        const page = await signIn(browser, fed, name, 'admin', lang);
        expect(new URL(page.url()).pathname).toBe('/');
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        await expect(page.locator('h1').count()).resolves.toBe(1);
        expect(await page.locator('header .user').innerText()).toContain('admin');
        expect(await rawKeys(page)).toEqual([]);
        // The stylesheet and live.js came from /static and applied (no inline style is allowed).
        const background = await page.evaluate(() => getComputedStyle(document.querySelector('header.top')!).backgroundColor);
        expect(background).toBe('rgb(23, 34, 59)');
        await shot(page, `${name}-admin`, 'dashboard', lang);
        await page.context().close();
      }
    });
  }

  it('the single-use link signs in once; the second use is refused', async () => {
    const page = await signInWithLink(browser, fed, 'tax', 'en');
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.locator('[data-welcome]').count()).resolves.toBe(1);
    await shot(page, 'tax-link', 'dashboard', 'en');
    const again = await (await newContext(browser, 'en')).newPage();
    const response = await again.goto(fed.consoles.tax.link);
    expect(response?.status()).toBe(403);
    expect(new URL(again.url()).pathname).toMatch(/^\/login\/link\//);
    await page.context().close();
    await again.context().close();
  });

  it('the language switch in the header changes the page and remembers it', async () => {
    const page = await signIn(browser, fed, 'coordinator', 'viewer', 'en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.selectOption('form.lang select[name=lang]', 'zh-CN');
    await Promise.all([page.waitForLoadState('load'), page.click('form.lang button[type=submit]')]);
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.goto(fed.url('coordinator', '/'));
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.context().close();
  });
});
