/**
 * Enterprise key bindings: a registrar's signed statement that an Ed25519 key speaks for the
 * enterprise with a given credit code. Without it a consent proves only that *someone* signed;
 * with it, that the enterprise did (ISO/IEC TS 27560 requires the record to identify the
 * principal; PIPL Art. 23 requires the consent to come from the individual/entity itself).
 *
 * Record (v 1): subject, enterpriseKey, registrarKey, issuedAt, signature, the signature over
 * keyBindingMessage (consent/signing.ts). The federation trusts a fixed set of registrar
 * keys (in the demo, a demo key). A binding is published as the transparency log's
 * `enterprise-key-registration` entry, which keyBindingEntry builds and keyBindingFromEntry
 * reads back, so every node and auditor can learn and re-verify bindings from the log.
 */
import type { Identity } from '../crypto/identity.js';
import { BoundedCache } from '../lib/bounded-cache.js';
import { verifySignature } from '../crypto/identity.js';
import { canonicalJson, makeEntry, type JsonValue, type LogEntry } from '../log/entries.js';
import { keyBindingMessage } from './signing.js';
import {
  ED25519_KEY_HEX, ED25519_SIGNATURE_HEX, FieldProblem, canonicalTextProblem, FieldReader, fromHex, keyHex, readRecord, recordValue, toHex, type Parsed,
} from './fields.js';
import { subjectProblem } from '../schema/subject.js';

export interface KeyBinding {
  readonly v: 1;
  readonly subject: string;
  readonly enterpriseKey: string;
  readonly registrarKey: string;
  readonly issuedAt: number;
  readonly signature: string;
}

/**
 * The registrar binds `enterpriseKey` to `subject`. The registrar is expected to have checked
 * the enterprise's identity out of band (business licence, legal representative) first.
 */
export function bindEnterpriseKey(registrar: Identity, subject: string, enterpriseKey: Uint8Array, issuedAt = Date.now()): KeyBinding {
  const problem = subjectProblem(subject);
  if (problem) throw new RangeError(`cannot bind a key to this subject: ${problem}`);
  if (!(enterpriseKey instanceof Uint8Array) || enterpriseKey.length !== 32) throw new RangeError('the enterprise key must be a raw 32-byte Ed25519 public key');
  const statement = { subject, enterpriseKey: toHex(enterpriseKey), registrarKey: toHex(registrar.publicKey), issuedAt };
  return { v: 1, ...statement, signature: toHex(registrar.sign(keyBindingMessage(statement))) };
}

export function encodeKeyBinding(b: KeyBinding): string {
  return canonicalJson(b as unknown as JsonValue);
}

/** Reads a key binding from text, bytes or a parsed value (form only; see keyBindingProblem). Never throws. */
export function parseKeyBinding(input: unknown): Parsed<KeyBinding> {
  const raw = recordValue(input, 'key binding');
  if (!raw.ok) return raw;
  const parsed = readRecord(() => {
    const r = FieldReader.of(raw.value.value, '');
    if (r.raw('v') !== 1) throw new FieldProblem('key binding version is not supported (want 1)');
    const b: KeyBinding = {
      v: 1,
      subject: r.subject('subject'),
      enterpriseKey: r.hex('enterpriseKey', ED25519_KEY_HEX, 'an Ed25519 public key'),
      registrarKey: r.hex('registrarKey', ED25519_KEY_HEX, 'an Ed25519 public key'),
      issuedAt: r.int('issuedAt', 0, 8.64e15, 'a time in ms since the epoch'),
      signature: r.hex('signature', ED25519_SIGNATURE_HEX, 'an Ed25519 signature'),
    };
    r.done();
    return b;
  });
  if (!parsed.ok) return parsed;
  const problem = canonicalTextProblem(raw.value.text, encodeKeyBinding(parsed.value), 'key binding');
  return problem ? { ok: false, message: problem } : parsed;
}

/**
 * Why `binding` does not bind its key for this federation, or undefined: the registrar must be
 * one of `trustedRegistrars` and its signature must verify.
 */
export function keyBindingProblem(binding: KeyBinding, trustedRegistrars: readonly (Uint8Array | string)[]): string | undefined {
  if (!trustedRegistrars.some((k) => keyHex(k) === binding.registrarKey)) {
    return `the binding for ${binding.subject} is signed by registrar key ${binding.registrarKey.slice(0, 16)}..., which this federation does not trust`;
  }
  return signatureValid(binding) ? undefined : `the registrar's signature on the binding for ${binding.subject} does not verify`;
}

/**
 * Bindings whose signature verified, by exact text. Every consent check looks at its subject's
 * binding, and a federation has one binding per enterprise, so the Ed25519 verification
 * (tens of microseconds) is paid once per binding, not once per query. Only valid signatures
 * are kept (a refused binding is checked again if shown again: issue 12); LRU, bounded.
 */
const verifiedBindings = new BoundedCache<true>(16_384, 8 * 1024 * 1024);

/**
 * Bindings read back from a consent ledger's own store, which holds only bindings it verified
 * (ConsentLedger.addKeyBinding): frozen, and their signature taken as verified. A 100,000-item
 * monitoring portfolio evicts every entry of the cache above each run, and each item's check
 * then paid an Ed25519 verification and a canonical encoding again.
 */
const storedBindings = new WeakSet<KeyBinding>();

/** A binding from the ledger's own store (never from the wire): see storedBindings. */
export function storedKeyBinding(value: unknown): Parsed<KeyBinding> {
  const parsed = parseKeyBinding(value);
  if (parsed.ok) storedBindings.add(Object.freeze(parsed.value));
  return parsed;
}

function signatureValid(binding: KeyBinding): boolean {
  if (storedBindings.has(binding)) return true;
  const text = encodeKeyBinding(binding);
  if (verifiedBindings.get(text)) return true;
  const valid = verifySignature(fromHex(binding.registrarKey), keyBindingMessage(binding), fromHex(binding.signature));
  if (valid) verifiedBindings.set(text, true);
  return valid;
}

/** The `enterprise-key-registration` log entry publishing this binding. */
export function keyBindingEntry(b: KeyBinding): LogEntry {
  return makeEntry('enterprise-key-registration', {
    subject: b.subject, enterpriseKey: b.enterpriseKey, registrarKey: b.registrarKey, registrarSignature: b.signature, time: b.issuedAt,
  });
}

/** The binding an `enterprise-key-registration` entry publishes (form only). Never throws. */
export function keyBindingFromEntry(entry: LogEntry): Parsed<KeyBinding> {
  if (entry.kind !== 'enterprise-key-registration') return { ok: false, message: `a ${entry.kind} entry is not a key binding` };
  const b = entry.body;
  return parseKeyBinding({ v: 1, subject: b['subject'], enterpriseKey: b['enterpriseKey'], registrarKey: b['registrarKey'], issuedAt: b['time'], signature: b['registrarSignature'] });
}
