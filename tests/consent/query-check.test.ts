/**
 * `fedcredit requester check-query` (consent/query-check.ts): an integrator finds which field or
 * byte of its signed query is wrong offline, instead of sending it and leaving a refusal in the
 * enterprise's log history. The CLI cases run the built binary (npm run build first) and give it
 * no coordinator: the check cannot reach one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSignedQuery } from '../../consent/query-check.js';
import { encodeConsent } from '../../consent/record.js';
import { encodeSignedQuery, signingBytes, signQuery, type SignedQuery } from '../../consent/signed-query.js';
import { cliPath } from '../../lib/spawn-party.js';
import { bank, bankIdentity, grant, NOW, OTHER_SUBJECT, stranger, SUBJECT } from './helpers.js';

const consent = grant();
const signed = (overrides: Partial<Parameters<typeof signQuery>[2]> = {}, signer = bank): SignedQuery => signQuery(signer, bankIdentity.name, {
  queryId: 'q-check-0001', consentId: consent.consentId, subject: SUBJECT, purpose: 'credit-assessment', operation: 'score', sites: ['tax', 'power', 'bank'], ...overrides,
}, NOW);
const failed = (r: ReturnType<typeof checkSignedQuery>) => r.checks.filter((c) => !c.ok).map((c) => c.check);

describe('checkSignedQuery', () => {
  it('passes a query the parties would accept, against its consent and the bank\'s key and name', () => {
    const r = checkSignedQuery(encodeSignedQuery(signed()), { consent: encodeConsent(consent), requesterKey: bank.publicKey, requesterName: bankIdentity.name, now: NOW });
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.signingBytes).toBe(Buffer.from(signingBytes(signed())).toString('hex'));
  });

  it('names the first non-canonical byte of a pretty-printed query (which the parties refuse)', () => {
    const r = checkSignedQuery(JSON.stringify(signed(), null, 2));
    expect(failed(r)).toEqual(['canonical']);
    expect(r.checks.find((c) => c.check === 'canonical')!.detail).toMatch(/first difference at byte 1 \(yours: 0x0a, expected: 0x22/);
  });

  it('names a missing or malformed field before anything else', () => {
    const { issuedAt: _drop, ...noTime } = signed();
    expect(checkSignedQuery(JSON.stringify(noTime)).checks[0]!.detail).toMatch(/^issuedAt is missing/);
    expect(checkSignedQuery(JSON.stringify({ ...signed(), sites: ['tax', 'bank'] })).checks[0]!.detail).toMatch(/sites must be sorted/);
  });

  it('shows where the bytes an integrator signed differ from the bytes to sign', () => {
    const q = signed();
    const wrong = new TextEncoder().encode(new TextDecoder().decode(signingBytes(q)).replace('fedcredit score query v1\n', 'fedcredit score query v1\r\n'));
    const forged = { ...q, signature: Buffer.from(bank.sign(wrong)).toString('hex') };
    const r = checkSignedQuery(encodeSignedQuery(forged), { signedBytes: wrong });
    expect(failed(r)).toEqual(['signature', 'signed-bytes']);
    expect(r.checks.find((c) => c.check === 'signed-bytes')!.detail).toMatch(/first difference at byte 24 \(yours: 0x0d, expected: 0x0a/);
  });

  it('names each consent term the query does not match, and a key that is not the bank\'s', () => {
    const q = signed({ sites: ['bank', 'tax', 'water'], operation: 'explain', purpose: 'loan-monitoring', subject: OTHER_SUBJECT }, stranger);
    const r = checkSignedQuery(encodeSignedQuery(q), { consent: encodeConsent(grant({ operations: ['score'] })), requesterKey: bank.publicKey, now: NOW });
    expect(failed(r)).toEqual(['requester.key', 'consentId', 'subject', 'requester.key', 'purpose', 'operation', 'sites']);
    expect(r.checks.find((c) => c.check === 'sites')!.detail).toMatch(/site water is not a granted source/);
  });

  it('says when the consent has expired at the time of the check', () => {
    const r = checkSignedQuery(encodeSignedQuery(signed()), { consent: encodeConsent(consent), now: consent.validUntil });
    expect(failed(r)).toEqual(['validity']);
  });
});

describe('fedcredit requester check-query', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-check-query-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string | Uint8Array) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const run = (...args: string[]) => spawnSync(process.execPath, [cliPath(), 'requester', 'check-query', ...args], { encoding: 'utf8', timeout: 60_000 });
  // A consent valid now, so the CLI (which checks at the current time) can pass it.
  const fresh = grant({ validForMs: 30 * 86_400_000 }, Date.now() - 60_000);
  const good = signQuery(bank, bankIdentity.name, {
    queryId: 'q-check-cli-0001', consentId: fresh.consentId, subject: SUBJECT, purpose: 'credit-assessment', operation: 'score', sites: ['bank', 'power', 'tax'],
  });

  it('exits 0 on a good query and 1, naming the field, on a bad one; nothing is sent', () => {
    const consentFile = write('consent.json', `${encodeConsent(fresh)}\n`);
    const ok = run(write('good.json', encodeSignedQuery(good)), '--consent', consentFile, '--name', bankIdentity.name);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/passes every offline check.*Nothing was sent/);
    expect(ok.status).toBe(0);

    const bad = run(write('bad.json', encodeSignedQuery({ ...good, consentId: consent.consentId })), '--consent', consentFile, '--json');
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; checks: { check: string; ok: boolean }[]; signingBytes: string };
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['signature', 'consentId']);
    expect(report.signingBytes).toMatch(/^666564637265646974/); // "fedcredit"
  });

  it('refuses a key folder without the identity key instead of making one', () => {
    const empty = fs.mkdtempSync(path.join(dir, 'keys-'));
    const r = run(write('q.json', encodeSignedQuery(good)), '--keys', empty);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/requester-identity\.pem does not exist/);
    expect(fs.readdirSync(empty)).toEqual([]);
  });
});
