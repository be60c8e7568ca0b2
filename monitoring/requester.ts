/**
 * The bank's side of post-loan monitoring's event stream (issue 21, docs/design/monitoring.md
 * 4.2): `WatchSession` keeps one `Monitoring.Watch` open for a portfolio, and turns each event
 * into one line (monitoring/event-wire.ts reads it back from the wire).
 *
 * - Explanations are opened and checked as scoring/requester.ts `ScoringSession` does: each
 *   site's box under its certified sealing key (SiteKeyVerifier), bound to this bank, the
 *   event's log index and the re-score id `runId:subject`, for the event's model and coverage.
 *   A box that does not hold is written as an `errors` entry of the event's line (code and
 *   what it means), never dropped silently and never shown as an explanation.
 * - With an out file (monitoring/event-file.ts) the file is the state: the stream starts after
 *   its last event; each event is appended and fsynced, and only then acknowledged, so a crash
 *   anywhere re-sends at most what the file drops as a duplicate: exactly once at the bank.
 *   Without one, each event is handed to `onEvent` and acknowledged: at least once.
 * - A broken stream (coordinator restart, network) is opened again after 1, 2, 4 .. 30 s,
 *   resuming where the file (or this session) left off. Errors that another try would repeat
 *   (the portfolio is not the bank's, a cursor beyond the newest event, another client took
 *   over the portfolio, a gap in the stream) end the session instead.
 */
import type * as grpc from '@grpc/grpc-js';
import { monitoringClient } from '../proto/clients.js';
import { FedcreditError, type ErrorCode } from '../lib/errors.js';
import { fromServiceError } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import { ExplanationOpener, openExplanation } from '../scoring/sealed-explanation.js';
import { SiteKeyVerifier } from '../scoring/site-key-statement.js';
import type { RequesterKeys } from '../scoring/requester-keys.js';
import type { ScoreReceiptFile, SiteExplanation } from '../scoring/protocol.js';
import type { MonitoringClient } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { MonitoringEvent__Output } from '../proto/gen/fedcredit/v1/MonitoringEvent.js';
import type { WatchClientMessage } from '../proto/gen/fedcredit/v1/WatchClientMessage.js';
import { eventFromWire, rescoreId } from './event-wire.js';
import type { EventSiteAnswer, MonitoringEvent } from './events.js';
import { EventFile, type EventLine } from './event-file.js';

export const BACKOFF_FIRST_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
/** A stream that stayed up this long resets the backoff, whether or not events came. */
const STABLE_MS = 30_000;
/** Refusals another try would only repeat: the session ends with them. */
const FINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PORTFOLIO_NOT_FOUND', 'EVENT_CURSOR_INVALID', 'WATCH_REPLACED', 'ROLE_NOT_ALLOWED', 'BAD_REQUEST', 'CERT_REVOKED', 'IDENTITY_MISMATCH', 'NOT_FOUND',
]);

/** One event as the bank keeps it: a JSON line of the out file. */
export interface WatchedEvent extends EventLine {
  readonly eventId: string;
  readonly kind: MonitoringEvent['kind'];
  readonly explanations?: readonly SiteExplanation[];
  /** Boxes that did not hold (EXPLANATION_FORGED, EXPLANATION_MALFORMED): which site and why. */
  readonly errors?: readonly { readonly site: string; readonly code: string; readonly message: string }[];
}

export interface WatchOptions {
  readonly coordinator: string;
  readonly transport: Transport;
  readonly keys: RequesterKeys;
  readonly portfolio: string;
  /** The bank's name as the boxes bind it (default: its certificate's). */
  readonly name?: string;
  /** The out file (JSON lines); absent: events go to onEvent only, at least once. */
  readonly out?: string;
  /** Each event once written (with an out file) or received (without). */
  readonly onEvent?: (e: WatchedEvent) => void;
  /** Reconnects and box errors, in words (the CLI prints them on stderr). */
  readonly onNotice?: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly backoffFirstMs?: number;
}

