/** Deterministic Ed25519 identities for the log tests (seeds from a label, never from files). */
import { createHash } from 'node:crypto';
import { ed25519IdentityFromSeed } from '../../crypto/signed-note.js';
import type { Ed25519Identity } from '../../crypto/signed-note.js';

export function identity(name: string, label = name): Ed25519Identity {
  const seed = new Uint8Array(createHash('sha256').update(`fedcredit test key ${label}`).digest());
  return ed25519IdentityFromSeed(name, seed);
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
