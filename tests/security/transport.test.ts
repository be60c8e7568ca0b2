/**
 * Mutual TLS at the transport layer: a client without a certificate, with one from another CA,
 * or with an expired one never reaches a handler; a client checks the server's certified role;
 * a party refuses to start without TLS material unless `--insecure` is given, which warns.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { transparencyLogClient } from '../../proto/clients.js';
import { FedcreditError } from '../../lib/errors.js';
import { issuePartyCertificate, loadCertificateAuthority } from '../../lib/federation-ca.js';
import { call } from '../../lib/grpc.js';
import { cliPath, spawnParty } from '../../lib/spawn-party.js';
import { channelCredentials, channelOptionsFor, INSECURE, loadTlsMaterial, type Transport } from '../../lib/tls.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { allServiceMethods, callMethod } from './rpc-caller.js';

let dir: string;
let fed: TestFederation;
let other: TestFederation;
let coordinator: RunningCoordinator;
const serverLog: string[] = [];
const COORDINATOR = { role: 'coordinator', name: 'coordinator' } as const;
const getLogInfo = () => allServiceMethods().find((m) => m.service === 'TransparencyLog' && m.method === 'GetLogInfo')!;

function callWith(transport: Transport) {
  return callMethod(coordinator.address, channelCredentials(transport, COORDINATOR), channelOptionsFor(transport, {}, COORDINATOR), getLogInfo());
}

/** Runs the CLI with no TLS in its environment, as a fresh shell would. */
function fedcredit(...args: string[]) {
  const env = { ...process.env };
  delete env['FEDCREDIT_TLS'];
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 20_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-mtls-'));
  fed = await testFederation(dir);
  other = await testFederation(path.join(dir, 'elsewhere'));
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: fed.as('coordinator'), log: (l) => serverLog.push(l) });
}, 30_000);

