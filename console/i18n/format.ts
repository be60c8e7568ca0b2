/**
 * Numbers, rates, dates and sizes in the request's language (section 7). Never localised:
 * credit codes, consent ids, log indices, fingerprints, error codes, model versions, feature
 * names: pages print those as they are, in <code>.
 */
import { html, type Html } from '../http/html.js';
import type { Lang } from './catalogue.js';

export interface Formatter {
  readonly lang: Lang;
  readonly timeZone: string;
  /** A count, grouped (12,345). */
  count(n: number | bigint): string;
  /** A rate in [0, 1] as a percentage with one decimal (12.3%). */
  percent(rate: number): string;
  /** AUC, KS, PSI, CSI: three decimals. */
  metric(x: number): string;
  /** A number with up to `digits` decimals. */
  number(x: number, digits?: number): string;
  /** Date and time in the console's time zone, as text. */
  dateTime(when: number | Date): string;
  /** `<time datetime="ISO UTC">localised</time>`. */
  time(when: number | Date): Html;
  /** A size in B, KiB, MiB, GiB. */
  bytes(n: number): string;
}

export function formatter(lang: Lang, timeZone: string): Formatter {
  const counts = new Intl.NumberFormat(lang);
  const percents = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const metrics = new Intl.NumberFormat(lang, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium', timeZone });
  const dateTime = (when: number | Date) => dates.format(typeof when === 'number' ? new Date(when) : when);
  return {
    lang, timeZone,
    count: (n) => counts.format(n),
    percent: (rate) => percents.format(rate),
    metric: (x) => metrics.format(x),
    number: (x, digits = 2) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(x),
    dateTime,
    time: (when) => {
      const d = typeof when === 'number' ? new Date(when) : when;
      return html`<time datetime="${Number.isNaN(d.getTime()) ? '' : d.toISOString()}">${Number.isNaN(d.getTime()) ? '—' : dateTime(d)}</time>`;
    },
    bytes: (n) => {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let value = n;
      let unit = 0;
      while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
      return `${new Intl.NumberFormat(lang, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
    },
  };
}
