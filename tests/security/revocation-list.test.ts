/**
 * A party's copy of the CA's revocation list (lib/revocation.ts): only the CA's own list is
 * taken, a replayed older list cannot un-revoke, a deleted file keeps the list loaded, a stale
 * list still applies with a warning, and serials compare however they are written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, type CertificateAuthority } from '../../lib/federation-ca.js';
import { issueRevocationList, normalSerial, RELOAD_CHECK_MS, RevocationList, REVOCATION_FILE } from '../../lib/revocation.js';

let dir: string;
let ca: CertificateAuthority;
let stranger: CertificateAuthority;
const caPem = () => Buffer.from(ca.certPem);
const write = (pem: string) => fs.writeFileSync(path.join(dir, REVOCATION_FILE), pem);
const afterReloadCheck = () => new Promise((resolve) => setTimeout(resolve, RELOAD_CHECK_MS + 100));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-crl-'));
  ca = await createCertificateAuthority('crl-test');
  stranger = await createCertificateAuthority('elsewhere');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a party\'s revocation list', () => {
  it('without crl.pem revokes nothing; with the CA\'s list revokes its serials, however written', async () => {
    expect(RevocationList.open(dir, caPem()).isRevoked('0a1b')).toBe(false);
    write(await issueRevocationList(ca, [{ serial: 'a1b2c3', revokedAt: new Date() }]));
    const list = RevocationList.open(dir, caPem());
    expect(list.isRevoked('A1B2C3')).toBe(true);
    expect(list.isRevoked('00a1b2c3')).toBe(true);
    expect(list.isRevoked('a1b2c4')).toBe(false);
    expect(list.isRevoked(undefined)).toBe(false);
    expect(normalSerial('00:0A:ff')).toBe('aff');
  });

  it('refuses at start-up a list another CA signed', async () => {
    write(await issueRevocationList(stranger, []));
    expect(() => RevocationList.open(dir, caPem())).toThrow(expect.objectContaining({ code: 'TLS_MATERIAL', message: expect.stringMatching(/is not signed by this party's CA/) }));
    write('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n');
    expect(() => RevocationList.open(dir, caPem())).toThrow(expect.objectContaining({ code: 'TLS_MATERIAL' }));
  });

  it('reloads a newer list, keeps its list against an older or foreign one and a deleted file, and warns', async () => {
    const warnings: string[] = [];
    const older = await issueRevocationList(ca, [], new Date(Date.now() - 60_000));
    write(await issueRevocationList(ca, [{ serial: '01', revokedAt: new Date() }]));
    const list = RevocationList.open(dir, caPem(), (w) => warnings.push(w));
    expect(list.isRevoked('01')).toBe(true);

    write(await issueRevocationList(ca, [{ serial: '01', revokedAt: new Date() }, { serial: '02', revokedAt: new Date() }], new Date(Date.now() + 1_000)));
    await afterReloadCheck();
    expect(list.isRevoked('02')).toBe(true);

    write(older);
    await afterReloadCheck();
    expect(list.isRevoked('01')).toBe(true);
    expect(warnings.join('\n')).toMatch(/is older .* than the list already loaded; .*still using the revocation list loaded before \(2 revoked\)/);

    write(await issueRevocationList(stranger, [], new Date(Date.now() + 5_000)));
    await afterReloadCheck();
    expect(list.isRevoked('02')).toBe(true);
    expect(warnings.join('\n')).toMatch(/is not signed by this party's CA/);

    fs.rmSync(path.join(dir, REVOCATION_FILE));
    await afterReloadCheck();
    expect(list.isRevoked('02')).toBe(true);
  });

  it('a list past its nextUpdate still applies, with a warning to have it re-signed', async () => {
    const warnings: string[] = [];
    write(await issueRevocationList(ca, [{ serial: '03', revokedAt: new Date() }], new Date(Date.now() - 200 * 86_400_000)));
    const list = RevocationList.open(dir, caPem(), (w) => warnings.push(w));
    expect(list.isRevoked('03')).toBe(true);
    expect(warnings.join('\n')).toMatch(/was due for renewal on .*fedcredit ca crl/);
  });
});
