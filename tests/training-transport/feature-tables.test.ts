/**
 * Feature tables as real exports have them (docs/feature-tables.md), end to end over real
 * processes: three FATE-style tables (ids, a label column `y` written true/false at the bank,
 * float columns with gaps, an integer and a categorical column), one semicolon-separated and
 * one in GBK, are sent to running nodes, aligned, trained on (logistic regression, encrypted),
 * and an enterprise whose row has missing cells at every site is scored. Its stored vectors
 * keep the gaps as missing (NaN), and its probability of default is the one the documented
 * rule gives (tests/helpers/pooled-score.ts): a missing value takes the training median and
 * sets its feature's "was missing" column.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAlignment } from '../../alignment/client.js';
import { runTraining } from '../../training/client.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { freePort, spawnCoordinator, spawnNode } from '../../lib/party-processes.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import type { IngestOptions } from '../../node/ingest-report.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { getSiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { consentedRequester, type ConsentedRequester } from '../helpers/consented.js';
import { testFederation } from '../helpers/federation.js';
import { fairBatchSize } from './helpers.js';
import { documentedPartialTerm } from '../helpers/pooled-score.js';
import { pointsFromLogit } from '../../scoring/score-scale.js';

const SITES = ['tax', 'power', 'bank'] as const;
type Site = (typeof SITES)[number];
const N = 360;
/** The enterprise scored: its row has missing cells at every site (row 0 of every table). */
const PROBE = 0;

const ids = Array.from({ length: N }, (_, i) => {
  const first17 = `91440300M${String(i).padStart(8, '0')}`;
  return first17 + creditCodeCheckChar(first17);
});

