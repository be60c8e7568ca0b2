/**
 * Which language a request gets (docs/design/console.md section 7): the `__Host-fc-lang`
 * cookie set by the switch in every page's header, else the browser's Accept-Language
 * (q-values; zh, zh-CN, zh-Hans*, zh-SG -> zh-CN; anything else -> en), else the console's
 * --default-lang.
 */
import { isLang, type Lang } from './catalogue.js';

export function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const ranges = header.split(',').map((part, order) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find((m) => m !== null);
    return { tag: tag.trim().toLowerCase(), q: q ? Number(q[1]) : 1, order };
  }).filter((r) => r.tag.length > 0 && r.q > 0 && Number.isFinite(r.q));
  ranges.sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranges) {
    if (tag === 'zh' || tag === 'zh-cn' || tag.startsWith('zh-hans') || tag === 'zh-sg') return 'zh-CN';
    if (tag === '*') continue;
    // Any other language (zh-TW, zh-Hant included: no traditional catalogue) gets English.
    return 'en';
  }
  return undefined;
}

export function negotiateLang(cookieLang: string | undefined, acceptLanguage: string | undefined, defaultLang: Lang): Lang {
  if (isLang(cookieLang)) return cookieLang;
  return fromAcceptLanguage(acceptLanguage) ?? defaultLang;
}
