/**
 * CLI formatting plumbing shared by every role's views (the site operator's, the auditor's):
 * sizes, durations, time flags (`--since/--until` as ISO-8601), and an ingest progress reporter
 * that rewrites one line on a terminal and prints a line every few seconds otherwise (a log
 * file or a CI job should see that something is happening, not 12 silent seconds).
 */
import { InvalidArgumentError } from 'commander';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A commander parser for an ISO-8601 time flag, to ms since the epoch. A bare date is midnight
 * UTC; for an upper bound (`endOfDay`) it means the end of that day, so `--until 2026-12-04`
 * includes the 4th. A time without a zone is read as UTC, so every party reads it the same.
 */
export function parseTimeFlag(name: string, endOfDay = false) {
  return (value: string): number => {
    const text = DATE_ONLY.test(value) ? `${value}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
    const ms = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
      throw new InvalidArgumentError(`${name} must be an ISO-8601 date or time (2026-12-04, 2026-12-04T10:30:00Z), got '${value}'`);
    }
    return DATE_ONLY.test(value) && endOfDay ? ms + 86_400_000 : ms;
  };
}

/** A filter for ms times in [since, until). */
export function timeWindow(since: number | undefined, until: number | undefined): (ms: number) => boolean {
  return (ms) => (since === undefined || ms >= since) && (until === undefined || ms < until);
}

export interface ProgressSample { stage: string; rows: number; bytesDone: number; bytesTotal: number }

/**
 * Reports an ingest's progress on stderr: rows and bytes done, rate and ETA. On a terminal one
 * line is rewritten; otherwise a line is printed at most every `intervalMs`.
 */
export function ingestProgressReporter(label: string, opts: { tty?: boolean; intervalMs?: number; write?: (text: string) => void } = {}) {
  const tty = opts.tty ?? process.stderr.isTTY === true;
  const write = opts.write ?? ((text: string) => process.stderr.write(text));
  const intervalMs = opts.intervalMs ?? 2_000;
  const started = Date.now();
  let lastPrinted = 0;
  let stageStart = { stage: '', ms: started, bytes: 0 };
  let wroteLine = false;
  return {
    report(p: ProgressSample): void {
      const now = Date.now();
      if (p.stage !== stageStart.stage) stageStart = { stage: p.stage, ms: now, bytes: p.bytesDone };
      if (!tty && now - lastPrinted < intervalMs) return;
      lastPrinted = now;
      const seconds = Math.max((now - stageStart.ms) / 1000, 0.001);
      const rate = (p.bytesDone - stageStart.bytes) / seconds;
      const pct = p.bytesTotal > 0 ? ` (${Math.min(100, Math.floor((100 * p.bytesDone) / p.bytesTotal))}%)` : '';
      const eta = p.bytesTotal > 0 && rate > 0 && p.bytesDone < p.bytesTotal ? `, ETA ${formatDuration((p.bytesTotal - p.bytesDone) / rate)}` : '';
      const bytes = p.bytesTotal > 0 ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}${pct}` : formatBytes(p.bytesDone);
      const text = `${label}: ${p.stage}: ${p.rows.toLocaleString('en-US')} rows, ${bytes}, ${formatBytes(rate)}/s${eta}; ${formatDuration((now - started) / 1000)} elapsed`;
      if (tty) write(`\r${text}\u001b[K`);
      else write(`${text}\n`);
      wroteLine = true;
    },
    end(): void {
      if (tty && wroteLine) write('\n');
    },
  };
}
