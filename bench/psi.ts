/**
 * PSI benchmarks (issue 3): the blinding operation per core for each curve option we weighed
 * (native X25519 through JWK or DER key objects, pure-JS X25519 and ristretto255 from
 * @noble/curves), hashing IDs to the curve, the worker pool's throughput, and the wall time of a
 * whole three-party alignment on this machine with the in-memory relay.
 *
 * The alignment is linear in the set size (hashing, blinding, hash-map joins; the only sort is
 * of the intersection), so by default it runs at 50,000 IDs per site and extrapolates to
 * 1,000,000, labelled as such. Measuring 1M outright takes 15-20 minutes on 2 cores, so it is
 * opt-in: `FEDCREDIT_PSI_ALIGN_IDS=1000000 npm run bench -- --only psi`, or
 * `node dist/bench/psi.js --align=1000000`, or `alignIdsPerSite: 1_000_000`. The alignment rows
 * also report, from the same run, the blinding throughput per core, the share of the time spent
 * hashing IDs to the curve, and the process's peak RSS. Progress goes to stderr every 30 s.
 * Figures are medians of repetitions (bench/report.ts).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ristretto255, ristretto255_hasher, x25519 } from '@noble/curves/ed25519.js';
import { createPsiBlinder, type PsiBlinder } from '../alignment/psi-blinder.js';
import { hashToCurve25519Batch, POINT_BYTES } from '../alignment/psi-hash.js';
import { blindPoints, generateBlindingKey } from '../alignment/psi-x25519.js';
import { PsiParty } from '../alignment/psi.js';
import { runPsiInMemory } from '../alignment/psi-in-memory.js';
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../schema/credit-code.js';
import { formatBenchTable, median, type BenchRow } from './report.js';

export interface BenchPsiOptions {
  /** Repetitions of each per-operation measurement. */
  readonly repetitions?: number;
  /** IDs per site in the measured alignment; the 1M figure is extrapolated from it if smaller. */
  readonly alignIdsPerSite?: number;
  /** Worker threads for the pool and the alignment; default 'auto' (all cores). */
  readonly threads?: number | 'auto';
}

const TARGET_OPS = 8000;
const ONE_MILLION = 1_000_000;
/** Environment switch for `npm run bench`: IDs per site of the measured alignment. */
export const ALIGN_IDS_ENV = 'FEDCREDIT_PSI_ALIGN_IDS';
/** `any`: the measured alignment uses integer ids under the any-text rule (alignment/ids.ts) instead of credit codes. */
export const ALIGN_ID_TYPE_ENV = 'FEDCREDIT_PSI_ID_TYPE';

/** The n-th valid credit code (both GB check characters), distinct for distinct n. */
export function creditCode(n: number): string {
  let body = '';
  for (let i = 0, v = n; i < 8; i++, v = Math.floor(v / 31)) body = CREDIT_CODE_ALPHABET[v % 31]! + body;
  return makeCreditCode({ authority: '9', entityType: '1', division: '310115', orgBody: body });
}

function idBytes(count: number, offset = 0): Uint8Array {
  return new Uint8Array(Buffer.from(Array.from({ length: count }, (_, i) => creditCode(offset + i)).join(''), 'latin1'));
}

