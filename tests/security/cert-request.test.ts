/**
 * The CA owner's check of a certificate request and the party's check at install
 * (lib/cert-request.ts): what a request may name, and that a party installs only a certificate
 * for its own pending key from the CA it already trusts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCertificateRequest, createCertificateRequest, installCertificate, writeCertificateRequest,
} from '../../lib/cert-request.js';
import { createCertificateAuthority, issueCertificate, issuePartyCertificate, type CertificateAuthority } from '../../lib/federation-ca.js';

let dir: string;
let ca: CertificateAuthority;
let other: CertificateAuthority;

/** A request made with the library directly, to say what our own tool never would. */
async function craftedRequest(names: x509.JsonGeneralName[], curve = 'P-256'): Promise<string> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=crafted', keys, signingAlgorithm: { name: 'ECDSA', hash: curve === 'P-256' ? 'SHA-256' : 'SHA-384' },
    extensions: [new x509.SubjectAlternativeNameExtension(names)],
  });
  return csr.toString('pem');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-csr-'));
  ca = await createCertificateAuthority('csr-test');
  other = await createCertificateAuthority('elsewhere');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the CA owner\'s check of a request', () => {
  it('takes the identity and, for a server, its hosts with loopback', async () => {
    const site = await createCertificateRequest({ role: 'site', name: 'tax' }, ['10.0.0.2', 'tax.example.gov']);
    const checked = await checkCertificateRequest(site.csrPem, 'tax.csr');
    expect(checked.identity).toEqual({ role: 'site', name: 'tax' });
    expect(checked.hosts).toEqual(expect.arrayContaining(['10.0.0.2', 'tax.example.gov', 'localhost', '127.0.0.1']));
    const client = await checkCertificateRequest((await createCertificateRequest({ role: 'requester', name: 'bank-b' })).csrPem, 'bank-b.csr');
    expect(client).toMatchObject({ identity: { role: 'requester', name: 'bank-b' }, hosts: [] });
  });

  it('refuses what a certificate must not name', async () => {
    const refused = async (pem: string, why: RegExp) =>
      expect(checkCertificateRequest(pem, 'x.csr')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(why) });
    await refused(await craftedRequest([{ type: 'url', value: 'fedcredit:role/site/tax' }, { type: 'url', value: 'fedcredit:role/coordinator/coordinator' }]), /names 2 URIs/);
    await refused(await craftedRequest([]), /names 0 URIs/);
    await refused(await craftedRequest([{ type: 'url', value: 'fedcredit:role/admin/root' }]), /not an identity .* known role/);
    await refused(await craftedRequest([{ type: 'url', value: 'fedcredit:role/site/Tax_1' }]), /not an identity/);
    await refused(await craftedRequest([{ type: 'url', value: 'fedcredit:role/requester/bank-b' }, { type: 'dns', value: 'bank.example' }]), /client only and cannot be certified for hosts/);
    await refused(await craftedRequest([{ type: 'url', value: 'fedcredit:role/site/tax' }, { type: 'email', value: 'a@b.c' }]), /asks for a email name/);
    await refused(await craftedRequest([{ type: 'url', value: 'fedcredit:role/site/tax' }], 'P-384'), /federation uses ECDSA P-256/);
    await refused('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n', /not a PKCS#10 certificate request/);
    await expect(createCertificateRequest({ role: 'auditor', name: 'auditor-2' }, ['10.0.0.9'])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('the party\'s install', () => {
  it('installs only a certificate for its pending key, from the CA it already trusts', async () => {
    const folder = path.join(dir, 'bank-b');
    const request = await createCertificateRequest({ role: 'requester', name: 'bank-b' });
    writeCertificateRequest(folder, request);
    expect(() => writeCertificateRequest(folder, request)).toThrow(expect.objectContaining({ message: expect.stringMatching(/a request is pending/) }));
    const checked = await checkCertificateRequest(request.csrPem, 'bank-b.csr');

    const forAnotherKey = await issuePartyCertificate(ca, { role: 'requester', name: 'bank-b' });
    expect(() => installCertificate(folder, Buffer.from(forAnotherKey.certPem), Buffer.from(ca.certPem)))
      .toThrow(expect.objectContaining({ message: expect.stringMatching(/is not for the key in .*request\.key/) }));
    const fromOther = await issueCertificate(other, checked.identity, checked.publicKey);
    expect(() => installCertificate(folder, Buffer.from(fromOther), Buffer.from(ca.certPem)))
      .toThrow(expect.objectContaining({ message: expect.stringMatching(/not issued by the given CA/) }));

    const good = await issueCertificate(ca, checked.identity, checked.publicKey);
    expect(installCertificate(folder, Buffer.from(good), Buffer.from(ca.certPem)).identity).toEqual({ role: 'requester', name: 'bank-b' });
    expect(fs.statSync(path.join(folder, 'tls.key')).mode & 0o777).toBe(0o600);

    // A later install may not swap the CA the folder trusts, even with a certificate that CA issued.
    const renewal = await createCertificateRequest({ role: 'requester', name: 'bank-b' });
    writeCertificateRequest(folder, renewal);
    const renewed = await checkCertificateRequest(renewal.csrPem, 'renewal.csr');
    const swapped = await issueCertificate(other, renewed.identity, renewed.publicKey);
    expect(() => installCertificate(folder, Buffer.from(swapped), Buffer.from(other.certPem)))
      .toThrow(expect.objectContaining({ message: expect.stringMatching(/holds another CA than the one given/) }));
  });
});
