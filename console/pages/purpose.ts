/**
 * Labels shared by several pages. A consent's or a model's purpose in the page's language, from the one set of labels in
 * i18n/messages/common.ts (`common.purpose.*`): the bank's queries and models, the enterprise's
 * entries and consents and the coordinator's model list all say the same words (the design's
 * fixed renderings 授信评估 / 贷后监控, docs/design/console.md section 7). A purpose the
 * catalogue does not know yet is shown as the code it is, never as a raw message key.
 */
import { html, type Html } from '../http/html.js';
import type { RequestContext } from '../http/router.js';
import { isMessageKey } from '../i18n/catalogue.js';

export function purposeLabel(ctx: Pick<RequestContext, 't'>, purpose: unknown): Html {
  if (typeof purpose !== 'string' || purpose === '') return html`-`;
  const key = `common.purpose.${purpose}`;
  return isMessageKey(key) ? html`<span data-purpose="${purpose}">${ctx.t(key)}</span>` : html`<code data-purpose="${purpose}">${purpose}</code>`;
}

/** A model's kind in the page's language (`common.modelKind.*`) beside its code, which `fedcredit train --model` takes. */
export function modelKindLabel(ctx: Pick<RequestContext, 't'>, kind: unknown): Html {
  const code = typeof kind === 'string' && kind !== '' ? kind : 'lr';
  const key = `common.modelKind.${code}`;
  return isMessageKey(key) ? html`<span data-model-kind="${code}">${ctx.t(key)} <code class="muted">${code}</code></span>` : html`<code data-model-kind="${code}">${code}</code>`;
}
