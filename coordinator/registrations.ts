/**
 * The coordinator's side of node registration: RegisterNode (first registration, re-registration
 * under the same key, key rotation with the old key's word), RemoveNode (the coordinator
 * operator's removal of a site whose key is lost), ListNodes, and the health poll that tells
 * operators which sites are up and under which key (registration/rotation.ts has the design).
 *
 * Every change is checked first, then logged durably, then applied: a registration, rotation
 * or removal the log does not hold is never in effect.
 */
import { call, unary } from '../lib/grpc.js';
import { dataNodeClient } from '../proto/clients.js';
import { FedcreditError } from '../lib/errors.js';
import { callerIdentity, type Transport } from '../lib/tls.js';
import type { CoordinatorHandlers } from '../proto/gen/fedcredit/v1/Coordinator.js';
import type { NodeRegistry, RotationProof } from '../registration/registry.js';
import { makeEntry, nodeKeyRotationEntry, nodeRegistrationEntry } from '../log/entries.js';
import type { CoordinatorLog } from '../log/service.js';
import { registrationCertificationProblem } from '../registration/cert.js';
import { keyFingerprint } from '../registration/rotation.js';

export interface RegistrationContext {
  registry: NodeRegistry;
  transparencyLog: CoordinatorLog;
  transport: Transport;
  log: (line: string) => void;
  /**
   * A node's health carries its features epoch and as-of month (HealthResponse.features_epoch,
   * as_of): the monitoring ingest trigger (monitoring/run-service.ts) hears every poll's.
   */
  onFeaturesChanged?: (site: string, epoch: string, asOf: string) => void;
}

type RegistrationHandlers = Pick<CoordinatorHandlers, 'RegisterNode' | 'RemoveNode' | 'ListNodes'>;

export function registrationHandlers(ctx: RegistrationContext): RegistrationHandlers {
  const { registry, transparencyLog, transport, log } = ctx;
  return {
    RegisterNode: unary(async (req) => {
      const timestampMs = Number(req.timestampMs);
      if (!Number.isSafeInteger(timestampMs)) throw new FedcreditError('BAD_REQUEST', 'timestamp_ms is not a valid time');
      const registration = {
        site: req.site, address: req.address, identityPublicKey: new Uint8Array(req.identityPublicKey),
        sealingPublicKey: new Uint8Array(req.sealingPublicKey), timestampMs,
      };
      const signature = new Uint8Array(req.signature);
      const rotation: RotationProof | undefined = req.previousIdentityPublicKey.length > 0
        ? { previousIdentityKey: new Uint8Array(req.previousIdentityPublicKey), signature: new Uint8Array(req.previousKeySignature), rotatedAtMs: Number(req.rotatedAtMs) }
        : undefined;
      let change;
      try {
        change = await registry.checkRegistration(registration, signature, Date.now(), rotation);
      } catch (err) {
        if (err instanceof FedcreditError && (err.code === 'REGISTRATION_KEY_CONFLICT' || err.code === 'KEY_ROTATION_REFUSED')) {
          registry.noteRefusal(req.site, Buffer.from(registration.identityPublicKey).toString('hex'), `${err.code}: ${err.message}`);
          log(`refused the registration of ${req.site}: ${err.code}: ${err.message}`);
        }
        throw err;
      }
      const certification = { certificate: new Uint8Array(req.tlsCertificate), signature: new Uint8Array(req.tlsSignature) };
      // Nodes apply only registrations the federation CA vouches for: refuse the others before logging them.
      const uncertified = transport.kind === 'tls' ? registrationCertificationProblem(registration, certification, transport.material.ca) : undefined;
      if (uncertified) throw new FedcreditError('REGISTRATION_NOT_CERTIFIED', `${uncertified}; start the node with its own folder from \`fedcredit init\` (--tls)`);
      const entry = change === 'rotation' && rotation
        ? nodeKeyRotationEntry(registration, signature, certification, rotation)
        : nodeRegistrationEntry(registration, signature, certification);
      const { index } = await transparencyLog.append(entry);
      const { replaced } = await registry.register(registration, signature, certification, Date.now(), rotation);
      const what = change === 'rotation' ? ` (key rotated to ${keyFingerprint(registration.identityPublicKey)})` : replaced ? ' (address changed)' : '';
      log(`registered node ${req.site} at ${req.address}${what}, log entry ${index}`);
      void pollNode(ctx, req.site, req.address);
      return { site: req.site, replaced, logIndex: index, rotated: change === 'rotation' };
    }, log),

    RemoveNode: unary(async (req, call) => {
      const reason = req.reason.trim();
      if (reason.length === 0 || reason.length > 256) throw new FedcreditError('BAD_REQUEST', 'say why the site is removed: --reason TEXT (1-256 characters), e.g. "disk lost, ticket 4711"; auditors read it');
      const existing = await registry.get(req.site);
      if (existing === undefined) throw new FedcreditError('NOT_REGISTERED', `site '${req.site.slice(0, 40)}' is not registered at this coordinator; nothing to remove (\`fedcredit coordinator nodes\` lists the sites)`);
      const fingerprint = keyFingerprint(existing.identityPublicKeyHex);
      if (req.keyFingerprint && req.keyFingerprint.toLowerCase() !== fingerprint) {
        throw new FedcreditError('BAD_REQUEST', `site '${req.site}' is registered under key ${fingerprint}, not ${req.keyFingerprint}; nothing was removed (check \`fedcredit coordinator nodes\`)`);
      }
      const who = callerIdentity(call);
      const removedBy = who ? `${who.role}/${who.name}` : 'operator (no TLS)';
      const { index } = await transparencyLog.append(makeEntry('node-removal', {
        site: req.site, identityKey: existing.identityPublicKeyHex, reason, removedBy, time: Date.now(),
      }));
      await registry.remove(req.site, reason);
      log(`removed node ${req.site} (key ${fingerprint}) by ${removedBy}: ${reason}, log entry ${index}`);
      return { site: req.site, removedIdentityPublicKey: Buffer.from(existing.identityPublicKeyHex, 'hex'), logIndex: index };
    }, log),

    ListNodes: unary(async () => {
      const registered = await registry.list();
      const notes = registry.registrationNotes();
      const nodes = registered.map((n) => {
        const h = registry.healthOf(n.site);
        const note = registry.keyConflict(n.site);
        // A node refused under another key is not the one serving under the registered key: say so, never SERVING.
        const health = note ? 'KEY_CONFLICT' : h.health;
        const lastError = note
          ? `a node presented key ${keyFingerprint(note.identityPublicKeyHex)} at ${new Date(note.atMs).toISOString()} and was refused; the registered key is ${keyFingerprint(n.identityPublicKeyHex)}. ` +
            `Rotate with the old key (\`fedcredit node rotate-identity\`) or remove the site (\`fedcredit coordinator remove-node ${n.site} --reason ...\`)`
          : h.lastError;
        return {
          site: n.site, address: n.address, identityPublicKey: Buffer.from(n.identityPublicKeyHex, 'hex'), sealingPublicKey: Buffer.from(n.sealingPublicKeyHex ?? '', 'hex'),
          registeredAtMs: String(n.registeredAtMs), health, lastSeenMs: String(h.lastSeenMs), lastError,
        };
      });
      for (const [site, note] of notes) {
        if (note.state !== 'REMOVED' || registered.some((n) => n.site === site)) continue;
        nodes.push({
          site, address: '', identityPublicKey: Buffer.from(note.identityPublicKeyHex, 'hex'), sealingPublicKey: Buffer.alloc(0),
          registeredAtMs: '0', health: 'REMOVED', lastSeenMs: String(note.atMs), lastError: `${note.message}; the site's next registration is accepted under a new key`,
        });
      }
      return { nodes };
    }, log),
  };
}

