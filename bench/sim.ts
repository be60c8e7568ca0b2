/**
 * Simulator throughput: 100,000 enterprises with 24 months of history into a temporary
 * directory, target under 60 s. Repeated and reported as the median, as bench/report.ts asks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateFederation } from '../sim/generate.js';
import { median, type BenchRow } from './report.js';

const ENTERPRISES = 100_000;
const TARGET_SECONDS = 60;

export async function benchSim(repetitions = 3): Promise<BenchRow[]> {
  const seconds: number[] = [];
  let rows = 0;
  let bytes = 0;
  for (let rep = 0; rep < repetitions; rep++) {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-bench-sim-'));
    try {
      const started = performance.now();
      const manifest = await generateFederation({ enterprises: ENTERPRISES, seed: `bench-${rep}`, outDir });
      seconds.push((performance.now() - started) / 1000);
      rows = manifest.files.reduce((sum, f) => sum + f.rows, 0);
      bytes = manifest.files.reduce((sum, f) => sum + fs.statSync(path.join(outDir, f.path)).size, 0);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }
  const s = median(seconds);
  const note = `${ENTERPRISES.toLocaleString('en-US')} enterprises, 24 months, ${(bytes / 2 ** 20).toFixed(0)} MiB, median of ${repetitions}`;
  return [
    { area: 'sim', metric: 'generate 100k enterprises', value: s, unit: 's', target: `< ${TARGET_SECONDS} s`, meetsTarget: s < TARGET_SECONDS, note },
    { area: 'sim', metric: 'records written', value: rows / s, unit: 'rows/s', note },
  ];
}
