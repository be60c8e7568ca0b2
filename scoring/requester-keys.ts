/**
 * The requester bank's own keys for scoring, kept in one folder (default: its TLS folder):
 *   requester-identity.pem  Ed25519: signs queries; consents name its public key
 *   requester-sealing.key   X25519: opens the sites' sealed explanations
 * Created by `fedcredit requester keygen` (loadRequesterKeys), owner-only; `fedcredit score` only
 * loads existing ones (loadExistingRequesterKeys).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FedcreditError } from '../lib/errors.js';
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

/**
 * The keys `fedcredit score` signs and opens with: they must already exist. Made silently on a
 * score, new keys sign a query the consent does not name (CONSENT_WRONG_REQUESTER, and one more
 * refusal in the enterprise's history), so a missing key is refused here before anything is sent.
 */
export function loadExistingRequesterKeys(dir: string): RequesterKeys {
  const missing = ['requester-identity.pem', 'requester-sealing.key'].filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    throw new FedcreditError('NOT_FOUND', `no requester keys in ${dir} (missing ${missing.join(', ')}): the keys the consent names are expected there. ` +
      `Pass --keys DIR with the folder \`fedcredit requester keygen\` wrote them to (default: the --tls folder), or run \`fedcredit requester keygen --keys ${dir}\` ` +
      'and have the enterprise grant a consent naming the new key');
  }
  return loadRequesterKeys(dir);
}