/** How often the coordinator asks every registered node for its health (coordinator/server.ts). */
export const HEALTH_POLL_MS = 3_000;

/**
 * Asks one node for its health. A node answering under another identity key than the one
 * registered is KEY_MISMATCH, never SERVING: its peers and the log still use the registered key.
 */
export async function pollNode(ctx: Pick<RegistrationContext, 'registry' | 'transport' | 'log' | 'onFeaturesChanged'>, site: string, address: string): Promise<void> {
  const { registry, transport } = ctx;
  // Only about the registration current when the poll began: a poll that ends after the node
  // registered again (killed and restarted, at this address or another) says nothing about the
  // new process, and marking it UNREACHABLE would refuse its queries until the next poll.
  const registration = registry.registrationOf(site);
  const before = registry.healthOf(site).health;
  const client = dataNodeClient(address, transport, site);
  try {
    const res = await call(client, client.Health, {}, 2_000);
    const registered = await registry.get(site);
    if (registered?.address !== address) return;
    const keyHex = Buffer.from(res.identityPublicKey).toString('hex');
    if (keyHex.length > 0 && keyHex !== registered.identityPublicKeyHex) {
      registry.setHealth(site, {
        health: 'KEY_MISMATCH', lastSeenMs: Date.now(),
        lastError: `the node at ${address} runs under key ${keyFingerprint(keyHex)}, not the registered ${keyFingerprint(registered.identityPublicKeyHex)}${res.detail ? ` (${res.detail})` : ''}`,
      }, registration);
    } else if (registry.setHealth(site, { health: res.status, lastSeenMs: Date.now(), lastError: res.detail }, registration)) {
      if (before === 'UNREACHABLE') ctx.log(`node ${site} at ${address} answers again (${res.status})`);
      if (res.asOf || res.featuresEpoch !== '0') ctx.onFeaturesChanged?.(site, res.featuresEpoch, res.asOf);
    }
  } catch (err) {
    const prev = registry.healthOf(site);
    // A poll in flight when the coordinator stops finds the registry closed: said, not thrown (nothing awaits a poll).
    const still = await registry.get(site).then((r) => r?.address === address, (e: unknown) => {
      ctx.log(`health poll of ${site} not recorded: ${(e as Error).message}`);
      return false;
    });
    const lastError = (err as Error).message;
    if (still && registry.setHealth(site, { health: 'UNREACHABLE', lastSeenMs: prev.lastSeenMs, lastError }, registration) && prev.health !== 'UNREACHABLE') {
      // Said once per change (queries to the site are refused SHARE_MISSING until a poll answers).
      ctx.log(`node ${site} at ${address} is unreachable (${lastError.slice(0, 200)}); its queries are refused until it answers a health poll (every ${HEALTH_POLL_MS / 1000} s) or registers again`);
    }
  } finally {
    client.close();
  }
}
