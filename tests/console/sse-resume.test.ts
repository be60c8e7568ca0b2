/**
 * Live pages survive a reconnect (console/http/sse.ts): EventSource retries on its own when a
 * proxy or the network cuts a stream, and sends the last event id it saw. The handlers go on
 * after it instead of adding the page's lines a second time; an alignment that failed closes
 * its stream (an ended stream without close has the browser reconnect every few seconds, and
 * each time it used to append every line again). The training job's stream is tested end to end
 * in coordinator-pages.test.ts (Last-Event-ID on a running job). The bank's portfolio events
 * (ids are the stored events' ids) go on after the newest the page showed or the browser got,
 * read from an events file written as the console's watcher writes it (monitoring/event-file.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeAfter, resumeAfterEventId, type SseSink } from '../../console/http/sse.js';
import { sendAlignmentRun, type AlignmentRun } from '../../console/pages/coordinator/alignments.js';
import { sendEventsAfter } from '../../console/pages/bank/portfolios.js';
import { EventFile } from '../../monitoring/event-file.js';
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

describe('a portfolio\'s event stream', () => {
  it('takes the later of the newest event the page showed and Last-Event-ID, bigints included; neither means absent', () => {
    expect(resumeAfterEventId('3', {})).toBe(3n);
    expect(resumeAfterEventId('3', { 'last-event-id': '5' })).toBe(5n);
    expect(resumeAfterEventId('9', { 'last-event-id': '5' })).toBe(9n);
    expect(resumeAfterEventId(null, { 'last-event-id': '18446744073709551615' })).toBe(18446744073709551615n);
    expect(resumeAfterEventId('0', {})).toBe(0n);
    for (const bad of [null, '', '-1', '1e3', 'x', '1'.repeat(21)]) expect(resumeAfterEventId(bad, { 'last-event-id': bad ?? undefined }), String(bad)).toBeUndefined();
  });

  it('sends the stored events after the one the page or the browser last had, oldest first, each once, with its id', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-portfolio-events-'));
    try {
      const file = path.join(dir, 'smes.jsonl');
      const events = new EventFile(file);
      const finished = (id: number) => events.append({ eventId: String(id), kind: 'run-finished', runId: `run-${id}`, run: { scored: id, skipped: 0, changed: 0 } });
      for (const id of [1, 2, 3]) finished(id);
      // The page showed up to #1; the browser reconnects having had #2.
      const first = recorder();
      let last = sendEventsAfter(ctx, file, resumeAfterEventId('1', { 'last-event-id': '2' })!, first.sink);
      expect(last).toBe(3n);
      expect(first.sent.map((s) => s.id)).toEqual(['3']);
      expect((first.sent[0]!.message['append'] as Record<string, string>)['portfolio-live']).toMatch(/^#3 .*run-3/);
      // Nothing new: nothing sent. Two more stored: both, in order.
      const next = recorder();
      expect(sendEventsAfter(ctx, file, last, next.sink)).toBe(3n);
      finished(4);
      finished(5);
      last = sendEventsAfter(ctx, file, last, next.sink);
      expect(next.sent.map((s) => s.id)).toEqual(['4', '5']);
      expect(last).toBe(5n);
      // A page rendered with no events (after=0) gets every stored one.
      const empty = recorder();
      sendEventsAfter(ctx, file, resumeAfterEventId('0', {})!, empty.sink);
      expect(empty.sent.map((s) => s.id)).toEqual(['1', '2', '3', '4', '5']);
      events.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
