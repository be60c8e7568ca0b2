/**
 * The auditor's view of the federation over gRPC: the coordinator's TransparencyLog service
 * and each node's NodeAudit service (proto/fedcredit/v1/log.proto). Every response can be
 * handed to an observer, so tests can show what an auditor receives (metadata only).
 */
import { call } from '../lib/grpc.js';
import { nodeAuditClient, transparencyLogClient } from '../proto/clients.js';
import type { LogInfo__Output } from '../proto/gen/fedcredit/v1/LogInfo.js';
import type { CheckpointResponse__Output } from '../proto/gen/fedcredit/v1/CheckpointResponse.js';
import type { SignedServedRecord } from './served-record.js';
import type { Transport } from '../lib/tls.js';

/** Sees every response the auditor receives: which service method, and the message. */
export type MessageObserver = (method: string, message: unknown) => void;

const DEADLINE_MS = 60_000;

export class LogReader {
  readonly #client;
  readonly #observe: MessageObserver;
  /** The auditor's transport, also used to reach the nodes it cross-checks. */
  readonly transport: Transport;

  constructor(address: string, transport: Transport, observe: MessageObserver = () => undefined) {
    this.#client = transparencyLogClient(address, transport);
    this.transport = transport;
    this.#observe = observe;
  }

  async #call<Req, Res>(name: string, method: Parameters<typeof call<Req, Res>>[1], req: Req): Promise<Res> {
    const res = await call(this.#client, method, req, DEADLINE_MS);
    this.#observe(`TransparencyLog.${name}`, res);
    return res;
  }

  info(): Promise<LogInfo__Output> {
    return this.#call('GetLogInfo', this.#client.GetLogInfo, {});
  }

  checkpoints(): Promise<CheckpointResponse__Output> {
    return this.#call('GetCheckpoint', this.#client.GetCheckpoint, {});
  }

  async consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    const res = await this.#call('GetConsistencyProof', this.#client.GetConsistencyProof, { oldSize, newSize });
    return res.hashes.map((h) => new Uint8Array(h));
  }

  async inclusionProof(index: number, treeSize: number): Promise<Uint8Array[]> {
    const res = await this.#call('GetInclusionProof', this.#client.GetInclusionProof, { index, treeSize });
    return res.hashes.map((h) => new Uint8Array(h));
  }

  /** Entries [from, to), page by page; stops early (returning fewer) if a page comes back empty. */
  async entries(from: number, to: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    while (from + out.length < to) {
      const res = await this.#call('GetEntries', this.#client.GetEntries, { from: from + out.length, to });
      if (Number(res.from) !== from + out.length || res.entries.length === 0) break;
      for (const e of res.entries.slice(0, to - from - out.length)) out.push(new Uint8Array(e));
    }
    return out;
  }

  close(): void {
    this.#client.close();
  }
}

/** A node's signed served records, as it returns them; with TLS the node must hold `site`'s certificate. */
export async function fetchServedRecords(
  address: string, transport: Transport, site: string, from: number, observe: MessageObserver = () => undefined,
): Promise<{ site: string; records: SignedServedRecord[] }> {
  const client = nodeAuditClient(address, transport, site);
  try {
    const res = await call(client, client.GetServedRecords, { from }, DEADLINE_MS);
    observe('NodeAudit.GetServedRecords', res);
    return { site: res.site, records: res.records.map((r) => ({ record: new Uint8Array(r.record), signature: new Uint8Array(r.signature) })) };
  } finally {
    client.close();
  }
}

/**
 * Waits until the newest checkpoint the log signed is also final with at least `cosigners`
 * cosignatures (e.g. every node), so an audit right after covers everything logged so far.
 */
/** `minSize`: also wait until the final checkpoint covers at least this many entries (a just-appended one). */
export async function waitForCosignedLatest(address: string, transport: Transport, cosigners: number, timeoutMs = 30_000, minSize = 0): Promise<void> {
  const reader = new LogReader(address, transport);
  const deadline = Date.now() + timeoutMs;
  const body = (note: string) => note.slice(0, note.indexOf('\n\n') + 1);
  try {
    for (;;) {
      const { latest, final } = await reader.checkpoints();
      const lines = final.split('\n').filter((l) => l.startsWith('— ')).length;
      const size = Number(final.split('\n')[1] ?? 0);
      if (final && body(final) === body(latest) && lines - 1 >= cosigners && size >= minSize) return;
      if (Date.now() > deadline) throw new Error(`the latest checkpoint was not cosigned by ${cosigners} witnesses within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    reader.close();
  }
}
