/**
 * A node deletes the stored answers of a run whose FinishRun never came, 7 days after storing
 * them (docs/design/monitoring.md 2.4), and marks the run finished, so a late replay of one of
 * its batches is REPLAY_UNKNOWN and never a fresh computation under the same masks. Real LevelDB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentLedger, memoryLedgerStore } from '../../consent/ledger.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { identityFromSeed } from '../../crypto/identity.js';
import { ServedRecordBook } from '../../log/served-book.js';
import { NodeItems } from '../../monitoring/node-items.js';
import { answerKey, ANSWER_TTL_MS, NodeRescore } from '../../monitoring/node-rescore.js';
import { NodeStore } from '../../site/store.js';

let dir: string;
let store: NodeStore;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-sweep-'));
  store = await NodeStore.open(dir, 'power');
});
afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('stored answers of unfinished runs', () => {
  it('are deleted after 7 days, the run marked finished; fresher ones stay', async () => {
    const ledger = ConsentLedger.over(memoryLedgerStore(), { trustedRegistrars: [] });
    const log = () => undefined;
    const items = new NodeItems({ store, site: 'power', ledger, follower: undefined, trustedRegistrars: [], log });
    const rescore = new NodeRescore({
      store, site: 'power', sealingKeys: generateX25519KeyPair(), ledger, follower: undefined, items,
      servedRecords: new ServedRecordBook(store, 'power', identityFromSeed(new Uint8Array(32).fill(3))), log,
    });
    const now = Date.now();
    const answer = (storedAt: number) => JSON.stringify({ runIndex: 1, firstIndex: 2, count: 1, shares: '', covered: '', refused: [], sealed: '', logPosition: 3, storedAt });
    await store.monitoring.put(answerKey('old-run', 0), answer(now - ANSWER_TTL_MS - 1));
    await store.monitoring.put(answerKey('old-run', 1), answer(now - ANSWER_TTL_MS - 1));
    await store.monitoring.put(answerKey('new-run', 0), answer(now - 1000));
    expect(await rescore.sweep(now)).toBe(2);
    const keys: string[] = [];
    for await (const k of store.monitoring.keys()) keys.push(k);
    expect(keys.sort()).toEqual([answerKey('new-run', 0), 'f/old-run']);
  });
});
