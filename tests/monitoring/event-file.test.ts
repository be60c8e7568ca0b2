import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventFile, lastEventId } from '../../monitoring/event-file.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-event-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const ev = (id: number) => ({ eventId: String(id), kind: 'change', subject: `S${id}` });

describe('the watch client\'s events file', () => {
  it('appends in order, drops re-sent duplicates, refuses a gap, and resumes after a restart', () => {
    const file = path.join(dir, 'events.jsonl');
    const a = new EventFile(file);
    expect(a.last).toBe(0n);
    expect(a.append(ev(1))).toBe(true);
    expect(a.append(ev(2))).toBe(true);
    expect(a.append(ev(2))).toBe(false);
    expect(() => a.append(ev(4))).toThrow(/events 3..3 are missing/);
    a.close();
    // The client restarts: it resumes after 2 and the coordinator re-sends 2 (never acked) and 3.
    const b = new EventFile(file);
    expect(b.last).toBe(2n);
    expect(b.append(ev(2))).toBe(false);
    expect(b.append(ev(3))).toBe(true);
    b.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).eventId);
    expect(lines).toEqual(['1', '2', '3']);
  });

  it('cuts a torn last line (a crash mid-write) and writes that event again', () => {
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, JSON.stringify(ev(1)) + '\n' + '{"eventId":"2","kind":"cha');
    expect(lastEventId(file).eventId).toBe(1n);
    const f = new EventFile(file);
    expect(f.append(ev(2))).toBe(true);
    f.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(ev(1)) + '\n' + JSON.stringify(ev(2)) + '\n');
  });

  it('refuses a file that is not an events file', () => {
    const file = path.join(dir, 'other.txt');
    fs.writeFileSync(file, 'hello\nworld\n');
    expect(() => new EventFile(file)).toThrow(/not JSON; it is not an events file/);
    fs.writeFileSync(file, '{"a":1}\n');
    expect(() => new EventFile(file)).toThrow(/no eventId/);
  });
});
