/**
 * Picking a job's id type from what the three nodes hold (issue 14), before any node starts
 * work: a federation aligns on one id type, and a node whose ids do not fit it is refused at
 * the start with a message naming what every node holds and what to pass instead.
 *
 * - Credit codes fit both types (a credit code is also text); free-form ids fit `any` only.
 * - No type given: credit codes when every node holds credit codes, `any` when every node holds
 *   free-form ids (there is nothing to choose), otherwise refused, saying to pass `--id-type any`.
 */
import { FedcreditError } from '../lib/errors.js';
import type { IdType } from './ids.js';

export interface HeldIds {
  readonly site: string;
  /** What the node's ids were ingested as. */
  readonly idFormat: IdType;
  /** "records", "table" or "" (nothing ingested). */
  readonly source: string;
}

export function describeHeld(h: HeldIds): string {
  if (h.idFormat === 'any') return `${h.site} holds free-form ids (feature table)`;
  if (h.source === '') return `${h.site} holds no data yet`;
  return `${h.site} holds credit codes (${h.source === 'table' ? 'feature table' : 'site records'})`;
}

/** The job's id type, or a FedcreditError ID_TYPE_MISMATCH saying who holds what and what to do. */
export function chooseIdType(requested: IdType | undefined, held: readonly HeldIds[]): IdType {
  const free = held.filter((h) => h.idFormat === 'any');
  if (requested === 'any') return 'any';
  if (free.length === 0) return 'credit-code';
  if (requested === undefined && free.length === held.length) return 'any';
  const who = held.map(describeHeld).join(', ');
  const names = free.map((h) => h.site);
  const reingest = `ingest ${names.map((n) => `${n}'s`).join(' and ')} table${names.length > 1 ? 's' : ''} with --id-format credit-code`;
  const start = requested === 'credit-code' ? 'the job aligns credit codes (--id-type credit-code) but' : 'the sites hold different id types:';
  throw new FedcreditError('ID_TYPE_MISMATCH', `${start} ${who}; align them with --id-type any, or ${reingest} if those ids are credit codes`);
}
