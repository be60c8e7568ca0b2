/**
 * Bounded waits for tests (issue 20: timing-dependent tests). A wait either sees what it waits
 * for or fails with what it waited for and what it saw, never falls through to an assertion
 * that then fails without saying why, and never waits unbounded.
 *
 * `logLine` is event-driven: it reads a spawned party's stderr as it arrives, so a line cannot
 * scroll out of the party's kept tail (spawnParty keeps the last 500) between two polls.
 */
import type { SpawnedParty } from '../../lib/spawn-party.js';

/**
 * Polls `check` every `intervalMs` until it returns a truthy value (returned), for at most
 * `timeoutMs`; then throws naming `what` and, if given, `detail()` (the last state seen).
 */
export async function until<T>(
  check: () => T | Promise<T>, what: string, opts: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}, in vain${opts.detail ? `; last seen: ${opts.detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

/**
 * The first line of the party's log matching `re`: one it already logged (in its kept tail) or
 * the next one as it arrives. Rejects after `timeoutMs`, or at once if the party exits first.
 * Call it right after the party starts (or before the action that makes it log) so no line is missed.
 */
export function logLine(party: SpawnedParty, re: RegExp, timeoutMs = 60_000): Promise<string> {
  const seen = party.logLines.find((l) => re.test(l));
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise<string>((resolve, reject) => {
    const stderr = party.child.stderr!;
    // A listener of its own, removed when done (readline's close() would pause the shared stream).
    let partial = '';
    const onData = (chunk: Buffer | string) => {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop()!;
      const line = parts.find((l) => re.test(l));
      if (line !== undefined) finish(undefined, line);
    };
    const finish = (err: Error | undefined, line?: string) => {
      clearTimeout(timer);
      stderr.off('data', onData);
      party.child.off('exit', exited);
      if (err) reject(err);
      else resolve(line!);
    };
    const tail = () => party.logLines.slice(-20).join('\n');
    const timer = setTimeout(() => finish(new Error(`${party.name}: no log line matching ${re} within ${timeoutMs} ms; last lines:\n${tail()}`)), timeoutMs);
    const exited = (code: number | null, signal: string | null) => finish(new Error(`${party.name} exited (${code ?? signal}) before logging a line matching ${re}; last lines:\n${tail()}`));
    stderr.on('data', onData);
    party.child.once('exit', exited);
  });
}
