/**
 * A coordinator that logs what no consent allowed, in a log that is otherwise perfectly
 * consistent (witnesses cosign it, every hash checks): `audit verify` must still report it,
 * because it checks what entries mean (log/audit/consent-audit.ts). The federation runs as real
 * processes; the misbehaving coordinator's entries are appended to its real log store while it
 * is stopped (as its own code would), then it serves them and the nodes cosign.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { TransparencyLog } from '../../log/store.js';
import { generateIdentity, identityFromPem } from '../../crypto/identity.js';
import { auditVerify } from '../../log/audit/verify.js';
import { keyBindingEntry, revocationEntry, revokeConsent } from '../../consent/verify.js';
import { encodeEntry, makeEntry, nodeRegistrationEntry, type LogEntry } from '../../log/entries.js';
import { registrationMessage } from '../../registration/statement.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { bindEnterpriseKey } from '../../consent/binding.js';
import { bankIdentity, binding, enterprise, grant, registrar, stranger, SUBJECT } from '../consent/helpers.js';
import { startCoordinatorProcess, startNodeProcess, waitForFinal } from './federation-helpers.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const SITES = ['tax', 'power', 'bank'];
const ORIGIN = 'fedcredit.local/log';
let dir: string;
let coordinator: SpawnedParty;
const nodes: SpawnedParty[] = [];
let fed: TestFederation;
/** Index of each crafted entry, by name. */
const at = new Map<string, number>();

function query(name: string, consent: ReturnType<typeof grant>, time: number, requester = bankIdentity.name): LogEntry {
  return makeEntry('query', {
    queryId: `query-${name}`, requester, subject: SUBJECT, consentId: consent.consentId, purpose: 'credit-assessment', model: 'm1', sites: ['tax', 'power'], time,
    consentRequester: consent.requester.name, consentValidFrom: consent.issuedAt, consentValidUntil: consent.validUntil, consentMaxUses: consent.maxUses,
  });
}

async function appendWhileStopped(entries: [string, LogEntry][]): Promise<void> {
  const port = coordinator.port;
  await coordinator.stop();
  const id = identityFromPem(fs.readFileSync(path.join(dir, 'coordinator', 'identity.pem'), 'utf8'));
  const log = await TransparencyLog.open({ path: path.join(dir, 'coordinator', 'log'), origin: ORIGIN, signer: { name: ORIGIN, publicKey: id.publicKey, sign: (m) => id.sign(m) } });
  for (const [name, e] of entries) at.set(name, (await log.append(encodeEntry(e))).index);
  await log.close();
  coordinator = await startCoordinatorProcess(dir, ['--port', String(port)]);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-consent-audit-'));
  fed = await testFederation(dir);
  coordinator = await startCoordinatorProcess(dir);
  for (const site of SITES) nodes.push(await startNodeProcess(dir, site, coordinator.address));
  await waitForFinal(coordinator.address, fed.as('auditor-1'), 3, 3);
  const now = Date.now();
  const revoked = grant({}, now - 1000);
  const once = grant({ maxUses: 1 }, now - 1000);
  const expired = grant({ validForMs: 1000 }, now - 60_000);
  const forged = generateIdentity();
  // A binding with a valid signature, by a registrar no party trusts: it binds nothing.
  const rogueRegistrar = generateIdentity();
  const rogue = generateIdentity();
  const reg = { site: 'power', address: '127.0.0.1:1', identityPublicKey: forged.publicKey, sealingPublicKey: new Uint8Array(randomBytes(32)), timestampMs: now };
  await appendWhileStopped([
    ['binding', keyBindingEntry(binding)],
    ['revocation', revocationEntry(revokeConsent(enterprise, revoked, now))],
    ['after-revocation', query('after-revocation', revoked, now + 1)],
    ['first-use', query('first-use', once, now + 2)],
    ['second-use', query('second-use', once, now + 3)],
    ['expired', query('expired', expired, now + 4)],
    ['wrong-requester', query('wrong-requester', grant({}, now - 1000), now + 5, 'Some Other Bank')],
    ['stranger-revocation', revocationEntry(revokeConsent(stranger, grant({}, now - 1000), now))],
    ['rogue-binding', keyBindingEntry(bindEnterpriseKey(rogueRegistrar, SUBJECT, rogue.publicKey, now - 2000))],
    ['rogue-revocation', revocationEntry(revokeConsent(rogue, grant({}, now - 1000), now))],
    ['forged-registration', nodeRegistrationEntry(reg, forged.sign(registrationMessage(reg)))],
  ]);
  await waitForFinal(coordinator.address, fed.as('auditor-1'), 3 + at.size, 3, 30_000);
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('audit verify checks what the log says, not only that it hashes', () => {
  it('reports each use a consent did not allow, an unbound revocation and an uncertified registration', async () => {
    const summary = await auditVerify({
      coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: path.join(dir, 'audit.json'), trustedRegistrars: [Buffer.from(registrar.publicKey).toString('hex')],
    });
    const found = summary.findings.map((f) => [f.code, f.index]);
    expect(found).toEqual(expect.arrayContaining([
      ['QUERY_AFTER_REVOCATION', at.get('after-revocation')],
      ['QUERY_PAST_MAX_USES', at.get('second-use')],
      ['QUERY_OUTSIDE_VALIDITY', at.get('expired')],
      ['QUERY_WRONG_REQUESTER', at.get('wrong-requester')],
      ['REVOCATION_NOT_BOUND', at.get('stranger-revocation')],
      ['REVOCATION_NOT_BOUND', at.get('rogue-revocation')],
      ['REGISTRATION_NOT_CERTIFIED', at.get('forged-registration')],
      // It also hands power to a new key with neither a rotation nor a removal (log/audit/identity-audit.ts).
      ['KEY_REPLACED_WITHOUT_ROTATION', at.get('forged-registration')],
    ]));
    // The honest entries break no consent: the first use, the bound revocation, the real nodes'
    // registrations. (The nodes have no served record of these crafted queries: ENTRY_UNRECORDED.)
    const meaning = summary.findings.filter((f) => f.code !== 'ENTRY_UNRECORDED');
    expect(summary.findings.find((f) => f.index === at.get('rogue-revocation'))?.message).toMatch(/does not trust/);
    for (const name of ['binding', 'revocation', 'first-use', 'rogue-binding']) expect(meaning.map((f) => f.index)).not.toContain(at.get(name));
    expect(meaning).toHaveLength(8);
    expect(summary.findings.filter((f) => f.code === 'REGISTRATION_NOT_CERTIFIED')).toHaveLength(1);
    expect(summary.ok).toBe(false);
  }, 60_000);
});