afterAll(async () => {
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the TLS layer refuses clients the federation did not certify', () => {
  it('a client with a certificate from the federation CA gets through (control)', async () => {
    expect(await callWith(fed.as('auditor-1'))).toMatchObject({ code: grpc.status.OK });
  });

  it('a client with no certificate is refused in the handshake', async () => {
    const material = loadTlsMaterial(fed.folder('auditor-1'));
    const outcome = await callMethod(coordinator.address, grpc.credentials.createSsl(material.ca, null, null, { checkServerIdentity: () => undefined }),
      channelOptionsFor(fed.as('auditor-1'), {}, COORDINATOR), getLogInfo());
    expect(outcome).toMatchObject({ code: grpc.status.UNAVAILABLE, errorCode: undefined });
  });

  it('a client with a certificate from another CA is refused in the handshake', async () => {
    const stranger = other.as('auditor-1');
    if (stranger.kind !== 'tls') throw new Error('expected TLS');
    // It trusts our CA, so only the server's check of its certificate can stop it.
    const outcome = await callWith({ kind: 'tls', material: { ...stranger.material, ca: loadTlsMaterial(fed.folder('auditor-1')).ca } });
    expect(outcome).toMatchObject({ code: grpc.status.UNAVAILABLE, errorCode: undefined });
  });

  it('a client with an expired certificate from the right CA is refused in the handshake', async () => {
    const ca = await loadCertificateAuthority(fs.readFileSync(path.join(fed.dir, 'ca', 'ca.crt'), 'utf8'), fs.readFileSync(path.join(fed.dir, 'ca', 'ca.key'), 'utf8'));
    const day = 86_400_000;
    const expired = await issuePartyCertificate(ca, { role: 'auditor', name: 'auditor-1' }, { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) });
    const material = loadTlsMaterial(fed.folder('auditor-1'));
    const outcome = await callWith({ kind: 'tls', material: { ...material, cert: Buffer.from(expired.certPem), key: Buffer.from(expired.keyPem) } });
    expect(outcome).toMatchObject({ code: grpc.status.UNAVAILABLE, errorCode: undefined });
    // The same CA's certificate in date gets through: only the dates made the difference.
    const current = await issuePartyCertificate(ca, { role: 'auditor', name: 'auditor-1' });
    expect(await callWith({ kind: 'tls', material: { ...material, cert: Buffer.from(current.certPem), key: Buffer.from(current.keyPem) } })).toMatchObject({ code: grpc.status.OK });
  });

  it('an insecure client cannot talk to a TLS server', async () => {
    const client = transparencyLogClient(coordinator.address, INSECURE);
    const err = await call(client, client.GetLogInfo, {}, 3_000).then(() => undefined, (e: unknown) => e).finally(() => client.close());
    expect(err).toBeInstanceOf(FedcreditError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('none of these reached a handler', () => {
    expect(serverLog.filter((l) => l.startsWith('refused'))).toEqual([]);
  });
});

describe('clients check the server\'s certified identity', () => {
  it('a client that dials a site node but reaches the coordinator refuses to talk', async () => {
    const node = { role: 'site', name: 'tax' } as const;
    const transport = fed.as('tax-operator');
    const m = allServiceMethods().find((x) => x.service === 'DataNode' && x.method === 'Health')!;
    const outcome = await callMethod(coordinator.address, channelCredentials(transport, node), channelOptionsFor(transport, {}, node), m);
    expect(outcome.code).toBe(grpc.status.UNAVAILABLE);
    expect(outcome.details).toMatch(/presented coordinator\/coordinator, expected site\/tax/);
  });

  it('a client that trusts only another CA refuses the server', async () => {
    expect(await callWith(other.as('auditor-1'))).toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});

describe('TLS material and the insecure mode', () => {
  it('init writes keys 0600 and folders 0700, and refuses to overwrite a federation', () => {
    const out = path.join(dir, 'cli-fed');
    const r = fedcredit('init', '--out', out, '--sites', 'tax,power', '--requesters', 'bank-a', '--json');
    expect(r.status).toBe(0);
    const description = JSON.parse(r.stdout) as { parties: { role: string; name: string; folder: string; uri: string; hosts: string[] }[] };
    expect(description.parties.map((p) => `${p.role}/${p.name}`)).toEqual([
      'coordinator/coordinator', 'operator/coordinator', 'site/tax', 'operator/tax', 'site/power', 'operator/power', 'requester/bank-a', 'auditor/auditor-1',
    ]);
    expect(description.parties.find((p) => p.name === 'tax' && p.role === 'site')).toMatchObject({ uri: 'fedcredit:role/site/tax', hosts: expect.arrayContaining(['127.0.0.1', 'localhost']) });
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(path.join(out, 'ca', 'ca.key'))).toBe(0o600);
    expect(mode(path.join(out, 'ca'))).toBe(0o700);
    expect(mode(out)).toBe(0o700);
    for (const p of description.parties) {
      expect(mode(path.join(out, p.folder, 'tls.key')), p.folder).toBe(0o600);
      expect(mode(path.join(out, p.folder)), p.folder).toBe(0o700);
    }
    const again = fedcredit('init', '--out', out);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/is not empty: init never overwrites a CA or a key/);
  });

  it('init --add certifies a site joining later with the same CA and leaves the others alone', async () => {
    const out = path.join(dir, 'grow');
    expect(fedcredit('init', '--out', out, '--sites', 'tax').status).toBe(0);
    const taxKey = fs.readFileSync(path.join(out, 'parties', 'tax', 'tls.key'));
    const r = fedcredit('init', '--add', '--out', out, '--sites', 'tax,water', '--json');
    expect(r.status).toBe(0);
    const parties = (JSON.parse(r.stdout) as { parties: { folder: string }[] }).parties.map((p) => p.folder);
    expect(parties).toEqual(expect.arrayContaining([path.join('parties', 'water'), path.join('parties', 'water-operator'), path.join('parties', 'tax')]));
    expect(fs.readFileSync(path.join(out, 'parties', 'tax', 'tls.key'))).toEqual(taxKey);
    expect(loadTlsMaterial(path.join(out, 'parties', 'water')).identity).toEqual({ role: 'site', name: 'water' });
    const requester = fedcredit('init', '--add', '--out', out, '--requesters', 'bank-b', '--json');
    // Only what was named is added: not the default sites.
    expect((JSON.parse(requester.stdout) as { parties: unknown[] }).parties).toHaveLength(parties.length + 1);
    const clash = fedcredit('init', '--add', '--out', out, '--requesters', 'water');
    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/parties\/water already holds site\/water/);
  });

  it('a key file others can read is refused', () => {
    const copy = path.join(dir, 'loose');
    fs.cpSync(fed.folder('auditor-1'), copy, { recursive: true });
    fs.chmodSync(path.join(copy, 'tls.key'), 0o644);
    expect(() => loadTlsMaterial(copy)).toThrow(expect.objectContaining({ code: 'TLS_MATERIAL', message: expect.stringMatching(/readable by other users \(mode 644\)/) }));
  });

  it('a party refuses its own certificate when it is expired or not from its CA', async () => {
    const ca = await loadCertificateAuthority(fs.readFileSync(path.join(fed.dir, 'ca', 'ca.crt'), 'utf8'), fs.readFileSync(path.join(fed.dir, 'ca', 'ca.key'), 'utf8'));
    const stale = path.join(dir, 'stale');
    fs.cpSync(fed.folder('tax'), stale, { recursive: true });
    const expired = await issuePartyCertificate(ca, { role: 'site', name: 'tax' }, { server: true, notBefore: new Date(Date.now() - 2 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    fs.writeFileSync(path.join(stale, 'tls.crt'), expired.certPem);
    expect(() => loadTlsMaterial(stale)).toThrow(expect.objectContaining({ code: 'TLS_MATERIAL', message: expect.stringMatching(/is valid only from .* issue a new one/) }));
    const foreign = path.join(dir, 'foreign');
    fs.cpSync(fed.folder('tax'), foreign, { recursive: true });
    fs.copyFileSync(path.join(other.folder('tax'), 'ca.crt'), path.join(foreign, 'ca.crt'));
    expect(() => loadTlsMaterial(foreign)).toThrow(expect.objectContaining({ code: 'TLS_MATERIAL', message: expect.stringMatching(/was not issued by the CA/) }));
  });

  it('serve refuses to start without TLS material, and with another party\'s certificate', () => {
    const none = fedcredit('coordinator', 'serve', '--data', path.join(dir, 'no-tls'));
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/error \[TLS_MATERIAL\]: no TLS material: pass --tls DIR/);
    const wrong = fedcredit('node', 'serve', '--site', 'tax', '--data', path.join(dir, 'wrong'), ...fed.tls('power'));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/holds the certificate of site\/power, but this command runs as site\/tax/);
  });

  it('serve finds its TLS folder in <data>/tls', async () => {
    const data = path.join(dir, 'node-default');
    fs.mkdirSync(data, { recursive: true });
    fs.cpSync(fed.folder('power'), path.join(data, 'tls'), { recursive: true });
    const node = await spawnParty('node power', ['node', 'serve', '--site', 'power', '--data', data, '--port', '0']);
    try {
      expect(node.logLines.join('\n')).toMatch(/listening on .* \(mutual TLS as site\/power\)/);
    } finally {
      await node.stop();
    }
  });

  it('--insecure must be asked for by name and warns on every start that role checks cannot hold', async () => {
    const party = await spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(dir, 'insecure'), '--port', '0', '--insecure']);
    try {
      expect(party.logLines[0]).toMatch(/^WARNING: --insecure: .*neither encrypted nor authenticated, and role checks cannot hold/);
      expect(party.logLines.join('\n')).toMatch(/listening on .* \(INSECURE: no TLS, no role checks\)/);
    } finally {
      await party.stop();
    }
  });
});
