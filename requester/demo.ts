/**
 * The scoring part of `fedcredit demo` (bin/demo.ts): a registrar the parties trust, an
 * enterprise that registers its key and grants a consent to bank-a, a consented score with
 * its receipt verified offline, and two refused queries (an expired consent, then the first
 * consent after the enterprise revoked it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateIdentity, type Identity } from '../crypto/identity.js';
import { verifyReceiptFile } from '../log/audit/receipt.js';
import { waitForCosignedLatest } from '../log/client.js';
import { listModels, runTraining } from '../training/client.js';
import { bindEnterpriseKey, encodeConsent, encodeKeyBinding, encodeRevocation, grantConsent, revokeConsent } from '../consent/verify.js';
import { FedcreditError } from '../lib/errors.js';
import { writeTrustedRegistrars } from '../scoring/protocol.js';
import { partyTransport } from '../lib/tls.js';
import { readGroundTruth, readManifest } from '../sim/read.js';
import { formatPeriod, parsePeriod } from '../schema/site-schema.js';
import { ScoringSession, submitConsentRecord } from '../scoring/requester.js';
import { loadRequesterKeys } from '../scoring/requester-keys.js';

const DAY = 86_400_000;

/** Where the demo keeps its enterprise's signing key (PEM, 0600), for `fedcredit consent sign-in` in the console demo. */
export const DEMO_ENTERPRISE_KEY = path.join('enterprise', 'enterprise.key');

/** Before the parties start: the demo's registrar, trusted by the coordinator and every node. */
export function prepareScoringDemo(dataDirs: readonly string[]): Identity {
  const registrar = generateIdentity();
  for (const dir of dataDirs) writeTrustedRegistrars(dir, [registrar.publicKey]);
  return registrar;
}

export interface ScoringDemoResult {
  readonly skipped?: string;
  readonly enterprise?: string;
  readonly answer?: { points: number; grade: string; warning: string; model: string; coverage: readonly { site: string; covered: boolean }[]; reasons: Record<string, string[]>; logIndex: number };
  readonly receipt?: { file: string; ok: boolean; cosignedBy: readonly string[]; problems: readonly string[] };
  readonly refusals?: { case: string; code: string }[];
}

export async function runScoringDemo(opts: {
  out: string; federation: string; coordinator: string; registrar: Identity; sitesDir: string; auditorState: string; say: (line: string) => void;
  /** The alignment to train on when the demo has no model yet. */
  alignmentId?: string;
}): Promise<ScoringDemoResult> {
  const { say } = opts;
  const operator = partyTransport(opts.federation, 'coordinator-operator');
  let models = await listModels(opts.coordinator, operator);
  if (models.length === 0) {
    say('  scoring needs a trained model: training one (fedcredit train, 2 epochs)...');
    try {
      await runTraining(opts.coordinator, operator, { epochs: 2, ...(opts.alignmentId ? { alignmentId: opts.alignmentId } : {}) });
      models = await listModels(opts.coordinator, operator);
    } catch (err) {
      const why = `no model could be trained (${(err as Error).message})`;
      say(`  scoring skipped: ${why}`);
      return { skipped: why };
    }
  }
  const row = readGroundTruth(opts.sitesDir).find((r) => r.inTax && r.inPower && r.inBank);
  if (!row) return { skipped: 'no enterprise is held by all three sites' };
  const subject = row.creditCode;

  // The enterprise: its key, bound by the registrar and logged; a consent for bank-a.
  const enterprise = generateIdentity();
  fs.mkdirSync(path.join(opts.out, path.dirname(DEMO_ENTERPRISE_KEY)), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(opts.out, DEMO_ENTERPRISE_KEY), enterprise.toPem(), { mode: 0o600 });
  await submitConsentRecord(opts.coordinator, operator, encodeKeyBinding(bindEnterpriseKey(opts.registrar, subject, enterprise.publicKey)));
  const keys = loadRequesterKeys(path.join(opts.out, 'bank-a-keys'));
  const requester = { name: 'bank-a', key: Buffer.from(keys.identity.publicKey).toString('hex') };
  // The records the sites' features read: up to 24 months ending at the data's observation month.
  const observation = parsePeriod(readManifest(opts.sitesDir).observation);
  const dataWindow = { from: formatPeriod(observation - 23), to: formatPeriod(observation) };
  const consent = grantConsent(enterprise, { subject, requester, dataHolders: ['tax', 'power', 'bank'], purpose: 'credit-assessment', operations: ['score', 'explain'], dataWindow, validForMs: 30 * DAY, maxUses: 3 });
  fs.writeFileSync(path.join(opts.out, 'consent.json'), encodeConsent(consent));
  say(`  enterprise ${subject} registered its key and granted bank-a a consent (3 uses, 30 days)`);

  const session = new ScoringSession(opts.coordinator, partyTransport(opts.federation, 'bank-a'), keys);
  try {
    const result = await session.score({ enterprise: subject, consent: encodeConsent(consent) });
    const reasons = Object.fromEntries(result.explanations.map((e) => [e.site, e.reasons.map((r) => r.feature)]));
    say(`  bank-a scored ${subject}: ${result.points} points, grade ${result.grade}, warning ${result.warning} (model ${result.model}, log entry ${result.logIndex})`);
    say(`    coverage: ${result.coverage.map((c) => `${c.site}=${c.covered ? 'records' : 'baseline'}`).join(', ')}; top reasons (sealed to bank-a): ${Object.entries(reasons).map(([s, r]) => `${s}: ${r.join(', ') || '-'}`).join('; ')}`);
    const receiptFile = path.join(opts.out, 'receipt.json');
    const receipt = await session.receipt(result, 30_000);
    fs.writeFileSync(receiptFile, `${JSON.stringify(receipt, null, 2)}\n`);
    await waitForCosignedLatest(opts.coordinator, partyTransport(opts.federation, 'auditor-1'), 3, 30_000, result.logIndex + 1);
    const check = verifyReceiptFile(receiptFile, { stateFile: opts.auditorState });
    say(`  receipt ${receiptFile}: ${check.ok ? `verified offline (inclusion proof, log signature, cosigned by ${check.cosignedBy.join(', ')})` : `INVALID: ${check.problems.join('; ')}`}`);

    const refusals: { case: string; code: string }[] = [];
    const attempt = async (name: string, consentText: string) => {
      try {
        await session.score({ enterprise: subject, consent: consentText });
        refusals.push({ case: name, code: 'ANSWERED (unexpected)' });
      } catch (err) {
        refusals.push({ case: name, code: err instanceof FedcreditError ? err.code : String(err) });
      }
      say(`  refused as expected: ${name} -> ${refusals.at(-1)!.code}`);
    };
    const expired = grantConsent(enterprise, { subject, requester, dataHolders: ['tax', 'power', 'bank'], purpose: 'credit-assessment', dataWindow, validForMs: DAY, maxUses: 3 }, { issuedAt: Date.now() - 2 * DAY });
    await attempt('an expired consent', encodeConsent(expired));
    await submitConsentRecord(opts.coordinator, operator, encodeRevocation(revokeConsent(enterprise, consent)));
    await attempt('the first consent after the enterprise revoked it', encodeConsent(consent));
    return {
      enterprise: subject,
      answer: { points: result.points, grade: result.grade, warning: result.warning, model: result.model, coverage: result.coverage, reasons, logIndex: result.logIndex },
      receipt: { file: receiptFile, ok: check.ok, cosignedBy: check.cosignedBy, problems: check.problems },
      refusals,
    };
  } finally {
    session.close();
  }
}
