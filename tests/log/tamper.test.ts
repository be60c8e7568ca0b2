/**
 * Tampering with the LevelDB files behind the log's back: deleted, reordered and rewritten
 * entries are found by the store's integrity check and by an auditor holding an earlier
 * checkpoint; a fully recomputed forgery is refused on open, and if the forger also drops the
 * signed checkpoint, witnesses and auditors see a split view or an inconsistent checkpoint.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { TransparencyLog } from '../../log/store.js';
import { encodeEntry } from '../../log/entries.js';
import { META_CHECKPOINT, entryKey, nodeKey } from '../../log/store-keys.js';
import { MemoryTree, hashLeaf } from '../../log/merkle.js';
import { openCheckpoint } from '../../log/checkpoint.js';
import type { Checkpoint } from '../../log/checkpoint.js';
import { addSignatureLines } from '../../crypto/signed-note.js';
import { Witness } from '../../log/witness.js';
import { auditLog } from '../../log/audit/verify-update.js';
import { identity } from './helpers.js';

const ORIGIN = 'fedcredit.test/log';
const signer = identity(ORIGIN);
const logRef = { origin: ORIGIN, key: signer };
const witnessId = identity('node-tax.test/witness');
const N = 10;
let dir: string;
let logPath: string;
let trusted: Checkpoint;
let trustedNote: string;
let witness: Witness;

const entry = (i: number) => encodeEntry({ v: 1, kind: 'query', body: { i, purpose: 'credit-review' } });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-tamper-'));
  logPath = path.join(dir, 'log');
  const log = await TransparencyLog.open({ path: logPath, origin: ORIGIN, signer });
  await Promise.all(Array.from({ length: N }, (_, i) => log.append(entry(i))));
  trustedNote = await log.checkpoint();
  const opened = openCheckpoint(trustedNote, logRef);
  if (!opened.ok) throw new Error(opened.reason);
  trusted = opened.checkpoint;
  witness = new Witness({ log: logRef, identity: witnessId, now: () => 1_700_000_000n });
  expect(witness.cosign(trustedNote, []).ok).toBe(true);
  await log.close();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function withRawStore(edit: (db: Level<string, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new Level<string, Uint8Array>(logPath, { valueEncoding: 'view' });
  await db.open();
  await edit(db);
  await db.close();
}

async function rawEntries(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  await withRawStore(async (db) => {
    for (let i = 0; i < N; i++) {
      const v: Uint8Array | undefined = await db.get(entryKey(i));
      if (v) out.push(v);
    }
  });
  return out;
}

/** What an auditor that trusts the earlier checkpoint concludes from the store's entries now. */
async function auditFromScratch(items: Uint8Array[]) {
  return auditLog({
    log: logRef,
    trusted,
    newCheckpoint: trustedNote,
    witnesses: [],
    quorum: 0,
    consistencyProof: [],
    entries: { start: 0, items },
  });
}

async function integrity() {
  const log = await TransparencyLog.open({ path: logPath, origin: ORIGIN, signer });
  const report = await log.verifyIntegrity();
  await log.close();
  return report;
}

