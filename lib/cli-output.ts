/**
 * How every command reports: a human summary on stdout by default, one JSON document with
 * --json, and failures as `error [CODE]: message` on stderr with a non-zero exit status. With
 * --json a failure is also one JSON document on stdout (`{"error": {"code", "message"}}`), so
 * a script reading stdout always gets JSON it can branch on, never an empty pipe.
 */
import { InvalidArgumentError } from 'commander';
import { FedcreditError } from './errors.js';

export function emit(json: boolean, value: unknown, human: () => string): void {
  if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** Run a command body; any failure becomes a clean message and exit status 1 (never a stack trace). */
export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (jsonRequested()) process.stdout.write(`${JSON.stringify({ error: errorDocument(err) }, null, 2)}\n`);
    if (err instanceof FedcreditError) {
      process.stderr.write(`error [${err.code}]: ${err.message}\n`);
    } else if (err instanceof RangeError || err instanceof TypeError) {
      process.stderr.write(`error: ${err.message}\n`);
    } else {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.FEDCREDIT_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    }
    process.exitCode = 1;
  }
}

/** Whether this run asked for --json (read from argv: runCommand sees no flags, and every command spells it so). */
export function jsonRequested(argv: readonly string[] = process.argv): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** The error as --json prints it: its stable code, the message, and its caller-safe detail. */
export function errorDocument(err: unknown): { code: string; message: string; detail?: unknown } {
  if (err instanceof FedcreditError) {
    const { grpcStatus: _status, ...detail } = (err.detail !== null && typeof err.detail === 'object' ? err.detail : {}) as Record<string, unknown>;
    return { code: err.code, message: err.message, ...(Object.keys(detail).length > 0 ? { detail } : {}) };
  }
  const code = (err as { code?: unknown }).code;
  return { code: typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'ERROR', message: err instanceof Error ? err.message : String(err) };
}

/** Parse a positive integer option, naming the option in the error. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive whole number, got '${value}'`);
    }
    return n;
  };
}

/** A progress line on stderr that rewrites itself on a terminal and stays quiet otherwise. */
export function progressLine(label: string, enabled = process.stderr.isTTY === true): (text: string) => void {
  if (!enabled) return () => undefined;
  return (text) => process.stderr.write(`\r${label}: ${text}\u001b[K`);
}

export function endProgress(enabled = process.stderr.isTTY === true): void {
  if (enabled) process.stderr.write('\n');
}

/** A TCP port option: 0 (any free port) to 65535. */
export function portOption(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535) throw new InvalidArgumentError(`--port must be 0-65535, got '${value}'`);
  return n;
}

/** Resolve on SIGINT or SIGTERM, so servers can shut down cleanly and close their stores. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
