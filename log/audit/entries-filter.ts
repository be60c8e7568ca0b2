/**
 * The auditor's filters and row shape for the log's entries (issue 17, moved here for issue 22):
 * kinds in words, ISO-8601 times, who asked, which enterprises, and the filter by time, kind,
 * requester and enterprise. Shared by `fedcredit audit entries` (auditor/entries-view.ts adds the
 * text table) and the auditor's web console (/entries, /entries.csv), which may not import the
 * auditor/ role folder (docs/design/console.md 4.4). The entries come from log/audit/entries.ts,
 * complete for the newest cosigned checkpoint; the filters only choose which of them to show.
 */
import { subjectsOf, type LogEntry } from '../entries.js';
import { parseInstruction } from '../../monitoring/instruction.js';

/** What each entry kind records, in words (log/entries.ts ENTRY_KINDS). */
export const KIND_WORDS: Readonly<Record<string, string>> = {
  'node-registration': 'node registered',
  'node-key-rotation': 'node key rotated',
  'node-removal': 'node removed',
  'enterprise-key-registration': 'enterprise key registered',
  'alignment-job': 'alignment run',
  'training-job': 'training run',
  'query': 'score query',
  'refusal': 'request refused',
  'refusal-summary': 'refusals counted',
  'revocation': 'consent revoked',
  // Post-loan monitoring (docs/design/monitoring.md, 3.3): the enterprise sees which bank put it
  // in which portfolio, each month's re-score by whom (or why it was skipped), and the removal.
  'portfolio-change': 'monitoring portfolio changed',
  'monitoring-run': 'monitoring run started',
  'rescore': 'monitoring re-score',
  'rescore-skip': 'monitoring re-score skipped',
  'monitoring-run-end': 'monitoring run ended',
};

export interface EntryRow {
  index: number;
  kind: string;
  kindText: string;
  time: string | null;
  timeMs: number | null;
  /** Who asked (requester), removed (removedBy), or the node (site) the entry is about. */
  requester: string | null;
  enterprises: string[];
  body: LogEntry['body'];
}

export interface EntryFilter {
  since?: number;
  until?: number;
  kind?: string;
  requester?: string;
  enterprise?: string;
}

export function entryRow(e: { index: number; kind: string; body: LogEntry['body'] }): EntryRow {
  const time = typeof e.body['time'] === 'number' ? e.body['time'] : null;
  const who = e.body['requester'] ?? e.body['removedBy'] ?? null;
  return {
    index: e.index, kind: e.kind, kindText: KIND_WORDS[e.kind] ?? e.kind,
    time: time === null ? null : new Date(time).toISOString(), timeMs: time,
    requester: typeof who === 'string' ? who : null,
    enterprises: subjectsOf({ kind: e.kind, body: e.body } as LogEntry),
    body: e.body,
  };
}

/** `kind` matches the entry kind or its words ("query" or "score query"). */
export function matchesFilter(r: EntryRow, f: EntryFilter): boolean {
  if (f.kind !== undefined && f.kind !== r.kind && f.kind.toLowerCase() !== r.kindText) return false;
  if (f.requester !== undefined && f.requester !== r.requester) return false;
  if (f.enterprise !== undefined && !r.enterprises.includes(f.enterprise)) return false;
  if (f.since !== undefined && (r.timeMs === null || r.timeMs < f.since)) return false;
  if (f.until !== undefined && (r.timeMs === null || r.timeMs >= f.until)) return false;
  return true;
}

/** Body fields holding ms since the epoch (rotatedAt, consentValidFrom, a summary's from, ...). */
const TIME_FIELD = /(At|From|Until)$|^from$/;

/** A long hex key or signature as its first 12 characters and an ellipsis; an epoch-ms field as ISO-8601; other values as they are. */
function shortValue(v: unknown, key = ''): string {
  if (typeof v === 'string') return /^[0-9a-f]{40,}$/i.test(v) ? `${v.slice(0, 12)}…` : v;
  if (typeof v === 'number' && TIME_FIELD.test(key) && Number.isSafeInteger(v) && v > 0) return new Date(v).toISOString();
  if (Array.isArray(v)) return v.map((x) => shortValue(x)).join(',');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const SHOWN_ELSEWHERE = new Set(['time', 'requester', 'subject', 'subjects']);

/**
 * Monitoring fields in words (docs/design/monitoring.md 3.3): a rescore's `run` is the log index
 * of its run entry (`run #1041`, as the table's # column), a run's `asOf` is site and month
 * pairs, and a portfolio change's instruction (hex of the bank's signed text) is when the bank
 * signed it; the whole instruction is in --json and --csv.
 */
function monitoringValue(kind: string, k: string, v: unknown): string | undefined {
  if (k === 'run' && typeof v === 'number') return `#${v}`;
  if (kind === 'monitoring-run' && k === 'asOf' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v).map(([site, month]) => `${site} ${String(month)}`).join('; ');
  }
  if (kind === 'portfolio-change' && k === 'instruction' && typeof v === 'string') {
    const parsed = parseInstruction(Buffer.from(v, 'hex'));
    return parsed.ok ? `signed ${new Date(parsed.value.time).toISOString()}` : `${shortValue(v)} (does not parse)`;
  }
  return undefined;
}

/** The entry's other fields, short: `purpose credit-assessment, model m1, consentHash 3f2a9c01b7de…`. */
export function entryDetails(r: EntryRow): string {
  return Object.entries(r.body).filter(([k]) => !SHOWN_ELSEWHERE.has(k)).map(([k, v]) => `${k} ${monitoringValue(r.kind, k, v) ?? shortValue(v, k)}`).join(', ');
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The CSV header of `audit entries --csv` (and the console's /entries.csv). */
export const ENTRIES_CSV_HEADER = ['index', 'time', 'kind', 'kind_text', 'requester', 'enterprises', 'body'].join(',');

/** One CSV line (no line break) for a row: the body whole as JSON. */
export function entryCsvLine(r: EntryRow): string {
  return [String(r.index), r.time ?? '', r.kind, r.kindText, r.requester ?? '', r.enterprises.join(' '), JSON.stringify(r.body)].map(csvField).join(',');
}

/** One row per entry, the body whole (its canonical JSON, every key in full) for spreadsheets and scripts. */
export function formatEntriesCsv(rows: EntryRow[]): string {
  return [ENTRIES_CSV_HEADER, ...rows.map(entryCsvLine)].join('\r\n');
}
