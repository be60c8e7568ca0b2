/**
 * Streaming CSV reading for ingest: RFC 4180 parsing (quotes, CRLF, BOM) by csv-parse, with
 * the physical line number of every row for error messages and a SHA-256 of the exact bytes
 * read, so the ingest manifest names the file version that was committed.
 *
 * Real exports come from spreadsheets in several locales: the delimiter (comma, semicolon,
 * tab, pipe) is taken from the header unless named, and the encoding is UTF-8 (a BOM is
 * dropped) unless named as GBK or GB18030, the encodings of Excel and WPS on Chinese systems.
 * A file that looks like it uses another delimiter or encoding is refused with the flag to pass.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';

/** Delimiters a file may use, by the name `--delimiter` accepts (the character itself works too). */
export const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t', pipe: '|' } as const;
export type CsvEncoding = 'utf8' | 'gbk' | 'gb18030';
export const ENCODINGS: readonly CsvEncoding[] = ['utf8', 'gbk', 'gb18030'];

export interface CsvOptions {
  /** One of DELIMITERS' names or characters; detected from the header when absent. */
  delimiter?: string;
  /** 'utf8' (default), 'gbk' or 'gb18030'. */
  encoding?: string;
}

/** The delimiter character for a `--delimiter` value, or undefined when it names none. */
export function delimiterChar(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower in DELIMITERS) return DELIMITERS[lower as keyof typeof DELIMITERS];
  if (name === '\\t') return '\t';
  return Object.values(DELIMITERS).find((c) => c === name);
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
const shownDelimiter = (c: string) => (c === '\t' ? "'\\t'" : `'${c}'`);

/**
 * The delimiter a header line uses: the candidate found most often outside double quotes
 * (comma when none is found or on a tie with comma).
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in DELIMITER_NAMES) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [ch, n] of counts) if (n > (counts.get(best) ?? 0)) best = ch;
  return best;
}

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
  /** Bytes of the file read so far (a little ahead of the rows parsed): for progress reports. */
  bytesRead: () => number;
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

/**
 * Open a CSV file whose first row is the header. Throws CsvSyntaxError for an empty file,
 * broken quoting, bytes that are not in the file's encoding, or a header that looks split by
 * another delimiter.
 */
export async function openCsv(filePath: string, options: CsvOptions = {}): Promise<CsvFile> {
  const encoding = (options.encoding ?? 'utf8').toLowerCase().replace('utf-8', 'utf8') as CsvEncoding;
  if (!ENCODINGS.includes(encoding)) throw new CsvSyntaxError(1, `encoding '${options.encoding}' is not one of ${ENCODINGS.join(', ')}`);
  let delimiter: string;
  if (options.delimiter !== undefined) {
    const named = delimiterChar(options.delimiter);
    if (named === undefined) throw new CsvSyntaxError(1, `delimiter '${options.delimiter}' is not one of comma, semicolon, tab, pipe (or , ; | and a tab)`);
    delimiter = named;
  } else delimiter = detectDelimiter(firstLine(filePath, encoding));

  const hash = createHash('sha256');
  const input = fs.createReadStream(filePath);
  let resolveHash!: (hex: string) => void;
  const sha256 = new Promise<string>((resolve) => (resolveHash = resolve));
  input.on('data', (chunk) => hash.update(chunk));
  input.on('end', () => resolveHash(hash.digest('hex')));

  // Line numbers are counted here rather than with csv-parse's `info` option, whose per-record
  // objects cost a third of the parse time on large exports. Blank lines are kept by the parser
  // (as one empty field) so the count stays exact, and skipped below.
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false, delimiter });
  const decoded = input.pipe(encoding === 'utf8' ? new Utf8Check() : new LegacyDecoder(encoding));
  input.on('error', (err) => parser.destroy(err));
  decoded.on('error', (err: Error) => parser.destroy(err));
  decoded.pipe(parser);
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;

  let line = 0;
  const isBlank = (record: string[]) => record.length === 1 && record[0] === '';
  let first: IteratorResult<string[]>;
  do {
    first = await nextRecord(iterator, line + 1);
    if (!first.done) line += 1 + newlinesIn(first.value);
  } while (!first.done && isBlank(first.value));
  if (first.done) {
    input.destroy();
    throw new CsvSyntaxError(1, 'the file is empty: expected a header row');
  }
  const header = first.value.map((name) => name.trim());
  if (header.length === 1) {
    const other = Object.keys(DELIMITER_NAMES).find((c) => c !== delimiter && header[0]!.includes(c));
    if (other !== undefined) {
      input.destroy();
      throw new CsvSyntaxError(1, `the header is one column split by ${shownDelimiter(delimiter)} but contains ${shownDelimiter(other)}: looks like ${DELIMITER_NAMES[other]}-separated: pass --delimiter ${shownDelimiter(other)}`);
    }
  }

  async function* rows(): AsyncGenerator<CsvRow> {
    for (;;) {
      const next = await nextRecord(iterator, line + 1);
      if (next.done) return;
      const start = line + 1;
      line += 1 + newlinesIn(next.value);
      if (!isBlank(next.value)) yield { line: start, fields: next.value };
    }
  }
  return { header, rows: rows(), sha256, bytesRead: () => input.bytesRead };
}

