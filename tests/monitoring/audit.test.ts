/**
 * `audit verify` over post-loan monitoring (docs/design/monitoring.md 3.3,
 * log/audit/monitoring-audit.ts): a coordinator and two nodes in this process over real gRPC and
 * mTLS, real LevelDB; the monitoring entries are appended to the coordinator's real log with
 * `appendBatch` (built with the real encoders, instructions signed with monitoring/instruction.ts
 * under the consent's requester key), and the nodes' v2 batch records written by their real
 * ServedRecordBook. First an honest log (three runs, a refused slot with its skip, two runs in
 * one month, a remove) must verify with no finding; then, on top of it and from the saved state,
 * each way a coordinator (or node) can break the rules is found at its index, and nothing else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { startNode, type RunningNode } from '../../node/server.js';
import { makeEntry, type LogEntry } from '../../log/entries.js';
import { hashLeaf } from '../../log/merkle.js';
import { batchLeavesHash } from '../../log/served-record.js';
import { auditVerify, type AuditSummary } from '../../log/audit/verify.js';
import { entriesAbout } from '../../log/audit/entries.js';
import { entryRow, formatEntriesTable } from '../../auditor/entries-view.js';
import { signInstruction, type InstructionOp } from '../../monitoring/instruction.js';
import { consentHash } from '../../consent/terms.js';
import { grantConsent, type Consent } from '../../consent/record.js';
import { identityFromSeed } from '../../crypto/identity.js';
import { makeCreditCode } from '../../schema/credit-code.js';
import { bank, bankIdentity, enterprise } from '../consent/helpers.js';
import { runCli, waitForFinal } from '../log/federation-helpers.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const SITES = ['power', 'tax'];
const PORTFOLIO = 'sme-loans';
const REQUESTER = bankIdentity.name;
const DAY = 86_400_000;
const T0 = Date.now() - 200 * DAY;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const quiet = () => undefined;
const subject = (n: number): string => makeCreditCode({ authority: '9', entityType: '1', division: '350100', orgBody: `M${String(n).padStart(7, '0')}` });

let dir: string;
let fed: TestFederation;
let coordinator: RunningCoordinator;
const nodes: Record<string, RunningNode> = {};
let clean: AuditSummary;
let tampered: AuditSummary;
/** The same log once run6's skip and end are logged. */
let later: AuditSummary;
/** Log index of each named entry. */
const at = new Map<string, number>();
let size = 0;

function consent(n: number, o: { maxUses?: number; validForMs?: number; issuedAt?: number } = {}): Consent {
  return grantConsent(enterprise, {
    subject: subject(n), requester: bankIdentity, dataHolders: ['bank', 'power', 'tax'], purpose: 'loan-monitoring', operations: ['score', 'explain'],
    validForMs: o.validForMs ?? 400 * DAY, maxUses: o.maxUses ?? 12,
  }, { issuedAt: o.issuedAt ?? T0 });
}

function change(op: InstructionOp, c: Consent, time: number, signer = bank): LogEntry {
  const signed = signInstruction(bank, c, { op, portfolio: PORTFOLIO, time });
  const signature = signer === bank ? signed.signature : signer.sign(new TextEncoder().encode(`forged\n${signed.text}`));
  return makeEntry('portfolio-change', {
    op, requester: REQUESTER, portfolio: PORTFOLIO, subject: c.subject, consentId: c.consentId, consentHash: consentHash(c),
    ...(op === 'add' ? { consentValidUntil: c.validUntil, consentMaxUses: c.maxUses } : {}),
    instruction: hex(new TextEncoder().encode(signed.text)), requesterKey: c.requester.key, signature: hex(signature), time,
  });
}