/** A seeded generator (mulberry32), so that the data and the model are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// GBK bytes of the tax table's region levels (Excel on a Chinese system saves them so).
const GBK: Record<string, number[]> = { 北京: [0xb1, 0xb1, 0xbe, 0xa9], 上海: [0xc9, 0xcf, 0xba, 0xa3] };

function writeTables(dir: string): Record<Site, { file: string; options: IngestOptions }> {
  const rnd = random(14);
  const gap = (i: number, p: number, value: string, token: string) => (i === PROBE || rnd() < p ? token : value);
  const bank: string[] = ['id;y;b_income;b_debt;b_rate'];
  const tax: (string | Buffer)[] = ['id,region,t_revenue,t_years\n'];
  const power: string[] = ['id,p_kwh,p_late,grade'];
  for (let i = 0; i < N; i++) {
    const income = rnd() * 2 - 1;
    const revenue = rnd() * 2 - 1;
    const kwh = rnd() * 2 - 1;
    const late = Math.floor(rnd() * 6);
    const region = rnd() < 0.5 ? '北京' : '上海';
    const grade = ['A', 'B', 'C'][Math.floor(rnd() * 3)]!;
    const logit = -1.5 * income + 1.2 * revenue + 0.4 * late - 1 + (grade === 'C' ? 0.8 : 0) + (region === '上海' ? 0.3 : 0);
    const y = rnd() < 1 / (1 + Math.exp(-logit)) || i % 29 === 1;
    // Heavy tails as real exports have them: a rate now and then a thousand times its usual size,
    // and the probe an outlier far beyond any training value (clipped at the 99th percentile).
    const rate = i === PROBE ? 5000 : rnd() * 0.1 * (i % 37 === 5 ? 1000 : 1);
    const years = i === PROBE ? 9999 : Math.floor(rnd() * 30);
    bank.push(`${ids[i]};${y ? 'TRUE' : 'false'};${gap(i, 0.1, income.toFixed(4), 'NA')};${gap(i, 0.15, (rnd() * 5).toFixed(3), '')};${rate.toFixed(4)}`);
    tax.push(`${ids[i]},`, i === PROBE || rnd() < 0.1 ? Buffer.alloc(0) : Buffer.from(GBK[region]!), `,${gap(i, 0.1, revenue.toFixed(4), 'null')},${years}\n`);
    power.push(`${ids[i]},${gap(i, 0.2, kwh.toFixed(4), 'NaN')},${late},${gap(i, 0.05, grade, '')}`);
  }
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  return {
    bank: { file: write('bank.csv', `${bank.join('\n')}\n`), options: { kind: 'features', labelColumn: 'y' } },
    tax: { file: write('tax.csv', Buffer.concat(tax.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))), options: { kind: 'features', encoding: 'gbk' } },
    power: { file: write('power.csv', `${power.join('\n')}\n`), options: { kind: 'features', integer: ['p_late'], categorical: ['grade'] } },
  };
}

let dir: string;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let requester: ConsentedRequester;
let modelVersion = '';
let calibration: { slope: number; intercept: number } | undefined;
let points: number;
let probability = NaN;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-feature-tables-'));
  const fed = await testFederation(dir);
  const coordinatorPort = await freePort();
  const s = { dir, fed, coordinatorPort, coordinatorAddress: `127.0.0.1:${coordinatorPort}` };
  const registrar = prepareScoringDemo([path.join(dir, 'coordinator'), ...SITES.map((site) => path.join(dir, `node-${site}`))]);
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  const tables = writeTables(dir);
  for (const site of SITES) {
    const report = await uploadFile(nodes.get(site)!.address, fed.as(`${site}-operator`), tables[site].file, tables[site].options, site);
    expect(report).toMatchObject({ committed: true, rows: String(N) });
  }
  // The same file again is refused once, by its hash.
  await expect(uploadFile(nodes.get('bank')!.address, fed.as('bank-operator'), tables.bank.file, tables.bank.options, 'bank'))
    .rejects.toMatchObject({ code: 'INGEST_DUPLICATE_FILE', message: expect.stringMatching(/bank\.csv: this file \(sha256 [0-9a-f]{12}\.\.\.\) was already ingested on \d{4}-\d{2}-\d{2}/) });

  const alignment = await runAlignment(s.coordinatorAddress, fed.as('coordinator-operator'), { splitSeed: 'feature-tables' });
  expect(Number(alignment.trainSize) + Number(alignment.validationSize)).toBe(N);
  const model = await runTraining(s.coordinatorAddress, fed.as('coordinator-operator'), {
    alignmentId: alignment.alignmentId, epochs: 2, batchSize: fairBatchSize(Number(alignment.trainSize)), learningRate: 0.5, l2: 1e-3, seed: 7, patience: 3,
  }).catch((err: Error) => {
    throw new Error(`${err.message}\nnode logs:\n${[...nodes.values()].flatMap((n) => n.logLines.slice(-15).map((l) => `${n.name}: ${l}`)).join('\n')}`);
  });
  modelVersion = model.modelVersion;
  calibration = model.calibration;

  requester = consentedRequester({ coordinator: s.coordinatorAddress, as: fed.as, registrar, keysDir: path.join(dir, 'bank-a-keys') });
  const answer = await requester.session.score({ enterprise: ids[PROBE]!, consent: await requester.consent(ids[PROBE]!) });
  expect(answer.model).toBe(modelVersion);
  expect(answer.coverage.every((c) => c.covered)).toBe(true);
  probability = answer.probabilityOfDefault;
  points = answer.points;
  requester.close();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p.stop()));
}, 300_000);

afterAll(async () => {
  requester?.close();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('feature tables with missing cells, over real processes', () => {
  it('keep the gaps as missing, type the columns, and score an enterprise with gaps as the imputation rule says', async () => {
    let logit = 0;
    for (const site of SITES) {
      const store = await NodeStore.open(path.join(dir, `node-${site}`), site);
      try {
        const catalogue = (await store.getMeta()).catalogue!;
        const vector = (await store.featureVector(ids[PROBE]!))!;
        const missing = catalogue.filter((_, i) => Number.isNaN(vector[i])).map((f) => f.name);
        const part = (await getSiteModel(store, modelVersion))!;
        // The documented rule, computed here on its own: median fill and a "was missing" column.
        logit += documentedPartialTerm(part, vector);
        if (site === 'bank') {
          expect(missing).toEqual(['b_income', 'b_debt']);
          expect(catalogue.map((f) => f.type)).toEqual(['number', 'number', 'number']);
          // Three features, and one "was missing" column per distinct pattern of gaps (b_income, b_debt).
          const groups = (part as unknown as { preprocessing: { features: { indicator: number | null }[] } }).preprocessing.features.map((t) => t.indicator);
          expect(groups.filter((g) => g !== null).length).toBe(2);
          expect(part.weights.length).toBe(3 + new Set(groups.filter((g) => g !== null)).size);
          // The probe's rate (5000) lies beyond the fitted clip bound: it counts as that bound, not as 5000.
          const rate = (part as unknown as { preprocessing: { features: { hi: number | null }[] } }).preprocessing.features[part.features.indexOf('b_rate')]!;
          expect(rate.hi).not.toBeNull();
          expect(rate.hi!).toBeLessThan(100);
          const atBound = Float64Array.from(vector);
          atBound[part.featureIndexes[part.features.indexOf('b_rate')]!] = rate.hi!;
          expect(documentedPartialTerm(part, atBound)).toBeCloseTo(documentedPartialTerm(part, vector), 12);
        }
        if (site === 'tax') {
          expect(missing).toEqual(['region=上海', 'region=北京', 't_revenue']);
          expect(catalogue.map((f) => `${f.name}:${f.type}`)).toEqual(['region=上海:categorical', 'region=北京:categorical', 't_revenue:number', 't_years:integer']);
        }
        if (site === 'power') {
          expect(missing).toEqual(['p_kwh', 'grade=A', 'grade=B', 'grade=C']);
          expect(catalogue.map((f) => `${f.name}:${f.type}`)).toEqual(['p_kwh:number', 'p_late:integer', 'grade=A:categorical', 'grade=B:categorical', 'grade=C:categorical']);
          expect(catalogue[0]!.missingRate).toBeGreaterThan(0.1);
          expect(catalogue[0]!.imputation).toMatch(/^missing in \d+\.\d% of rows; training fills the training split's median and adds a "was missing" column \(default\)$/);
        }
      } finally {
        await store.close();
      }
    }
    expect(Number.isFinite(probability)).toBe(true);
    // The bank's Platt recalibration of the joint logit, when the model carries one (training/model-registry.ts).
    const calibrated = calibration === undefined ? logit : calibration.slope * logit + calibration.intercept;
    expect(probability).toBeCloseTo(1 / (1 + Math.exp(-calibrated)), 6);
    // Exactly the pooled model's score: the rule applied in one place gives the same points.
    expect(points).toBe(pointsFromLogit(calibrated));
  });
});
