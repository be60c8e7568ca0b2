/**
 * Validation and commit of a raw site export (VAT filings, tax ratings, power bills, loans,
 * repayments) against the column specs of schema/site-schema.ts.
 */
import { FedcreditError } from '../lib/errors.js';
import { isSite, parsePeriod, RECORD_KINDS, SITE_RECORD_KINDS, type RecordKind, type RecordKindSpec, type Site } from '../schema/site-schema.js';
import { checkCell, type CellValue } from './column-check.js';
import type { CsvFile } from './csv-reader.js';
import { ProblemList, type IngestOptions, type ValidatedFile } from './ingest-report.js';
import { seqKey, type NodeStore } from '../site/store.js';

/** Batches of this many keys are looked up at once when checking for records already stored. */
const LOOKUP_CHUNK = 10_000;

/** The kind whose latest month sets each site's as-of month. */
export const PERIOD_KIND: Readonly<Record<Site, RecordKind>> = {
  tax: 'vat_filing',
  power: 'power_bill',
  bank: 'repayment',
};

/** Store key of a record: the enterprise first, so one scan sees all of an enterprise's records together. */
export function recordKey(spec: RecordKindSpec, row: Record<string, CellValue>): string {
  const parts = spec.key.filter((c) => c !== 'credit_code').map((c) => String(row[c]));
  return `${String(row.credit_code)}!${spec.kind}!${parts.join('!')}`;
}

function detectKind(header: string[], site: Site): RecordKindSpec | undefined {
  const names = new Set(header);
  return SITE_RECORD_KINDS[site]
    .map((k) => RECORD_KINDS[k])
    .find((spec) => spec.columns.length === names.size && spec.columns.every((c) => names.has(c.name)));
}

function chooseKind(header: string[], site: string, fileName: string, requested?: string): RecordKindSpec {
  if (requested !== undefined && requested !== '') {
    if (!Object.hasOwn(RECORD_KINDS, requested)) {
      throw new FedcreditError('BAD_REQUEST', `unknown record kind '${requested}'; expected one of ${Object.keys(RECORD_KINDS).join(', ')} or 'features'`);
    }
    const spec = RECORD_KINDS[requested as RecordKind];
    if (spec.site !== site) {
      throw new FedcreditError('INGEST_WRONG_SITE', `${fileName}: ${spec.kind} records belong to the ${spec.site} site, but this node is the ${site} site`);
    }
    return spec;
  }
  if (!isSite(site)) {
    throw new FedcreditError('INGEST_WRONG_SITE', `${fileName}: the '${site}' node takes feature tables only (use --kind features)`);
  }
  const detected = detectKind(header, site);
  if (detected) return detected;
  // Explain the closest kind, so the operator sees which columns are wrong rather than "unknown file".
  const ranked = Object.values(RECORD_KINDS)
    .map((spec) => ({ spec, shared: spec.columns.filter((c) => header.includes(c.name)).length }))
    .sort((a, b) => b.shared - a.shared);
  const best = ranked[0]!;
  if (best.shared === 0) {
    throw new FedcreditError('BAD_REQUEST', `${fileName}: the header matches no record kind of the ${site} site (${SITE_RECORD_KINDS[site].join(', ')}); for a feature table use --kind features`);
  }
  if (best.spec.site !== site) {
    throw new FedcreditError('INGEST_WRONG_SITE', `${fileName}: this looks like ${best.spec.kind} records, which belong to the ${best.spec.site} site, but this node is the ${site} site`);
  }
  return best.spec;
}

