/**
 * The signed statement a data node makes when it registers with the coordinator. Both sides
 * build the exact same bytes here, so the node signs and the coordinator verifies one text.
 */
export const REGISTRATION_MAX_AGE_MS = 5 * 60_000;

export interface NodeRegistration {
  site: string;
  address: string;
  identityPublicKey: Uint8Array;
  /** X25519 key that peers seal node-to-node payloads to (crypto/sealed-box.ts). */
  sealingPublicKey: Uint8Array;
  timestampMs: number;
}

export function registrationMessage(r: NodeRegistration): Uint8Array {
  const text = [
    'fedcredit node registration v1',
    `site ${r.site}`,
    `address ${r.address}`,
    `key ${Buffer.from(r.identityPublicKey).toString('hex')}`,
    `sealing ${Buffer.from(r.sealingPublicKey).toString('hex')}`,
    `time ${r.timestampMs}`,
    '',
  ].join('\n');
  return new TextEncoder().encode(text);
}

/** Site names: the three built-in sites or an operator's own (e.g. FATE's 'guest' and 'host'). */
export const SITE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
