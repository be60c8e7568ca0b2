/**
 * Opening the self-contained report file in Debian's Chromium through playwright-core
 * (docs/design/console.md 8): from file://, every request other than file: and data: aborted
 * and recorded, each chart <img> decoded, a full-page screenshot under test-output/.
 * Skipped locally with a message when Chromium is missing; a failure in CI (CI set).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env['FEDCREDIT_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  const msg = `Chromium not found at ${CHROMIUM}: browser checks of the HTML report skipped (apt-get install -y --no-install-recommends chromium fonts-noto-cjk)`;
  if (process.env['CI']) throw new Error(msg);
  console.warn(msg);
}

export interface OpenedReport {
  /** Requests the page tried other than file: and data: (all aborted). */
  readonly foreign: string[];
  readonly images: { alt: string; naturalWidth: number; src: string }[];
  readonly title: string;
  readonly text: string;
}

/** Opens `file` in a fresh context of `browser`, screenshots it to `shot`, and reports what it loaded. */
export async function openReportFile(file: string, shot: string, locale: string): Promise<OpenedReport> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  try {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    const foreign: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith('file:') && !url.startsWith('data:') && !foreign.includes(url)) foreign.push(url);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const images = await page.$$eval('img', (els) => els.map((e) => ({ alt: e.alt, naturalWidth: e.naturalWidth, src: e.src.slice(0, 30) })));
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    const title = await page.title();
    const text = await page.innerText('body');
    await context.close();
    return { foreign, images, title, text };
  } finally {
    await browser.close();
  }
}
