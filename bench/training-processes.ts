/**
 * VFL training benchmark over real processes (issue 4): the coordinator and the tax, power and
 * bank nodes each in their own OS process on this host, over gRPC with mutual TLS, sealed
 * node-to-node payloads and write-ahead checkpoints, as deployed. Each site ingests a feature
 * table of the same synthetic enterprises as the in-memory benchmark (bench/training.ts: 10 bank,
 * 20 tax, 10 power features, labels from a logistic model over all 40), the coordinator aligns
 * them with PSI, then the same schedule trains with BFV and in plaintext mode.
 *
 * Reports the set-up (ingest, alignment, job start), seconds per epoch (the coordinator's own
 * timing: first, and the median of the others), sample-features per second per core, bytes on
 * the wire per sample-feature (every TCP byte of the coordinator's sockets: each training message
 * passes through it, relayed messages on both of their hops), peak RSS of each process (VmHWM,
 * worker threads included, reset between runs), CPU seconds of each process per epoch, and the
 * ratio to plaintext mode.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runAlignment } from '../alignment/client.js';
import { runTraining } from '../training/client.js';
import type { ModelMetadata } from '../training/model-registry.js';
import { initFederation } from '../lib/init-cli.js';
import { freePort, spawnCoordinator, spawnNode, type PartyLayout } from '../lib/party-processes.js';
import type { SpawnedParty } from '../lib/spawn-party.js';
import { partyFolder, partyTransport } from '../lib/tls.js';
import { uploadFile } from '../node/upload.js';
import { DEFAULT_PARAMS } from '../training/schedule.js';
import { creditCode } from './psi.js';
import { formatBenchTable, median, type BenchRow } from './report.js';
import { FEATURE_WIDTHS, syntheticFederation, TARGET_BYTES_PER_SF, TARGET_SF_PER_CORE } from './training.js';

export interface BenchTrainingProcessesOptions {
  /** Training enterprises (all three sites hold them); validation adds a tenth. Default 100,000. */
  readonly samples?: number;
  /** Epochs per run; the steady figure is the median of all but the first. Default 2. */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Progress lines (stderr by default). */
  readonly log?: (line: string) => void;
}

const SITES = ['tax', 'power', 'bank'] as const;
type Site = (typeof SITES)[number];
const FEATURES = FEATURE_WIDTHS.bank + FEATURE_WIDTHS.tax + FEATURE_WIDTHS.power;
/** Validation is a tenth of the training set, as in the in-memory benchmark (100k + 10k). */
const VALIDATION_FRACTION = 1 / 11;

/** One CSV per site: `id` (a valid credit code, the same enterprises everywhere), the bank's `y`, the features. */
export function writeFeatureTables(dir: string, samples: number): Record<Site, string> {
  const validation = Math.round(samples / 10);
  const fed = syntheticFederation(samples, validation);
  const sites = { bank: fed.bank, tax: fed.passives[0]!, power: fed.passives[1]! };
  const labels = Array.from(fed.bank.trainLabels).concat(Array.from(fed.bank.validationLabels));
  const files = {} as Record<Site, string>;
  for (const site of SITES) {
    const rows = Array.from(sites[site].train).concat(Array.from(sites[site].validation));
    const columns = Array.from({ length: FEATURE_WIDTHS[site] }, (_, j) => `${site}_${j}`);
    const file = path.join(dir, `${site}.csv`);
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, `${['id', ...(site === 'bank' ? ['y'] : []), ...columns].join(',')}\n`);
      for (let from = 0; from < rows.length; from += 4096) {
        const lines = rows.slice(from, from + 4096).map((x, k) => {
          const i = from + k;
          return [creditCode(i), ...(site === 'bank' ? [labels[i]] : []), ...Array.from(x, (v) => v.toFixed(5))].join(',');
        });
        fs.writeSync(fd, `${lines.join('\n')}\n`);
      }
    } finally {
      fs.closeSync(fd);
    }
    files[site] = file;
  }
  return files;
}

