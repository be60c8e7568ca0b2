/**
 * `fedcredit model show V --compare V1,V2` (issue 16's "report it beside the trees and the
 * scorecard", models/fusion/README.md): the models a fusion model or a scorecard is compared
 * with, named instead of the newest of each kind on the same alignment. A real coordinator
 * process over mutual TLS, its registry seeded with reports (the comparison reads only the
 * registry; the models' training is tests/fusion/fusion.test.ts's), the CLI as its operator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { DEFAULT_SCORE_SCALE } from '../../scoring/score-scale.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { seededCoordinator } from '../helpers/seeded-coordinator.js';
import { v3Report } from '../evaluation/fixture.js';
import { cli } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-compare-'));
let fed: TestFederation;
let coordinator: SpawnedParty;

const base = {
  purpose: 'credit-assessment', params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, alignmentId: 'al-1', alignmentDigest: 'd1',
  sites: [{ site: 'bank', role: 'bank' as const, featureCount: 3 }, { site: 'tax', role: 'passive' as const, featureCount: 4 }],
  createdAt: '2026-12-05T08:00:00.000Z', logIndex: 3,
};
const report = v3Report(2_000, 3, true);
const model = (v: number, kind: string, extra: Partial<ModelMetadata> = {}): ModelMetadata =>
  ({ ...base, modelVersion: `m${v}`, jobId: `job-${v}`, kind, metrics: { validationAuc: report.joint.auc, report }, ...extra }) as ModelMetadata;
const MODELS = [
  model(1, 'scorecard'), model(2, 'lr'), model(3, 'boosted-trees'), model(4, 'boosted-trees'), model(5, 'fusion'),
  model(6, 'scorecard', { alignmentId: 'al-2', alignmentDigest: 'd2' }),
];

async function show(version: string, ...extra: string[]) {
  return cli(['model', 'show', version, '--coordinator', coordinator.address, '--json', ...extra, ...fed.tls('coordinator-operator')]);
}

async function compared(version: string, ...extra: string[]): Promise<string[]> {
  const r = await show(version, ...extra);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { fusionComparison: { model: string }[] }).fusionComparison.map((row) => row.model);
}

beforeAll(async () => {
  fed = await testFederation(dir);
  coordinator = await seededCoordinator(fed, dir, MODELS);
}, 300_000);

afterAll(async () => {
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('model show --compare', () => {
  it('a fusion model: by default the newest trees and scorecard of its alignment, else the ones named', async () => {
    expect(await compared('m5')).toEqual(['m5', 'm4', 'm1', 'm5 bank-only']);
    expect(await compared('m5', '--compare', 'm3,m1')).toEqual(['m5', 'm3', 'm1', 'm5 bank-only']);
    // Only the trees named: the scorecard row says it was left out, it is not filled in.
    expect(await compared('m5', '--compare', ' m3 ')).toEqual(['m5', 'm3', '-', 'm5 bank-only']);
    // The HTML report compares with the same models.
    const file = path.join(dir, 'm5.html');
    const r = await show('m5', '--compare', 'm3', '--html', file, '--lang', 'en');
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('<td>m3</td>');
    expect(html).not.toContain('<td>m4</td>');
  }, 120_000);

  it('a scorecard: its LR named', async () => {
    const r = await show('m1', '--compare', 'm2');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { scorecardComparison: { lr: { model: string } | null } }).scorecardComparison.lr?.model).toBe('m2');
  }, 120_000);

  it('refuses a model of another kind, two of one kind, another alignment, an unknown model, and a kind with nothing to compare', async () => {
    const refused = async (version: string, list: string, says: RegExp) => {
      const r = await show(version, '--compare', list);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    };
    await refused('m5', 'm2', /m2 is of kind lr; a fusion model is compared with boosted-trees and scorecard models/);
    await refused('m5', 'm3,m4', /m3 and m4 are both boosted-trees models; name one of each kind/);
    await refused('m5', 'm6', /m6 was trained on alignment al-2, model m5 on al-1; a comparison needs the same split/);
    await refused('m5', 'm99', /m99/);
    await refused('m5', ',', /name one to 2 models/);
    await refused('m2', 'm1', /m2 is of kind lr, which has no comparison to choose/);
  }, 180_000);
});
