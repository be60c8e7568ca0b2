/**
 * The node's registration with the coordinator, and what it says about it: retried while the
 * coordinator is unreachable (nodes and coordinator start in any order); when the coordinator
 * refuses (another key is registered for the site, a rotation it cannot verify, a clock off,
 * a certificate it does not accept), the node's health is NOT_REGISTERED with the
 * coordinator's message on every status call, and it asks again every few seconds, so an
 * operator's fix at the coordinator (`fedcredit coordinator remove-node`) takes effect without
 * a restart. A key rotation signed by `fedcredit node rotate-identity` (registration/rotation.ts)
 * goes with the registration until the coordinator has applied it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { call } from '../lib/grpc.js';
import { coordinatorClient } from '../proto/clients.js';
import { FedcreditError } from '../lib/errors.js';
import type { Transport } from '../lib/tls.js';
import { registrationMessage, type NodeRegistration } from '../registration/statement.js';
import { certifyRegistration, type RegistrationCertification } from '../registration/cert.js';
import { PENDING_ROTATION_FILE, readPendingRotation, type PendingRotation } from '../registration/rotation.js';

/** How often a refused node asks again. */
export const REFUSAL_RETRY_MS = 5_000;

export interface RegistrationStatus {
  /** PENDING until the coordinator answers, then REGISTERED or NOT_REGISTERED. */
  state: 'PENDING' | 'REGISTERED' | 'NOT_REGISTERED';
  /** The coordinator's refusal and what to do, while NOT_REGISTERED. */
  detail: string;
  code?: string;
}

export interface Registrant {
  site: string;
  address: string;
  dataDir: string;
  identity: { publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array };
  sealingPublicKey: Uint8Array;
}

export interface RegistrationLoop {
  readonly status: RegistrationStatus;
  /** Resolves once the coordinator accepted the registration; rejects with its first refusal (the loop carries on). */
  readonly registered: Promise<void>;
}

/** The pending rotation in the node's folder, when it is for these keys. */
function pendingRotationFor(who: Registrant): PendingRotation | undefined {
  const pending = readPendingRotation(who.dataDir);
  if (pending === undefined) return undefined;
  if (pending.previousIdentityKey === Buffer.from(who.identity.publicKey).toString('hex')) {
    // rotate-identity stopped before it replaced the keys: the rotation never happened.
    fs.rmSync(path.join(who.dataDir, PENDING_ROTATION_FILE), { force: true });
    return undefined;
  }
  if (pending.site !== who.site || pending.identityKey !== Buffer.from(who.identity.publicKey).toString('hex')) {
    throw new FedcreditError('KEY_ROTATION_REFUSED', `${path.join(who.dataDir, PENDING_ROTATION_FILE)} names site ${pending.site} and key ${pending.identityKey.slice(0, 16)}..., not this node's; it was not made for this folder's keys. Move it away, and ask the coordinator's operator to remove the site if its old key is lost`);
  }
  return pending;
}

