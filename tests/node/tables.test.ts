/**
 * A node's named, versioned feature tables (node/tables.ts, issue 14), on a real LevelDB store:
 * two tables joined by id into one catalogue, a new version of one, a clash refused, and list,
 * roll back and drop refusing what would take features from a stored model unless forced.
 * The scoring side (an older model still scoring over real processes) is in
 * tests/training-transport/table-versions.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../node/ingest.js';
import { activeTables, dropTableVersion, listTableVersions, rollbackTable } from '../../node/tables.js';
import { modelOnCatalogue } from '../../site/model-catalogue.js';
import { saveSiteModel, type SiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';

let dir: string;
let store: NodeStore;
let n = 0;
/** The files of main@1 and main@2. */
const files: string[] = [];

function csv(lines: string[]): string {
  const file = path.join(dir, `t${n++}.csv`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const ids = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

async function catalogue(): Promise<string[]> {
  return ((await store.getMeta()).catalogue ?? []).map((f) => f.name);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-tables-'));
  store = await NodeStore.open(path.join(dir, 'node'), 'bank');
});

afterAll(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('named feature tables with versions', () => {
  const model: SiteModel = {
    modelVersion: 'm1', jobId: 'j1', site: 'bank', alignmentId: 'a1', role: 'bank', features: ['x1', 'a0'], featureIndexes: [1, 2],
    mean: [0, 0], std: [1, 1], clip: 5, weights: [0.5, -0.25], intercept: 0.1, baseline: 0, createdAt: new Date(0).toISOString(),
  };

  it('joins a second table by id: its columns follow in table-name order, ids it lacks are missing, labels stay', async () => {
    files.push(csv(['id,y,x0,x1', ...ids(1, 20).map((i) => `${i},${i % 2},${i},${i * 10}`)]));
    await ingestFile(store, files[0]!, { kind: 'features', idFormat: 'any', labelColumn: 'y' });
    expect(await catalogue()).toEqual(['x0', 'x1']);
    const report = await ingestFile(store, csv(['id,a0', ...ids(11, 30).map((i) => `${i},${-i}`)]), { kind: 'features', idFormat: 'any', table: 'zaux' });
    expect(report).toMatchObject({ committed: true, enterprises: 20, featuresPerEnterprise: 3 });
    expect(await catalogue()).toEqual(['x0', 'x1', 'a0']);
    expect(await activeTables(store)).toEqual({ main: 1, zaux: 1 });
    // The labelled table decides which ids the node holds: 21..30 have no label.
    expect(Array.from((await store.featureVector('15'))!)).toEqual([15, 150, -15]);
    expect(Array.from((await store.featureVector('3'))!).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([3, 30, 'NaN']);
    expect(await store.featureVector('25')).toBeUndefined();
    expect(await store.labels.get('15')).toBe('1');
    await saveSiteModel(store, model);
  });

  it('refuses a column that another table already has, naming both, and stores nothing', async () => {
    const before = await listTableVersions(store);
    await expect(ingestFile(store, csv(['id,x1', '1,5']), { kind: 'features', idFormat: 'any', table: 'other' }))
      .rejects.toMatchObject({ code: 'INGEST_COLUMN_CLASH', message: expect.stringContaining("feature 'x1' is in table main and in table other") });
    expect(await listTableVersions(store)).toEqual(before);
    await expect(ingestFile(store, csv(['id,q', '1,5']), { kind: 'features', idFormat: 'any', table: 'Bad Name' }))
      .rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('a new version of a table becomes the active one; an older model resolves its features by name', async () => {
    // main@2 adds a column in front: x1 moves, so the model's stored indexes are stale.
    files.push(csv(['id,y,w,x0,x1', ...ids(1, 20).map((i) => `${i},${i % 2},7,${i},${i * 100}`)]));
    await ingestFile(store, files[1]!, { kind: 'features', idFormat: 'any', labelColumn: 'y' });
    expect(await activeTables(store)).toEqual({ main: 2, zaux: 1 });
    const names = await catalogue();
    expect(names).toEqual(['w', 'x0', 'x1', 'a0']);
    const resolved = modelOnCatalogue(model, (await store.getMeta()).catalogue!);
    expect(resolved).toMatchObject({ model: { featureIndexes: [2, 3] } });
    expect(Array.from((await store.featureVector('15'))!)).toEqual([7, 15, 1500, -15]);
    expect((await listTableVersions(store)).map((v) => `${v.name}@${v.version}`)).toEqual(['main@1', 'main@2', 'zaux@1']);
  });

  it('roll back and drop: refused when a stored model would lose a feature, unless forced', async () => {
    expect((await rollbackTable(store, 'main@1')).brokenModels).toEqual([]);
    expect(await catalogue()).toEqual(['x0', 'x1', 'a0']);
    expect(Array.from((await store.featureVector('15'))!)).toEqual([15, 150, -15]);
    // Not active: dropped freely.
    expect((await dropTableVersion(store, 'main@2')).active).toEqual({ main: 1, zaux: 1 });
    await expect(dropTableVersion(store, 'zaux@1')).rejects.toMatchObject({ code: 'TABLE_IN_USE', message: expect.stringContaining('m1 (a0)') });
    expect(await activeTables(store)).toEqual({ main: 1, zaux: 1 });
    await expect(rollbackTable(store, 'main@2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rollbackTable(store, 'main')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('NAME@V') });
    const forced = await dropTableVersion(store, 'zaux@1', true);
    expect(forced).toEqual({ active: { main: 1 }, brokenModels: ['m1 (a0)'] });
    expect(await catalogue()).toEqual(['x0', 'x1']);
    expect(modelOnCatalogue(model, (await store.getMeta()).catalogue!)).toEqual({ missing: ['a0'] });
  });

  it('a file sent again is refused once, naming the version it is; a dropped version\'s file may come again', async () => {
    const options = { kind: 'features', idFormat: 'any', labelColumn: 'y' } as const;
    await expect(ingestFile(store, files[0]!, options)).rejects.toMatchObject({ code: 'INGEST_DUPLICATE_FILE', message: expect.stringContaining('It is main@1, the active version.') });
    // main@2 was dropped: its file is a new version now.
    await ingestFile(store, files[1]!, options);
    expect(await activeTables(store)).toEqual({ main: 3 });
    await expect(ingestFile(store, files[0]!, options)).rejects.toMatchObject({
      code: 'INGEST_DUPLICATE_FILE', message: expect.stringContaining('It is main@1; make it active again with fedcredit node tables rollback main@1.'),
    });
  });

  it('a node holding a table from before tables had names keeps it as main@1 when a second table comes', async () => {
    const legacy = await NodeStore.open(path.join(dir, 'legacy'), 'tax');
    try {
      await ingestFile(legacy, csv(['id,t0', ...ids(1, 10).map((i) => `${i},${i}`)]), { kind: 'features', idFormat: 'any' });
      // What an older release left: the joined view only, no table versions.
      await legacy.meta.del('activeTables');
      for (const sub of ['tver', 'trow']) await legacy.db.sublevel(sub).clear();
      await ingestFile(legacy, csv(['id,u0', ...ids(5, 14).map((i) => `${i},${-i}`)]), { kind: 'features', idFormat: 'any', table: 'utility' });
      expect((await listTableVersions(legacy)).map((v) => [`${v.name}@${v.version}`, v.rows])).toEqual([['main@1', 10], ['utility@1', 10]]);
      expect(((await legacy.getMeta()).catalogue ?? []).map((f) => f.name)).toEqual(['t0', 'u0']);
      expect(Array.from((await legacy.featureVector('7'))!)).toEqual([7, -7]);
      expect(Array.from((await legacy.featureVector('14'))!).map(String)).toEqual(['NaN', '-14']);
    } finally {
      await legacy.close();
    }
  });
});
