/**
 * Transparency log entries: the versioned envelope and the set of entry kinds every party
 * agrees on (coordinator writes them, nodes record them, auditors and enterprises read them).
 *
 * Envelope: `{ v: 1, kind, body }` as canonical JSON (object keys sorted by UTF-16 code units
 * as in RFC 8785, no whitespace), so the same logical entry always has the same bytes and
 * therefore the same RFC 9162 §2.1.1 leaf hash.
 *
 * Kinds (ENTRY_KINDS below, version 1 of each body): node-registration, node-key-rotation,
 * node-removal, enterprise-key-registration, alignment-job, training-job, query, refusal, refusal-summary,
 * revocation, and post-loan monitoring's portfolio-change, monitoring-run, rescore, rescore-skip,
 * monitoring-run-end (docs/design/monitoring.md, 3.1). Every
 * body has `time` (ms since the epoch). Bodies hold metadata only: who, about whom, why, under
 * which consent and model; never a record, a feature value or a score (a score may appear only
 * as a salted commitment). Two fields have a fixed meaning across kinds:
 *   - `subject`: the enterprise (its credit code, or its id as ingested: schema/subject.ts) the entry is about (`audit entries`);
 *     a `refusal-summary` is about several, listed in `subjects` (subjectsOf reads both);
 *   - `sites`: the data nodes that served the request; each must hold a signed served record
 *     naming this entry's index (log/served-book.ts), which `audit verify` cross-checks.
 * Adding a kind is additive; changing a body means a new kind name (e.g. `query.v2`).
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface LogEntry {
  readonly v: 1;
  /** One of ENTRY_KINDS for entries fedcredit writes; decodeEntry accepts any well-formed kind. */
  readonly kind: string;
  readonly body: { readonly [key: string]: JsonValue };
}

export type EntryDecode = { readonly ok: true; readonly entry: LogEntry } | { readonly ok: false; readonly reason: string };

import { verifySignature } from '../crypto/identity.js';
import { registrationMessage, type NodeRegistration } from '../registration/statement.js';
import type { RegistrationCertification } from '../registration/cert.js';
import { keyBindingMessage, revocationMessage } from '../consent/signing.js';
import { subjectProblem } from '../schema/subject.js';
import { verifyKeyRotation } from '../registration/rotation.js';

/** Bounds what one entry may cost every auditor who downloads the log. */
export const MAX_ENTRY_BYTES = 64 * 1024;
const KIND = /^[a-z][a-z0-9._-]{0,63}$/;

/** Canonical JSON text of a value; throws TypeError on values JSON cannot carry exactly. */
export function canonicalJson(value: JsonValue): string {
  try {
    return write(value);
  } catch (err) {
    if (err instanceof Unloggable) throw new TypeError(`$${err.path}${err.problem}`);
    throw err;
  }
}

/**
 * A value canonicalJson refuses; `path` is filled in on the way out (child), so the walk builds
 * no path strings for the values it accepts: every query, entry and record of every party is
 * encoded this way, and a path per key was most of the allocations.
 */
class Unloggable extends Error {
  path = '';
  constructor(readonly problem: string) {
    super(problem);
  }
}

