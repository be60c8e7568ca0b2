/**
 * The requester bank's own keys for scoring, kept in one folder (default: its TLS folder):
 *   requester-identity.pem  Ed25519: signs queries; consents name its public key
 *   requester-sealing.key   X25519: opens the sites' sealed explanations
 * Created on first use, owner-only.
 */
import path from 'node:path';
import { loadOrCreateIdentity, type Identity } from '../crypto/identity.js';
import { loadOrCreateX25519KeyPair, type X25519KeyPair } from '../crypto/x25519.js';

export interface RequesterKeys {
  readonly identity: Identity;
  readonly sealing: X25519KeyPair;
}

export function loadRequesterKeys(dir: string): RequesterKeys {
  return {
    identity: loadOrCreateIdentity(path.join(dir, 'requester-identity.pem')),
    sealing: loadOrCreateX25519KeyPair(path.join(dir, 'requester-sealing.key')),
  };
}
