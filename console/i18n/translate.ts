/**
 * `t(key, params)`: a message in the request's language with `{name}` placeholders filled in;
 * a `{ one, other }` message chooses by `params.count` with Intl.PluralRules. The result is
 * text: the `html` template escapes it like any other value.
 */
import { CATALOGUES, isMessageKey, type Lang, type Message, type MessageKey } from './catalogue.js';

export type MessageParams = Readonly<Record<string, string | number>>;

export interface Translator {
  (key: MessageKey, params?: MessageParams): string;
  readonly lang: Lang;
  /** Whether a key built at run time (e.g. `errors.${code}`) exists. */
  has(key: string): key is MessageKey;
}

export function translator(lang: Lang): Translator {
  const catalogue = CATALOGUES[lang];
  const plurals = new Intl.PluralRules(lang);
  const t = (key: MessageKey, params: MessageParams = {}): string => {
    const message: Message | undefined = catalogue[key];
    if (message === undefined) return key;
    const text = typeof message === 'string' ? message
      : (plurals.select(Number(params.count ?? 0)) === 'one' ? message.one : message.other);
    return fill(text, params, lang);
  };
  return Object.assign(t, { lang, has: (key: string): key is MessageKey => isMessageKey(key) });
}

function fill(text: string, params: MessageParams, lang: Lang): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(lang).format(value) : value;
  });
}
