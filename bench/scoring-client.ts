/**
 * The requester side of the scoring benchmark, run as its own process by bench/scoring.ts:
 * a closed loop of `concurrency` consented queries in flight over one kept-open channel,
 * each with a fresh query id, for `warmupMs` then `durationMs`. Prints one JSON line.
 *
 * With `rate` (queries/s; FEDCREDIT_BENCH_RATE) the loop is open instead: queries start at that
 * fixed rate whatever the answers' pace, at most `concurrency` in flight (a start that finds
 * them all busy is counted as `behind` and skipped). Batch sizes then follow the offered rate,
 * not the machine's spare CPU, so CPU per query is comparable across runs and builds as long
 * as both keep up (behind = 0).
 */
import fs from 'node:fs';
import { ScoringSession } from '../scoring/requester.js';
import { loadRequesterKeys } from '../scoring/requester-keys.js';
import { partyTransport } from '../lib/tls.js';

interface ClientConfig {
  coordinator: string;
  federation: string;
  party: string;
  keysDir: string;
  consents: { subject: string; consent: string }[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Offered queries/s for an open loop; absent or 0: closed loop. */
  rate?: number;
  /** The coordinator's and nodes' processes, whose CPU time is read around the measured window. */
  parties: { name: string; pid: number }[];
}

/** CPU time (user + system, all threads) a process has used, in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function cpuNow(): Record<string, number> {
  const own = process.cpuUsage();
  return { ...Object.fromEntries(config.parties.map((p) => [p.name, cpuMs(p.pid)])), client: (own.user + own.system) / 1000 };
}

const config = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as ClientConfig;
const session = new ScoringSession(config.coordinator, partyTransport(config.federation, config.party), loadRequesterKeys(config.keysDir));
const latencies: number[] = [];
const errors: Record<string, number> = {};
let measuring = false;
let stop = false;
let next = 0;
let completed = 0;

/** Closed loop: one query after another until told to stop. */
async function worker(): Promise<void> {
  while (!stop) await one();
}

let inFlight = 0;
let behind = 0;

/** One query; never rejects (errors are counted by code). */
async function one(): Promise<void> {
  const c = config.consents[next++ % config.consents.length]!;
  const t0 = performance.now();
  inFlight++;
  try {
    await session.score({ enterprise: c.subject, consent: c.consent });
    if (measuring) {
      latencies.push(performance.now() - t0);
      completed++;
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'ERROR';
    errors[code] = (errors[code] ?? 0) + 1;
  } finally {
    inFlight--;
  }
}

/** Open loop: start queries on a fixed schedule (rate per second), never more than concurrency at once. */
async function openLoop(rate: number): Promise<void> {
  const t0 = performance.now();
  let started = 0;
  while (!stop) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; started < due; started++) {
      if (inFlight >= config.concurrency) {
        if (measuring) behind++;
        continue;
      }
      void one(); // never rejects: errors are counted inside
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
}

const rate = config.rate ?? Number(process.env['FEDCREDIT_BENCH_RATE'] ?? 0);
if (rate > 0) {
  // Every consent once before the clock starts: at a low offered rate the timed warm-up alone
  // would leave some consents' first use (a key binding read, the enterprise's signature and key
  // checks at every party) in the measured window, and how many would depend on the rate.
  const first = Array.from({ length: Math.min(config.concurrency, config.consents.length) }, async () => {
    while (next < config.consents.length) await one();
  });
  await Promise.all(first);
}
const workers = rate > 0 ? [openLoop(rate)] : Array.from({ length: config.concurrency }, () => worker());
await new Promise((r) => setTimeout(r, config.warmupMs));
measuring = true;
const cpuStart = cpuNow();
const start = performance.now();
const windowStart = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, config.durationMs));
measuring = false;
const cpuEnd = cpuNow();
// With CPU profiles (lib/spawn-party.ts), the measured window on the monotonic clock V8's profiles
// use (microseconds), so each party's profile can be cut to it.
const profileDir = process.env['FEDCREDIT_CPU_PROFILE_DIR'];
if (profileDir) {
  fs.writeFileSync(`${profileDir}/window-${process.pid}.json`, JSON.stringify({ startUs: Number(windowStart / 1000n), endUs: Number(process.hrtime.bigint() / 1000n), completed }));
}
const seconds = (performance.now() - start) / 1000;
stop = true;
await Promise.all(workers);
session.close();
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(`${JSON.stringify({ completed, seconds, qps: completed / seconds, p50: pct(0.5), p99: pct(0.99), errors, rate, behind,
  cpuMsPerQuery: Object.fromEntries(Object.keys(cpuEnd).map((k) => [k, (cpuEnd[k]! - cpuStart[k]!) / Math.max(1, completed)])),
})}\n`);
