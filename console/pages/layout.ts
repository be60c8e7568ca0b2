/**
 * Every page's frame: <html lang>, the stylesheet and live.js by hashed URL (no inline script
 * or style, section 3.6), the header with the party, the menu of the console's kind, the
 * language switch (POST /lang with the form token) and sign-out. `page()` is what routes
 * return; `errorPage()` shows a failure with its stable code, the message and the localised
 * explanation of the code.
 */
import { html, type Html } from '../http/html.js';
import type { RequestContext, Response } from '../http/router.js';
import { LANGS, type MessageKey } from '../i18n/catalogue.js';
import { CSS_URL, LIVE_URL } from '../static/assets.js';

export function page(ctx: RequestContext, title: MessageKey, body: Html, opts: { status?: number; headers?: Record<string, string | readonly string[]> } = {}): Response {
  return { status: opts.status ?? 200, headers: { 'content-type': 'text/html; charset=utf-8', ...opts.headers }, body: document(ctx, ctx.t(title), body) };
}

function document(ctx: RequestContext, title: string, body: Html): Html {
  const { t } = ctx;
  return html`<!DOCTYPE html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${t('common.app')}</title>
<link rel="stylesheet" href="${CSS_URL}">
<script src="${LIVE_URL}" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('common.skip')}</a>
<header class="top">
<a class="brand" href="${ctx.session?.access === 'enterprise' ? '/e/' : '/'}">${t('common.app')}</a>
<span class="party">${t('common.party', { kind: t(`common.kind.${ctx.kind}`), party: `${ctx.options.identity.role}/${ctx.options.identity.name}` })}</span>
<nav class="main" aria-label="${t('common.nav.dashboard')}">${ctx.nav.map((item) => html`<a href="${item.path}"${item.path === ctx.path ? html` aria-current="page"` : ''}>${t(item.key)}</a>`)}</nav>
<div class="user">
${languageSwitch(ctx)}
${ctx.session ? html`<span>${t('common.signedInAs', { name: ctx.session.user ?? ctx.session.subject ?? '', access: t(`common.access.${ctx.session.access}`) })}</span>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${ctx.csrfToken}"><button type="submit">${t('common.signOut')}</button></form>` : ''}
</div>
</header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
<footer>fedcredit</footer>
</body>
</html>
`;
}

function languageSwitch(ctx: RequestContext): Html {
  const back = ctx.method === 'GET' ? ctx.path + (ctx.query.size > 0 ? `?${ctx.query.toString()}` : '') : '/';
  return html`<form method="post" action="/lang" class="lang">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="back" value="${back}">
<label><span class="skip">${ctx.t('common.language')}</span><select name="lang">${LANGS.map((l) => html`<option value="${l}"${l === ctx.lang ? html` selected` : ''}>${ctx.t(`lang.${l}`)}</option>`)}</select></label>
<button type="submit">${ctx.t('common.switch')}</button>
</form>`;
}

/** An error page: the stable code (as the CLI prints it), the message, and what the code means in the page's language. */
export function errorPage(ctx: RequestContext, status: number, code: string, message: string): Response {
  const key = `errors.${code}`;
  const explanation = ctx.t.has(key) ? ctx.t(key) : ctx.t('error.unknownCode');
  return page(ctx, 'error.title', html`<div class="error-box" role="alert"><dl>
<dt>${ctx.t('error.code')}</dt><dd><code data-error-code="${code}">${code}</code></dd>
<dt>${ctx.t('error.message')}</dt><dd>${message}</dd>
<dt>${ctx.t('error.explanation')}</dt><dd>${explanation}</dd>
</dl></div>
<p><a href="${ctx.session?.access === 'enterprise' ? '/e/' : '/'}">${ctx.t('common.back')}</a></p>`, { status });
}
