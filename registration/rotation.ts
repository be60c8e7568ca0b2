/**
 * A node's identity lifecycle: rotating its keys with the old key's word, and the coordinator
 * operator's removal of a registration whose key is lost.
 *
 * A registration binds a site to an Ed25519 identity key and an X25519 sealing key
 * (registration/statement.ts). The coordinator never lets a new key take a site over on the
 * new key's word alone (that would let anyone redirect a site's traffic), so a new key gets in
 * one of two ways, both in the transparency log:
 *   - rotation (`fedcredit node rotate-identity`): the OLD identity key signs the statement
 *     below, naming the new identity and sealing keys; the node then registers under the new
 *     keys as always (new key's signature, the CA certification of registration/cert.ts) with
 *     that statement attached, and the coordinator logs a `node-key-rotation` entry;
 *   - removal (`fedcredit coordinator remove-node`), when the old key is lost: the coordinator
 *     operator (TLS role operator/coordinator) removes the registration, logged as a
 *     `node-removal` entry with its reason; the next registration of the site is then a first one.
 * Peers and auditors follow the same entries (log/follower.ts, log/audit/identity-audit.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FedcreditError } from '../lib/errors.js';
import { verifySignature } from '../crypto/identity.js';

/** What the old key signs: site and both keys, so the statement can only hand over this site to these keys. */
export interface KeyRotationStatement {
  site: string;
  previousIdentityKey: Uint8Array;
  identityKey: Uint8Array;
  sealingKey: Uint8Array;
  /** When the operator rotated (ms); informative: a statement is spent once the coordinator applies it. */
  rotatedAtMs: number;
}

export function keyRotationMessage(s: KeyRotationStatement): Uint8Array {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  return new TextEncoder().encode([
    'fedcredit node key rotation v1',
    `site ${s.site}`,
    `previous ${hex(s.previousIdentityKey)}`,
    `key ${hex(s.identityKey)}`,
    `sealing ${hex(s.sealingKey)}`,
    `time ${s.rotatedAtMs}`,
    '',
  ].join('\n'));
}

export function verifyKeyRotation(s: KeyRotationStatement, signature: Uint8Array): boolean {
  return verifySignature(s.previousIdentityKey, keyRotationMessage(s), signature);
}

/** First 16 hex digits of SHA-256 of an identity key: what operators compare out of band. */
export function keyFingerprint(key: Uint8Array | string): string {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'hex') : Buffer.from(key);
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** A rotation signed by `rotate-identity`, waiting in the node's folder for the coordinator to apply it. */
export interface PendingRotation {
  site: string;
  previousIdentityKey: string;
  identityKey: string;
  sealingKey: string;
  rotatedAtMs: number;
  signature: string;
}

export const PENDING_ROTATION_FILE = 'identity-rotation.json';

export function readPendingRotation(dataDir: string): PendingRotation | undefined {
  const file = path.join(dataDir, PENDING_ROTATION_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PendingRotation;
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `${file} is not a readable key rotation (${(err as Error).message}); if the coordinator already shows the new key, delete the file, otherwise ask the coordinator's operator to run \`fedcredit coordinator remove-node\``);
  }
}

export function rotationStatementOf(p: PendingRotation): KeyRotationStatement {
  return {
    site: p.site, previousIdentityKey: Buffer.from(p.previousIdentityKey, 'hex'), identityKey: Buffer.from(p.identityKey, 'hex'),
    sealingKey: Buffer.from(p.sealingKey, 'hex'), rotatedAtMs: p.rotatedAtMs,
  };
}
