/**
 * Worker of log/audit/entry-check.ts: checks one chunk of log entries.
 */
import { checkEntryChunk, type EntryCheck } from './entry-check.js';

export default function check(items: Uint8Array[]): EntryCheck[] {
  return checkEntryChunk(items);
}
