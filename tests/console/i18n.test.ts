/**
 * The console's two languages (docs/design/console.md section 7): every message file has every
 * key in both languages, keys carry their file's prefix and never collide, placeholders match,
 * the language is chosen from the cookie, then Accept-Language, then the default, numbers and
 * dates are localised; and every registered route of every kind, opened by a session of its
 * access in both languages, shows no raw message key.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUES, en, MESSAGE_FILES, zhCN, type Message } from '../../console/i18n/catalogue.js';
import { fromAcceptLanguage, negotiateLang } from '../../console/i18n/negotiate.js';
import { translator } from '../../console/i18n/translate.js';
import { formatter } from '../../console/i18n/format.js';
import { CONSOLE_KINDS, type ConsoleKind } from '../../console/http/router.js';
import { SESSION_COOKIE } from '../../console/security/cookies.js';
import { isErrorCode } from '../../lib/errors.js';
import { root, startTestConsole, type TestConsole } from './fixture.js';
import { modelKindLabel, purposeLabel } from '../../console/pages/purpose.js';
import { PURPOSES } from '../../consent/record.js';

const COMMON_PREFIXES = ['common.', 'login.', 'lang.', 'error.', 'errors.'];

function placeholders(m: Message): string[] {
  const texts = typeof m === 'string' ? [m] : [m.one, m.other];
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!)))].sort();
}

describe('catalogue', () => {
  it('has every key in both languages, non-empty, with the same placeholders', () => {
    const keys = Object.keys(en) as (keyof typeof en)[];
    expect(Object.keys(zhCN).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const english = en[key] as Message;
      const chinese = zhCN[key];
      expect(typeof chinese === 'string' && chinese.trim().length > 0, key).toBe(true);
      expect(typeof english === 'string' ? english.trim().length > 0 : english.one.length > 0 && english.other.length > 0, key).toBe(true);
      expect(placeholders(chinese), `placeholders of ${key}`).toEqual(placeholders(english));
    }
  });

  it('prefixes each key with its file\'s name and defines no key twice', () => {
    let total = 0;
    for (const [file, messages] of Object.entries(MESSAGE_FILES)) {
      const keys = Object.keys(messages.en);
      total += keys.length;
      expect(Object.keys(messages.zhCN).sort(), `${file}: zhCN keys`).toEqual([...keys].sort());
      for (const key of keys) {
        if (file === 'common') expect(COMMON_PREFIXES.some((p) => key.startsWith(p)), `${file}: ${key}`).toBe(true);
        else expect(key.startsWith(`${file}.`), `${file}: ${key} must start with '${file}.'`).toBe(true);
      }
    }
    // A key in two files would be silently overridden by the merge: the merged size tells.
    expect(Object.keys(en).length).toBe(total);
  });

  it('explains only real error codes', () => {
    for (const key of Object.keys(en).filter((k) => k.startsWith('errors.'))) {
      const code = key.slice('errors.'.length);
      expect(isErrorCode(code) || code === 'CSRF_REFUSED' || code === 'PERMISSION_DENIED', key).toBe(true);
    }
  });

  it('labels purposes in one place (common.purpose.*), for every consent purpose and a model\'s credit-scoring, on every page kind', () => {
    // A second copy in a page's file (bank.purpose.*, enterprise.purpose.*) drifted once: one said
    // "loan monitoring", the other "post-loan monitoring", and the coordinator's list showed the code.
    expect(Object.keys(en).filter((k) => /\.purpose\./.test(k) && !k.startsWith('common.purpose.'))).toEqual([]);
    for (const purpose of [...PURPOSES, 'credit-scoring']) {
      for (const lang of ['en', 'zh-CN'] as const) {
        const shown = String(purposeLabel({ t: translator(lang) }, purpose));
        expect(shown, `${purpose} in ${lang}`).toContain(`data-purpose="${purpose}"`);
        expect(shown, `${purpose} in ${lang}`).not.toContain(`>${purpose}<`);
      }
    }
    expect(String(purposeLabel({ t: translator('zh-CN') }, 'loan-monitoring'))).toContain('贷后监控');
    expect(String(purposeLabel({ t: translator('en') }, 'some-new-purpose'))).toBe('<code data-purpose="some-new-purpose">some-new-purpose</code>');
    for (const file of ['console/pages/bank/entries.ts', 'console/pages/bank/models.ts', 'console/pages/enterprise/routes.ts', 'console/pages/coordinator/models.ts']) {
      expect(fs.readFileSync(file, 'utf8'), `${file} labels purposes with pages/purpose.ts`).toMatch(/import \{ (?:[A-Za-z]+, )*purposeLabel(?:, [A-Za-z]+)* \} from '\.\.\/purpose\.js'/);
    }
    // Model kinds likewise (common.modelKind.*), beside the code `fedcredit train --model` takes.
    for (const kind of ['lr', 'scorecard', 'boosted-trees', 'fusion']) {
      const zh = String(modelKindLabel({ t: translator('zh-CN') }, kind));
      expect(zh).toContain(`data-model-kind="${kind}"`);
      expect(zh).toContain(`<code class="muted">${kind}</code>`);
      expect(zh).not.toMatch(/common\.modelKind/);
    }
    expect(String(modelKindLabel({ t: translator('zh-CN') }, ''))).toContain('逻辑回归');
    expect(String(modelKindLabel({ t: translator('en') }, 'a-new-kind'))).toBe('<code data-model-kind="a-new-kind">a-new-kind</code>');
  });

  it('fills placeholders and chooses plurals', () => {
    const t = translator('en');
    expect(t('common.items', { count: 1 })).toBe('1 item');
    expect(t('common.items', { count: 12345 })).toBe('12,345 items');
    expect(translator('zh-CN')('common.items', { count: 2 })).toBe('2 项');
    expect(t('login.throttled', { seconds: 42 })).toBe('Too many failed attempts. Try again in 42 seconds.');
    expect(CATALOGUES['zh-CN']['errors.CONSENT_REVOKED']).toBe('该企业已撤回此授权');
  });
});

describe('language choice and formats', () => {
  it('reads Accept-Language with q-values: zh, zh-CN, zh-Hans*, zh-SG are zh-CN; anything else en', () => {
    expect(fromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(fromAcceptLanguage('zh')).toBe('zh-CN');
    expect(fromAcceptLanguage('zh-Hans-CN')).toBe('zh-CN');
    expect(fromAcceptLanguage('zh-SG')).toBe('zh-CN');
    expect(fromAcceptLanguage('zh-TW')).toBe('en');
    expect(fromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(fromAcceptLanguage('en;q=0.5, zh;q=0.8')).toBe('zh-CN');
    expect(fromAcceptLanguage('fr;q=0.9, zh;q=0')).toBe('en');
    expect(fromAcceptLanguage('')).toBeUndefined();
    expect(negotiateLang('en', 'zh-CN', 'zh-CN')).toBe('en');
    expect(negotiateLang('xx', 'zh-CN', 'en')).toBe('zh-CN');
    expect(negotiateLang(undefined, undefined, 'zh-CN')).toBe('zh-CN');
  });

  it('formats numbers, rates, metrics, dates in the console\'s time zone, and sizes', () => {
    const zh = formatter('zh-CN', 'Asia/Shanghai');
    const enF = formatter('en', 'Asia/Shanghai');
    const when = Date.parse('2026-12-05T00:00:00Z');
    expect(zh.dateTime(when)).toMatch(/^2026年12月5日 08:00:00$/);
    expect(enF.dateTime(when)).toMatch(/^Dec 5, 2026, 8:00:00\sAM$/);
    expect(zh.time(when).value).toBe('<time datetime="2026-12-05T00:00:00.000Z">2026年12月5日 08:00:00</time>');
    expect(enF.count(1234567)).toBe('1,234,567');
    expect(enF.percent(0.1234)).toBe('12.3%');
    expect(enF.metric(0.78456)).toBe('0.785');
    expect(enF.bytes(3 * 1024 * 1024)).toBe('3 MiB');
    expect(enF.bytes(512)).toBe('512 B');
  });
});

describe('every registered page in both languages', () => {
  const consoles = new Map<ConsoleKind, TestConsole>();
  beforeAll(async () => {
    for (const kind of CONSOLE_KINDS) consoles.set(kind, await startTestConsole(kind, { portal: kind === 'coordinator' || kind === 'auditor' }));
  }, 120_000);
  afterAll(async () => {
    for (const c of consoles.values()) await c.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('shows no raw message key, for a session of each route\'s access', async () => {
    const keys = Object.keys(en);
    let pages = 0;
    for (const [kind, c] of consoles) {
      for (const route of c.router.routes.filter((r) => r.method === 'GET')) {
        const access = route.access === 'public' ? 'viewer' : route.access;
        for (const lang of ['en', 'zh-CN'] as const) {
          const { id } = access === 'enterprise' ? c.sessions.create({ subject: '91350100M000100Y43', access }) : c.sessions.create({ user: 'admin', access });
          const client = c.client();
          client.jar.set(SESSION_COOKIE, id);
          client.jar.set('__Host-fc-lang', lang);
          const r = await client.get(route.path.replace(/:([A-Za-z]+)/g, 'x1'));
          if (!(r.headers['content-type'] ?? '').startsWith('text/html')) continue;
          const text = r.body.replace(/<[^>]*>/g, ' ');
          const raw = keys.filter((k) => text.includes(k));
          expect(raw, `${kind} ${route.path} (${lang}, ${r.status}) shows raw keys`).toEqual([]);
          expect(r.body, `${kind} ${route.path}`).toContain(`<html lang="${lang}">`);
          pages++;
        }
      }
    }
    expect(pages).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
