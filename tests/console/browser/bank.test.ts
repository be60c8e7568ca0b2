/**
 * The bank's console in a real browser (docs/design/console.md 4.3 and 8): a scoring federation
 * (coordinator in this process, three node processes: tests/scoring/fixture.ts), the bank's
 * console over HTTPS with requester/bank-a's certificate, an admin and a viewer signed in with
 * Chromium. Every view in en and zh-CN (screenshots in test-output/screenshots/bank/); the
 * admin scores an enterprise by uploading its consent and sees points and the opened
 * explanations, opens the query's receipt (checked against keys pinned by an auditor's verify
 * run) and downloads it; a revoked consent shows CONSENT_REVOKED with its explanation; adds an
 * enterprise to a portfolio by upload and sees it listed, and the portfolio's monitoring events
 * arrive live, each once, across a stream the network cut; the viewer's POST /score is refused.
 *
 * Its own federation (the scoring fixture, with a portfolio) and an in-process console, with the
 * harness's certificate, browser, sign-in and screenshot helpers (tests/console/browser/harness.ts).
 */
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserOrSkip, consoleCertificate, launchBrowser, shot as harnessShot, signInAt } from './harness.js';
import { scoringFixture, type ScoringFixture } from '../../scoring/fixture.js';
import { consoleOptions } from '../../../console/cli.js';
import { KindClients } from '../../../console/clients.js';
import { startConsoleServer, type ConsoleServer } from '../../../console/server.js';
import { hashPassword, writeAccounts } from '../../../console/security/accounts.js';
import { waitForCosignedLatest } from '../../../log/client.js';
import { auditVerify } from '../../../log/audit/verify.js';
import { submitConsentRecord } from '../../../scoring/requester.js';
import { encodeRevocation, revokeConsent } from '../../../consent/verify.js';
import { monitoringClient } from '../../../proto/clients.js';
import { call } from '../../../lib/grpc.js';
import { signSealingKey } from '../../../scoring/protocol.js';
import { readEvents } from '../../../console/pages/bank/watcher.js';
import type { RunProgress__Output } from '../../../proto/gen/fedcredit/v1/RunProgress.js';

const run = browserOrSkip('tests/console/browser/bank.test.ts');

const PASSWORD = 'correct horse battery';
const LANGS = ['en', 'zh-CN'] as const;
type Lang = (typeof LANGS)[number];

let fx: ScoringFixture;
let consoleServer: ConsoleServer;
let clients: KindClients;
let origin: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function signedIn(user: string, lang: Lang): Promise<Page> {
  const page = await signInAt(browser, origin, user, lang, PASSWORD);
  contexts.push(page.context());
  return page;
}

/** Screenshots in test-output/screenshots/bank/ (harness.ts). */
const shot = (page: Page, view: string, lang: Lang) => harnessShot(page, 'bank', view, lang);

/** No raw message key of the bank's catalogue may reach a page. */
async function expectNoRawKeys(page: Page): Promise<void> {
  expect(await page.locator('main').innerText()).not.toMatch(/\bbank\.(dashboard|nav|kind|col|outcome|queries|receipt|score|models|model|portfolios|portfolio|event|run|warning|purpose|refusal|direction)\.[A-Za-z]/);
}

