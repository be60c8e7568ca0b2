/**
 * The auditor console's own state (docs/design/console.md 4.4), one per process: its LevelDB
 * (`<data>/auditor-db`: verify runs `v/...`, checkpoints it verified `c/<size:016x>`), the verify
 * runner (console/verify-worker.ts, one run at a time), and the log's entries for /entries,
 * fetched whole and checked against the cosigned root by log/audit/entries.ts (as `audit
 * entries` does), kept in memory until the cosigned checkpoint changes.
 *
 * The trust is the --state file of `audit verify` (pinned log key and witnesses); before the
 * first run there is none, and the views say so rather than trust what the coordinator serves.
 */
import path from 'node:path';
import { Level } from 'level';
import type { RequestContext } from '../../http/router.js';
import { VerifyRunner } from '../../verify-worker.js';
import { loadState, loadTrustedRegistrarsFile, witnessKeys, type AuditorState } from '../../../log/audit/trust.js';
import { entriesAbout, type EnterpriseEntries } from '../../../log/audit/entries.js';
import { LogReader } from '../../../log/client.js';
import { openCheckpoint, verifyCosignatures } from '../../../log/checkpoint.js';
import { verifyConsistency } from '../../../log/merkle.js';
import type { Transport } from '../../../lib/tls.js';

export interface SeenCheckpoint {
  readonly size: number;
  readonly root: string;
  readonly cosignedBy: readonly string[];
  readonly quorum: number;
  readonly seen: number;
  /** Consistent with the previous one kept (null for the first). */
  readonly consistentWith: number | null;
}

export class AuditorConsole {
  readonly db: Level<string, string>;
  readonly verify: VerifyRunner;
  readonly stateFile: string;
  readonly target: string;
  readonly transport: Transport;
  #entries: { note: string; result: EnterpriseEntries } | undefined;

  constructor(ctx: RequestContext) {
    const o = ctx.options;
    this.db = new Level<string, string>(path.join(o.dataDir, 'auditor-db'), { valueEncoding: 'utf8' });
    this.stateFile = o.state ?? path.join(o.dataDir, 'audit-state.json');
    this.target = o.target;
    this.transport = ctx.clients.transport;
    this.verify = new VerifyRunner(this.db, {
      coordinator: o.target, tlsDir: this.transport.kind === 'tls' ? o.tlsDir : undefined, stateFile: this.stateFile,
      trustedRegistrars: loadTrustedRegistrarsFile(o.trustedRegistrars),
    });
  }

  state(): AuditorState | undefined {
    return loadState(this.stateFile);
  }

  reader(): LogReader {
    return new LogReader(this.target, this.transport);
  }

  /** Every entry of the log, complete for the newest cosigned checkpoint (verified with the pinned keys when there are some). */
  async entries(): Promise<EnterpriseEntries> {
    const reader = this.reader();
    let note: string;
    try {
      note = (await reader.checkpoints()).final;
    } finally {
      reader.close();
    }
    if (this.#entries && this.#entries.note === note) return this.#entries.result;
    const haveState = this.state() !== undefined;
    const result = await entriesAbout({ coordinator: this.target, transport: this.transport, ...(haveState ? { stateFile: this.stateFile } : {}) });
    this.#entries = { note, result };
    return result;
  }

  /**
   * Verifies the log's newest cosigned checkpoint with the pinned keys and keeps it if new,
   * after checking it is consistent with the newest one kept. Returns why it was refused, if it was.
   */
  async observeCheckpoint(): Promise<string | undefined> {
    const state = this.state();
    if (!state) return undefined;
    const reader = this.reader();
    try {
      const { final } = await reader.checkpoints();
      if (!final) return undefined;
      const opened = openCheckpoint(final, { origin: state.origin, key: { name: state.origin, publicKey: Buffer.from(state.logKey, 'hex') } });
      if (!opened.ok) return `the log's cosigned checkpoint does not verify under the pinned log key: ${opened.reason}`;
      const cp = opened.checkpoint;
      const witnesses = witnessKeys(state);
      const cosignedBy = verifyCosignatures(final, witnesses).valid.map((v) => v.name).sort();
      if (cosignedBy.length < witnesses.length) return `the checkpoint of size ${cp.size} is cosigned by ${cosignedBy.length} of the ${witnesses.length} pinned witnesses`;
      const root = Buffer.from(cp.rootHash).toString('hex');
      const key = `c/${cp.size.toString(16).padStart(16, '0')}`;
      const known = await this.db.get(key);
      if (known !== undefined) return (JSON.parse(known) as SeenCheckpoint).root === root ? undefined : `the log shows another root for size ${cp.size} than the one this console kept: a split view`;
      const [previous] = await this.checkpoints(1);
      if (previous && previous.size > cp.size) return `the log's cosigned checkpoint (size ${cp.size}) is older than one this console kept (size ${previous.size})`;
      if (previous && previous.size > 0) {
        const proof = await reader.consistencyProof(previous.size, cp.size);
        const verdict = verifyConsistency(previous.size, cp.size, Buffer.from(previous.root, 'hex'), cp.rootHash, proof);
        if (!verdict.ok) return `the checkpoint of size ${cp.size} is not consistent with the one of size ${previous.size}: ${verdict.reason}`;
      }
      const seen: SeenCheckpoint = { size: cp.size, root, cosignedBy, quorum: witnesses.length, seen: Date.now(), consistentWith: previous?.size ?? null };
      await this.db.put(key, JSON.stringify(seen));
      return undefined;
    } finally {
      reader.close();
    }
  }

  async checkpoints(limit = 100): Promise<SeenCheckpoint[]> {
    const out: SeenCheckpoint[] = [];
    for await (const [, v] of this.db.iterator({ gte: 'c/', lt: 'c/\uffff', reverse: true, limit })) out.push(JSON.parse(v) as SeenCheckpoint);
    return out;
  }
}

let current: AuditorConsole | undefined;

/** The process's auditor console state (one console per process). */
export function auditorConsole(ctx: RequestContext): AuditorConsole {
  current ??= new AuditorConsole(ctx);
  return current;
}
