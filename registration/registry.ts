/**
 * The coordinator's registry of data nodes: which site is at which address under which
 * identity key, persisted in LevelDB, plus the health the coordinator last observed.
 *
 * A registration must be signed by the node's identity key and be fresh; a site that is
 * already registered under another key is not taken over by a new key (that would let anyone
 * redirect a site's traffic), so re-keying a site is an explicit operator action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';
import { REGISTRATION_MAX_AGE_MS, registrationMessage, SITE_NAME, type NodeRegistration } from './statement.js';
import { verifySignature } from '../crypto/identity.js';
import type { RegistrationCertification } from './cert.js';

export interface RegisteredNode {
  site: string;
  address: string;
  identityPublicKeyHex: string;
  sealingPublicKeyHex: string;
  registeredAtMs: number;
  /** The node's own timestamp and federation-CA certification of this registration, handed to its peers with its keys (registration/cert.ts). */
  registrationTimeMs?: number;
  tlsCertificateB64?: string;
  tlsSignatureB64?: string;
}

/** A registered node's keys as the coordinator hands them to its peers, with what lets them check the keys against the CA. */
export function peerKeysOf(n: RegisteredNode): {
  site: string; address: string; identityPublicKey: Buffer; sealingPublicKey: Buffer; registrationTimeMs: number; tlsCertificate: Buffer; tlsSignature: Buffer;
} {
  return {
    site: n.site, address: n.address,
    identityPublicKey: Buffer.from(n.identityPublicKeyHex, 'hex'), sealingPublicKey: Buffer.from(n.sealingPublicKeyHex, 'hex'),
    registrationTimeMs: n.registrationTimeMs ?? 0,
    tlsCertificate: Buffer.from(n.tlsCertificateB64 ?? '', 'base64'), tlsSignature: Buffer.from(n.tlsSignatureB64 ?? '', 'base64'),
  };
}

export interface NodeHealth {
  health: string;
  lastSeenMs: number;
  lastError: string;
}

export class NodeRegistry {
  private readonly health = new Map<string, NodeHealth>();
  /** Bumped by every accepted registration, so callers that cache addresses know to read again. */
  #generation = 0;

  private constructor(
    readonly db: Level<string, RegisteredNode>,
  ) {}

  static async open(dataDir: string): Promise<NodeRegistry> {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Level<string, RegisteredNode>(path.join(dataDir, 'registry'), { valueEncoding: 'json' });
    try {
      await db.open();
    } catch (err) {
      const code = (err as { code?: string; cause?: { code?: string } });
      if (code.code === 'LEVEL_LOCKED' || code.cause?.code === 'LEVEL_LOCKED') {
        throw new FedcreditError('STORE_LOCKED', `the coordinator store in ${dataDir} is in use by another process`);
      }
      throw err;
    }
    return new NodeRegistry(db);
  }

  /** Throws the reason a registration would be refused; register() runs the same checks. */
  async checkRegistration(r: NodeRegistration, signature: Uint8Array, nowMs = Date.now()): Promise<void> {
    if (!SITE_NAME.test(r.site)) throw new FedcreditError('BAD_REQUEST', `site name '${r.site.slice(0, 40)}' must be lowercase letters, digits or '-' (at most 32)`);
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(r.address)) throw new FedcreditError('BAD_REQUEST', `address '${r.address.slice(0, 60)}' is not host:port`);
    if (r.identityPublicKey.length !== 32) throw new FedcreditError('BAD_REQUEST', 'identity key must be 32 bytes (Ed25519)');
    if (r.sealingPublicKey.length !== 32) throw new FedcreditError('BAD_REQUEST', 'sealing key must be 32 bytes (X25519)');
    if (Math.abs(nowMs - r.timestampMs) > REGISTRATION_MAX_AGE_MS) {
      throw new FedcreditError('STALE_REQUEST', 'registration timestamp is more than 5 minutes off the coordinator clock; check the node clock');
    }
    if (!verifySignature(r.identityPublicKey, registrationMessage(r), signature)) {
      throw new FedcreditError('BAD_SIGNATURE', `registration of site '${r.site}' is not signed by the key it presents`);
    }
    const existing = await this.db.get(r.site);
    if (existing && existing.identityPublicKeyHex !== Buffer.from(r.identityPublicKey).toString('hex')) {
      throw new FedcreditError(
        'BAD_SIGNATURE',
        `site '${r.site}' is registered under another identity key; remove it from the coordinator first if the node was re-keyed`,
      );
    }
  }

  /** Verify and record a node's signed registration. Returns whether an earlier address was replaced. */
  async register(r: NodeRegistration, signature: Uint8Array, certification?: RegistrationCertification, nowMs = Date.now()): Promise<{ replaced: boolean }> {
    await this.checkRegistration(r, signature, nowMs);
    const keyHex = Buffer.from(r.identityPublicKey).toString('hex');
    const existing = await this.db.get(r.site);
    await this.db.put(r.site, {
      site: r.site, address: r.address, identityPublicKeyHex: keyHex, sealingPublicKeyHex: Buffer.from(r.sealingPublicKey).toString('hex'), registeredAtMs: nowMs,
      registrationTimeMs: r.timestampMs, tlsCertificateB64: Buffer.from(certification?.certificate ?? []).toString('base64'), tlsSignatureB64: Buffer.from(certification?.signature ?? []).toString('base64'),
    }, { sync: true });
    // A node that just registered is up at its new address: a health poll of the old one (it was
    // killed and restarted) must not keep it UNREACHABLE, which refuses queries until the next poll.
    this.health.delete(r.site);
    this.#generation++;
    return { replaced: existing !== undefined && existing.address !== r.address };
  }

  /** Changes whenever a node registers (a new address, keys or certificate). */
  get generation(): number {
    return this.#generation;
  }

  async list(): Promise<RegisteredNode[]> {
    return this.db.values().all();
  }

  async get(site: string): Promise<RegisteredNode | undefined> {
    return this.db.get(site);
  }

  setHealth(site: string, health: NodeHealth): void {
    this.health.set(site, health);
  }

  healthOf(site: string): NodeHealth {
    return this.health.get(site) ?? { health: 'UNKNOWN', lastSeenMs: 0, lastError: '' };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