export function startRegistration(
  coordinator: string,
  transport: Transport,
  who: Registrant,
  isStopped: () => boolean,
  log: (line: string) => void,
  onRegistered: (registration: NodeRegistration, signature: Uint8Array, certification: RegistrationCertification | undefined, logIndex: number, rotated: boolean) => Promise<void>,
  onRefused: (status: RegistrationStatus) => void = () => undefined,
): RegistrationLoop {
  const status: RegistrationStatus = { state: 'PENDING', detail: `registering with coordinator ${coordinator}` };
  let firstRefusal: ((err: unknown) => void) | undefined;
  const registered = new Promise<void>((resolve, reject) => {
    firstRefusal = reject;
    void loop().then(resolve, reject);
  });
  // The failure is in the status and logged where it happens; callers that care await `registered`.
  registered.catch(() => undefined);

  async function loop(): Promise<void> {
    const client = coordinatorClient(coordinator, transport);
    let delay = 200;
    let unreachable = 0;
    let since: number | undefined;
    try {
      const pending = pendingRotationFor(who);
      for (;;) {
        if (isStopped()) return;
        const timestampMs = Date.now();
        const registration = { site: who.site, address: who.address, identityPublicKey: who.identity.publicKey, sealingPublicKey: who.sealingPublicKey, timestampMs };
        const signature = who.identity.sign(registrationMessage(registration));
        // The CA-issued TLS certificate vouches for these keys to every peer (registration/cert.ts).
        const certification = transport.kind === 'tls' ? certifyRegistration(registration, transport.material) : undefined;
        try {
          const res = await call(client, client.RegisterNode, {
            ...registration,
            identityPublicKey: Buffer.from(who.identity.publicKey),
            sealingPublicKey: Buffer.from(who.sealingPublicKey),
            timestampMs: String(timestampMs),
            signature: Buffer.from(signature),
            ...(certification ? { tlsCertificate: Buffer.from(certification.certificate), tlsSignature: Buffer.from(certification.signature) } : {}),
            ...(pending ? {
              previousIdentityPublicKey: Buffer.from(pending.previousIdentityKey, 'hex'), previousKeySignature: Buffer.from(pending.signature, 'hex'), rotatedAtMs: String(pending.rotatedAtMs),
            } : {}),
          }, 5_000);
          log(`registered with coordinator ${coordinator}${res.rotated ? ' under its rotated keys' : ''} (log entry ${res.logIndex})`);
          Object.assign(status, { state: 'REGISTERED', detail: '', code: undefined });
          // Applied (or the coordinator already holds these keys): the signed rotation is spent.
          if (pending) fs.rmSync(path.join(who.dataDir, PENDING_ROTATION_FILE), { force: true });
          try {
            await onRegistered(registration, signature, certification, Number(res.logIndex), res.rotated);
          } catch (recordErr) {
            // Registered, but the node's own record of it failed: auditors will report the gap.
            log(`could not keep the served record of this registration: ${(recordErr as Error).message}`);
            throw recordErr;
          }
          return;
        } catch (err) {
          if (!(err instanceof FedcreditError)) throw err;
          if (err.code === 'UNAVAILABLE') {
            unreachable++;
            log(`coordinator ${coordinator} unreachable (attempt ${unreachable}; retrying in ${(delay / 1000).toFixed(1)} s): ${err.message}. ` +
              `Check that the coordinator runs and listens on ${coordinator} (--coordinator / config "coordinator"), that this host can reach it (DNS, firewall), ` +
              'and that both hold certificates from the same federation CA');
            Object.assign(status, { detail: `coordinator ${coordinator} unreachable since ${new Date(since ??= Date.now()).toISOString()} (${unreachable} attempts): ${err.message}` });
            await new Promise((resolve) => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, 5_000);
            continue;
          }
          const first = status.state !== 'NOT_REGISTERED' || status.code !== err.code;
          Object.assign(status, { state: 'NOT_REGISTERED', code: err.code, detail: `coordinator ${coordinator} refused this node's registration: ${err.code}: ${err.message}` });
          if (first) log(`NOT_REGISTERED: ${status.detail} (asking again every ${REFUSAL_RETRY_MS / 1000} s)`);
          onRefused(status);
          firstRefusal?.(err);
          firstRefusal = undefined;
          // Unref'd: a refused node that is told to stop is not kept alive by its next attempt.
          await new Promise((resolve) => setTimeout(resolve, REFUSAL_RETRY_MS).unref());
        }
      }
    } catch (err) {
      if (err instanceof FedcreditError && status.state !== 'REGISTERED') {
        Object.assign(status, { state: 'NOT_REGISTERED', code: err.code, detail: err.message });
        log(`NOT_REGISTERED: ${err.message}`);
        onRefused(status);
      }
      throw err;
    } finally {
      client.close();
    }
  }
  return { status, registered };
}
