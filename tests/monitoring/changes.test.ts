import { describe, expect, it } from 'vitest';
import { detectChange, skippedStatus, type ItemLast, type ItemState, type RunOutcome } from '../../monitoring/changes.js';

const score = (points: number, grade: string, warning: ItemLast['warning'], model = 'm1', runId = 'r2'): RunOutcome => ({
  kind: 'scored',
  score: { runId, asOf: '2026-01', points, grade, warning, modelVersion: model, probabilityOfDefault: 0.05 },
});
const last = (points: number, grade: string, warning: ItemLast['warning'], model = 'm1'): ItemLast => ({ runId: 'r1', asOf: '2025-12', points, grade, warning, modelVersion: model });
const skip = (code: string, refusedBy = 'coordinator'): RunOutcome => ({ kind: 'skipped', code, refusedBy });

describe('monitoring change detection', () => {
  it('the first re-score sets the baseline and pushes nothing', () => {
    const r = detectChange({ status: 'active' }, score(640, 'BBB', 'none'));
    expect(r.change).toBeUndefined();
    expect(r.next).toEqual({ status: 'active', last: { runId: 'r2', asOf: '2026-01', points: 640, grade: 'BBB', warning: 'none', modelVersion: 'm1' } });
  });

  it('a grade or warning change is pushed with its direction; a move within the grade is not', () => {
    const s: ItemState = { status: 'active', last: last(640, 'BBB', 'none') };
    expect(detectChange(s, score(630, 'BBB', 'none')).change).toBeUndefined();
    const worse = detectChange(s, score(560, 'BB', 'yellow')).change!;
    expect(worse).toMatchObject({ kind: 'change', direction: 'worse', modelChanged: false, previous: { points: 640 }, current: { points: 560, grade: 'BB' } });
    expect(detectChange(s, score(640, 'BBB', 'blue')).change).toMatchObject({ kind: 'change', modelChanged: false });
    expect(detectChange(s, score(700, 'A', 'none')).change).toMatchObject({ kind: 'change', direction: 'better' });
    expect(detectChange(s, score(560, 'BB', 'yellow', 'm2')).change).toMatchObject({ kind: 'change', modelChanged: true });
  });

  it('a skip is pushed once per reason, keeps the last score, and the next score is resumed', () => {
    const s: ItemState = { status: 'active', last: last(640, 'BBB', 'none') };
    const first = detectChange(s, skip('CONSENT_EXPIRED'));
    expect(first.change).toMatchObject({ kind: 'skip', skipCode: 'CONSENT_EXPIRED', refusedBy: 'coordinator', previous: { points: 640 } });
    expect(first.next).toEqual({ status: 'skipped:CONSENT_EXPIRED', last: s.last });
    expect(detectChange(first.next, skip('CONSENT_EXPIRED')).change).toBeUndefined();
    expect(detectChange(first.next, skip('CONSENT_REVOKED', 'tax')).change).toMatchObject({ kind: 'skip', skipCode: 'CONSENT_REVOKED', refusedBy: 'tax' });
    const back = detectChange(first.next, score(640, 'BBB', 'none'));
    expect(back.change).toMatchObject({ kind: 'resumed', previous: { points: 640 } });
    expect(back.change!.direction).toBeUndefined();
    expect(back.next.status).toBe('active');
    // Skipped on its very first run: resumed without a previous score.
    expect(detectChange({ status: 'skipped:POLICY_REFUSED' }, score(500, 'B', 'red')).change).toMatchObject({ kind: 'resumed', current: { points: 500 } });
  });

  it('refuses what the run driver must never pass', () => {
    expect(() => detectChange({ status: 'removed' }, score(1, 'D', 'red'))).toThrow(/removed item is never re-scored/);
    expect(() => skippedStatus('expired')).toThrow(/error code/);
  });
});
