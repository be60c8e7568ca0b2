/**
 * Change detection for post-loan monitoring (issue 21, docs/design/monitoring.md 4.1): given
 * what the coordinator last knew of a portfolio item and the outcome of this run, the item's
 * next state and the event to push to the bank, if any.
 *
 * - The first re-score of an item sets its baseline and pushes nothing (the bank reads
 *   baselines by listing the portfolio).
 * - A re-score whose grade or warning level differs from the last one is a `change`, `worse`
 *   or `better` by points; across a model switch it says so (`modelChanged`).
 * - A skip (consent expired, revoked, uses spent, a site refused) is a `skip` event once per
 *   reason: the same reason again next month pushes nothing.
 * - A re-score after a skip is `resumed`, whether or not the grade moved.
 *
 * Pure: the run driver applies it per item and writes the items' new state and the events in
 * the same LevelDB batch as the batch's completion, so a restart neither loses nor repeats an
 * event. The item keeps only its latest score (the residual risk in the design's section 8).
 */
import type { WarningLevel } from '../scoring/score-scale.js';

/** The latest re-score of an item, as the coordinator keeps it. */
export interface ItemLast {
  readonly runId: string;
  readonly asOf: string;
  readonly points: number;
  readonly grade: string;
  readonly warning: WarningLevel;
  readonly modelVersion: string;
}

/** `active`; `skipped:<CODE>` after a run skipped it; `removed` by the bank. */
export type ItemStatus = 'active' | `skipped:${string}` | 'removed';

export interface ItemState {
  readonly status: ItemStatus;
  readonly last?: ItemLast;
}

export type RunOutcome =
  | { readonly kind: 'scored'; readonly score: ItemLast & { readonly probabilityOfDefault: number } }
  | { readonly kind: 'skipped'; readonly code: string; readonly refusedBy: string };

export type ChangeKind = 'change' | 'skip' | 'resumed';

export interface ItemChange {
  readonly kind: ChangeKind;
  readonly previous?: ItemLast;
  readonly current?: ItemLast & { readonly probabilityOfDefault: number };
  /** By points: lower points are worse. Absent on a skip. */
  readonly direction?: 'worse' | 'better';
  readonly modelChanged: boolean;
  readonly skipCode?: string;
  readonly refusedBy?: string;
}

export function skippedStatus(code: string): ItemStatus {
  if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new RangeError(`a skip code is an error code such as CONSENT_EXPIRED, got '${code}'`);
  return `skipped:${code}`;
}

/** The item's next state and the change to push (undefined: nothing to tell the bank). */
export function detectChange(state: ItemState, outcome: RunOutcome): { next: ItemState; change?: ItemChange } {
  if (state.status === 'removed') throw new Error('a removed item is never re-scored: the run driver must leave it out of the batch');
  if (outcome.kind === 'skipped') {
    const status = skippedStatus(outcome.code);
    // The last score stays: a firm skipped this month keeps its grade until it is scored again.
    const next: ItemState = { status, ...(state.last ? { last: state.last } : {}) };
    if (state.status === status) return { next };
    return {
      next,
      change: { kind: 'skip', ...(state.last ? { previous: state.last } : {}), modelChanged: false, skipCode: outcome.code, refusedBy: outcome.refusedBy },
    };
  }
  const { probabilityOfDefault, ...last } = outcome.score;
  const next: ItemState = { status: 'active', last };
  const prev = state.last;
  const direction = (): 'worse' | 'better' | undefined =>
    prev === undefined || last.points === prev.points ? undefined : last.points < prev.points ? 'worse' : 'better';
  const modelChanged = prev !== undefined && prev.modelVersion !== last.modelVersion;
  const dir = direction();
  const base = { ...(prev ? { previous: prev } : {}), current: outcome.score, ...(dir ? { direction: dir } : {}), modelChanged };
  if (state.status !== 'active') return { next, change: { kind: 'resumed', ...base } };
  if (prev === undefined) return { next };
  if (prev.grade === last.grade && prev.warning === last.warning) return { next };
  return { next, change: { kind: 'change', ...base } };
}
