/**
 * LevelDB key layout of the transparency log store. Fixed-width hex keeps LevelDB's byte
 * order equal to numeric order, so ranges of entries and nodes are plain iterator ranges.
 *
 *   e<index:16 hex>               entry bytes
 *   n<level:2 hex><index:16 hex>  hash of the perfect subtree (RFC 9162 §2.1.1), level 0 = leaf
 *   m:size                        tree size (decimal), advanced only in the batch that adds entries
 *   m:origin                      checkpoint origin the store was created for
 *   m:checkpoint                  latest checkpoint note signed by the log
 *   m:cosigned                    latest checkpoint note with witness cosignatures
 *   r/<requester>/<index:16 hex>  a requester's own entry (log/requester-index.ts), with m:requester-index
 */
import type { NodeId } from './merkle.js';

export const ENTRY_PREFIX = 'e';
export const NODE_PREFIX = 'n';
export const META_SIZE = 'm:size';
export const META_ORIGIN = 'm:origin';
export const META_CHECKPOINT = 'm:checkpoint';
export const META_COSIGNED = 'm:cosigned';

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

export function entryKey(index: number): string {
  return ENTRY_PREFIX + hex16(index);
}

export function nodeKey(node: NodeId): string {
  return NODE_PREFIX + node.level.toString(16).padStart(2, '0') + hex16(node.index);
}

/** Parses an entry key back to its index; undefined for anything else. */
export function parseEntryKey(key: string): number | undefined {
  if (key.length !== 17 || !key.startsWith(ENTRY_PREFIX) || !/^[0-9a-f]{16}$/.test(key.slice(1))) return undefined;
  return Number.parseInt(key.slice(1), 16);
}

export function parseNodeKey(key: string): NodeId | undefined {
  if (key.length !== 19 || !key.startsWith(NODE_PREFIX) || !/^[0-9a-f]{18}$/.test(key.slice(1))) return undefined;
  return { level: Number.parseInt(key.slice(1, 3), 16), index: Number.parseInt(key.slice(3), 16) };
}

/** Iterator bounds covering every key with `prefix`. */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix + '\uffff' };
}
