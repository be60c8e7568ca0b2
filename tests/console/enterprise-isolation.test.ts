/**
 * Enterprise A sees only its own entries (docs/design/console.md 4.5, section 10 "enterprise A
 * sees B's entries"): a real coordinator and witness node, a log seeded with key bindings and
 * revocations of enterprises A and B, and a coordinator console with --enterprise-portal. A
 * signs in with its bound key through the portal's challenge; every page A can open (with any
 * query parameter it could try) and its CSV hold A's entries and never B's credit code, B's
 * entry indices, B's consent ids or B's key. Plain HTTP (behind-proxy mode), no browser.
 * Needs `npm run build`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyBinding, encodeRevocation, revokeConsent } from '../../consent/verify.js';
import { submitConsentRecord } from '../../scoring/requester.js';
import { TRUSTED_REGISTRARS_ENV } from '../../scoring/protocol.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { testFederation } from '../helpers/federation.js';
import { startCoordinatorProcess, startNodeProcess, waitForFinal } from '../log/federation-helpers.js';
import { binding, enterprise, grant, otherBinding, otherEnterprise, OTHER_SUBJECT, registrar, SUBJECT } from '../consent/helpers.js';
import { Client, enterpriseSignIn, startConsole, type RunningConsole } from './portal-helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
let dir: string;
let coordinator: SpawnedParty;
let tax: SpawnedParty;
let portal: RunningConsole;
const indices = { A: [] as number[], B: [] as number[] };
const consents = { A: [] as string[], B: [] as string[] };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-enterprise-isolation-'));
  process.env[TRUSTED_REGISTRARS_ENV] = hex(registrar.publicKey);
  const fed = await testFederation(dir, ['tax']);
  coordinator = await startCoordinatorProcess(dir);
  tax = await startNodeProcess(dir, 'tax', coordinator.address);
  const op = fed.as('coordinator-operator');
  const submit = async (who: 'A' | 'B', text: string) => { indices[who].push((await submitConsentRecord(coordinator.address, op, text)).logIndex); };
  await submit('A', encodeKeyBinding(binding));
  await submit('B', encodeKeyBinding(otherBinding));
  for (let i = 0; i < 3; i++) {
    const a = grant({}, Date.now() - 1000 - i);
    const b = grant({ subject: OTHER_SUBJECT }, Date.now() - 1000 - i, otherEnterprise);
    consents.A.push(a.consentId);
    consents.B.push(b.consentId);
    await submit('A', encodeRevocation(revokeConsent(enterprise, a)));
    await submit('B', encodeRevocation(revokeConsent(otherEnterprise, b)));
  }
  await waitForFinal(coordinator.address, op, Math.max(...indices.A, ...indices.B) + 1, 1, 30_000);
  portal = await startConsole({ tls: fed.folder('coordinator-operator'), target: coordinator.address, data: path.join(dir, 'console'), extra: ['--enterprise-portal'] });
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await tax?.stop();
  await coordinator?.stop();
  delete process.env[TRUSTED_REGISTRARS_ENV];
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Log indices a page shows: rows, revocation marks, and the CSV's first column. */
function shownIndices(text: string): number[] {
  const found = [...text.matchAll(/data-(?:index|revoked|revocation-index)="(\d+)"/g)].map((m) => Number(m[1]));
  for (const line of text.replace(/^\uFEFF/, '').split('\r\n').slice(1)) {
    const m = /^(\d+),/.exec(line);
    if (m) found.push(Number(m[1]));
  }
  return found;
}

