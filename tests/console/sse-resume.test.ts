/**
 * Live pages survive a reconnect (console/http/sse.ts): EventSource retries on its own when a
 * proxy or the network cuts a stream, and sends the last event id it saw. The handlers go on
 * after it instead of adding the page's lines a second time; an alignment that failed closes
 * its stream (an ended stream without close has the browser reconnect every few seconds, and
 * each time it used to append every line again). The training job's stream is tested end to end
 * in coordinator-pages.test.ts (Last-Event-ID on a running job).
 */
import { describe, expect, it } from 'vitest';
import { resumeAfter, type SseSink } from '../../console/http/sse.js';
import { sendAlignmentRun, type AlignmentRun } from '../../console/pages/coordinator/alignments.js';
import { translator } from '../../console/i18n/translate.js';
import type { RequestContext } from '../../console/http/router.js';

function recorder(): { sink: SseSink; sent: { message: Record<string, unknown>; id?: string }[] } {
  const sent: { message: Record<string, unknown>; id?: string }[] = [];
  return { sent, sink: { send: (message, id) => sent.push({ message: message as Record<string, unknown>, ...(id !== undefined ? { id } : {}) }), closed: false } };
}

const ctx = { t: translator('en') } as unknown as RequestContext;
const progress = (stage: string, message: string) => ({ stage, message, site: '', result: null }) as unknown as AlignmentRun['messages'][number];

describe('resumeAfter', () => {
  it('takes the later of the page\'s count and the browser\'s Last-Event-ID', () => {
    expect(resumeAfter('2', {})).toBe(2);
    expect(resumeAfter('2', { 'last-event-id': '5' })).toBe(5);
    expect(resumeAfter('7', { 'last-event-id': '5' })).toBe(7);
    expect(resumeAfter(null, { 'last-event-id': ' 3 ' })).toBe(3);
  });

  it('treats anything but a plain count as absent', () => {
    for (const bad of ['-1', '1e3', 'x', '', '1.5', '9'.repeat(16)]) {
      expect(resumeAfter(bad, {}), bad).toBe(0);
      expect(resumeAfter('1', { 'last-event-id': bad }), bad).toBe(1);
    }
  });
});

describe('an alignment run\'s stream', () => {
  const run = (): AlignmentRun => ({ id: 'r', started: 0, messages: [progress('psi', 'one'), progress('psi', 'two'), progress('split', 'three')], ended: false, listeners: new Set() });

  it('numbers its lines, and goes on after the last one a reconnecting browser showed', () => {
    const r = run();
    const first = recorder();
    expect(sendAlignmentRun(ctx, r, 0, first.sink)).toBe(3);
    expect(first.sent.map((s) => s.id)).toEqual(['1', '2', '3']);
    const again = recorder();
    expect(sendAlignmentRun(ctx, r, resumeAfter('0', { 'last-event-id': '2' }), again.sink)).toBe(3);
    expect(again.sent).toEqual([{ message: { append: { 'align-messages': 'split: three' } }, id: '3' }]);
  });

  it('ends with reload when it aligned, and with close (not a bare end) when it failed', () => {
    const done = { ...run(), ended: true };
    const ok = recorder();
    sendAlignmentRun(ctx, done, 3, ok.sink);
    expect(ok.sent).toEqual([{ message: { text: { 'align-state': '' }, reload: true } }]);
    const failed = { ...run(), ended: true, error: { code: 'UNAVAILABLE', message: 'power is unreachable' } };
    const bad = recorder();
    sendAlignmentRun(ctx, failed, 3, bad.sink);
    expect(bad.sent).toHaveLength(1);
    expect(bad.sent[0]!.message).toMatchObject({ close: true, status: { 'align-state': 'bad' } });
    expect(bad.sent[0]!.message).not.toHaveProperty('reload');
    expect((bad.sent[0]!.message['text'] as Record<string, string>)['align-state']).toContain('UNAVAILABLE power is unreachable');
  });
});
