/**
 * Which ids an alignment compares, and the bytes each id enters the PSI as (issue 14: a
 * federation with integer ids, UUIDs or ids in Chinese could not align at all).
 *
 * A federation aligns on one id type, declared in the job and checked by every node:
 * - `credit-code`: unified social credit codes, validated (GB 32100-2015 check characters) and
 *   hashed to the curve as their 18 ASCII bytes, as before.
 * - `any`: ids of any text. Each id is normalized, then hashed with SHA-256 under a domain tag
 *   (crypto/hash.ts hashWithDomain) to 32 bytes, and those 32 bytes are what hash_to_curve
 *   (./psi-hash.ts) maps to a point. Every id is therefore the same size from its first step on:
 *   whatever leaves the site (blinded points, 32 bytes each) and whatever is packed for the
 *   worker threads is independent of the id's length, script or format. The pre-hash is
 *   domain-separated by id type and case rule, so a value hashed under one rule never equals one
 *   hashed under another, nor any other SHA-256 the project computes.
 *
 * Normalization for `any` (the same at every site, so equal ids compare equal):
 *   1. Unicode NFC (UAX #15), so a precomposed and a decomposed "é" are one id;
 *   2. leading and trailing white space removed (String.prototype.trim: Unicode White_Space and
 *      line terminators), as spreadsheets and CSV exports add them;
 *   3. case kept by default (`A1` and `a1` are two ids); with `--id-case fold`, every id is
 *      case-folded as NFC(lower(upper(lower(id)))), a locale-independent approximation of Unicode
 *      full case folding (so "Straße" and "STRASSE" are one id), repeated until stable.
 * An id that is empty after this, or is not well-formed UTF-16 (a lone surrogate, which UTF-8
 * could only replace and so conflate), is refused. Two different ids of one site that become
 * the same after normalization are refused too: the site could not say which row is meant.
 */
import { hashWithDomain } from '../crypto/hash.js';
import { creditCodeProblem, CREDIT_CODE_LENGTH } from '../schema/credit-code.js';

export type IdType = 'credit-code' | 'any';
export type IdCase = 'keep' | 'fold';
export const ID_TYPES: readonly IdType[] = ['credit-code', 'any'];
export const ID_CASES: readonly IdCase[] = ['keep', 'fold'];

/** The id rule of one alignment job: the same at every site of it. */
export interface IdRule {
  readonly type: IdType;
  /** Only meaningful for `any`; credit codes are upper case by definition. */
  readonly idCase: IdCase;
}

export const CREDIT_CODE_RULE: IdRule = { type: 'credit-code', idCase: 'keep' };

/** Bytes per id entering hash_to_curve under the `any` rule: one SHA-256. */
export const ANY_ID_BYTES = 32;

const ANY_ID_DOMAIN: Readonly<Record<IdCase, string>> = {
  keep: 'fedcredit/psi-id/any/case-kept/v1',
  fold: 'fedcredit/psi-id/any/case-folded/v1',
};

export function isIdType(s: unknown): s is IdType {
  return s === 'credit-code' || s === 'any';
}

export function isIdCase(s: unknown): s is IdCase {
  return s === 'keep' || s === 'fold';
}

/** The rule a job's request fields name; empty fields mean credit codes, case kept. */
export function idRuleOf(type: string, idCase: string): IdRule {
  if (type !== '' && !isIdType(type)) throw new RangeError(`id type '${type.slice(0, 40)}' is not one of ${ID_TYPES.join(', ')}`);
  if (idCase !== '' && !isIdCase(idCase)) throw new RangeError(`id case '${idCase.slice(0, 40)}' is not one of ${ID_CASES.join(', ')}`);
  return { type: type === '' ? 'credit-code' : type, idCase: idCase === '' ? 'keep' : idCase };
}