const runEntry = (runId: string, month: string, time: number): LogEntry => makeEntry('monitoring-run', {
  runId, requester: REQUESTER, portfolio: PORTFOLIO, model: 'lr-1', purpose: 'loan-monitoring', participants: SITES,
  asOf: { power: month, tax: month }, trigger: 'schedule', items: 3, sealingKey: 'ab'.repeat(32), sealingKeySignature: 'cd'.repeat(64), time,
});
const rescore = (run: number, c: Consent, time: number): LogEntry => makeEntry('rescore', {
  run, requester: REQUESTER, subject: c.subject, consentId: c.consentId, consentHash: consentHash(c), sites: SITES, time,
});
const skip = (run: number, c: Consent, by: string, time: number): LogEntry => makeEntry('rescore-skip', {
  run, requester: REQUESTER, subject: c.subject, consentId: c.consentId, refusedBy: by, reason: 'CONSENT_REVOKED', time,
});
const runEnd = (run: number, time: number): LogEntry => makeEntry('monitoring-run-end', { run, scored: 1, skipped: 0, changed: 0, time });

/** Appends named entries as one batch (one fsync, as the run driver does); returns the first index and the leaf hashes. */
async function append(named: [string, LogEntry][]): Promise<{ first: number; leaves: Uint8Array[] }> {
  const { first, bytes } = await coordinator.transparencyLog.appendBatch(named.map(([, e]) => e));
  named.forEach(([name], i) => at.set(name, first + i));
  size = first + named.length;
  return { first, leaves: bytes.map((b) => hashLeaf(b)) };
}

/** The nodes' v2 records of a batch of rescores (as monitoring/node.ts writes them). */
async function serve(batch: { first: number; leaves: Uint8Array[] }, o: { sites?: string[]; refused?: Record<string, [number, string][]>; leavesHash?: string } = {}): Promise<void> {
  for (const site of o.sites ?? SITES) {
    await nodes[site]!.servedRecords.recordBatch({
      requester: 'coordinator', logIndex: batch.first, count: batch.leaves.length,
      leavesHash: o.leavesHash ?? batchLeavesHash(batch.leaves), refused: o.refused?.[site] ?? [],
    });
  }
}

const audit = async (): Promise<AuditSummary> => {
  await waitForFinal(coordinator.address, fed.as('auditor-1'), size, 2, 30_000);
  return auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: path.join(dir, 'auditor.json') });
};

