/**
 * NodeStore.writeGroup: the writes asked for in one turn of the event loop (a scoring batch's
 * consent claims and served records) go to LevelDB as one synced batch, and are all there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { NodeStore } from '../../site/store.js';

let dir: string;
let store: NodeStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-group-writes-'));
  store = await NodeStore.open(path.join(dir, 'node'), 'tax');
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('writes of one event-loop turn go as one synced batch, each to its sublevel', async () => {
  const batch = vi.spyOn(store.db, 'batch');
  await Promise.all([
    store.writeGroup([{ type: 'put', key: 'use!c1', value: '1', sublevel: store.consent }]),
    store.writeGroup([{ type: 'put', key: 'qid!q1', value: '{}', sublevel: store.consent }, { type: 'put', key: 'use!c2', value: '3', sublevel: store.consent }]),
  ]);
  expect(batch).toHaveBeenCalledTimes(1);
  expect(batch.mock.calls[0]![1]).toEqual({ sync: true });
  expect(await store.consent.get('use!c1')).toBe('1');
  expect(await store.consent.get('qid!q1')).toBe('{}');
  expect(await store.consent.get('use!c2')).toBe('3');
  // A later turn is a later batch.
  await store.writeGroup([{ type: 'del', key: 'use!c1', sublevel: store.consent }]);
  expect(batch).toHaveBeenCalledTimes(2);
  expect(await store.consent.get('use!c1')).toBeUndefined();
});