function consentFile(name: string, text: string): string {
  const file = path.join(fx.dir, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  if (!run) return;
  fx = await scoringFixture('console-bank');
  // The console signs with the bank's keys from its TLS folder, as `fedcredit score` reads them by default.
  for (const f of ['requester-identity.pem', 'requester-sealing.key']) fs.copyFileSync(path.join(fx.dir, 'requester-keys', f), path.join(fx.fed.folder('bank-a'), f));
  const cert = consoleCertificate(path.join(fx.dir, 'console-https'));
  const data = path.join(fx.dir, 'console-data');
  fs.mkdirSync(data, { mode: 0o700 });
  const created = new Date().toISOString();
  writeAccounts(data, [
    { name: 'alice', role: 'admin', hash: await hashPassword(PASSWORD), created, disabled: false },
    { name: 'victor', role: 'viewer', hash: await hashPassword(PASSWORD), created, disabled: false },
  ]);
  const { options, transport } = consoleOptions({
    tls: fx.fed.folder('bank-a'), target: fx.coordinator.address, data, listen: '127.0.0.1:0', httpsCert: cert.cert, httpsKey: cert.key,
    defaultLang: 'en', timeZone: 'Asia/Shanghai', maxUpload: 1024 * 1024, state: path.join(fx.dir, 'auditor-state.json'),
  });
  clients = new KindClients(options.kind, options.target, transport);
  consoleServer = await startConsoleServer(options, { clients, log: () => undefined });
  const port = (consoleServer.server.address() as { port: number }).port;
  origin = `https://127.0.0.1:${port}`;
  options.publicOrigin = origin;
  // A portfolio for loan monitoring (as `fedcredit monitor portfolio create` makes one); m1
  // serves loan-monitoring once marked for general credit scoring, as tests/monitoring do.
  const m1 = await fx.coordinator.models.get('m1');
  await fx.coordinator.models.put({ ...m1!, purpose: 'credit-scoring' });
  const monitoring = monitoringClient(fx.coordinator.address, fx.fed.as('bank-a'));
  const keys = fx.requesterKeys;
  await call(monitoring, monitoring.CreatePortfolio, {
    portfolio: 'smes', modelVersion: 'm1', sealingKey: Buffer.from(keys.sealing.publicKey), sealingKeySignature: Buffer.from(signSealingKey(keys.identity, 'bank-a', keys.sealing.publicKey)), schedule: '',
  });
  monitoring.close();
  browser = await launchBrowser(cert);
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await consoleServer?.close();
  clients?.close();
  await fx?.stop();
});

