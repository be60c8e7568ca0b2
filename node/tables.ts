/**
 * A node's named feature tables, each with versions (issue 14: "one feature table per node, for
 * good"). A node holds tables by name (`--table NAME`, default `main`); ingesting a table again
 * with other content adds a version and makes it the active one. The node's feature catalogue,
 * vectors and labels (site/store.ts `meta`, `feat`, `label`: what alignment, training and
 * scoring read) are the join by id of every table's active version, rebuilt in the same
 * LevelDB batch that changes which versions are active, so readers never see half a change.
 *
 * The join: tables in name order, each table's columns in its own order. A column name may
 * appear in one active table only (a clash is refused, naming both tables: rename the column in
 * one export). At most one active table holds labels; when one does, the node's ids are that
 * table's (an id without a label cannot be trained on), else the union of the tables' ids. An
 * id missing from a table has that table's cells missing (NaN), imputed like any missing cell.
 *
 * Every version's rows stay stored (sublevels `tver` and `trow`) until dropped, so an operator
 * can roll back. Models resolve their features by name against the active catalogue
 * (site/model-catalogue.ts): a model keeps scoring when a new version lands with its columns, and a
 * drop or roll back that would take a column from a stored model is refused unless forced.
 */
import { FedcreditError } from '../lib/errors.js';
import { computeStats } from './feature-build.js';
import type { SiteModel } from '../site/model-store.js';
import { modelOnCatalogue } from '../site/model-catalogue.js';
import { bytesToFloat64, float64ToBytes, type FeatureDescription, type NodeStore } from '../site/store.js';

export const DEFAULT_TABLE = 'main';
export const TABLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export interface TableVersion {
  readonly name: string;
  readonly version: number;
  readonly fileName: string;
  readonly sha256: string;
  readonly committedAt: string;
  readonly rows: number;
  readonly idFormat: 'credit-code' | 'any';
  readonly hasLabels: boolean;
  readonly catalogue: readonly FeatureDescription[];
}

export interface TableRow {
  readonly id: string;
  readonly values: Float64Array;
  readonly label?: number;
}

const ROW_SEP = '\u0000';
const versionKey = (name: string, version: number) => `${name}@${String(version).padStart(8, '0')}`;

function sublevels(store: NodeStore) {
  return {
    versions: store.db.sublevel<string, TableVersion>('tver', { valueEncoding: 'json' }),
    rows: store.db.sublevel<string, Uint8Array>('trow', { valueEncoding: 'view' }),
    labels: store.db.sublevel<string, string>('tlab', { valueEncoding: 'utf8' }),
  };
}

/** Every stored version, by table name then version. */
export async function listTableVersions(store: NodeStore): Promise<TableVersion[]> {
  return sublevels(store).versions.values().all();
}

/** Which version of each table is active (joined into the catalogue). */
export async function activeTables(store: NodeStore): Promise<Record<string, number>> {
  return ((await store.meta.get('activeTables')) as Record<string, number> | undefined) ?? {};
}

export function checkTableName(name: string): void {
  if (!TABLE_NAME.test(name)) throw new FedcreditError('BAD_REQUEST', `table name '${name.slice(0, 40)}' must be 1-32 lower-case letters, digits, - or _, starting with a letter`);
}

/** `NAME@V` as an operator types it. */
export function parseTableRef(ref: string): { name: string; version: number } {
  const m = /^([a-z][a-z0-9_-]{0,31})@([1-9][0-9]{0,7})$/.exec(ref);
  if (!m) throw new FedcreditError('BAD_REQUEST', `'${ref.slice(0, 40)}' is not a table version; write NAME@V, e.g. main@2 (see fedcredit node tables)`);
  return { name: m[1]!, version: Number(m[2]) };
}

/**
 * Stores `rows` as a new version of table `name` and makes it active, rebuilding the joined
 * view in the same batch. Refuses (before writing anything) a column clash or a second labelled table.
 */
export async function addTableVersion(
  store: NodeStore, name: string, info: Omit<TableVersion, 'name' | 'version'>, rows: readonly TableRow[], also?: (batch: Batch) => void,
): Promise<TableVersion> {
  checkTableName(name);
  await adoptLegacyTable(store);
  const all = await listTableVersions(store);
  // Never reuse a dropped version's number: alignments name versions (meta `tableVersions`: the last issued per table).
  const issued = ((await store.meta.get('tableVersions')) as Record<string, number> | undefined) ?? {};
  const version = Math.max(issued[name] ?? 0, ...all.filter((v) => v.name === name).map((v) => v.version)) + 1;
  const added: TableVersion = { ...info, name, version };
  const active = { ...(await activeTables(store)), [name]: version };
  const chosen = await chosenVersions(store, active, [added]);
  const { versions, rows: rowLevel, labels } = sublevels(store);
  const batch = store.db.batch();
  batch.put(versionKey(name, version), added, { sublevel: versions });
  for (const r of rows) {
    batch.put(versionKey(name, version) + ROW_SEP + r.id, float64ToBytes(r.values), { sublevel: rowLevel });
    if (r.label !== undefined) batch.put(versionKey(name, version) + ROW_SEP + r.id, String(r.label), { sublevel: labels });
  }
  batch.put('tableVersions', { ...issued, [name]: version }, { sublevel: store.meta });
  also?.(batch);
  const extra = new Map([[versionKey(name, version), rows]]);
  await writeJoined(store, batch, chosen, active, extra);
  return added;
}

