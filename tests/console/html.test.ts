/**
 * The console's only way to make HTML (console/http/html.ts): every interpolated value is
 * escaped unless it is Html; lists join; nothing renders for null, undefined and booleans.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, join, raw } from '../../console/http/html.js';

describe('html template', () => {
  it('escapes text in content and attributes', () => {
    const name = `<img src=x onerror="alert(1)">&'\``;
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      '<td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;&#96;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;&#96;</td>');
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });

  it('passes Html through, joins lists and renders nothing for empty values', () => {
    const rows = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${rows}</ul>`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${true}${0}`.value).toBe('0');
    expect(html`${raw('<b>ok</b>')}`.value).toBe('<b>ok</b>');
    expect(join([html`<i>1</i>`, '<2>'], html`<br>`).value).toBe('<i>1</i><br>&lt;2&gt;');
    // Nested templates escape once, not twice.
    expect(html`<p>${html`<span>${'&'}</span>`}</p>`.value).toBe('<p><span>&amp;</span></p>');
  });

  it('a string that looks like Html is still escaped (only instances pass)', () => {
    const fake = { value: '<script>x</script>', toString: () => '<script>x</script>' };
    expect(html`${fake as unknown as string}`.value).toBe('&lt;script&gt;x&lt;/script&gt;');
  });
});
