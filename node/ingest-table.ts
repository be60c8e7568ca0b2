/**
 * Ingest of a ready feature table: one row per entity, an id column, optionally a label column,
 * and feature columns (numbers, integers, categorical text; missing cells allowed) that enter
 * the catalogue with their type (node/table-columns.ts). This is the form of FATE's example
 * data and of many agencies' exports; docs/feature-tables.md describes it for the operator.
 */
import { creditCodeProblem } from '../schema/credit-code.js';
import { anyIdProblem } from '../alignment/ids.js';
import { FedcreditError } from '../lib/errors.js';
import { checkLabel } from './column-check.js';
import { ColumnCells, declaredTypes, settleColumn, type SettledColumn } from './table-columns.js';
import type { CsvFile } from './csv-reader.js';
import { ProblemList, type IngestOptions, type ValidatedFile } from './ingest-report.js';
import { seqKey, type FeatureDescription, type NodeStore } from '../site/store.js';
import { addTableVersion, checkTableName, DEFAULT_TABLE } from './tables.js';

export async function ingestFeatureTable(store: NodeStore, csv: CsvFile, options: IngestOptions): Promise<ValidatedFile> {
  const fileName = options.fileName ?? 'table.csv';
  const meta = await store.getMeta();
  // A node holds either raw records or named feature tables (node/tables.ts), never both.
  if (meta.source === 'records') {
    throw new FedcreditError('INGEST_MIXED_SOURCES', `${fileName}: this node holds raw site records; a feature table needs a node of its own (another --data folder)`);
  }
  const table = options.table ?? DEFAULT_TABLE;
  checkTableName(table);
  const idColumn = options.idColumn || 'id';
  const labelColumn = options.labelColumn || undefined;
  const idFormat = options.idFormat ?? 'credit-code';
  const problems = new ProblemList();

  const seen = new Set<string>();
  csv.header.forEach((name) => {
    if (seen.has(name)) problems.add(1, name, 'column appears twice in the header');
    seen.add(name);
  });
  const idIndex = csv.header.indexOf(idColumn);
  if (idIndex < 0) problems.add(1, idColumn, `id column '${idColumn}' is not in the header (choose it with --id-column)`);
  const labelIndex = labelColumn === undefined ? -1 : csv.header.indexOf(labelColumn);
  if (labelColumn !== undefined && labelIndex < 0) problems.add(1, labelColumn, `label column '${labelColumn}' is not in the header`);
  const featureIndexes = csv.header.map((_, i) => i).filter((i) => i !== idIndex && i !== labelIndex);
  if (featureIndexes.length === 0) problems.add(1, '-', 'the table has no feature columns');
  const declared = declaredTypes(csv.header, { integer: options.integer ?? [], categorical: options.categorical ?? [] });
  for (const problem of declared.problems) problems.add(1, '-', problem);
  const headerOk = problems.count === 0;
  const columns = featureIndexes.map((i) => new ColumnCells(csv.header[i]!, declared.types.get(csv.header[i]!)));

  // Rows as read, in file order; their feature values are in `columns` at the same index.
  const rows: { id: string; line: number; label?: number }[] = [];
  const lineOf = new Map<string, number>();
  let rowCount = 0;
  for await (const { line, fields } of csv.rows) {
    rowCount++;
    if (!headerOk) continue;
    if (fields.length !== csv.header.length) {
      problems.add(line, '-', `has ${fields.length} fields, the header has ${csv.header.length}`);
      continue;
    }
    const id = fields[idIndex]!.trim();
    const idProblem = idFormat === 'credit-code'
      ? creditCodeProblem(id)
      : anyIdProblem(id);
    if (idProblem !== undefined) {
      problems.add(line, idColumn, `'${id.slice(0, 40)}' is not a valid id: ${idProblem}${idFormat === 'credit-code' ? ' (use --id-format any for ids that are not credit codes)' : ''}`);
      continue;
    }
    const earlier = lineOf.get(id);
    if (earlier !== undefined) {
      problems.add(line, idColumn, `duplicate of line ${earlier} (same id)`);
      continue;
    }
    lineOf.set(id, line);
    let label: number | undefined;
    if (labelIndex >= 0) {
      const result = checkLabel(fields[labelIndex]!);
      if (result.ok) label = result.value;
      else problems.add(line, labelColumn!, result.problem);
    }
    featureIndexes.forEach((col, k) => columns[k]!.add(fields[col]!));
    rows.push({ id, line, ...(label === undefined ? {} : { label }) });
  }

  // Types are settled on the whole column: a problem of one cell names its line.
  const settled: SettledColumn[] = [];
  for (const cells of columns) {
    const { column, problems: found } = settleColumn(cells, rows.length);
    for (const p of found) problems.add(p.row === undefined ? 1 : rows[p.row]!.line, p.column, p.problem);
    if (column) settled.push(column);
  }
  const catalogue: FeatureDescription[] = settled.flatMap((c) => c.features);
  const vectorOf = (row: number) => Float64Array.from(settled.flatMap((c) => c.values(row)));

  return {
    kind: 'features',
    rows: rowCount,
    problems,
    commit: async (sha256) => {
      // A new version of the table, joined with the node's other tables in one batch with the manifest entry.
      const seq = (await store.getMeta()).nextIngestSeq ?? 1;
      const committedAt = new Date().toISOString();
      await addTableVersion(store, table, { fileName, sha256, committedAt, rows: rows.length, idFormat, hasLabels: labelIndex >= 0, catalogue },
        rows.map(({ id, label }, row) => ({ id, values: vectorOf(row), ...(label === undefined ? {} : { label }) })),
        (batch) => {
          batch.put('nextIngestSeq', seq + 1, { sublevel: store.meta });
          batch.put(seqKey(seq), { seq, fileName, kind: 'features', rows: rows.length, sha256, committedAt }, { sublevel: store.ingests });
        });
    },
  };
}
