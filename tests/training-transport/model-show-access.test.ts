/**
 * `fedcredit model show` for the bank's operator (issue 17): the label holder computed the
 * evaluation report, so its operator may read it back; a passive site's operator may not, and
 * the coordinator's operator still may. A real coordinator process over mutual TLS; the model
 * is put into its registry before it starts (training one here would add minutes, not checks).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { ModelRegistry, type ModelMetadata } from '../../training/model-registry.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { DEFAULT_SCORE_SCALE } from '../../scoring/score-scale.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-model-show-'));
let fed: TestFederation;
let coordinator: SpawnedParty;

const MODEL: ModelMetadata = {
  modelVersion: 'm1', jobId: 'job-1', alignmentId: 'al-1', purpose: 'credit-scoring', kind: 'lr',
  sites: [{ site: 'bank', role: 'bank', featureCount: 3 }, { site: 'tax', role: 'passive', featureCount: 4 }],
  params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, metrics: { validationAuc: 0.81 }, createdAt: '2026-12-04T00:00:00.000Z', logIndex: 3,
};

beforeAll(async () => {
  fed = await testFederation(dir);
  const data = path.join(dir, 'coord');
  const models = await ModelRegistry.open(data);
  await models.put(MODEL);
  await models.close();
  coordinator = await spawnParty('coordinator', ['coordinator', 'serve', '--data', data, '--port', '0', ...fed.tls('coordinator')]);
});

afterAll(async () => {
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function modelShow(party: string, version = 'm1') {
  const r = spawnSync(process.execPath, [cliPath(), 'model', 'show', version, '--coordinator', coordinator.address, '--json', ...fed.tls(party)], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, json: JSON.parse(r.stdout) as Record<string, unknown> };
}

describe('model show: who may read a model\'s report', () => {
  it('the label holder\'s operator (bank-operator) reads it', () => {
    const r = modelShow('bank-operator');
    expect(r.status).toBe(0);
    expect(r.json).toMatchObject({ modelVersion: 'm1', metrics: { validationAuc: 0.81 } });
  });

  it('the coordinator\'s operator still reads it', () => {
    expect(modelShow('coordinator-operator')).toMatchObject({ status: 0, json: { modelVersion: 'm1' } });
  });

  it('a passive site\'s operator is refused, and learns no model versions from a miss', () => {
    const r = modelShow('tax-operator');
    expect(r.status).toBe(1);
    expect(r.json).toMatchObject({ error: { code: 'IDENTITY_MISMATCH', message: expect.stringMatching(/operator of its label holder \(bank\), not by operator\/tax/) } });
    const miss = modelShow('tax-operator', 'm9');
    expect(miss.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(JSON.stringify(miss.json)).not.toMatch(/m1/);
  });

  it('other roles stay refused by the role table', () => {
    expect(modelShow('bank').json).toMatchObject({ error: { code: 'ROLE_NOT_ALLOWED' } });
    expect(modelShow('bank-a').json).toMatchObject({ error: { code: 'ROLE_NOT_ALLOWED' } });
  });
});
