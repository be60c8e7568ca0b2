/**
 * Paging of a level's plan and shares (docs/design/secureboost.md section 4, "Message size": no
 * message of this kind over 16 MiB). At 100k training rows a level's [[v]] is ~100 chunks of
 * 266 KB per passive (T1's sizes), so `LevelPlan` would carry ~26 MB per passive and
 * `HistogramShares` up to ~60 MB at the deeper levels. Both are cut into parts of at most
 * PART_BYTES: `LevelPlan` carries, per passive, part 0 (the Layout and the chunks that fit) and
 * `parts`; the coordinator fetches the others from the bank (`FetchPlanPart`) and hands them to
 * the passive (`DeliverPlanPart`) before `BuildHistograms`; `HistogramShares` carries the first
 * page of shares and `parts`, the coordinator fetches the rest (`FetchSharesPart`). Every part is
 * a blob of the site's job (training/blobs.ts), written before the step that made it answers,
 * dropped at the next level: a replay gets the same bytes, a persist of the job record does not
 * rewrite them (section 4.7).
 *
 * Each plan part is sealed on its own, bound to the step, the attempt and its index (the label
 * `trees-plan-part-<p>`): a relay cannot swap, drop or replay parts across levels unnoticed
 * (the passive refuses a plan whose parts it was not all delivered).
 */
import { FedcreditError } from '../../lib/errors.js';
import type { KindBlobs } from '../../training/model-kind.js';

const MiB = 1024 * 1024;
/** The largest page this kind puts in one message: 12 MiB, under section 4's 16 MiB rule with room for framing. */
export const PART_BYTES = 12 * MiB;
/**
 * Test hook: `FEDCREDIT_TREES_PART_BYTES` shrinks the page size (at least 64 KiB, at most
 * PART_BYTES), so that a small test job is paged (tests/trees/paging.test.ts). Unset in a deployment.
 */
export const PART_BYTES_ENV = 'FEDCREDIT_TREES_PART_BYTES';

export function partBytes(): number {
  const v = Number(process.env[PART_BYTES_ENV]);
  return Number.isInteger(v) && v > 0 ? Math.min(PART_BYTES, Math.max(64 * 1024, v)) : PART_BYTES;
}

/** Parts one level may have, at most (a million rows is ~20): a count above it is refused. */
export const MAX_PARTS = 256;

export const planPartLabel = (part: number): string => (part === 0 ? 'trees-plan' : `trees-plan-part-${part}`);

/**
 * Cut items (their byte sizes) into pages: page 0 has room for `firstBudget` bytes (after what
 * else it carries), the others for `budget`; each page after the first holds at least one item.
 * Returns [start, end) per page.
 */
export function pages(sizes: readonly number[], firstBudget: number, budget: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  let room = firstBudget;
  let used = 0;
  for (let i = 0; i < sizes.length; i++) {
    const n = sizes[i]!;
    if (used + n > room && (out.length === 0 || i > start)) {
      out.push([start, i]);
      start = i;
      used = 0;
      room = budget;
    }
    used += n;
  }
  out.push([start, sizes.length]);
  if (out.length > MAX_PARTS) throw new FedcreditError('BAD_REQUEST', `a level needs ${out.length} parts of ${PART_BYTES} bytes, more than ${MAX_PARTS}: train on fewer rows or with a smaller --stride`);
  return out;
}

/** Chunks as one blob: u32 count, then u32 length and bytes per chunk. */
export function frame(chunks: readonly Uint8Array[]): Uint8Array {
  const total = 4 + chunks.reduce((s, c) => s + 4 + c.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, chunks.length);
  let at = 4;
  for (const c of chunks) {
    view.setUint32(at, c.length);
    out.set(c, at + 4);
    at += 4 + c.length;
  }
  return out;
}

export function unframe(bytes: Uint8Array, what: string): Uint8Array[] {
  const bad = (): never => { throw new FedcreditError('INTERNAL', `${what}: the stored blob is damaged; restart the job`); };
  if (bytes.length < 4) bad();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0);
  const out: Uint8Array[] = [];
  let at = 4;
  for (let k = 0; k < n; k++) {
    if (at + 4 > bytes.length) bad();
    const len = view.getUint32(at);
    if (at + 4 + len > bytes.length) bad();
    out.push(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at !== bytes.length) bad();
  return out;
}

/**
 * The blobs a site uses: the node's (training/blobs.ts), or, where the host gives none (an
 * in-process test's stand-in io), kept inline in the site's state as base64.
 */
export function siteBlobs(io: KindBlobs | undefined, inline: Record<string, string>): KindBlobs {
  if (io) return io;
  return {
    put: (name, bytes) => { inline[name] = Buffer.from(bytes).toString('base64'); return Promise.resolve(); },
    get: (name) => Promise.resolve(inline[name] === undefined ? undefined : new Uint8Array(Buffer.from(inline[name], 'base64'))),
    drop: (prefix) => {
      for (const k of Object.keys(inline)) if (k.startsWith(prefix)) delete inline[k];
      return Promise.resolve();
    },
  };
}
