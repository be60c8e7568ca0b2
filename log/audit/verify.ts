/**
 * `fedcredit audit verify`: checks the federation's transparency log without trusting the
 * coordinator. From the checkpoint verified last time (log/audit/trust.ts) to the newest final
 * one it checks the log signature and the witness quorum (c2sp.org/tlog-checkpoint,
 * tlog-cosignature), append-only consistency (RFC 9162 §2.1.4.2), that the new entries are
 * exactly what the new root commits to (the saved compact range extended by every new leaf,
 * §2.1.1; over gRPC on 100k entries 3.7 s against ~140 s for one §2.1.3 inclusion proof per
 * entry, see bench/audit.ts), each entry's kind, fields and own signatures
 * (log/entries.ts), what they mean for consent use and node registrations
 * (log/audit/consent-audit.ts) and for post-loan monitoring (log/audit/monitoring-audit.ts), and each
 * node's signed record against the log (log/audit/cross-check.ts). It also compares the newest not-yet-final
 * checkpoint with what it trusts, so a re-signed fork is reported even when no witness
 * cosigned it. Untrusted input becomes findings; the state advances only on a clean run.
 */
import type { Transport } from '../../lib/tls.js';
import { CompactRange, bytesEqual, hashLeaf } from '../merkle.js';
import { formatCheckpoint, openCheckpoint, verifyCosignatures } from '../checkpoint.js';
import type { Checkpoint, TrustedKey } from '../checkpoint.js';
import { auditLog } from './verify-update.js';
import { encodeBase64 } from '../../crypto/signed-note.js';
import { decodeEntry, entryProblem, entrySignatureProblem } from '../entries.js';
import { LogReader, type MessageObserver } from '../client.js';
import { checkEntries } from './entry-check.js';
import { crossCheckNodes, type AuditorFinding } from './cross-check.js';
import { auditConsentUse, emptyConsentAuditState } from './consent-audit.js';
import { auditMonitoring, emptyMonitoringAuditState } from './monitoring-audit.js';
import { auditIdentities, emptyIdentityAuditState, type IdentityAuditState, type IdentityChange } from './identity-audit.js';
import { keyFingerprint } from '../../registration/rotation.js';
import {
  encodeFrontier, frontierHashes, loadState, loadTrustFile, saveState, trustedCheckpoint, witnessKeys,
  type AuditorState, type PinnedWitness,
} from './trust.js';

export type { AuditorFinding };

export interface AuditVerifyOptions {
  readonly coordinator: string;
  /** The auditor's TLS identity (role auditor), or insecure by name. */
  readonly transport: Transport;
  readonly stateFile: string;
  /** Witness cosignatures required; default every pinned witness. */
  readonly quorum?: number;
  readonly trustFile?: string;
  /**
   * Hex registrar keys trusted to bind enterprise keys (the federation's `trusted-registrars`):
   * a revocation counts only when a binding by one of them ties its key to the subject.
   */
  readonly trustedRegistrars?: readonly string[];
  /**
   * Re-check every entry and every node record, not only what is new since the saved state
   * (consistency with the saved checkpoint is still required). Finds an old entry the
   * coordinator now serves differently from what it once committed to.
   */
  readonly full?: boolean;
  readonly observe?: MessageObserver;
}