describe.skipIf(!run)('the bank console in Chromium', () => {
  let scoredIndex = 0;

  it('the admin scores an enterprise by uploading its consent and sees points, grade, warning, PD and the opened explanations', async () => {
    const subject = fx.inAll[0]!;
    await fx.register(subject);
    const file = consentFile('consent-score.json', fx.consentText(fx.grant(subject)));
    for (const lang of LANGS) {
      const page = await signedIn('alice', lang);
      await page.goto(`${origin}/score`);
      await shot(page, 'score', lang);
      await page.setInputFiles('form[data-score-form] input[name=consent]', file);
      await Promise.all([page.waitForLoadState('load'), page.click('form[data-score-form] button[type=submit]')]);
      await page.waitForSelector('[data-score-answer]');
      const points = Number(await page.locator('[data-points]').innerText());
      expect(points).toBeGreaterThan(0);
      expect(await page.locator('[data-grade]').innerText()).toMatch(/^(AAA|AA|A|BBB|BB|B|CCC|CC|C)$/);
      expect(await page.locator('[data-explanation-site]').count()).toBe(3);
      const link = page.locator('[data-score-answer] [data-receipt-link]');
      scoredIndex = Number(await link.getAttribute('data-receipt-link'));
      await expectNoRawKeys(page);
      await shot(page, 'score-answer', lang);
    }
  }, 120_000);

  it('opens the query\'s receipt, checked against the pinned keys, and downloads receipt.json', async () => {
    await waitForCosignedLatest(fx.coordinator.address, fx.fed.as('auditor-1'), 3, 60_000, scoredIndex + 1);
    const summary = await auditVerify({ coordinator: fx.coordinator.address, transport: fx.fed.as('auditor-1'), stateFile: path.join(fx.dir, 'auditor-state.json'), full: false });
    expect(summary.findings).toEqual([]);
    for (const lang of LANGS) {
      const page = await signedIn('victor', lang);
      await page.goto(`${origin}/queries`);
      await page.click(`a[data-receipt-link="${scoredIndex}"]`);
      await page.waitForSelector('[data-receipt-verdict]');
      expect(await page.getAttribute('[data-receipt-verdict]', 'data-receipt-verdict')).toBe('ok');
      await expectNoRawKeys(page);
      await shot(page, 'receipt', lang);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-receipt-download]')]);
      const saved = path.join(fx.dir, `receipt-${lang}.json`);
      await download.saveAs(saved);
      const receipt = JSON.parse(fs.readFileSync(saved, 'utf8')) as { kind: string; logIndex: number; answer: { signature: string } };
      expect(receipt).toMatchObject({ kind: 'fedcredit-score-receipt', logIndex: scoredIndex });
      expect(receipt.answer.signature).toMatch(/^[0-9a-f]{128}$/);
    }
  }, 120_000);

  it('a revoked consent is refused with CONSENT_REVOKED and its explanation', async () => {
    const subject = fx.inAll[1]!;
    await fx.register(subject);
    const consent = fx.grant(subject);
    await submitConsentRecord(fx.coordinator.address, fx.fed.as('coordinator-operator'), encodeRevocation(revokeConsent(fx.enterpriseKey(subject), consent)));
    const file = consentFile('consent-revoked.json', fx.consentText(consent));
    for (const lang of LANGS) {
      const page = await signedIn('alice', lang);
      await page.goto(`${origin}/score`);
      await page.setInputFiles('form[data-score-form] input[name=consent]', file);
      await Promise.all([page.waitForLoadState('load'), page.click('form[data-score-form] button[type=submit]')]);
      await page.waitForSelector('[data-score-refused]');
      expect(await page.getAttribute('[data-refusal-code]', 'data-refusal-code')).toBe('CONSENT_REVOKED');
      expect(await page.locator('[data-refusal-meaning]').innerText()).toContain(lang === 'en' ? 'revoked' : '撤回');
      await shot(page, 'score-refused', lang);
      // The bank's own entries name who refused: the coordinator by its role's name in the page's language.
      await page.goto(`${origin}/queries`);
      expect(await page.locator('main').innerText()).toContain(lang === 'en' ? 'refused by Coordinator: CONSENT_REVOKED' : '被 协调方 拒绝：CONSENT_REVOKED');
    }
  }, 120_000);

  it('the admin adds an enterprise to a portfolio by uploading its consent (signed by the console with the bank\'s key)', async () => {
    const subject = fx.inAll[2]!;
    await fx.register(subject);
    const file = consentFile('consent-monitoring.json', fx.consentText(fx.grant(subject, { purpose: 'loan-monitoring', maxUses: 12 })));
    const page = await signedIn('alice', 'en');
    await page.goto(`${origin}/portfolios/smes`);
    await page.setInputFiles('form[data-add-form] input[name=consents]', file);
    await Promise.all([page.waitForLoadState('load'), page.click('form[data-add-form] button[type=submit]')]);
    await page.waitForSelector('[data-add-result]');
    expect(await page.locator('[data-add-result]').innerText()).toContain('1 of 1 added');
    expect(await page.locator(`tr[data-item="${subject}"]`).count()).toBe(1);
  }, 60_000);

  it('the portfolio page shows each monitoring event once as it is stored, across a cut stream', async () => {
    // Runs as the coordinator's operator starts them (a bank may start one a day by hand).
    const operator = monitoringClient(fx.coordinator.address, fx.fed.as('coordinator-operator'));
    const startRun = () => new Promise<string>((resolve, reject) => {
      const progress: RunProgress__Output[] = [];
      const s = operator.StartRun({ portfolio: 'bank-a/smes', asOf: '', reason: 'console test' });
      s.on('data', (p: RunProgress__Output) => progress.push(p));
      s.on('error', reject);
      s.on('end', () => {
        const end = progress.at(-1);
        if (end?.stage === 'finished') resolve(end.runId);
        else reject(new Error(`the run did not finish: ${JSON.stringify(end)}`));
      });
    });
    const streams: { after: string | null; lastEventId: string | undefined }[] = [];
    const record = (req: IncomingMessage) => {
      const url = new URL(req.url ?? '/', 'https://console');
      if (url.pathname === '/portfolios/smes/events') streams.push({ after: url.searchParams.get('after'), lastEventId: req.headers['last-event-id'] as string | undefined });
    };
    consoleServer.server.on('request', record);
    const page = await signedIn('alice', 'en');
    try {
      await page.goto(`${origin}/portfolios/smes`);
      const newestShown = (await page.locator('[data-events] li[data-event]').first().getAttribute('data-event').catch(() => null)) ?? '0';
      const liveLine = (run: string) => page.waitForFunction((r) => [...document.querySelectorAll('#portfolio-live li')].some((li) => li.textContent?.includes(`run ${r}:`)), run, { timeout: 60_000 });
      const first = await startRun();
      await liveLine(first);
      // The network cuts the page's stream; the next run's events are stored meanwhile, and the
      // page's EventSource reconnects on its own (3 s) with the last event id it got.
      consoleServer.server.closeAllConnections();
      const second = await startRun();
      await liveLine(second);
      const live = await page.locator('#portfolio-live li').allInnerTexts();
      const stored = readEvents(path.join(fx.dir, 'console-data', 'events', 'smes.jsonl'), 1000).map((e) => e.eventId).reverse();
      const why = `live ${JSON.stringify(live)}, stored ${JSON.stringify(stored)}, shown at render up to #${newestShown}, streams ${JSON.stringify(streams)}`;
      // Every event stored after the newest the page rendered, each once, newest first as the
      // rendered list; the page no longer says there are no events.
      expect(live.map((l) => /^#(\d+) /.exec(l)?.[1]), why).toEqual(stored.filter((id) => BigInt(id) > BigInt(newestShown)).reverse());
      expect(await page.locator('[data-no-events]').isVisible()).toBe(false);
      expect(streams[0], why).toEqual({ after: newestShown, lastEventId: undefined });
      expect(streams.length, why).toBeGreaterThanOrEqual(2);
      expect(streams.at(-1)!.after, why).toBe(newestShown);
      expect(BigInt(streams.at(-1)!.lastEventId ?? '0'), why).toBeGreaterThan(BigInt(newestShown));
      await shot(page, 'portfolio-live', 'en');
    } finally {
      consoleServer.server.off('request', record);
      operator.close();
    }
  }, 180_000);

  it('every view, in en and zh-CN, for the admin and the viewer', async () => {
    const views: [string, string][] = [['dashboard', '/'], ['queries', '/queries'], ['models', '/models'], ['model', '/models/m1'], ['portfolios', '/portfolios'], ['portfolio', '/portfolios/smes']];
    for (const lang of LANGS) {
      for (const user of ['alice', 'victor']) {
        const page = await signedIn(user, lang);
        for (const [view, url] of views) {
          const res = await page.goto(`${origin}${url}`);
          expect(res?.status(), `${user} ${url} ${lang}`).toBe(200);
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          await expectNoRawKeys(page);
          if (user === 'alice') await shot(page, view, lang);
        }
        await page.goto(`${origin}/queries?kind=query`);
        expect(await page.locator('tr[data-entry-kind]').count()).toBeGreaterThan(0);
        for (const k of await page.locator('tr[data-entry-kind]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entry-kind')))) expect(k).toBe('query');
        await page.goto(`${origin}/models/m1`);
        expect(await page.getAttribute('[data-report]', 'data-report')).toBe('none');
      }
    }
  }, 180_000);

  it('a viewer\'s POST /score is refused (403) and scores nothing', async () => {
    const page = await signedIn('victor', 'en');
    await page.goto(`${origin}/score`);
    expect(await page.locator('form[data-score-form] button[type=submit]').isDisabled()).toBe(true);
    const token = await page.locator('input[name=_csrf]').first().getAttribute('value');
    const before = fx.coordinator.transparencyLog.store.size;
    // Posted by the page itself (its cookies and pinned certificate), as the form would.
    const status = await page.evaluate(async ([url, text]) => {
      const body = new FormData();
      body.append('consent', new Blob([text], { type: 'application/json' }), 'consent.json');
      return (await fetch(url, { method: 'POST', body })).status;
    }, [`/score?_csrf=${encodeURIComponent(token ?? '')}`, fx.consentText(fx.grant(fx.inAll[3]!))] as const);
    expect(status).toBe(403);
    expect(fx.coordinator.transparencyLog.store.size).toBe(before);
  }, 60_000);
});
