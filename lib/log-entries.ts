/**
 * The versioned envelope every transparency log entry is wrapped in: `{ v: 1, kind, body }`
 * as canonical JSON (object keys sorted by UTF-16 code units as in RFC 8785, no whitespace),
 * so the same logical entry always has the same bytes and therefore the same RFC 9162 leaf
 * hash. Entry kinds and their bodies are defined by the code that logs them.
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface LogEntry {
  readonly v: 1;
  /** e.g. 'query', 'refusal', 'revocation', 'training-job', 'key-registration'. */
  readonly kind: string;
  readonly body: { readonly [key: string]: JsonValue };
}

export type EntryDecode = { readonly ok: true; readonly entry: LogEntry } | { readonly ok: false; readonly reason: string };

/** Bounds what one entry may cost every auditor who downloads the log. */
export const MAX_ENTRY_BYTES = 64 * 1024;
const KIND = /^[a-z][a-z0-9._-]{0,63}$/;

/** Canonical JSON text of a value; throws TypeError on values JSON cannot carry exactly. */
export function canonicalJson(value: JsonValue): string {
  return write(value, '$');
}

function write(value: JsonValue, at: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${at}: ${value} is not a finite number`);
    // Beyond 2^53 a number no longer round-trips through every JSON parser; say so here
    // rather than let two auditors decode different values.
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new TypeError(`${at}: integer ${value} is beyond 2^53 - 1; encode it as a string`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => write(v as JsonValue, `${at}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${at}: only plain objects can be logged`);
    const obj = value as { readonly [key: string]: JsonValue };
    const keys = Object.keys(obj).sort();
    return `{${keys
      .map((k) => {
        const v = obj[k];
        if (v === undefined) throw new TypeError(`${at}.${k} is undefined`);
        return `${JSON.stringify(k)}:${write(v, `${at}.${k}`)}`;
      })
      .join(',')}}`;
  }
  throw new TypeError(`${at}: ${typeof value} cannot be logged`);
}

/** The exact bytes to append to the log for an entry. */
export function encodeEntry(entry: LogEntry): Uint8Array {
  if (entry.v !== 1) throw new RangeError(`entry version ${String(entry.v)} is not supported (want 1)`);
  if (typeof entry.kind !== 'string' || !KIND.test(entry.kind)) throw new RangeError(`entry kind ${JSON.stringify(entry.kind)} must match ${KIND}`);
  if (typeof entry.body !== 'object' || entry.body === null || Array.isArray(entry.body)) throw new TypeError('entry body must be an object');
  const bytes = new TextEncoder().encode(canonicalJson({ v: 1, kind: entry.kind, body: entry.body }));
  if (bytes.length > MAX_ENTRY_BYTES) throw new RangeError(`entry is ${bytes.length} bytes, limit ${MAX_ENTRY_BYTES}`);
  return bytes;
}

/** Decodes entry bytes from the log, refusing anything that is not exactly canonical. */
export function decodeEntry(bytes: Uint8Array): EntryDecode {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: 'entry must be bytes' };
  if (bytes.length > MAX_ENTRY_BYTES) return { ok: false, reason: `entry is ${bytes.length} bytes, limit ${MAX_ENTRY_BYTES}` };
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `entry is not UTF-8 JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'entry is not a JSON object' };
  const obj = parsed as Record<string, unknown>;
  const extra = Object.keys(obj).filter((k) => k !== 'v' && k !== 'kind' && k !== 'body');
  if (extra.length > 0) return { ok: false, reason: `entry has unknown fields: ${extra.join(', ')}` };
  if (obj['v'] !== 1) return { ok: false, reason: `entry version ${JSON.stringify(obj['v'])} is not supported (want 1)` };
  const kind = obj['kind'];
  if (typeof kind !== 'string' || !KIND.test(kind)) return { ok: false, reason: `entry kind ${JSON.stringify(kind)} is not valid` };
  const body = obj['body'];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, reason: 'entry body is not an object' };
  const entry: LogEntry = { v: 1, kind, body: body as LogEntry['body'] };
  let canonical: string;
  try {
    canonical = canonicalJson(entry as unknown as JsonValue);
  } catch (err) {
    return { ok: false, reason: `entry cannot be re-encoded: ${(err as Error).message}` };
  }
  // Two byte strings for one entry would give two leaf hashes; only the canonical one counts.
  if (canonical !== text) return { ok: false, reason: 'entry is not in canonical form (sorted keys, no whitespace)' };
  return { ok: true, entry };
}
