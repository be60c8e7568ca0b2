/**
 * Transparency log benchmarks (issue 5): durable appends per second under many concurrent
 * callers (each append resolves only after its group-committed `sync: true` batch), and the
 * time an auditor needs to verify a 100k-entry log from scratch (read every entry, recompute
 * every RFC 9162 leaf hash and the root, check the signed checkpoint).
 *
 * Each figure is the median of several repetitions (bench/report.ts explains why).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TransparencyLog } from '../log/store.js';
import { encodeEntry } from '../log/entries.js';
import { auditLog } from '../log/audit/verify-update.js';
import { ed25519IdentityFromSeed } from '../crypto/signed-note.js';
import { formatBenchTable, median } from './report.js';
import type { BenchRow } from './report.js';

const ORIGIN = 'fedcredit.bench/log';
const signer = ed25519IdentityFromSeed(ORIGIN, new Uint8Array(createHash('sha256').update('fedcredit bench log key').digest()));

export interface BenchLogOptions {
  /** Appends per repetition of the throughput test. */
  readonly appends?: number;
  /** Concurrent callers sharing those appends. */
  readonly callers?: number;
  /** Size of the log verified from scratch. */
  readonly verifySize?: number;
  readonly repetitions?: number;
}

/** A query entry of realistic size (~250 bytes), like the ones the coordinator logs. */
function queryEntry(i: number): Uint8Array {
  return encodeEntry({
    v: 1,
    kind: 'query',
    body: {
      queryId: `q-${i.toString(16).padStart(12, '0')}`,
      requester: `bank-${i % 17}`,
      subject: `91110000${String(i % 1e9).padStart(9, '0')}X`,
      consentId: `c-${(i * 7919).toString(16)}`,
      purpose: 'credit-review',
      model: 'lr-v3',
      at: 1_700_000_000 + i,
    },
  });
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-bench-log-'));
}

async function durableAppendsPerSecond(appends: number, callers: number): Promise<number> {
  const dir = tempDir();
  try {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    const entries = Array.from({ length: appends }, (_, i) => queryEntry(i));
    let next = 0;
    const start = performance.now();
    // Each caller appends one entry at a time and waits for it, like independent RPC handlers.
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < appends) await log.append(entries[next++]!);
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    if (log.size !== appends) throw new Error(`benchmark log has ${log.size} entries, expected ${appends}`);
    await log.close();
    return appends / seconds;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function buildLog(dir: string, size: number): Promise<{ note: string; appendSeconds: number }> {
  const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
  const start = performance.now();
  const chunk = 10_000;
  for (let at = 0; at < size; at += chunk) {
    await Promise.all(Array.from({ length: Math.min(chunk, size - at) }, (_, i) => log.append(queryEntry(at + i))));
  }
  const appendSeconds = (performance.now() - start) / 1000;
  const note = await log.checkpoint();
  await log.close();
  return { note, appendSeconds };
}

/** From nothing but the store and the log's public key: read, rehash, recompute, check. */
async function verifyFromScratch(dir: string, note: string, size: number): Promise<number> {
  const start = performance.now();
  const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
  const items = await log.entries(0, log.size);
  await log.close();
  const report = auditLog({
    log: { origin: ORIGIN, key: { name: signer.name, publicKey: signer.publicKey } },
    newCheckpoint: note,
    witnesses: [],
    quorum: 0,
    consistencyProof: [],
    entries: { start: 0, items },
  });
  const seconds = (performance.now() - start) / 1000;
  if (!report.ok || report.checkpoint?.size !== size) {
    throw new Error(`verification of the benchmark log failed: ${report.findings.map((f) => f.message).join('; ')}`);
  }
  return seconds;
}

export async function benchLog(options: BenchLogOptions = {}): Promise<BenchRow[]> {
  const appends = options.appends ?? 20_000;
  const callers = options.callers ?? 1_000;
  const verifySize = options.verifySize ?? 100_000;
  const reps = options.repetitions ?? 3;

  const rates: number[] = [];
  for (let r = 0; r < reps; r++) rates.push(await durableAppendsPerSecond(appends, callers));
  const appendRate = median(rates);

  const dir = tempDir();
  try {
    const { note, appendSeconds } = await buildLog(dir, verifySize);
    const times: number[] = [];
    for (let r = 0; r < reps; r++) times.push(await verifyFromScratch(dir, note, verifySize));
    const verifySeconds = median(times);
    return [
      {
        area: 'log',
        metric: 'durable appends/s',
        value: appendRate,
        unit: 'appends/s',
        target: '>= 5000',
        meetsTarget: appendRate >= 5000,
        note: `${appends} appends from ${callers} concurrent callers, group-committed sync batches, median of ${reps}`,
      },
      {
        area: 'log',
        metric: `verify ${verifySize / 1000}k-entry log from scratch`,
        value: verifySeconds,
        unit: 's',
        target: '< 10 s',
        meetsTarget: verifySeconds < 10,
        note: `read all entries from LevelDB, rehash, recompute root, check signed checkpoint; median of ${reps}`,
      },
      {
        area: 'log',
        metric: `build ${verifySize / 1000}k-entry log`,
        value: verifySize / appendSeconds,
        unit: 'appends/s',
        note: 'bursts of 10k concurrent appends, durable batches of up to 4096',
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await benchLog();
  console.log(formatBenchTable(rows));
}
