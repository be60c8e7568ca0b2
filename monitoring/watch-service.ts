/**
 * The coordinator's `Monitoring.Watch` and `Monitoring.GetRescoreReceipt` (issue 21,
 * docs/design/monitoring.md 4.2 and 3.3): the bank's stream of its portfolio's events, and the
 * receipt of one of its re-scores. The other Monitoring handlers are the run's
 * (monitoring/portfolio-service.ts, run-driver.ts); coordinator/server.ts spreads these in.
 *
 * Watch: the first client message is `Start{portfolio, after?}`; the portfolio is the caller's
 * own (its TLS name is the requester, so another bank's portfolio is simply not found, and its
 * existence is not revealed). The stream is monitoring/events.ts `follow`: stored events after
 * `after` (default: the acknowledged cursor), then live ones, no gap and no duplicate; a
 * cursor beyond the newest event is EVENT_CURSOR_INVALID (OUT_OF_RANGE); a second Watch of the
 * same portfolio ends this one with WATCH_REPLACED (ALREADY_EXISTS). Later messages are
 * cumulative `Ack{event_id}`s, passed to `EventStore.ack` (written synced, coalesced).
 * Writes respect the stream's flow control: a slow bank holds events in the store, not in
 * the coordinator's memory.
 *
 * GetRescoreReceipt: as Scoring.GetReceipt (scoring/coordinator.ts), for a `rescore` entry whose
 * requester is the caller: the entry, and once a cosigned checkpoint covers it, its inclusion
 * proof and that checkpoint (waiting up to wait_ms, at most 30 s).
 */
import type * as grpc from '@grpc/grpc-js';
import { FedcreditError } from '../lib/errors.js';
import { toServiceError, unary } from '../lib/grpc.js';
import { callerIdentity } from '../lib/tls.js';
import { openCheckpoint } from '../log/checkpoint.js';
import { decodeEntry } from '../log/entries.js';
import type { CoordinatorLog } from '../log/service.js';
import type { MonitoringHandlers } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { WatchClientMessage__Output } from '../proto/gen/fedcredit/v1/WatchClientMessage.js';
import type { MonitoringEvent as WireEvent } from '../proto/gen/fedcredit/v1/MonitoringEvent.js';
import { eventToWire } from './event-wire.js';
import type { EventStore, PortfolioKey } from './events.js';
import { checkPortfolioName, type PortfolioStore } from './portfolio-store.js';

export const MAX_RESCORE_RECEIPT_WAIT_MS = 30_000;

export interface WatchDeps {
  readonly events: EventStore;
  readonly portfolios: PortfolioStore;
  readonly log: CoordinatorLog;
  /** The party's log lines (internal errors, with a reference the caller is given). */
  readonly logLine?: (line: string) => void;
}

type WatchCall = grpc.ServerDuplexStream<WatchClientMessage__Output, WireEvent>;

/** The certified requester name of the caller; monitoring is per bank, so an uncertified caller has none. */
function requesterOf(call: Parameters<typeof callerIdentity>[0]): string {
  const caller = callerIdentity(call);
  if (!caller) throw new FedcreditError('ROLE_NOT_ALLOWED', 'post-loan monitoring needs mutual TLS: a portfolio belongs to the bank its certificate names (start the coordinator and the bank with --tls)');
  return caller.name;
}

export function watchHandlers(deps: WatchDeps): Pick<MonitoringHandlers, 'Watch' | 'GetRescoreReceipt'> {
  return {
    Watch: (call: WatchCall) => serveWatch(call, deps),
    GetRescoreReceipt: unary(async (req, call) => rescoreReceipt(deps.log, Number(req.logIndex), Math.min(Number(req.waitMs) || 0, MAX_RESCORE_RECEIPT_WAIT_MS), requesterOf(call)), deps.logLine),
  };
}

