/**
 * Issue 17's certificates, done when: a party makes its own key and request, the CA owner
 * signs it and the party connects; a renewal gives a new key and serial; a revoked party is
 * refused at its next connection (UNAUTHENTICATED, CERT_REVOKED) by a running coordinator
 * process that reloads the CA's list from its TLS folder, and a client refuses a revoked
 * server. Servers warn under 30 days left and refuse to start with an expired certificate.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FedcreditError } from '../../lib/errors.js';
import { issuePartyCertificate, loadCertificateAuthority } from '../../lib/federation-ca.js';
import { call } from '../../lib/grpc.js';
import { cliPath, spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { channelCredentials, channelOptionsFor, loadTlsMaterial, type Transport } from '../../lib/tls.js';
import { transparencyLogClient } from '../../proto/clients.js';
import { certifyRegistration, requireCertifiedPeers } from '../../registration/cert.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { allServiceMethods, callMethod } from './rpc-caller.js';

let dir: string;
let fed: TestFederation;
let coordinator: SpawnedParty;
const COORDINATOR = { role: 'coordinator', name: 'coordinator' } as const;
const getLogInfo = () => allServiceMethods().find((m) => m.service === 'TransparencyLog' && m.method === 'GetLogInfo')!;

/** The CLI with no TLS in its environment, as a fresh shell would run it. */
function fedcredit(...args: string[]) {
  const env = { ...process.env };
  delete env['FEDCREDIT_TLS'];
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 30_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): string {
  const r = fedcredit(...args);
  if (r.status !== 0) throw new Error(`fedcredit ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** One GetLogInfo call at the coordinator process as the party of `folder`, on a new connection. */
function logInfoAs(folder: string) {
  const transport: Transport = { kind: 'tls', material: loadTlsMaterial(folder) };
  return callMethod(coordinator.address, channelCredentials(transport, COORDINATOR), channelOptionsFor(transport, {}, COORDINATOR), getLogInfo());
}

const serialOf = (folder: string) => (JSON.parse(ok('tls', 'status', '--tls', folder, '--json')) as { serial: string }).serial;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-certs-'));
  fed = await testFederation(dir, ['tax', 'power']);
  coordinator = await spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(dir, 'coordinator'), '--port', '0', ...fed.tls('coordinator')], { startTimeoutMs: 60_000 });
}, 120_000);

afterAll(async () => {
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a party\'s own key, a request, the CA owner\'s signature', () => {
  const auditor2 = () => path.join(dir, 'auditor-2-host', 'tls');

  it('issues a certificate from a request: the key never leaves the party\'s folder, the party connects over mTLS', async () => {
    ok('tls', 'request', '--party', 'auditor-2', '--role', 'auditor', '--out', auditor2());
    const keyFile = path.join(auditor2(), 'request.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(auditor2()).mode & 0o777).toBe(0o700);
    const csr = path.join(auditor2(), 'request.csr');

    // A party new to federation.json needs the CA owner's --add; a tampered request is refused.
    const unlisted = fedcredit('ca', 'sign', csr, '--dir', fed.dir);
    expect(unlisted.status).toBe(1);
    expect(unlisted.stderr).toMatch(/error \[BAD_REQUEST\]: .*asks for auditor\/auditor-2, which federation.json does not list; .* --add/);
    const der = Buffer.from(fs.readFileSync(csr, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    der[der.length - 5]! ^= 0x01;
    const tampered = path.join(dir, 'tampered.csr');
    fs.writeFileSync(tampered, `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`);
    const forged = fedcredit('ca', 'sign', tampered, '--dir', fed.dir, '--add');
    expect(forged.status).toBe(1);
    expect(forged.stderr).toMatch(/error \[BAD_REQUEST\]: .*(signature does not verify|signature cannot be checked)/);

    // `init --sign` is the same as `ca sign`.
    ok('init', '--out', fed.dir, '--sign', csr, '--add');
    ok('tls', 'install', '--tls', auditor2(), '--ca', path.join(fed.dir, 'ca', 'ca.crt'), '--crl', path.join(fed.dir, 'ca', 'crl.pem'));
    expect(fs.readdirSync(auditor2()).sort()).toEqual(['ca.crt', 'crl.pem', 'tls.crt', 'tls.key']);
    expect(fs.statSync(path.join(auditor2(), 'tls.key')).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(path.join(auditor2(), 'tls.key'), 'utf8');
    const caOwnerFiles = fs.readdirSync(fed.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    expect(caOwnerFiles.some((f) => fs.readFileSync(f, 'utf8').includes(key.trim()))).toBe(false);

    expect(loadTlsMaterial(auditor2()).identity).toEqual({ role: 'auditor', name: 'auditor-2' });
    const description = JSON.parse(fs.readFileSync(path.join(fed.dir, 'federation.json'), 'utf8')) as { parties: { role: string; name: string; serial?: string }[] };
    expect(description.parties.find((p) => p.name === 'auditor-2')).toMatchObject({ role: 'auditor', serial: serialOf(auditor2()) });
    expect(await logInfoAs(auditor2())).toMatchObject({ code: grpc.status.OK });
  }, 120_000);

  it('renews a certificate with a new key and serial; the renewed party connects', async () => {
    const before = { serial: serialOf(auditor2()), key: fs.readFileSync(path.join(auditor2(), 'tls.key'), 'utf8') };
    ok('tls', 'renew', '--tls', auditor2());
    // Until installed, the current certificate and key keep working.
    expect(await logInfoAs(auditor2())).toMatchObject({ code: grpc.status.OK });
    const signed = JSON.parse(ok('ca', 'sign', path.join(auditor2(), 'request.csr'), '--dir', fed.dir, '--json')) as { renewal: boolean; serial: string };
    expect(signed.renewal).toBe(true);
    ok('tls', 'install', '--tls', auditor2());
    expect(serialOf(auditor2())).toBe(signed.serial);
    expect(signed.serial).not.toBe(before.serial);
    expect(fs.readFileSync(path.join(auditor2(), 'tls.key'), 'utf8')).not.toBe(before.key);
    expect(await logInfoAs(auditor2())).toMatchObject({ code: grpc.status.OK });
  }, 120_000);

  it('revokes a certificate: the running coordinator reloads the list and refuses that party at its next connection', async () => {
    const revokedSerial = serialOf(auditor2());
    const r = JSON.parse(ok('ca', 'revoke', path.join(auditor2(), 'tls.crt'), '--dir', fed.dir, '--json')) as { serial: string; party: { name: string } };
    expect(r).toMatchObject({ serial: revokedSerial, party: { name: 'auditor-2' } });
    // The coordinator looks at its crl.pem at most once a second (lib/revocation.ts): its next connection after that is refused.
    let refused = await logInfoAs(auditor2());
    for (const until = Date.now() + 10_000; refused.code === grpc.status.OK && Date.now() < until;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      refused = await logInfoAs(auditor2());
    }
    expect(refused).toMatchObject({ code: grpc.status.UNAUTHENTICATED, errorCode: 'CERT_REVOKED' });
    expect(refused.details).toMatch(/auditor\/auditor-2 .* is revoked by the federation CA/);
    // Through the fedcredit client too: the stable code survives the trip.
    const transport: Transport = { kind: 'tls', material: loadTlsMaterial(auditor2()) };
    const client = transparencyLogClient(coordinator.address, transport);
    try {
      await expect(call(client, client.GetLogInfo, {})).rejects.toMatchObject({ code: 'CERT_REVOKED' });
    } finally {
      client.close();
    }
    // Everyone else still gets in.
    expect(await logInfoAs(fed.folder('auditor-1'))).toMatchObject({ code: grpc.status.OK });
    expect(coordinator.logLines.join('\n')).toMatch(/refused TransparencyLog\.GetLogInfo from auditor\/auditor-2: CERT_REVOKED/);
  }, 120_000);

  it('a client refuses a server whose certificate is revoked (CERT_REVOKED at the handshake)', async () => {
    ok('ca', 'revoke', path.join(fed.folder('coordinator'), 'tls.crt'), '--dir', fed.dir);
    const auditor: Transport = { kind: 'tls', material: loadTlsMaterial(fed.folder('auditor-1')) };
    const client = transparencyLogClient(coordinator.address, auditor);
    try {
      const err = await call(client, client.GetLogInfo, {}, 5_000).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(FedcreditError);
      expect(err).toMatchObject({ code: 'CERT_REVOKED', message: expect.stringMatching(/coordinator\/coordinator .* is revoked/) });
    } finally {
      client.close();
    }
  }, 120_000);
});

describe('a revoked site\'s registration', () => {
  it('no longer vouches for its keys: a node refuses a job naming that peer (REGISTRATION_NOT_CERTIFIED)', () => {
    const tax = loadTlsMaterial(fed.folder('tax'));
    const reg = { site: 'tax', address: '127.0.0.1:1', identityPublicKey: new Uint8Array(32).fill(1), sealingPublicKey: new Uint8Array(32).fill(2), timestampMs: Date.now() };
    const certification = certifyRegistration(reg, tax);
    const peers = [{ ...reg, registrationTimeMs: reg.timestampMs, tlsCertificate: certification.certificate, tlsSignature: certification.signature }];
    requireCertifiedPeers(peers, fed.as('power'), 'job before');
    ok('ca', 'revoke', path.join(fed.folder('tax'), 'tls.crt'), '--dir', fed.dir);
    expect(() => requireCertifiedPeers(peers, fed.as('power'), 'job after')).toThrow(expect.objectContaining({
      code: 'REGISTRATION_NOT_CERTIFIED', message: expect.stringMatching(/the certificate site tax registered with is revoked/),
    }));
  }, 120_000);
});

describe('expiry at a server\'s start-up', () => {
  it('warns when under 30 days are left, with the renewal steps', async () => {
    const folder = path.join(dir, 'short-lived');
    ok('tls', 'request', '--party', 'coordinator', '--role', 'coordinator', '--out', folder);
    ok('ca', 'sign', path.join(folder, 'request.csr'), '--dir', fed.dir, '--days', '10');
    ok('tls', 'install', '--tls', folder, '--ca', path.join(fed.dir, 'ca', 'ca.crt'));
    const party = await spawnParty('coordinator (short)', ['coordinator', 'serve', '--data', path.join(dir, 'short-data'), '--port', '0', '--tls', folder], { startTimeoutMs: 60_000 });
    try {
      expect(party.logLines.join('\n')).toMatch(/WARNING: this party's certificate .* expires on .*, in 9 days; .*fedcredit tls renew --tls/);
    } finally {
      await party.stop();
    }
    const status = JSON.parse(ok('tls', 'status', '--tls', folder, '--json')) as { renewSoon: boolean; daysLeft: number };
    expect(status).toMatchObject({ renewSoon: true, daysLeft: 9 });
  }, 120_000);

  it('refuses to start with an expired certificate, saying how to renew', async () => {
    const ca = await loadCertificateAuthority(fs.readFileSync(path.join(fed.dir, 'ca', 'ca.crt'), 'utf8'), fs.readFileSync(path.join(fed.dir, 'ca', 'ca.key'), 'utf8'));
    const folder = path.join(dir, 'expired');
    fs.cpSync(fed.folder('coordinator'), folder, { recursive: true });
    const day = 86_400_000;
    const expired = await issuePartyCertificate(ca, COORDINATOR, { server: true, hosts: ['127.0.0.1'], notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) });
    fs.writeFileSync(path.join(folder, 'tls.crt'), expired.certPem);
    fs.rmSync(path.join(folder, 'tls.key'));
    fs.writeFileSync(path.join(folder, 'tls.key'), expired.keyPem, { mode: 0o600 });
    const r = fedcredit('coordinator', 'serve', '--data', path.join(dir, 'expired-data'), '--port', '0', '--tls', folder);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[TLS_MATERIAL\]: .* it has expired, so this party will not start\. Run `fedcredit tls renew --tls/);
  }, 120_000);
});
