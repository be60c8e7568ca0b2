/**
 * What the log's entries mean, not only that they hash and verify: `audit verify` replays the
 * consent-related entries in log order and reports a coordinator that logged what a consent
 * did not allow (PIPL Art. 15 and 23):
 *   - QUERY_AFTER_REVOCATION  a query logged after a revocation of its consent by the subject's
 *                             bound key (the nodes refuse it; the coordinator should not have asked);
 *   - QUERY_PAST_MAX_USES     more query entries under one consent than its `maxUses`;
 *   - QUERY_OUTSIDE_VALIDITY  a query logged before the consent's `issuedAt` (less the clock
 *                             skew parties allow) or from its `validUntil` on;
 *   - QUERY_WRONG_REQUESTER   a query by another requester than the one the consent names;
 *   - REVOCATION_NOT_BOUND    a revocation signed by a key no logged binding by a registrar the
 *                             auditor trusts ties to the subject (anyone can sign a binding
 *                             under a key of their own: only the trusted registrars count);
 *   - REGISTRATION_NOT_CERTIFIED  a node registration the federation CA does not certify
 *                             (registration/cert.ts; checked when the auditor runs TLS).
 * Query entries carry the consent's terms they were admitted under (`consentRequester`,
 * `consentValidFrom`, `consentValidUntil`, `consentMaxUses`: metadata, never a score);
 * entries logged before those fields existed are checked for revocation order only.
 *
 * Runs are incremental: the bindings seen, and per consent the uses and revocation, are kept
 * in the auditor's state file between runs (a `--full` run rebuilds them from entry 0).
 */
import { DEFAULT_CLOCK_SKEW_MS } from '../../consent/verify.js';
import { decodeEntry, entryProblem, entrySignatureProblem, registrationOfEntry, type LogEntry } from '../entries.js';
import { registrationCertificationProblem } from '../../registration/cert.js';

export interface ConsentAuditState {
  /** Subject (credit code) -> enterprise keys (hex) a logged registrar binding ties to it. */
  readonly bindings: Record<string, string[]>;
  /** Consent id -> query entries logged under it, and the time of its first valid revocation. */
  readonly consents: Record<string, { uses: number; revokedAt?: number }>;
}

export interface ConsentFinding {
  readonly code: string;
  readonly index: number;
  readonly message: string;
}

export function emptyConsentAuditState(): ConsentAuditState {
  return { bindings: {}, consents: {} };
}

/**
 * Replays entries [start, start + items.length) on top of `prior` (not modified); returns the
 * state after them and what they break. `ca` is the federation CA certificate, when known.
 */
export function auditConsentUse(
  start: number, items: readonly Uint8Array[], prior: ConsentAuditState, trustedRegistrars: readonly string[], ca?: string | Buffer,
): { state: ConsentAuditState; findings: ConsentFinding[] } {
  const trust: AuditTrust = { registrars: new Set(trustedRegistrars.map((k) => k.toLowerCase())), untrusted: new Map() };
  const state: ConsentAuditState = structuredClone(prior);
  const findings: ConsentFinding[] = [];
  items.forEach((bytes, i) => {
    const index = start + i;
    const decoded = decodeEntry(bytes);
    // Malformed or badly signed entries are BAD_ENTRY findings already (log/audit/entry-check.ts).
    if (!decoded.ok || entryProblem(decoded.entry) !== undefined || entrySignatureProblem(decoded.entry) !== undefined) return;
    for (const f of checkEntry(decoded.entry, state, trust, ca)) findings.push({ ...f, index, message: `entry ${index}: ${f.message}` });
  });
  return { state, findings };
}

/** The registrar keys the auditor trusts, and (this run only) bindings by others, for messages. */
interface AuditTrust {
  readonly registrars: ReadonlySet<string>;
  /** `subject\nenterpriseKey` -> the untrusted registrar key that bound it. */
  readonly untrusted: Map<string, string>;
}

function checkEntry(entry: LogEntry, state: ConsentAuditState, trust: AuditTrust, ca: string | Buffer | undefined): { code: string; message: string }[] {
  const b = entry.body;
  const str = (k: string): string => String(b[k]);
  if (entry.kind === 'enterprise-key-registration') {
    if (!trust.registrars.has(str('registrarKey').toLowerCase())) {
      trust.untrusted.set(`${str('subject')}\n${str('enterpriseKey')}`, str('registrarKey'));
      return [];
    }
    const keys = (state.bindings[str('subject')] ??= []);
    if (!keys.includes(str('enterpriseKey'))) keys.push(str('enterpriseKey'));
    return [];
  }
  if (entry.kind === 'revocation') {
    if (!(state.bindings[str('subject')] ?? []).includes(str('signerKey'))) {
      const by = trust.untrusted.get(`${str('subject')}\n${str('signerKey')}`);
      const why = by !== undefined ? `only a binding by registrar ${by.slice(0, 16)}..., which this auditor does not trust (--registrars), ties it to ${str('subject')}`
        : trust.registrars.size === 0 ? 'and this auditor trusts no registrar (pass --registrars FILE)'
          : `which no logged binding by a trusted registrar ties to ${str('subject')}`;
      return [{ code: 'REVOCATION_NOT_BOUND', message: `revocation of consent ${str('consentId')} is signed by key ${str('signerKey').slice(0, 16)}..., ${why}` }];
    }
    const c = (state.consents[str('consentId')] ??= { uses: 0 });
    c.revokedAt ??= Number(b['time']);
    return [];
  }
  if (entry.kind === 'node-registration') {
    if (ca === undefined) return [];
    const { registration, certification } = registrationOfEntry(entry);
    const problem = registrationCertificationProblem(registration, certification, ca);
    return problem ? [{ code: 'REGISTRATION_NOT_CERTIFIED', message: problem }] : [];
  }
  if (entry.kind !== 'query') return [];
  const out: { code: string; message: string }[] = [];
  const id = str('consentId');
  const c = (state.consents[id] ??= { uses: 0 });
  c.uses++;
  if (c.revokedAt !== undefined) out.push({ code: 'QUERY_AFTER_REVOCATION', message: `query ${str('queryId')} was logged after consent ${id} was revoked` });
  const time = Number(b['time']);
  if (typeof b['consentMaxUses'] === 'number' && c.uses > b['consentMaxUses']) {
    out.push({ code: 'QUERY_PAST_MAX_USES', message: `query ${str('queryId')} is use ${c.uses} of consent ${id}, which allows ${b['consentMaxUses']}` });
  }
  if (typeof b['consentValidFrom'] === 'number' && typeof b['consentValidUntil'] === 'number'
    && (time < b['consentValidFrom'] - DEFAULT_CLOCK_SKEW_MS || time >= b['consentValidUntil'])) {
    out.push({ code: 'QUERY_OUTSIDE_VALIDITY', message: `query ${str('queryId')} was logged at ${new Date(time).toISOString()}, outside consent ${id}'s validity` });
  }
  if (typeof b['consentRequester'] === 'string' && b['consentRequester'] !== b['requester']) {
    out.push({ code: 'QUERY_WRONG_REQUESTER', message: `query ${str('queryId')} was asked by '${str('requester').slice(0, 64)}', but consent ${id} names '${b['consentRequester'].slice(0, 64)}'` });
  }
  return out;
}
