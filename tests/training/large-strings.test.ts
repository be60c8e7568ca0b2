/**
 * training/large-strings.ts: a job record's large strings are written once, named by hash, and
 * read back exactly; what changes is added, what no record names any more is dropped.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LARGE_STRING_CHARS, LargeStrings } from '../../training/large-strings.js';

const big = (c: string, n = LARGE_STRING_CHARS): string => c.repeat(n);
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('a job record\'s large strings', () => {
  it('replaces each large string by its hash, leaves the rest and the state itself alone', () => {
    const keys = big('k');
    const rows = big('r', LARGE_STRING_CHARS + 7);
    const state = { spec: { jobId: 'j1', small: 'x'.repeat(LARGE_STRING_CHARS - 1) }, kind: { keys, tree: 3, route: [{ node: 1, rows }, { node: 2, rows: 'AAAA' }], n: [1, 2, 3] } };
    const before = JSON.stringify(state);
    const strings = new LargeStrings();
    const d = strings.detach(state);
    expect(JSON.stringify(state)).toBe(before);
    expect(d.record.kind.keys).toEqual({ 'fc:string': sha(keys) });
    expect(d.record.kind.route[0]!.rows).toEqual({ 'fc:string': sha(rows) });
    expect(d.record.kind.route[1]).toBe(state.kind.route[1]);
    expect(d.record.spec).toBe(state.spec);
    expect(d.record.kind.n).toBe(state.kind.n);
    expect([...d.added.keys()].sort()).toEqual([sha(keys), sha(rows)].sort());
    expect(d.added.get(sha(keys))).toBe(keys);
    expect(d.dropped).toEqual([]);
    expect(JSON.stringify(d.record).length).toBeLessThan(LARGE_STRING_CHARS + 1000);
  });

  it('writes a string once while records name it, adds what changed and drops what no record names', () => {
    const strings = new LargeStrings();
    const state: { keys: string; F: string; twice?: string } = { keys: big('k'), F: big('a') };
    const first = strings.detach(state);
    expect(first.added.size).toBe(2);
    // Not committed (the write failed): the next write adds them again.
    expect(strings.detach(state).added.size).toBe(2);
    strings.detach(state).commit();
    expect(strings.detach(state).added.size).toBe(0);
    // An equal string in another object is the same stored string.
    expect(strings.detach({ keys: big('k'), F: big('a') }).added.size).toBe(0);
    state.F = big('b');
    state.twice = big('b');
    const next = strings.detach(state);
    expect([...next.added.keys()]).toEqual([sha(big('b'))]);
    expect(next.dropped).toEqual([sha(big('a'))]);
    next.commit();
    const gone = strings.detach({ keys: state.keys });
    expect(gone.dropped).toEqual([sha(big('b'))]);
  });

  it('reads a record back exactly, and then knows its strings as written', async () => {
    const writer = new LargeStrings();
    const state = { a: [big('p'), { deep: big('q'), n: 5 }], b: null, c: big('p') };
    const d = writer.detach(state);
    const store = new Map(d.added);
    const stored = JSON.parse(JSON.stringify(d.record)) as typeof state;
    const reader = new LargeStrings();
    const back = await reader.attach(stored, async (h) => store.get(h), 'job j1');
    expect(back).toEqual(state);
    expect(reader.detach(back).added.size).toBe(0);
    // A record without references comes back as it is.
    const plain = { x: 1 };
    expect(await new LargeStrings().attach(plain, async () => undefined, 'job j2')).toBe(plain);
  });

  it('refuses a record whose string is gone, naming the job', async () => {
    const d = new LargeStrings().detach({ keys: big('k') });
    await expect(new LargeStrings().attach(d.record, async () => undefined, 'site tax, job j1')).rejects.toThrow(/site tax, job j1: its record names a stored string .* that is gone/);
  });
});
