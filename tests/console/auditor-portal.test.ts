/**
 * The enterprise portal on an auditor's console (console/README.md, "the enterprise portal on
 * an auditor's console"): the auditor's role only reads (lib/rpc-roles.ts refuses it
 * Scoring.SubmitConsentRecord), so that console offers no revoke button, mounts no revoke route,
 * and says where to revoke; the coordinator's console, given the same signed revocation, logs
 * it. A real coordinator and witness node, both consoles as `fedcredit console serve`
 * processes (plain HTTP, behind-proxy mode), the enterprise signed in by its bound key.
 * Needs `npm run build`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyBinding, encodeRevocation, revokeConsent } from '../../consent/verify.js';
import { submitConsentRecord } from '../../scoring/requester.js';
import { TRUSTED_REGISTRARS_ENV } from '../../scoring/protocol.js';
import { FedcreditError } from '../../lib/errors.js';
import { LogReader } from '../../log/client.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { startCoordinatorProcess, startNodeProcess, waitForFinal } from '../log/federation-helpers.js';
import { binding, enterprise, grant, registrar, SUBJECT } from '../consent/helpers.js';
import { Client, csrfOf, enterpriseSignIn, startConsole, type RunningConsole } from './portal-helpers.js';

let dir: string;
let fed: TestFederation;
let coordinator: SpawnedParty;
let tax: SpawnedParty;
let auditorPortal: RunningConsole;
let coordinatorPortal: RunningConsole;
let revokedBefore: string;

async function logSize(): Promise<number> {
  const reader = new LogReader(coordinator.address, fed.as('coordinator-operator'));
  try {
    return Number((await reader.info()).size);
  } finally {
    reader.close();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-auditor-portal-'));
  process.env[TRUSTED_REGISTRARS_ENV] = Buffer.from(registrar.publicKey).toString('hex');
  fed = await testFederation(dir, ['tax']);
  coordinator = await startCoordinatorProcess(dir);
  tax = await startNodeProcess(dir, 'tax', coordinator.address);
  const op = fed.as('coordinator-operator');
  await submitConsentRecord(coordinator.address, op, encodeKeyBinding(binding));
  // A consent the enterprise already withdrew, so that its consents page lists one.
  const earlier = grant({}, Date.now() - 5_000);
  revokedBefore = earlier.consentId;
  const last = (await submitConsentRecord(coordinator.address, op, encodeRevocation(revokeConsent(enterprise, earlier)))).logIndex;
  await waitForFinal(coordinator.address, op, last + 1, 1, 30_000);
  auditorPortal = await startConsole({ tls: fed.folder('auditor-1'), target: coordinator.address, data: path.join(dir, 'console-auditor'), extra: ['--enterprise-portal', '--state', path.join(dir, 'audit-state.json')] });
  coordinatorPortal = await startConsole({ tls: fed.folder('coordinator-operator'), target: coordinator.address, data: path.join(dir, 'console-coordinator'), extra: ['--enterprise-portal'] });
}, 150_000);

afterAll(async () => {
  await auditorPortal?.stop();
  await coordinatorPortal?.stop();
  await tax?.stop();
  await coordinator?.stop();
  delete process.env[TRUSTED_REGISTRARS_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the enterprise portal on an auditor\'s console', () => {
  it('the auditor\'s certificate may not submit a revocation: the server refuses it (ROLE_NOT_ALLOWED)', async () => {
    const revocation = encodeRevocation(revokeConsent(enterprise, grant({}, Date.now() - 4_000)));
    const before = await logSize();
    const err = await submitConsentRecord(coordinator.address, fed.as('auditor-1'), revocation).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FedcreditError);
    expect((err as FedcreditError).code).toBe('ROLE_NOT_ALLOWED');
    expect(await logSize()).toBe(before);
  });

  it('offers no revoke button nor route, says where to revoke, and logs nothing; the coordinator\'s portal logs the same revocation', async () => {
    const consent = grant({}, Date.now() - 3_000);
    const revocation = encodeRevocation(revokeConsent(enterprise, consent));

    const c = new Client(auditorPortal);
    await enterpriseSignIn(c, SUBJECT, enterprise);
    const consents = await c.get('/e/consents');
    expect(consents.status).toBe(200);
    expect(consents.text).toContain(`data-consent="${revokedBefore}"`);
    expect(consents.text).not.toMatch(/\/revoke"/);
    expect(consents.text).toContain('data-revoke-elsewhere');
    expect(consents.text).toContain('fedcredit consent submit');
    expect((await c.get(`/e/consents/${consent.consentId}/revoke`)).status).toBe(404);
    const before = await logSize();
    const posted = await c.post(`/e/consents/${consent.consentId}/revoke`, consents.text, { revocation });
    expect(posted.status).toBe(404);
    expect(posted.text).not.toContain('data-revocation-index');
    expect(await logSize()).toBe(before);
    expect(auditorPortal.lines.join('\n')).not.toContain('console_enterprise_revocation');

    // Not vacuous: the coordinator's portal shows the form and logs this very revocation.
    const k = new Client(coordinatorPortal);
    await enterpriseSignIn(k, SUBJECT, enterprise);
    expect((await k.get('/e/consents')).text).not.toContain('data-revoke-elsewhere');
    const form = await k.get(`/e/consents/${consent.consentId}/revoke`);
    expect(form.status).toBe(200);
    expect(csrfOf(form.text)).not.toBe('');
    const done = await k.post(`/e/consents/${consent.consentId}/revoke`, form.text, { revocation });
    expect(done.status).toBe(200);
    expect(done.text).toMatch(/data-revocation-index="\d+"/);
    expect(await logSize()).toBe(before + 1);
  }, 120_000);
});