function write(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Unloggable(`: ${value} is not a finite number`);
    // Beyond 2^53 a number no longer round-trips through every JSON parser; say so here
    // rather than let two auditors decode different values.
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new Unloggable(`: integer ${value} is beyond 2^53 - 1; encode it as a string`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + child(value[i] as JsonValue, i);
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new Unloggable(': only plain objects can be logged');
    const obj = value as { readonly [key: string]: JsonValue };
    const keys = Object.keys(obj).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = obj[k];
      if (v === undefined) {
        const e = new Unloggable(' is undefined');
        e.path = `.${k}`;
        throw e;
      }
      out += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${child(v, k)}`;
    }
    return `${out}}`;
  }
  throw new Unloggable(`: ${typeof value} cannot be logged`);
}

/** write() of a member, naming it in the path of a refusal from within. */
function child(value: JsonValue, key: string | number): string {
  try {
    return write(value);
  } catch (err) {
    if (err instanceof Unloggable) err.path = `${typeof key === 'number' ? `[${key}]` : `.${key}`}${err.path}`;
    throw err;
  }
}

/** The exact bytes to append to the log for an entry. */
export function encodeEntry(entry: LogEntry): Uint8Array {
  if (entry.v !== 1) throw new RangeError(`entry version ${String(entry.v)} is not supported (want 1)`);
  if (typeof entry.kind !== 'string' || !KIND.test(entry.kind)) throw new RangeError(`entry kind ${JSON.stringify(entry.kind)} must match ${KIND}`);
  if (typeof entry.body !== 'object' || entry.body === null || Array.isArray(entry.body)) throw new TypeError('entry body must be an object');
  const bytes = ENTRY_ENCODER.encode(canonicalJson({ v: 1, kind: entry.kind, body: entry.body }));
  if (bytes.length > MAX_ENTRY_BYTES) throw new RangeError(`entry is ${bytes.length} bytes, limit ${MAX_ENTRY_BYTES}`);
  return bytes;
}

/**
 * One encoder and one decoder for every entry (a node decodes each entry the coordinator carries
 * to it; constructing a TextDecoder cost more than decoding an entry). Decoding is not streamed,
 * so the fatal decoder keeps no state between calls.
 */
const ENTRY_ENCODER = new TextEncoder();
const ENTRY_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes entry bytes from the log, refusing anything that is not exactly canonical. */
export function decodeEntry(bytes: Uint8Array): EntryDecode {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: 'entry must be bytes' };
  if (bytes.length > MAX_ENTRY_BYTES) return { ok: false, reason: `entry is ${bytes.length} bytes, limit ${MAX_ENTRY_BYTES}` };
  let text: string;
  let parsed: unknown;
  try {
    text = ENTRY_DECODER.decode(bytes);
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

/* ---------------------------------------------------------------- entry kinds, version 1 */

type FieldType = 'string' | 'int' | 'hex' | 'subject' | 'subjects' | 'sites' | 'object' | 'portfolio' | 'code' | 'months';
interface FieldSpec {
  readonly type: FieldType;
  readonly optional?: boolean;
  /** For a string: the only values it may take. */
  readonly values?: readonly string[];
}
const f = (type: FieldType, optional = false): FieldSpec => ({ type, optional });
const oneOf = (values: readonly string[], optional = false): FieldSpec => ({ type: 'string', optional, values });

/** Body fields per kind. `time` is required everywhere and added below. */
export const ENTRY_KINDS = {
  /**
   * A data node joined (or moved): the node's own signed registration, re-verifiable by anyone;
   * `certificate` (its TLS certificate, DER) and `certificateSignature` (that key's signature)
   * show the federation CA vouches for the site's keys (registration/cert.ts). Entries
   * without them are not applied by nodes running TLS.
   */
  'node-registration': {
    site: f('string'), address: f('string'), identityKey: f('hex'), sealingKey: f('hex'), signature: f('hex'), sites: f('sites'),
    certificate: f('hex', true), certificateSignature: f('hex', true),
  },
  /**
   * A data node re-registered under new keys with its OLD identity key's word
   * (registration/rotation.ts): the fields of a node-registration under the new keys, plus the
   * key it replaces and that key's signature over the rotation statement (signed at `rotatedAt`).
   */
  'node-key-rotation': {
    site: f('string'), address: f('string'), identityKey: f('hex'), sealingKey: f('hex'), signature: f('hex'), sites: f('sites'),
    certificate: f('hex', true), certificateSignature: f('hex', true),
    previousIdentityKey: f('hex'), previousKeySignature: f('hex'), rotatedAt: f('int'),
  },
  /**
   * The coordinator's operator removed a site's registration (its key was lost): which key,
   * why, and who (the operator's TLS identity). No `sites`: the removed node served nothing.
   */
  'node-removal': { site: f('string'), identityKey: f('hex'), reason: f('string'), removedBy: f('string') },
  /** An enterprise's signing key bound to its credit code by the registrar. */
  'enterprise-key-registration': { subject: f('subject'), enterpriseKey: f('hex'), registrarKey: f('hex'), registrarSignature: f('hex') },
  /** A PSI alignment run: who asked, which sites, why; the coordinator learns set sizes only. */
  'alignment-job': { jobId: f('string'), requester: f('string'), sites: f('sites'), purpose: f('string') },
  /** A training run: who asked, which sites, purpose, hyper-parameters (never weights). */
  'training-job': { jobId: f('string'), requester: f('string'), sites: f('sites'), purpose: f('string'), model: f('string'), parameters: f('object') },
  /**
   * A consented score query; the score itself only as a salted commitment. The consent's terms
   * it was admitted under (requester named, validity, uses allowed) let auditors check it
   * (log/audit/consent-audit.ts), with the consent's hash (consent/terms.ts); older entries lack them.
   */
  'query': {
    queryId: f('string'), requester: f('string'), subject: f('subject'), consentId: f('string'), purpose: f('string'),
    model: f('string'), sites: f('sites'), scoreCommitment: f('hex', true),
    consentRequester: f('string', true), consentValidFrom: f('int', true), consentValidUntil: f('int', true), consentMaxUses: f('int', true),
    consentHash: f('hex', true),
  },
  /** A request that was refused, by whom and why (e.g. CONSENT_EXPIRED). */
  'refusal': { queryId: f('string'), requester: f('string'), subject: f('subject', true), refusedBy: f('string'), reason: f('string'), sites: f('sites', true) },
  /**
   * Refusals of one requester, code and refusing party past the per-window threshold, counted
   * instead of logged one by one (log/refusals.ts): how many (`count`), between
   * `from` and `time`, and up to 16 of the enterprises they named (`subjects`; `subjectsOmitted`
   * more). Never carries `sites`: no node served anything.
   */
  'refusal-summary': {
    requester: f('string'), refusedBy: f('string'), reason: f('string'), count: f('int'), from: f('int'),
    subjects: f('subjects', true), subjectsOmitted: f('int', true),
  },
  /** An enterprise withdrew a consent; signed by the enterprise's key. */
  'revocation': { subject: f('subject'), consentId: f('string'), signerKey: f('hex'), signature: f('hex') },
  /*
   * Post-loan monitoring (docs/design/monitoring.md, 3.1): metadata only, never a score.
   */
  /**
   * A bank created a portfolio (op create: `model`), or added or removed an enterprise under
   * its signed instruction (monitoring/instruction.ts): `instruction` is the hex of the
   * instruction's canonical JSON text, `signature` the bank's Ed25519 signature over the
   * instruction tag and that text, under `requesterKey` (the consent's requester key). An add
   * carries the consent's terms (as a query entry does) so the auditor can judge each month's
   * re-score by them. Which fields each op takes: portfolioChangeProblem below.
   */
  'portfolio-change': {
    op: oneOf(['create', 'add', 'remove']), requester: f('string'), portfolio: f('portfolio'), subject: f('subject', true),
    consentId: f('string', true), consentHash: f('hex', true), consentValidUntil: f('int', true), consentMaxUses: f('int', true),
    model: f('string', true), instruction: f('hex', true), requesterKey: f('hex', true), signature: f('hex', true),
  },
  /**
   * A monitoring run begins: whose portfolio, which model, the month each site's features are
   * as of (`asOf`: site -> YYYY-MM), why (`trigger`: schedule, ingest:<site>, manual:<caller>),
   * how many items, and the sealing key the explanations are sealed to. The run's sites are
   * `participants`, not `sites`: `sites` means "each holds a served record of this entry", and
   * nodes record the run's `rescore` entries (in batches), not the run entry itself.
   */
  'monitoring-run': {
    runId: f('string'), requester: f('string'), portfolio: f('portfolio'), model: f('string'), purpose: oneOf(['loan-monitoring']),
    participants: f('sites'), asOf: f('months'), trigger: f('string'), items: f('int'), sealingKey: f('hex'), sealingKeySignature: f('hex'),
  },
  /** One enterprise re-scored in the run logged at index `run`; every site in `sites` served it. */
  'rescore': { run: f('int'), requester: f('string'), subject: f('subject'), consentId: f('string'), consentHash: f('hex'), sites: f('sites') },
  /** One enterprise skipped in the run at `run`: who refused it (`coordinator` or a site) and the code. No `sites`: nothing was served. */
  'rescore-skip': { run: f('int'), requester: f('string'), subject: f('subject'), consentId: f('string'), refusedBy: f('string'), reason: f('code') },
  /** The run at `run` ended: how many items it scored, skipped, and how many changed (counts only). */
  'monitoring-run-end': { run: f('int'), scored: f('int'), skipped: f('int'), changed: f('int') },
} as const satisfies Record<string, Record<string, FieldSpec>>;

export type EntryKind = keyof typeof ENTRY_KINDS;

export function isEntryKind(kind: string): kind is EntryKind {
  return Object.hasOwn(ENTRY_KINDS, kind);
}

const HEX = /^(?:[0-9a-f]{2})+$/;
/** A portfolio's name (docs/design/monitoring.md, 1); also monitoring/instruction.ts. */
export const PORTFOLIO_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const SITE = /^[a-z][a-z0-9-]{0,31}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A stable error code (lib/errors.ts), as a refusal's reason. */
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const TRIGGER = /^(schedule|ingest:[a-z][a-z0-9-]{0,31}|manual:[^\u0000-\u001f\u007f]{1,128})$/u;

function fieldProblem(name: string, spec: FieldSpec, value: JsonValue | undefined): string | undefined {
  if (value === undefined) return spec.optional ? undefined : `missing field ${name}`;
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string' || value.length === 0 || value.length > 256) return `${name} must be a non-empty string of at most 256 characters`;
      return spec.values === undefined || spec.values.includes(value) ? undefined : `${name} must be one of ${spec.values.join(', ')}, got ${JSON.stringify(value.slice(0, 40))}`;
    case 'int': return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `${name} must be a non-negative integer`;
    case 'hex': return typeof value === 'string' && HEX.test(value) ? undefined : `${name} must be lowercase hex`;
    // A credit code, or an id of any text as ingested (schema/subject.ts).
    case 'subject': return subjectProblem(value) === undefined ? undefined : `${name} must name an enterprise (a credit code or an id as ingested)`;
    case 'subjects': return Array.isArray(value) && value.length > 0 && value.length <= 16 && value.every((c) => subjectProblem(c) === undefined)
      ? undefined : `${name} must be a list of 1-16 enterprises (credit codes or ids as ingested)`;
    case 'sites': return Array.isArray(value) && value.length > 0 && value.every((s) => typeof s === 'string' && /^[a-z][a-z0-9-]{0,31}$/.test(s))
      ? undefined : `${name} must be a non-empty list of site names`;
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : `${name} must be an object`;
    case 'portfolio': return typeof value === 'string' && PORTFOLIO_NAME.test(value) ? undefined : `${name} must be a portfolio name (${PORTFOLIO_NAME.source})`;
    case 'code': return typeof value === 'string' && CODE.test(value) ? undefined : `${name} must be an error code (e.g. CONSENT_REVOKED)`;
    case 'months': return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
      && Object.entries(value).every(([site, month]) => SITE.test(site) && typeof month === 'string' && MONTH.test(month))
      ? undefined : `${name} must be an object of site name -> month (YYYY-MM), at least one`;
  }
}

/** The fields of a portfolio-change each op must carry (the others it must not). */
const PORTFOLIO_CHANGE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  create: ['model'],
  add: ['subject', 'consentId', 'consentHash', 'consentValidUntil', 'consentMaxUses', 'instruction', 'requesterKey', 'signature'],
  remove: ['subject', 'consentId', 'consentHash', 'instruction', 'requesterKey', 'signature'],
};
const PORTFOLIO_CHANGE_OPTIONAL = ['subject', 'consentId', 'consentHash', 'consentValidUntil', 'consentMaxUses', 'model', 'instruction', 'requesterKey', 'signature'];

/** Rules across the fields of one body, past each field's own form. */
function bodyProblem(entry: LogEntry): string | undefined {
  const b = entry.body;
  if (entry.kind === 'portfolio-change') {
    const op = String(b['op']);
    const needed = PORTFOLIO_CHANGE_FIELDS[op] ?? [];
    const missing = needed.filter((k) => b[k] === undefined);
    if (missing.length) return `op ${op} needs ${missing.join(', ')}`;
    const stray = PORTFOLIO_CHANGE_OPTIONAL.filter((k) => b[k] !== undefined && !needed.includes(k));
    if (stray.length) return `op ${op} takes no ${stray.join(', ')}`;
  }
  if (entry.kind === 'monitoring-run') {
    if (!TRIGGER.test(String(b['trigger']))) return 'trigger must be schedule, ingest:<site> or manual:<caller>';
    const participants = b['participants'] as readonly string[];
    const months = Object.keys(b['asOf'] as object);
    const stray = months.filter((s) => !participants.includes(s));
    if (stray.length) return `asOf names sites that are not participants: ${stray.join(', ')}`;
  }
  return undefined;
}

/** Why an entry's body does not fit its kind, or undefined. Unknown kinds are a problem too. */
export function entryProblem(entry: LogEntry): string | undefined {
  if (!isEntryKind(entry.kind)) return `unknown entry kind ${JSON.stringify(entry.kind)}`;
  const spec: Record<string, FieldSpec> = { ...ENTRY_KINDS[entry.kind], time: f('int') };
  for (const [name, field] of Object.entries(spec)) {
    const problem = fieldProblem(name, field, entry.body[name]);
    if (problem) return `${entry.kind}: ${problem}`;
  }
  const extra = Object.keys(entry.body).filter((k) => !Object.hasOwn(spec, k));
  if (extra.length) return `${entry.kind}: unknown fields ${extra.join(', ')}`;
  const problem = bodyProblem(entry);
  return problem ? `${entry.kind}: ${problem}` : undefined;
}

/** Builds a well-formed entry of a known kind; throws RangeError naming the bad field. */
export function makeEntry(kind: EntryKind, body: { readonly [key: string]: JsonValue }): LogEntry {
  const entry: LogEntry = { v: 1, kind, body };
  const problem = entryProblem(entry);
  if (problem) throw new RangeError(problem);
  return entry;
}

/** The data nodes that must hold a served record of this entry. */
export function sitesOf(entry: LogEntry): string[] {
  const sites = entry.body['sites'];
  return Array.isArray(sites) ? sites.filter((s): s is string => typeof s === 'string') : [];
}

/** The enterprise an entry is about, if any. */
export function subjectOf(entry: LogEntry): string | undefined {
  const subject = entry.body['subject'];
  return typeof subject === 'string' ? subject : undefined;
}

/** Every enterprise an entry is about: its `subject`, and a refusal summary's `subjects`. */
export function subjectsOf(entry: LogEntry): string[] {
  const one = subjectOf(entry);
  const many = entry.body['subjects'];
  return [...(one !== undefined ? [one] : []), ...(Array.isArray(many) ? many.filter((s): s is string => typeof s === 'string') : [])];
}

/** Key name a site's witness cosigns under (c2sp.org/signed-note key names). */
export function witnessKeyName(site: string): string {
  return `${site}.witness.fedcredit`;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * The node-registration entry for a signed registration. Built only from what the node signed,
 * so the node can rebuild the same bytes (and leaf hash) for its own served record.
 */
export function nodeRegistrationEntry(r: NodeRegistration, signature: Uint8Array, certification?: RegistrationCertification): LogEntry {
  return makeEntry('node-registration', {
    site: r.site, address: r.address, identityKey: hex(r.identityPublicKey), sealingKey: hex(r.sealingPublicKey), signature: hex(signature), sites: [r.site], time: r.timestampMs,
    ...(certification && certification.certificate.length > 0
      ? { certificate: hex(certification.certificate), certificateSignature: hex(certification.signature) } : {}),
  });
}

/** The node-key-rotation entry for a registration under new keys and the old key's signed rotation statement. */
export function nodeKeyRotationEntry(
  r: NodeRegistration, signature: Uint8Array, certification: RegistrationCertification | undefined,
  rotation: { previousIdentityKey: Uint8Array; signature: Uint8Array; rotatedAtMs: number },
): LogEntry {
  const base = nodeRegistrationEntry(r, signature, certification).body;
  return makeEntry('node-key-rotation', {
    ...base, previousIdentityKey: hex(rotation.previousIdentityKey), previousKeySignature: hex(rotation.signature), rotatedAt: rotation.rotatedAtMs,
  });
}

/** The registration a node-registration (or node-key-rotation) entry states, and the CA certification it carries (if any). */
export function registrationOfEntry(entry: LogEntry): { registration: NodeRegistration; certification?: RegistrationCertification } {
  const b = entry.body;
  const registration: NodeRegistration = {
    site: String(b['site']), address: String(b['address']),
    identityPublicKey: Buffer.from(String(b['identityKey']), 'hex'), sealingPublicKey: Buffer.from(String(b['sealingKey']), 'hex'),
    timestampMs: Number(b['time']),
  };
  if (typeof b['certificate'] !== 'string' || typeof b['certificateSignature'] !== 'string') return { registration };
  return { registration, certification: { certificate: Buffer.from(b['certificate'], 'hex'), signature: Buffer.from(b['certificateSignature'], 'hex') } };
}

/**
 * Checks the signatures an entry carries itself (the node's registration signature, the
 * registrar's on an enterprise key binding, the enterprise's on a revocation). `undefined` when
 * they verify or the kind carries none. Whether a registrar or an enterprise key is trusted is
 * the reader's question (consent/verify.ts), not the entry's.
 */
export function entrySignatureProblem(entry: LogEntry): string | undefined {
  const b = entry.body;
  const bytes = (field: string): Uint8Array => Buffer.from(String(b[field]), 'hex');
  if (entry.kind === 'enterprise-key-registration') {
    const statement = { subject: String(b['subject']), enterpriseKey: String(b['enterpriseKey']), registrarKey: String(b['registrarKey']), issuedAt: Number(b['time']) };
    return verifySignature(bytes('registrarKey'), keyBindingMessage(statement), bytes('registrarSignature'))
      ? undefined
      : `enterprise-key-registration for ${statement.subject}: the registrar signature does not verify under the registrar key it names`;
  }
  if (entry.kind === 'revocation') {
    const statement = { consentId: String(b['consentId']), subject: String(b['subject']), signerKey: String(b['signerKey']), revokedAt: Number(b['time']) };
    return verifySignature(bytes('signerKey'), revocationMessage(statement), bytes('signature'))
      ? undefined
      : `revocation of consent ${statement.consentId}: the signature does not verify under the signer key it names`;
  }
  if (entry.kind !== 'node-registration' && entry.kind !== 'node-key-rotation') return undefined;
  const reg = registrationOfEntry(entry).registration;
  const sites = sitesOf(entry);
  if (sites.length !== 1 || sites[0] !== reg.site) return `${entry.kind} for ${reg.site} names sites ${sites.join(', ')}`;
  if (!verifySignature(reg.identityPublicKey, registrationMessage(reg), Buffer.from(String(b['signature']), 'hex'))) {
    return `${entry.kind} for ${reg.site}: the registration signature does not verify under the key it names`;
  }
  if (entry.kind === 'node-registration') return undefined;
  const statement = {
    site: reg.site, previousIdentityKey: bytes('previousIdentityKey'), identityKey: reg.identityPublicKey, sealingKey: reg.sealingPublicKey, rotatedAtMs: Number(b['rotatedAt']),
  };
  return verifyKeyRotation(statement, bytes('previousKeySignature'))
    ? undefined
    : `node-key-rotation for ${reg.site}: the rotation is not signed by the previous key ${String(b['previousIdentityKey']).slice(0, 16)}... it names`;
}