export interface AuditSummary {
  readonly ok: boolean;
  readonly origin: string;
  readonly logKey: string;
  readonly firstUse: boolean;
  readonly notices: string[];
  readonly checkpoint?: { size: number; root: string; cosignedBy: string[]; quorum: number };
  readonly previousSize: number;
  readonly newEntries: number;
  readonly entriesByKind: Record<string, number>;
  /** Key rotations, removals and re-registrations after a removal among the new entries (log/audit/identity-audit.ts). */
  readonly identityChanges: IdentityChange[];
  readonly signaturesChecked: number;
  readonly nodeRecords: Record<string, number>;
  readonly pendingRecords: number;
  readonly findings: AuditorFinding[];
  readonly seconds: number;
  readonly stateSaved: boolean;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export async function auditVerify(opts: AuditVerifyOptions): Promise<AuditSummary> {
  const started = performance.now();
  const reader = new LogReader(opts.coordinator, opts.transport, opts.observe);
  try {
    return await run(opts, reader, started);
  } finally {
    reader.close();
  }
}

async function run(opts: AuditVerifyOptions, reader: LogReader, started: number): Promise<AuditSummary> {
  const findings: AuditorFinding[] = [];
  const notices: string[] = [];
  const info = await reader.info();
  const saved = loadState(opts.stateFile);
  const rekeyed: RekeyedWitness[] = [];
  let state = pin(saved, opts.trustFile, info, findings, notices, rekeyed);
  const base = {
    origin: state.origin, logKey: state.logKey, firstUse: saved === undefined && opts.trustFile === undefined, notices,
    previousSize: trustedCheckpoint(saved)?.size ?? 0, newEntries: 0, entriesByKind: {}, identityChanges: [], signaturesChecked: 0,
    nodeRecords: {}, pendingRecords: 0, findings, stateSaved: false,
  };
  const done = (extra: Partial<AuditSummary> = {}): AuditSummary => ({ ...base, ...extra, ok: findings.length === 0, seconds: (performance.now() - started) / 1000 });
  if (findings.length > 0) return done(); // trust changed: verify nothing against keys we do not hold

  const log = { origin: state.origin, key: { name: state.origin, publicKey: Buffer.from(state.logKey, 'hex') } as TrustedKey };
  const trusted = trustedCheckpoint(saved);
  const { latest, final } = await reader.checkpoints();
  await compareLatest(reader, log, trusted, latest, final, findings);
  if (!final) {
    findings.push({ code: 'NO_FINAL_CHECKPOINT', message: 'the coordinator has no checkpoint cosigned by a quorum of witnesses' });
    return done();
  }
  const opened = openCheckpoint(final, log);
  if (!opened.ok) {
    findings.push({ code: 'BAD_CHECKPOINT', message: `final checkpoint rejected: ${opened.code}: ${opened.reason}` });
    return done();
  }
  const next = opened.checkpoint;
  const from = trusted && !opts.full ? Math.min(trusted.size, next.size) : 0;
  const proof = trusted && trusted.size > 0 && next.size > trusted.size ? await reader.consistencyProof(trusted.size, next.size) : [];
  let items: Uint8Array[] = [];
  try {
    items = await reader.entries(from, next.size);
    if (items.length !== next.size - from) {
      findings.push({ code: 'ENTRY_COUNT', message: `the coordinator returned ${items.length} of the ${next.size - from} entries [${from}, ${next.size})` });
    }
  } catch (err) {
    findings.push({ code: 'ENTRIES_UNAVAILABLE', message: `the coordinator could not serve entries [${from}, ${next.size}) of its cosigned tree: ${(err as Error).message}` });
  }
  const range = await recomputeRoot(saved, from === 0 ? undefined : trusted, items, next, findings);
  const { byKind, signatures } = await checkEntriesAt(from, items, findings);
  // What the entries mean: consents used after revocation, past maxUses, outside validity, by
  // another requester; revocations and registrations no bound key or CA vouches for. A state
  // file from before these checks has no replay yet: it starts from entry 0 once.
  const history = from > 0 && (!saved?.consentAudit || !saved.identities || !saved.monitoringAudit) ? await reader.entries(0, from) : [];
  const ca = opts.transport.kind === 'tls' ? opts.transport.material.ca : undefined;
  const consentFrom = from > 0 && saved?.consentAudit ? from : 0;
  const meaning = auditConsentUse(consentFrom, [...history.slice(consentFrom), ...items], (from > 0 && saved?.consentAudit) || emptyConsentAuditState(),
    opts.trustedRegistrars ?? [], ca);
  findings.push(...meaning.findings);
  // Post-loan monitoring: each re-score under a bank's signed instruction, in its run, within its consent's months.
  const monitoringFrom = from > 0 && saved?.monitoringAudit ? from : 0;
  const monitoring = auditMonitoring(monitoringFrom, [...history.slice(monitoringFrom), ...items], (from > 0 && saved?.monitoringAudit) || emptyMonitoringAuditState());
  findings.push(...monitoring.findings);
  // Which key speaks for each site: rotations and removals, checked and followed (identity-audit.ts).
  const identitiesFrom = from > 0 && saved?.identities ? from : 0;
  const identities = auditIdentities(identitiesFrom, [...history.slice(identitiesFrom), ...items], (from > 0 && saved?.identities) || emptyIdentityAuditState(), ca);
  findings.push(...identities.findings);
  if (!opts.trustFile) state = confirmNewWitnesses(saved, state, range ? items : [], notices);
  state = followRekeyedWitnesses(state, rekeyed, range ? identities.state : undefined, findings, notices);
  const witnesses = witnessKeys(state);
  const quorum = opts.quorum ?? witnesses.length;
  const report = auditLog({ log, ...(trusted ? { trusted } : {}), newCheckpoint: final, witnesses, quorum, consistencyProof: proof, entries: { start: next.size, items: [] } });
  for (const f of report.findings) findings.push({ ...f });

  const nodes = Object.entries(state.witnesses).flatMap(([, w]) => {
    const live = info.witnesses.find((x) => x.site === w.site);
    // Records signed before a logged rotation verify under the keys the site held then.
    const formerKeys = (identities.state.sites[w.site]?.keys ?? []).filter((k) => k !== w.key).map((k) => Buffer.from(k, 'hex'));
    return live ? [{ site: w.site, address: live.address, publicKey: Buffer.from(w.key, 'hex'), formerKeys }] : [];
  });
  // A removed site lost its store (its key was lost): its record starts again from the first.
  const heads = saved?.records && !opts.full
    ? Object.fromEntries(Object.entries(saved.records).filter(([site]) => !identities.removedSites.has(site))) : undefined;
  const bookSince = Object.fromEntries(Object.entries(identities.state.sites).flatMap(([site, k]) => (k.bookSince !== undefined ? [[site, k.bookSince]] : [])));
  const cross = await crossCheckNodes({
    reader, checkpoint: next, nodes, newEntries: { start: from, items }, bookSince, monitoring: monitoring.state, ...(heads ? { heads } : {}), ...(opts.observe ? { observe: opts.observe } : {}),
  });
  findings.push(...cross.findings);
  for (const [site, n] of Object.entries(cross.uncheckable)) {
    notices.push(`${n} entries naming node ${site} predate its removal and re-registration at entry ${bookSince[site]}: its record of them was lost with its key, so they are checked against the log only`);
  }

  const cosignedBy = cosigners(final, witnesses);
  const ok = findings.length === 0;
  if (ok && range) {
    saveState(opts.stateFile, {
      ...state, checkpoint: formatCheckpoint(next), frontier: encodeFrontier(range.frontierHashes()), records: { ...heads, ...cross.heads },
      consentAudit: meaning.state, identities: identities.state, monitoringAudit: monitoring.state, verifiedAt: new Date().toISOString(),
    });
  }
  return done({
    checkpoint: { size: next.size, root: encodeBase64(next.rootHash), cosignedBy, quorum },
    newEntries: items.length, entriesByKind: byKind, identityChanges: identities.changes, signaturesChecked: signatures,
    nodeRecords: cross.matched, pendingRecords: cross.pending, stateSaved: ok && range !== undefined,
  });
}

/** Pins keys on first use (or from --trust), and refuses any change of a pinned key. */
function pin(
  saved: AuditorState | undefined,
  trustFile: string | undefined,
  info: Awaited<ReturnType<LogReader['info']>>,
  findings: AuditorFinding[],
  notices: string[],
  rekeyed: RekeyedWitness[],
): AuditorState {
  const served = { origin: info.origin, logKey: hex(info.logPublicKey) };
  let state: AuditorState;
  if (trustFile) {
    const t = loadTrustFile(trustFile);
    const witnesses: Record<string, PinnedWitness> = Object.fromEntries(t.witnesses.map((w) => [w.name, { site: w.site, key: w.key }]));
    state = { ...(saved ?? {}), version: 1, origin: t.origin, logKey: t.logKey, witnesses };
  } else if (saved) {
    state = saved;
  } else {
    state = { version: 1, ...served, witnesses: {} };
    notices.push(`first audit: pinned log ${served.origin} key ${served.logKey.slice(0, 16)}... (trust on first use)`);
  }
  if (served.origin !== state.origin || served.logKey !== state.logKey) {
    findings.push({ code: 'TRUST_CHANGED', message: `the coordinator presents log ${served.origin} key ${served.logKey.slice(0, 16)}..., but the trusted log is ${state.origin} key ${state.logKey.slice(0, 16)}...; refusing to verify (if the key was rotated on purpose, check it out of band and pass --trust)` });
    return state;
  }
  const witnesses: Record<string, PinnedWitness> = { ...state.witnesses };
  for (const w of info.witnesses) {
    const key = hex(w.publicKey);
    const pinned = witnesses[w.name];
    if (pinned && pinned.key !== key) {
      // Followed only if the verified log rotates or re-registers the site to it (followRekeyedWitnesses).
      rekeyed.push({ name: w.name, site: pinned.site, from: pinned.key, to: key });
    } else if (!pinned && !trustFile) {
      witnesses[w.name] = { site: w.site, key }; // kept only if the verified log holds its registration
    }
  }
  return { ...state, witnesses };
}

interface RekeyedWitness {
  readonly name: string;
  readonly site: string;
  readonly from: string;
  readonly to: string;
}

/**
 * A pinned witness presenting a new key is followed to it only when the verified log makes
 * that key the site's current one from the pinned key (a rotation signed by it, or an operator
 * removal and a new registration: identity-audit.ts checks both); anything else is
 * TRUST_CHANGED, and the pinned key stays.
 */
function followRekeyedWitnesses(
  state: AuditorState, rekeyed: readonly RekeyedWitness[], identities: IdentityAuditState | undefined, findings: AuditorFinding[], notices: string[],
): AuditorState {
  if (rekeyed.length === 0) return state;
  const witnesses: Record<string, PinnedWitness> = { ...state.witnesses };
  for (const r of rekeyed) {
    const site = identities?.sites[r.site];
    if (site && !site.removed && site.key === r.to && site.keys.includes(r.from)) {
      witnesses[r.name] = { site: r.site, key: r.to };
      notices.push(`witness ${r.name} (node ${r.site}) followed to key ${keyFingerprint(r.to)} from ${keyFingerprint(r.from)}: the verified log rotates or re-registers the site to it`);
    } else {
      findings.push({ code: 'TRUST_CHANGED', message: `witness ${r.name} now presents key ${keyFingerprint(r.to)}, but ${keyFingerprint(r.from)} is pinned and the verified log holds no rotation or removal that makes ${keyFingerprint(r.to)} node ${r.site}'s key; refusing to verify` });
    }
  }
  return { ...state, witnesses };
}

/**
 * A witness the coordinator names for the first time is pinned only if the verified log holds
 * that node's signed registration under the same key: otherwise a coordinator could invent
 * witnesses and cosign for them. One whose registration is not yet covered waits a run.
 */
function confirmNewWitnesses(saved: AuditorState | undefined, state: AuditorState, verifiedItems: readonly Uint8Array[], notices: string[]): AuditorState {
  const registered = new Set<string>();
  for (const bytes of verifiedItems) {
    const d = decodeEntry(bytes);
    if (d.ok && (d.entry.kind === 'node-registration' || d.entry.kind === 'node-key-rotation') && entryProblem(d.entry) === undefined && entrySignatureProblem(d.entry) === undefined) {
      registered.add(`${String(d.entry.body['site'])} ${String(d.entry.body['identityKey'])}`);
    }
  }
  const witnesses: Record<string, PinnedWitness> = {};
  for (const [name, w] of Object.entries(state.witnesses)) {
    if (saved?.witnesses[name]) {
      witnesses[name] = w;
    } else if (registered.has(`${w.site} ${w.key}`)) {
      witnesses[name] = w;
      notices.push(`pinned witness ${name} (node ${w.site}) key ${w.key.slice(0, 16)}... (trust on first use; its signed registration is in the log)`);
    } else {
      notices.push(`witness ${name} (node ${w.site}) not pinned: no signed registration under its key in the verified log yet`);
    }
  }
  return { ...state, witnesses };
}

/** The newest signed checkpoint, cosigned or not, must extend what the auditor trusts and the final one. */
async function compareLatest(
  reader: LogReader, log: { origin: string; key: TrustedKey }, trusted: Checkpoint | undefined, latest: string, final: string, findings: AuditorFinding[],
): Promise<void> {
  const opened = openCheckpoint(latest, log);
  if (!opened.ok) {
    findings.push({ code: 'BAD_CHECKPOINT', message: `latest checkpoint rejected: ${opened.code}: ${opened.reason}` });
    return;
  }
  const l = opened.checkpoint;
  const others: [string, Checkpoint | undefined][] = [['the checkpoint you verified before', trusted]];
  const f = final ? openCheckpoint(final, log) : undefined;
  if (f?.ok) others.push(['the final checkpoint', f.checkpoint]);
  for (const [what, c] of others) {
    if (!c) continue;
    if (l.size < c.size) {
      findings.push({ code: 'ROLLBACK', message: `the coordinator's latest signed checkpoint (size ${l.size}) is smaller than ${what} (size ${c.size}): entries were removed` });
    } else if (l.size === c.size && !bytesEqual(l.rootHash, c.rootHash)) {
      findings.push({ code: 'SPLIT_VIEW', message: `the coordinator signed two different trees of size ${l.size}: its latest root ${encodeBase64(l.rootHash)} differs from ${what} (${encodeBase64(c.rootHash)}): entries were rewritten` });
    } else if (l.size > c.size && c.size > 0) {
      const verdict = auditLog({ log, trusted: c, newCheckpoint: latest, witnesses: [], quorum: 0, consistencyProof: await reader.consistencyProof(c.size, l.size), entries: { start: l.size, items: [] } });
      for (const x of verdict.findings) findings.push({ code: x.code, message: `latest signed checkpoint vs ${what}: ${x.message}` });
    }
  }
}

/** Extends the saved compact range by every new leaf; the root must be the checkpoint's. */
async function recomputeRoot(saved: AuditorState | undefined, trusted: Checkpoint | undefined, items: readonly Uint8Array[], next: Checkpoint, findings: AuditorFinding[]): Promise<CompactRange | undefined> {
  let range: CompactRange;
  try {
    range = trusted && trusted.size <= next.size ? CompactRange.fromFrontier(trusted.size, frontierHashes(saved)) : CompactRange.empty();
  } catch (err) {
    findings.push({ code: 'STATE_DAMAGED', message: `the saved frontier does not fit the saved checkpoint: ${(err as Error).message}` });
    return undefined;
  }
  if (trusted && trusted.size > 0 && !bytesEqual(range.root(), trusted.rootHash)) {
    findings.push({ code: 'STATE_DAMAGED', message: 'the saved frontier does not hash to the saved checkpoint root; move the state file away to re-audit from the start' });
    return undefined;
  }
  if (trusted && trusted.size > next.size) return undefined; // rollback: reported already
  for (const e of items) range.append(hashLeaf(e));
  if (range.size !== next.size) return undefined; // ENTRY_COUNT already says it
  if (!bytesEqual(range.root(), next.rootHash)) {
    findings.push({ code: 'ROOT_MISMATCH', message: `the entries the coordinator serves [${trusted?.size ?? 0}, ${next.size}) hash to root ${encodeBase64(range.root())}, but the cosigned checkpoint says ${encodeBase64(next.rootHash)}: entries were deleted, reordered or rewritten` });
    return undefined;
  }
  return range;
}

async function checkEntriesAt(start: number, items: readonly Uint8Array[], findings: AuditorFinding[]): Promise<{ byKind: Record<string, number>; signatures: number }> {
  const byKind: Record<string, number> = {};
  let signatures = 0;
  (await checkEntries(items)).forEach(({ kind, problem }, i) => {
    const index = start + i;
    if (kind !== undefined) byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (problem) findings.push({ code: 'BAD_ENTRY', index, message: `entry ${index}: ${problem}` });
    else if (kind === 'node-registration' || kind === 'node-key-rotation') signatures++;
  });
  return { byKind, signatures };
}

function cosigners(note: string, witnesses: readonly TrustedKey[]): string[] {
  return verifyCosignatures(note, witnesses).valid.map((v) => v.name).sort();
}