/** Median operations per second of `op` run `count` times, over `repetitions` runs. */
function opsPerSecond(repetitions: number, count: number, op: () => void): number {
  op(); // warm-up: JIT and key-object caches
  const rates: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const start = performance.now();
    op();
    rates.push(count / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function curveOptionRows(repetitions: number): BenchRow[] {
  const n = 4000;
  const points = hashToCurve25519Batch(idBytes(n), 18);
  const key = generateBlindingKey();
  const native = opsPerSecond(repetitions, n, () => blindPoints(key, points));

  // The same ladder with the peer point imported through a DER/SPKI prefix instead of JWK.
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, key]), format: 'der', type: 'pkcs8' });
  const nDer = 1000;
  const der = opsPerSecond(repetitions, nDer, () => {
    for (let i = 0; i < nDer; i++) {
      const u = points.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES);
      const publicKey = crypto.createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, u]), format: 'der', type: 'spki' });
      crypto.diffieHellman({ privateKey, publicKey });
    }
  });

  const nJs = 300;
  const nobleX = opsPerSecond(repetitions, nJs, () => {
    for (let i = 0; i < nJs; i++) x25519.scalarMult(key, points.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES));
  });
  const scalar = ristretto255.Point.Fn.create(BigInt(`0x${crypto.randomBytes(64).toString('hex')}`));
  const rPoints = Array.from({ length: nJs }, (_, i) => ristretto255_hasher.hashToCurve(new Uint8Array([i, i >> 8])).toBytes());
  const ristretto = opsPerSecond(repetitions, nJs, () => {
    for (const p of rPoints) ristretto255.Point.fromBytes(p).multiply(scalar).toBytes();
  });

  const nHash = 1000;
  const ids = idBytes(nHash);
  const hash = opsPerSecond(repetitions, nHash, () => hashToCurve25519Batch(ids, 18));
  const rHash = opsPerSecond(repetitions, nJs, () => {
    for (let i = 0; i < nJs; i++) ristretto255_hasher.hashToCurve(ids.subarray(18 * i, 18 * i + 18));
  });

  const single = 'single thread, median of repetitions';
  return [
    {
      area: 'psi',
      metric: 'blinding ops/s/core (X25519, node:crypto, JWK)',
      value: native,
      unit: 'ops/s',
      target: `>= ${TARGET_OPS}`,
      meetsTarget: native >= TARGET_OPS,
      note: `${single}; the one used`,
    },
    { area: 'psi', metric: 'blinding ops/s/core (X25519, node:crypto, DER/SPKI)', value: der, unit: 'ops/s', note: `${single}; key import dominates` },
    { area: 'psi', metric: 'blinding ops/s/core (X25519, @noble/curves)', value: nobleX, unit: 'ops/s', note: `${single}; pure JS` },
    { area: 'psi', metric: 'blinding ops/s/core (ristretto255, @noble/curves)', value: ristretto, unit: 'ops/s', note: `${single}; pure JS` },
    { area: 'psi', metric: 'hash_to_curve ops/s/core (curve25519 ELL2_RO)', value: hash, unit: 'ops/s', note: `${single}; once per own ID` },
    { area: 'psi', metric: 'hash_to_curve ops/s/core (ristretto255, noble)', value: rHash, unit: 'ops/s', note: single },
  ];
}

async function poolRow(repetitions: number, threads: number | 'auto'): Promise<BenchRow> {
  const n = 40_000;
  const points = hashToCurve25519Batch(idBytes(2000), 18);
  const many = new Uint8Array(n * POINT_BYTES);
  for (let i = 0; i < n; i += 2000) many.set(points.subarray(0, Math.min(2000, n - i) * POINT_BYTES), i * POINT_BYTES);
  const blinder = createPsiBlinder({ threads });
  try {
    const key = generateBlindingKey();
    await blinder.blind(key, many.slice(0, 4096 * POINT_BYTES)); // start the workers
    const rates: number[] = [];
    for (let r = 0; r < Math.max(3, Math.ceil(repetitions / 2)); r++) {
      const start = performance.now();
      await blinder.blind(key, many);
      rates.push(n / ((performance.now() - start) / 1000));
    }
    const value = median(rates);
    return {
      area: 'psi',
      metric: `blinding ops/s, ${blinder.mode} x ${blinder.threads}`,
      value,
      unit: 'ops/s',
      target: `>= ${TARGET_OPS * blinder.threads}`,
      meetsTarget: value >= TARGET_OPS * blinder.threads,
      note: `${(value / blinder.threads).toFixed(0)} ops/s per thread; ${blinder.reason}`,
    };
  } finally {
    await blinder.close();
  }
}

/**
 * Three sites of n IDs each from 1.5 n codes in six classes (code index mod 6): all three hold
 * classes 0-1 (n/2 in common), each pair shares one more class (3n/4 pairwise), one class is
 * held by nobody, so every region of the Venn diagram that matters for cost is populated.
 */
const SITE_CLASSES: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [0, 1, 2, 4],
  [0, 1, 3, 4],
];

/** One call on the blinder: what it was and when it ran. */
interface BlinderCall {
  readonly op: 'hashAndBlind' | 'blind' | 'randomPoints';
  /** X25519 applications (elements x keys); for randomPoints the number of points. */
  readonly ops: number;
  readonly elements: number;
  readonly start: number;
  /** process.cpuUsage() at the start: CPU of every thread of the process (RUSAGE_SELF). */
  readonly cpuStart: NodeJS.CpuUsage;
  end?: number;
  /** CPU seconds the whole process used while the call ran. */
  cpuSeconds?: number;
}

