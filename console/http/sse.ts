/**
 * Server-Sent Events (live progress, docs/design/console.md 4.1 and 4.2): `sse(run)` returns a
 * streamed response; `run` sends messages until it returns or the browser goes away (`signal`).
 * A comment line every 15 s keeps proxies from closing an idle stream. Messages are JSON in the
 * shape live.js applies (text, value, append, reload, close: static/live.ts).
 */
import type { Writable } from 'node:stream';
import type { Response } from './router.js';

export interface LiveMessage {
  text?: Record<string, string>;
  value?: Record<string, number>;
  append?: Record<string, string>;
  reload?: boolean;
  close?: boolean;
}

export interface SseSink {
  /** Sends one message (JSON in `data:`), optionally with an event id. */
  send(message: LiveMessage | Record<string, unknown>, id?: string): void;
  readonly closed: boolean;
}

export const KEEPALIVE_MS = 15_000;

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
