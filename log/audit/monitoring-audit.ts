/**
 * The auditor's side of post-loan monitoring (docs/design/monitoring.md 3.3; threat rows in
 * monitoring/README.md): `audit verify` replays the monitoring entries in log order and reports
 * a coordinator that logged a re-score no bank asked for, or more than a consent allowed:
 *   - MONITORING_INSTRUCTION_INVALID  a portfolio-change add/remove whose instruction does not
 *                        parse, does not say what the entry says, or whose signature does not
 *                        hold under `requesterKey`; a remove whose `requesterKey` is not the key
 *                        logged at the item's add (the consent's requester key);
 *   - MONITORING_INSTRUCTION_REPLAYED  an instruction not newer than the item's previous one
 *                        (an old add replayed after the bank's remove);
 *   - MONITORING_NO_PORTFOLIO  an add, remove or run for a portfolio no `create` made;
 *   - MONITORING_REMOVE_UNKNOWN  a remove of an item that is not in the portfolio;
 *   - RESCORE_NO_RUN / RESCORE_OUTSIDE_RUN  a rescore (or rescore-skip) whose `run` is no
 *                        monitoring-run entry before it, or that lies after the run's end;
 *   - RESCORE_NOT_IN_PORTFOLIO  a rescore of an item no add put in the portfolio before the
 *                        run's entry, or that a remove took out before it (a skip: of an
 *                        enterprise never added to the portfolio);
 *   - RESCORE_CONSENT_MISMATCH  a rescore under another consent (id, hash) or requester than the
 *                        item's add, or naming sites the run does not;
 *   - RESCORE_PAST_MAX_USES  a consent re-scored in more distinct as-of months than its
 *                        `consentMaxUses` (uses are counted per as-of month, per site, as each
 *                        node's ledger counts them: consent/monitoring-check.ts; a second run in
 *                        one month costs none);
 *   - RESCORE_OUTSIDE_VALIDITY  a rescore logged from the consent's `consentValidUntil` on;
 *   - MONITORING_RUN_END_INVALID  a run end for no open run.
 * The nodes' v2 served records of the rescore batches are checked against these entries in
 * checkBatchRecords below (called from log/audit/cross-check.ts).
 *
 * What the auditor cannot see: the consent itself (the log holds its id, hash and terms, never
 * its text), so that an add's `requesterKey` is the consent's `requester.key` is checked by the
 * nodes, which hold the consent (docs/design/monitoring.md 1, "Storage"); here every later
 * remove must be signed under the key logged at the add.
 *
 * Malformed entries are BAD_ENTRY findings already (log/audit/entry-check.ts, log/entries.ts)
 * and are skipped here. Runs are incremental, as log/audit/consent-audit.ts: portfolios, the
 * items' add/remove spans and last instruction times, the months each consent was used in,
 * and the runs are kept in the auditor's state file (a `--full` run rebuilds them from entry 0).
 */
import { decodeEntry, entryProblem, type LogEntry } from '../entries.js';
import { instructionSigningBytes, parseInstruction, type Instruction } from '../../monitoring/instruction.js';
import { verifySignature } from '../../crypto/identity.js';
import { batchLeavesHash, type ServedRecordV2 } from '../served-record.js';

/** One add of an item and, once removed, the remove's index: the log span it was in the portfolio. */
export interface ItemSpan {
  readonly add: number;
  remove?: number;
  readonly consentId: string;
  readonly consentHash: string;
  readonly validUntil: number;
  readonly maxUses: number;
  readonly requesterKey: string;
}

export interface RunState {
  readonly requester: string;
  readonly portfolio: string;
  readonly participants: string[];
  readonly asOf: Record<string, string>;
  /** Index of its monitoring-run-end, once logged. */
  end?: number;
  /** `subject\nrefusedBy` of its rescore-skip entries (for the nodes' refused slots). */
  skips: string[];
}

export interface MonitoringAuditState {
  /** `requester\nportfolio` -> index of its create. */
  readonly portfolios: Record<string, number>;
  /** `requester\nportfolio\nsubject` -> its last instruction time and its spans in the portfolio. */
  readonly items: Record<string, { lastTime: number; spans: ItemSpan[] }>;
  /** Consent id -> site -> as-of months it was re-scored in (each is one use). */
  readonly uses: Record<string, Record<string, string[]>>;
  /** Index of a monitoring-run entry (decimal) -> the run. */
  readonly runs: Record<string, RunState>;
}

