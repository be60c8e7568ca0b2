/**
 * A serving party's log (issue 17): one JSON object per line on stderr with `time`, `level`,
 * `party`, `role`, `event` and `msg` (pino), or a one-line human format on a terminal. The
 * servers keep their `log(line)` callback (call sites unchanged); this converts each line,
 * naming its event and level from its opening words. stdout stays free for the `listening`
 * event supervisors read.
 *
 * Lines are the servers' own words: they name parties, files, counts and log indexes, never a
 * raw record (no server logs a row or a feature value; the served-query line carries the
 * requester and the log entry only).
 */
import { pino, type Logger } from 'pino';

export type LogFormat = 'json' | 'human';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PartyLogOptions {
  role: 'node' | 'coordinator';
  /** The site for a node; `coordinator` for the coordinator. */
  party: string;
  /** Default: human when stderr is a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Lines below it are dropped (default info). */
  level?: LogLevel;
  /** Where lines go (default stderr); tests pass a collector. */
  write?: (line: string) => void;
}

/** An event name and level for a server's line, from its opening words (first match wins). */
const EVENTS: readonly [RegExp, string, LogLevel][] = [
  [/^listening on /, 'listening', 'info'],
  [/^http: listening on /, 'http_listening', 'info'],
  [/^registered with coordinator/, 'registered', 'info'],
  [/^NOT_REGISTERED/, 'not_registered', 'error'],
  [/^coordinator .* unreachable/, 'coordinator_unreachable', 'warn'],
  [/^served /, 'served', 'info'],
  [/^ingested /, 'ingested', 'info'],
  [/^internal error/, 'internal_error', 'error'],
  [/^refused /, 'refused', 'warn'],
  [/^witness: round failed/, 'witness_round_failed', 'warn'],
  [/^witness: /, 'witness', 'info'],
  [/ALARM|SPLIT_VIEW/, 'alarm', 'error'],
  [/^WARNING|will be refused|no trusted/i, 'warning', 'warn'],
  [/^training /, 'training', 'info'],
  [/^alignment /, 'alignment', 'info'],
  [/^scoring /, 'scoring', 'info'],
  [/ unreachable/, 'peer_unreachable', 'warn'],
  [/(failed|cannot|could not)/i, 'failure', 'warn'],
];

export function classifyLine(line: string): { event: string; level: LogLevel } {
  for (const [re, event, level] of EVENTS) if (re.test(line)) return { event, level };
  return { event: 'message', level: 'info' };
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 20, info: 30, warn: 40, error: 50 };

let stderrBatch: { write(text: string): void } | undefined;

/**
 * The process's stderr, with the served-query lines written once per event-loop turn. A write
 * per line (pino's synchronous destination) cost each node ~70 us a query in the scoring bench: a
 * served-query line per node at 600 queries/s (issue 12's A/B after issue 17's logs). Served lines
 * still leave in the turn that made them (setImmediate) and at exit; every other line is written
 * at once, after any served lines waiting, so order holds and start-up lines are out before the
 * `listening` line on stdout. process.stderr is synchronous for files and pipes on Linux.
 */
function batchedStderr(): { write(text: string): void } {
  if (stderrBatch) return stderrBatch;
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    process.stderr.write(text);
  };
  process.once('exit', flush);
  stderrBatch = {
    write(text: string): void {
      if (!text.includes('"event":"served"')) {
        flush();
        process.stderr.write(text);
        return;
      }
      pending.push(text);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
  return stderrBatch;
}

/** The `log(line)` callback servers take, writing structured lines. */
export function partyLog(opts: PartyLogOptions): (line: string) => void {
  const format = opts.format ?? (process.stderr.isTTY ? 'human' : 'json');
  const min = RANK[opts.level ?? 'info'];
  if (format === 'human') {
    const write = opts.write ?? ((l: string) => process.stderr.write(`${l}\n`));
    return (line) => {
      const { level } = classifyLine(line);
      if (RANK[level] < min) return;
      write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${opts.role} ${opts.party}] ${line}`);
    };
  }
  const logger: Logger = pino({
    level: opts.level ?? 'info',
    base: { role: opts.role, party: opts.party },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, opts.write ? { write: (s: string) => opts.write!(s.replace(/\n$/, '')) } : batchedStderr());
  return (line) => {
    const { event, level } = classifyLine(line);
    logger[level]({ event }, line);
  };
}

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'human'];
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
