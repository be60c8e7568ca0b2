/**
 * GET /score and POST /score (admin; docs/design/console.md 4.3): the bank scores one
 * enterprise by uploading the consent file the enterprise signed for it. The query is signed
 * and sent by scoring/requester.ts's ScoringSession with the bank's own keys (bank-state.ts),
 * as `fedcredit score` does; the page shows points, grade, warning, PD and the opened,
 * checked explanations, or the refusal with its stable code (e.g. CONSENT_REVOKED, marked
 * `data-refusal-code`) and what the code means in the page's language.
 *
 * The consent is parsed in memory and never stored by the console. The form is multipart (a
 * file input works without JavaScript), so its CSRF token travels in the action's query
 * (server.ts checks it there for multipart posts).
 */
import type { Readable } from 'node:stream';
import { html, type Html } from '../../http/html.js';
import type { RequestContext, Response, Route } from '../../http/router.js';
import { ConsoleError } from '../../http/errors.js';
import { multipart } from '../../http/forms.js';
import { page } from '../layout.js';
import { FedcreditError } from '../../../lib/errors.js';
import { parseConsent, type ConsentOperation } from '../../../consent/verify.js';
import type { ScoreResult } from '../../../scoring/requester.js';
import { bankName, saveAnswer, scoringSession } from './bank-state.js';
import { codeMeaning, label, warningLabel } from './entries.js';

/** A consent file is a few KiB; anything larger is not one. */
export const MAX_CONSENT_BYTES = 64 * 1024;

