/**
 * The LevelDB transparency log: batched durable appends, proofs that match an in-memory
 * RFC 9162 tree, checkpoints, reopen, and crash images (the store directory copied while
 * appends are in flight) that always open to a consistent prefix holding every acknowledged
 * entry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TransparencyLog } from '../../log/store.js';
import { decodeEntry, encodeEntry } from '../../log/entries.js';
import { MemoryTree, hashLeaf, verifyConsistency, verifyInclusion } from '../../log/merkle.js';
import { openCheckpoint } from '../../log/checkpoint.js';
import { identity, utf8 } from './helpers.js';

const ORIGIN = 'fedcredit.test/log';
const signer = identity(ORIGIN);
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-log-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const open = (p = path.join(dir, 'log'), maxBatch?: number) =>
  TransparencyLog.open({ path: p, origin: ORIGIN, signer, ...(maxBatch ? { maxBatch } : {}) });

const entry = (i: number) => encodeEntry({ v: 1, kind: 'query', body: { i, requester: `bank-${i % 7}` } });

describe('TransparencyLog', () => {
  it('appends concurrently, assigns each index once, and proves every entry', async () => {
    const log = await open(undefined, 64);
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => log.append(entry(i)).then((r) => ({ ...r, i }))));
    expect(new Set(results.map((r) => r.index)).size).toBe(500);
    expect(log.size).toBe(500);

    const stored = await log.entries(0, 500);
    const byIndex = new Map(results.map((r) => [r.index, r.i]));
    stored.forEach((bytes, index) => expect(Buffer.from(bytes)).toEqual(Buffer.from(entry(byIndex.get(index)!))));

    const mem = new MemoryTree(stored.map(hashLeaf));
    expect(Buffer.from(log.root())).toEqual(Buffer.from(mem.root()));
    for (const size of [1, 2, 3, 7, 64, 65, 255, 256, 257, 500]) {
      expect(Buffer.from(await log.rootAt(size))).toEqual(Buffer.from(mem.rootAt(size)));
      for (const index of [0, size >> 1, size - 1]) {
        const proof = await log.inclusionProof(index, size);
        expect(verifyInclusion(hashLeaf(stored[index]!), index, size, proof, mem.rootAt(size))).toEqual({ ok: true });
      }
      if (size < 500) {
        const proof = await log.consistencyProof(size, 500);
        expect(verifyConsistency(size, 500, mem.rootAt(size), mem.root(), proof)).toEqual({ ok: true });
      }
    }
    await expect(log.inclusionProof(0, 501)).rejects.toThrow(RangeError);
    await expect(log.entries(0, 501)).rejects.toThrow(RangeError);
    await log.close();
  });

  it('signs checkpoints, reuses one per size, keeps cosigned ones, survives reopen', async () => {
    let log = await open();
    for (let i = 0; i < 10; i++) await log.append(entry(i));
    const note = await log.checkpoint();
    expect(await log.checkpoint()).toBe(note);
    const opened = openCheckpoint(note, { origin: ORIGIN, key: signer });
    expect(opened.ok && opened.checkpoint.size).toBe(10);
    await log.saveCosignedCheckpoint(note);
    await expect(log.saveCosignedCheckpoint(note.replace('\n10\n', '\n11\n'))).rejects.toThrow(/not a checkpoint of this log/);
    const root = log.root();
    await log.close();

    log = await open();
    expect(log.size).toBe(10);
    expect(Buffer.from(log.root())).toEqual(Buffer.from(root));
    expect(await log.latestCheckpoint()).toBe(note);
    expect(await log.latestCosignedCheckpoint()).toBe(note);
    const { index } = await log.append(entry(10));
    expect(index).toBe(10);
    expect((await log.verifyIntegrity()).ok).toBe(true);
    await log.close();
    await expect(log.append(entry(11))).rejects.toThrow(/closed/);
  });

  it('refuses a store that belongs to another origin', async () => {
    const log = await open();
    await log.close();
    await expect(TransparencyLog.open({ path: path.join(dir, 'log'), origin: 'other/log', signer })).rejects.toThrow(/belongs to origin/);
  });

  it('close() waits for appends already issued', async () => {
    const log = await open(undefined, 16);
    const pending = Array.from({ length: 100 }, (_, i) => log.append(entry(i)));
    await log.close();
    const indices = (await Promise.all(pending)).map((r) => r.index).sort((a, b) => a - b);
    expect(indices).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const again = await open();
    expect(again.size).toBe(100);
    await again.close();
  });

  it('crash images taken mid-append open to a consistent prefix with every acknowledged entry', async () => {
    const log = await open(undefined, 32);
    let acknowledged = 0;
    const appends: Promise<unknown>[] = [];
    const images: { path: string; acknowledged: number }[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 150; i++) appends.push(log.append(entry(round * 150 + i)).then(() => acknowledged++));
      // Let a few batches land, then copy the directory while later ones are still in flight:
      // what is on disk at that instant is what a power cut would leave.
      await new Promise((r) => setTimeout(r, 3 + round * 2));
      const ackBefore = acknowledged;
      const image = path.join(dir, `crash-${round}`);
      fs.cpSync(path.join(dir, 'log'), image, { recursive: true });
      images.push({ path: image, acknowledged: ackBefore });
    }
    await Promise.all(appends);
    await log.close();

    for (const image of images) {
      fs.rmSync(path.join(image.path, 'LOCK'), { force: true });
      const recovered = await open(image.path);
      expect(recovered.size).toBeGreaterThanOrEqual(image.acknowledged);
      if (process.env['LOG_DEBUG']) console.log(`image: acknowledged ${image.acknowledged}, recovered ${recovered.size}`);
      const report = await recovered.verifyIntegrity();
      expect(report.findings).toEqual([]);
      const stored = await recovered.entries(0, recovered.size);
      stored.forEach((bytes) => expect(decodeEntry(bytes).ok).toBe(true));
      expect(Buffer.from(recovered.root())).toEqual(Buffer.from(new MemoryTree(stored.map(hashLeaf)).root()));
      // The recovered log keeps working from where it stopped.
      const { index } = await recovered.append(utf8('after crash'));
      expect(index).toBe(stored.length);
      await recovered.close();
    }
  });
});
