/**
 * Ingest of a ready feature table: one row per entity, an id column, optionally a label column,
 * and numeric feature columns that enter the catalogue as they are. This is the form of FATE's
 * example data and of many agencies' exports.
 */
import { creditCodeProblem } from '../schema/credit-code.js';
import { anyIdProblem } from '../alignment/ids.js';
import { FedcreditError } from '../lib/errors.js';
import { checkFeatureValue } from './column-check.js';
import type { CsvFile } from './csv-reader.js';
import { ProblemList, type IngestOptions, type ValidatedFile } from './ingest-report.js';
import { computeStats } from './feature-build.js';
import { float64ToBytes, seqKey, type FeatureDescription, type NodeStore } from '../site/store.js';

export async function ingestFeatureTable(store: NodeStore, csv: CsvFile, options: IngestOptions): Promise<ValidatedFile> {
  const fileName = options.fileName ?? 'table.csv';
  const meta = await store.getMeta();
  if (meta.source !== undefined) {
    const what = meta.source === 'table' ? 'a feature table already' : 'raw site records';
    throw new FedcreditError('INGEST_MIXED_SOURCES', `${fileName}: this node holds ${what}; a feature table needs a node of its own (another --data folder)`);
  }
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
  const headerOk = problems.count === 0;

  const vectors = new Map<string, { line: number; values: Float64Array; label?: number }>();
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
    const earlier = vectors.get(id);
    if (earlier) {
      problems.add(line, idColumn, `duplicate of line ${earlier.line} (same id)`);
      continue;
    }
    const values = new Float64Array(featureIndexes.length);
    let rowOk = true;
    featureIndexes.forEach((col, k) => {
      const result = checkFeatureValue(fields[col]!.trim());
      if (result.ok) values[k] = result.value as number;
      else {
        problems.add(line, csv.header[col]!, result.problem);
        rowOk = false;
      }
    });
    let label: number | undefined;
    if (labelIndex >= 0) {
      const raw = fields[labelIndex]!.trim();
      if (raw !== '0' && raw !== '1') {
        problems.add(line, labelColumn!, `'${raw.slice(0, 40)}' must be 0 or 1`);
        rowOk = false;
      } else label = Number(raw);
    }
    if (rowOk) vectors.set(id, { line, values, ...(label === undefined ? {} : { label }) });
  }

  const catalogue: FeatureDescription[] = featureIndexes.map((i) => ({
    name: csv.header[i]!,
    meaning: 'column of an ingested feature table',
    unit: 'as supplied',
    window: 'as supplied',
    imputation: 'none (tables must be complete)',
  }));

  return {
    kind: 'features',
    rows: rowCount,
    problems,
    commit: async (sha256) => {
      const seq = meta.nextIngestSeq ?? 1;
      const batch = store.db.batch();
      for (const [id, { values, label }] of vectors) {
        batch.put(id, float64ToBytes(values), { sublevel: store.features });
        if (label !== undefined) batch.put(id, String(label), { sublevel: store.labels });
      }
      batch.put('source', 'table', { sublevel: store.meta });
      batch.put('catalogue', catalogue, { sublevel: store.meta });
      batch.put('stats', computeStats([...vectors.values()].map((v) => v.values), catalogue.length), { sublevel: store.meta });
      batch.put('enterprises', vectors.size, { sublevel: store.meta });
      batch.put('hasLabels', labelIndex >= 0, { sublevel: store.meta });
      batch.put('idFormat', idFormat, { sublevel: store.meta });
      batch.put('counts', { features: vectors.size }, { sublevel: store.meta });
      batch.put('nextIngestSeq', seq + 1, { sublevel: store.meta });
      batch.put(seqKey(seq), {
        seq, fileName, kind: 'features', rows: vectors.size, sha256, committedAt: new Date().toISOString(),
      }, { sublevel: store.ingests });
      store.featuresChanged();
      await batch.write({ sync: true });
      store.featuresChanged();
    },
  };
}