/** How a rule reads in messages and summaries, e.g. "any (case folded)". */
export function describeIdRule(rule: IdRule): string {
  return rule.type === 'credit-code' ? 'credit codes' : `any text ids (NFC, trimmed, case ${rule.idCase === 'fold' ? 'folded' : 'kept'})`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The comparable form of `raw` under `idCase`, or a problem saying why it has none. */
export function normalizeId(raw: string, idCase: IdCase): { ok: true; id: string } | { ok: false; problem: string } {
  if (typeof raw !== 'string') return { ok: false, problem: 'is not text' };
  if (LONE_SURROGATE.test(raw)) return { ok: false, problem: 'is not well-formed Unicode (a lone surrogate)' };
  let id = raw.normalize('NFC').trim();
  if (idCase === 'fold') id = foldCase(id);
  if (id === '') return { ok: false, problem: 'is empty once trimmed' };
  return { ok: true, id };
}

/**
 * lower(upper(lower(x))) in NFC, repeated until it changes nothing (a fold must be idempotent:
 * "ẞ" lowers to "ß", which uppers to "SS"). Locale-independent: no Turkish dotless i rules.
 */
function foldCase(id: string): string {
  for (let i = 0; i < 4; i++) {
    const next = id.toLowerCase().toUpperCase().toLowerCase().normalize('NFC');
    if (next === id) break;
    id = next;
  }
  return id;
}

/** Longest id a table may hold under `any`, in UTF-16 units: ids are keys, not documents. */
export const MAX_ANY_ID_LENGTH = 256;

/** Why `raw` cannot be an id of a table ingested as `any`, or undefined: any text, trimmed, no control characters. */
export function anyIdProblem(raw: string): string | undefined {
  const n = normalizeId(raw, 'keep');
  if (!n.ok) return n.problem;
  if (/\p{Cc}/u.test(n.id)) return 'contains a control character';
  if (n.id.length > MAX_ANY_ID_LENGTH) return `is longer than ${MAX_ANY_ID_LENGTH} characters`;
  return undefined;
}

/** The comparable form of one id under `rule`; credit codes are only validated. */
export function canonicalId(raw: string, rule: IdRule): { ok: true; id: string } | { ok: false; problem: string } {
  if (rule.type === 'any') return normalizeId(raw, rule.idCase);
  const problem = creditCodeProblem(raw);
  return problem === undefined ? { ok: true, id: raw } : { ok: false, problem };
}

/** The fixed-length bytes a canonical id enters hash_to_curve as. */
export function idMessage(canonical: string, rule: IdRule): Uint8Array {
  if (rule.type === 'credit-code') return new Uint8Array(Buffer.from(canonical, 'latin1'));
  return hashWithDomain(ANY_ID_DOMAIN[rule.idCase], new Uint8Array(Buffer.from(canonical, 'utf8')));
}

/** Canonical ids packed back to back at a fixed length per id, for the blinder. */
export function packIds(canonical: readonly string[], rule: IdRule): { bytes: Uint8Array; idLength: number } {
  if (rule.type === 'credit-code') {
    return { bytes: new Uint8Array(Buffer.from(canonical.join(''), 'latin1')), idLength: CREDIT_CODE_LENGTH };
  }
  const bytes = new Uint8Array(canonical.length * ANY_ID_BYTES);
  canonical.forEach((id, i) => bytes.set(idMessage(id, rule), i * ANY_ID_BYTES));
  return { bytes, idLength: ANY_ID_BYTES };
}

export interface PreparedIds {
  /** Distinct canonical ids, in input order of first appearance. */
  readonly canonical: readonly string[];
  /** The site's own id for each canonical id (its row key), where they differ. */
  readonly rawOf: ReadonlyMap<string, string>;
  /** Inputs that repeated an earlier input exactly. */
  readonly duplicates: number;
}

/**
 * A site's ids in canonical form, deduplicated. Throws RangeError naming positions (never
 * ids: the message may travel to the coordinator) for an id with no canonical form, and for
 * two different ids that normalize to the same one.
 */
export function prepareIds(ids: readonly string[], rule: IdRule, who: string): PreparedIds {
  const firstRaw = new Map<string, { raw: string; index: number }>();
  const rawOf = new Map<string, string>();
  let duplicates = 0;
  let collisions = 0;
  let example = '';
  let pair: [string, string] = ['', ''];
  ids.forEach((raw, i) => {
    const c = canonicalId(raw, rule);
    if (!c.ok) throw new RangeError(`${who}: ID ${i}: ${c.problem}`);
    const earlier = firstRaw.get(c.id);
    if (earlier === undefined) {
      firstRaw.set(c.id, { raw, index: i });
      if (c.id !== raw) rawOf.set(c.id, raw);
    } else if (earlier.raw === raw) {
      duplicates++;
    } else {
      if (collisions++ === 0) {
        example = `IDs ${earlier.index} and ${i}`;
        pair = [earlier.raw, raw];
      }
    }
  });
  if (collisions > 0) {
    throw new IdCollisionError(
      `${who}: ${collisions} id(s) are the same as another id of this site once normalized (${describeIdRule(rule)}), first ${example}`,
      collisions,
      pair,
    );
  }
  return { canonical: [...firstRaw.keys()], rawOf, duplicates };
}

/** Two different ids of one site that one rule makes equal; the site must resolve them first. */
export class IdCollisionError extends RangeError {
  override readonly name = 'IdCollisionError';
  /** The first two ids that collide: for the site's own log, never for a message that leaves it. */
  constructor(message: string, readonly collisions: number, readonly pair: readonly [string, string]) {
    super(message);
  }
}
