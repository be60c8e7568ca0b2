/**
 * The requester side of the scoring benchmark, run as its own process by bench/scoring.ts:
 * a closed loop of `concurrency` consented queries in flight over one kept-open channel,
 * each with a fresh query id, for `warmupMs` then `durationMs`. Prints one JSON line.
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

async function worker(): Promise<void> {
  while (!stop) {
    const c = config.consents[next++ % config.consents.length]!;
    const t0 = performance.now();
    try {
      await session.score({ enterprise: c.subject, consent: c.consent });
      if (measuring) {
        latencies.push(performance.now() - t0);
        completed++;
      }
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERROR';
      errors[code] = (errors[code] ?? 0) + 1;
    }
  }
}

const workers = Array.from({ length: config.concurrency }, () => worker());
await new Promise((r) => setTimeout(r, config.warmupMs));
measuring = true;
const cpuStart = cpuNow();
const start = performance.now();
await new Promise((r) => setTimeout(r, config.durationMs));
measuring = false;
const cpuEnd = cpuNow();
const seconds = (performance.now() - start) / 1000;
stop = true;
await Promise.all(workers);
session.close();
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(`${JSON.stringify({ completed, seconds, qps: completed / seconds, p50: pct(0.5), p99: pct(0.99), errors,
  cpuMsPerQuery: Object.fromEntries(Object.keys(cpuEnd).map((k) => [k, (cpuEnd[k]! - cpuStart[k]!) / Math.max(1, completed)])),
})}\n`);
