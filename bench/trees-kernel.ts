/**
 * The trees' histogram kernel (issue 16, docs/design/secureboost.md section 3, task T1): ms per
 * product (one bank chunk times one bin group's plaintext, accumulated) with our WASM NTT, its
 * plain-JS reference and SEAL's plainTransformToNtt + multiplyPlain, and ms per masked histogram
 * share. One thread, in-process (the pool multiplies throughput by its threads: one feature per
 * task, see crypto/bfv-engine.ts).
 *
 * Method: a node of C chunks and one of 2C chunks, G groups each (stride 8, 32 bins: G = 4);
 * the marginal cost of the extra C x G products is the per-product figure, so the per-share work
 * (inverse NTT, modulus switch, mask, re-randomization, packing) does not inflate it; that fixed
 * part is reported per share beside it. CPU time of this thread (process.cpuUsage) as well as
 * wall time: on a shared machine load inflates the wall time more than the CPU time. Medians of
 * repetitions interleaved across the implementations.
 */
import os from 'node:os';
import { BfvCoeffContext } from '../crypto/bfv-coeff.js';
import { WORK_LEVEL, createBfvEngine, shareKeys } from '../crypto/bfv-engine.js';
import { randomResidues } from '../crypto/bfv-fixed.js';
import { histogramEntries, stridedPolynomials } from '../crypto/bfv-histogram.js';
import { median, type BenchRow } from './report.js';

export interface BenchTreesKernelOptions {
  readonly chunks?: number;
  readonly repetitions?: number;
}

const STRIDE = 8;
const BINS = 32;
/** Design section 3's figure for SEAL as used (plaintext NTT ~5 ms + multiply ~2.5 ms). */
const TARGET_MS = 1.0;

function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(c0);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

export async function benchTreesKernel(opts: BenchTreesKernelOptions = {}): Promise<BenchRow[]> {
  const c = opts.chunks ?? 8;
  const reps = opts.repetitions ?? 7;
  const groups = BINS / STRIDE;
  const ctx = await BfvCoeffContext.create();
  ctx.generateKeys();
  const m = ctx.polyModulusDegree / STRIDE;
  const values = Float64Array.from({ length: 2 * c * m }, () => Math.round((Math.random() * 2 - 1) * 2 ** 40));
  const chunks = stridedPolynomials(values, STRIDE).map((poly) => ctx.encrypt(poly, WORK_LEVEL));
  const bins = Uint8Array.from({ length: 2 * c * m }, () => Math.floor(Math.random() * BINS));
  const d = ctx.prepareResidual(chunks);
  const masks = randomResidues(groups * STRIDE);
  const plainsOf = (chunk: number) => histogramEntries(bins, chunk, STRIDE, groups);
  const small = Array.from({ length: c }, (_, k) => k);
  const large = Array.from({ length: 2 * c }, (_, k) => k);
  const impls = ['own', 'seal', 'js'] as const;
  const label = { own: 'own NTT (WASM, i64)', seal: "SEAL's plainTransformToNtt + multiplyPlain", js: 'own NTT, plain-JS reference' };
  const rows: BenchRow[] = [];
  try {
    for (const impl of impls) ctx.maskedPrefixShares(d, large, plainsOf, groups, STRIDE, masks, impl); // warm-up: tables, chunk data, JIT
    const product: Record<string, { wall: number[]; cpu: number[] }> = {};
    const fixed: Record<string, number[]> = {};
    for (const impl of impls) {
      product[impl] = { wall: [], cpu: [] };
      fixed[impl] = [];
    }
    // Own and SEAL interleaved, so a change of the machine's load hits both alike; the JS reference
    // after them (its garbage, ~0.6 MB per product, would otherwise be collected inside their timings).
    const rounds = [...Array.from({ length: reps }, () => ['own', 'seal'] as const), ...Array.from({ length: reps }, () => ['js'] as const)];
    for (const round of rounds) {
      for (const impl of round) {
        const one = timed(() => ctx.maskedPrefixShares(d, small, plainsOf, groups, STRIDE, masks, impl));
        const two = timed(() => ctx.maskedPrefixShares(d, large, plainsOf, groups, STRIDE, masks, impl));
        const per = (two.cpu - one.cpu) / (c * groups);
        product[impl]!.wall.push((two.wall - one.wall) / (c * groups));
        product[impl]!.cpu.push(per);
        fixed[impl]!.push(two.cpu / groups);
      }
    }
    const cores = os.availableParallelism();
    const own = median(product.own!.cpu);
    const seal = median(product.seal!.cpu);
    for (const impl of impls) {
      const cpu = median(product[impl]!.cpu);
      rows.push({
        area: 'trees-kernel',
        metric: `ms per product, ${label[impl]}`,
        value: cpu,
        unit: 'ms CPU',
        ...(impl === 'own' ? { target: `<= ${TARGET_MS} ms`, meetsTarget: cpu <= TARGET_MS } : {}),
        note: `wall ${median(product[impl]!.wall).toFixed(2)} ms; 3-prime level, N = 8192, stride ${STRIDE}, ${BINS} bins; one thread of ${cores} cores; median of ${reps}${impl === 'seal' ? `; own is ${(seal / own).toFixed(1)}x faster` : ''}`,
      });
    }
    const perShare = median(fixed.own!);
    rows.push({
      area: 'trees-kernel',
      metric: `ms per masked histogram share (own NTT, node of ${2 * c} chunks)`,
      value: perShare,
      unit: 'ms CPU',
      note: `${2 * c} products plus the fixed part (inverse NTT, switch to the lowest level, mask, re-randomize, pack: ~${Math.max(0, perShare - 2 * c * own).toFixed(1)} ms by difference); one thread of ${cores} cores; median of ${reps}`,
    });
    const shares = ctx.maskedPrefixShares(d, large, plainsOf, groups, STRIDE, masks);
    const decrypt = Array.from({ length: reps }, () => timed(() => shares.forEach((share) => ctx.decryptPrefix(share))).cpu / shares.length);
    rows.push({ area: 'trees-kernel', metric: `ms per prefix share decrypted (key holder, WASM prefixProducts, stride ${STRIDE})`, value: median(decrypt), unit: 'ms CPU', note: `one thread of ${cores} cores; median of ${reps}` });
  } finally {
    d.delete();
  }
  try {
    rows.push(await poolRow(ctx, reps));
  } finally {
    ctx.dispose();
  }
  return rows;
}