export interface MonitoringFinding {
  readonly code: string;
  readonly index: number;
  readonly message: string;
}

export function emptyMonitoringAuditState(): MonitoringAuditState {
  return { portfolios: {}, items: {}, uses: {}, runs: {} };
}

const MONITORING_KINDS = new Set(['portfolio-change', 'monitoring-run', 'rescore', 'rescore-skip', 'monitoring-run-end']);

/**
 * Replays entries [start, start + items.length) on top of `prior` (not modified); returns the
 * state after them and what they break. Never throws on bad input.
 */
export function auditMonitoring(start: number, items: readonly Uint8Array[], prior: MonitoringAuditState): { state: MonitoringAuditState; findings: MonitoringFinding[] } {
  const state: MonitoringAuditState = structuredClone(prior);
  const findings: MonitoringFinding[] = [];
  items.forEach((bytes, i) => {
    const index = start + i;
    const decoded = decodeEntry(bytes);
    if (!decoded.ok || !MONITORING_KINDS.has(decoded.entry.kind) || entryProblem(decoded.entry) !== undefined) return;
    for (const f of checkEntry(decoded.entry, index, state)) findings.push({ ...f, index, message: `entry ${index}: ${f.message}` });
  });
  return { state, findings };
}

type Found = { code: string; message: string };
const str = (b: LogEntry['body'], k: string): string => String(b[k]);
const num = (b: LogEntry['body'], k: string): number => Number(b[k]);
const itemKey = (requester: string, portfolio: string, subject: string): string => `${requester}\n${portfolio}\n${subject}`;

function checkEntry(entry: LogEntry, index: number, state: MonitoringAuditState): Found[] {
  switch (entry.kind) {
    case 'portfolio-change': return portfolioChange(entry.body, index, state);
    case 'monitoring-run': return runStart(entry.body, index, state);
    case 'rescore': return rescore(entry.body, index, state);
    case 'rescore-skip': return rescoreSkip(entry.body, index, state);
    case 'monitoring-run-end': return runEnd(entry.body, index, state);
    default: return [];
  }
}

function portfolioChange(b: LogEntry['body'], index: number, state: MonitoringAuditState): Found[] {
  const requester = str(b, 'requester');
  const portfolio = str(b, 'portfolio');
  const name = `${requester}/${portfolio}`;
  const op = str(b, 'op');
  if (op === 'create') {
    // A second create of one name is the coordinator's to refuse; the first one stands.
    state.portfolios[`${requester}\n${portfolio}`] ??= index;
    return [];
  }
  const out: Found[] = [];
  const subject = str(b, 'subject');
  if (state.portfolios[`${requester}\n${portfolio}`] === undefined) {
    out.push({ code: 'MONITORING_NO_PORTFOLIO', message: `portfolio-change ${op} of ${subject} is for portfolio ${name}, which no earlier portfolio-change create made` });
  }
  const signed = signedInstruction(b);
  if (typeof signed === 'string') {
    // An unsigned or altered instruction is no bank's word: the change is not applied.
    out.push({ code: 'MONITORING_INSTRUCTION_INVALID', message: `portfolio-change ${op} of ${subject} in ${name}: ${signed}` });
    return out;
  }
  const time = signed.time;
  const item = (state.items[itemKey(requester, portfolio, subject)] ??= { lastTime: -1, spans: [] });
  const open = item.spans.at(-1);
  if (time <= item.lastTime) {
    out.push({
      code: 'MONITORING_INSTRUCTION_REPLAYED',
      message: `portfolio-change ${op} of ${subject} in ${name} carries an instruction signed at ${new Date(time).toISOString()}, not after the item's previous instruction (${new Date(item.lastTime).toISOString()}): an old instruction was used again`,
    });
    return out;
  }
  if (op === 'remove') {
    if (!open || open.remove !== undefined) {
      out.push({ code: 'MONITORING_REMOVE_UNKNOWN', message: `portfolio-change remove of ${subject} from ${name}, which is not in it` });
    } else if (open.requesterKey !== str(b, 'requesterKey')) {
      out.push({ code: 'MONITORING_INSTRUCTION_INVALID', message: `portfolio-change remove of ${subject} from ${name} is signed under key ${str(b, 'requesterKey').slice(0, 16)}..., but the item was added under the consent's requester key ${open.requesterKey.slice(0, 16)}...` });
      return out;
    } else {
      open.remove = index;
    }
    item.lastTime = time;
    return out;
  }
  if (open && open.remove === undefined) open.remove = index; // re-added: the new consent replaces the old one
  item.spans.push({
    add: index, consentId: str(b, 'consentId'), consentHash: str(b, 'consentHash'), validUntil: num(b, 'consentValidUntil'), maxUses: num(b, 'consentMaxUses'),
    requesterKey: str(b, 'requesterKey'),
  });
  item.lastTime = time;
  return out;
}

