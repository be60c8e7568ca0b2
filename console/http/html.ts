/**
 * The one way pages make HTML: a tagged template that escapes every interpolated value (section
 * 10 of docs/design/console.md, "XSS through a feature name, a requester name, an error
 * message"). Only an `Html` value passes through unescaped; `raw()` makes one and is the only
 * door for trusted markup (an SVG chart's data: URL, a constant), so a reviewer greps for it.
 */

/** Markup that is already safe: built by `html` or, deliberately, by `raw`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** A value a template may interpolate: text, numbers, safe Html, nothing, or a list of these. */
export type HtmlValue = string | number | bigint | boolean | null | undefined | Html | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<td>${name}</td>\``: every `${}` is escaped unless it is Html; arrays are joined; null, undefined and booleans render nothing. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Trusted markup, not escaped. Use only for constants and markup this code built itself. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** Joins Html pieces with an optional separator (itself escaped unless Html). */
export function join(items: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  return new Html(items.map(render).join(render(separator)));
}