export async function readSmallFile(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ConsoleError('TOO_LARGE', 413, `a consent file is at most ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}

function scoreForm(ctx: RequestContext, model = '', operation = 'score'): Html {
  const { t } = ctx;
  const admin = ctx.session?.access === 'admin';
  return html`<form method="post" action="/score?_csrf=${encodeURIComponent(ctx.csrfToken)}" enctype="multipart/form-data" class="stack card" data-score-form>
<label>${t('bank.score.consent')}<input type="file" name="consent" accept=".json,application/json" required></label>
<label>${t('bank.score.model')}<input type="text" name="model" value="${model}" maxlength="32"></label>
<label>${t('bank.score.operation')}<select name="operation">${(['score', 'explain'] as const).map((op) => html`<option value="${op}"${op === operation ? html` selected` : ''}>${t(`bank.score.op.${op}`)}</option>`)}</select></label>
<button type="submit"${admin ? '' : html` disabled`}>${t('bank.score.submit')}</button>
${admin ? '' : html`<p class="muted">${t('bank.score.viewerNote')}</p>`}
</form>`;
}

function intro(ctx: RequestContext): Html {
  return html`<p class="muted">${ctx.t('bank.score.intro', { name: bankName(ctx) })}</p>`;
}

function answerView(ctx: RequestContext, r: ScoreResult, explainGranted: boolean): Html {
  const { t, fmt } = ctx;
  const scored = r.scored
    ? html`<div class="grid">
<div class="card"><div class="figure" data-points>${r.points}</div><div class="figure-label">${t('bank.col.points')}</div></div>
<div class="card"><div class="figure" data-grade>${r.grade}</div><div class="figure-label">${t('bank.col.grade')}</div></div>
<div class="card"><div class="figure">${warningLabel(ctx, r.warning)}</div><div class="figure-label">${t('bank.col.warning')}</div></div>
<div class="card"><div class="figure" data-pd>${fmt.percent(r.probabilityOfDefault)}</div><div class="figure-label">${t('bank.score.pd')}</div></div>
</div>`
    : html`<p class="notice">${t('bank.score.explainOnly')}</p>`;
  const reasons = explainGranted
    ? html`<table class="data" data-explanations><thead><tr><th>${t('bank.col.sites')}</th><th>${t('bank.score.explanations')}</th></tr></thead><tbody>
${r.explanations.map((e) => html`<tr data-explanation-site="${e.site}"><td><code>${e.site}</code></td><td>${e.reasons.length
      ? e.reasons.map((x, i) => html`${i > 0 ? ', ' : ''}<code>${x.feature}</code> (${label(ctx, `bank.direction.${x.direction}`, x.direction)})`)
      : e.covered ? t('bank.score.noReasons') : t('bank.score.notCovered')}</td></tr>`)}
</tbody></table>`
    : html`<p class="muted">${t('bank.score.notGranted')}</p>`;
  return html`<section class="card" data-score-answer>
<h2>${t('bank.score.result', { enterprise: r.enterprise })}</h2>
${scored}
<h2>${t('bank.score.coverage')}</h2>
<ul>${r.coverage.map((c) => html`<li><code>${c.site}</code>: ${c.covered ? t('bank.score.covered') : t('bank.score.notCovered')}</li>`)}</ul>
<h2>${t('bank.score.explanations')}</h2>
${reasons}
<p>${t('bank.score.loggedAs', { index: r.logIndex })} <a href="/queries/${r.logIndex}/receipt" data-receipt-link="${r.logIndex}">${t('bank.score.openReceipt')}</a> · <code>${r.model}</code> · <code>${r.queryId}</code></p>
</section>`;
}

/** A refusal, shown on the score page itself (not as an error page) so the bank sees why beside its form. */
export function refusalView(ctx: RequestContext, code: string, message: string): Html {
  const { t } = ctx;
  return html`<section class="error-box" role="alert" data-score-refused>
<h2>${t('bank.score.refused')}</h2>
<dl>
<dt>${t('bank.score.refusedCode')}</dt><dd><code data-refusal-code="${code}">${code}</code></dd>
<dt>${t('bank.score.refusedMeaning')}</dt><dd data-refusal-meaning>${codeMeaning(ctx, code)}</dd>
<dt>${t('bank.score.refusedMessage')}</dt><dd>${message}</dd>
</dl>
</section>`;
}

async function scorePage(ctx: RequestContext): Promise<Response> {
  return page(ctx, 'bank.score.title', html`${intro(ctx)}${scoreForm(ctx)}`);
}

async function scorePost(ctx: RequestContext): Promise<Response> {
  let consent: string | undefined;
  const fields = await multipart(ctx.request, MAX_CONSENT_BYTES, async (file) => {
    const text = await readSmallFile(file.stream, MAX_CONSENT_BYTES);
    if (file.field === 'consent') consent = text;
  });
  const model = (fields.get('model') ?? '').trim();
  const operation: ConsentOperation = fields.get('operation') === 'explain' ? 'explain' : 'score';
  const again = scoreForm(ctx, model, operation);
  if (!consent) return page(ctx, 'bank.score.title', html`${intro(ctx)}<p class="error-box" role="alert">${ctx.t('bank.score.noFile')}</p>${again}`, { status: 400 });
  const parsed = parseConsent(consent);
  if (!parsed.ok) {
    return page(ctx, 'bank.score.title', html`${intro(ctx)}${refusalView(ctx, 'CONSENT_MALFORMED', ctx.t('bank.score.badConsent', { message: parsed.message }))}${again}`, { status: 400 });
  }
  if (model && !/^[A-Za-z0-9._-]{1,32}$/.test(model)) throw new ConsoleError('BAD_REQUEST', 400, 'a model version is letters, digits, . _ - (e.g. m3)');
  const enterprise = parsed.value.subject;
  ctx.log('console_bank_score', { user: ctx.session?.user, enterprise, consentId: parsed.value.consentId, operation });
  let body: Html;
  try {
    const result = await scoringSession(ctx).score({ enterprise, consent, operation, ...(model ? { model } : {}) });
    await saveAnswer(ctx, result);
    body = answerView(ctx, result, parsed.value.scope.operations.includes('explain'));
  } catch (err) {
    if (!(err instanceof FedcreditError)) throw err;
    // A refusal is an answer of the protocol (logged as a `refusal` entry): shown with its code beside the form.
    body = refusalView(ctx, err.code, err.message);
  }
  return page(ctx, 'bank.score.title', html`${intro(ctx)}${body}${again}`);
}

export const scoreRoutes: Route[] = [
  { method: 'GET', path: '/score', kinds: ['bank'], access: 'viewer', nav: 'bank.nav.score', handle: scorePage },
  { method: 'POST', path: '/score', kinds: ['bank'], access: 'admin', handle: scorePost },
];