/** The event as a line: bytes as hex or base64, explanations opened (or the error saying why not). */
export function eventLine(e: MonitoringEvent, opened: { explanations: SiteExplanation[]; errors: { site: string; code: string; message: string }[] }): WatchedEvent {
  const { eventId, sites: _sites, entry, answerSignature, ...rest } = e;
  return {
    eventId: eventId.toString(),
    ...rest,
    ...(opened.explanations.length ? { explanations: opened.explanations } : {}),
    ...(opened.errors.length ? { errors: opened.errors } : {}),
    // What the coordinator's answer signature covers, in its order (for a receipt: rescoreReceiptFile).
    ...(e.sites?.length ? { coverage: e.sites.map((s) => ({ site: s.site, covered: s.covered })) } : {}),
    ...(entry ? { entry: Buffer.from(entry).toString('base64') } : {}),
    ...(answerSignature ? { answerSignature: Buffer.from(answerSignature).toString('hex') } : {}),
  };
}

/**
 * The receipt of a change or resumed event (the format `fedcredit audit receipt` checks,
 * scoring/protocol.ts ScoreReceiptFile, log/audit/receipt.ts): the event's answer, signed by
 * the coordinator over the re-score id `runId:subject`, its `rescore` entry, and the inclusion
 * proof and cosigned checkpoint GetRescoreReceipt returned.
 */
export function rescoreReceiptFile(line: WatchedEvent, requester: string, proof: { logIndex: number; entry: Uint8Array; treeSize: number; inclusionProof: readonly Uint8Array[]; checkpoint: string }): ScoreReceiptFile {
  const e = line as WatchedEvent & { runId?: string; subject?: string; current?: { points: number; grade: string; warning: string; modelVersion: string }; coverage?: { site: string; covered: boolean }[]; answerSignature?: string; logIndex?: number };
  if ((e.kind !== 'change' && e.kind !== 'resumed') || !e.current || !e.subject || !e.runId || !e.answerSignature || e.logIndex === undefined) {
    throw new FedcreditError('BAD_REQUEST', `event ${line.eventId} is a ${line.kind} event without a signed answer: only change and resumed events have receipts`);
  }
  if (proof.logIndex !== e.logIndex) throw new FedcreditError('BAD_REQUEST', `the coordinator's proof is for entry ${proof.logIndex}, the event's entry is ${e.logIndex}`);
  return {
    v: 1, kind: 'fedcredit-score-receipt', queryId: rescoreId(e.runId, e.subject), requester, enterprise: e.subject,
    answer: { points: e.current.points, grade: e.current.grade, warning: e.current.warning, model: e.current.modelVersion, coverage: e.coverage ?? [], signature: e.answerSignature },
    logIndex: proof.logIndex, entry: Buffer.from(proof.entry).toString('base64'), treeSize: proof.treeSize,
    inclusionProof: proof.inclusionProof.map((h) => Buffer.from(h).toString('base64')), checkpoint: proof.checkpoint,
  };
}

export class WatchSession {
  readonly #o: WatchOptions;
  readonly #client: MonitoringClient;
  readonly #name: string;
  readonly #opener: ExplanationOpener;
  readonly #siteKeys: SiteKeyVerifier;
  readonly #file: EventFile | undefined;
  /** The last event handled (written, or handed on): where a reconnect resumes. */
  #last: bigint | undefined;

  constructor(o: WatchOptions) {
    this.#o = o;
    this.#client = monitoringClient(o.coordinator, o.transport);
    this.#name = o.name ?? (o.transport.kind === 'tls' ? o.transport.material.identity.name : 'requester');
    this.#opener = new ExplanationOpener(o.keys.sealing.privateKey);
    this.#siteKeys = new SiteKeyVerifier(o.transport);
    this.#file = o.out === undefined ? undefined : new EventFile(o.out);
    this.#last = this.#file?.last;
  }

  /** Where the next stream starts: after the file's last event (or this session's), else the coordinator's cursor. */
  get after(): bigint | undefined {
    return this.#last;
  }