/** An add/remove's instruction when it is the bank's word for this entry; else why not. */
function signedInstruction(b: LogEntry['body']): Instruction | string {
  const bytes = Buffer.from(str(b, 'instruction'), 'hex');
  const parsed = parseInstruction(bytes);
  if (!parsed.ok) return `the instruction does not parse: ${parsed.message}`;
  const i = parsed.value;
  const fields: [string, string][] = [['op', i.op], ['requester', i.requester], ['portfolio', i.portfolio], ['subject', i.subject], ['consentId', i.consentId], ['consentHash', i.consentHash]];
  for (const [k, v] of fields) {
    if (v !== str(b, k)) return `the instruction's ${k} is '${v.slice(0, 64)}', but the entry's is '${str(b, k).slice(0, 64)}'`;
  }
  if (!verifySignature(Buffer.from(str(b, 'requesterKey'), 'hex'), instructionSigningBytes(bytes.toString('utf8')), Buffer.from(str(b, 'signature'), 'hex'))) {
    return `the instruction's signature does not verify under requesterKey ${str(b, 'requesterKey').slice(0, 16)}...`;
  }
  return i;
}

function runStart(b: LogEntry['body'], index: number, state: MonitoringAuditState): Found[] {
  const requester = str(b, 'requester');
  const portfolio = str(b, 'portfolio');
  state.runs[String(index)] = {
    requester, portfolio, participants: [...(b['participants'] as readonly string[])], asOf: { ...(b['asOf'] as Record<string, string>) }, skips: [],
  };
  if (state.portfolios[`${requester}\n${portfolio}`] === undefined) {
    return [{ code: 'MONITORING_NO_PORTFOLIO', message: `monitoring-run ${str(b, 'runId')} is for portfolio ${requester}/${portfolio}, which no earlier portfolio-change create made` }];
  }
  return [];
}

/** The run a rescore or skip names, if it is open at `index`; else why not. */
function runOf(b: LogEntry['body'], index: number, state: MonitoringAuditState, what: string): RunState | Found {
  const run = num(b, 'run');
  const r = run < index ? state.runs[String(run)] : undefined;
  if (!r) return { code: 'RESCORE_NO_RUN', message: `${what} of ${str(b, 'subject')} names run entry ${run}, which is not a monitoring-run entry before it` };
  if (r.end !== undefined) return { code: 'RESCORE_OUTSIDE_RUN', message: `${what} of ${str(b, 'subject')} lies after its run's end (monitoring-run-end at entry ${r.end}; run entry ${run})` };
  if (r.requester !== str(b, 'requester')) {
    return { code: 'RESCORE_CONSENT_MISMATCH', message: `${what} of ${str(b, 'subject')} is for requester '${str(b, 'requester').slice(0, 64)}', but run entry ${run} is ${r.requester}'s` };
  }
  return r;
}

/** The span of the item's membership that holds log index `at`. */
function spanAt(state: MonitoringAuditState, key: string, at: number): ItemSpan | undefined {
  return state.items[key]?.spans.find((s) => s.add < at && (s.remove === undefined || s.remove > at));
}

