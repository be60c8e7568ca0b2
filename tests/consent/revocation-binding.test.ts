/**
 * The coordinator logs a revocation only when it is signed by a key a registrar bound to the
 * consent's subject (scoring/coordinator.ts submitConsentRecord): anyone else's "revocation"
 * is refused with CONSENT_KEY_NOT_BOUND and never reaches the log. Runs the real
 * ScoringCoordinator over a real CoordinatorLog in a temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../crypto/identity.js';
import { CoordinatorLog } from '../../log/service.js';
import type { ModelRegistry } from '../../training/model-registry.js';
import type { NodeRegistry } from '../../registration/registry.js';
import { ScoringCoordinator } from '../../scoring/coordinator.js';
import { encodeKeyBinding, encodeRevocation, revokeConsent } from '../../consent/verify.js';
import { INSECURE } from '../../lib/tls.js';
import { binding, enterprise, grant, NOW, registrar, stranger } from './helpers.js';

let dir: string;
let clog: CoordinatorLog;
let scoring: ScoringCoordinator;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-revocation-binding-'));
  const identity = generateIdentity();
  clog = await CoordinatorLog.open({ dataDir: dir, identity, witnesses: async () => [], log: () => undefined });
  scoring = await ScoringCoordinator.open({
    dataDir: dir, transparencyLog: clog, transport: INSECURE, log: () => undefined, sign: (m) => identity.sign(m),
    trustedRegistrars: [Buffer.from(registrar.publicKey).toString('hex')],
    // Submitting consent records touches neither the node registry nor the models.
    registry: undefined as unknown as NodeRegistry, models: undefined as unknown as ModelRegistry,
  });
  await scoring.submitConsentRecord(encodeKeyBinding(binding));
});

afterAll(async () => {
  await scoring.ledgerDb.close();
  await clog.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('revocations are logged only from the subject\'s bound key', () => {
  it('refuses a revocation signed by a key not bound to the subject, and logs nothing', async () => {
    const consent = grant();
    const size = clog.store.size;
    await expect(scoring.submitConsentRecord(encodeRevocation(revokeConsent(stranger, consent, NOW)))).rejects.toMatchObject({ code: 'CONSENT_KEY_NOT_BOUND' });
    expect(clog.store.size).toBe(size);
  });

  it('logs the enterprise\'s own revocation', async () => {
    const consent = grant();
    const size = clog.store.size;
    await expect(scoring.submitConsentRecord(encodeRevocation(revokeConsent(enterprise, consent, NOW)))).resolves.toMatchObject({ kind: 'revocation', isNew: true });
    expect(clog.store.size).toBe(size + 1);
  });
});
