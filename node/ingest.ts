/**
 * Ingest of one site export into the node's store: all or nothing.
 *
 * Every row is validated first (types, ranges, dates, credit-code check characters, duplicates
 * inside the file and against the store, unknown or missing columns, references between
 * files); only a file without a single problem is written, in one atomic LevelDB batch. A
 * rejected file leaves the store exactly as it was and reports each problem as
 * `file:line: column: problem`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FedcreditError } from '../lib/errors.js';
import { CsvSyntaxError, openCsv, type CsvFile, type CsvRow } from './csv-reader.js';
import { ingestRecordFile } from './ingest-records.js';
import { ingestFeatureTable } from './ingest-table.js';
import { rebuildFeatures } from './feature-build.js';
import { activeTables, listTableVersions } from './tables.js';
import type { NodeStore } from '../site/store.js';
import { formatProblem, type IngestOptions, type IngestProgress, type IngestReport, type ValidatedFile } from './ingest-report.js';

export async function ingestFile(store: NodeStore, filePath: string, options: IngestOptions = {}): Promise<IngestReport> {
  const started = performance.now();
  const fileName = options.fileName ?? path.basename(filePath);
  const site = await store.site();
  await refuseIngestedBefore(store, fileName, await fileSha256(filePath));
  let csv: CsvFile;
  try {
    csv = await openCsv(filePath, {
      ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
      ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
    });
  } catch (err) {
    throw rejectionFromSyntax(fileName, err);
  }
  const progress = options.progress;
  if (progress) {
    progress.stage = 'validating';
    progress.bytesTotal ||= fs.statSync(filePath).size;
    csv = { ...csv, rows: countedRows(csv, progress) };
  }

  let validated: ValidatedFile;
  try {
    validated = options.kind === 'features'
      ? await ingestFeatureTable(store, csv, { ...options, fileName })
      : await ingestRecordFile(store, site, fileName, csv, options);
  } catch (err) {
    throw rejectionFromSyntax(fileName, err);
  }
  const sha256 = await csv.sha256;
  const { problems } = validated;
  const report: IngestReport = {
    fileName,
    kind: validated.kind,
    rows: validated.rows,
    committed: false,
    problems: problems.listed,
    problemCount: problems.count,
    sha256,
    seconds: 0,
    enterprises: 0,
    featuresPerEnterprise: 0,
  };
  if (problems.count > 0) {
    report.seconds = (performance.now() - started) / 1000;
    throw rejection(report);
  }
  if (validated.rows === 0) {
    report.problems = [{ line: 2, column: '-', problem: 'the file has a header but no rows' }];
    report.problemCount = 1;
    throw rejection(report);
  }
  if (progress) progress.stage = 'committing';
  await validated.commit(sha256);
  report.committed = true;

  if (progress) progress.stage = 'features';
  if (validated.kind !== 'features' && !options.skipFeatures) await rebuildFeatures(store);
  const meta = await store.getMeta();
  report.enterprises = meta.enterprises ?? 0;
  report.featuresPerEnterprise = meta.catalogue?.length ?? 0;
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** The file's rows, counting rows and bytes into `progress` as the validator reads them. */
async function* countedRows(csv: CsvFile, progress: IngestProgress): AsyncGenerator<CsvRow> {
  for await (const row of csv.rows) {
    progress.rows++;
    if ((progress.rows & 1023) === 0) progress.bytesDone = csv.bytesRead();
    yield row;
  }
  progress.bytesDone = csv.bytesRead();
}

/**
 * A file whose exact bytes were committed before is refused once, by its hash, rather than
 * row by row as duplicates of itself (or as a second feature table).
 */
async function refuseIngestedBefore(store: NodeStore, fileName: string, sha256: string): Promise<void> {
  const earlier = (await store.listIngests()).find((e) => e.sha256 === sha256);
  if (earlier === undefined) return;
  // A feature table's file: its version may have been dropped since (node/tables.ts), then it may come again.
  let hint = '';
  if (earlier.kind === 'features' && (await store.meta.get('activeTables')) !== undefined) {
    const held = (await listTableVersions(store)).find((v) => v.sha256 === sha256);
    if (held === undefined) return;
    const active = (await activeTables(store))[held.name] === held.version;
    hint = active ? ` It is ${held.name}@${held.version}, the active version.` : ` It is ${held.name}@${held.version}; make it active again with fedcredit node tables rollback ${held.name}@${held.version}.`;
  }
  throw new FedcreditError(
    'INGEST_DUPLICATE_FILE',
    `${fileName}: this file (sha256 ${sha256.slice(0, 12)}...) was already ingested on ${earlier.committedAt.slice(0, 10)} ` +
      `as ${earlier.fileName} (${earlier.rows} rows, ingest #${earlier.seq}); nothing was stored again. ` +
      `If its contents changed, save the new export and ingest that.${hint}`,
  );
}

function fileSha256(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(filePath)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function rejection(report: IngestReport): FedcreditError {
  const shown = report.problems.slice(0, 20).map((p) => formatProblem(report.fileName, p));
  const more = report.problemCount > shown.length ? `\n... and ${report.problemCount - shown.length} more` : '';
  return new FedcreditError(
    'INGEST_REJECTED',
    `${report.fileName}: rejected, nothing was stored (${report.problemCount} problem${report.problemCount === 1 ? '' : 's'}; fix the file and ingest it again):\n${shown.join('\n')}${more}`,
    report,
  );
}

function rejectionFromSyntax(fileName: string, err: unknown): unknown {
  if (!(err instanceof CsvSyntaxError)) return err;
  const problem = { line: err.line, column: '-', problem: `unreadable CSV: ${err.message}` };
  return rejection({
    fileName,
    kind: '',
    rows: 0,
    committed: false,
    problems: [problem],
    problemCount: 1,
    sha256: '',
    seconds: 0,
    enterprises: 0,
    featuresPerEnterprise: 0,
  });
}
