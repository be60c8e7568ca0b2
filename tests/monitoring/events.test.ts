/**
 * The monitoring event store (monitoring/events.ts): numbered without gaps, written with the
 * caller's batch and visible only after commit, followed from a cursor with no gap or
 * duplicate across live commits, one follower per portfolio, cumulative acks that survive a
 * reopen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStore, type MonitoringEvent, type NewEvent, type PortfolioKey } from '../../monitoring/events.js';

let dir: string;
let root: Level<string, unknown>;
const P: PortfolioKey = { requester: 'bank-a', portfolio: 'sme-loans' };
const OTHER: PortfolioKey = { requester: 'bank-a/x', portfolio: 'sme' };

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-events-'));
  root = new Level<string, unknown>(path.join(dir, 'db'), { valueEncoding: 'json' });
  await root.open();
});
afterEach(async () => {
  await root.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ev = (subject: string, kind: NewEvent['kind'] = 'change'): NewEvent => ({
  kind, portfolio: P.portfolio, runId: 'r1', subject, timeMs: 1,
  current: { points: 500, grade: 'B', warning: 'yellow', asOf: '2026-01', modelVersion: 'm1', probabilityOfDefault: 0.1 },
  sites: [{ site: 'tax', covered: true, sealedExplanation: new Uint8Array([1, 2, 3]), siteKeyStatement: new Uint8Array([9]) }],
  logIndex: 7, entry: new Uint8Array([4, 5]), answerSignature: new Uint8Array(64).fill(7),
});

/** Writes a batch as the run driver does: the ops in one root batch, then commit. */
async function write(store: EventStore, p: PortfolioKey, events: NewEvent[]): Promise<MonitoringEvent[]> {
  const b = await store.prepare(p, events);
  await root.batch(b.ops, { sync: true });
  b.commit();
  return b.events;
}

async function take(it: AsyncGenerator<MonitoringEvent>, n: number): Promise<MonitoringEvent[]> {
  const out: MonitoringEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('monitoring events', () => {
  it('numbers from 1 without gaps, per portfolio, and round-trips every field', async () => {
    const store = new EventStore(root);
    const a = await write(store, P, [ev('x1'), ev('x2')]);
    await write(store, OTHER, [ev('y1')]);
    const b = await write(store, P, [ev('x3')]);
    expect([...a, ...b].map((e) => e.eventId)).toEqual([1n, 2n, 3n]);
    const read: MonitoringEvent[] = [];
    for await (const e of store.readAfter(P, 0n)) read.push(e);
    expect(read.map((e) => e.subject)).toEqual(['x1', 'x2', 'x3']);
    expect(read[0]).toEqual({ ...ev('x1'), eventId: 1n });
    // A name with a slash never reaches into another portfolio's range.
    const other: MonitoringEvent[] = [];
    for await (const e of store.readAfter(OTHER, 0n)) other.push(e);
    expect(other.map((e) => e.subject)).toEqual(['y1']);
    // A fresh store (a restarted coordinator) continues the numbering from disk.
    expect(await new EventStore(root).newest(P)).toBe(3n);
  });

  it('an abandoned batch (failed write) reuses its numbers; uncommitted events are not read', async () => {
    const store = new EventStore(root);
    const first = await store.prepare(P, [ev('a')]);
    await expect(store.prepare(P, [ev('b')])).rejects.toThrow(/neither committed nor abandoned/);
    first.abandon();
    const again = await store.prepare(P, [ev('a2')]);
    expect(again.events[0]!.eventId).toBe(1n);
    await root.batch(again.ops, { sync: true });
    // Written but not committed: invisible to readers until commit.
    const before: MonitoringEvent[] = [];
    for await (const e of store.readAfter(P, 0n)) before.push(e);
    expect(before).toEqual([]);
    again.commit();
    const after: MonitoringEvent[] = [];
    for await (const e of store.readAfter(P, 0n)) after.push(e);
    expect(after.map((e) => e.subject)).toEqual(['a2']);
  });

  it('follow: stored events after the cursor, then live ones, no gap and no duplicate', async () => {
    const store = new EventStore(root);
    await write(store, P, [ev('1'), ev('2'), ev('3')]);
    const ac = new AbortController();
    const f = store.follow(P, 1n, ac.signal);
    expect((await take(f, 2)).map((e) => e.eventId)).toEqual([2n, 3n]);
    // Live: commits while the follower waits, and commits racing its store read.
    const next = take(f, 4);
    await write(store, P, [ev('4')]);
    await write(store, P, [ev('5'), ev('6')]);
    await write(store, P, [ev('7')]);
    expect((await next).map((e) => e.eventId)).toEqual([4n, 5n, 6n, 7n]);
    ac.abort();
    expect((await f.next()).done).toBe(true);
  });

  it('one follower per portfolio: the second ends the first with WATCH_REPLACED', async () => {
    const store = new EventStore(root);
    await write(store, P, [ev('1')]);
    const first = store.follow(P, 0n);
    expect((await take(first, 1)).length).toBe(1);
    // The handler is attached before the second follower starts: the first ends while it reads.
    const firstEnds = expect(first.next()).rejects.toMatchObject({ code: 'WATCH_REPLACED' });
    const second = store.follow(P, 0n);
    expect((await take(second, 1))[0]!.eventId).toBe(1n);
    await firstEnds;
    await expect(take(store.follow(P, 5n), 1)).rejects.toMatchObject({ code: 'EVENT_CURSOR_INVALID' });
    await store.close();
  });

  it('acks are cumulative, bounded by the newest event, and survive a reopen', async () => {
    const store = new EventStore(root);
    await write(store, P, [ev('1'), ev('2'), ev('3')]);
    await store.ack(P, 2n);
    await store.ack(P, 1n); // lower: no-op
    expect(await store.cursor(P)).toBe(2n);
    await expect(store.ack(P, 4n)).rejects.toMatchObject({ code: 'EVENT_CURSOR_INVALID' });
    await store.flushAcks();
    const reopened = new EventStore(root);
    expect(await reopened.cursor(P)).toBe(2n);
    // follow() without a cursor starts after the acknowledged one.
    expect((await take(reopened.follow(P, undefined), 1))[0]!.eventId).toBe(3n);
    await reopened.close();
  });
});
