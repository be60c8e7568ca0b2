/**
 * The ONE place that reads the subject index's entries (docs/design/console.md 4.5: "only its
 * own entries, enforced in one place"). The subject always comes from the enterprise session,
 * set at sign-in after the registered key's signature verified; no route has a subject
 * parameter and nothing here reads one from the request. tests/console/enterprise-isolation.test.ts
 * checks that enterprise A's pages and their links never hold B's credit code or entry indices.
 */
import type { RequestContext } from '../../http/router.js';
import type { IndexedEntry } from '../../../log/subject-index.js';
import { FedcreditError } from '../../../lib/errors.js';
import { portalState } from './state.js';

export const PORTAL_PAGE = 50;

/** The signed-in enterprise's credit code; throws if the session is not an enterprise's. */
export function sessionSubject(ctx: RequestContext): string {
  const s = ctx.session;
  if (s?.access !== 'enterprise' || typeof s.subject !== 'string' || s.subject.length === 0) {
    throw new FedcreditError('ROLE_NOT_ALLOWED', 'this page is for an enterprise signed in with its registered key');
  }
  return s.subject;
}

export interface ScopedEntries {
  readonly subject: string;
  /** The cosigned size the index covers. */
  readonly size: number;
  readonly entries: readonly IndexedEntry[];
  /** Why the index could not catch up just now (the entries are those verified before). */
  readonly problem?: string;
}

/** The session's enterprise's entries, newest first, before index `before`. */
export async function ownEntries(ctx: RequestContext, opts: { limit: number; before?: number }): Promise<ScopedEntries> {
  const subject = sessionSubject(ctx);
  const { index, problem } = await portalState(ctx).index();
  return { subject, size: index.size, entries: await index.entriesOf(subject, opts), ...(problem !== undefined ? { problem } : {}) };
}

export interface ConsentSeen {
  readonly consentId: string;
  readonly bank: string;
  readonly purpose: string;
  readonly validFrom: number | null;
  readonly validUntil: number | null;
  readonly maxUses: number | null;
  readonly uses: number;
  readonly lastUse: number | null;
  /** The revocation entry's index, if the log holds one. */
  readonly revokedAt: number | null;
}

/** The session's enterprise's consents as its entries show them (queries and re-scores using each, revocations). */
export async function ownConsents(ctx: RequestContext): Promise<{ subject: string; consents: ConsentSeen[] }> {
  const { subject, entries } = await ownEntries(ctx, { limit: 100_000 });
  const byId = new Map<string, { -readonly [K in keyof ConsentSeen]: ConsentSeen[K] }>();
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  // Oldest first, so terms come from the first use and the last use is the newest.
  for (const e of [...entries].reverse()) {
    const b = e.body;
    const id = typeof b['consentId'] === 'string' ? b['consentId'] : undefined;
    if (id === undefined) continue;
    let c = byId.get(id);
    if (c === undefined) {
      c = { consentId: id, bank: '', purpose: '', validFrom: null, validUntil: null, maxUses: null, uses: 0, lastUse: null, revokedAt: null };
      byId.set(id, c);
    }
    if (e.kind === 'revocation') {
      c.revokedAt ??= e.index;
      continue;
    }
    if (e.kind === 'query' || e.kind === 'rescore') {
      c.uses += 1;
      c.lastUse = num(b['time']) ?? c.lastUse;
      if (!c.bank) c.bank = String(b['consentRequester'] ?? b['requester'] ?? '');
      if (!c.purpose && typeof b['purpose'] === 'string') c.purpose = b['purpose'];
      c.validFrom ??= num(b['consentValidFrom']);
      c.validUntil ??= num(b['consentValidUntil']);
      c.maxUses ??= num(b['consentMaxUses']);
    }
  }
  return { subject, consents: [...byId.values()].sort((a, b) => (b.lastUse ?? 0) - (a.lastUse ?? 0)) };
}
