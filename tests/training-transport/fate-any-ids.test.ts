/**
 * Issue 14's first "Done when", over real processes: a coordinator and three node processes
 * (real gRPC with mutual TLS, LevelDB stores, encrypted training) take three FATE-style
 * feature tables keyed by integer ids "1".."N" (the bank's `id,y,x0..x3`, the tax office's and
 * the power company's other columns over overlapping id ranges with gaps), each with missing
 * cells, ingested as the documented route says (`--id-format any`, no conversion of any id).
 * They align with no id option, train logistic regression, and a bank scores one enterprise
 * named by its integer id, whose row has missing cells at every site: its consent, its key
 * binding and the signed query all name the subject by its id as ingested (schema/subject.ts).
 * Before, every consent record refused a subject that was not a credit code, so such a
 * federation could align and train but never be scored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { consentedRequester } from '../helpers/consented.js';
import { fateFederation, PROBE, SHARED, SITES, type FateFederation } from './fate-tables.js';
import { documentedPartialTerm } from '../helpers/pooled-score.js';

let dir: string;
let f: FateFederation | undefined;
let alignment: FateFederation['alignment'];
let modelVersion = '';
let calibration: { slope: number; intercept: number } | undefined;
let answer: { probabilityOfDefault: number; model: string; coverage: readonly { site: string; covered: boolean }[] };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-fate-any-'));
  f = await fateFederation(dir);
  ({ alignment } = f);
  modelVersion = f.model.modelVersion;
  calibration = f.model.calibration;
  const requester = consentedRequester({ coordinator: f.coordinatorAddress, as: f.fed.as, registrar: f.registrar, keysDir: path.join(dir, 'bank-a-keys') });
  try {
    answer = await requester.session.score({ enterprise: String(PROBE), consent: await requester.consent(String(PROBE)) });
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

describe('FATE-style tables with integer ids and missing cells, three node processes', () => {
  it('align exactly the ids all three hold, as free-form ids, with no option and no conversion', () => {
    expect(Number(alignment.intersectionSize)).toBe(SHARED.length);
    expect(Number(alignment.trainSize) + Number(alignment.validationSize)).toBe(SHARED.length);
    expect([alignment.idType, alignment.idCase]).toEqual(['any', 'keep']);
  });

  it('score the enterprise named "200" (gaps at every site) by the model just trained, as the imputation rule says', async () => {
    expect(answer.model).toBe(modelVersion);
    expect(answer.coverage.map((c) => [c.site, c.covered]).sort()).toEqual([['bank', true], ['power', true], ['tax', true]]);
    let logit = 0;
    for (const site of SITES) {
      const store = await NodeStore.open(path.join(dir, `node-${site}`), site);
      try {
        const stored = (await store.alignments.get(alignment.alignmentId))!;
        expect(new Set(stored.ids)).toEqual(new Set(SHARED.map(String)));
        const catalogue = (await store.getMeta()).catalogue!;
        const vector = (await store.featureVector(String(PROBE)))!;
        const missing = catalogue.filter((_, i) => Number.isNaN(vector[i])).map((f) => f.name);
        expect(missing).toEqual({ bank: ['x0', 'x1'], tax: ['x0', 'x2'], power: ['x0'] }[site]);
        const part = (await getSiteModel(store, modelVersion))!;
        // The documented preprocessing (median fill and a "was missing" column), written out on its own.
        logit += documentedPartialTerm(part, vector);
      } finally {
        await store.close();
      }
    }
    const calibrated = calibration === undefined ? logit : calibration.slope * logit + calibration.intercept;
    expect(answer.probabilityOfDefault).toBeCloseTo(1 / (1 + Math.exp(-calibrated)), 3);
  });
});
