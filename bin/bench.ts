#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark in one run, one table of medians, with the machine's cores.
 * `npm run bench -- --only log,psi` runs a subset. Benchmarks run one after another, never in
 * parallel, so they do not compete for the two cores.
 */
import { Command } from 'commander';
import { formatBenchTable, type BenchRow } from '../bench/report.js';
import { benchCkks } from '../bench/ckks/bench.js';
import { benchLog } from '../bench/log.js';
import { benchPsi } from '../bench/psi.js';
import { benchAudit } from '../bench/audit.js';
import { benchSim } from '../bench/sim.js';
import { benchTraining } from '../bench/training.js';
import { benchTrainingProcesses } from '../bench/training-processes.js';
import { benchScoring } from '../bench/scoring.js';
import { benchPreprocessing } from '../bench/preprocessing.js';
import { benchScorecard } from '../bench/scorecard.js';
import { benchMonitoring } from '../bench/monitoring.js';
import { benchTreesKernel } from '../bench/trees-kernel.js';
import { benchTrees } from '../bench/trees.js';

const AREAS: Readonly<Record<string, () => Promise<BenchRow[]>>> = {
  sim: () => benchSim(),
  log: () => benchLog(),
  audit: async () => [...(await benchAudit({ entryKind: 'unsigned', proofSample: 0 })), ...(await benchAudit())],
  ckks: () => benchCkks(),
  psi: () => benchPsi(),
  preprocessing: () => benchPreprocessing(),
  scorecard: () => benchScorecard(),
  'trees-kernel': () => benchTreesKernel(),
  trees: () => benchTrees({ small: Boolean(flags.small), ...(flags.samples === undefined ? {} : { samples: Number(flags.samples) }) }),
  training: async () => {
    const samples = flags.samples === undefined ? {} : { samples: Number(flags.samples) };
    const rows = await benchTraining(samples);
    // Coordinator and nodes as processes over gRPC: alignment alone is ~100 s at 100k, the whole
    // run several minutes, so it is opt-in.
    if (flags.processes) rows.push(...(await benchTrainingProcesses(samples)));
    else notes.push('training over real processes (gRPC, TLS, sealing, memory per process) not run: add --processes (several minutes at 100k; size with --samples N)');
    return rows;
  },
  scoring: () => {
    const inFlight = flags.inFlight?.split(',').map((n) => Number(n.trim()));
    if (inFlight?.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 1024)) throw new Error(`--in-flight wants whole numbers from 1 to 1024, got '${flags.inFlight}'`);
    return benchScoring(inFlight ? { concurrency: inFlight } : {});
  },
  monitoring: () => benchMonitoring({
    ...(flags.enterprises === undefined ? {} : { enterprises: Number(flags.enterprises) }),
    ...(flags.batch === undefined ? {} : { batchSize: Number(flags.batch) }),
  }),
};

const program = new Command()
  .name('fedcredit-bench')
  .description('run the benchmarks and print one table')
  .option('--only <areas>', `comma-separated subset of: ${Object.keys(AREAS).join(', ')}`)
  .option('--json', 'print the rows as JSON')
  .option('--processes', 'training: also run the coordinator and nodes as separate processes over gRPC (several minutes)')
  .option('--in-flight <n,...>', 'scoring: queries in flight, one run each (default 8,16,32)')
  .option('--samples <n>', 'training, trees: aligned training enterprises (default 100000)')
  .option('--small', 'trees: 10,000 enterprises x 40 features, 2 trees (CI)')
  .option('--enterprises <n>', 'monitoring: enterprises in the portfolio re-scored (default 100000)')
  .option('--batch <n>', 'monitoring: enterprises per re-scoring batch (default 4096)')
  .parse(process.argv);
const flags = program.opts<{ only?: string; json?: boolean; processes?: boolean; samples?: string; inFlight?: string; enterprises?: string; batch?: string; small?: boolean }>();
/** Lines printed after the table: what was left out and how to run it. */
const notes: string[] = [];

const chosen = flags.only ? flags.only.split(',').map((s) => s.trim()) : Object.keys(AREAS);
const unknown = chosen.filter((a) => !Object.hasOwn(AREAS, a));
if (unknown.length > 0) {
  process.stderr.write(`error: unknown benchmark area(s) ${unknown.join(', ')}; choose from ${Object.keys(AREAS).join(', ')}\n`);
  process.exit(2);
}

const rows: BenchRow[] = [];
for (const area of chosen) {
  process.stderr.write(`running ${area} benchmark...\n`);
  rows.push(...(await AREAS[area]!()));
}
process.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatBenchTable(rows)}\n`);
for (const note of notes) (flags.json ? process.stderr : process.stdout).write(`note: ${note}\n`);