function rescore(b: LogEntry['body'], index: number, state: MonitoringAuditState): Found[] {
  const r = runOf(b, index, state, 'rescore');
  if ('code' in r) return [r];
  const run = num(b, 'run');
  const subject = str(b, 'subject');
  const name = `${r.requester}/${r.portfolio}`;
  const item = state.items[itemKey(r.requester, r.portfolio, subject)];
  const span = spanAt(state, itemKey(r.requester, r.portfolio, subject), run);
  if (!span) {
    const removed = item?.spans.find((s) => s.add < run && s.remove !== undefined && s.remove < run);
    return [{
      code: 'RESCORE_NOT_IN_PORTFOLIO',
      message: removed
        ? `rescore of ${subject} in run entry ${run}, but the item was removed from ${name} at entry ${removed.remove} (before the run)`
        : `rescore of ${subject} in run entry ${run}, but no portfolio-change adds it to ${name} before the run`,
    }];
  }
  const out: Found[] = [];
  if (str(b, 'consentId') !== span.consentId || str(b, 'consentHash') !== span.consentHash) {
    out.push({ code: 'RESCORE_CONSENT_MISMATCH', message: `rescore of ${subject} is under consent ${str(b, 'consentId')}, but the item was added (entry ${span.add}) under consent ${span.consentId} with another hash or id` });
  }
  const sites = b['sites'] as readonly string[];
  const stray = sites.filter((s) => !r.participants.includes(s));
  if (stray.length) out.push({ code: 'RESCORE_CONSENT_MISMATCH', message: `rescore of ${subject} names sites ${stray.join(', ')}, which are not participants of run entry ${run}` });
  const time = num(b, 'time');
  if (time >= span.validUntil) {
    out.push({ code: 'RESCORE_OUTSIDE_VALIDITY', message: `rescore of ${subject} was logged at ${new Date(time).toISOString()}, after consent ${span.consentId} expired (${new Date(span.validUntil).toISOString()})` });
  }
  const latest = Object.values(r.asOf).sort().at(-1) ?? '';
  const past: string[] = [];
  const uses = (state.uses[span.consentId] ??= {});
  for (const site of sites) {
    const month = r.asOf[site] ?? latest;
    const months = (uses[site] ??= []);
    if (!months.includes(month)) months.push(month);
    if (months.length > span.maxUses) past.push(`${site} (${months.length} months: ${months.join(', ')})`);
  }
  if (past.length) {
    out.push({ code: 'RESCORE_PAST_MAX_USES', message: `rescore of ${subject} in run entry ${run} is past consent ${span.consentId}'s ${span.maxUses} uses (as-of months) at ${past.join('; ')}` });
  }
  return out;
}

function rescoreSkip(b: LogEntry['body'], index: number, state: MonitoringAuditState): Found[] {
  const r = runOf(b, index, state, 'rescore-skip');
  if ('code' in r) return [r];
  const subject = str(b, 'subject');
  r.skips.push(`${subject}\n${str(b, 'refusedBy')}`);
  // A skip says why an item of the run was not scored: the item may since have been removed, but it was in the portfolio.
  if (!state.items[itemKey(r.requester, r.portfolio, subject)]?.spans.some((s) => s.add < index)) {
    return [{ code: 'RESCORE_NOT_IN_PORTFOLIO', message: `rescore-skip of ${subject} in run entry ${num(b, 'run')}, but no portfolio-change ever added it to ${r.requester}/${r.portfolio}` }];
  }
  return [];
}

function runEnd(b: LogEntry['body'], index: number, state: MonitoringAuditState): Found[] {
  const run = num(b, 'run');
  const r = run < index ? state.runs[String(run)] : undefined;
  if (!r) return [{ code: 'MONITORING_RUN_END_INVALID', message: `monitoring-run-end names run entry ${run}, which is not a monitoring-run entry before it` }];
  if (r.end !== undefined) return [{ code: 'MONITORING_RUN_END_INVALID', message: `monitoring-run-end of run entry ${run}, which already ended at entry ${r.end}` }];
  r.end = index;
  return [];
}

/* ------------------------------------------------- the nodes' v2 records of rescore batches */

/** The entry at a log index as the verified tree holds it (log/audit/cross-check.ts leafAt), or why it cannot be had. */
export type LeafAt = (index: number) => Promise<{ hash: Uint8Array; entry?: Uint8Array } | string>;

export interface BatchVerdict {
  readonly findings: MonitoringFinding[];
  /**
   * False when a refused slot has no rescore-skip yet and its run has not ended within the
   * checkpoint: the skip may still come (the coordinator logs it with its next batch), so the
   * record is checked again on a later run.
   */
  readonly decided: boolean;
}


/**
 * One node's v2 record of a re-scoring batch against the log: its span must be `rescore`
 * entries of one run, each naming the site (else the node served something the log does not
 * say it asked: served outside the log); `leavesHash` must be the hash over the log's leaves of
 * the span; each refused slot needs a rescore-skip of its item by this site in that run.
 * `state` is the monitoring replay up to the verified checkpoint (auditMonitoring).
 */
