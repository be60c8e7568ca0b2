/**
 * The coordinator's registry of data nodes: which site is at which address under which
 * identity key, persisted in LevelDB, plus the health the coordinator last observed.
 *
 * A registration must be signed by the node's identity key and be fresh; a site that is
 * already registered under another key is not taken over by a new key (that would let anyone
 * redirect a site's traffic): a new key comes in only with the old key's signed rotation, or
 * after the coordinator operator removed the site (registration/rotation.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';
import { REGISTRATION_MAX_AGE_MS, registrationMessage, SITE_NAME, type NodeRegistration } from './statement.js';
import { verifySignature } from '../crypto/identity.js';
import type { RegistrationCertification } from './cert.js';
import { keyFingerprint, verifyKeyRotation } from './rotation.js';

/** The old key's word that a registration under new keys replaces it (registration/rotation.ts). */
export interface RotationProof {
  previousIdentityKey: Uint8Array;
  signature: Uint8Array;
  rotatedAtMs: number;
}

/** A registration the coordinator refused or removed, kept in memory so `coordinator nodes` can say so. */
export interface RegistrationNote {
  state: 'KEY_CONFLICT' | 'REMOVED';
  message: string;
  atMs: number;
  /** The key the refused node presented, or the removed registration's key (hex). */
  identityPublicKeyHex: string;
}

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

/** How long a refusal of a node under another key counts after its last attempt. */
export const KEY_CONFLICT_HOLD_MS = 30_000;

export interface NodeHealth {
  health: string;
  lastSeenMs: number;
  lastError: string;
}

export class NodeRegistry {
  private readonly health = new Map<string, NodeHealth>();
  private readonly notes = new Map<string, RegistrationNote>();
  /** Bumped by every accepted registration, so callers that cache addresses know to read again. */
  #generation = 0;
  readonly #registrations = new Map<string, number>();

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
  async checkRegistration(r: NodeRegistration, signature: Uint8Array, nowMs = Date.now(), rotation?: RotationProof): Promise<'first' | 'same-key' | 'rotation'> {
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
    return this.keyChange(r, await this.db.get(r.site), rotation);
  }

  /** Whether the registration keeps the site's key, is its first, or rotates it with the old key's word; throws otherwise. */
  private keyChange(r: NodeRegistration, existing: RegisteredNode | undefined, rotation: RotationProof | undefined): 'first' | 'same-key' | 'rotation' {
    const keyHex = Buffer.from(r.identityPublicKey).toString('hex');
    if (existing === undefined) return 'first';
    if (existing.identityPublicKeyHex === keyHex) return 'same-key';
    const registered = keyFingerprint(existing.identityPublicKeyHex);
    const presented = keyFingerprint(keyHex);
    if (rotation === undefined) {
      throw new FedcreditError('REGISTRATION_KEY_CONFLICT',
        `site '${r.site}' is registered under identity key ${registered}, but this node presents key ${presented} (a new or restored data folder makes new keys). ` +
        `If the old folder's keys still exist, run \`fedcredit node rotate-identity --data DIR\` on that folder and start the node from it; ` +
        `if they are lost, ask the coordinator's operator to run \`fedcredit coordinator remove-node ${r.site} --reason ...\` (logged), then restart this node`);
    }
    const previousHex = Buffer.from(rotation.previousIdentityKey).toString('hex');
    if (previousHex !== existing.identityPublicKeyHex) {
      throw new FedcreditError('KEY_ROTATION_REFUSED',
        `the key rotation of site '${r.site}' is signed by key ${keyFingerprint(previousHex)}, but the site is registered under ${registered}; ` +
        `rotate from the folder whose key the coordinator shows (\`fedcredit coordinator nodes\`), or ask the coordinator's operator to remove the site`);
    }
    const statement = { site: r.site, previousIdentityKey: rotation.previousIdentityKey, identityKey: r.identityPublicKey, sealingKey: r.sealingPublicKey, rotatedAtMs: rotation.rotatedAtMs };
    if (!verifyKeyRotation(statement, rotation.signature)) {
      throw new FedcreditError('KEY_ROTATION_REFUSED', `the key rotation of site '${r.site}' to key ${presented} is not signed by the registered key ${registered}; run \`fedcredit node rotate-identity\` again on the folder holding that key`);
    }
    return 'rotation';
  }

