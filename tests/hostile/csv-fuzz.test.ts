/**
 * Hostile site exports: random bytes and CSV made of tricky cells. Ingest either commits the
 * file or rejects it with a stable code and a file:line message, never throws anything else,
 * and a rejected file leaves the store byte for byte as it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { FedcreditError } from '../../lib/errors.js';
import { ingestFile } from '../../node/ingest.js';
import { NodeStore } from '../../site/store.js';

let dir: string;
let store: NodeStore;
let n = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-csvfuzz-'));
  store = await NodeStore.open(path.join(dir, 'node'), 'power');
});
afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function dump(): Promise<string> {
  const out: string[] = [];
  for await (const [k, v] of store.db.iterator({ keyEncoding: 'utf8', valueEncoding: 'hex' })) out.push(`${k}=${v}`);
  return out.join('\n');
}

/** Ingest `content`; the outcome must be a commit or one of the documented refusals. */
async function ingestHostile(content: Uint8Array | string): Promise<void> {
  const file = path.join(dir, `f${n++}.csv`);
  fs.writeFileSync(file, content);
  const before = await dump();
  try {
    const report = await ingestFile(store, file, { skipFeatures: true });
    expect(report.committed).toBe(true);
  } catch (err) {
    expect(err).toBeInstanceOf(FedcreditError);
    expect(['INGEST_REJECTED', 'BAD_REQUEST', 'INGEST_WRONG_SITE']).toContain((err as FedcreditError).code);
    expect((err as Error).message).not.toMatch(/\n\s+at /);
    if ((err as FedcreditError).code === 'INGEST_REJECTED') expect((err as Error).message).toMatch(/f\d+\.csv(:\d+: [^:]+: .+)?/);
    expect(await dump()).toBe(before);
  }
}

const HEADER = 'credit_code,period,kwh,amount_due,amount_paid,days_late';
const body = '91350100MA0000001';
const CODE = body + creditCodeCheckChar(body);
const cell = fc.oneof(
  fc.constantFrom('', '"', '""', '"a,b"', '0', '-1', '1e309', 'NaN', '2025-13', '2025-01', '12.345', '99999999999999', '\u0000', 'é', CODE, `${CODE}X`, ' 1 '),
  fc.string({ maxLength: 12 }),
);
const row = fc.array(cell, { minLength: 0, maxLength: 8 }).map((cells) => cells.join(','));

describe('hostile CSV exports', () => {
  it('random bytes are refused cleanly', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), ingestHostile), { numRuns: 60 });
  });

  it('a valid header over rows of tricky cells commits or is refused, never half-stored', async () => {
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 0, maxLength: 12 }), fc.constantFrom('\n', '\r\n'), async (rows, eol) => {
      await ingestHostile([HEADER, ...rows].join(eol) + eol);
    }), { numRuns: 80 });
  });
});
