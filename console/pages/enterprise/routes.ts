/**
 * The enterprise portal (docs/design/console.md 3.3, 4.5, owner: caudit), in a coordinator or
 * auditor console started with --enterprise-portal: sign-in by the registered key's signature
 * over a one-time challenge, the entries about the enterprise (who queried it, when, why, under
 * which consent), its consents as the log knows them, and revocation with a revocation.json
 * the enterprise's own CLI signed (the console cannot revoke without that signature).
 * Entries are read only through ./scope.ts, with the subject of the session.
 */
import { html } from '../../http/html.js';
import type { RequestContext, Response, Route } from '../../http/router.js';
import { errorPage, page } from '../layout.js';
import { challengeText } from '../../../consent/sign-in.js';
import { parseRevocation, revocationSignatureValid } from '../../../consent/revocation.js';
import { newestBoundKey } from '../../security/enterprise-challenge.js';
import { submitConsentRecord } from '../../../scoring/requester.js';
import { ENTRIES_CSV_HEADER, KIND_WORDS, entryCsvLine, entryRow } from '../../../log/audit/entries-filter.js';
import { download } from '../../http/router.js';
import { ownConsents, ownEntries, PORTAL_PAGE, sessionSubject } from './scope.js';
import { portalState } from './state.js';
import { purposeLabel } from '../purpose.js';

const CONSENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function kindText(ctx: RequestContext, kind: string): string {
  const key = `enterprise.kind.${kind}`;
  return ctx.t.has(key) ? ctx.t(key) : `${ctx.t('enterprise.kind.other')} (${KIND_WORDS[kind] ?? kind})`;
}

function signInForm(ctx: RequestContext, problem?: { code: string; message: string }): Response {
  const { t } = ctx;
  return page(ctx, 'enterprise.signIn.title', html`${problem ? html`<div class="error-box" role="alert" data-refused><strong>${t('enterprise.signIn.refused')}</strong>: <code data-error-code="${problem.code}">${problem.code}</code> ${problem.message}</div>` : ''}
<p>${t('enterprise.signIn.intro')}</p>
<form method="post" action="/e/challenge" class="stack card login"><input type="hidden" name="_csrf" value="${ctx.csrfToken}">
<label>${t('enterprise.signIn.subject')} <input type="text" name="subject" required maxlength="256" autocomplete="organization" spellcheck="false"></label>
<button type="submit">${t('enterprise.signIn.getChallenge')}</button></form>`, { status: problem ? 403 : 200 });
}

async function challengePage(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const form = await ctx.form();
  const typed = (form.get('subject') ?? '').trim();
  // A credit code typed in lower case; an id of an `--id-type any` federation is kept as typed.
  const subject = /^[0-9a-zA-Z]{18}$/.test(typed) ? typed.toUpperCase() : typed;
  const created = portalState(ctx).challenges.create(subject, ctx.request.socket.remoteAddress ?? '?');
  if (!created.ok) return signInForm(ctx, created);
  const command = `fedcredit consent sign-in --key enterprise.key --challenge ${created.token}`;
  return page(ctx, 'enterprise.challenge.title', html`<div class="card">
<p>${t('enterprise.challenge.text', { expires: ctx.fmt.dateTime(created.challenge.expires) })}</p>
<pre data-challenge>${challengeText(created.challenge)}</pre>
<p>${t('enterprise.challenge.run')}</p>
<pre data-command>${command}</pre>
<p class="muted">${t('enterprise.challenge.check', { origin: created.challenge.origin })}</p>
</div>
<form method="post" action="/e/sign-in" class="stack card"><input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="token" value="${created.token}">
<label>${t('enterprise.challenge.response')} <input type="text" name="response" required maxlength="200" autocomplete="off" spellcheck="false" data-response></label>
<button type="submit">${t('enterprise.challenge.submit')}</button></form>`);
}

async function signIn(ctx: RequestContext): Promise<Response> {
  const form = await ctx.form();
  const verdict = await portalState(ctx).challenges.verify(form.get('token') ?? '', form.get('response') ?? '');
  ctx.log('console_enterprise_sign_in', { outcome: verdict.ok ? 'ok' : verdict.code, subject: verdict.ok ? verdict.subject : undefined, address: ctx.request.socket.remoteAddress });
  if (!verdict.ok) return signInForm(ctx, verdict);
  return ctx.startSession({ subject: verdict.subject, access: 'enterprise' }, '/e/');
}

