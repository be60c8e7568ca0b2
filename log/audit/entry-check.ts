/**
 * Checking log entries' form and own signatures (log/entries.ts), spread over the cores.
 *
 * An entry that carries a signature (a node registration, an enterprise key registration, a
 * revocation) costs one Ed25519 verification, about 150 µs with node:crypto on this project's
 * machines; a 100k-entry audit would spend most of its time there on one core. Chunks of
 * entries go to a worker pool (piscina; bytes in, findings out) when the compiled worker is
 * available, and are checked in-thread otherwise (tests running from source, one core).
 */
import fs from 'node:fs';
import os from 'node:os';
import { Piscina } from 'piscina';
import { decodeEntry, entryProblem, entrySignatureProblem } from '../entries.js';

export interface EntryCheck {
  kind?: string;
  /** Why the entry is not acceptable, or undefined. */
  problem?: string;
}

/** Decode and check a chunk of entries; the same function runs in-thread and in the worker. */
export function checkEntryChunk(items: readonly Uint8Array[]): EntryCheck[] {
  return items.map((bytes) => {
    const decoded = decodeEntry(bytes);
    if (!decoded.ok) return { problem: decoded.reason };
    const problem = entryProblem(decoded.entry) ?? entrySignatureProblem(decoded.entry);
    return problem === undefined ? { kind: decoded.entry.kind } : { kind: decoded.entry.kind, problem };
  });
}

const CHUNK = 2_000;
/** Below this many entries a pool costs more to start than it saves. */
const POOL_THRESHOLD = 5_000;
let pool: Piscina | undefined;

function workerPool(): Piscina | undefined {
  if (os.availableParallelism() < 2) return undefined;
  const url = new URL('./entry-check-worker.js', import.meta.url);
  // From source (vitest) the .ts sibling cannot be loaded by a plain worker: check in-thread.
  if (!import.meta.url.endsWith('.js') || !fs.existsSync(url)) return undefined;
  pool ??= new Piscina({ filename: url.href, maxThreads: os.availableParallelism(), idleTimeout: 200 });
  return pool;
}

export async function checkEntries(items: readonly Uint8Array[]): Promise<EntryCheck[]> {
  const workers = items.length >= POOL_THRESHOLD ? workerPool() : undefined;
  if (!workers) return checkEntryChunk(items);
  const chunks: Promise<EntryCheck[]>[] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    chunks.push(workers.run(items.slice(i, i + CHUNK)) as Promise<EntryCheck[]>);
  }
  return (await Promise.all(chunks)).flat();
}
