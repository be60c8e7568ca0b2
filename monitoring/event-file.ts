/**
 * The bank's out file for `fedcredit monitor watch --out events.jsonl` (issue 21,
 * docs/design/monitoring.md 4.2): one JSON line per event, appended and fsynced before the
 * event is acknowledged. The file is the client's whole state: at start it resumes after the
 * last complete line's `eventId`, so a crash between the write and the ack re-sends an event
 * that is dropped here as a duplicate, and a crash before the write re-sends one not yet written.
 * A torn last line (a crash mid-write) is cut off before appending.
 */
import fs from 'node:fs';

export interface EventLine {
  readonly eventId: string;
  readonly [field: string]: unknown;
}

/** Reads back to the last newline: the id of the last complete line (0n when none) and the file's good length. */
export function lastEventId(file: string): { eventId: bigint; goodLength: number } {
  if (!fs.existsSync(file)) return { eventId: 0n, goodLength: 0 };
  const text = fs.readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n');
  if (end < 0) return { eventId: 0n, goodLength: 0 };
  const start = text.lastIndexOf('\n', end - 1) + 1;
  const line = text.slice(start, end);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`${file}: its last complete line is not JSON; it is not an events file written by fedcredit monitor watch (move it aside or pass another --out)`);
  }
  const id = (parsed as { eventId?: unknown }).eventId;
  if (typeof id !== 'string' || !/^[1-9]\d*$/.test(id)) throw new Error(`${file}: its last line has no eventId; it is not an events file written by fedcredit monitor watch`);
  return { eventId: BigInt(id), goodLength: Buffer.byteLength(text.slice(0, end + 1)) };
}

/** Appends events in order, each fsynced before the next; drops what the file already holds. */
export class EventFile {
  readonly #fd: number;
  #last: bigint;

  constructor(readonly file: string) {
    const { eventId, goodLength } = lastEventId(file);
    this.#fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w+');
    // A torn last line goes: the event it held was never acknowledged and comes again.
    fs.ftruncateSync(this.#fd, goodLength);
    this.#last = eventId;
  }

  /** The id to resume after. */
  get last(): bigint {
    return this.#last;
  }

  /**
   * Writes the event unless it is at or before the last one written (a re-sent duplicate).
   * Returns whether it was written; a gap (an id beyond last + 1) is an error, never skipped.
   */
  append(event: EventLine): boolean {
    const id = BigInt(event.eventId);
    if (id <= this.#last) return false;
    if (id !== this.#last + 1n) throw new Error(`${this.file}: event ${id} after ${this.#last}: events ${this.#last + 1n}..${id - 1n} are missing; the coordinator's stream must not skip`);
    const line = Buffer.from(JSON.stringify(event) + '\n');
    const at = fs.fstatSync(this.#fd).size;
    let off = 0;
    while (off < line.length) off += fs.writeSync(this.#fd, line, off, line.length - off, at + off);
    fs.fsyncSync(this.#fd);
    this.#last = id;
    return true;
  }

  close(): void {
    fs.closeSync(this.#fd);
  }
}
