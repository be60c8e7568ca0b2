/**
 * The auditor's console in Chromium (docs/design/console.md 4.4, 8): a real coordinator and
 * witness node, a log with key bindings and revocations of two enterprises, and an auditor
 * console with its own --state file. The admin runs verify (a worker thread) and sees it pass,
 * the cosigned checkpoint kept, the entries filtered by enterprise and exported as CSV (UTF-8
 * with BOM, the columns of `audit entries --csv`); then the witness node goes away and the next
 * run's findings name it. A viewer sees the views but cannot start a run. Every view in en and
 * zh-CN is saved under test-output/screenshots/auditor/. Needs `npm run build`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { encodeKeyBinding, encodeRevocation, revokeConsent } from '../../../consent/verify.js';
import { submitConsentRecord } from '../../../scoring/requester.js';
import { TRUSTED_REGISTRARS_ENV } from '../../../scoring/protocol.js';
import type { SpawnedParty } from '../../../lib/spawn-party.js';
import { testFederation } from '../../helpers/federation.js';
import { startCoordinatorProcess, startNodeProcess, waitForFinal } from '../../log/federation-helpers.js';
import { binding, enterprise, grant, otherBinding, otherEnterprise, OTHER_SUBJECT, registrar, SUBJECT } from '../../consent/helpers.js';
import type { RunningConsole } from '../portal-helpers.js';
import { addUser, browserOrSkip, consoleCertificate, launchBrowser, shot, signInAt, startHttpsConsole, submit } from './harness.js';

const run = browserOrSkip('tests/console/browser/auditor.test.ts');

const PASSWORD = 'auditor console passphrase';
let dir: string;
let coordinator: SpawnedParty;
let tax: SpawnedParty | undefined;
let auditor: RunningConsole;
let browser: Browser;
const aIndices: number[] = [];

async function signedIn(name: string, lang: 'en' | 'zh-CN'): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signInAt(browser, auditor.origin, name, lang, PASSWORD);
  expect(new URL(page.url()).pathname).toBe('/');
  return { context: page.context(), page };
}

async function runVerify(page: Page): Promise<string> {
  await page.goto(`${auditor.origin}/verify`);
  await submit(page, 'form[action="/verify"]');
  expect(new URL(page.url()).pathname).toMatch(/^\/verify\/[0-9a-f]{16}$/);
  const runUrl = page.url();
  await expect.poll(async () => {
    await page.goto(runUrl);
    return page.getAttribute('[data-run-state]', 'data-run-state');
  }, { timeout: 60_000, interval: 500 }).not.toBe('running');
  return (await page.getAttribute('[data-run-state]', 'data-run-state'))!;
}

describe.skipIf(!run)('auditor console in Chromium', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-auditor-console-'));
    process.env[TRUSTED_REGISTRARS_ENV] = Buffer.from(registrar.publicKey).toString('hex');
    const fed = await testFederation(dir, ['tax']);
    coordinator = await startCoordinatorProcess(dir);
    tax = await startNodeProcess(dir, 'tax', coordinator.address);
    const op = fed.as('coordinator-operator');
    aIndices.push((await submitConsentRecord(coordinator.address, op, encodeKeyBinding(binding))).logIndex);
    let last = (await submitConsentRecord(coordinator.address, op, encodeKeyBinding(otherBinding))).logIndex;
    for (let i = 0; i < 2; i++) {
      aIndices.push((await submitConsentRecord(coordinator.address, op, encodeRevocation(revokeConsent(enterprise, grant({}, Date.now() - 1000 - i))))).logIndex);
      last = (await submitConsentRecord(coordinator.address, op, encodeRevocation(revokeConsent(otherEnterprise, grant({ subject: OTHER_SUBJECT }, Date.now() - 1000 - i, otherEnterprise))))).logIndex;
    }
    await waitForFinal(coordinator.address, op, last + 1, 1, 30_000);
    const data = path.join(dir, 'console');
    addUser(data, 'alice', 'admin', PASSWORD);
    addUser(data, 'victor', 'viewer', PASSWORD);
    const cert = consoleCertificate(path.join(dir, 'https'));
    auditor = await startHttpsConsole({ tls: fed.folder('auditor-1'), target: coordinator.address, data, cert, extra: ['--state', path.join(dir, 'audit-state.json')] });
    browser = await launchBrowser(cert);
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await auditor?.stop();
    await tax?.stop();
    await coordinator?.stop();
    delete process.env[TRUSTED_REGISTRARS_ENV];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs verify, keeps the checkpoint, filters entries, exports CSV, and shows a finding', async () => {
    const { context, page } = await signedIn('alice', 'en');
    expect(await page.textContent('[data-pinned]')).toContain('No state file yet');
    expect(await runVerify(page)).toBe('ok');
    await shot(page, 'auditor', 'verify-run-ok', 'en');

    await page.goto(`${auditor.origin}/`);
    expect(await page.textContent('[data-pinned]')).toContain('fedcredit');
    expect(await page.getAttribute('[data-last-run] [data-run-state]', 'data-run-state')).toBe('ok');
    await shot(page, 'auditor', 'dashboard', 'en');
    await page.goto(`${auditor.origin}/checkpoints`);
    expect(await page.locator('table[data-checkpoints] tbody tr').count()).toBeGreaterThan(0);
    await shot(page, 'auditor', 'checkpoints', 'en');
    await page.goto(`${auditor.origin}/entries`);
    await shot(page, 'auditor', 'entries', 'en');
    await page.goto(`${auditor.origin}/entries?enterprise=${SUBJECT}`);
    const shown = await page.locator('table[data-entries] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-index'))));
    expect(shown.sort((x, y) => x - y)).toEqual(aIndices);
    expect(await page.textContent('table[data-entries]')).not.toContain(OTHER_SUBJECT);

    // The CSV of this filter, as the browser downloads it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-csv]')]);
    const csv = fs.readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe('index,time,kind,kind_text,requester,enterprises,body');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(aIndices);

    // The witness node goes away: the next run's findings name it.
    await tax!.stop();
    tax = undefined;
    expect(await runVerify(page)).toBe('findings');
    const codes = await page.locator('[data-finding-code]').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding-code')));
    expect(codes).toContain('NODE_UNREACHABLE');
    expect(await page.textContent('table[data-findings]')).toContain('tax');
    await shot(page, 'auditor', 'verify-run-findings', 'en');
    await page.goto(`${auditor.origin}/verify`);
    await shot(page, 'auditor', 'verify', 'en');
    await context.close();
  }, 180_000);

  it('shows every view in zh-CN', async () => {
    const { context, page } = await signedIn('alice', 'zh-CN');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    for (const [view, url] of [['dashboard', '/'], ['checkpoints', '/checkpoints'], ['verify', '/verify'], ['entries', '/entries']] as const) {
      await page.goto(`${auditor.origin}${url}`);
      expect(await page.textContent('h1')).not.toMatch(/auditor\./);
      await shot(page, 'auditor', view, 'zh-CN');
    }
    expect(await page.textContent('main')).toContain('日志条目');
    await context.close();
  }, 60_000);

  it('a viewer sees the runs but cannot start one', async () => {
    const { context, page } = await signedIn('victor', 'en');
    await page.goto(`${auditor.origin}/verify`);
    expect(await page.locator('form[action="/verify"]').count()).toBe(0);
    const csrf = await page.locator('input[name=_csrf]').first().getAttribute('value');
    // Posted by the page itself (its cookies and pinned certificate), as the admin's form would.
    const refused = await page.evaluate(async (token) => (await fetch('/verify', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(token)}`, redirect: 'manual' })).status, csrf!);
    expect(refused).toBe(403);
    await context.close();
  }, 60_000);
});