export async function ingestRecordFile(
  store: NodeStore,
  site: string,
  fileName: string,
  csv: CsvFile,
  options: IngestOptions,
): Promise<ValidatedFile> {
  const meta = await store.getMeta();
  if (meta.source === 'table') {
    throw new FedcreditError('INGEST_MIXED_SOURCES', `${fileName}: this node holds a feature table; raw records need a node of their own (another --data folder)`);
  }
  const spec = chooseKind(csv.header, site, fileName, options.kind);
  const problems = new ProblemList();

  // Header: every schema column once, nothing else.
  const position = new Map<string, number>();
  csv.header.forEach((name, i) => {
    if (position.has(name)) problems.add(1, name, 'column appears twice in the header');
    else position.set(name, i);
  });
  const expected = spec.columns.map((c) => c.name);
  for (const name of csv.header) {
    if (!expected.includes(name)) problems.add(1, name || '(blank)', `unknown column for ${spec.kind} records (expected: ${expected.join(', ')})`);
  }
  for (const name of expected) {
    if (!position.has(name)) problems.add(1, name, `missing column (${spec.kind} records need: ${expected.join(', ')})`);
  }

  const rows = new Map<string, { line: number; values: CellValue[] }>();
  const loanCodes = new Map<string, string>();
  let rowCount = 0;
  let latestPeriod = -1;
  const headerOk = problems.count === 0;
  for await (const { line, fields } of csv.rows) {
    rowCount++;
    if (rowCount % 50_000 === 0) options.onProgress?.(rowCount);
    if (!headerOk) continue;
    if (fields.length !== csv.header.length) {
      problems.add(line, '-', `has ${fields.length} fields, the header has ${csv.header.length}`);
      continue;
    }
    const row: Record<string, CellValue> = {};
    const values: CellValue[] = [];
    let rowOk = true;
    for (const column of spec.columns) {
      const result = checkCell(column.type, fields[position.get(column.name)!]!.trim());
      if (result.ok) {
        row[column.name] = result.value;
        values.push(result.value);
      } else {
        problems.add(line, column.name, result.problem);
        rowOk = false;
      }
    }
    if (!rowOk) continue;
    const key = recordKey(spec, row);
    const earlier = rows.get(key);
    if (earlier) {
      problems.add(line, spec.key.join('+'), `duplicate of line ${earlier.line} (same ${spec.key.join(', ')})`);
      continue;
    }
    if (spec.kind === 'loan') {
      const loanId = String(row.loan_id);
      if (loanCodes.has(loanId)) {
        problems.add(line, 'loan_id', `loan '${loanId}' appears twice in the file`);
        continue;
      }
      loanCodes.set(loanId, String(row.credit_code));
    }
    rows.set(key, { line, values });
    if (spec.kind === PERIOD_KIND[spec.site]) latestPeriod = Math.max(latestPeriod, parsePeriod(String(row.period)));
  }
  options.onProgress?.(rowCount);

  if (problems.count === 0) await checkAgainstStore(store, spec, rows, loanCodes, problems);

  return {
    kind: spec.kind,
    rows: rowCount,
    problems,
    commit: async (sha256) => {
      const fresh = await store.getMeta();
      const seq = fresh.nextIngestSeq ?? 1;
      const counts = { ...(fresh.counts ?? {}) };
      counts[spec.kind] = (counts[spec.kind] ?? 0) + rows.size;
      const batch = store.db.batch();
      store.putRecords(batch, (function* () { for (const [key, { values }] of rows) yield [key, values] as [string, CellValue[]]; })());
      for (const [loanId, code] of loanCodes) batch.put(loanId, code, { sublevel: store.loans });
      batch.put('counts', counts, { sublevel: store.meta });
      batch.put('source', 'records', { sublevel: store.meta });
      batch.put('nextIngestSeq', seq + 1, { sublevel: store.meta });
      if (latestPeriod >= 0) {
        const latest = (await store.meta.get('latestPeriod')) as number | undefined;
        batch.put('latestPeriod', Math.max(latest ?? -1, latestPeriod), { sublevel: store.meta });
      }
      batch.put(seqKey(seq), {
        seq, fileName, kind: spec.kind, rows: rows.size, sha256, committedAt: new Date().toISOString(),
      }, { sublevel: store.ingests });
      await batch.write({ sync: true });
    },
  };
}

/** Records already in the store, and repayments whose loan the node does not know, are problems too. */
async function checkAgainstStore(
  store: NodeStore,
  spec: RecordKindSpec,
  rows: Map<string, { line: number; values: CellValue[] }>,
  loanCodes: Map<string, string>,
  problems: ProblemList,
): Promise<void> {
  const meta = await store.getMeta();
  if ((meta.counts?.[spec.kind] ?? 0) > 0) {
    const keys = [...rows.keys()];
    for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
      const chunk = keys.slice(i, i + LOOKUP_CHUNK);
      const found = await store.records.getMany(chunk);
      found.forEach((value, j) => {
        if (value !== undefined) {
          problems.add(rows.get(chunk[j]!)!.line, spec.key.join('+'), 'already in the store from an earlier file; each record is ingested once');
        }
      });
    }
  }
  if (spec.kind === 'loan' && loanCodes.size > 0) {
    const ids = [...loanCodes.keys()];
    const lineOf = new Map<string, number>();
    for (const { line, values } of rows.values()) lineOf.set(String(values[1]), line);
    const found = await store.loans.getMany(ids);
    found.forEach((code, j) => {
      if (code !== undefined) problems.add(lineOf.get(ids[j]!) ?? 0, 'loan_id', `loan '${ids[j]}' is already in the store`);
    });
  }
  if (spec.kind === 'repayment') {
    const loanIds = [...new Set([...rows.values()].map(({ values }) => String(values[1])))];
    const owners = new Map<string, string | undefined>();
    for (let i = 0; i < loanIds.length; i += LOOKUP_CHUNK) {
      const chunk = loanIds.slice(i, i + LOOKUP_CHUNK);
      (await store.loans.getMany(chunk)).forEach((code, j) => owners.set(chunk[j]!, code));
    }
    for (const { line, values } of rows.values()) {
      const [code, loanId] = [String(values[0]), String(values[1])];
      const owner = owners.get(loanId);
      if (owner === undefined) problems.add(line, 'loan_id', `loan '${loanId}' is not known to this node; ingest loans.csv before repayments.csv`);
      else if (owner !== code) problems.add(line, 'credit_code', `loan '${loanId}' belongs to another enterprise, not ${code}`);
    }
  }
}
