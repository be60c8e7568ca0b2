/**
 * Cross-checks each data node's signed record of what it served (log/served-record.ts)
 * against the coordinator's log: a record whose entry is missing from the log or differs
 * from it, and a log entry that names a node with no record of it, are both findings. The log
 * side is pinned by RFC 9162 §2.1.3 inclusion proofs against the verified checkpoint, so a
 * coordinator cannot answer "yes, that entry is there" without the tree agreeing. A v2 record
 * (one re-scoring batch of post-loan monitoring) covers a span of `rescore` entries; it and the
 * entries it covers are checked by log/audit/monitoring-audit.ts.
 */
import { hashLeaf, verifyInclusion } from '../merkle.js';
import type { Checkpoint } from '../checkpoint.js';
import { decodeEntry, sitesOf } from '../entries.js';
import { CHAIN_START, verifyServedRecords, type RecordChainHead, type ServedRecord, type ServedRecordV2 } from '../served-record.js';
import { batchCoverageFinding, checkBatchRecord, emptyMonitoringAuditState, type MonitoringAuditState } from './monitoring-audit.js';
import { fetchServedRecords, type LogReader, type MessageObserver } from '../client.js';

/** One problem the auditor found: a stable code, what is wrong, and the log index it concerns. */
export interface AuditorFinding {
  readonly code: string;
  readonly message: string;
  readonly index?: number;
}

export interface NodeToCheck {
  readonly site: string;
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** Keys the site held before a logged rotation: records signed before it verify under them. */
  readonly formerKeys?: readonly Uint8Array[];
}

export interface CrossCheckInput {
  readonly reader: LogReader;
  readonly checkpoint: Checkpoint;
  readonly nodes: readonly NodeToCheck[];
  /** Entries fetched in this run, [start, checkpoint.size): every one is checked for records. */
  readonly newEntries: { readonly start: number; readonly items: readonly Uint8Array[] };
  /** Where each node's record chain was verified up to last time; absent: from the start. */
  readonly heads?: Readonly<Record<string, RecordChainHead>>;
  readonly observe?: MessageObserver;
  /**
   * Per site, the log index its current served-record book starts at, when an operator removal
   * (log/audit/identity-audit.ts) restarted it: entries naming the site before it are counted
   * in `uncheckable`, since the book that recorded them was lost with the site's key.
   */
  readonly bookSince?: Readonly<Record<string, number>>;
  /**
   * The monitoring entries replayed up to the checkpoint (log/audit/monitoring-audit.ts): the
   * rescore-skips a node's refused slots must have. Absent: a refused slot waits for its skip.
   */
  readonly monitoring?: MonitoringAuditState;
}

