/**
 * Server-Sent Events (live progress, docs/design/console.md 4.1 and 4.2): `sse(run)` returns a
 * streamed response; `run` sends messages until it returns or the browser goes away (`signal`).
 * A comment line every 15 s keeps proxies from closing an idle stream. Messages are JSON in the
 * shape live.js applies (text, value, append, reload, close: static/live.ts).
 *
 * A stream whose messages add lines gives each such message an id (a running count): a browser
 * that reconnects (a proxy or the network cut it; EventSource retries on its own) sends the last
 * one back as Last-Event-ID, and `resumeAfter` makes the handler go on after it instead of
 * sending the page's lines a second time.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Writable } from 'node:stream';
import type { Response } from './router.js';

export interface LiveMessage {
  text?: Record<string, string>;
  value?: Record<string, number>;
  append?: Record<string, string>;
  /** The element's status colour (live.js: class status-ok, -warn or -bad). */
  status?: Record<string, 'ok' | 'warn' | 'bad'>;
  reload?: boolean;
  close?: boolean;
}

export interface SseSink {
  /** Sends one message (JSON in `data:`), optionally with an event id. */
  send(message: LiveMessage | Record<string, unknown>, id?: string): void;
  readonly closed: boolean;
}

export const KEEPALIVE_MS = 15_000;

const COUNT = /^\d{1,15}$/;

/**
 * Where a stream of counted lines starts: after the `after` the page was rendered with (its
 * query), or after the browser's Last-Event-ID if it reconnected further on. Anything else in
 * either is taken as 0 / absent (a hand-typed URL at worst shows lines twice, never fails).
 */
export function resumeAfter(after: string | null | undefined, headers: IncomingHttpHeaders): number {
  const rendered = COUNT.test(after?.trim() ?? '') ? Number(after!.trim()) : 0;
  const header = headers['last-event-id'];
  const seen = typeof header === 'string' && COUNT.test(header.trim()) ? Number(header.trim()) : 0;
  return Math.max(rendered, seen);
}

const EVENT_ID = /^\d{1,20}$/;

/**
 * `resumeAfter` for a stream whose ids are stored event ids (the bank's portfolio events, bigints)
 * rather than counts: the later of the id the page was rendered with and Last-Event-ID; undefined
 * when neither is a plain id (the caller then starts at its newest).
 */
export function resumeAfterEventId(after: string | null | undefined, headers: IncomingHttpHeaders): bigint | undefined {
  const id = (v: unknown) => (typeof v === 'string' && EVENT_ID.test(v.trim()) ? BigInt(v.trim()) : undefined);
  const rendered = id(after);
  const seen = id(headers['last-event-id']);
  if (rendered === undefined || seen === undefined) return rendered ?? seen;
  return rendered > seen ? rendered : seen;
}

export function sse(run: (sink: SseSink, signal: AbortSignal) => Promise<void>): Response {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no', connection: 'keep-alive' },
    stream: async (out: Writable, signal: AbortSignal) => {
      let closed = false;
      signal.addEventListener('abort', () => { closed = true; }, { once: true });
      const write = (text: string) => { if (!closed && !out.writableEnded) out.write(text); };
      write('retry: 3000\n\n');
      const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      const sink: SseSink = {
        send: (message, id) => write(`${id !== undefined ? `id: ${id.replace(/[\r\n]/g, '')}\n` : ''}data: ${JSON.stringify(message)}\n\n`),
        get closed() { return closed; },
      };
      try {
        await run(sink, signal);
      } finally {
        clearInterval(keepalive);
      }
    },
  };
}