/** /proc/<pid>/status VmHWM (peak RSS) in bytes. */
export function peakRss(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Restart the peak-RSS count at the current RSS (`echo 5 > clear_refs`); false where not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU seconds of a process, all its threads (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

export interface WireCount {
  readonly bytes: number;
  /** TCP connections opened or accepted so far (each a TLS handshake). */
  readonly connections: number;
}

/** The coordinator's socket byte count (bench/training-wire-counter.ts), asked for with SIGUSR2. */
export class WireCounter {
  #reports = 0;
  constructor(readonly file: string) {}

  /** NODE_OPTIONS for the party that counts; spawnParty's prefix execs it with them. */
  prefix(): string[] {
    const preload = pathToFileURL(fileURLToPath(new URL('./training-wire-counter.js', import.meta.url))).href;
    return ['env', `NODE_OPTIONS=--import=${preload}`, `FEDCREDIT_WIRE_COUNT_FILE=${this.file}`];
  }

  async count(party: SpawnedParty): Promise<WireCount> {
    const read = () => (fs.existsSync(this.file) ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { report: number; read: number; written: number; opened: number }) : undefined);
    // The counter writes report 0 when it loads; without it, SIGUSR2 would end the process.
    if (this.#reports === 0 && read()?.report !== 0) throw new Error(`${party.name} did not load the wire counter (${this.file} missing)`);
    const want = ++this.#reports;
    party.child.kill('SIGUSR2');
    for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 10))) {
      const r = read();
      if (r?.report === want) return { bytes: r.read + r.written, connections: r.opened };
    }
    throw new Error(`${party.name} did not report its wire bytes within 10 s`);
  }
}

interface Run {
  readonly model: ModelMetadata;
  readonly jobStartSeconds: number;
  readonly epochSeconds: number[];
  /** Bytes and connections from the first step to the stored model, and bytes of the job start (public keys). */
  readonly bytes: number;
  readonly connections: number;
  readonly startBytes: number;
  readonly peakRss: Map<string, number>;
  /** CPU seconds per process from the first step to the end of the last epoch. */
  readonly cpu: Map<string, number>;
}

