/**
 * RFC 9162 §2.1 Merkle tree hash over leaf hashes: roots, inclusion proofs (§2.1.3) and
 * consistency proofs (§2.1.4), generation and verification, plus a compact range (the
 * "frontier" of perfect subtree roots) that lets an append-only log compute each new root in
 * O(log n) without rereading its leaves.
 *
 * Everything works on leaf hashes (`hashLeaf(entry)`), never on entries, so a store can keep
 * the entries elsewhere. Proof generation reads only hashes of *perfect* subtrees (2^level
 * leaves starting at index·2^level): those never change once written, so one store of them
 * serves proofs for every historical tree size.
 *
 * Tree sizes and indices are JavaScript safe integers (< 2^53): arithmetic uses division, not
 * 32-bit bit operators.
 *
 * One file on purpose (over 400 lines): RFC 9162 §2.1 (hashing, proofs, their verification) and
 * the two trees built on it, so a reviewer checks it against the spec in one pass.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;

/** Result of checking untrusted input: never thrown, always returned. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). Level 0 is a leaf hash. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Where proof generation reads hashes from (memory, LevelDB, a tile server). It is asked only
 * for perfect subtrees that lie inside the tree size the proof is for.
 */
export interface SubtreeHashReader {
  readSubtreeHashes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]> | readonly Uint8Array[];
}

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** SHA-256 of the empty string: MTH({}) per RFC 9162 §2.1.1. */
export function emptyRoot(): Uint8Array {
  return new Uint8Array(createHash('sha256').digest());
}

/** MTH({d}) = SHA-256(0x00 || d): the 0x00 prefix keeps leaves and nodes apart (§2.1.1). */
export function hashLeaf(entry: Uint8Array): Uint8Array {
  if (!(entry instanceof Uint8Array)) throw new TypeError('hashLeaf: entry must be a Uint8Array');
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(entry).digest());
}

/** SHA-256(0x01 || left || right), the interior node hash of §2.1.1. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest());
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function checkSize(name: string, n: number): void {
  if (typeof n !== 'number') throw new TypeError(`${name} must be a number`);
  if (!isSize(n)) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

/** Largest power of two strictly less than n (n >= 2): the split point k of §2.1.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees that make up leaves [start, end), left to right. For the ranges RFC
 * 9162 proofs use (start aligned to a power of two at least end - start) the sizes strictly
 * decrease, so folding them right to left gives MTH(D[start:end]).
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  checkSize('start', start);
  checkSize('end', end);
  if (start > end) throw new RangeError(`range [${start}, ${end}) is reversed`);
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    let width = 1;
    while (at % (width * 2) === 0 && at + width * 2 <= end) {
      width *= 2;
      level++;
    }
    nodes.push({ level, index: at / width });
    at += width;
  }
  return nodes;
}

/** Folds perfect subtree hashes (left to right, decreasing sizes) into their tree hash. */
export function foldSubtreeHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i]!, acc);
  return acc;
}

/**
 * Compact range [0, size): one perfect subtree root per set bit of size, largest first.
 * Appending merges equal-sized neighbours like a binary counter, so each append costs
 * O(log n) hashes and reports exactly the new perfect subtrees a store must keep for proofs.
 */
export class CompactRange {
  #size: number;
  #hashes: Uint8Array[];

  private constructor(size: number, hashes: Uint8Array[]) {
    this.#size = size;
    this.#hashes = hashes;
  }

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Rebuilds from stored hashes of `frontierNodes(size)`, e.g. when a log reopens. */
  static fromFrontier(size: number, hashes: readonly Uint8Array[]): CompactRange {
    checkSize('size', size);
    const expected = frontierNodes(size).length;
    if (hashes.length !== expected) {
      throw new RangeError(`size ${size} has ${expected} frontier subtrees, got ${hashes.length} hashes`);
    }
    for (const h of hashes) {
      if (h.length !== HASH_SIZE) throw new RangeError(`frontier hash is ${h.length} bytes, want ${HASH_SIZE}`);
    }
    return new CompactRange(size, hashes.map((h) => h.slice()));
  }

  get size(): number {
    return this.#size;
  }