  /** Verify and record a node's signed registration. Returns whether an earlier address was replaced. */
  async register(r: NodeRegistration, signature: Uint8Array, certification?: RegistrationCertification, nowMs = Date.now(), rotation?: RotationProof): Promise<{ replaced: boolean }> {
    await this.checkRegistration(r, signature, nowMs, rotation);
    const keyHex = Buffer.from(r.identityPublicKey).toString('hex');
    const existing = await this.db.get(r.site);
    await this.db.put(r.site, {
      site: r.site, address: r.address, identityPublicKeyHex: keyHex, sealingPublicKeyHex: Buffer.from(r.sealingPublicKey).toString('hex'), registeredAtMs: nowMs,
      registrationTimeMs: r.timestampMs, tlsCertificateB64: Buffer.from(certification?.certificate ?? []).toString('base64'), tlsSignatureB64: Buffer.from(certification?.signature ?? []).toString('base64'),
    }, { sync: true });
    // A node that just registered is up at its new address: a health poll of the old one (it was
    // killed and restarted) must not keep it UNREACHABLE, which refuses queries until the next poll.
    this.health.delete(r.site);
    this.#registrations.set(r.site, (this.#registrations.get(r.site) ?? 0) + 1);
    this.#generation++;
    this.notes.delete(r.site);
    return { replaced: existing !== undefined && existing.address !== r.address };
  }

  /** Forgets a site's registration (the operator's removal, logged by the caller first); returns what was removed. */
  async remove(site: string, reason: string, nowMs = Date.now()): Promise<RegisteredNode | undefined> {
    const existing = await this.db.get(site);
    if (existing === undefined) return undefined;
    await this.db.del(site, { sync: true });
    this.#generation++;
    this.#registrations.set(site, this.registrationOf(site) + 1);
    this.health.delete(site);
    this.notes.set(site, { state: 'REMOVED', message: `removed by the coordinator's operator: ${reason}`, atMs: nowMs, identityPublicKeyHex: existing.identityPublicKeyHex });
    return existing;
  }

  /** Remembers (in memory) that a node presenting `keyHex` was refused for a site, so listings say so. */
  noteRefusal(site: string, keyHex: string, message: string, nowMs = Date.now()): void {
    this.notes.set(site, { state: 'KEY_CONFLICT', message, atMs: nowMs, identityPublicKeyHex: keyHex });
  }

  /**
   * Throws NOT_REGISTERED when a node under another key than the registered one was refused for
   * the site: a job would reach a node whose messages do not verify under the registered key.
   */
  requireNoKeyConflict(site: string): void {
    const note = this.keyConflict(site);
    if (note === undefined) return;
    throw new FedcreditError('NOT_REGISTERED', `site '${site}': a node under key ${keyFingerprint(note.identityPublicKeyHex)} was refused at ${new Date(note.atMs).toISOString()} because another key is registered, so its messages would not verify; rotate its keys from the old folder (\`fedcredit node rotate-identity\`) or remove the site (\`fedcredit coordinator remove-node ${site} --reason ...\`), then run the job again`);
  }

  /**
   * The refusal of a node under another key for the site, while it goes on asking (a refused
   * node asks every 5 s: node/registration.ts); one that stopped asking no longer blocks jobs.
   */
  keyConflict(site: string, nowMs = Date.now()): RegistrationNote | undefined {
    const note = this.notes.get(site);
    return note?.state === 'KEY_CONFLICT' && nowMs - note.atMs < KEY_CONFLICT_HOLD_MS ? note : undefined;
  }

  /** Refusals and removals since this process started, by site. */
  registrationNotes(): ReadonlyMap<string, RegistrationNote> {
    return this.notes;
  }

  /** Changes whenever a node registers or is removed (a new address, keys or certificate). */
  get generation(): number {
    return this.#generation;
  }

  async list(): Promise<RegisteredNode[]> {
    return this.db.values().all();
  }

  async get(site: string): Promise<RegisteredNode | undefined> {
    return this.db.get(site);
  }

  /**
   * Which registration of the site this process has seen last (a count, in memory). A health poll
   * takes it when it starts and hands it to `setHealth`: a poll that ends after the node
   * registered again (restarted, at the same address or another) says nothing about it.
   */
  registrationOf(site: string): number {
    return this.#registrations.get(site) ?? 0;
  }

  /** Records a site's health; with `registration`, only while that registration is the latest (returns whether it did). */
  setHealth(site: string, health: NodeHealth, registration?: number): boolean {
    if (registration !== undefined && registration !== this.registrationOf(site)) return false;
    this.health.set(site, health);
    return true;
  }

  healthOf(site: string): NodeHealth {
    return this.health.get(site) ?? { health: 'UNKNOWN', lastSeenMs: 0, lastError: '' };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