  /** Watches until the signal aborts (resolves) or a final refusal (rejects); reconnects otherwise. */
  async run(): Promise<void> {
    let backoff = this.#o.backoffFirstMs ?? BACKOFF_FIRST_MS;
    try {
      while (!this.#o.signal?.aborted) {
        const opened = Date.now();
        try {
          await this.#stream();
          if (this.#o.signal?.aborted) return;
          throw new FedcreditError('UNAVAILABLE', 'the coordinator ended the stream');
        } catch (err) {
          if (this.#o.signal?.aborted) return;
          if (err instanceof HandlingFailed) throw err.cause;
          const e = err instanceof FedcreditError ? err : fromServiceError(err, this.#o.coordinator);
          if (FINAL.has(e.code)) throw e;
          if (Date.now() - opened >= STABLE_MS) backoff = this.#o.backoffFirstMs ?? BACKOFF_FIRST_MS;
          this.#o.onNotice?.(`watch: the stream broke (${e.code}: ${e.message}); reconnecting in ${backoff / 1000} s, resuming after event ${this.#last ?? 'the acknowledged cursor'}`);
          await sleep(backoff, this.#o.signal);
          backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        }
      }
    } finally {
      this.close();
    }
  }

  /** One stream: resolves when it ends cleanly or the signal aborts; rejects with the stream's error. */
  #stream(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const call: grpc.ClientDuplexStream<WatchClientMessage, MonitoringEvent__Output> = this.#client.Watch();
      let settled = false;
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        this.#o.signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      const onAbort = () => {
        call.cancel();
        settle();
      };
      this.#o.signal?.addEventListener('abort', onAbort, { once: true });
      call.on('data', (w: MonitoringEvent__Output) => {
        if (settled) return;
        try {
          const id = this.#handle(w);
          call.write({ ack: { eventId: id.toString() } });
        } catch (err) {
          // A gap, a full disk, a malformed event: nothing after it may be acknowledged, and
          // another try would meet it again: the session ends (a restart resumes from the file).
          settle(new HandlingFailed(err));
          call.cancel();
        }
      });
      call.on('error', (err) => settle(fromServiceError(err, this.#o.coordinator)));
      call.on('end', () => settle());
      call.write({ start: { portfolio: this.#o.portfolio, ...(this.#last !== undefined ? { after: this.#last.toString() } : {}) } });
    });
  }

  /** Writes (or hands on) one event; returns the id to acknowledge. */
  #handle(w: MonitoringEvent__Output): bigint {
    const e = eventFromWire(w);
    if (this.#file && e.eventId <= this.#file.last) return e.eventId;
    const line = eventLine(e, this.#open(e));
    for (const bad of line.errors ?? []) this.#o.onNotice?.(`watch: event ${line.eventId} (${e.subject ?? ''}): the explanation of site ${bad.site} does not hold: ${bad.code}: ${bad.message}`);
    if (this.#file) this.#file.append(line);
    this.#last = e.eventId;
    this.#o.onEvent?.(line);
    return e.eventId;
  }

  /** Each site's box opened and checked, or the reason it does not hold. */
  #open(e: MonitoringEvent): { explanations: SiteExplanation[]; errors: { site: string; code: string; message: string }[] } {
    const explanations: SiteExplanation[] = [];
    const errors: { site: string; code: string; message: string }[] = [];
    for (const s of e.sites ?? []) {
      try {
        explanations.push(this.openSiteExplanation(e, s));
      } catch (err) {
        if (!(err instanceof FedcreditError)) throw err;
        errors.push({ site: s.site, code: err.code, message: err.message });
      }
    }
    return { explanations, errors };
  }

  /** As ScoringSession.openSiteExplanation, for a re-score: bound to `runId:subject` and the event's log index. */
  openSiteExplanation(e: MonitoringEvent, s: EventSiteAnswer): SiteExplanation {
    if (e.subject === undefined || e.logIndex === undefined) throw new FedcreditError('EXPLANATION_MALFORMED', `event ${e.eventId} carries explanations but no subject or log index to bind them to`);
    const siteKey = this.#siteKeys.keyFor(s.site, s.siteKeyStatement);
    const x = openExplanation(this.#opener, s.sealedExplanation, s.site, this.#name, e.logIndex, rescoreId(e.runId, e.subject), siteKey);
    const model = e.current?.modelVersion;
    if (model !== undefined && x.model !== model) throw new FedcreditError('EXPLANATION_FORGED', `site ${s.site} explained model ${x.model.slice(0, 64)}, but the event is for model ${model.slice(0, 64)}`);
    if (x.covered !== s.covered) throw new FedcreditError('EXPLANATION_FORGED', `site ${s.site} says it ${x.covered ? 'holds' : 'holds no'} records of the enterprise, the event says otherwise`);
    return x;
  }

  close(): void {
    this.#file?.close();
    this.#client.close();
  }
}

/** An event this client could not write or read: final, unlike a broken stream. */
class HandlingFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
