/**
 * How the coordinator stores a monitoring run (monitoring/coordinator-state.ts): a header and one
 * key per batch, so a batch's write carries that batch only and listing runs reads no batch; an
 * ended run keeps no batch; a header written before this layout (batches inline) still reads.
 * Real LevelDB on disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinatorMonitoring, type RunBatchRecord, type RunRecord } from '../../monitoring/coordinator-state.js';

let dir: string;
let state: CoordinatorMonitoring;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-record-'));
  state = await CoordinatorMonitoring.open(dir);
});
afterAll(async () => {
  await state.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const batch = (seq: number, stage: 'logged' | 'done'): RunBatchRecord => ({
  batchSeq: seq, firstIndex: 10 + seq * 1000, count: 1000, stage, appendFirst: 10 + seq * 1000, appendEntries: 1000, skips: [],
  subjects: Array.from({ length: 1000 }, (_, i) => `subject-${seq}-${String(i).padStart(4, '0')}`),
  ...(stage === 'done' ? { summary: { scored: [{ points: 600, grade: 'BB', warning: 'none' }], skipped: [], changed: 1, seconds: 0.5 } } : {}),
} as RunBatchRecord);

function record(runId: string): RunRecord {
  return {
    runId, requester: 'bank-a', portfolio: 'book', model: 'm1', trigger: 'manual:bank-a', asOf: { tax: '2026-10' }, month: '2026-10',
    startedMs: Date.now(), items: 3000, batchSize: 1000, stage: 'batch', batches: [], pendingSkips: [],
  };
}

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of state.events.sublevel.keys({ gte: prefix, lt: `${prefix}\xff` })) out.push(k);
  return out;
}

async function storedBytes(key: string): Promise<number> {
  return JSON.stringify(await state.events.sublevel.get(key)).length;
}

describe('a monitoring run record', () => {
  it('is a header plus one key per batch; a batch\'s write leaves the other batches alone; runs() lists headers only', async () => {
    const rec = record('run-1');
    for (let seq = 0; seq < 3; seq++) {
      const b = batch(seq, 'logged');
      rec.batches.push(b);
      await state.putRun(rec, [b]);
    }
    rec.batches[1] = batch(1, 'done');
    rec.tally = { batchesDone: 1, scored: 1, skipped: 0, changed: 1 };
    await state.db.batch(await state.runOps(rec, [rec.batches[1]]), { sync: true });
    expect(await keys('b/run-1/')).toHaveLength(3);
    // The header does not grow with the batches (it held every subject twice per batch before).
    expect(await storedBytes('r/run-1')).toBeLessThan(1000);
    const back = await state.run('run-1');
    expect(back?.batches.map((b) => [b.batchSeq, b.stage, b.subjects.length])).toEqual([[0, 'logged', 1000], [1, 'done', 1000], [2, 'logged', 1000]]);
    expect(back?.tally).toEqual(rec.tally);
    const listed = (await state.runs()).find((r) => r.runId === 'run-1')!;
    expect('batches' in listed).toBe(false);
    expect(listed.stage).toBe('batch');
  });

  it('deletes its batches when it ends, finished or failed', async () => {
    const rec = (await state.run('run-1'))!;
    rec.stage = 'finished';
    await state.putRun(rec);
    expect(await keys('b/run-1/')).toEqual([]);
    expect((await state.run('run-1'))?.batches).toEqual([]);
    const failed = record('run-2');
    failed.batches.push(batch(0, 'logged'));
    await state.putRun(failed, failed.batches);
    failed.stage = 'failed';
    await state.putRun(failed);
    expect(await keys('b/run-2/')).toEqual([]);
  });

  it('reads a header written before batches had their own keys (batches inline)', async () => {
    const legacy = { ...record('run-3'), batches: [batch(0, 'done'), batch(1, 'logged')] };
    await state.events.sublevel.put('r/run-3', JSON.parse(JSON.stringify(legacy)));
    const back = await state.run('run-3');
    expect(back?.batches.map((b) => b.stage)).toEqual(['done', 'logged']);
    expect('batches' in (await state.runs()).find((r) => r.runId === 'run-3')!).toBe(false);
    // Written again (as a resumed run does, with every batch), the header sheds them and they get keys.
    await state.putRun(back!, back!.batches);
    expect(await keys('b/run-3/')).toHaveLength(2);
    expect(await storedBytes('r/run-3')).toBeLessThan(1000);
    expect((await state.run('run-3'))?.batches.map((b) => b.stage)).toEqual(['done', 'logged']);
  });
});
