/**
 * The routes every console has (cskel): sign-in with an account (3.1) or the single-use link
 * (3.2), sign-out, the language switch (section 7). Accounts are made only on the console's
 * host (`fedcredit console user add`): there is no registration page, and the page the link
 * opens shows that command rather than a form that would set a password over the web.
 */
import { html, type Html } from '../http/html.js';
import { CONSOLE_KINDS, redirect, type RequestContext, type Response, type Route } from '../http/router.js';
import { isLang } from '../i18n/catalogue.js';
import { langCookie, clearSessionCookie } from '../security/cookies.js';
import { HashBusyError, type AccountStore } from '../security/accounts.js';
import type { SignInThrottle } from '../security/throttle.js';
import { LINK_USER, type LoginLinks } from '../security/login-link.js';
import { page } from './layout.js';

export interface AuthServices {
  accounts: AccountStore;
  throttle: SignInThrottle;
  links: LoginLinks;
  /** The client's address (behind a proxy: X-Forwarded-For from loopback). */
  clientAddress(ctx: RequestContext): string;
  endSession(ctx: RequestContext): void;
}

export const USER_ADD_COMMAND = 'fedcredit console user add --data DIR --name NAME --role admin|viewer';

/** Only a local path may be a redirect target after sign-in or a language switch (no open redirect). */
export function localPath(value: string | null | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f]/.test(value)) return fallback;
  return value;
}

function loginForm(ctx: RequestContext, opts: { message?: Html | string; name?: string; next?: string } = {}): Html {
  const { t } = ctx;
  return html`<div class="login card">
${opts.message ? html`<p class="error-box" role="alert" data-login-error>${opts.message}</p>` : ''}
<form method="post" action="/login" class="stack">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}">
<input type="hidden" name="next" value="${localPath(opts.next)}">
<label>${t('login.name')}<input type="text" name="name" autocomplete="username" required maxlength="64" value="${opts.name ?? ''}" autofocus></label>
<label>${t('login.password')}<input type="password" name="password" autocomplete="current-password" required maxlength="1024"></label>
<button type="submit">${t('login.submit')}</button>
</form>
<p class="muted">${t('login.noAccount', { command: '' })}<code>${USER_ADD_COMMAND}</code></p>
</div>`;
}

export function authRoutes(services: AuthServices): Route[] {
  const all = CONSOLE_KINDS;
  return [
    {
      method: 'GET', path: '/login', kinds: all, access: 'public',
      handle: async (ctx) => {
        if (ctx.session && ctx.session.access !== 'enterprise') return redirect(localPath(ctx.query.get('next')));
        const expired = ctx.query.get('expired') === '1';
        return page(ctx, 'login.title', loginForm(ctx, { next: ctx.query.get('next') ?? '/', ...(expired ? { message: ctx.t('login.expired') } : {}) }));
      },
    },
    {
      method: 'POST', path: '/login', kinds: all, access: 'public',
      handle: async (ctx) => {
        const form = await ctx.form();
        const name = (form.get('name') ?? '').trim().slice(0, 64);
        const password = form.get('password') ?? '';
        const next = localPath(form.get('next'));
        const address = services.clientAddress(ctx);
        const keys = [`name:${name}`, `addr:${address}`];
        const wait = services.throttle.admit(keys);
        if (wait > 0) {
          ctx.log('console_sign_in', { name, address, outcome: 'throttled' });
          return page(ctx, 'login.title', loginForm(ctx, { message: ctx.t('login.throttled', { seconds: wait }), name, next }), { status: 429, headers: { 'retry-after': String(wait) } });
        }
        let account;
        try {
          account = await services.accounts.check(name, password);
        } catch (err) {
          if (!(err instanceof HashBusyError)) throw err;
          ctx.log('console_sign_in', { name, address, outcome: 'busy' });
          return page(ctx, 'login.title', loginForm(ctx, { message: ctx.t('login.busy'), name, next }), { status: 503, headers: { 'retry-after': '5' } });
        }
        if (!account) {
          services.throttle.failed(keys);
          ctx.log('console_sign_in', { name, address, outcome: 'failed' });
          return page(ctx, 'login.title', loginForm(ctx, { message: ctx.t('login.failed'), name, next }), { status: 401 });
        }
        services.throttle.succeeded([`name:${name}`]);
        ctx.log('console_sign_in', { name, address, outcome: 'ok', role: account.role });
        return ctx.startSession({ user: account.name, access: account.role }, next);
      },
    },
    {
      method: 'GET', path: '/login/link/:token', kinds: all, access: 'public',
      handle: async (ctx) => {
        const address = services.clientAddress(ctx);
        if (!services.links.redeem(ctx.params.token ?? '')) {
          ctx.log('console_sign_in', { name: LINK_USER, address, outcome: 'link-invalid' });
          return page(ctx, 'login.title', html`<p class="error-box" role="alert" data-login-error>${ctx.t('login.linkInvalid')}</p>`, { status: 403 });
        }
        ctx.log('console_sign_in', { name: LINK_USER, address, outcome: 'ok', role: 'admin', via: 'link' });
        return ctx.startSession({ user: LINK_USER, access: 'admin' }, '/?welcome=link');
      },
    },
    {
      method: 'POST', path: '/logout', kinds: all, access: 'public',
      handle: async (ctx) => {
        const wasEnterprise = ctx.session?.access === 'enterprise';
        services.endSession(ctx);
        return { status: 303, headers: { location: wasEnterprise ? '/e/sign-in' : '/login', 'set-cookie': [clearSessionCookie()] } };
      },
    },
    {
      method: 'POST', path: '/lang', kinds: all, access: 'public',
      handle: async (ctx): Promise<Response> => {
        const form = await ctx.form();
        const lang = form.get('lang') ?? '';
        if (!isLang(lang)) return redirect(localPath(form.get('back')));
        if (ctx.session) ctx.session.lang = lang;
        return { status: 303, headers: { location: localPath(form.get('back')), 'set-cookie': [langCookie(lang)] } };
      },
    },
  ];
}

/** The notice on a dashboard opened through the single-use link (pages add it with `welcomeNotice(ctx)`). */
export function welcomeNotice(ctx: RequestContext): Html {
  if (ctx.query.get('welcome') !== 'link' || ctx.session?.user !== LINK_USER) return html``;
  return html`<p class="notice" data-welcome>${ctx.t('login.linkWelcome', { command: '' })}<code>${USER_ADD_COMMAND}</code></p>`;
}