/** Makes `name@version` the active version of its table (refused if a stored model would lose a feature, unless forced). */
export async function rollbackTable(store: NodeStore, ref: string, force = false): Promise<{ active: Record<string, number>; brokenModels: string[] }> {
  await adoptLegacyTable(store);
  const { name, version } = parseTableRef(ref);
  const active = { ...(await activeTables(store)), [name]: version };
  const chosen = await chosenVersions(store, active, []);
  const brokenModels = await modelsLosingFeatures(store, chosen, force, `rolling back to ${ref}`);
  const batch = store.db.batch();
  await writeJoined(store, batch, chosen, active, new Map());
  return { active, brokenModels };
}

/**
 * Deletes the rows of `name@version`. Dropping a table's active version takes the table out of
 * the catalogue (roll back first to keep an older version active instead).
 */
export async function dropTableVersion(store: NodeStore, ref: string, force = false): Promise<{ active: Record<string, number>; brokenModels: string[] }> {
  await adoptLegacyTable(store);
  const { name, version } = parseTableRef(ref);
  const all = await listTableVersions(store);
  if (!all.some((v) => v.name === name && v.version === version)) {
    throw new FedcreditError('NOT_FOUND', `this node holds no table version ${ref}; list them with fedcredit node tables`);
  }
  const active = { ...(await activeTables(store)) };
  const wasActive = active[name] === version;
  if (wasActive) delete active[name];
  const chosen = await chosenVersions(store, active, []);
  const brokenModels = wasActive ? await modelsLosingFeatures(store, chosen, force, `dropping ${ref}`) : [];
  const { versions, rows, labels } = sublevels(store);
  const batch = store.db.batch();
  const prefix = versionKey(name, version) + ROW_SEP;
  for await (const key of rows.keys({ gte: prefix, lt: `${prefix}\uffff` })) batch.del(key, { sublevel: rows });
  for await (const key of labels.keys({ gte: prefix, lt: `${prefix}\uffff` })) batch.del(key, { sublevel: labels });
  batch.del(versionKey(name, version), { sublevel: versions });
  if (wasActive) await writeJoined(store, batch, chosen, active, new Map());
  else await batch.write({ sync: true });
  return { active, brokenModels };
}

/* ------------------------------------------------------------------------------------------ */

/** The versions `active` names, checked: each exists, columns do not clash, at most one holds labels. */
async function chosenVersions(store: NodeStore, active: Record<string, number>, added: readonly TableVersion[]): Promise<TableVersion[]> {
  const all = [...(await listTableVersions(store)), ...added];
  const chosen: TableVersion[] = [];
  for (const name of Object.keys(active).sort()) {
    const v = all.find((t) => t.name === name && t.version === active[name]);
    if (!v) throw new FedcreditError('NOT_FOUND', `this node holds no table version ${name}@${active[name]}; list them with fedcredit node tables`);
    chosen.push(v);
  }
  const owner = new Map<string, string>();
  for (const t of chosen) {
    for (const f of t.catalogue) {
      const other = owner.get(f.name);
      if (other !== undefined) {
        throw new FedcreditError('INGEST_COLUMN_CLASH', `feature '${f.name}' is in table ${other} and in table ${t.name}; a node's tables are joined by id, so each column name may appear in one table only: rename it in one of the exports`);
      }
      owner.set(f.name, t.name);
    }
  }
  const labelled = chosen.filter((t) => t.hasLabels);
  if (labelled.length > 1) throw new FedcreditError('INGEST_MIXED_SOURCES', `tables ${labelled.map((t) => t.name).join(' and ')} both hold labels; a node has one label column: ingest the other table without --label-column`);
  const formats = new Set(chosen.map((t) => t.idFormat));
  if (formats.size > 1) throw new FedcreditError('INGEST_MIXED_SOURCES', `the node's tables would mix id formats (${chosen.map((t) => `${t.name}: ${t.idFormat}`).join(', ')}); ingest every table with the same --id-format`);
  return chosen;
}

/** Names of stored models that would lose a feature under `chosen`; refuses unless forced. */
async function modelsLosingFeatures(store: NodeStore, chosen: readonly TableVersion[], force: boolean, what: string): Promise<string[]> {
  const catalogue = chosen.flatMap((t) => t.catalogue);
  const broken: string[] = [];
  for (const model of (await store.models.values().all()) as SiteModel[]) {
    const r = modelOnCatalogue(model, catalogue);
    if ('missing' in r) broken.push(`${model.modelVersion} (${r.missing.slice(0, 3).join(', ')}${r.missing.length > 3 ? ', ...' : ''})`);
  }
  if (broken.length > 0 && !force) {
    throw new FedcreditError('TABLE_IN_USE', `${what} would take features from stored models ${broken.join('; ')}, which could no longer score; pass --force to do it anyway, or keep the version active`);
  }
  return broken;
}

