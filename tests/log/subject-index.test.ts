/**
 * log/subject-index.ts: the console's index of the log by enterprise, on a real LevelDB. It
 * indexes only entries a cosigned checkpoint covers, in pages, resumes from its saved position,
 * refuses a batch that does not hash to the cosigned root (nothing written), and keeps
 * enterprise "A" apart from an `--id-type any` enterprise "A/x".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../crypto/identity.js';
import { addSignatureLines } from '../../crypto/signed-note.js';
import { cosignatureLine, formatCheckpoint, signCheckpoint } from '../../log/checkpoint.js';
import { encodeEntry, makeEntry } from '../../log/entries.js';
import { hashLeaf, MemoryTree } from '../../log/merkle.js';
import { SubjectIndex, INDEX_PAGE, type IndexSource } from '../../log/subject-index.js';
import { SUBJECT, OTHER_SUBJECT } from '../consent/helpers.js';

const ORIGIN = 'fedcredit.test/log';
const logKey = generateIdentity();
const witness = generateIdentity();
const trust = { origin: ORIGIN, logKey: { name: ORIGIN, publicKey: logKey.publicKey }, witnesses: [{ name: 'witness-tax', publicKey: witness.publicKey }] };
const dirs: string[] = [];

function note(entries: readonly Uint8Array[], cosigned = true): string {
  const cp = { origin: ORIGIN, size: entries.length, rootHash: new MemoryTree(entries.map(hashLeaf)).root(), extensions: [] };
  const signed = signCheckpoint(cp, { name: ORIGIN, publicKey: logKey.publicKey, sign: (m) => logKey.sign(m) });
  return cosigned ? addSignatureLines(signed, [cosignatureLine(formatCheckpoint(cp), { name: 'witness-tax', publicKey: witness.publicKey, sign: (m) => witness.sign(m) }, 1_700_000_000n)]) : signed;
}

function refusal(subject: string, i: number): Uint8Array {
  return encodeEntry(makeEntry('refusal', { queryId: `q-${i}`, requester: 'bank-a', subject, reason: 'CONSENT_EXPIRED', refusedBy: 'coordinator', time: 1_700_000_000_000 + i }));
}

class FakeLog implements IndexSource {
  entries: Uint8Array[] = [];
  final = '';
  served: Uint8Array[] | undefined;
  pages: [number, number][] = [];
  async checkpoints() {
    return { latest: this.final, final: this.final };
  }
  async entryPage(from: number, to: number) {
    this.pages.push([from, to]);
    return (this.served ?? this.entries).slice(from, Math.min(to, from + INDEX_PAGE));
  }
}

async function openDb(): Promise<Level<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-subject-index-'));
  dirs.push(dir);
  const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
  await db.open();
  return db;
}

afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('subject index', () => {
  it('indexes only up to the cosigned size, in pages of 1,000, and resumes from its position', async () => {
    const log = new FakeLog();
    for (let i = 0; i < 2500; i++) log.entries.push(refusal(i % 2 === 0 ? SUBJECT : OTHER_SUBJECT, i));
    log.final = note(log.entries.slice(0, 2100));
    const db = await openDb();
    const index = new SubjectIndex(db, log, trust);
    expect(await index.catchUp()).toBe(2100);
    expect(log.pages).toEqual([[0, 1000], [1000, 2000], [2000, 2100]]);
    const mine = await index.entriesOf(SUBJECT, { limit: 5000 });
    expect(mine).toHaveLength(1050);
    expect(mine[0]!.index).toBe(2098);
    expect(mine.every((e) => e.body['subject'] === SUBJECT && e.index % 2 === 0)).toBe(true);
    expect((await index.entriesOf(SUBJECT, { limit: 3, before: 10 })).map((e) => e.index)).toEqual([8, 6, 4]);
    // A new index on the same database resumes where the saved position is.
    log.final = note(log.entries);
    log.pages = [];
    const again = new SubjectIndex(db, log, trust);
    expect(await again.catchUp()).toBe(2500);
    expect(log.pages).toEqual([[2100, 2500]]);
    expect(await again.entriesOf(OTHER_SUBJECT, { limit: 5000 })).toHaveLength(1250);
    await db.close();
  });

  it('writes nothing when the entries do not hash to the cosigned root, or without the witness quorum', async () => {
    const log = new FakeLog();
    for (let i = 0; i < 10; i++) log.entries.push(refusal(SUBJECT, i));
    log.final = note(log.entries);
    log.served = [...log.entries];
    log.served[4] = refusal(OTHER_SUBJECT, 4);
    const db = await openDb();
    const index = new SubjectIndex(db, log, trust);
    await expect(index.catchUp()).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    expect(await index.entriesOf(SUBJECT, { limit: 100 })).toEqual([]);
    expect(await index.entriesOf(OTHER_SUBJECT, { limit: 100 })).toEqual([]);
    log.served = undefined;
    log.final = note(log.entries, false);
    await expect(index.catchUp()).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    log.final = note(log.entries);
    expect(await index.catchUp()).toBe(10);
    // A rewritten log of the same size is refused.
    const rewritten = [...log.entries];
    rewritten[9] = refusal(SUBJECT, 99);
    log.final = note(rewritten);
    await expect(index.catchUp()).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    await db.close();
  });

  it('keeps subject "A" apart from subject "A/x" (ids of any text may hold a slash)', async () => {
    const log = new FakeLog();
    log.entries = [refusal('A', 0), refusal('A/x', 1), refusal('A', 2)];
    log.final = note(log.entries);
    const db = await openDb();
    const index = new SubjectIndex(db, log, trust);
    await index.catchUp();
    expect((await index.entriesOf('A', { limit: 10 })).map((e) => e.index)).toEqual([2, 0]);
    expect((await index.entriesOf('A/x', { limit: 10 })).map((e) => e.index)).toEqual([1]);
    await db.close();
  });
});
