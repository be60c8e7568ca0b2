/**
 * Field checks shared by the consent records (consent, key binding, revocation): exact key
 * sets, lowercase hex of a fixed length, credit codes, times. Parsing untrusted input returns
 * the first problem as a sentence naming the field; it never throws.
 *
 * Strictness is deliberate: a record has one accepted spelling (lowercase hex, no unknown or
 * missing fields), so that a signed record cannot be altered into a second text that still
 * verifies (signature malleability) and so its bytes can be logged and compared.
 */
import { subjectProblem } from '../schema/subject.js';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** A field problem found while reading a record; caught by `readRecord` only. */
export class FieldProblem extends Error {
  override name = 'FieldProblem';
}

export const ED25519_KEY_HEX = 64;
export const ED25519_SIGNATURE_HEX = 128;
/** Records are small; anything larger is refused before JSON.parse sees it. */
export const MAX_RECORD_BYTES = 16 * 1024;

const LOWER_HEX = /^[0-9a-f]*$/;
/** A consent id: a lowercase UUID (Kantara CR v1.1 consentReceiptID). */
export const CONSENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** A key given as raw bytes or hex, as lowercase hex (for comparison with record fields). */
export function keyHex(key: Uint8Array | string): string {
  return typeof key === 'string' ? key.toLowerCase() : toHex(key);
}

/** Reads the fields of one JSON object, refusing unknown and missing ones. */
export class FieldReader {
  private readonly seen = new Set<string>();

  constructor(private readonly obj: Readonly<Record<string, unknown>>, private readonly at: string) {}

  static of(value: unknown, at: string): FieldReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldProblem(`${at} must be a JSON object`);
    return new FieldReader(value as Record<string, unknown>, at);
  }

  raw(name: string): unknown {
    this.seen.add(name);
    if (!Object.hasOwn(this.obj, name) || this.obj[name] === undefined) throw new FieldProblem(`${this.name(name)} is missing`);
    return this.obj[name];
  }

  name(field: string): string {
    return this.at ? `${this.at}.${field}` : field;
  }

  string(name: string, pattern: RegExp, what: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string') throw new FieldProblem(`${this.name(name)} must be a string (${what}), got ${kindOf(v)}`);
    if (!pattern.test(v)) throw new FieldProblem(`${this.name(name)} must be ${what}, got ${JSON.stringify(v.slice(0, 80))}`);
    return v;
  }

  hex(name: string, hexChars: number, what: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string') throw new FieldProblem(`${this.name(name)} must be a string (${what}), got ${kindOf(v)}`);
    if (v.length !== hexChars || !LOWER_HEX.test(v)) throw new FieldProblem(`${this.name(name)} must be ${what}: ${hexChars} lowercase hex characters`);
    return v;
  }

  /** An enterprise: a credit code, or an id of any text as ingested (schema/subject.ts). */
  subject(name: string): string {
    const v = this.raw(name);
    const problem = subjectProblem(v);
    if (problem) throw new FieldProblem(`${this.name(name)}: ${problem}`);
    return v as string;
  }

  /** A non-negative safe integer within [min, max]. */
  int(name: string, min: number, max: number, what: string): number {
    const v = this.raw(name);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new FieldProblem(`${this.name(name)} must be a whole number (${what}), got ${kindOf(v)}`);
    if (v < min || v > max) throw new FieldProblem(`${this.name(name)} must be ${what} between ${min} and ${max}, got ${v}`);
    return v;
  }

  /** A non-empty list of distinct strings from `allowed` (or matching it), in sorted order. */
  sortedList(name: string, allowed: RegExp | readonly string[], what: string): string[] {
    const v = this.raw(name);
    if (!Array.isArray(v) || v.length === 0) throw new FieldProblem(`${this.name(name)} must be a non-empty list of ${what}`);
    if (v.length > 32) throw new FieldProblem(`${this.name(name)} has ${v.length} items, at most 32`);
    for (const item of v) {
      const ok = typeof item === 'string' && (Array.isArray(allowed) ? (allowed as readonly string[]).includes(item) : (allowed as RegExp).test(item));
      if (!ok) throw new FieldProblem(`${this.name(name)}: ${JSON.stringify(item)} is not ${what}${Array.isArray(allowed) ? ` (one of ${(allowed as readonly string[]).join(', ')})` : ''}`);
    }
    const list = v as string[];
    // One order for one set: the record then has one canonical text.
    for (let i = 1; i < list.length; i++) {
      if (list[i - 1]! >= list[i]!) throw new FieldProblem(`${this.name(name)} must be sorted and without duplicates`);
    }
    return list;
  }

  /** Call last: refuses fields the record kind does not define. */
  done(): void {
    const extra = Object.keys(this.obj).filter((k) => !this.seen.has(k));
    if (extra.length > 0) throw new FieldProblem(`${this.at || 'record'} has unknown fields: ${extra.slice(0, 5).join(', ')}`);
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v;
}

/**
 * The JSON value of a record given as text, bytes or an already-parsed value. Text must be
 * UTF-8 JSON within MAX_RECORD_BYTES.
 */
export function recordValue(input: unknown, what: string): Parsed<{ value: unknown; text?: string }> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return { ok: true, value: { value: input } };
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length > MAX_RECORD_BYTES) return { ok: false, message: `${what} is ${bytes.length} bytes, limit ${MAX_RECORD_BYTES}` };
  try {
    const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { ok: true, value: { value: JSON.parse(text) as unknown, text } };
  } catch (err) {
    return { ok: false, message: `${what} is not UTF-8 JSON: ${(err as Error).message}` };
  }
}

/** A record given as text must be its canonical text, optionally with one trailing newline. */
export function canonicalTextProblem(text: string | undefined, canonical: string, what: string): string | undefined {
  if (text === undefined || text === canonical || text === `${canonical}\n`) return undefined;
  return `${what} text is not in canonical form (sorted keys, no whitespace); use the file fedcredit wrote, unchanged`;
}

/** Runs a record reader, turning its FieldProblem into a result; anything else is a bug and propagates. */
export function readRecord<T>(read: () => T): Parsed<T> {
  try {
    return { ok: true, value: read() };
  } catch (err) {
    if (err instanceof FieldProblem) return { ok: false, message: err.message };
    throw err;
  }
}

/** Freezes a parsed record and everything in it, so a cached copy cannot be changed. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