async function home(ctx: RequestContext): Promise<Response> {
  const { t, fmt } = ctx;
  const beforeText = ctx.query.get('before');
  const before = beforeText !== null && /^\d{1,15}$/.test(beforeText) ? Number(beforeText) : undefined;
  const { subject, size, entries, problem } = await ownEntries(ctx, { limit: PORTAL_PAGE, ...(before !== undefined ? { before } : {}) });
  const rows = entries.map((e) => {
    const b = e.body;
    const who = b['requester'] ?? b['removedBy'] ?? b['registrarKey'];
    return html`<tr data-index="${e.index}"><td class="num"><code>${e.index}</code></td><td>${typeof b['time'] === 'number' ? fmt.time(b['time']) : '-'}</td><td>${kindText(ctx, e.kind)}</td><td>${typeof who === 'string' ? (e.kind === 'enterprise-key-registration' ? html`<code>${who.slice(0, 16)}…</code>` : who) : '-'}</td><td>${purposeLabel(ctx, b['purpose'])}</td><td>${typeof b['consentId'] === 'string' ? html`<code>${b['consentId']}</code>` : '-'}</td></tr>`;
  });
  const last = entries[entries.length - 1];
  return page(ctx, 'enterprise.dashboard.title', html`${problem !== undefined ? html`<p class="notice status-warn" data-stale>${t('enterprise.home.stale', { problem })}</p>` : ''}<p>${t('enterprise.home.intro', { subject, size })}</p>
${entries.length === 0 ? html`<p class="muted">${t('enterprise.home.none')}</p>` : html`<table class="data" data-own-entries>
<thead><tr><th class="num">${t('enterprise.home.index')}</th><th>${t('enterprise.home.time')}</th><th>${t('enterprise.home.what')}</th><th>${t('enterprise.home.who')}</th><th>${t('enterprise.home.purpose')}</th><th>${t('enterprise.home.consent')}</th></tr></thead>
<tbody>${rows}</tbody></table>`}
${entries.length === PORTAL_PAGE && last ? html`<p class="pager"><a href="/e/?before=${last.index}">${t('enterprise.home.older')}</a></p>` : ''}
<p><a href="/e/entries.csv" download data-csv>${t('enterprise.home.csv')}</a></p>`);
}

/** Its own entries as CSV, the columns of `audit entries --csv`, log order, UTF-8 with BOM. */
async function ownCsv(ctx: RequestContext): Promise<Response> {
  const { entries } = await ownEntries(ctx, { limit: 100_000 });
  const text = [`\uFEFF${ENTRIES_CSV_HEADER}`, ...[...entries].reverse().map((e) => entryCsvLine(entryRow(e)))].join('\r\n');
  return download('entries.csv', 'text/csv; charset=utf-8', `${text}\r\n`);
}

async function consents(ctx: RequestContext): Promise<Response> {
  const { t, fmt } = ctx;
  const { consents: list } = await ownConsents(ctx);
  return page(ctx, 'enterprise.consents.title', html`<p>${t('enterprise.consents.intro')}</p>
${list.length === 0 ? html`<p class="muted">${t('enterprise.consents.none')}</p>` : html`<table class="data" data-consents>
<thead><tr><th>${t('enterprise.consents.id')}</th><th>${t('enterprise.consents.bank')}</th><th>${t('enterprise.home.purpose')}</th><th>${t('enterprise.consents.valid')}</th><th class="num">${t('enterprise.consents.uses')}</th><th>${t('enterprise.consents.lastUse')}</th><th>${t('enterprise.consents.status')}</th><th></th></tr></thead>
<tbody>${list.map((c) => html`<tr data-consent="${c.consentId}"><td><code>${c.consentId}</code></td><td>${c.bank || '-'}</td><td>${purposeLabel(ctx, c.purpose)}</td><td>${c.validFrom === null ? '-' : fmt.time(c.validFrom)} – ${c.validUntil === null ? '-' : fmt.time(c.validUntil)}</td><td class="num">${fmt.count(c.uses)} / ${c.maxUses === null ? '-' : fmt.count(c.maxUses)}</td><td>${c.lastUse === null ? '-' : fmt.time(c.lastUse)}</td>
<td>${c.revokedAt === null ? html`<span class="status-ok">${t('enterprise.consents.active')}</span>` : html`<span class="status-bad" data-revoked="${c.revokedAt}">${t('enterprise.consents.revoked', { index: c.revokedAt })}</span>`}</td>
<td>${c.revokedAt === null && canRevokeHere(ctx) ? html`<a href="/e/consents/${c.consentId}/revoke">${t('enterprise.consents.revoke')}</a>` : ''}</td></tr>`)}</tbody></table>`}
${canRevokeHere(ctx) ? '' : html`<div class="notice" data-revoke-elsewhere><p>${t('enterprise.consents.revokeElsewhere')}</p>
<pre>fedcredit consent revoke --key enterprise.key --consent consent-ID.json --out revocation.json</pre></div>`}`);
}

