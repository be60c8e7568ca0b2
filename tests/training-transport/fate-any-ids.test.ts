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
import { runAlignment } from '../../alignment/client.js';
import { runTraining } from '../../training/client.js';
import { freePort, spawnCoordinator, spawnNode } from '../../lib/party-processes.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { getSiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { consentedRequester } from '../helpers/consented.js';
import { testFederation } from '../helpers/federation.js';
import { fairBatchSize } from './helpers.js';

const SITES = ['tax', 'power', 'bank'] as const;
type Site = (typeof SITES)[number];
/** The enterprise scored: id "200", present at every site, missing cells at every site. */
const PROBE = 200;

/** Which integer ids each site holds: overlapping ranges, each with its own gaps. */
const HOLDS: Record<Site, (n: number) => boolean> = {
  bank: (n) => n >= 1 && n <= 600,
  tax: (n) => n >= 101 && n <= 700 && n % 13 !== 0,
  power: (n) => n >= 51 && n <= 650 && n % 17 !== 0,
};
const SHARED = Array.from({ length: 700 }, (_, i) => i + 1).filter((n) => SITES.every((s) => HOLDS[s](n)));

/** A seeded generator (mulberry32): the same data and model on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FATE's layout: `id,y,x0..x3` at the guest, `id,x0..` at the hosts; gaps written as FATE exports do. */
function writeTables(dir: string): Record<Site, string> {
  const rnd = random(1414);
  const cell = (n: number, p: number, v: number, token: string) => (n === PROBE || rnd() < p ? token : v.toFixed(4));
  const lines: Record<Site, string[]> = { bank: ['id,y,x0,x1,x2,x3'], tax: ['id,x0,x1,x2'], power: ['id,x0,x1'] };
  for (let n = 1; n <= 700; n++) {
    const x = Array.from({ length: 9 }, () => rnd() * 2 - 1);
    const logit = -1.2 * x[0]! + 0.8 * x[4]! - 0.9 * x[7]! + 0.5 * x[2]! - 0.7;
    const y = rnd() < 1 / (1 + Math.exp(-logit)) || n % 31 === 1 ? '1' : '0';
    if (HOLDS.bank(n)) lines.bank.push([n, y, cell(n, 0.1, x[0]!, ''), cell(n, 0.1, x[1]!, 'NA'), x[2]!.toFixed(4), x[3]!.toFixed(4)].join(','));
    if (HOLDS.tax(n)) lines.tax.push([n, cell(n, 0.15, x[4]!, 'null'), x[5]!.toFixed(4), cell(n, 0.05, x[6]!, '')].join(','));
    if (HOLDS.power(n)) lines.power.push([n, cell(n, 0.2, x[7]!, 'NaN'), x[8]!.toFixed(4)].join(','));
  }
  const files = {} as Record<Site, string>;
  for (const site of SITES) {
    files[site] = path.join(dir, `${site}.csv`);
    fs.writeFileSync(files[site], `${lines[site].join('\n')}\n`);
  }
  return files;
}

let dir: string;
let coordinator: SpawnedParty | undefined;
const nodes = new Map<Site, SpawnedParty>();
let alignment: Awaited<ReturnType<typeof runAlignment>>;
let modelVersion = '';
let calibration: { slope: number; intercept: number } | undefined;
let answer: { probabilityOfDefault: number; model: string; coverage: readonly { site: string; covered: boolean }[] };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-fate-any-'));
  const fed = await testFederation(dir);
  const coordinatorPort = await freePort();
  const s = { dir, fed, coordinatorPort, coordinatorAddress: `127.0.0.1:${coordinatorPort}` };
  const registrar = prepareScoringDemo([path.join(dir, 'coordinator'), ...SITES.map((site) => path.join(dir, `node-${site}`))]);
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  const files = writeTables(dir);
  const logs = () => [coordinator!, ...nodes.values()].flatMap((n) => n.logLines.slice(-15).map((l) => `${n.name}: ${l}`)).join('\n');
  for (const site of SITES) {
    await uploadFile(nodes.get(site)!.address, fed.as(`${site}-operator`), files[site], { kind: 'features', idFormat: 'any', ...(site === 'bank' ? { labelColumn: 'y' } : {}) }, site);
  }
  // No id option: every node holds free-form ids, so the job aligns them as such.
  alignment = await runAlignment(s.coordinatorAddress, fed.as('coordinator-operator'), { splitSeed: 'fate-any' });
  const model = await runTraining(s.coordinatorAddress, fed.as('coordinator-operator'), {
    alignmentId: alignment.alignmentId, epochs: 2, batchSize: fairBatchSize(Number(alignment.trainSize)), learningRate: 0.5, l2: 1e-3, seed: 14, patience: 3,
  }).catch((err: Error) => {
    throw new Error(`${err.message}\nlogs:\n${logs()}`);
  });
  modelVersion = model.modelVersion;
  calibration = model.calibration;

  const requester = consentedRequester({ coordinator: s.coordinatorAddress, as: fed.as, registrar, keysDir: path.join(dir, 'bank-a-keys') });
  try {
    answer = await requester.session.score({ enterprise: String(PROBE), consent: await requester.consent(String(PROBE)) });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlogs:\n${logs()}`);
  } finally {
    requester.close();
  }
  await Promise.all([coordinator, ...nodes.values()].map((p) => p.stop()));
}, 240_000);

afterAll(async () => {
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
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
        // docs/feature-tables.md: a missing value standardizes to 0 (the training split's mean).
        part.featureIndexes.forEach((i, f) => {
          const raw = vector[i]!;
          logit += part.weights[f]! * (Number.isNaN(raw) ? 0 : Math.max(-part.clip, Math.min(part.clip, (raw - part.mean[f]!) / part.std[f]!)));
        });
        logit += part.intercept ?? 0;
      } finally {
        await store.close();
      }
    }
    const calibrated = calibration === undefined ? logit : calibration.slope * logit + calibration.intercept;
    expect(answer.probabilityOfDefault).toBeCloseTo(1 / (1 + Math.exp(-calibrated)), 3);
  });
});