const A = consent(1, { maxUses: 2 });
const B = consent(2);
const C = consent(3);
const D = consent(4); // never added
const E = consent(5);
const F = consent(6);
const G = consent(7);
const H = consent(8);
const I = consent(9);
const K = consent(10, { validForMs: 80 * DAY });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-monitoring-audit-'));
  fed = await testFederation(dir);
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: fed.as('coordinator'), checkpointIntervalMs: 100, log: quiet });
  for (const site of SITES) {
    nodes[site] = await startNode({ site, dataDir: path.join(dir, site), transport: fed.as(site), coordinator: coordinator.address, witnessIntervalMs: 100, log: quiet });
  }
  await Promise.all(Object.values(nodes).map((n) => n.registered));
  size = 2;

  // An honest portfolio: three runs (two in one month), a slot power refused with its skip, a remove.
  let t = T0 + DAY;
  await append([
    ['create', makeEntry('portfolio-change', { op: 'create', requester: REQUESTER, portfolio: PORTFOLIO, model: 'lr-1', time: t })],
    ['add A', change('add', A, t + 1)], ['add B', change('add', B, t + 2)], ['add C', change('add', C, t + 3)],
    ...[F, G, H, I, K].map((c, i): [string, LogEntry] => [`add ${i}`, change('add', c, t + 4 + i)]),
  ]);
  t += 30 * DAY;
  const run1 = (await append([['run1', runEntry('r1', '2026-01', t)]])).first;
  await serve(await append([['r1 A', rescore(run1, A, t + 1)], ['r1 B', rescore(run1, B, t + 2)], ['r1 C', rescore(run1, C, t + 3)]]), { refused: { power: [[2, 'CONSENT_REVOKED']] } });
  await append([['r1 skip C', skip(run1, C, 'power', t + 4)], ['r1 end', runEnd(run1, t + 5)]]);
  t += DAY; // an ingest trigger in the same month: no second use of A's consent
  const run2 = (await append([['run2', runEntry('r2', '2026-01', t)]])).first;
  await serve(await append([['r2 A', rescore(run2, A, t + 1)], ['r2 B', rescore(run2, B, t + 2)]]));
  await append([['r2 end', runEnd(run2, t + 3)]]);
  t += 30 * DAY;
  const run3 = (await append([['run3', runEntry('r3', '2026-02', t)]])).first;
  await serve(await append([['r3 A', rescore(run3, A, t + 1)]]));
  await append([['r3 end', runEnd(run3, t + 2)], ['remove B', change('remove', B, t + 3)]]);
  clean = await audit();

  // What a coordinator (or a node) must not do, on top of the honest log.
  t += 30 * DAY;
  const run4 = (await append([['run4', runEntry('r4', '2026-03', t)]])).first;
  await serve(await append([
    ['never added', rescore(run4, D, t + 1)], ['after remove', rescore(run4, B, t + 2)], ['third month', rescore(run4, A, t + 3)],
    ['expired', rescore(run4, K, t + 4)],
  ]));
  await append([['r4 end', runEnd(run4, t + 5)]]);
  await serve(await append([['after end', rescore(run4, F, t + 6)]]));
  await append([['bad signature', change('add', E, t + 7, identityFromSeed(new Uint8Array(32).fill(9)))]]);
  await append([['replayed add', change('add', B, T0 + DAY + 2)]]);
  t += DAY;
  const run5 = (await append([['run5', runEntry('r5', '2026-03', t)]])).first;
  await serve(await append([['tax unrecorded F', rescore(run5, F, t + 1)], ['tax unrecorded G', rescore(run5, G, t + 2)]]), { sites: ['power'] });
  const wrong = await append([['wrong leaves', rescore(run5, H, t + 3)]]);
  await serve(wrong, { sites: ['tax'] });
  await serve(wrong, { sites: ['power'], leavesHash: 'ee'.repeat(32) });
  await serve(await append([['refused no skip', rescore(run5, I, t + 4)]]), { refused: { tax: [[0, 'CONSENT_REVOKED']] } });
  const end5 = await append([['r5 end', runEnd(run5, t + 5)]]);
  await serve(end5, { sites: ['power'] }); // power "served" the run end: not a rescore
  // A slot refused in a run still open: its skip comes with the next batch, so it is not yet a finding.
  t += DAY;
  const run6 = (await append([['run6', runEntry('r6', '2026-03', t)]])).first;
  await serve(await append([['r6 G', rescore(run6, G, t + 1)]]), { refused: { tax: [[0, 'CONSENT_REVOKED']] } });
  tampered = await audit();
  await append([['r6 skip G', skip(run6, G, 'tax', t + 2)], ['r6 end', runEnd(run6, t + 3)]]);
  later = await audit();
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(nodes).map((n) => n.stop()));
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('audit verify over post-loan monitoring', () => {
  it('an honest portfolio verifies with no finding, and the batch records count as matched', () => {
    expect(clean.findings).toEqual([]);
    expect(clean.ok).toBe(true);
    expect(clean.stateSaved).toBe(true);
    expect(clean.entriesByKind).toMatchObject({ 'portfolio-change': 10, 'monitoring-run': 3, 'rescore': 6, 'rescore-skip': 1, 'monitoring-run-end': 3 });
    expect(clean.nodeRecords).toEqual({ power: 4, tax: 4 });
  });

  it('finds each broken rule at its index, naming what is wrong, and nothing else', () => {
    const found = tampered.findings.map((f) => [f.code, f.index]);
    const expected: [string, string][] = [
      ['RESCORE_NOT_IN_PORTFOLIO', 'never added'],
      ['RESCORE_NOT_IN_PORTFOLIO', 'after remove'],
      ['RESCORE_PAST_MAX_USES', 'third month'],
      ['RESCORE_OUTSIDE_VALIDITY', 'expired'],
      ['RESCORE_OUTSIDE_RUN', 'after end'],
      ['MONITORING_INSTRUCTION_INVALID', 'bad signature'],
      ['MONITORING_INSTRUCTION_REPLAYED', 'replayed add'],
      ['ENTRY_UNRECORDED', 'tax unrecorded F'],
      ['ENTRY_UNRECORDED', 'tax unrecorded G'],
      ['BATCH_LEAVES_MISMATCH', 'wrong leaves'],
      ['REFUSED_WITHOUT_SKIP', 'refused no skip'],
      ['BATCH_SERVED_OUTSIDE_LOG', 'r5 end'],
    ];
    expect(found.sort()).toEqual(expected.map(([code, name]) => [code, at.get(name)]).sort());
    expect(tampered.ok).toBe(false);
    expect(tampered.stateSaved).toBe(false);
    // Run 6's refused slot has no skip yet but its run is open: pending (tax's record), not a finding.
    expect(tampered.pendingRecords).toBe(1);
    const message = (name: string): string => tampered.findings.filter((f) => f.index === at.get(name)).map((f) => f.message).join(' | ');
    const i = (name: string): number => at.get(name)!;
    expect(message('never added')).toBe(`entry ${i('never added')}: rescore of ${D.subject} in run entry ${i('run4')}, but no portfolio-change adds it to ${REQUESTER}/${PORTFOLIO} before the run`);
    expect(message('after remove')).toBe(`entry ${i('after remove')}: rescore of ${B.subject} in run entry ${i('run4')}, but the item was removed from ${REQUESTER}/${PORTFOLIO} at entry ${i('remove B')} (before the run)`);
    // Two runs in 2026-01 counted once: 2026-03 is the third month, not the fourth use.
    expect(message('third month')).toMatch(new RegExp(`^entry ${i('third month')}: rescore of ${A.subject} in run entry ${i('run4')} is past consent ${A.consentId}'s 2 uses \\(as-of months\\) at power \\(3 months: 2026-01, 2026-02, 2026-03\\); tax \\(3 months`));
    expect(message('expired')).toMatch(new RegExp(`^entry ${i('expired')}: rescore of ${K.subject} was logged at .*, after consent ${K.consentId} expired`));
    expect(message('after end')).toBe(`entry ${i('after end')}: rescore of ${F.subject} lies after its run's end (monitoring-run-end at entry ${i('r4 end')}; run entry ${i('run4')})`);
    expect(message('bad signature')).toMatch(new RegExp(`^entry ${i('bad signature')}: portfolio-change add of ${E.subject} in ${REQUESTER}/${PORTFOLIO}: the instruction's signature does not verify under requesterKey`));
    expect(message('replayed add')).toMatch(new RegExp(`^entry ${i('replayed add')}: portfolio-change add of ${B.subject} .* not after the item's previous instruction .*: an old instruction was used again`));
    expect(message('tax unrecorded F')).toBe(`log entry ${i('tax unrecorded F')} (rescore of ${F.subject}) names node tax, which has no record of a batch covering it`);
    expect(message('wrong leaves')).toMatch(new RegExp(`^node power record #\\d+ \\(rescore batch \\[${i('wrong leaves')}, ${i('wrong leaves')}\\]\\) says its entries' leaves hash to eeeeeeeeeeeeeeee\\.\\.\\., but the log's entries .* hash to [0-9a-f]{16}`));
    expect(message('refused no skip')).toMatch(new RegExp(`refused slot 0 \\(log entry ${i('refused no skip')}, ${I.subject}: CONSENT_REVOKED\\), but the log has no rescore-skip of ${I.subject} by tax in run entry ${i('run5')}`));
    expect(message('r5 end')).toMatch(new RegExp(`covers log entry ${i('r5 end')}, which is a monitoring-run-end, not a rescore: the node served what the log does not show it was asked`));
  });

  it('a refused slot of a run still open waits for its skip; once skip and end are logged it matches', () => {
    expect(later.findings.map((f) => [f.code, f.index])).toEqual(tampered.findings.map((f) => [f.code, f.index]));
    expect(later.pendingRecords).toBe(0);
    expect(later.nodeRecords['tax']! - tampered.nodeRecords['tax']!).toBe(1);
  });

  it('`audit entries --enterprise` shows an enterprise its monitoring in words: the add, each re-score or skip, the remove', async () => {
    const aboutB = await entriesAbout({ coordinator: coordinator.address, transport: fed.as('auditor-1'), enterprise: B.subject });
    const kinds: [string, string][] = [
      ['add B', 'portfolio-change'], ['r1 B', 'rescore'], ['r2 B', 'rescore'], ['remove B', 'portfolio-change'], ['after remove', 'rescore'], ['replayed add', 'portfolio-change'],
    ];
    expect(aboutB.entries.map((e) => [e.index, e.kind])).toEqual(kinds.map(([name, kind]) => [at.get(name), kind]));
    const table = formatEntriesTable(aboutB.entries.map(entryRow));
    const line = (name: string): string => table.split('\n').find((l) => l.startsWith(`${at.get(name)} `)) ?? '';
    expect(line('add B')).toMatch(new RegExp(`monitoring portfolio changed\\s+${REQUESTER}\\s+${B.subject}\\s+consentHash [0-9a-f]{12}…, consentId ${B.consentId}, consentMaxUses 12, consentValidUntil \\d{4}-\\d\\d-\\d\\dT.*Z, instruction signed ${new Date(T0 + DAY + 2).toISOString()}, op add, portfolio ${PORTFOLIO}, requesterKey [0-9a-f]{12}…, signature [0-9a-f]{12}…$`));
    expect(line('r1 B')).toMatch(new RegExp(`monitoring re-score\\s+${REQUESTER}\\s+${B.subject}\\s+consentHash [0-9a-f]{12}…, consentId ${B.consentId}, run #${at.get('run1')}, sites power,tax$`));
    expect(line('remove B')).toMatch(/monitoring portfolio changed .* instruction signed \d{4}-.*, op remove, /);
    const aboutC = await entriesAbout({ coordinator: coordinator.address, transport: fed.as('auditor-1'), enterprise: C.subject });
    expect(formatEntriesTable(aboutC.entries.map(entryRow))).toMatch(new RegExp(`monitoring re-score skipped\\s+${REQUESTER}\\s+${C.subject}\\s+consentId ${C.consentId}, reason CONSENT_REVOKED, refusedBy power, run #${at.get('run1')}$`, 'm'));
    // The run entry itself names no enterprise; in the whole view its months read as site and month.
    const all = await entriesAbout({ coordinator: coordinator.address, transport: fed.as('auditor-1') });
    const run = all.entries.find((e) => e.index === at.get('run1'))!;
    expect(formatEntriesTable([entryRow(run)])).toMatch(/monitoring run started\s+Bank of Fuzhou\s+-\s+asOf power 2026-01; tax 2026-01, items 3, model lr-1, participants power,tax/);
    expect(table, 'keys and instructions are shortened').not.toMatch(/[0-9a-f]{40}/);
  });

  it('`fedcredit audit verify` (the CLI, from a fresh state: every entry from 0) reports the same findings and exits 2', async () => {
    const cli = await runCli(['audit', 'verify', '--coordinator', coordinator.address, '--state', path.join(dir, 'cli-auditor.json'), ...fed.tls('auditor-1')]);
    expect(cli.code, cli.stderr).toBe(2);
    expect(cli.stdout).toContain(`FAILED: ${tampered.findings.length} findings`);
    for (const f of tampered.findings) expect(cli.stdout).toContain(`  [${f.code}] ${f.message}`);
    expect(fs.existsSync(path.join(dir, 'cli-auditor.json')), 'no state saved over findings').toBe(false);
  });
});