/** The engine's maskedHistograms over its worker pool (threads = cores): one level of one passive. */
async function poolRow(ctx: BfvCoeffContext, reps: number): Promise<BenchRow> {
  const engine = createBfvEngine();
  const keys = shareKeys({ publicKey: ctx.generateKeys().publicKey });
  try {
    const features = 8;
    const chunkCount = 16;
    const m = ctx.polyModulusDegree / STRIDE;
    const values = Float64Array.from({ length: chunkCount * m }, () => Math.round((Math.random() * 2 - 1) * 2 ** 40));
    const chunks = await engine.encryptStrided(keys, values, STRIDE);
    const bins = Array.from({ length: features }, () => Uint8Array.from({ length: chunkCount * m }, () => Math.floor(Math.random() * BINS)));
    const req = { chunks, stride: STRIDE, nodes: [{ firstChunk: 0, chunks: chunkCount, rows: chunkCount * m }], bins, binCount: [Array.from({ length: features }, () => BINS)] };
    const masks = randomResidues(features * (BINS / STRIDE) * STRIDE);
    await engine.maskedHistograms(keys, req, masks); // warm-up: SEAL and the chunks in every worker
    const wall: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await engine.maskedHistograms(keys, req, masks);
      wall.push(performance.now() - t0);
    }
    const products = features * chunkCount * (BINS / STRIDE);
    const seconds = median(wall) / 1000;
    return {
      area: 'trees-kernel',
      metric: `products per second, maskedHistograms on the pool (${engine.threads} thread(s), ${engine.mode})`,
      value: products / seconds,
      unit: 'products/s',
      note: `${features} features x ${chunkCount} chunks x ${BINS / STRIDE} groups = ${products} products, ${features * (BINS / STRIDE)} shares in ${(seconds * 1000).toFixed(0)} ms wall (median of ${reps}); ${os.availableParallelism()} cores, shared with other jobs`,
    };
  } finally {
    await engine.close();
  }
}
