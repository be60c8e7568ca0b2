/**
 * Full re-verification of a transparency log store: every entry is rehashed (RFC 9162 §2.1.1)
 * and compared with the leaf hash recorded when it was appended, every stored interior node
 * is recomputed, and the root is recomputed from the entries and compared with the last
 * checkpoint the log signed.
 *
 * It catches what a disk error or someone with write access to the LevelDB files would leave
 * behind: a deleted, reordered or rewritten entry, a changed node hash. Findings name the
 * index and what was found there, because "integrity check failed" helps nobody.
 */
import type { Level } from 'level';
import { MemoryTree, bytesEqual, hashLeaf, rootFromLeafHashes } from './merkle.js';
import type { Checkpoint } from './checkpoint.js';
import { encodeBase64 } from '../crypto/signed-note.js';
import { ENTRY_PREFIX, NODE_PREFIX, parseEntryKey, parseNodeKey, prefixRange } from './store-keys.js';

export type IntegrityFindingCode =
  | 'MISSING_ENTRY'
  | 'EXTRA_ENTRY'
  | 'REORDERED_ENTRY'
  | 'REWRITTEN_ENTRY'
  | 'MISSING_NODE'
  | 'NODE_MISMATCH'
  | 'ROOT_MISMATCH';

export interface IntegrityFinding {
  readonly code: IntegrityFindingCode;
  readonly message: string;
  readonly index?: number;
}

export interface IntegrityReport {
  readonly ok: boolean;
  readonly size: number;
  readonly entriesChecked: number;
  readonly findings: readonly IntegrityFinding[];
}

/** Per code, so one systematic fault does not bury the others; the rest are counted. */
const MAX_FINDINGS_PER_CODE = 50;

class Findings {
  readonly list: IntegrityFinding[] = [];
  readonly #counts = new Map<IntegrityFindingCode, number>();

  add(f: IntegrityFinding): void {
    const n = (this.#counts.get(f.code) ?? 0) + 1;
    this.#counts.set(f.code, n);
    if (n <= MAX_FINDINGS_PER_CODE) this.list.push(f);
  }

  summarize(): IntegrityFinding[] {
    const out = [...this.list];
    for (const [code, n] of this.#counts) {
      if (n > MAX_FINDINGS_PER_CODE) out.push({ code, message: `${n - MAX_FINDINGS_PER_CODE} more ${code} findings not listed` });
    }
    return out;
  }
}

const b64 = encodeBase64;
const hex = (h: Uint8Array): string => Buffer.from(h).toString('hex');

export async function checkLogStore(
  db: Level<string, Uint8Array>,
  expected: { readonly size: number; readonly checkpoint?: Checkpoint | undefined },
): Promise<IntegrityReport> {
  const { size } = expected;
  const findings = new Findings();

  // Leaf hashes as recorded at append time.
  // Filled, not sparse: array methods skip holes, and a skipped hole would hide a missing leaf.
  const recorded: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(size).fill(undefined);
  const storedNodes: { level: number; index: number; hash: Uint8Array }[] = [];
  for await (const [key, value] of db.iterator(prefixRange(NODE_PREFIX))) {
    const node = parseNodeKey(key);
    if (!node) continue;
    if (node.level === 0 && node.index < size) recorded[node.index] = value;
    else storedNodes.push({ ...node, hash: value });
  }
  const recordedAt = new Map<string, number>();
  recorded.forEach((h, i) => h && recordedAt.set(hex(h), i));

  // Entries as they are now.
  const actual: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(size).fill(undefined);
  let entriesChecked = 0;
  for await (const [key, value] of db.iterator(prefixRange(ENTRY_PREFIX))) {
    const index = parseEntryKey(key);
    if (index === undefined) continue;
    if (index >= size) {
      findings.add({ code: 'EXTRA_ENTRY', index, message: `entry ${index} exists beyond the tree size ${size}: written outside the log` });
      continue;
    }
    entriesChecked++;
    const h = hashLeaf(value);
    actual[index] = h;
    const want = recorded[index];
    if (!want || bytesEqual(h, want)) continue;
    const movedFrom = recordedAt.get(hex(h));
    if (movedFrom !== undefined) {
      findings.add({ code: 'REORDERED_ENTRY', index, message: `entry ${index} holds the entry that was appended at index ${movedFrom} (reordered)` });
    } else {
      findings.add({ code: 'REWRITTEN_ENTRY', index, message: `entry ${index} was rewritten: its bytes hash to ${b64(h)}, but the log recorded leaf hash ${b64(want)}` });
    }
  }
  for (let i = 0; i < size; i++) {
    if (!actual[i]) findings.add({ code: 'MISSING_ENTRY', index: i, message: `entry ${i} is missing from the store` });
    if (!recorded[i]) findings.add({ code: 'MISSING_NODE', index: i, message: `leaf hash of entry ${i} is missing from the store` });
  }

  checkInteriorNodes(recorded, storedNodes, size, findings);

  // The root the entries themselves commit to, against what the log signed.
  const cp = expected.checkpoint;
  if (cp && cp.size <= size && actual.slice(0, cp.size).every((h) => h !== undefined)) {
    const root = rootFromLeafHashes(actual.slice(0, cp.size) as Uint8Array[]);
    if (!bytesEqual(root, cp.rootHash)) {
      findings.add({
        code: 'ROOT_MISMATCH',
        message: `entries [0, ${cp.size}) hash to root ${b64(root)}, but the signed checkpoint says ${b64(cp.rootHash)}`,
      });
    }
  }

  const list = findings.summarize();
  return { ok: list.length === 0, size, entriesChecked, findings: list };
}

/** Every stored parent must be the hash of its recorded leaves; every needed parent must exist. */
function checkInteriorNodes(
  recorded: readonly (Uint8Array | undefined)[],
  storedNodes: readonly { level: number; index: number; hash: Uint8Array }[],
  size: number,
  findings: Findings,
): void {
  if (recorded.some((h) => h === undefined)) return; // leaves missing: already reported, parents cannot be recomputed
  const tree = new MemoryTree(recorded as Uint8Array[]);
  const seen = new Map<number, number>();
  for (const n of storedNodes) {
    const width = 2 ** n.level;
    if ((n.index + 1) * width > size) {
      findings.add({ code: 'NODE_MISMATCH', message: `subtree level ${n.level} index ${n.index} is stored but lies beyond the tree size ${size}` });
      continue;
    }
    seen.set(n.level, (seen.get(n.level) ?? 0) + 1);
    const [want] = tree.readSubtreeHashes([n]);
    if (!bytesEqual(want!, n.hash)) {
      findings.add({ code: 'NODE_MISMATCH', message: `subtree level ${n.level} index ${n.index} does not hash its leaves: stored ${b64(n.hash)}, recomputed ${b64(want!)}` });
    }
  }
  for (let level = 1; 2 ** level <= size; level++) {
    const want = Math.floor(size / 2 ** level);
    const have = seen.get(level) ?? 0;
    if (have !== want) findings.add({ code: 'MISSING_NODE', message: `level ${level} has ${have} stored subtree hashes, want ${want}` });
  }
}
