/** Test data for the VFL tests: the FATE breast split and a centralized baseline. */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auc } from '../../evaluation/metrics.js';
import { fitPreprocessing, transformRows } from '../../preprocessing/fit.js';
import { DEFAULT_PREPROCESSING, type PreprocessingSpec } from '../../preprocessing/spec.js';
import { predictLogit, trainLogReg } from '../../models/lr/plain-logreg.js';
import { FEATURE_CLIP, clip } from '../../training/fixed-point.js';
import type { BankData } from '../../models/lr/bank.js';
import type { SiteData } from '../../models/lr/site.js';
import type { TrainingParams } from '../../training/schedule.js';

const FATE = fileURLToPath(new URL('../../../shared/data/fate/', import.meta.url));

function readCsv(name: string): { header: string[]; rows: string[][] } {
  const lines = fs.readFileSync(FATE + name, 'utf8').trim().split(/\r?\n/);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** xorshift32 in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export interface Federation {
  readonly bank: BankData;
  readonly passives: SiteData[];
}

/**
 * Split aligned per-party rows into train/validation by seed, fill missing values with the
 * training mean and standardize each party's columns with its own training statistics (each
 * site can do that alone).
 */
export function federate(parties: { name: string; rows: Float64Array[] }[], labels: number[], validationShare: number, seed: number, spec: PreprocessingSpec = DEFAULT_PREPROCESSING): Federation {
  const n = labels.length;
  const next = rng(seed);
  const isValidation = Array.from({ length: n }, () => next() < validationShare);
  const pick = <T>(xs: readonly T[], v: boolean) => xs.filter((_, i) => isValidation[i] === v);
  const split = parties.map((p) => {
    // Each party's columns preprocessed as a node does it by default (training/node.ts, preprocessing/fit.ts).
    const train = pick(p.rows, false);
    const fitted = fitPreprocessing(train, train[0]!.length, spec);
    return { name: p.name, train: transformRows(fitted, train), validation: transformRows(fitted, pick(p.rows, true)) };
  });
  const [bank, ...passives] = split;
  return { bank: { ...bank!, trainLabels: pick(labels, false), validationLabels: pick(labels, true) }, passives };
}

/** FATE breast: guest = bank (y, x0..x9); host x0..x9 = tax, x10..x19 = power; aligned by id. */
export function fateBreast(seed = 42, spec: PreprocessingSpec = DEFAULT_PREPROCESSING): Federation {
  const guest = readCsv('breast_hetero_guest.csv');
  const host = readCsv('breast_hetero_host.csv');
  const hostById = new Map(host.rows.map((r) => [r[0]!, r.slice(1).map(Number)]));
  const ids = guest.rows.map((r) => r[0]!).filter((id) => hostById.has(id));
  const guestById = new Map(guest.rows.map((r) => [r[0]!, r]));
  const labels = ids.map((id) => Number(guestById.get(id)![1]));
  const bankRows = ids.map((id) => Float64Array.from(guestById.get(id)!.slice(2).map(Number)));
  const taxRows = ids.map((id) => Float64Array.from(hostById.get(id)!.slice(0, 10)));
  const powerRows = ids.map((id) => Float64Array.from(hostById.get(id)!.slice(10, 20)));
  return federate([{ name: 'bank', rows: bankRows }, { name: 'tax', rows: taxRows }, { name: 'power', rows: powerRows }], labels, 0.25, seed, spec);
}

/** Centralized LR on the pooled, clipped features with the same schedule; validation AUC. */
export function centralizedAuc(f: Federation, params: TrainingParams): number {
  const pool = (split: 'train' | 'validation') => {
    const parts = [f.bank, ...f.passives].map((p) => p[split]);
    return parts[0]!.map((_, i) => Float64Array.from(parts.flatMap((rows) => [...rows[i]!].map((v) => clip(v, FEATURE_CLIP)))));
  };
  const model = trainLogReg(pool('train'), f.bank.trainLabels, {
    sigmoid: 'taylor1', learningRate: params.learningRate, l2: params.l2, epochs: params.epochs, batchSize: params.batchSize, seed: params.seed, tolerance: 0,
  });
  const rows = pool('validation');
  return auc(rows.map((r) => predictLogit(model, r)), f.bank.validationLabels);
}

/** A simulated federation (sim/ + node/features/) on the three-site intersection. */
export async function simulatedFederation(enterprises: number, seed: number): Promise<Federation> {
  const os = await import('node:os');
  const path = await import('node:path');
  const { generateFederation } = await import('../../sim/generate.js');
  const { buildBaselineDataset } = await import('../../sim/baseline.js');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-vfl-'));
  try {
    await generateFederation({ enterprises, seed, outDir });
    const d = buildBaselineDataset(outDir);
    return federate([{ name: 'bank', rows: d.bank }, { name: 'tax', rows: d.tax }, { name: 'power', rows: d.power }], [...d.labels], 0.3, seed);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
