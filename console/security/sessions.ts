/**
 * Sessions in memory (docs/design/console.md 3.4): an opaque 256-bit id in the
 * `__Host-fc-session` cookie; the server keeps only SHA-256(id), so a memory dump or a log
 * line never yields a usable cookie. A new id at every sign-in (no fixation). Staff sessions
 * end after 30 minutes idle or 12 hours; enterprise sessions after 15 minutes or 2 hours. At
 * most 1,000 sessions and 10 per user (the oldest ends). A restart signs everyone out.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Lang } from '../i18n/catalogue.js';

export type SessionAccess = 'viewer' | 'admin' | 'enterprise';

export interface Session {
  /** SHA-256 of the cookie's id, hex: the map key. */
  readonly key: string;
  /** Staff: the account's name (`(login link)` for the single-use link). */
  readonly user?: string;
  /** Enterprise: the credit code it proved it holds the key of. */
  readonly subject?: string;
  readonly access: SessionAccess;
  /** The form token of this session (base64url of 32 random bytes). */
  readonly csrf: string;
  readonly created: number;
  lastSeen: number;
  lang?: Lang;
}

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

export const STAFF_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };
export const ENTERPRISE_LIMITS: SessionLimits = { idleMs: 15 * 60_000, maxMs: 2 * 3_600_000 };
export const MAX_SESSIONS = 1_000;
export const MAX_SESSIONS_PER_USER = 10;

export function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a session; returns the cookie id (shown once, never stored). */
  create(who: { user: string; access: 'viewer' | 'admin' } | { subject: string; access: 'enterprise' }, lang?: Lang): { id: string; session: Session } {
    const id = randomToken();
    const now = this.now();
    const session: Session = { key: hashId(id), ...who, csrf: randomToken(), created: now, lastSeen: now, ...(lang ? { lang } : {}) };
    const owner = ownerOf(session);
    const mine = [...this.sessions.values()].filter((s) => ownerOf(s) === owner).sort((a, b) => a.created - b.created);
    while (mine.length >= MAX_SESSIONS_PER_USER) this.sessions.delete(mine.shift()!.key);
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      // Maps iterate in insertion order: the first is the oldest.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(session.key, session);
    return { id, session };
  }

  /** The live session for a cookie id, touched; undefined (and forgotten) when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id || id.length > 100) return undefined;
    const key = hashId(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const now = this.now();
    if (expired(session, now)) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  delete(session: Session): void {
    this.sessions.delete(session.key);
  }

  /** Ends every session of an account (disabled, password changed). */
  endUser(user: string): void {
    for (const s of this.sessions.values()) if (s.user === user) this.sessions.delete(s.key);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const s of this.sessions.values()) if (expired(s, now)) this.sessions.delete(s.key);
  }
}

function ownerOf(s: Session): string {
  return s.subject !== undefined ? `e:${s.subject}` : `u:${s.user ?? ''}`;
}

export function limitsOf(session: Session): SessionLimits {
  return session.access === 'enterprise' ? ENTERPRISE_LIMITS : STAFF_LIMITS;
}

function expired(s: Session, now: number): boolean {
  const limits = limitsOf(s);
  return now - s.lastSeen > limits.idleMs || now - s.created >= limits.maxMs;
}
