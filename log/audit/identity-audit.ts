/**
 * Which key speaks for each site, replayed from the log in order, and whether each change of
 * key was one the federation allows (registration/rotation.ts):
 *   - a node-key-rotation must be signed by the key it replaces (a bad signature is a BAD_ENTRY
 *     already, log/entries.ts) and that key must be the site's current one: else
 *     ROTATION_NOT_FROM_CURRENT_KEY; with TLS the new keys must be CA-certified
 *     (REGISTRATION_NOT_CERTIFIED);
 *   - a node-registration under another key than the site's current one, with no node-removal
 *     in between, is KEY_REPLACED_WITHOUT_ROTATION (the coordinator let a new key take a site
 *     over on its own word);
 *   - a node-removal must name the site's current key: else REMOVAL_OF_UNKNOWN_KEY.
 * Every rotation, removal and re-registration after a removal is listed in the audit summary,
 * with the operator's reason for removals. The keys each site has held let `audit verify`
 * check served records signed before a rotation, and follow a pinned witness to its new key;
 * after a removal the site's served-record book starts again (its store went with its key), so
 * entries naming it from before are reported as not checkable, not as unrecorded.
 */
import { decodeEntry, entryProblem, entrySignatureProblem, registrationOfEntry, type LogEntry } from '../entries.js';
import { registrationCertificationProblem } from '../../registration/cert.js';
import { keyFingerprint } from '../../registration/rotation.js';

export interface SiteKeys {
  /** The site's current identity key (hex); the last one before a removal while `removed`. */
  readonly key: string;
  /** Every identity key the site has held, oldest first. */
  readonly keys: string[];
  readonly removed: boolean;
  /**
   * Index of the site's registration after its last removal: its served-record book starts
   * there (the old one was lost with its key), so entries before it cannot be checked against it.
   */
  readonly bookSince?: number;
}

export interface IdentityAuditState {
  readonly sites: Record<string, SiteKeys>;
}

export interface IdentityChange {
  readonly index: number;
  readonly kind: 'rotation' | 'removal' | 'registration after removal';
  readonly site: string;
  /** Fingerprints (registration/rotation.ts) of the key before and after. */
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
  readonly by?: string;
}

export interface IdentityFinding {
  readonly code: string;
  readonly index: number;
  readonly message: string;
}

export function emptyIdentityAuditState(): IdentityAuditState {
  return { sites: {} };
}

/** Replays entries [start, start + items.length) on top of `prior` (not modified). */
export function auditIdentities(start: number, items: readonly Uint8Array[], prior: IdentityAuditState, ca?: string | Buffer): {
  state: IdentityAuditState; findings: IdentityFinding[]; changes: IdentityChange[]; removedSites: Set<string>;
} {
  const state: IdentityAuditState = structuredClone(prior);
  const findings: IdentityFinding[] = [];
  const changes: IdentityChange[] = [];
  const removedSites = new Set<string>();
  items.forEach((bytes, i) => {
    const index = start + i;
    const decoded = decodeEntry(bytes);
    // Malformed or badly signed entries are BAD_ENTRY findings already (log/audit/entry-check.ts).
    if (!decoded.ok || entryProblem(decoded.entry) !== undefined || entrySignatureProblem(decoded.entry) !== undefined) return;
    const problem = (code: string, message: string): void => { findings.push({ code, index, message: `entry ${index}: ${message}` }); };
    replay(decoded.entry, index, state, changes, removedSites, problem, ca);
  });
  return { state, findings, changes, removedSites };
}

function replay(
  entry: LogEntry, index: number, state: IdentityAuditState, changes: IdentityChange[], removedSites: Set<string>,
  problem: (code: string, message: string) => void, ca: string | Buffer | undefined,
): void {
  const b = entry.body;
  const site = String(b['site']);
  const current = state.sites[site];
  const fp = keyFingerprint;
  const follow = (key: string, bookSince = current?.bookSince): void => {
    state.sites[site] = { key, keys: [...(current?.keys ?? []).filter((k) => k !== key), key], removed: false, ...(bookSince !== undefined ? { bookSince } : {}) };
  };
  if (entry.kind === 'node-removal') {
    const key = String(b['identityKey']);
    if (current === undefined || current.removed || current.key !== key) {
      problem('REMOVAL_OF_UNKNOWN_KEY', `node-removal of site ${site} names key ${fp(key)}, but the log registers ${current && !current.removed ? `key ${fp(current.key)}` : 'no key'} for it`);
    }
    if (current) state.sites[site] = { ...current, removed: true };
    removedSites.add(site);
    changes.push({ index, kind: 'removal', site, from: fp(key), reason: String(b['reason']), by: String(b['removedBy']) });
    return;
  }
  if (entry.kind !== 'node-registration' && entry.kind !== 'node-key-rotation') return;
  const key = String(b['identityKey']);
  if (entry.kind === 'node-key-rotation') {
    const previous = String(b['previousIdentityKey']);
    if (current === undefined || current.removed || current.key !== previous) {
      problem('ROTATION_NOT_FROM_CURRENT_KEY', `node-key-rotation of site ${site} is signed by key ${fp(previous)}, but the log registers ${current && !current.removed ? `key ${fp(current.key)}` : 'no key'} for it at that point`);
    }
    if (ca !== undefined) {
      const { registration, certification } = registrationOfEntry(entry);
      const uncertified = registrationCertificationProblem(registration, certification, ca);
      if (uncertified) problem('REGISTRATION_NOT_CERTIFIED', uncertified);
    }
    changes.push({ index, kind: 'rotation', site, from: fp(previous), to: fp(key) });
    follow(key);
    return;
  }
  if (current === undefined) return follow(key);
  if (current.removed) {
    changes.push({ index, kind: 'registration after removal', site, from: fp(current.key), to: fp(key) });
    return follow(key, index);
  }
  if (current.key !== key) {
    problem('KEY_REPLACED_WITHOUT_ROTATION', `node-registration of site ${site} under key ${fp(key)} replaces key ${fp(current.key)} with neither a rotation signed by the old key nor an operator removal before it`);
    follow(key);
  }
}
