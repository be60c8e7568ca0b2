/**
 * Streaming CSV reading for ingest: RFC 4180 parsing (quotes, CRLF, BOM) by csv-parse, with
 * the physical line number of every row for error messages and a SHA-256 of the exact bytes
 * read, so the ingest manifest names the file version that was committed.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';

export interface CsvRow {
  /** 1-based line number of the row's first line in the file. */
  line: number;
  fields: string[];
}

export interface CsvFile {
  header: string[];
  rows: AsyncIterable<CsvRow>;
  /** Hex SHA-256 of the whole file; resolves once the rows have been read to the end. */
  sha256: Promise<string>;
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Open a CSV file whose first row is the header. Throws CsvSyntaxError for an empty file or broken quoting. */
export async function openCsv(filePath: string): Promise<CsvFile> {
  const hash = createHash('sha256');
  const input = fs.createReadStream(filePath);
  let resolveHash!: (hex: string) => void;
  const sha256 = new Promise<string>((resolve) => (resolveHash = resolve));
  input.on('data', (chunk) => hash.update(chunk));
  input.on('end', () => resolveHash(hash.digest('hex')));

  const parser = input.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
  );
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;

  const first = await nextRecord(iterator);
  if (first.done) {
    input.destroy();
    throw new CsvSyntaxError(1, 'the file is empty: expected a header row');
  }
  const header = first.value.record.map((name) => name.trim());

  async function* rows(): AsyncGenerator<CsvRow> {
    for (;;) {
      const next = await nextRecord(iterator);
      if (next.done) return;
      const { record, info } = next.value;
      // info.lines is the line the record ended on; a record spanning lines (quoted newline) starts earlier.
      const spanned = record.reduce((n, field) => n + countNewlines(field), 0);
      yield { line: info.lines - spanned, fields: record };
    }
  }
  return { header, rows: rows(), sha256 };
}

async function nextRecord<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
  try {
    return await iterator.next();
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new CsvSyntaxError(e.lines ?? 0, e.message ?? String(err));
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