function expectNothingOf(other: 'A' | 'B', page: string, where: string): void {
  // The language switch sends the browser back to the URL it asked for: the pages asked with
  // `?subject=<B>` echo that request there, which tells A nothing it did not type.
  const text = page.replace(/<input type="hidden" name="back" value="[^"]*">/g, '');
  const subject = other === 'B' ? OTHER_SUBJECT : SUBJECT;
  const key = other === 'B' ? hex(otherEnterprise.publicKey) : hex(enterprise.publicKey);
  expect(text, where).not.toContain(subject);
  expect(text, where).not.toContain(key.slice(0, 16));
  // A consent id A typed into the URL itself (the revoke form of any id: a consent never used is
  // in no entry) is echoed back; any other of B's consent ids must not appear.
  for (const id of consents[other]) if (!where.includes(id)) expect(text, where).not.toContain(id);
  for (const i of shownIndices(text)) expect(indices[other], `${where} shows entry ${i}`).not.toContain(i);
  for (const i of indices[other]) {
    expect(text, where).not.toMatch(new RegExp(`<code>${i}</code>|entry ${i}\\b|条目 ${i}\\b`));
  }
}

async function everyPage(c: Client, own: 'A' | 'B'): Promise<{ path: string; text: string; status: number }[]> {
  const other = own === 'A' ? 'B' : 'A';
  const otherSubject = other === 'B' ? OTHER_SUBJECT : SUBJECT;
  const paths = [
    '/e/', '/e/consents', '/e/entries.csv',
    `/e/?subject=${otherSubject}`, `/e/?enterprise=${otherSubject}`, `/e/?before=${Math.max(...indices[other]) + 1}`,
    `/e/entries.csv?subject=${otherSubject}`, `/e/consents?subject=${otherSubject}`,
    `/e/consents/${consents[own][0]}/revoke`, `/e/consents/${consents[other][0]}/revoke`,
  ];
  const pages = [];
  for (const p of paths) {
    const r = await c.get(p);
    pages.push({ path: p, text: r.text, status: r.status });
  }
  return pages;
}

describe('enterprise portal isolation', () => {
  it('A\'s every page and CSV show A\'s entries and nothing of B\'s; B\'s likewise', async () => {
    for (const [own, other, subject, key] of [['A', 'B', SUBJECT, enterprise], ['B', 'A', OTHER_SUBJECT, otherEnterprise]] as const) {
      const c = new Client(portal);
      await enterpriseSignIn(c, subject, key);
      const pages = await everyPage(c, own);
      for (const p of pages) {
        expect(p.status, p.path).toBeLessThan(500);
        expectNothingOf(other, p.text, `${own}: ${p.path}`);
      }
      // Not vacuous: its own entries are there, all of them, on its dashboard and in its CSV.
      const home = pages.find((p) => p.path === '/e/')!.text;
      expect(home).toContain(subject);
      expect(shownIndices(home).sort((x, y) => x - y)).toEqual(indices[own]);
      const csv = pages.find((p) => p.path === '/e/entries.csv')!.text;
      expect(csv.startsWith('\uFEFFindex,time,kind,kind_text,requester,enterprises,body\r\n')).toBe(true);
      expect(shownIndices(csv)).toEqual(indices[own]);
      const consentsPage = pages.find((p) => p.path === '/e/consents')!.text;
      for (const id of consents[own]) expect(consentsPage).toContain(id);
    }
  }, 60_000);

  it('an enterprise session opens no staff page, and a staff-less browser no portal page', async () => {
    const c = new Client(portal);
    await enterpriseSignIn(c, SUBJECT, enterprise);
    const staff = await c.get('/');
    expect([403, 303]).toContain(staff.status);
    expect(staff.text).not.toContain(OTHER_SUBJECT);
    const anonymous = new Client(portal);
    const home = await anonymous.get('/e/');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/e/sign-in');
    expect((await anonymous.get('/e/entries.csv')).text).not.toContain(SUBJECT);
  }, 30_000);

  it('refuses a sign-in by B\'s key for A\'s credit code', async () => {
    const c = new Client(portal);
    await expect(enterpriseSignIn(c, SUBJECT, otherEnterprise)).rejects.toThrow(/BAD_SIGNATURE/);
    expect((await c.get('/e/')).status).toBe(303);
  }, 30_000);
});