/**
 * The blinder the parties use, recording every call, so that the alignment run itself says
 * how fast blinding went (not a separate micro-benchmark) and a stall says what it waits for.
 */
function recordingBlinder(inner: PsiBlinder, calls: BlinderCall[]): PsiBlinder {
  const record = <T>(op: BlinderCall['op'], ops: number, elements: number, work: Promise<T>): Promise<T> => {
    const call: BlinderCall = { op, ops, elements, start: performance.now(), cpuStart: process.cpuUsage() };
    calls.push(call);
    return work.finally(() => {
      call.end = performance.now();
      const cpu = process.cpuUsage(call.cpuStart);
      call.cpuSeconds = (cpu.user + cpu.system) / 1e6;
    });
  };
  return {
    mode: inner.mode,
    threads: inner.threads,
    reason: inner.reason,
    hashAndBlind: (keys, ids, idLength) => {
      const n = ids.length / idLength;
      return record('hashAndBlind', (n * keys.length) / 32, n, inner.hashAndBlind(keys, ids, idLength));
    },
    blind: (keys, points) => {
      const n = points.length / POINT_BYTES;
      return record('blind', (n * keys.length) / 32, n, inner.blind(keys, points));
    },
    randomPoints: (count) => record('randomPoints', count, count, inner.randomPoints(count)),
    close: () => inner.close(),
  };
}

/**
 * Blinding ops/s/core from the calls of one run: the `blind` calls that had the pool to
 * themselves (no other call outstanding at any time while they ran), whose time is then pure
 * blinding. `rate` divides by wall time x threads (what the run got, shared box included);
 * `perCpuSecond` by the CPU seconds the process actually used meanwhile (all threads), which is
 * what a core delivers when it is not shared. Undefined if none ran alone.
 */
function soloBlindRate(
  calls: readonly BlinderCall[],
  threads: number,
): { rate: number; perCpuSecond: number; ops: number } | undefined {
  let ops = 0;
  let ms = 0;
  let cpu = 0;
  for (const c of calls) {
    if (c.op !== 'blind' || c.end === undefined) continue;
    const alone = calls.every((o) => o === c || (o.end !== undefined && o.end <= c.start) || o.start >= c.end!);
    if (!alone) continue;
    ops += c.ops;
    ms += c.end - c.start;
    cpu += c.cpuSeconds ?? 0;
  }
  return ms === 0 ? undefined : { rate: ops / (ms / 1000) / threads, perCpuSecond: cpu > 0 ? ops / cpu : Number.NaN, ops };
}