/** Set up a federation of processes, train with plaintext mode then BFV, and return the figures. */
export async function benchTrainingProcesses(opts: BenchTrainingProcessesOptions = {}): Promise<BenchRow[]> {
  const samples = opts.samples ?? 100_000;
  const epochs = opts.epochs ?? 2;
  const batchSize = opts.batchSize ?? 16384;
  const log = opts.log ?? ((line: string) => process.stderr.write(`  ${line}\n`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-bench-processes-'));
  const parties = new Map<string, SpawnedParty>();
  try {
    let t = performance.now();
    const lap = () => {
      const now = performance.now();
      const s = (now - t) / 1000;
      t = now;
      return s;
    };
    const fedDir = path.join(dir, 'federation');
    await initFederation({ out: fedDir, sites: [...SITES] });
    const coordinatorPort = await freePort();
    const layout: PartyLayout = {
      dir, coordinatorPort, coordinatorAddress: `127.0.0.1:${coordinatorPort}`, fed: { tls: (party: string) => ['--tls', partyFolder(fedDir, party)] },
    };
    const tables = writeFeatureTables(dir, samples);
    log(`${Math.round(samples * 1.1).toLocaleString('en-US')} enterprises x ${FEATURES} features written in ${lap().toFixed(1)} s; starting 4 processes`);

    const wire = new WireCounter(path.join(dir, 'coordinator-wire.json'));
    const coordinator = await spawnCoordinator(layout, [], { prefix: wire.prefix() });
    parties.set('coordinator', coordinator);
    // Plaintext-mode jobs run only at nodes whose policy allows them (site/policy.ts).
    const policy = path.join(dir, 'bench-policy.json');
    fs.writeFileSync(policy, JSON.stringify({ allowPlaintext: true }));
    for (const site of SITES) parties.set(site, await spawnNode(layout, site, ['--policy', policy]));
    const startSeconds = lap();

    await Promise.all(SITES.map((site) => uploadFile(parties.get(site)!.address, partyTransport(fedDir, `${site}-operator`), tables[site],
      { kind: 'features', idColumn: 'id', ...(site === 'bank' ? { labelColumn: 'y' } : {}) }, site)));
    const ingestSeconds = lap();
    log(`ingested in ${ingestSeconds.toFixed(1)} s; aligning`);
    const operator = partyTransport(fedDir, 'coordinator-operator');
    const alignment = await runAlignment(layout.coordinatorAddress, operator, { validationFraction: VALIDATION_FRACTION, splitSeed: 'bench' });
    const alignSeconds = lap();
    const trainSize = Number(alignment.trainSize);
    log(`aligned ${trainSize.toLocaleString('en-US')} training + ${Number(alignment.validationSize).toLocaleString('en-US')} validation enterprises in ${alignSeconds.toFixed(1)} s`);

    const setupPeak = new Map([...parties].map(([name, p]) => [name, peakRss(p.child.pid!)]));
    const peaksReset = [...parties.values()].every((p) => resetPeakRss(p.child.pid!));

    const train = async (plaintext: boolean): Promise<Run> => {
      const pids = new Map([...parties].map(([name, p]) => [name, p.child.pid!]));
      const cpuOf = () => new Map([...pids].map(([name, pid]) => [name, cpuSeconds(pid)]));
      const before = await wire.count(coordinator);
      const called = performance.now();
      let started: { at: number; cpu: Map<string, number>; wire: Promise<WireCount> } | undefined;
      let cpuAtLastEpoch = new Map<string, number>();
      const model = await runTraining(layout.coordinatorAddress, operator, {
        alignmentId: alignment.alignmentId, ...DEFAULT_PARAMS, epochs, batchSize, patience: epochs + 1, learningRate: 0.2, plaintext,
      }, (p) => {
        if (p.stage === 'started') started = { at: performance.now(), cpu: cpuOf(), wire: wire.count(coordinator) };
        if (p.stage === 'epoch') {
          cpuAtLastEpoch = cpuOf();
          log(`${plaintext ? 'plaintext' : 'BFV'} ${p.message}`);
        }
      });
      if (!started) throw new Error('the coordinator never reported the job as started');
      const end = await wire.count(coordinator);
      const atStart = await started.wire;
      const peak = new Map([...pids].map(([name, pid]) => [name, peakRss(pid)]));
      for (const pid of pids.values()) resetPeakRss(pid);
      return {
        model, jobStartSeconds: (started.at - called) / 1000, epochSeconds: (model.metrics as { epochSeconds: number[] }).epochSeconds,
        bytes: end.bytes - atStart.bytes, connections: end.connections - atStart.connections, startBytes: atStart.bytes - before.bytes, peakRss: peak,
        cpu: new Map([...cpuAtLastEpoch].map(([name, c]) => [name, c - started!.cpu.get(name)!])),
      };
    };
    // Plaintext first: resetting VmHWM only lowers it to the current RSS, so the second run's
    // peak includes what the first left on the heap; that way it is the small run's leftovers.
    const plain = await train(true);
    const bfv = await train(false);

    const cores = os.cpus().length;
    const sampleFeatures = trainSize * FEATURES;
    const steadyOf = (xs: number[]) => median(xs.length > 1 ? xs.slice(1) : xs);
    const steady = steadyOf(bfv.epochSeconds);
    const plainSteady = steadyOf(plain.epochSeconds);
    const perCore = sampleFeatures / steady / cores;
    const bytesPerSf = bfv.bytes / bfv.epochSeconds.length / sampleFeatures;
    const mib = (b: number) => b / 2 ** 20;
    const area = `training over processes b=${batchSize}`;
    const note = `4 processes, ${cores} cores, ${trainSize.toLocaleString('en-US')} x ${FEATURES}, load average ${os.loadavg()[0]!.toFixed(1)}`;
    const cpuTotal = (run: Run) => [...run.cpu.values()].reduce((a, b) => a + b, 0);
    const aucOf = (run: Run) => (run.model.metrics as { aucHistory: number[] }).aucHistory.at(-1)!;
    return [
      { area, metric: 'set-up: start coordinator + 3 nodes', value: startSeconds, unit: 's' },
      { area, metric: 'set-up: ingest the three feature tables', value: ingestSeconds, unit: 's', note: `${Math.round(samples * 1.1).toLocaleString('en-US')} rows per site, in parallel` },
      { area, metric: 'set-up: PSI alignment', value: alignSeconds, unit: 's', note: `${(trainSize + Number(alignment.validationSize)).toLocaleString('en-US')} aligned` },
      { area, metric: 'set-up: job start (keys, policy, features to NTT form)', value: bfv.jobStartSeconds, unit: 's', note: `plaintext mode ${plain.jobStartSeconds.toFixed(1)} s; ${mib(bfv.startBytes).toFixed(1)} MiB on the wire` },
      { area, metric: 'epoch, first', value: bfv.epochSeconds[0]!, unit: 's', note },
      { area, metric: `epoch, steady (median of ${Math.max(1, bfv.epochSeconds.length - 1)})`, value: steady, unit: 's', note: `epochs ${bfv.epochSeconds.map((s) => s.toFixed(1)).join(', ')} s` },
      {
        area, metric: 'sample-features/s/core (wall)', value: perCore, unit: '/s', target: `>= ${TARGET_SF_PER_CORE.toLocaleString('en-US')}`, meetsTarget: perCore >= TARGET_SF_PER_CORE,
        note: `${(cpuTotal(bfv) / bfv.epochSeconds.length).toFixed(1)} CPU-s per epoch over all processes`,
      },
      {
        area, metric: 'wire bytes per sample-feature', value: bytesPerSf, unit: 'B', target: `<= ${TARGET_BYTES_PER_SF}`, meetsTarget: bytesPerSf <= TARGET_BYTES_PER_SF,
        note: `${mib(bfv.bytes / bfv.epochSeconds.length).toFixed(0)} MiB per epoch at the coordinator's sockets (TLS + HTTP/2; relayed payloads twice); plaintext mode ${(plain.bytes / plain.epochSeconds.length / sampleFeatures).toFixed(1)} B; ${Math.round(bfv.connections / bfv.epochSeconds.length)} TCP+TLS connections per epoch`,
      },
      ...[...bfv.peakRss].map(([name, bytes]): BenchRow => ({
        area, metric: `peak RSS ${name} (BFV run)`, value: mib(bytes), unit: 'MiB',
        note: `plaintext run (first) ${mib(plain.peakRss.get(name)!).toFixed(0)}, ingest + alignment ${mib(setupPeak.get(name)!).toFixed(0)} MiB${peaksReset ? '' : ' (peaks could not be reset: cumulative)'}; ${(bfv.cpu.get(name)! / bfv.epochSeconds.length).toFixed(1)} CPU-s per epoch`,
      })),
      { area, metric: 'ratio to plaintext mode (steady epoch)', value: steady / plainSteady, unit: 'x', note: `plaintext epoch ${plainSteady.toFixed(2)} s, ${(cpuTotal(plain) / plain.epochSeconds.length).toFixed(1)} CPU-s` },
      { area, metric: 'validation AUC after the run', value: aucOf(bfv), unit: '', note: `plaintext mode ${aucOf(plain).toFixed(4)}` },
    ];
  } finally {
    await Promise.all([...parties.values()].map((p) => p.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rows = await benchTrainingProcesses({
    ...(arg('samples') ? { samples: Number(arg('samples')) } : {}),
    ...(arg('epochs') ? { epochs: Number(arg('epochs')) } : {}),
    ...(arg('batch') ? { batchSize: Number(arg('batch')) } : {}),
  });
  console.log(formatBenchTable(rows));
}
