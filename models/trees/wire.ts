/**
 * What travels inside the trees kind's sealed payloads (trees.proto; design section 4), encoded
 * and checked at the receiving site. Layout, SlotMap and the tree notes are JSON (their sizes
 * are the same for every passive or say nothing the coordinator does not know); the split choice
 * and the partition are fixed-size binary, so their length is the same for every passive site
 * whoever won a split (the transcript test checks it).
 */
import { randomBytes } from 'node:crypto';
import { FedcreditError } from '../../lib/errors.js';
import { frame, unframe } from './paging.js';

/** The level's layout as sealed to each passive site (section 4, `Layout`). */
export interface LayoutWire {
  tree: number;
  level: number;
  stride: number;
  /** Training row per layout position (-1 = padding), global row indices (training rows first). */
  rows: number[];
  nodes: { node: number; firstChunk: number; chunks: number; rows: number }[];
  /**
   * Every open node of the level (built nodes and their siblings) with all its rows, training
   * and validation, ascending: the rows a passive's partition bits cover (step 9).
   */
  route: { node: number; rows: number[] }[];
  sg: number;
  sh: number;
}

/** Per built node and slot: how the pair's released bins derive from the parent's, and the built child's counts. */
export interface SlotEntry {
  /** Parent's released bin -> the pair's released bin (-1: not released); absent at the root. */
  into?: number[];
  /** Rows of the built child per released bin. */
  count: number[];
  /** The released missing bin (a cell of its own) or -1. */
  missing: number;
}

/** Sealed to the bank with the shares (section 4, `SlotMap`). */
export interface SlotMapWire {
  tree: number;
  level: number;
  slots: number;
  /** [built node][slot]. */
  entries: SlotEntry[][];
  /** The masks R, one per share value, as residues. */
  masks: number[];
}

export interface ChoiceEntry { node: number; slot: number; bin: number; missingLeft: boolean }

const ENTRY = 16;

export function jsonChunk(v: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(v));
}

export function parseJson<T>(chunk: Uint8Array | undefined, what: string): T {
  if (!chunk) throw new FedcreditError('BAD_REQUEST', `${what}: the sealed payload is empty`);
  try {
    return JSON.parse(new TextDecoder().decode(chunk)) as T;
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `${what}: not readable (${(err as Error).message})`);
  }
}

/** A passive's choice at level L: exactly 2^L entries, its real ones first, the rest random dummies. */
export function encodeChoice(entries: readonly ChoiceEntry[], level: number): Uint8Array {
  const slots = 2 ** level;
  if (entries.length > slots) throw new FedcreditError('INTERNAL', `${entries.length} splits at level ${level}, which has ${slots} nodes`);
  const out = new Uint8Array(randomBytes(slots * ENTRY));
  const view = new DataView(out.buffer);
  for (let k = 0; k < slots; k++) view.setUint8(k * ENTRY, 0);
  entries.forEach((e, k) => {
    view.setUint8(k * ENTRY, 1);
    view.setUint8(k * ENTRY + 1, e.missingLeft ? 1 : 0);
    view.setUint32(k * ENTRY + 4, e.node);
    view.setUint32(k * ENTRY + 8, e.slot);
    view.setUint32(k * ENTRY + 12, e.bin);
  });
  return out;
}

export function decodeChoice(bytes: Uint8Array | undefined, level: number): ChoiceEntry[] {
  if (!bytes || bytes.length !== 2 ** level * ENTRY) throw new FedcreditError('BAD_REQUEST', `split choice of level ${level}: ${bytes?.length ?? 0} bytes, expected ${2 ** level * ENTRY}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ChoiceEntry[] = [];
  for (let k = 0; k < 2 ** level; k++) {
    if (view.getUint8(k * ENTRY) !== 1) continue;
    out.push({ node: view.getUint32(k * ENTRY + 4), slot: view.getUint32(k * ENTRY + 8), bin: view.getUint32(k * ENTRY + 12), missingLeft: view.getUint8(k * ENTRY + 1) === 1 });
  }
  return out;
}

/** Bits over every route row of the level, node after node (1 = left). */
export function packBits(bits: readonly boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}

export function unpackBits(bytes: Uint8Array | undefined, count: number): boolean[] {
  if (!bytes || bytes.length !== Math.ceil(count / 8)) throw new FedcreditError('BAD_REQUEST', `partition: ${bytes?.length ?? 0} bytes for ${count} rows`);
  return Array.from({ length: count }, (_, i) => (bytes[i >> 3]! & (1 << (i & 7))) !== 0);
}

export function b64(a: Float64Array | Uint32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function fromB64F(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function fromB64U(s: string): Uint32Array {
  const b = Buffer.from(s, 'base64');
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/**
 * Byte fields of `v` replaced by `bytes(b)`, in a copy (plain objects and arrays walked). Done
 * before JSON.stringify because it calls a Buffer's toJSON before any replacer sees the value,
 * spelling every byte as a JSON number (a 266 KB chunk becomes a ~1 MB array, then is copied back):
 * profiled, that was most of a passive's main-thread time per level.
 */
export function withBytesAs(v: unknown, bytes: (b: Uint8Array) => unknown): unknown {
  if (v instanceof Uint8Array) return bytes(v);
  if (Array.isArray(v)) return v.map((x) => withBytesAs(x, bytes));
  // Any other object as JSON.stringify sees it (own enumerable keys), unless it has its own toJSON.
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = withBytesAs(x, bytes);
    return out;
  }
  return v;
}

const base64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** A step's answer kept in the site's state, so a retry of the same attempt gets the same bytes. */
export function keepAnswer(m: Record<string, unknown>): string {
  return JSON.stringify(withBytesAs(m, (b) => ({ $b64: base64(b) })));
}

/**
 * keepAnswer for the large answers kept as blobs (a level's plan parts and shares, tens of MB a
 * level): the JSON with each byte field as {$bin: i}, then the bytes themselves, framed
 * (paging.ts): no base64, no UTF-8 of a base64 string, a quarter fewer bytes in LevelDB.
 */
export function keepAnswerBlob(m: Record<string, unknown>): Uint8Array {
  const parts: Uint8Array[] = [];
  const json = JSON.stringify(withBytesAs(m, (b) => ({ $bin: parts.push(b) - 1 })));
  return frame([Buffer.from(json, 'utf8'), ...parts]);
}

/** A blob keepAnswerBlob wrote, or (first byte '{') keepAnswer's text as blobs were kept before. */
export function keptAnswerBlob(bytes: Uint8Array): Record<string, unknown> {
  if (bytes[0] === 0x7b) return keptAnswer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  const [json, ...parts] = unframe(bytes, 'a kept answer');
  if (json === undefined) throw new FedcreditError('INTERNAL', 'a kept answer: the stored blob is empty; restart the job');
  return JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'), (_k, v: unknown) => {
    if (!(v && typeof v === 'object' && typeof (v as { $bin?: unknown }).$bin === 'number')) return v;
    const part = parts[(v as { $bin: number }).$bin];
    if (part === undefined) throw new FedcreditError('INTERNAL', 'a kept answer: the stored blob is damaged; restart the job');
    return Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  }) as Record<string, unknown>;
}

export function keptAnswer(s: string): Record<string, unknown> {
  return JSON.parse(s, (_k, v: unknown) => (v && typeof v === 'object' && typeof (v as { $b64?: unknown }).$b64 === 'string' ? Buffer.from((v as { $b64: string }).$b64, 'base64') : v)) as Record<string, unknown>;
}