async function alignmentRows(n: number, threads: number | 'auto'): Promise<BenchRow[]> {
  const anyIds = process.env[ALIGN_ID_TYPE_ENV] === 'any';
  const sets = SITE_CLASSES.map((classes) => {
    const ids: string[] = [];
    for (let i = 0; ids.length < n; i++) if (classes.includes(i % 6)) ids.push(anyIds ? String(i + 1) : creditCode(i));
    return ids;
  });
  const ring = ['bank', 'tax', 'power'] as const;
  const pool = createPsiBlinder({ threads });
  const calls: BlinderCall[] = [];
  const blinder = recordingBlinder(pool, calls);
  // The box is shared: say how busy it was, since all three sites compete for its cores here.
  const load = os.loadavg()[0]!.toFixed(1);
  const start = performance.now();
  // Long runs say where they are, so that a stall is visible as such (and where).
  const progress =
    n >= 100_000
      ? setInterval(() => {
          const open = calls.filter((c) => c.end === undefined).map((c) => `${c.op}(${c.elements.toLocaleString('en-US')})`);
          const rss = (process.memoryUsage.rss() / 2 ** 20).toFixed(0);
          process.stderr.write(
            `psi bench: ${((performance.now() - start) / 1000).toFixed(0)} s, ${calls.length} blinder calls, ` +
              `waiting on ${open.join(' ') || 'nothing in the pool'}, rss ${rss} MiB\n`,
          );
        }, 30_000)
      : undefined;
  progress?.unref();
  try {
    const parties = ring.map((site, i) => new PsiParty(site, sets[i]!, { session: 'bench', ring, blinder, ...(anyIds ? { idRule: { type: 'any', idCase: 'keep' } as const } : {}) }));
    const run = await runPsiInMemory(parties, { recordPayloads: false });
    const seconds = (performance.now() - start) / 1000;
    const stats = run.results.get('bank')!.stats;
    const sizes = `${ring.map((s) => stats.setSizes[s]).join(' / ')} IDs, ${stats.intersectionSize} in common`;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const blindOps = calls.reduce((sum, c) => sum + (c.op === 'randomPoints' ? 0 : c.ops), 0);
    const hashMs = calls.filter((c) => c.op === 'hashAndBlind').reduce((m, c) => Math.max(m, c.end! - start), 0);
    const solo = soloBlindRate(calls, blinder.threads);
    const label = n.toLocaleString('en-US');
    const rows: BenchRow[] = [
      {
        area: 'psi',
        metric: `align ${label} ${anyIds ? 'integer ids (any text)' : 'IDs'}/site, 3 sites (measured)`,
        value: seconds,
        unit: 's',
        note:
          `${sizes}; all 3 sites on this box, ${blinder.mode} x ${blinder.threads}, load avg ${load} at start; ` +
          `hashing all IDs to the curve took the first ${(hashMs / 1000).toFixed(0)} s`,
      },
      {
        area: 'psi',
        metric: `blinding ops/s/core within the ${label}/site alignment`,
        value: solo?.rate ?? Number.NaN,
        unit: 'ops/s',
        target: `>= ${TARGET_OPS}`,
        meetsTarget: solo === undefined ? undefined : solo.rate >= TARGET_OPS,
        note:
          solo === undefined
            ? 'no blind call had the pool to itself in this run'
            : `${solo.ops.toLocaleString('en-US')} X25519 ops in the blind calls that ran alone, / wall time / ${blinder.threads} threads; ` +
              `${blindOps.toLocaleString('en-US')} blinding ops in the whole run`,
      },
      ...(solo === undefined
        ? []
        : [
            {
              area: 'psi',
              metric: `blinding ops per CPU-second within the ${label}/site alignment`,
              value: solo.perCpuSecond,
              unit: 'ops/s',
              target: `>= ${TARGET_OPS}`,
              meetsTarget: solo.perCpuSecond >= TARGET_OPS,
              note: 'same calls, divided by the CPU time the process got (all threads): the per-core rate with the box to itself',
            },
          ]),
      {
        area: 'psi',
        metric: `peak RSS, align ${label} IDs/site (process)`,
        value: peakRssMiB,
        unit: 'MiB',
        note: 'all three parties and the worker pool in one process; includes the earlier PSI benchmarks',
      },
    ];
    if (n !== ONE_MILLION) {
      rows.push({
        area: 'psi',
        metric: 'align 1,000,000 IDs/site, 3 sites (EXTRAPOLATED)',
        value: (seconds * ONE_MILLION) / n,
        unit: 's',
        note:
          `linear extrapolation from the measured ${label}/site run; not measured. ` +
          `Measure it (15-20 min on 2 cores): ${ALIGN_IDS_ENV}=1000000 npm run bench -- --only psi`,
      });
    }
    return rows;
  } finally {
    if (progress !== undefined) clearInterval(progress);
    await blinder.close();
  }
}

export async function benchPsi(opts: BenchPsiOptions = {}): Promise<BenchRow[]> {
  const repetitions = opts.repetitions ?? 5;
  const fromEnv = process.env[ALIGN_IDS_ENV];
  const alignIds = opts.alignIdsPerSite ?? (fromEnv === undefined || fromEnv === '' ? 50_000 : Number(fromEnv));
  const threads = opts.threads ?? 'auto';
  if (!Number.isInteger(repetitions) || repetitions < 1) throw new RangeError('benchPsi: repetitions must be >= 1');
  if (!Number.isInteger(alignIds) || alignIds < 1 || alignIds > ONE_MILLION) {
    throw new RangeError(`benchPsi: alignIdsPerSite (or ${ALIGN_IDS_ENV}) must be an integer in [1, 1000000], got ${alignIds}`);
  }
  return [...curveOptionRows(repetitions), await poolRow(repetitions, threads), ...(await alignmentRows(alignIds, threads))];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const idsArg = process.argv.find((a) => a.startsWith('--align='));
  const rows = await benchPsi(idsArg ? { alignIdsPerSite: Number(idsArg.slice('--align='.length)) } : {});
  console.log(formatBenchTable(rows));
}
