/**
 * Buffered CSV output for the simulator, plus the number formats its files use.
 *
 * Millions of rows go through here. Each line is copied at once into one reusable buffer
 * (latin1: every character the files use is ASCII) that is written synchronously when full:
 * no stream back-pressure, and no long-lived string ropes, which cost more in garbage
 * collection than the formatting itself. Formatting is hand-rolled because toFixed is several
 * times slower and money is always two decimals.
 */
import fs from 'node:fs';

const BUFFER_BYTES = 1 << 21;
const NEWLINE = 10;

export class CsvSink {
  private fd: number;
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  rows = 0;

  /** Creates (truncating) `filePath` and writes the header row. */
  constructor(readonly filePath: string, header: readonly string[]) {
    this.fd = fs.openSync(filePath, 'w');
    this.append(header.join(','));
  }

  /** Append one row; `line` has no trailing newline and only ASCII characters. */
  write(line: string): void {
    this.append(line);
    this.rows++;
  }

  private append(line: string): void {
    if (this.used + line.length + 1 > BUFFER_BYTES) {
      this.flush();
      if (line.length + 1 > BUFFER_BYTES) throw new RangeError(`a CSV line of ${line.length} characters does not fit the write buffer`);
    }
    this.used += this.buffer.write(line, this.used, 'latin1');
    this.buffer[this.used++] = NEWLINE;
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += fs.writeSync(this.fd, this.buffer, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** CNY with exactly two decimals; negatives (never expected) are clamped to 0. */
export function money(x: number): string {
  const cents = x > 0 ? Math.round(x * 100) : 0;
  const whole = Math.floor(cents / 100);
  const frac = cents - whole * 100;
  return whole + (frac < 10 ? '.0' : '.') + frac;
}

/** Round to cents, so that what is summed later equals what is written. */
export function cents(x: number): number {
  return x > 0 ? Math.round(x * 100) / 100 : 0;
}

/** `YYYY-MM` for every month index from `first` to `last`, to avoid formatting per row. */
export function periodTable(first: number, last: number): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m++) {
    out.push(`${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}