export interface CrossCheckResult {
  /** Per site, entries naming it that no surviving book can vouch for (see bookSince). */
  readonly uncheckable: Record<string, number>;
  readonly findings: AuditorFinding[];
  /** Records per site that were verified and matched the log. */
  readonly matched: Record<string, number>;
  /** Records ahead of the verified checkpoint: checked on a later run. */
  readonly pending: number;
  /**
   * Per site, the end of the verified records that all name entries inside the checkpoint:
   * the next run starts there, so records are fetched and proven once, not every run.
   */
  readonly heads: Record<string, RecordChainHead>;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export async function crossCheckNodes(input: CrossCheckInput): Promise<CrossCheckResult> {
  const { reader, checkpoint, newEntries } = input;
  const findings: AuditorFinding[] = [];
  const matched: Record<string, number> = {};
  let pending = 0;
  const heads: Record<string, RecordChainHead> = {};
  const recordsBySite = new Map<string, readonly ServedRecord[]>();
  const batchesBySite = new Map<string, readonly ServedRecordV2[]>();
  const leafOf = (index: number) => leafAt(reader, checkpoint, newEntries, index);

  for (const node of input.nodes) {
    let fetched;
    try {
      fetched = await fetchServedRecords(node.address, reader.transport, node.site, (input.heads?.[node.site] ?? CHAIN_START).next, input.observe);
    } catch (err) {
      findings.push({ code: 'NODE_UNREACHABLE', message: `node ${node.site} at ${node.address}: its served record could not be read (${(err as Error).message})` });
      continue;
    }
    const start = input.heads?.[node.site] ?? CHAIN_START;
    const check = verifyServedRecords(node.site, [node.publicKey, ...(node.formerKeys ?? [])], fetched.records, start);
    for (const p of check.problems) findings.push({ code: 'RECORD_INVALID', message: p });
    // v2 records (re-scoring batches) are checked by the monitoring audit, not here.
    recordsBySite.set(node.site, check.records.filter((r): r is ServedRecord => r.v === 1));
    batchesBySite.set(node.site, check.records.filter((r): r is ServedRecordV2 => r.v === 2));
    matched[node.site] = 0;
    heads[node.site] = start;
    let settled = true;
    for (const [k, record] of check.records.entries()) {
      if (record.logIndex + (record.v === 2 ? record.count : 1) > checkpoint.size) {
        pending++;
        settled = false;
        continue;
      }
      if (record.v === 2) {
        // A re-scoring batch (log/audit/monitoring-audit.ts); undecided while a refused slot's skip may still come.
        const verdict = await checkBatchRecord(record, leafOf, input.monitoring ?? emptyMonitoringAuditState());
        findings.push(...verdict.findings);
        if (!verdict.decided) {
          pending++;
          settled = false;
          continue;
        }
        if (settled) heads[node.site] = check.heads[k]!;
        if (verdict.findings.length === 0) matched[node.site]!++;
        continue;
      }
      if (settled) heads[node.site] = check.heads[k]!;
      const leaf = await leafAt(reader, checkpoint, newEntries, record.logIndex);
      if (typeof leaf === 'string') {
        findings.push({ code: 'RECORD_NOT_IN_LOG', index: record.logIndex, message: `node ${node.site} record #${record.seq} (${record.what} for ${record.requester}) names log entry ${record.logIndex}, but ${leaf}` });
      } else if (hex(leaf.hash) !== record.entryHash) {
        const kind = leaf.entry ? kindOf(leaf.entry) : 'unknown kind';
        findings.push({
          code: 'RECORD_MISMATCH', index: record.logIndex,
          message: `node ${node.site} record #${record.seq} says log entry ${record.logIndex} is a ${record.what} with leaf hash ${record.entryHash.slice(0, 16)}..., but the log's entry ${record.logIndex} is a ${kind} with leaf hash ${hex(leaf.hash).slice(0, 16)}...`,
        });
      } else {
        matched[node.site]!++;
      }
    }
  }

  const known = new Set(input.nodes.map((n) => n.site));
  const uncheckable: Record<string, number> = {};
  newEntries.items.forEach((bytes, i) => {
    const index = newEntries.start + i;
    const decoded = decodeEntry(bytes);
    if (!decoded.ok) return; // reported as BAD_ENTRY by the caller
    const entryHash = hex(hashLeaf(bytes));
    for (const site of sitesOf(decoded.entry)) {
      const since = input.bookSince?.[site];
      if (since !== undefined && index < since) {
        uncheckable[site] = (uncheckable[site] ?? 0) + 1;
        continue;
      }
      if (!known.has(site)) {
        findings.push({ code: 'ENTRY_UNRECORDED', index, message: `log entry ${index} (${decoded.entry.kind}) names node ${site}, which is not a registered node` });
        continue;
      }
      const records = recordsBySite.get(site);
      if (!records) continue; // the node's record could not be read: already a finding
      if (decoded.entry.kind === 'rescore') {
        // Served in batches: one v2 record covers it (log/audit/monitoring-audit.ts).
        const finding = batchCoverageFinding(index, decoded.entry, site, batchesBySite.get(site) ?? []);
        if (finding) findings.push(finding);
        continue;
      }
      if (!records.some((r) => r.logIndex === index && r.entryHash === entryHash)) {
        findings.push({ code: 'ENTRY_UNRECORDED', index, message: `log entry ${index} (${decoded.entry.kind}) names node ${site}, which has no record of serving it` });
      }
    }
  });
  return { findings, matched, pending, heads, uncheckable };
}

function kindOf(bytes: Uint8Array): string {
  const d = decodeEntry(bytes);
  return d.ok ? d.entry.kind : 'malformed entry';
}

/** The leaf hash the verified tree has at `index`: from this run's entries, or proven by inclusion. */
async function leafAt(
  reader: LogReader,
  checkpoint: Checkpoint,
  newEntries: CrossCheckInput['newEntries'],
  index: number,
): Promise<{ hash: Uint8Array; entry?: Uint8Array } | string> {
  const i = index - newEntries.start;
  if (i >= 0 && i < newEntries.items.length) return { hash: hashLeaf(newEntries.items[i]!), entry: newEntries.items[i]! };
  try {
    const [entry] = await reader.entries(index, index + 1);
    if (!entry) return `the coordinator does not return entry ${index}`;
    const proof = await reader.inclusionProof(index, checkpoint.size);
    const leaf = hashLeaf(entry);
    const verdict = verifyInclusion(leaf, index, checkpoint.size, proof, checkpoint.rootHash);
    if (verdict.ok) return { hash: leaf, entry };
    return `the entry the coordinator serves at ${index} is not in the verified tree (${verdict.reason})`;
  } catch (err) {
    return `the coordinator could not prove entry ${index}: ${(err as Error).message}`;
  }
}