describe('tampering with the store', () => {
  it('an untouched store checks clean', async () => {
    expect(await integrity()).toMatchObject({ ok: true, entriesChecked: N, findings: [] });
    expect((await auditFromScratch(await rawEntries())).findings).toEqual([]);
  });

  it('rewritten entry: named by index, and the root no longer matches the checkpoint', async () => {
    await withRawStore((db) => db.put(entryKey(5), encodeEntry({ v: 1, kind: 'query', body: { i: 5, purpose: 'marketing' } })));
    const report = await integrity();
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.code)).toEqual(['REWRITTEN_ENTRY', 'ROOT_MISMATCH']);
    expect(report.findings[0]!.message).toMatch(/^entry 5 was rewritten: its bytes hash to .* but the log recorded leaf hash/);
    const audit = await auditFromScratch(await rawEntries());
    expect(audit.findings.map((f) => f.code)).toEqual(['ROOT_MISMATCH', 'ROOT_MISMATCH']);
    expect(audit.findings[0]!.message).toMatch(/entries \[0, 10\) hash to root .*, but the trusted checkpoint says/);
  });

  it('reordered entries: each names where its content was appended', async () => {
    await withRawStore(async (db) => {
      const [a, b] = [await db.get(entryKey(3)), await db.get(entryKey(4))];
      await db.batch([
        { type: 'put', key: entryKey(3), value: b! },
        { type: 'put', key: entryKey(4), value: a! },
      ]);
    });
    const report = await integrity();
    expect(report.findings.map((f) => f.message)).toContain('entry 3 holds the entry that was appended at index 4 (reordered)');
    expect(report.findings.map((f) => f.message)).toContain('entry 4 holds the entry that was appended at index 3 (reordered)');
    expect(report.findings.some((f) => f.code === 'ROOT_MISMATCH')).toBe(true);
    expect((await auditFromScratch(await rawEntries())).ok).toBe(false);
  });

  it('deleted entry: reported missing by index; proofs and reads fail loudly', async () => {
    await withRawStore((db) => db.del(entryKey(7)));
    const report = await integrity();
    expect(report.findings).toEqual([{ code: 'MISSING_ENTRY', index: 7, message: 'entry 7 is missing from the store' }]);
    const log = await TransparencyLog.open({ path: logPath, origin: ORIGIN, signer });
    await expect(log.entries(0, N)).rejects.toThrow('log store is missing entry 7');
    await log.close();
    const audit = await auditFromScratch(await rawEntries());
    expect(audit.findings[0]).toMatchObject({ code: 'ENTRY_COUNT', message: 'expected 10 entries [0, 10), got 9' });
  });

  it('a changed interior hash is named, and the store refuses to sign on from it', async () => {
    await withRawStore((db) => db.put(nodeKey({ level: 3, index: 0 }), new Uint8Array(32)));
    await expect(TransparencyLog.open({ path: logPath, origin: ORIGIN, signer })).rejects.toThrow(/no longer matches its signed checkpoint of size 10/);
  });

  it('a changed interior hash off the root path is named by the integrity check', async () => {
    // Level 1 index 0 is not part of the size-10 frontier, so the root still matches; only
    // proofs through it would be wrong.
    await withRawStore((db) => db.put(nodeKey({ level: 1, index: 0 }), new Uint8Array(32)));
    const report = await integrity();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ code: 'NODE_MISMATCH' });
    expect(report.findings[0]!.message).toMatch(/^subtree level 1 index 0 does not hash its leaves: stored AAAA/);
  });

  it('a consistent forgery without the signed checkpoint: the witness sees a split view, then an inconsistent log', async () => {
    // The forger rewrites entry 5 and recomputes every hash, so the store is self-consistent.
    await withRawStore(async (db) => {
      const items: Uint8Array[] = [];
      for (let i = 0; i < N; i++) items.push(i === 5 ? entry(500) : (await db.get(entryKey(i)))!);
      const ops: { type: 'put'; key: string; value: Uint8Array }[] = [{ type: 'put', key: entryKey(5), value: entry(500) }];
      const tree = new MemoryTree();
      for (const item of items) tree.append(hashLeaf(item));
      for (let level = 0; 2 ** level <= N; level++) {
        for (let index = 0; (index + 1) * 2 ** level <= N; index++) {
          ops.push({ type: 'put', key: nodeKey({ level, index }), value: tree.readSubtreeHashes([{ level, index }])[0]! });
        }
      }
      await db.batch(ops);
      await db.del(META_CHECKPOINT);
    });
    const log = await TransparencyLog.open({ path: logPath, origin: ORIGIN, signer });
    expect((await log.verifyIntegrity()).ok).toBe(true); // nothing left inside the store to contradict it
    const forged = await log.checkpoint();

    const refusal = witness.cosign(forged, []);
    expect(refusal).toMatchObject({ ok: false, code: 'SPLIT_VIEW' });
    expect(!refusal.ok && refusal.reason).toMatch(/^same size different root: split view/);

    const audit = auditLog({ log: logRef, trusted, newCheckpoint: forged, witnesses: [], quorum: 0, consistencyProof: [], entries: { start: 0, items: await log.entries(0, N) } });
    // The forged entries match the forged root, but not the root the auditor already trusted.
    expect(audit.findings.map((f) => f.code)).toEqual(['SPLIT_VIEW', 'ROOT_MISMATCH']);
    expect(audit.findings[1]!.message).toMatch(/but the trusted checkpoint says/);

    await log.append(entry(10));
    const grown = await log.checkpoint();
    const inconsistent = witness.cosign(grown, await log.consistencyProof(N, N + 1));
    expect(inconsistent).toMatchObject({ ok: false, code: 'INCONSISTENT' });
    expect(!inconsistent.ok && inconsistent.reason).toMatch(/^inconsistent checkpoint: size 11 root \S+ does not extend size 10 root \S+/);
    await log.close();
  });

  it('two different checkpoints of the same size shown to a witness: refused as a split view', async () => {
    const other = openCheckpoint(trustedNote, logRef);
    if (!other.ok) throw new Error(other.reason);
    const { signCheckpoint } = await import('../../log/checkpoint.js');
    const fork = signCheckpoint({ ...other.checkpoint, rootHash: hashLeaf(new Uint8Array([1])) }, signer);
    const fresh = new Witness({ log: logRef, identity: witnessId });
    expect(fresh.cosign(trustedNote, []).ok).toBe(true);
    expect(fresh.cosign(fork, [])).toMatchObject({ ok: false, code: 'SPLIT_VIEW' });
    // The honest one is still fine to cosign again, and the state did not move.
    expect(fresh.cosign(trustedNote, []).ok).toBe(true);
    expect(fresh.state?.size).toBe(N);
    // A cosigned fork carries no witness weight for auditors either.
    const report = auditLog({ log: logRef, trusted, newCheckpoint: addSignatureLines(fork, []), witnesses: [witnessId], quorum: 1, consistencyProof: [], entries: { start: N, items: [] } });
    expect(report.findings.map((f) => f.code)).toEqual(['QUORUM_NOT_MET', 'SPLIT_VIEW']);
  });
});
