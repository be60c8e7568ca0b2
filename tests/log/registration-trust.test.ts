/**
 * A lying coordinator logs a forged "power" registration (its own identity and sealing keys)
 * and hands it to the node's real LogFollower (log/follower.ts) under a correctly signed
 * checkpoint. The node must take a peer's sealing key only from a registration the federation
 * CA certifies for that site (registration/cert.ts): the forgeries are not applied
 * (REGISTRATION_NOT_CERTIFIED), and the genuine node's key stays in use.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../log/checkpoint.js';
import { generateIdentity } from '../../crypto/identity.js';
import { hashLeaf, MemoryTree } from '../../log/merkle.js';
import { encodeEntry, nodeRegistrationEntry } from '../../log/entries.js';
import { registrationMessage, type NodeRegistration } from '../../registration/statement.js';
import { certifyRegistration, registrationCertificationProblem } from '../../registration/cert.js';
import type { TlsMaterial, Transport } from '../../lib/tls.js';
import { LogFollower } from '../../log/follower.js';
import { ledgerWithBindings } from '../consent/helpers.js';
import { testFederation } from '../helpers/federation.js';

const ORIGIN = 'fedcredit.test/log';
const logKey = generateIdentity();
let dir: string;
let tax: Transport;
let power: TlsMaterial;
let coordinator: TlsMaterial;

function material(t: Transport): TlsMaterial {
  if (t.kind !== 'tls') throw new Error('test federation parties run TLS');
  return t.material;
}

function registration(site: string): { reg: NodeRegistration; signature: Uint8Array } {
  const identity = generateIdentity();
  const reg: NodeRegistration = { site, address: '127.0.0.1:7001', identityPublicKey: identity.publicKey, sealingPublicKey: new Uint8Array(randomBytes(32)), timestampMs: Date.now() };
  return { reg, signature: identity.sign(registrationMessage(reg)) };
}

function signedLog(entries: readonly Uint8Array[]): string {
  const tree = new MemoryTree(entries.map((e) => hashLeaf(e)));
  return signCheckpoint({ origin: ORIGIN, size: entries.length, rootHash: tree.root(), extensions: [] }, { name: ORIGIN, publicKey: logKey.publicKey, sign: (m) => logKey.sign(m) });
}

async function follower(): Promise<{ follower: LogFollower; lines: string[] }> {
  const lines: string[] = [];
  const f = new LogFollower({
    coordinator: '127.0.0.1:9', transport: tax, site: 'tax', ledger: await ledgerWithBindings(), log: (l) => lines.push(l),
    trust: { pinnedLog: async () => ({ origin: ORIGIN, key: { name: ORIGIN, publicKey: logKey.publicKey } }), cosigned: () => undefined, forked: () => undefined },
  });
  return { follower: f, lines };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-registration-trust-'));
  const fed = await testFederation(dir);
  tax = fed.as('tax');
  power = material(fed.as('power'));
  coordinator = material(fed.as('coordinator'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a node takes peer keys only from CA-certified registrations', () => {
  it('applies the genuine registration and refuses forged ones logged after it', async () => {
    const genuine = registration('power');
    const selfSigned = registration('power');
    const coordinatorCert = registration('power');
    const copiedCert = registration('power');
    const entries = [
      nodeRegistrationEntry(genuine.reg, genuine.signature, certifyRegistration(genuine.reg, power)),
      // Signed only by keys the coordinator made itself.
      nodeRegistrationEntry(selfSigned.reg, selfSigned.signature),
      // Certified, but by the coordinator's own certificate, which names coordinator/coordinator.
      nodeRegistrationEntry(coordinatorCert.reg, coordinatorCert.signature, certifyRegistration(coordinatorCert.reg, coordinator)),
      // power's real certificate copied from the genuine entry, with a signature it cannot make.
      nodeRegistrationEntry(copiedCert.reg, copiedCert.signature, {
        certificate: certifyRegistration(genuine.reg, power).certificate, signature: certifyRegistration(copiedCert.reg, coordinator).signature,
      }),
    ].map(encodeEntry);
    const { follower: f, lines } = await follower();
    await f.offer(0, entries, signedLog(entries));
    expect(f.size).toBe(4);
    expect(Buffer.from(f.peerSealingKey('power')!).toString('hex')).toBe(Buffer.from(genuine.reg.sealingPublicKey).toString('hex'));
    expect(lines.filter((l) => l.includes('REGISTRATION_NOT_CERTIFIED'))).toHaveLength(3);
    f.close();
  });

  it('agrees no mask with a site whose only registration is forged', async () => {
    const forged = registration('power');
    const entries = [encodeEntry(nodeRegistrationEntry(forged.reg, forged.signature))];
    const { follower: f } = await follower();
    await f.offer(0, entries, signedLog(entries));
    expect(() => f.peerSealingKey('power')).toThrow(expect.objectContaining({ code: 'REGISTRATION_NOT_CERTIFIED' }));
    f.close();
  });

  it('names what is wrong with a certification', () => {
    const r = registration('power');
    expect(registrationCertificationProblem(r.reg, certifyRegistration(r.reg, power), power.ca)).toBeUndefined();
    expect(registrationCertificationProblem({ ...r.reg, site: 'bank' }, certifyRegistration({ ...r.reg, site: 'bank' }, power), power.ca)).toMatch(/names site\/power, not site\/bank/);
    expect(registrationCertificationProblem(r.reg, undefined, power.ca)).toMatch(/no certificate/);
    const other = certifyRegistration(r.reg, power);
    expect(registrationCertificationProblem({ ...r.reg, sealingPublicKey: new Uint8Array(32) }, other, power.ca)).toMatch(/not signed by the key/);
  });
});
