/**
 * The enterprise portal end to end in Chromium (docs/design/console.md 3.3, 4.5, 8): a scoring
 * federation (tests/scoring/fixture.ts: three node processes, a model, a registrar, bank-a),
 * bank-a scores the enterprise with `fedcredit score`; the enterprise signs in to the
 * coordinator's console through a real `fedcredit consent sign-in` run, sees that bank-a queried
 * it and under which consent, revokes that consent with the revocation.json its own
 * `fedcredit consent revoke` signed, and bank-a's next `fedcredit score` with that consent is
 * refused with CONSENT_REVOKED (the CLI, not the bank console's /score: fix/cbank is not merged
 * into this branch). Views in en and zh-CN are saved under test-output/screenshots/enterprise/.
 * Needs `npm run build`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cliPath } from '../../../lib/spawn-party.js';
import { waitForCosignedLatest } from '../../../log/client.js';
import { TRUSTED_REGISTRARS_ENV } from '../../../scoring/protocol.js';
import { scoringFixture, type ScoringFixture } from '../../scoring/fixture.js';
import type { RunningConsole } from '../portal-helpers.js';
import { browserOrSkip, consoleCertificate, launchBrowser, newContext, shot, startHttpsConsole, submit } from './harness.js';

const run = browserOrSkip('tests/console/browser/enterprise.test.ts');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath(), ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

let fx: ScoringFixture;
let portal: RunningConsole;
let browser: Browser;
let subject: string;
let consentFile: string;
let keyFile: string;
let consentId: string;

async function score(): Promise<{ code: number; stdout: string; stderr: string }> {
  return cli(['score', ...fx.fed.tls('bank-a'), '--keys', path.join(fx.dir, 'requester-keys'), '--coordinator', fx.coordinator.address,
    '--enterprise', subject, '--consent', consentFile, '--json', '--receipt-wait', '1000']);
}

async function switchLanguage(page: Page, lang: 'en' | 'zh-CN'): Promise<void> {
  await page.selectOption('form.lang select[name=lang]', lang);
  await submit(page, 'form.lang');
  await expect.poll(() => page.getAttribute('html', 'lang')).toBe(lang);
}

describe.skipIf(!run)('enterprise portal in Chromium', () => {
  beforeAll(async () => {
    fx = await scoringFixture('console-enterprise', { enterprises: 150 });
    process.env[TRUSTED_REGISTRARS_ENV] = Buffer.from(fx.registrar.publicKey).toString('hex');
    subject = fx.inAll[0]!;
    await fx.register(subject);
    const consent = fx.grant(subject);
    consentId = consent.consentId;
    consentFile = path.join(fx.dir, 'consent.json');
    fs.writeFileSync(consentFile, `${fx.consentText(consent)}\n`);
    const keyDir = path.join(fx.dir, 'enterprise');
    fs.mkdirSync(keyDir, { mode: 0o700 });
    keyFile = path.join(keyDir, 'enterprise.key');
    const key = fx.enterpriseKey(subject);
    fs.writeFileSync(keyFile, key.toPem(), { mode: 0o600 });
    fs.writeFileSync(path.join(keyDir, 'enterprise.json'), JSON.stringify({ subject, enterpriseKey: Buffer.from(key.publicKey).toString('hex') }));
    const first = await score();
    expect(first.code, first.stderr).toBe(0);
    await waitForCosignedLatest(fx.coordinator.address, fx.fed.as('coordinator-operator'), 3, 30_000);
    const cert = consoleCertificate(path.join(fx.dir, 'https'));
    portal = await startHttpsConsole({ tls: fx.fed.folder('coordinator-operator'), target: fx.coordinator.address, data: path.join(fx.dir, 'console'), cert, extra: ['--enterprise-portal'] });
    browser = await launchBrowser(cert);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await fx?.stop();
    delete process.env[TRUSTED_REGISTRARS_ENV];
  });

  it('signs in with the CLI, sees who queried it, revokes, and the bank\'s next query is refused', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    await page.goto(`${portal.origin}/e/sign-in`);
    await shot(page, 'enterprise', 'sign-in', 'en');
    await page.fill('input[name=subject]', subject);
    await submit(page, 'form[action="/e/challenge"]');
    const token = await page.locator('input[name=token]').getAttribute('value', { timeout: 5_000 }).catch(async () => {
      throw new Error(`no challenge token on ${page.url()}:\n${await page.textContent('main')}\n${portal.lines.filter((l) => l.includes('csrf') || l.includes('CSRF')).join('\n')}`);
    });
    expect(token).toBeTruthy();
    expect(await page.textContent('pre[data-challenge]')).toContain(`subject ${subject}`);
    await shot(page, 'enterprise', 'challenge', 'en');

    // The enterprise's own computer: a real run of the CLI with its key.
    const signed = await cli(['consent', 'sign-in', '--key', keyFile, '--challenge', token!, '--yes']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stderr).toContain(portal.origin);
    await page.fill('input[name=response]', signed.stdout.trim());
    await submit(page, 'form[action="/e/sign-in"]');
    expect(new URL(page.url()).pathname).toBe('/e/');

    // Who queried it: bank-a, a score query under this consent.
    const queryRow = page.locator('table[data-own-entries] tr', { hasText: 'scored (query)' });
    await expect.poll(() => queryRow.count()).toBeGreaterThan(0);
    expect(await queryRow.first().textContent()).toContain('bank-a');
    expect(await queryRow.first().textContent()).toContain(consentId);
    await shot(page, 'enterprise', 'home', 'en');
    await page.goto(`${portal.origin}/e/consents`);
    expect(await page.textContent(`tr[data-consent="${consentId}"]`)).toContain('bank-a');
    await shot(page, 'enterprise', 'consents', 'en');

    await switchLanguage(page, 'zh-CN');
    await shot(page, 'enterprise', 'consents', 'zh-CN');
    expect(await page.textContent('main')).toContain('您的授权');
    await page.goto(`${portal.origin}/e/`);
    expect(await page.textContent('main')).toContain('评分查询');
    await shot(page, 'enterprise', 'home', 'zh-CN');
    await page.goto(`${portal.origin}/e/consents`);
    await Promise.all([page.waitForURL(`${portal.origin}/e/consents/${consentId}/revoke`), page.click(`tr[data-consent="${consentId}"] a`)]);
    await shot(page, 'enterprise', 'revoke', 'zh-CN');
    await switchLanguage(page, 'en');
    await shot(page, 'enterprise', 'revoke', 'en');

    // The enterprise signs the revocation with its own CLI and pastes it.
    const revocationFile = path.join(fx.dir, 'revocation.json');
    const revoked = await cli(['consent', 'revoke', '--key', keyFile, '--consent', consentFile, '--out', revocationFile]);
    expect(revoked.code, revoked.stderr).toBe(0);
    await page.fill('textarea[name=revocation]', fs.readFileSync(revocationFile, 'utf8'));
    await submit(page, `form[action="/e/consents/${consentId}/revoke"]`);
    const index = await page.getAttribute('[data-revocation-index]', 'data-revocation-index');
    expect(Number(index)).toBeGreaterThan(0);
    await shot(page, 'enterprise', 'revoked', 'en');

    // Bank-a's next query with that consent: refused.
    await waitForCosignedLatest(fx.coordinator.address, fx.fed.as('coordinator-operator'), 3, 30_000, Number(index) + 1);
    const again = await score();
    expect(again.code).not.toBe(0);
    expect(`${again.stdout}${again.stderr}`).toContain('CONSENT_REVOKED');

    // Its consents page now says revoked, at that entry.
    await page.goto(`${portal.origin}/e/consents`);
    expect(await page.getAttribute(`tr[data-consent="${consentId}"] [data-revoked]`, 'data-revoked')).toBe(index);
    await shot(page, 'enterprise', 'consents-revoked', 'en');
    await context.close();
  }, 180_000);

  it('a browser without a session is sent to the portal sign-in', async () => {
    const context = await newContext(browser, 'en');
    const page = await context.newPage();
    const res = await page.goto(`${portal.origin}/e/`);
    expect(new URL(page.url()).pathname).toBe('/e/sign-in');
    expect(res?.status()).toBe(200);
    await context.close();
  }, 30_000);
});