async function nextRecord<T>(iterator: AsyncIterator<T>, line: number): Promise<IteratorResult<T>> {
  try {
    return await iterator.next();
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw err;
    const e = err as { lines?: number; message?: string };
    throw new CsvSyntaxError(e.lines ?? line, e.message ?? String(err));
  }
}

/** Newlines inside quoted fields: a record that contains them spans more than one line. */
function newlinesIn(record: string[]): number {
  let n = 0;
  for (const field of record) {
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/** The file's first line (up to 64 KiB), decoded leniently: enough to choose the delimiter. */
function firstLine(filePath: string, encoding: CsvEncoding): string {
  const fd = fs.openSync(filePath, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const text = new TextDecoder(encoding === 'utf8' ? 'utf-8' : encoding).decode(buffer.subarray(0, n));
    const end = text.search(/\r?\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    fs.closeSync(fd);
  }
}

/** Newline bytes before `end` in `bytes` (0x0A is never part of a UTF-8 or GBK multi-byte character). */
function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Length of the tail of `bytes` that starts a UTF-8 character the next chunk completes (0-3). */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that is not valid UTF-8 (only called once a chunk failed the check). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // The longest valid prefix, by bisection (a prefix cut inside a character is still valid in stream mode).
  const validPrefix = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (validPrefix(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

function looksLikeGbk(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Passes UTF-8 bytes through unchanged (csv-parse decodes them and drops a BOM) and fails on
 * the first byte that is not UTF-8, naming its line: csv-parse would silently turn it into U+FFFD.
 */
class Utf8Check extends Transform {
  #carry: Buffer = Buffer.alloc(0);
  #lines = 1;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const tail = incompleteUtf8Tail(bytes);
    const whole = bytes.subarray(0, bytes.length - tail);
    if (!isUtf8(whole)) {
      const at = firstInvalidUtf8(whole);
      const line = this.#lines + countNewlines(whole, at);
      const hint = looksLikeGbk(whole) ? 'looks like GBK: pass --encoding gbk, or convert it to UTF-8 first (iconv -f GBK -t UTF-8 FILE > FILE-utf8.csv)'
        : 'save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8 FILE > FILE-utf8.csv), or name its encoding with --encoding gbk or gb18030';
      done(new CsvSyntaxError(line, `holds bytes that are not UTF-8 (0x${whole[at]!.toString(16).padStart(2, '0')}); ${hint}`));
      return;
    }
    this.#lines += countNewlines(whole);
    this.#carry = Buffer.from(bytes.subarray(bytes.length - tail));
    done(null, whole);
  }

  override _flush(done: (err?: Error | null, data?: Buffer) => void): void {
    if (this.#carry.length > 0) done(new CsvSyntaxError(this.#lines, `the file ends inside a UTF-8 character; save it as UTF-8, or name its encoding with --encoding`));
    else done();
  }
}

/** Decodes GBK or GB18030 to UTF-8 text for csv-parse; a file that is plainly UTF-8 is refused with a hint. */
class LegacyDecoder extends Transform {
  readonly #decoder: InstanceType<typeof TextDecoder>;
  readonly #encoding: CsvEncoding;
  #first = true;
  #lines = 1;

  constructor(encoding: CsvEncoding) {
    super();
    this.#encoding = encoding;
    this.#decoder = new TextDecoder(encoding, { fatal: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    // UTF-8 text with Chinese characters is valid GBK only by accident; a BOM or a first chunk
    // that is non-ASCII UTF-8 means the operator named the wrong encoding.
    if (this.#first) {
      this.#first = false;
      const bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      if (bom || (isUtf8(chunk.subarray(0, chunk.length - incompleteUtf8Tail(chunk))) && chunk.some((b) => b >= 0x80))) {
        done(new CsvSyntaxError(1, `the file is UTF-8, not ${this.#encoding}: looks like UTF-8: drop --encoding ${this.#encoding}`));
        return;
      }
    }
    try {
      const text = this.#decoder.decode(chunk, { stream: true });
      this.#lines += countNewlines(chunk);
      done(null, Buffer.from(text, 'utf8'));
    } catch {
      done(new CsvSyntaxError(this.#lines, `bytes after line ${this.#lines} are not ${this.#encoding}; name the file's encoding with --encoding (utf8, gbk, gb18030)`));
    }
  }

  override _flush(done: (err?: Error | null, data?: Buffer) => void): void {
    try {
      const rest = this.#decoder.decode();
      done(null, rest.length > 0 ? Buffer.from(rest, 'utf8') : undefined);
    } catch {
      done(new CsvSyntaxError(this.#lines, `the file ends inside a ${this.#encoding} character; name the file's encoding with --encoding (utf8, gbk, gb18030)`));
    }
  }
}
