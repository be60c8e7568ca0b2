/**
 * `fedcredit audit entries --enterprise CODE`: the log entries about one enterprise (those
 * whose `subject`, or a refusal summary's `subjects`, name its credit code: log/entries.ts), for the enterprise itself. The
 * whole log is fetched and its root recomputed (RFC 9162 §2.1.1) against the newest final
 * checkpoint, so the list is complete for that checkpoint: the coordinator cannot leave an
 * entry out without the root changing.
 */
import { CompactRange, bytesEqual, hashLeaf } from '../merkle.js';
import { openCheckpoint, verifyCosignatures } from '../checkpoint.js';
import { FedcreditError } from '../../lib/errors.js';
import { decodeEntry, subjectsOf, type LogEntry } from '../entries.js';
import { subjectProblem } from '../../schema/subject.js';
import { LogReader, type MessageObserver } from '../client.js';
import { loadState, witnessKeys } from './trust.js';
import type { Transport } from '../../lib/tls.js';

export interface EnterpriseEntries {
  /** The enterprise asked about, or null when every entry was asked for. */
  readonly enterprise: string | null;
  readonly checkpointSize: number;
  readonly cosignedBy: string[];
  readonly entries: { index: number; kind: string; body: LogEntry['body'] }[];
}

/** `enterprise` undefined: every entry of the log (the auditor's whole view, filtered by log/audit/entries-filter.ts). */
export async function entriesAbout(opts: { coordinator: string; transport: Transport; enterprise?: string; stateFile?: string; observe?: MessageObserver }): Promise<EnterpriseEntries> {
  const problem = opts.enterprise === undefined ? undefined : subjectProblem(opts.enterprise);
  // A credit code, or the enterprise's id as ingested in a federation aligned with --id-type any.
  if (problem !== undefined && opts.enterprise !== undefined) throw new FedcreditError('BAD_REQUEST', `'${opts.enterprise.slice(0, 30)}' names no enterprise: ${problem}; pass its credit code (or its id as the nodes ingested it)`);
  const reader = new LogReader(opts.coordinator, opts.transport, opts.observe);
  try {
    const info = await reader.info();
    const state = opts.stateFile ? loadState(opts.stateFile) : undefined;
    // With a state file the keys verified by `audit verify` are used; otherwise the served ones.
    const origin = state?.origin ?? info.origin;
    const key = { name: origin, publicKey: state ? Buffer.from(state.logKey, 'hex') : new Uint8Array(info.logPublicKey) };
    const { final } = await reader.checkpoints();
    if (!final) throw new FedcreditError('NOT_FOUND', 'the coordinator has no final (cosigned) checkpoint yet; try again shortly');
    const opened = openCheckpoint(final, { origin, key });
    if (!opened.ok) throw new FedcreditError('BAD_SIGNATURE', `the final checkpoint does not verify under the log key: ${opened.reason}`);
    const cp = opened.checkpoint;
    const items = await reader.entries(0, cp.size);
    const range = CompactRange.empty();
    for (const e of items) range.append(hashLeaf(e));
    if (items.length !== cp.size || !bytesEqual(range.root(), cp.rootHash)) {
      throw new FedcreditError('LOG_CORRUPT', `the entries the coordinator serves do not hash to its cosigned checkpoint of size ${cp.size}; run \`fedcredit audit verify\` for details`);
    }
    const witnesses = state ? witnessKeys(state) : info.witnesses.map((w) => ({ name: w.name, publicKey: new Uint8Array(w.publicKey) }));
    const entries: EnterpriseEntries['entries'] = [];
    items.forEach((bytes, index) => {
      const d = decodeEntry(bytes);
      if (d.ok && (opts.enterprise === undefined || subjectsOf(d.entry).includes(opts.enterprise))) entries.push({ index, kind: d.entry.kind, body: d.entry.body });
    });
    return { enterprise: opts.enterprise ?? null, checkpointSize: cp.size, cosignedBy: verifyCosignatures(final, witnesses).valid.map((v) => v.name).sort(), entries };
  } finally {
    reader.close();
  }
}
