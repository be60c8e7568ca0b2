/**
 * Issue 14's third "Done when", over real processes: a node takes a second feature table and a
 * new version of its first one while it runs (uploads with `table`, through the node's gRPC),
 * and the model trained before both still scores, now on the new data: its features are found
 * by name in the node's new catalogue (site/model-catalogue.ts), where the second table's
 * columns now come first. The operator's `fedcredit node tables` lists the versions and the
 * models trained on and using them; roll back works, and dropping what a stored model uses is
 * refused unless forced.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import { getSiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { consentedRequester } from '../helpers/consented.js';
import { fateFederation, PROBE, type FateFederation } from './fate-tables.js';
import { runTraining } from '../../training/client.js';
import { fairBatchSize } from './helpers.js';
import { documentedPartialTerm } from '../helpers/pooled-score.js';

let dir: string;
let f: FateFederation | undefined;
const answers: { probabilityOfDefault: number; model: string }[] = [];
/** The probe's x2 at the bank, before and after the new version of the bank's table. */
const X2 = { before: NaN, after: NaN };
/** What training on the alignment made before the new versions answered. */
let stale: unknown;

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-table-versions-'));
  f = await fateFederation(dir);
  const bank = f.nodes.get('bank')!;
  const requester = consentedRequester({ coordinator: f.coordinatorAddress, as: f.fed.as, registrar: f.registrar, keysDir: path.join(dir, 'bank-a-keys') });
  try {
    answers.push(await requester.session.score({ enterprise: String(PROBE), consent: await requester.consent(String(PROBE)) }));
    // A second table at the bank (its name sorts first, so its columns come first) and a new
    // version of the bank's main table in which the probe's x2 moved by 1.5.
    const lines = fs.readFileSync(f.files.bank, 'utf8').trimEnd().split('\n');
    const aux = ['id,a0,a1', ...lines.slice(1).map((l, i) => `${l.split(',')[0]},${(i % 7) - 3},${i % 5 === 0 ? '' : (i % 3) / 2}`)];
    fs.writeFileSync(path.join(dir, 'aux.csv'), `${aux.join('\n')}\n`);
    const version2 = lines.map((l) => {
      const cells = l.split(',');
      if (cells[0] !== String(PROBE)) return l;
      X2.before = Number(cells[4]);
      X2.after = X2.before + 1.5;
      cells[4] = X2.after.toFixed(4);
      return cells.join(',');
    });
    fs.writeFileSync(path.join(dir, 'bank-v2.csv'), `${version2.join('\n')}\n`);
    const operator = f.fed.as('bank-operator');
    await uploadFile(bank.address, operator, path.join(dir, 'aux.csv'), { kind: 'features', idFormat: 'any', table: 'aux' }, 'bank');
    await uploadFile(bank.address, operator, path.join(dir, 'bank-v2.csv'), { kind: 'features', idFormat: 'any', labelColumn: 'y' }, 'bank');
    answers.push(await requester.session.score({ enterprise: String(PROBE), consent: await requester.consent(String(PROBE)) }));
    stale = await runTraining(f.coordinatorAddress, f.fed.as('coordinator-operator'), {
      alignmentId: f.alignment.alignmentId, epochs: 1, batchSize: fairBatchSize(Number(f.alignment.trainSize)), learningRate: 0.5, l2: 1e-3, seed: 14, patience: 3,
    }).then(() => 'trained', (e: unknown) => e);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlogs:\n${f.logs()}`);
  } finally {
    requester.close();
  }
  await f.stop();
}, 240_000);

afterAll(async () => {
  await f?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('two tables on one node and a new version of one, over real processes', () => {
  it('the model trained before both still scores, on the new version, its features found by name', async () => {
    const modelVersion = f!.model.modelVersion;
    expect(answers.map((a) => a.model)).toEqual([modelVersion, modelVersion]);
    const store = await NodeStore.open(path.join(dir, 'node-bank'), 'bank');
    try {
      const catalogue = (await store.getMeta()).catalogue!.map((c) => c.name);
      expect(catalogue).toEqual(['a0', 'a1', 'x0', 'x1', 'x2', 'x3']);
      const part = (await getSiteModel(store, modelVersion))!;
      expect(part.features).toEqual(['x0', 'x1', 'x2', 'x3']);
      expect(part.featureIndexes).toEqual([0, 1, 2, 3]); // as trained; the catalogue has moved since
      const k = part.features.indexOf('x2');
      // The site's documented term of a vector that differs only in x2 (the rest left missing alike).
      const term = (x: number) => {
        const v = new Float64Array(part.features.length).fill(NaN);
        v[part.featureIndexes[k]!] = x;
        return documentedPartialTerm(part, v);
      };
      const slope = f!.model.calibration?.slope ?? 1;
      const logit = (p: number) => Math.log(p / (1 - p));
      // Only x2 changed for this enterprise, so only its term moves the joint logit.
      const expected = slope * (term(X2.after) - term(X2.before));
      expect(Math.abs(expected)).toBeGreaterThan(0.05);
      expect(logit(answers[1]!.probabilityOfDefault) - logit(answers[0]!.probabilityOfDefault)).toBeCloseTo(expected, 2);
    } finally {
      await store.close();
    }
  });

  it('training on the alignment made from the older versions is refused, naming them and what to do', () => {
    expect(stale).toMatchObject({ code: 'ALIGNMENT_STALE' });
    expect((stale as Error).message).toMatch(/made from tables main@1, and the node now serves aux@1, main@2; run `fedcredit align` again/);
  });

  it('node tables lists the versions and their models; roll back works; a drop a model depends on is refused unless forced', async () => {
    const data = path.join(dir, 'node-bank');
    const m = f!.model.modelVersion;
    const listed = await cli(['node', 'tables', '--data', data, '--json']);
    expect(listed.code, listed.out).toBe(0);
    const tables = (JSON.parse(listed.out) as { tables: { table: string; active: boolean; trainedOnBy: string[]; usedBy: string[]; rows: number }[] }).tables;
    expect(tables.map((t) => [t.table, t.active, t.trainedOnBy, t.usedBy])).toEqual([
      ['aux@1', true, [], []], ['main@1', false, [m], [m]], ['main@2', true, [], [m]],
    ]);
    const text = await cli(['node', 'tables', '--data', data]);
    expect(text.out).toMatch(/\* main@2 .* 600 rows {2}bank-v2\.csv \(sha256 [0-9a-f]{12}\.\.\.\) {2}labels\n {4}columns: x0, x1, x2, x3\n {4}models using its columns: m/);

    const status = await cli(['node', 'status', '--data', data]);
    expect(status.out).toContain('tables (active versions, joined by id; fedcredit node tables lists all): aux@1, main@2');
    expect(status.out).toMatch(/catalogue \(6 features\)/);

    const back = await cli(['node', 'tables', 'rollback', 'main@1', '--data', data]);
    expect(back.code, back.out).toBe(0);
    expect(back.out).toContain('rolled back to main@1; active: aux@1, main@1');
    const refused = await cli(['node', 'tables', 'drop', 'main@1', '--data', data]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/TABLE_IN_USE.*dropping main@1 would take features from stored models m\S* \(x0, x1, x2, \.\.\.\).*--force/s);
    const forced = await cli(['node', 'tables', 'drop', 'main@1', '--data', data, '--force']);
    expect(forced.code, forced.out).toBe(0);
    expect(forced.out).toContain('dropped main@1; active: aux@1');
    expect(forced.out).toMatch(/models that can no longer score: m/);
  });

  it('a model whose columns were dropped with --force is refused, saying why; rolled back, it scores again', async () => {
    const data = path.join(dir, 'node-bank');
    const score = async () => {
      const requester = consentedRequester({ coordinator: f!.coordinatorAddress, as: f!.fed.as, registrar: f!.registrar, keysDir: path.join(dir, 'bank-a-keys') });
      try {
        return await requester.session.score({ enterprise: String(PROBE), consent: await requester.consent(String(PROBE)) });
      } finally {
        requester.close();
      }
    };
    await f!.restart();
    try {
      await expect(score()).rejects.toThrow(/MODEL_FEATURES_GONE.*no active table holds \(x0, x1, x2\).*node tables rollback/s);
    } finally {
      await f!.stop();
    }
    const back = await cli(['node', 'tables', 'rollback', 'main@2', '--data', data]);
    expect(back.code, back.out).toBe(0);
    await f!.restart();
    try {
      const answer = await score();
      expect(answer.model).toBe(f!.model.modelVersion);
      expect(answer.probabilityOfDefault).toBeCloseTo(answers[1]!.probabilityOfDefault, 6);
    } finally {
      await f!.stop();
    }
  }, 120_000);
});
