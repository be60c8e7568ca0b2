/**
 * The enterprise portal's state, one per console process (docs/design/console.md 3.3, 4.5): the
 * subject index (log/subject-index.ts) in `<data>/enterprise-index`, and the pending sign-in
 * challenges (console/security/enterprise-challenge.ts).
 *
 * What the index trusts: in an auditor's console, the log key and witnesses pinned in its
 * --state file (once `audit verify` ran); otherwise the keys the coordinator serves
 * (GetLogInfo), with its quorum: a coordinator's console is its own operator's, so it trusts its
 * own server, as the coordinator's CLI does. Either way only cosigned entries are shown.
 *
 * Do not read the index's `s/` entries from here: console/pages/enterprise/scope.ts is the only
 * reader, and it takes the subject from the session.
 */
import path from 'node:path';
import { Level } from 'level';
import type { RequestContext } from '../../http/router.js';
import { SubjectIndex, type IndexTrust } from '../../../log/subject-index.js';
import { LogReader } from '../../../log/client.js';
import { loadState, loadTrustedRegistrarsFile, witnessKeys } from '../../../log/audit/trust.js';
import { EnterpriseChallenges } from '../../security/enterprise-challenge.js';

export class PortalState {
  readonly trustedRegistrars: readonly string[];
  readonly challenges: EnterpriseChallenges;
  readonly #db: Level<string, string>;
  readonly #ctx: Pick<RequestContext, 'options' | 'clients'>;
  readonly #index: SubjectIndex;
  #trusted: IndexTrust | undefined;

  constructor(ctx: RequestContext) {
    this.#ctx = { options: ctx.options, clients: ctx.clients };
    this.#db = new Level<string, string>(path.join(ctx.options.dataDir, 'enterprise-index'), { valueEncoding: 'utf8' });
    this.trustedRegistrars = loadTrustedRegistrarsFile(ctx.options.trustedRegistrars);
    this.challenges = new EnterpriseChallenges({
      origin: ctx.options.publicOrigin,
      trustedRegistrars: this.trustedRegistrars,
      bindings: async (subject) => (await this.index()).index.bindingsOf(subject),
    });
    this.#index = new SubjectIndex(this.#db, {
      checkpoints: async () => { const r = this.#reader(); try { return await r.checkpoints(); } finally { r.close(); } },
      entryPage: async (from, to) => { const r = this.#reader(); try { return await r.entries(from, to); } finally { r.close(); } },
    }, async () => (this.#trusted ??= await this.#trust()));
  }

  #reader(): LogReader {
    return new LogReader(this.#ctx.options.target, this.#ctx.clients.transport);
  }

  async #trust(): Promise<IndexTrust> {
    const o = this.#ctx.options;
    const state = o.kind === 'auditor' && o.state !== undefined ? loadState(o.state) : undefined;
    if (state) return { origin: state.origin, logKey: { name: state.origin, publicKey: Buffer.from(state.logKey, 'hex') }, witnesses: witnessKeys(state) };
    const reader = this.#reader();
    try {
      const info = await reader.info();
      return {
        origin: info.origin, logKey: { name: info.origin, publicKey: new Uint8Array(info.logPublicKey) },
        witnesses: info.witnesses.map((w) => ({ name: w.name, publicKey: new Uint8Array(w.publicKey) })), quorum: info.quorum,
      };
    } finally {
      reader.close();
    }
  }

  /**
   * The index, caught up with the newest cosigned checkpoint; when the log cannot be read or
   * does not verify just now, the entries verified before, with the reason (`problem`), so
   * the enterprise still sees what was verified and is told it may be behind.
   */
  async index(): Promise<{ index: SubjectIndex; problem?: string }> {
    try {
      await this.#index.catchUp();
      return { index: this.#index };
    } catch (err) {
      await this.#index.load();
      return { index: this.#index, problem: err instanceof Error ? err.message : String(err) };
    }
  }
}

let current: PortalState | undefined;

export function portalState(ctx: RequestContext): PortalState {
  current ??= new PortalState(ctx);
  return current;
}