export async function checkBatchRecord(record: ServedRecordV2, leafAt: LeafAt, state: MonitoringAuditState): Promise<BatchVerdict> {
  const findings: MonitoringFinding[] = [];
  const last = record.logIndex + record.count - 1;
  const what = `node ${record.site} record #${record.seq} (rescore batch [${record.logIndex}, ${last}])`;
  const leaves: Uint8Array[] = [];
  const rescores: { index: number; run: number; subject: string }[] = [];
  for (let index = record.logIndex; index <= last; index++) {
    const leaf = await leafAt(index);
    if (typeof leaf === 'string') {
      findings.push({ code: 'RECORD_NOT_IN_LOG', index, message: `${what} covers log entry ${index}, but ${leaf}` });
      return { findings, decided: true };
    }
    leaves.push(leaf.hash);
    const decoded = leaf.entry ? decodeEntry(leaf.entry) : undefined;
    const e = decoded?.ok ? decoded.entry : undefined;
    if (!e || e.kind !== 'rescore' || entryProblem(e) !== undefined) {
      findings.push({ code: 'BATCH_SERVED_OUTSIDE_LOG', index, message: `${what} covers log entry ${index}, which is ${e ? `a ${e.kind}` : 'not a well-formed entry'}, not a rescore: the node served what the log does not show it was asked` });
      return { findings, decided: true };
    }
    const run = num(e.body, 'run');
    if (rescores.length > 0 && rescores[0]!.run !== run) {
      findings.push({ code: 'BATCH_SERVED_OUTSIDE_LOG', index, message: `${what} covers log entry ${index}, a rescore of run entry ${run}, but the batch began in run entry ${rescores[0]!.run}: a batch is one run's` });
      return { findings, decided: true };
    }
    if (!(e.body['sites'] as readonly string[]).includes(record.site)) {
      findings.push({ code: 'BATCH_SERVED_OUTSIDE_LOG', index, message: `${what} covers log entry ${index}, a rescore that does not name ${record.site} among its sites` });
      return { findings, decided: true };
    }
    rescores.push({ index, run, subject: str(e.body, 'subject') });
  }
  const logHash = batchLeavesHash(leaves);
  if (logHash !== record.leavesHash) {
    findings.push({
      code: 'BATCH_LEAVES_MISMATCH', index: record.logIndex,
      message: `${what} says its entries' leaves hash to ${record.leavesHash.slice(0, 16)}..., but the log's entries [${record.logIndex}, ${last}] hash to ${logHash.slice(0, 16)}...: the node was served other entries than the log holds`,
    });
  }
  let decided = true;
  for (const [offset, code] of record.refused) {
    const slot = rescores[offset]!;
    const run = state.runs[String(slot.run)];
    if (run?.skips.includes(`${slot.subject}\n${record.site}`)) continue;
    if (run && run.end === undefined) {
      decided = false; // the skip comes with the coordinator's next batch
      continue;
    }
    findings.push({
      code: 'REFUSED_WITHOUT_SKIP', index: slot.index,
      message: `${what} refused slot ${offset} (log entry ${slot.index}, ${slot.subject}: ${code}), but the log has no rescore-skip of ${slot.subject} by ${record.site} in run entry ${slot.run}`,
    });
  }
  return { findings, decided };
}

/**
 * A rescore entry at `index` naming `site` must be covered by exactly one of the site's v2
 * records (`records`: its verified v2 records); the finding when it is not, else undefined.
 */
export function batchCoverageFinding(index: number, rescore: LogEntry, site: string, records: readonly ServedRecordV2[]): MonitoringFinding | undefined {
  const covering = records.filter((r) => r.logIndex <= index && index < r.logIndex + r.count);
  const subject = str(rescore.body, 'subject');
  if (covering.length === 0) {
    return { code: 'ENTRY_UNRECORDED', index, message: `log entry ${index} (rescore of ${subject}) names node ${site}, which has no record of a batch covering it` };
  }
  if (covering.length > 1) {
    return { code: 'BATCH_RECORDED_TWICE', index, message: `log entry ${index} (rescore of ${subject}) is covered by ${covering.length} of node ${site}'s batch records (#${covering.map((r) => r.seq).join(', #')}): a batch was served twice` };
  }
  return undefined;
}
