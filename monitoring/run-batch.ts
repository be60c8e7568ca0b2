/**
 * One re-scored batch's outcome at the coordinator (docs/design/monitoring.md 2.2 step 5), with
 * no I/O: the nodes' masked vectors summed slot by slot (scoring/vector-aggregation.ts), each
 * sum decoded, recalibrated and mapped to points exactly as a single query is
 * (scoring/coordinator.ts: decodeFixed, applyCalibration, scoreLogit); a slot any site refused
 * is a skip by that site (its `rescore-skip` goes with the next append); then change detection
 * (changes.ts) per item, giving the items' new state and the events to write with the batch's
 * `done` (run-driver.ts). A change event carries each site's sealed box for the slot and the
 * coordinator's signature over the answer (scoring/protocol.ts answerStatement, rescore id
 * `runId:subject`), as a ScoreResponse does, so the bank can open it and ask for a receipt.
 */
import { applyCalibration } from '../scoring/calibration.js';
import { answerStatement } from '../scoring/protocol.js';
import { scoreLogit } from '../scoring/score-scale.js';
import { decodeFixed } from '../scoring/secure-aggregation.js';
import { EXPLANATION_BOX_BYTES } from '../scoring/sealed-explanation.js';
import { sumVectors } from '../scoring/vector-aggregation.js';
import type { ModelMetadata } from '../training/model-registry.js';
import type { RescoreBatchResponse__Output } from '../proto/gen/fedcredit/v1/RescoreBatchResponse.js';
import { detectChange, type ItemLast, type RunOutcome } from './changes.js';
import type { PendingSkip, RunBatchRecord } from './coordinator-state.js';
import { scoreOf, type NewEvent } from './events.js';
import type { PortfolioItem } from './portfolio-store.js';
import type { RunItemResult } from './run-report.js';

export interface BatchInput {
  readonly run: { readonly runId: string; readonly portfolio: string; readonly month: string };
  readonly model: ModelMetadata;
  readonly batch: RunBatchRecord;
  /** The items' current state, by subject (removed or missing ones are left out of the outcome). */
  readonly items: ReadonlyMap<string, PortfolioItem>;
  /** Every site's answer to the batch (none when every item was skipped at the coordinator). */
  readonly answers: readonly RescoreBatchResponse__Output[];
  /** Slot -> the first site that refused it. */
  readonly refused: ReadonlyMap<number, { readonly site: string; readonly code: string }>;
  /** The batch's `rescore` entries, slot by slot, as logged. */
  readonly entries: readonly Uint8Array[];
  readonly keyStatement: (site: string) => Uint8Array;
  readonly sign: (message: Uint8Array) => Uint8Array;
  readonly now: number;
}

export interface BatchOutcome {
  readonly items: PortfolioItem[];
  readonly events: NewEvent[];
  readonly results: RunItemResult[];
  readonly skippedCodes: string[];
  /** Slots refused by a site: logged as `rescore-skip` with the next append. */
  readonly newSkips: PendingSkip[];
}

export function batchOutcome(o: BatchInput): BatchOutcome {
  const { run, model, batch: b, answers } = o;
  const sums = b.count > 0 ? sumVectors(answers.map((a) => new Uint8Array(a.shares))) : new BigUint64Array(0);
  const out: BatchOutcome = { items: [], events: [], results: [], skippedCodes: [], newSkips: [] };
  // The event's extras (boxes copied out of the batch, the answer's Ed25519 signature) are built
  // only for an item whose grade or warning changed: most items of a run do not change.
  const apply = (item: PortfolioItem, outcome: RunOutcome, extra: () => Partial<NewEvent>) => {
    const { next, change } = detectChange(item, outcome);
    const { last: _old, ...rest } = item;
    void _old;
    out.items.push({ ...rest, status: next.status, ...(next.last ? { last: next.last } : {}) });
    if (!change) return;
    out.events.push({
      kind: change.kind, portfolio: run.portfolio, runId: run.runId, subject: item.subject, timeMs: o.now,
      ...(change.previous ? { previous: scoreOf(change.previous) } : {}),
      ...(change.current ? { current: scoreOf(change.current, change.current.probabilityOfDefault) } : {}),
      ...(change.direction ? { direction: change.direction } : {}), modelChanged: change.modelChanged,
      ...(change.skipCode ? { skipCode: change.skipCode } : {}), ...(change.kind !== 'skip' ? extra() : {}),
    });
  };
  const live = (subject: string): PortfolioItem | undefined => {
    const item = o.items.get(subject);
    return item && item.status !== 'removed' ? item : undefined;
  };
  for (const s of b.skips) {
    const item = live(s.subject);
    if (!item) continue;
    apply(item, { kind: 'skipped', code: s.code, refusedBy: s.refusedBy }, () => ({}));
    out.skippedCodes.push(s.code);
  }
  for (let j = 0; j < b.count; j++) {
    const subject = b.subjects[j]!;
    const item = live(subject);
    if (!item) continue;
    const refusal = o.refused.get(j);
    if (refusal) {
      out.newSkips.push({ subject, consentId: item.consentId, refusedBy: refusal.site, code: refusal.code });
      apply(item, { kind: 'skipped', code: refusal.code, refusedBy: refusal.site }, () => ({}));
      out.skippedCodes.push(refusal.code);
      continue;
    }
    const scored = scoreLogit(applyCalibration(decodeFixed(sums[j]!), model.calibration), model.scale);
    const last: ItemLast = { runId: run.runId, asOf: run.month, points: scored.points, grade: scored.grade, warning: scored.warning, modelVersion: model.modelVersion };
    const previousWarning = item.last?.warning;
    apply(item, { kind: 'scored', score: { ...last, probabilityOfDefault: scored.probabilityOfDefault } }, () => {
      const entry = o.entries[j]!;
      const coverage = answers.map((a) => ({ site: a.site, covered: ((a.covered[j >> 3] ?? 0) >> (j & 7) & 1) === 1 }));
      const logIndex = b.firstIndex + j;
      return {
        logIndex, entry,
        sites: answers.map((a, k) => ({
          site: a.site, covered: coverage[k]!.covered,
          sealedExplanation: new Uint8Array(a.sealedExplanations.subarray(EXPLANATION_BOX_BYTES * j, EXPLANATION_BOX_BYTES * (j + 1))), siteKeyStatement: o.keyStatement(a.site),
        })),
        answerSignature: o.sign(answerStatement({
          queryId: `${run.runId}:${subject}`, logIndex, entry, points: scored.points, grade: scored.grade, warning: scored.warning, model: model.modelVersion, coverage,
        })),
      };
    });
    out.results.push({ points: scored.points, grade: scored.grade, warning: scored.warning, ...(previousWarning !== undefined ? { previousWarning } : {}) });
  }
  return out;
}
