/**
 * The shape every benchmark returns, so `npm run bench` can print one table.
 *
 * A benchmark measures several repetitions in the same run and reports the median: these
 * machines are shared and noisy, so single timings are not evidence.
 */
import os from 'node:os';

export interface BenchRow {
  /** Which capability: 'sim', 'psi', 'log', 'ckks', ... */
  readonly area: string;
  /** What was measured, e.g. 'blinding ops/s/core'. */
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The target, e.g. '>= 8000' or '< 10 s', when there is one. */
  readonly target?: string;
  /** true when the target holds, false when it does not, undefined when there is none. */
  readonly meetsTarget?: boolean;
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatBenchTable(rows: readonly BenchRow[]): string {
  const header = ['area', 'metric', 'value', 'unit', 'target', 'ok', 'note'];
  const body = rows.map((r) => [
    r.area,
    r.metric,
    formatNumber(r.value),
    r.unit,
    r.target ?? '',
    r.meetsTarget === undefined ? '' : r.meetsTarget ? 'yes' : 'NO',
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const cpu = os.cpus();
  return [
    `machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown cpu'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}
