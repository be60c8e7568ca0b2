/**
 * How every command reports: a human summary on stdout by default, one JSON document with
 * --json, and failures as `error [CODE]: message` on stderr with a non-zero exit status.
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
