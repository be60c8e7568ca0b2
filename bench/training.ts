/**
 * VFL logistic-regression benchmark (issue 4): epochs over 100,000 aligned samples with 10 bank,
 * 20 tax and 10 power features (random standardized features, labels from a logistic model),
 * every party in this process, BFV work on the worker pool, messages counted by the in-memory
 * driver's transcript. Reports seconds per epoch (the first epoch also transforms every feature
 * chunk to NTT form, once per job; the second is the steady state), sample-features per second
 * per core, bytes on the wire per sample-feature, peak RSS, and the ratio to plaintext mode.
 *
 * FATE 2.0's published figure for Paillier coordinated LR: 100k x 330 features, 2m16s per epoch
 * on 16 cores, about 15,000 sample-features per second per core.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBfvEngine } from '../crypto/bfv-engine.js';
import type { HeEngine } from '../crypto/bfv-engine.js';
import { runTrainingInMemory } from '../training/in-memory.js';
import type { InMemoryResult } from '../training/in-memory.js';
import { PlainEngine } from '../training/plain-engine.js';
import { DEFAULT_PARAMS } from '../training/schedule.js';
import type { BankData } from '../training/bank.js';
import type { SiteData } from '../training/site.js';
import { formatBenchTable, type BenchRow } from './report.js';

export interface BenchTrainingOptions {
  readonly samples?: number;
  readonly validationSamples?: number;
  /** Epochs measured; the first includes the per-job NTT preparation. Default 2. */
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly threads?: number | 'auto';
}

const TARGET_SF_PER_CORE = 300_000;
const TARGET_BYTES_PER_SF = 50;
const FATE_SF_PER_CORE = 15_000;

/** Deterministic uniforms and standard normals (Box-Muller on xorshift32). */
function randomSource(seed: number): { uniform: () => number; normal: () => number } {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 2 ** 32;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

function syntheticFederation(samples: number, validation: number): { bank: BankData; passives: SiteData[] } {
  const { uniform, normal: next } = randomSource(2026);
  const widths = { bank: 10, tax: 20, power: 10 };
  const total = samples + validation;
  const rows = Object.fromEntries(Object.entries(widths).map(([name, w]) => [name, Array.from({ length: total }, () => Float64Array.from({ length: w }, next))]));
  const beta = Array.from({ length: 40 }, () => next() * 0.3);
  const labels = Array.from({ length: total }, (_, i) => {
    const x = [...rows.bank![i]!, ...rows.tax![i]!, ...rows.power![i]!];
    const z = -1 + x.reduce((s, v, j) => s + v * beta[j]!, 0);
    return uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  });
  const split = (name: string): SiteData => ({ name, train: rows[name]!.slice(0, samples), validation: rows[name]!.slice(samples) });
  return {
    bank: { ...split('bank'), trainLabels: labels.slice(0, samples), validationLabels: labels.slice(samples) },
    passives: [split('tax'), split('power')],
  };
}

interface Run {
  readonly epochSeconds: number[];
  readonly bytesPerEpoch: number;
  readonly peakRss: number;
  readonly result: InMemoryResult;
}

async function timedRun(engine: HeEngine, fed: ReturnType<typeof syntheticFederation>, epochs: number, batchSize: number): Promise<Run> {
  const params = { ...DEFAULT_PARAMS, epochs, batchSize, patience: epochs + 1, learningRate: 0.2 };
  const marks: number[] = [];
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const result = await runTrainingInMemory({ engine, bank: fed.bank, passives: fed.passives, params, onEpoch: () => marks.push(performance.now()) });
    const bounds = [started, ...marks];
    const epochSeconds = marks.map((m, i) => (m - bounds[i]!) / 1000);
    const lastEpoch = result.epochs - 1;
    const bytesPerEpoch = result.transcript.filter((t) => t.epoch === lastEpoch && t.kind !== 'public-key').reduce((s, t) => s + t.bytes, 0);
    return { epochSeconds, bytesPerEpoch, peakRss, result };
  } finally {
    clearInterval(sampler);
  }
}

export async function benchTraining(opts: BenchTrainingOptions = {}): Promise<BenchRow[]> {
  const samples = opts.samples ?? 100_000;
  const validation = opts.validationSamples ?? 10_000;
  const epochs = opts.epochs ?? 2;
  const batchSize = opts.batchSize ?? 8192;
  const cores = os.cpus().length;
  const fed = syntheticFederation(samples, validation);
  const features = 10 + 20 + 10;
  const sampleFeatures = samples * features;

  const engine = createBfvEngine({ threads: opts.threads ?? 'auto' });
  let bfv: Run;
  try {
    bfv = await timedRun(engine, fed, epochs, batchSize);
  } finally {
    await engine.close();
  }
  const plain = await timedRun(new PlainEngine(), fed, epochs, batchSize);
  const steady = bfv.epochSeconds.at(-1)!;
  const plainSteady = plain.epochSeconds.at(-1)!;
  const perCore = sampleFeatures / steady / cores;
  const bytesPerSf = bfv.bytesPerEpoch / sampleFeatures;
  const label = `${samples.toLocaleString('en-US')} x ${features}`;
  const note = `${engine.mode}, ${engine.threads} threads, batch ${batchSize}, ${cores} cores`;
  return [
    { area: 'training', metric: `epoch ${label}, first (with NTT prep)`, value: bfv.epochSeconds[0]!, unit: 's', note },
    { area: 'training', metric: `epoch ${label}, steady`, value: steady, unit: 's', note },
    {
      area: 'training', metric: 'sample-features/s/core', value: perCore, unit: '/s', target: `>= ${TARGET_SF_PER_CORE.toLocaleString('en-US')}`,
      meetsTarget: perCore >= TARGET_SF_PER_CORE, note: `FATE 2.0 Paillier: ~${FATE_SF_PER_CORE.toLocaleString('en-US')}/s/core (${(perCore / FATE_SF_PER_CORE).toFixed(0)}x)`,
    },
    {
      area: 'training', metric: 'wire bytes per sample-feature', value: bytesPerSf, unit: 'B', target: `<= ${TARGET_BYTES_PER_SF}`,
      meetsTarget: bytesPerSf <= TARGET_BYTES_PER_SF, note: `${(bfv.bytesPerEpoch / 2 ** 20).toFixed(0)} MiB per epoch, all messages`,
    },
    { area: 'training', metric: 'peak RSS (one process, all parties)', value: bfv.peakRss / 2 ** 20, unit: 'MiB' },
    { area: 'training', metric: 'ratio to plaintext mode (steady epoch)', value: steady / plainSteady, unit: 'x', note: `plaintext epoch ${plainSteady.toFixed(2)} s` },
    { area: 'training', metric: 'validation AUC after the run', value: bfv.result.aucHistory.at(-1)!, unit: '', note: `plaintext mode ${plain.result.aucHistory.at(-1)!.toFixed(4)}` },
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const samplesArg = process.argv.find((a) => a.startsWith('--samples='));
  const rows = await benchTraining(samplesArg ? { samples: Number(samplesArg.slice('--samples='.length)) } : {});
  console.log(formatBenchTable(rows));
}
