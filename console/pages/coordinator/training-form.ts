/**
 * The "start a training job" form: its fields are `fedcredit train`'s job flags, listed from the
 * CLI's own option definitions (training/cli.ts trainJobFlags), and a submitted form becomes
 * those flags and goes through the CLI's parser and checks (parseTrainArgs), so the console
 * refuses exactly what the CLI refuses, with the CLI's message, before anything is sent. Only
 * the listed flags are read from the form; anything else in it is ignored.
 */
import { html, type Html } from '../../http/html.js';
import type { RequestContext } from '../../http/router.js';
import { parseTrainArgs, trainJobFlags } from '../../../training/cli.js';
import type { TrainingRequest } from '../../../training/client.js';
import { DEFAULT_MODEL_KIND } from '../../../models/registry.js';
import { TREES_KIND } from '../../../models/trees/kind.js';
import { FUSION_KIND } from '../../../models/fusion/kind.js';
import { isMessageKey } from '../../i18n/catalogue.js';
import type { AlignmentSummary__Output } from '../../../proto/gen/fedcredit/v1/AlignmentSummary.js';

/** Flags the form does not offer: resuming has its own button; --kind is --model's alias. */
const NOT_IN_FORM = new Set(['resume', 'kind']);
/** Shown at the top of the form; the others in "every parameter". */
const MAIN = ['alignment', 'model', 'epochs', 'purpose'];
export const MODEL_KINDS = [DEFAULT_MODEL_KIND, 'scorecard', TREES_KIND, FUSION_KIND];

export function formFlags(): { name: string; takesValue: boolean; help: string }[] {
  return trainJobFlags().filter((f) => !NOT_IN_FORM.has(f.name));
}

/** The form's fields as `fedcredit train` words, then the CLI's parse: the request, or the CLI's refusal (thrown). */
export function trainingRequestFromForm(form: URLSearchParams): TrainingRequest {
  const args: string[] = [];
  for (const flag of formFlags()) {
    const value = form.get(flag.name);
    if (value === null) continue;
    if (flag.takesValue) {
      if (value.trim() !== '') args.push(`--${flag.name}`, value.trim());
    } else if (value === 'on') {
      args.push(`--${flag.name}`);
    }
  }
  return parseTrainArgs(args);
}

/** An option's text: the kind in the page's language and its code (`fedcredit train --model` takes the code). */
function kindWords(ctx: RequestContext, kind: string): string {
  const key = `common.modelKind.${kind}`;
  return isMessageKey(key) ? `${ctx.t(key)} (${kind})` : kind;
}

function field(ctx: RequestContext, flag: { name: string; takesValue: boolean; help: string }, form: URLSearchParams | undefined, alignments: readonly AlignmentSummary__Output[]): Html {
  const given = form?.get(flag.name) ?? '';
  const label = html`<code>--${flag.name}</code> <span class="muted">${flag.help}</span>`;
  if (!flag.takesValue) return html`<label class="check"><span><input type="checkbox" name="${flag.name}"${given === 'on' ? html` checked` : ''}> ${label}</span></label>`;
  if (flag.name === 'alignment' && alignments.length > 0) {
    return html`<label>${label}<select name="alignment" required>${alignments.map((a) => html`<option value="${a.alignmentId}"${a.alignmentId === given ? html` selected` : ''}>${a.alignmentId} (${a.ring.join(', ')}, ${String(a.intersectionSize)})</option>`)}</select></label>`;
  }
  if (flag.name === 'model') {
    return html`<label>${label}<select name="model">${MODEL_KINDS.map((k) => html`<option value="${k}"${k === (given || DEFAULT_MODEL_KIND) ? html` selected` : ''}>${kindWords(ctx, k)}</option>`)}</select></label>`;
  }
  const value = given || (flag.name === 'purpose' ? 'credit-scoring' : '');
  return html`<label>${label}<input type="text" name="${flag.name}" value="${value}" autocomplete="off"></label>`;
}

export function trainingForm(ctx: RequestContext, alignments: readonly AlignmentSummary__Output[], form?: URLSearchParams, refusal?: string): Html {
  const flags = formFlags();
  return html`<form method="post" action="/training" class="stack wide" id="train-form">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}">
${refusal ? html`<div class="error-box" role="alert" id="train-refused">${ctx.t('coordinator.train.refused', { message: refusal })}</div>` : ''}
<p class="muted">${ctx.t('coordinator.train.flagsNote')}</p>
${flags.filter((f) => MAIN.includes(f.name)).map((f) => field(ctx, f, form, alignments))}
<details${refusal ? html` open` : ''}><summary>${ctx.t('coordinator.train.advanced')}</summary>
<div class="stack">${flags.filter((f) => !MAIN.includes(f.name)).map((f) => field(ctx, f, form, alignments))}</div>
</details>
<button type="submit">${ctx.t('coordinator.train.submit')}</button>
</form>`;
}
