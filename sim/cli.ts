/**
 * `fedcredit sim ...`: generate a simulated federation's raw site exports, a further month of
 * them for monitoring, and measure the centralized baseline on it; or write feature tables
 * shaped like public credit data.
 *
 * Output follows the CLI's conventions: a short human summary on stdout (or one JSON document
 * with --json), progress on stderr only when stderr is a terminal, and failures as
 * `error: message` on stderr with exit status 1.
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { centralizedBaseline, buildBaselineDataset } from './baseline.js';
import { generateFederation, type Manifest } from './generate.js';
import { writeCreditTables } from './tables.js';
import { DEFAULT_DETERIORATE, DEFAULT_DOWNTURN, nextMonth } from './next-month.js';

function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got '${value}'`);
    }
    return n;
  };
}

function month(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError(`--observation must be a month YYYY-MM, got '${value}'`);
  return value;
}

async function reportFailure(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

export function summarizeManifest(m: Manifest, outDir: string, seconds: number): string {
  const pct = (n: number) => `${((100 * n) / m.enterprises).toFixed(1)}%`;
  const lines = [
    `generated ${m.enterprises.toLocaleString('en-US')} enterprises (seed '${m.seed}', observation ${m.observation}) into ${outDir} in ${seconds.toFixed(1)} s`,
    ...m.files.map((f) => `  ${f.path.padEnd(22)} ${f.rows.toLocaleString('en-US').padStart(12)} rows`),
    `  coverage: tax ${pct(m.coverage.tax)}, power ${pct(m.coverage.power)}, bank ${pct(m.coverage.bank)}, all three ${pct(m.coverage.allThree)}`,
    `  bank label (90+ dpd ${m.periods.labelWindow[0]}..${m.periods.labelWindow[1]}): ${m.bank.labelled.toLocaleString('en-US')} labelled, default rate ${(100 * m.bank.defaultRate).toFixed(1)}%`,
    `  ground_truth.csv is for evaluation only: no site holds it.`,
  ];
  return lines.join('\n');
}

export function registerSimCommands(program: Command): void {
  const sim = program
    .command('sim')
    .description('simulate the raw record exports of a tax bureau, a power utility and a bank');

  sim
    .command('generate')
    .description('write tax/, power/ and bank/ CSV exports (columns as in docs/data-formats.md), ground_truth.csv and manifest.json')
    .requiredOption('--enterprises <n>', 'number of enterprises to simulate', wholeNumber('--enterprises', 1, 10_000_000))
    .requiredOption('--seed <seed>', 'any text; the same seed gives byte-identical files')
    .requiredOption('--out <dir>', 'output directory (created if missing; existing files of these names are replaced)')
    .option('--observation <YYYY-MM>', 'observation month: tax and power end here, the bank runs 12 months further', month, '2025-12')
    .option('--history-months <n>', 'months of tax and power history ending at the observation month', wholeNumber('--history-months', 13, 120), 24)
    .option('--json', 'print the manifest as JSON instead of a summary')
    .addHelpText('after', [
      '',
      'Example:',
      '  fedcredit sim generate --enterprises 10000 --seed demo --out data/sim',
      '',
      'Each site node then ingests only its own folder (data/sim/tax, data/sim/power, data/sim/bank).',
      '100,000 enterprises take well under a minute and about 450 MB of disk.',
    ].join('\n'))
    .action(async (flags: { enterprises: number; seed: string; out: string; observation: string; historyMonths: number; json?: boolean }) => {
      await reportFailure(async () => {
        const showProgress = !flags.json && process.stderr.isTTY === true;
        const started = performance.now();
        const outDir = path.resolve(flags.out);
        const manifest = await generateFederation(
          { enterprises: flags.enterprises, seed: flags.seed, outDir, observation: flags.observation, historyMonths: flags.historyMonths },
          showProgress ? (done, total) => process.stderr.write(`\rgenerating: ${Math.floor((100 * done) / total)}%\u001b[K`) : undefined,
        );
        const seconds = (performance.now() - started) / 1000;
        if (showProgress) process.stderr.write('\n');
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
        } else {
          if (!showProgress) process.stderr.write(`sim: done in ${seconds.toFixed(1)} s\n`);
          process.stdout.write(`${summarizeManifest(manifest, outDir, seconds)}\n`);
        }
      });
    });

  sim
    .command('tables')
    .description('write bank.csv, tax.csv and power.csv feature tables shaped like public credit data (heavy tails, ties, sentinels, empty cells; docs/feature-tables.md)')
    .option('--rows <n>', 'number of enterprises (integer ids 1..n; every site holds all of them)', wholeNumber('--rows', 10, 2_000_000), 30_000)
    .requiredOption('--seed <seed>', 'any text; the same seed and rows give byte-identical files')
    .requiredOption('--out <dir>', 'output directory (created if missing; bank.csv, tax.csv, power.csv are replaced)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', [
      '',
      'Example:',
      '  fedcredit sim tables --rows 30000 --seed 7 --out data/tables',
      '  fedcredit node ingest --data bank --site bank --file data/tables/bank.csv --kind features --id-column id --label-column default_2y --id-format any',
      '',
      'The label (default_2y) is in bank.csv only; tax.csv and power.csv are ingested without --label-column.',
    ].join('\n'))
    .action(async (flags: { rows: number; seed: string; out: string; json?: boolean }) => {
      await reportFailure(async () => {
        const summary = writeCreditTables({ rows: flags.rows, seed: flags.seed, outDir: path.resolve(flags.out) });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          return;
        }
        process.stdout.write([
          `wrote ${summary.rows.toLocaleString('en-US')} enterprises (seed '${summary.seed}'), default rate ${(100 * summary.defaultRate).toFixed(2)}%`,
          ...summary.files.map((f) => `  ${f.site.padEnd(6)} ${f.path}: ${f.columns.join(', ')}`),
        ].join('\n') + '\n');
      });
    });

  sim
    .command('month')
    .description('write one more month (obs+1) of tax and power records on top of `sim generate`, some firms deteriorating, for post-loan monitoring')
    .requiredOption('--from <dir>', 'directory written by `sim generate` (read only: month 1 never changes)')
    .requiredOption('--out <dir>', 'output directory for the month (tax/, power/, monitoring_truth.csv, month.json)')
    .option('--deteriorate <share>', `share of the firms at two or more sites hit by a shock this month (0 to 0.9; default ${DEFAULT_DETERIORATE})`)
    .option('--downturn <industries>', `comma-separated industries three times as likely to deteriorate (default ${DEFAULT_DOWNTURN.join(',')})`)
    .option('--control', 'a month drawn from the training distribution: no deterioration beyond the usual rate of shocks')
    .option('--json', 'print the month manifest as JSON')
    .addHelpText('after', [
      '',
      'Example:',
      '  fedcredit sim generate --enterprises 10000 --seed demo --out data/sim',
      '  fedcredit sim month --from data/sim --out data/sim-month2',
      '  fedcredit node ingest --data tax --file data/sim-month2/tax/vat_filings.csv',
      '  fedcredit node ingest --data power --file data/sim-month2/power/power_bills.csv',
      '',
      'The bank gets no new file: its records already run 12 months past the observation month.',
      'monitoring_truth.csv says which firms deteriorated; it is for evaluation only.',
    ].join('\n'))
    .action(async (flags: { from: string; out: string; deteriorate?: string; downturn?: string; control?: boolean; json?: boolean }) => {
      await reportFailure(async () => {
        const deteriorate = flags.deteriorate === undefined ? undefined : Number(flags.deteriorate);
        if (deteriorate !== undefined && !Number.isFinite(deteriorate)) throw new Error(`--deteriorate must be a share from 0 to 0.9, got '${flags.deteriorate}'`);
        const m = nextMonth({
          from: path.resolve(flags.from),
          outDir: path.resolve(flags.out),
          ...(deteriorate === undefined ? {} : { deteriorate }),
          ...(flags.downturn === undefined ? {} : { downturn: flags.downturn.split(',').map((d) => d.trim()).filter((d) => d !== '') }),
          control: flags.control === true,
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
          return;
        }
        process.stdout.write([
          `wrote month ${m.month} (after observation ${m.observation}, seed '${m.seed}') into ${path.resolve(flags.out)}`,
          ...m.files.map((f) => `  ${f.path.padEnd(22)} ${f.rows.toLocaleString('en-US').padStart(12)} rows`),
          m.control
            ? `  control month: no deterioration; ${m.usualShocks} firms had a shock at the usual rate`
            : `  ${m.deteriorated} firms deteriorated (${(100 * m.deteriorate).toFixed(0)}% of those at two or more sites, downturn in ${m.downturn.join(', ')}); ${m.usualShocks} more had a shock at the usual rate`,
        ].join('\n') + '\n');
      });
    });

  sim
    .command('baseline')
    .description('centralized plain logistic regression on a generated federation: bank features alone vs all three sites pooled')
    .requiredOption('--data <dir>', 'directory written by `sim generate`')
    .option('--test-fraction <f>', 'share of enterprises held out for the AUC', '0.3')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { data: string; testFraction: string; json?: boolean }) => {
      await reportFailure(async () => {
        const testFraction = Number(flags.testFraction);
        const result = centralizedBaseline(buildBaselineDataset(path.resolve(flags.data)), { testFraction });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        process.stdout.write([
          `enterprises held by all three sites with a bank label: ${result.trainRows + result.testRows} (default rate ${(100 * result.defaultRate).toFixed(1)}%)`,
          `test split: ${result.testRows} enterprises, ${result.testDefaults} defaults`,
          `  bank features only      AUC ${result.bankOnly.auc.toFixed(3)}  KS ${result.bankOnly.ks.toFixed(3)}`,
          `  tax + power + bank      AUC ${result.pooled.auc.toFixed(3)}  KS ${result.pooled.ks.toFixed(3)}`,
          `  same, sigmoid 0.5+0.25z AUC ${result.pooledTaylor.auc.toFixed(3)}  KS ${result.pooledTaylor.ks.toFixed(3)}`,
        ].join('\n') + '\n');
      });
    });
}