  /** MTH of the leaves appended so far (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    return foldSubtreeHashes(this.#hashes);
  }

  frontierHashes(): Uint8Array[] {
    return this.#hashes.map((h) => h.slice());
  }

  clone(): CompactRange {
    return new CompactRange(this.#size, this.#hashes.map((h) => h.slice()));
  }

  /**
   * Adds one leaf hash. `onNode` sees every perfect subtree this completes (the leaf itself at
   * level 0, then each merged parent), which is what a store writes to serve later proofs.
   */
  append(leafHash: Uint8Array, onNode?: (node: NodeId, hash: Uint8Array) => void): void {
    if (!(leafHash instanceof Uint8Array)) throw new TypeError('leafHash must be a Uint8Array');
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leafHash is ${leafHash.length} bytes, want ${HASH_SIZE}`);
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree size would exceed 2^53 - 1');
    let hash = leafHash;
    let level = 0;
    let index = this.#size;
    onNode?.({ level, index }, hash);
    while (index % 2 === 1) {
      hash = hashChildren(this.#hashes.pop()!, hash);
      level++;
      index = (index - 1) / 2;
      onNode?.({ level, index }, hash);
    }
    this.#hashes.push(hash);
    this.#size++;
  }
}

/** The perfect subtrees whose roots form the compact range of a tree of `size` leaves. */
export function frontierNodes(size: number): NodeId[] {
  return rangeNodes(0, size);
}

/** MTH(D[0:n]) from all n leaf hashes, streaming through a compact range. */
export function rootFromLeafHashes(leafHashes: Iterable<Uint8Array>): Uint8Array {
  const range = CompactRange.empty();
  for (const h of leafHashes) range.append(h);
  return range.root();
}

/** A proof element: the tree hash of leaves [start, end). */
interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** PATH(m, D[start:end]) of §2.1.3.1 as leaf ranges, deepest first. */
function inclusionRanges(m: number, start: number, end: number, out: LeafRange[]): void {
  const n = end - start;
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    inclusionRanges(m, start, start + k, out);
    out.push({ start: start + k, end });
  } else {
    inclusionRanges(m - k, start + k, end, out);
    out.push({ start, end: start + k });
  }
}

/** SUBPROOF(m, D[start:end], b) of §2.1.4.1 as leaf ranges. */
function consistencyRanges(m: number, start: number, end: number, complete: boolean, out: LeafRange[]): void {
  const n = end - start;
  if (m === n) {
    // The old tree is a subtree of the new one; its root is only sent when the verifier does
    // not already know it (it is a right-hand descendant, not the old root itself).
    if (!complete) out.push({ start, end });
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    consistencyRanges(m, start, start + k, complete, out);
    out.push({ start: start + k, end });
  } else {
    consistencyRanges(m - k, start + k, end, false, out);
    out.push({ start, end: start + k });
  }
}

async function hashRanges(reader: SubtreeHashReader, ranges: readonly LeafRange[]): Promise<Uint8Array[]> {
  const perRange = ranges.map((r) => rangeNodes(r.start, r.end));
  const wanted = perRange.flat();
  const hashes = await reader.readSubtreeHashes(wanted);
  if (hashes.length !== wanted.length) {
    throw new Error(`subtree reader returned ${hashes.length} hashes for ${wanted.length} nodes`);
  }
  const out: Uint8Array[] = [];
  let at = 0;
  for (const nodes of perRange) {
    out.push(foldSubtreeHashes(hashes.slice(at, at + nodes.length)));
    at += nodes.length;
  }
  return out;
}

/** Audit path for leaf `index` in the tree of the first `size` leaves (§2.1.3.1). */
export async function inclusionProof(reader: SubtreeHashReader, index: number, size: number): Promise<Uint8Array[]> {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new RangeError(`leaf index ${index} is outside a tree of size ${size}`);
  const ranges: LeafRange[] = [];
  inclusionRanges(index, 0, size, ranges);
  return hashRanges(reader, ranges);
}

/** Consistency proof that the tree of `oldSize` leaves is a prefix of that of `newSize` (§2.1.4.1). */
export async function consistencyProof(reader: SubtreeHashReader, oldSize: number, newSize: number): Promise<Uint8Array[]> {
  checkSize('oldSize', oldSize);
  checkSize('newSize', newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  // Every tree extends the empty tree, and a tree extends itself: nothing to prove.
  if (oldSize === 0 || oldSize === newSize) return [];
  const ranges: LeafRange[] = [];
  consistencyRanges(oldSize, 0, newSize, true, ranges);
  return hashRanges(reader, ranges);
}

function checkProofHashes(proof: readonly Uint8Array[]): string | undefined {
  if (!Array.isArray(proof)) return 'proof is not an array';
  for (let i = 0; i < proof.length; i++) {
    const p: unknown = proof[i];
    if (!(p instanceof Uint8Array)) return `proof[${i}] is not bytes`;
    if (p.length !== HASH_SIZE) return `proof[${i}] is ${p.length} bytes, want ${HASH_SIZE}`;
  }
  return undefined;
}

export type RootResult = { readonly ok: true; readonly root: Uint8Array } | { readonly ok: false; readonly reason: string };

/** The root an inclusion proof implies, by the algorithm of §2.1.3.2 steps 1-4. */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): RootResult {
  if (!isSize(index) || !isSize(size)) return { ok: false, reason: 'index and size must be non-negative safe integers' };
  if (index >= size) return { ok: false, reason: `leaf index ${index} is not below tree size ${size}` };
  if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) {
    return { ok: false, reason: `leaf hash must be ${HASH_SIZE} bytes` };
  }
  const bad = checkProofHashes(proof);
  if (bad) return { ok: false, reason: bad };
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: `proof has ${proof.length} hashes, too many for index ${index} in size ${size}` };
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      // Skip the levels where this node is a lone right edge and has no sibling (§2.1.3.2 4b).
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: `proof has ${proof.length} hashes, too few for index ${index} in size ${size}` };
  return { ok: true, root: r };
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` with `leafHash` is in the tree with `root`? */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Verdict {
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!computed.ok) return computed;
  if (!(root instanceof Uint8Array) || !bytesEqual(computed.root, root)) {
    return { ok: false, reason: `inclusion proof for leaf ${index} leads to a different root than the tree of size ${size}` };
  }
  return { ok: true };
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of `oldSize` with `oldRoot` is a prefix of
 * the tree of `newSize` with `newRoot`?
 *
 * An old size of 0 is refused: every tree extends the empty tree, so such a "proof" proves
 * nothing and callers that start from nothing must say so explicitly rather than pass it here.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Verdict {
  if (!isSize(oldSize) || !isSize(newSize)) return { ok: false, reason: 'sizes must be non-negative safe integers' };
  if (!(oldRoot instanceof Uint8Array) || !(newRoot instanceof Uint8Array)) return { ok: false, reason: 'roots must be bytes' };
  if (!Array.isArray(proof)) return { ok: false, reason: 'proof is not an array' };
  if (oldSize > newSize) return { ok: false, reason: `old size ${oldSize} is larger than new size ${newSize}` };
  if (oldSize === 0) return { ok: false, reason: 'old size is 0: every tree extends the empty tree, there is nothing to verify' };
  if (oldSize === newSize) {
    if (proof.length !== 0) return { ok: false, reason: `sizes are equal (${oldSize}) but the proof is not empty` };
    if (!bytesEqual(oldRoot, newRoot)) return { ok: false, reason: `same size ${oldSize} with different roots` };
    return { ok: true };
  }
  if (proof.length === 0) return { ok: false, reason: `empty proof for sizes ${oldSize} -> ${newSize}` };
  const bad = checkProofHashes(proof);
  if (bad) return { ok: false, reason: bad };

  // When the old tree is a perfect left subtree its root is the proof's implicit first node.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return { ok: false, reason: `proof has ${proof.length} hashes, too many for sizes ${oldSize} -> ${newSize}` };
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: `proof has ${proof.length} hashes, too few for sizes ${oldSize} -> ${newSize}` };
  if (!bytesEqual(fr, oldRoot)) return { ok: false, reason: `proof does not lead to the old root of size ${oldSize}` };
  if (!bytesEqual(sr, newRoot)) return { ok: false, reason: `proof does not lead to the new root of size ${newSize}` };
  return { ok: true };
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * All perfect subtree hashes of a tree kept in memory: for tests, auditors that rebuild a log
 * from its entries, and as the reference the LevelDB store is checked against.
 */
export class MemoryTree implements SubtreeHashReader {
  readonly #levels: Uint8Array[][] = [];
  #range = CompactRange.empty();

  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const h of leafHashes) this.append(h);
  }

  get size(): number {
    return this.#range.size;
  }

  append(leafHash: Uint8Array): void {
    this.#range.append(leafHash, (node, hash) => {
      (this.#levels[node.level] ??= [])[node.index] = hash;
    });
  }

  root(): Uint8Array {
    return this.#range.root();
  }

  /** MTH(D[0:size]) for any size up to the current one, from stored subtrees. */
  rootAt(size: number): Uint8Array {
    checkSize('size', size);
    if (size > this.size) throw new RangeError(`size ${size} is beyond the tree's ${this.size} leaves`);
    return foldSubtreeHashes(this.readSubtreeHashes(frontierNodes(size)));
  }

  readSubtreeHashes(nodes: readonly NodeId[]): Uint8Array[] {
    return nodes.map(({ level, index }) => {
      const h = this.#levels[level]?.[index];
      if (!h) throw new RangeError(`no perfect subtree at level ${level} index ${index}`);
      return h;
    });
  }
}
