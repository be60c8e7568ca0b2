/**
 * `fedcredit audit entries` as an auditor reads it (issue 17): a table with ISO-8601 times,
 * kinds in words and keys shortened (the full entry in --json and --csv). The rows, the filter
 * and the CSV are in log/audit/entries-filter.ts (shared with the web console, which may not
 * import this role folder); this file adds the terminal table.
 */
import { entryDetails, type EntryRow } from '../log/audit/entries-filter.js';

export {
  KIND_WORDS, entryRow, matchesFilter, entryDetails, formatEntriesCsv, type EntryRow, type EntryFilter,
} from '../log/audit/entries-filter.js';

export function formatEntriesTable(rows: EntryRow[]): string {
  const enterprises = (r: EntryRow) => r.enterprises.length === 0 ? '-' : r.enterprises.length === 1 ? r.enterprises[0]! : `${r.enterprises[0]!} +${r.enterprises.length - 1}`;
  const cols = ['#', 'time (UTC)', 'kind', 'requester', 'enterprise', 'details'];
  const table = rows.map((r) => [String(r.index), r.time ?? '-', r.kindText, r.requester ?? '-', enterprises(r), entryDetails(r)]);
  const widths = cols.slice(0, -1).map((c, i) => Math.max(c.length, ...table.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((v, i) => (i < widths.length ? v.padEnd(widths[i]!) : v)).join('  ').trimEnd();
  return [line(cols), ...table.map(line)].join('\n');
}
