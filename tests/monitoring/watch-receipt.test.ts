/**
 * `fedcredit audit receipt` of a monitoring re-score (log/audit/receipt.ts, docs/design/monitoring.md
 * 3.3): a receipt built from a change event (its `rescore` entry, the coordinator's answer
 * signature over the re-score id `runId:subject`) and the inclusion proof GetRescoreReceipt
 * returns is accepted as a query's is; one whose id names another enterprise, or whose entry
 * is of another kind, is refused.
 */
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../../crypto/identity.js';
import { addSignatureLines } from '../../crypto/signed-note.js';
import { verifyReceipt } from '../../log/audit/receipt.js';
import { cosignatureLine, formatCheckpoint, signCheckpoint } from '../../log/checkpoint.js';
import { encodeEntry, makeEntry } from '../../log/entries.js';
import { hashLeaf, inclusionProof, MemoryTree } from '../../log/merkle.js';
import { rescoreId } from '../../monitoring/event-wire.js';
import type { MonitoringEvent } from '../../monitoring/events.js';
import { eventLine, rescoreReceiptFile, type WatchedEvent } from '../../monitoring/requester.js';
import { answerStatement, type ScoreReceiptFile } from '../../scoring/protocol.js';

const SUBJECT = '91350100M000100Y43';
const ORIGIN = 'fedcredit.test/log';
const logKey = generateIdentity();
const witness = generateIdentity();
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

async function receiptFor(kind: 'rescore' | 'rescore-skip', id: string): Promise<ScoreReceiptFile> {
  const base = { run: 0, requester: 'bank-a', subject: SUBJECT, consentId: '0f8e3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b', time: 1_700_000_000_000 };
  const run = encodeEntry(makeEntry('rescore', { ...base, subject: '9144030071526726XG', consentHash: 'cd'.repeat(32), sites: ['power', 'tax'] }));
  const entry = encodeEntry(kind === 'rescore'
    ? makeEntry('rescore', { ...base, consentHash: 'ab'.repeat(32), sites: ['power', 'tax'] })
    : makeEntry('rescore-skip', { ...base, refusedBy: 'tax', reason: 'CONSENT_REVOKED' }));
  const tree = new MemoryTree([hashLeaf(run), hashLeaf(entry)]);
  const cp = { origin: ORIGIN, size: 2, rootHash: tree.root(), extensions: [] };
  const text = formatCheckpoint(cp);
  const note = addSignatureLines(signCheckpoint(cp, { name: ORIGIN, publicKey: logKey.publicKey, sign: (m) => logKey.sign(m) }),
    [cosignatureLine(text, { name: 'witness-tax', publicKey: witness.publicKey, sign: (m) => witness.sign(m) }, 1_700_000_000n)]);
  const answer = { points: 540, grade: 'C', warning: 'yellow', model: 'm1', coverage: [{ site: 'power', covered: true }, { site: 'tax', covered: true }] };
  const signature = logKey.sign(answerStatement({ queryId: id, logIndex: 1, entry, ...answer }));
  return {
    v: 1, kind: 'fedcredit-score-receipt', queryId: id, requester: 'bank-a', enterprise: SUBJECT,
    answer: { ...answer, signature: Buffer.from(signature).toString('hex') },
    logIndex: 1, entry: b64(entry), treeSize: 2, inclusionProof: (await inclusionProof(tree, 1, 2)).map(b64), checkpoint: note,
  };
}

const trust = { origin: ORIGIN, logKey: logKey.publicKey, witnesses: [{ name: 'witness-tax', publicKey: witness.publicKey }] };

describe('receipts of re-scores', () => {
  it('the bank builds it from its event line and GetRescoreReceipt\'s proof (fedcredit monitor receipt), and audit receipt accepts it', async () => {
    const built = await receiptFor('rescore', rescoreId('run-1', SUBJECT));
    const entry = new Uint8Array(Buffer.from(built.entry, 'base64'));
    const event: MonitoringEvent = {
      eventId: 3n, kind: 'change', portfolio: 'sme-loans', runId: 'run-1', subject: SUBJECT, timeMs: 1, direction: 'worse',
      previous: { points: 600, grade: 'B', warning: 'none', asOf: '2026-01', modelVersion: 'm1' },
      current: { points: 540, grade: 'C', warning: 'yellow', asOf: '2026-02', modelVersion: 'm1', probabilityOfDefault: 0.08 },
      sites: ['power', 'tax'].map((site) => ({ site, covered: true, sealedExplanation: new Uint8Array(356), siteKeyStatement: new Uint8Array(1) })),
      logIndex: 1, entry, answerSignature: Buffer.from(built.answer.signature, 'hex'),
    };
    // As the out file holds it (JSON), explanations aside.
    const line = JSON.parse(JSON.stringify(eventLine(event, { explanations: [], errors: [] }))) as WatchedEvent;
    const receipt = rescoreReceiptFile(line, 'bank-a', { logIndex: 1, entry, treeSize: 2, inclusionProof: built.inclusionProof.map((h) => Buffer.from(h, 'base64')), checkpoint: built.checkpoint });
    expect(verifyReceipt(receipt, trust).problems).toEqual([]);
    // A line whose answer was edited no longer matches what the coordinator signed.
    const edited = rescoreReceiptFile({ ...line, current: { ...(line as unknown as { current: object }).current, grade: 'A' } } as WatchedEvent, 'bank-a', { logIndex: 1, entry, treeSize: 2, inclusionProof: built.inclusionProof.map((h) => Buffer.from(h, 'base64')), checkpoint: built.checkpoint });
    expect(verifyReceipt(edited, trust).problems.join('\n')).toMatch(/not what the coordinator signed/);
  });

  it('a rescore entry with its runId:subject id and signed answer is accepted as a query\'s receipt is', async () => {
    const check = verifyReceipt(await receiptFor('rescore', rescoreId('run-1', SUBJECT)), trust);
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
  });

  it('refuses an id naming another enterprise, and an entry that is not a rescore', async () => {
    const other = verifyReceipt(await receiptFor('rescore', rescoreId('run-1', '91350100M000200Y43')), trust);
    expect(other.problems.join('\n')).toMatch(/re-scores 91350100M000100Y43, the receipt's id run-1:91350100M000200Y43 is not runId:91350100M000100Y43/);
    const skip = verifyReceipt(await receiptFor('rescore-skip', rescoreId('run-1', SUBJECT)), trust);
    expect(skip.problems.join('\n')).toMatch(/the entry is a rescore-skip, not a query or a rescore/);
  });
});