function serveWatch(call: WatchCall, deps: WatchDeps): void {
  const stop = new AbortController();
  let key: PortfolioKey | undefined;
  let finished = false;
  /** Ends the call once: with the error's status, or OK. */
  const finish = (err?: unknown) => {
    if (finished) return;
    finished = true;
    stop.abort();
    if (call.cancelled) return;
    if (err === undefined) call.end();
    else call.emit('error', toServiceError(err, deps.logLine));
  };
  for (const event of ['cancelled', 'close']) call.once(event, () => {
    finished = true;
    stop.abort();
  });
  call.on('error', () => undefined);
  // The client ended its side: nothing more will be acknowledged, so the stream ends too.
  call.on('end', () => finish());

  const stream = async (p: PortfolioKey, after: bigint | undefined) => {
    for await (const e of deps.events.follow(p, after, stop.signal)) {
      if (finished) break;
      if (!call.write(eventToWire(e))) {
        await new Promise<void>((resolve) => {
          const go = () => {
            call.off('drain', go);
            stop.signal.removeEventListener('abort', go);
            resolve();
          };
          call.on('drain', go);
          stop.signal.addEventListener('abort', go, { once: true });
        });
      }
    }
  };

  const start = async (m: WatchClientMessage__Output) => {
    const requester = requesterOf(call);
    const portfolio = m.start?.portfolio ?? '';
    checkPortfolioName(portfolio);
    await deps.portfolios.require(requester, portfolio);
    key = { requester, portfolio };
    const after = m.start?.after === undefined ? undefined : BigInt(m.start.after);
    await stream(key, after);
    // follow ends without an error only when this call was stopped.
    finish();
  };

  // Acks are applied in order: EventStore.ack reads the cursor, so two in parallel could race.
  let acks: Promise<void> = Promise.resolve();
  let starting = false;
  call.on('data', (m: WatchClientMessage__Output) => {
    if (finished) return;
    if (m.message === 'start') {
      if (key !== undefined || starting) return finish(new FedcreditError('BAD_REQUEST', 'Watch takes one Start, as its first message; send Ack messages after it'));
      starting = true;
      start(m).catch(finish);
      return;
    }
    if (m.message === 'ack' && m.ack) {
      const p = key;
      if (!p) return finish(new FedcreditError('BAD_REQUEST', 'the first message of Watch must be Start{portfolio}; an Ack came before it'));
      const id = BigInt(m.ack.eventId);
      acks = acks.then(() => deps.events.ack(p, id)).catch(finish);
      return;
    }
    finish(new FedcreditError('BAD_REQUEST', 'a Watch message must be Start or Ack'));
  });
}

/** The receipt of the caller's own `rescore` entry (as ScoringCoordinator.receipt for a query). */
export async function rescoreReceipt(log: CoordinatorLog, index: number, waitMs: number, caller: string) {
  const store = log.store;
  if (!Number.isSafeInteger(index) || index < 0 || index >= store.size) throw new FedcreditError('NOT_FOUND', `no log entry ${index}`);
  const [bytes] = await store.entries(index, index + 1);
  const decoded = bytes ? decodeEntry(bytes) : undefined;
  // Only the requester's own re-scores: the log's other contents are for auditors.
  if (!bytes || !decoded?.ok || decoded.entry.kind !== 'rescore' || decoded.entry.body['requester'] !== caller) {
    throw new FedcreditError('NOT_FOUND', `log entry ${index} is not one of your re-scores (the log_index of a change event names one)`);
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const note = await store.latestCosignedCheckpoint();
    const opened = note ? openCheckpoint(note, { origin: log.origin, key: log.logKey }) : undefined;
    if (note && opened?.ok && opened.checkpoint.size > index) {
      const proof = await store.inclusionProof(index, opened.checkpoint.size);
      return { logIndex: index, entry: Buffer.from(bytes), treeSize: opened.checkpoint.size, inclusionProof: proof.map((h) => Buffer.from(h)), checkpoint: note };
    }
    if (Date.now() >= deadline) throw new FedcreditError('UNAVAILABLE', `no cosigned checkpoint covers entry ${index} yet; witnesses cosign in batches, ask again shortly`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