async function readRows(store: NodeStore, t: TableVersion): Promise<TableRow[]> {
  const { rows, labels } = sublevels(store);
  const prefix = versionKey(t.name, t.version) + ROW_SEP;
  const labelOf = new Map<string, number>();
  if (t.hasLabels) for await (const [k, v] of labels.iterator({ gte: prefix, lt: `${prefix}\uffff` })) labelOf.set(k.slice(prefix.length), Number(v));
  const out: TableRow[] = [];
  for await (const [k, v] of rows.iterator({ gte: prefix, lt: `${prefix}\uffff` })) {
    const id = k.slice(prefix.length);
    const label = labelOf.get(id);
    out.push({ id, values: bytesToFloat64(v), ...(label === undefined ? {} : { label }) });
  }
  return out;
}

/** Replaces the node's joined view (catalogue, vectors, labels, stats) by the join of `chosen`, in `batch`, and writes it. */
type Batch = ReturnType<NodeStore['db']['batch']>;

async function writeJoined(store: NodeStore, batch: Batch, chosen: readonly TableVersion[], active: Record<string, number>, extra: ReadonlyMap<string, readonly TableRow[]>): Promise<void> {
  const tables = await Promise.all(chosen.map(async (t) => extra.get(versionKey(t.name, t.version)) ?? readRows(store, t)));
  const widths = chosen.map((t) => t.catalogue.length);
  const offsets = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const width = widths.reduce((a, b) => a + b, 0);
  const labelled = chosen.findIndex((t) => t.hasLabels);
  const ids: string[] = labelled >= 0 ? tables[labelled]!.map((r) => r.id) : [...new Set(tables.flatMap((rows) => rows.map((r) => r.id)))];
  const joined = new Map<string, Float64Array>(ids.map((id) => [id, new Float64Array(width).fill(NaN)]));
  tables.forEach((rows, t) => {
    for (const r of rows) joined.get(r.id)?.set(r.values, offsets[t]!);
  });
  for await (const key of store.features.keys()) batch.del(key, { sublevel: store.features });
  for await (const key of store.labels.keys()) batch.del(key, { sublevel: store.labels });
  for (const [id, v] of joined) batch.put(id, float64ToBytes(v), { sublevel: store.features });
  if (labelled >= 0) for (const r of tables[labelled]!) if (r.label !== undefined) batch.put(r.id, String(r.label), { sublevel: store.labels });
  const catalogue = chosen.flatMap((t) => t.catalogue);
  batch.put('source', 'table', { sublevel: store.meta });
  batch.put('activeTables', active, { sublevel: store.meta });
  batch.put('catalogue', catalogue, { sublevel: store.meta });
  batch.put('stats', computeStats([...joined.values()], width), { sublevel: store.meta });
  batch.put('enterprises', joined.size, { sublevel: store.meta });
  batch.put('hasLabels', labelled >= 0, { sublevel: store.meta });
  batch.put('idFormat', chosen[0]?.idFormat ?? 'any', { sublevel: store.meta });
  batch.put('counts', { features: joined.size }, { sublevel: store.meta });
  batch.put('featuresEpoch', ((await store.getMeta()).featuresEpoch ?? 0) + 1, { sublevel: store.meta });
  store.featuresChanged();
  await batch.write({ sync: true });
  store.featuresChanged();
}

/**
 * A node that took one feature table before tables had names holds it only as its joined view:
 * it becomes `main@1`, so that the next ingest adds to it rather than replacing it unseen.
 */
async function adoptLegacyTable(store: NodeStore): Promise<void> {
  const meta = await store.getMeta();
  if (meta.source !== 'table' || (await store.meta.get('activeTables')) !== undefined) return;
  const { versions, rows, labels } = sublevels(store);
  const key = versionKey(DEFAULT_TABLE, 1);
  const first = (await store.listIngests()).find((e) => e.kind === 'features');
  const batch = store.db.batch();
  batch.put(key, {
    name: DEFAULT_TABLE, version: 1, fileName: first?.fileName ?? 'table.csv', sha256: first?.sha256 ?? '', committedAt: first?.committedAt ?? new Date(0).toISOString(),
    rows: meta.enterprises ?? 0, idFormat: meta.idFormat ?? 'credit-code', hasLabels: meta.hasLabels ?? false, catalogue: meta.catalogue ?? [],
  } satisfies TableVersion, { sublevel: versions });
  for await (const [id, v] of store.features.iterator()) batch.put(key + ROW_SEP + id, v, { sublevel: rows });
  for await (const [id, v] of store.labels.iterator()) batch.put(key + ROW_SEP + id, v, { sublevel: labels });
  batch.put('activeTables', { [DEFAULT_TABLE]: 1 }, { sublevel: store.meta });
  await batch.write({ sync: true });
}
