/**
 * Node-to-node training payloads (partial linear terms, residuals: ciphertexts under the
 * coordinator's own key) as the coordinator relays them: sealed to the recipient node's X25519
 * key (crypto/sealed-box.ts) with a binding to job, attempt, kind, epoch and step, and signed
 * by the sender's Ed25519 identity over every envelope field and the sealed bytes. The
 * coordinator can neither open nor forge nor redirect nor replay one into another step.
 */
import { openSealedBox, sealToRecipient } from '../crypto/sealed-box.js';
import { verifySignature, type Identity } from '../crypto/identity.js';
import { hashWithDomain, utf8Bytes } from '../crypto/hash.js';
import { FedcreditError } from '../lib/errors.js';
import type { SealedPayload__Output } from '../proto/gen/fedcredit/v1/SealedPayload.js';

const DOMAIN = 'fedcredit/training-envelope/v1';

export interface EnvelopeFields {
  readonly jobId: string;
  readonly attempt: string;
  readonly from: string;
  readonly to: string;
  /** What the payload is, named by the model kind (LR: 'partial-linear', 'residual', 'validation-partial'). */
  readonly kind: string;
  readonly epoch: number;
  readonly step: number;
}

export interface SealedPayloadMessage extends EnvelopeFields {
  readonly sealed: Buffer;
  readonly signature: Buffer;
}

function digest(f: EnvelopeFields, sealed: Uint8Array): Uint8Array {
  return hashWithDomain(DOMAIN, utf8Bytes(f.jobId), utf8Bytes(f.attempt), utf8Bytes(f.from), utf8Bytes(f.to), utf8Bytes(f.kind),
    utf8Bytes(String(f.epoch)), utf8Bytes(String(f.step)), sealed);
}

const binding = (f: EnvelopeFields) => ({ purpose: 'training', sender: f.from, recipient: f.to, extra: `${f.jobId}/${f.attempt}/${f.kind}/${f.epoch}/${f.step}` });

/** Length-prefixed ciphertexts: u32 count, then u32 length and bytes of each. */
export function frameCiphertexts(ciphertexts: readonly Uint8Array[]): Uint8Array {
  const total = 4 + ciphertexts.reduce((s, c) => s + 4 + c.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, ciphertexts.length);
  let at = 4;
  for (const c of ciphertexts) {
    view.setUint32(at, c.length);
    out.set(c, at + 4);
    at += 4 + c.length;
  }
  return out;
}

export function unframeCiphertexts(bytes: Uint8Array, what: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (): never => {
    throw new FedcreditError('BAD_REQUEST', `${what}: malformed ciphertext framing`);
  };
  if (bytes.length < 4) bad();
  const count = view.getUint32(0);
  const out: Uint8Array[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) bad();
    const len = view.getUint32(at);
    if (at + 4 + len > bytes.length) bad();
    out.push(bytes.slice(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at !== bytes.length) bad();
  return out;
}

export function sealPayload(fields: EnvelopeFields, ciphertexts: readonly Uint8Array[], recipientSealingKey: Uint8Array, sender: Identity): SealedPayloadMessage {
  const sealed = sealToRecipient(recipientSealingKey, frameCiphertexts(ciphertexts), binding(fields));
  return { ...fields, sealed: Buffer.from(sealed), signature: Buffer.from(sender.sign(digest(fields, sealed))) };
}

/**
 * Check an envelope is the one expected (sender, recipient, kind, job, attempt, position), that
 * the sender signed it, and open it with this node's sealing key.
 */
export function openPayload(env: SealedPayload__Output | null | undefined, expected: EnvelopeFields, senderIdentityKey: Uint8Array, privateKey: Uint8Array): Uint8Array[] {
  const what = `${expected.kind} from ${expected.from}`;
  if (!env) throw new FedcreditError('BAD_REQUEST', `${what} is missing`);
  for (const key of ['jobId', 'attempt', 'from', 'to', 'kind', 'epoch', 'step'] as const) {
    if (env[key] !== expected[key]) {
      throw new FedcreditError('BAD_REQUEST', `${what}: ${key} is '${String(env[key]).slice(0, 70)}', expected '${expected[key]}'`);
    }
  }
  const sealed = new Uint8Array(env.sealed);
  if (!verifySignature(senderIdentityKey, digest(expected, sealed), new Uint8Array(env.signature))) {
    throw new FedcreditError('BAD_SIGNATURE', `${what} is not signed by ${expected.from}`);
  }
  let framed: Uint8Array;
  try {
    framed = openSealedBox(privateKey, sealed, binding(expected));
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `${what} does not open with this node's sealing key (${(err as Error).message})`);
  }
  return unframeCiphertexts(framed, what);
}