/**
 * Whether this console submits revocations: the coordinator's does, as operator/coordinator
 * (Scoring.SubmitConsentRecord). An auditor's console does not: the auditor's role only reads
 * (lib/rpc-roles.ts), and it stays so (console/README.md, "the enterprise portal on an auditor's
 * console"): the consents page there says where to revoke, and the revoke routes are not mounted.
 */
function canRevokeHere(ctx: Pick<RequestContext, 'kind'>): boolean {
  return ctx.kind === 'coordinator';
}

function revokeForm(ctx: RequestContext, id: string, problem?: string): Response {
  const { t } = ctx;
  return page(ctx, 'enterprise.revoke.title', html`${problem ? html`<div class="error-box" role="alert" data-refused><strong>${t('enterprise.revoke.refused')}</strong>: ${problem}</div>` : ''}
<p>${t('enterprise.revoke.intro')}</p>
<pre data-command>fedcredit consent revoke --key enterprise.key --consent consent-${id}.json --out revocation.json</pre>
<form method="post" action="/e/consents/${id}/revoke" class="stack card"><input type="hidden" name="_csrf" value="${ctx.csrfToken}">
<label>${t('enterprise.revoke.paste')} <textarea name="revocation" rows="8" cols="80" required maxlength="4096" spellcheck="false" data-revocation></textarea></label>
<button type="submit">${t('enterprise.revoke.submit')}</button></form>`, { status: problem ? 400 : 200 });
}

async function revoke(ctx: RequestContext): Promise<Response> {
  const { t } = ctx;
  const id = ctx.params['id'] ?? '';
  if (!CONSENT_ID.test(id)) return errorPage(ctx, 404, 'NOT_FOUND', 'no such consent id');
  const subject = sessionSubject(ctx);
  const text = ((await ctx.form()).get('revocation') ?? '').trim();
  const parsed = parseRevocation(text);
  if (!parsed.ok) return revokeForm(ctx, id, t('enterprise.revoke.notJson', { problem: parsed.message }));
  const r = parsed.value;
  if (r.subject !== subject) return revokeForm(ctx, id, t('enterprise.revoke.wrongSubject', { subject }));
  if (r.consentId !== id) return revokeForm(ctx, id, t('enterprise.revoke.wrongConsent', { other: r.consentId, id }));
  const portal = portalState(ctx);
  const key = newestBoundKey(await (await portal.index()).index.bindingsOf(subject), subject, portal.trustedRegistrars);
  if (!key.ok || Buffer.from(key.publicKey).toString('hex') !== r.signerKey || !revocationSignatureValid(r)) {
    return revokeForm(ctx, id, t('enterprise.revoke.wrongKey', { subject }));
  }
  const res = await submitConsentRecord(ctx.options.target, ctx.clients.transport, text);
  ctx.log('console_enterprise_revocation', { subject, consentId: id, logIndex: res.logIndex, isNew: res.isNew });
  return page(ctx, 'enterprise.revoke.title', html`<p class="notice status-ok" data-revocation-index="${res.logIndex}">${res.isNew ? t('enterprise.revoke.done', { index: res.logIndex, id }) : t('enterprise.revoke.already', { index: res.logIndex })}</p>
<p><a href="/e/consents">${t('enterprise.consents.title')}</a></p>`);
}

export const routes: Route[] = [
  { method: 'GET', path: '/e/sign-in', kinds: ['coordinator', 'auditor'], access: 'public', handle: async (ctx) => signInForm(ctx) },
  { method: 'POST', path: '/e/challenge', kinds: ['coordinator', 'auditor'], access: 'public', handle: challengePage },
  { method: 'POST', path: '/e/sign-in', kinds: ['coordinator', 'auditor'], access: 'public', handle: signIn },
  { method: 'GET', path: '/e/', kinds: ['coordinator', 'auditor'], access: 'enterprise', nav: 'common.nav.dashboard', handle: home },
  { method: 'GET', path: '/e/entries.csv', kinds: ['coordinator', 'auditor'], access: 'enterprise', handle: ownCsv },
  { method: 'GET', path: '/e/consents', kinds: ['coordinator', 'auditor'], access: 'enterprise', nav: 'enterprise.nav.consents', handle: consents },
  {
    method: 'GET', path: '/e/consents/:id/revoke', kinds: ['coordinator'], access: 'enterprise',
    handle: async (ctx) => (CONSENT_ID.test(ctx.params['id'] ?? '') ? revokeForm(ctx, ctx.params['id']!) : errorPage(ctx, 404, 'NOT_FOUND', 'no such consent id')),
  },
  { method: 'POST', path: '/e/consents/:id/revoke', kinds: ['coordinator'], access: 'enterprise', handle: revoke },
];
