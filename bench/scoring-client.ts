/**
 * The requester side of the scoring benchmark, run as its own process by bench/scoring.ts:
 * a closed loop of `concurrency` consented queries in flight over one kept-open channel,
 * each with a fresh query id, for `warmupMs` then `durationMs`. Prints one JSON line.
 */
import fs from 'node:fs';
import { ScoringSession } from '../requester/client.js';
import { loadRequesterKeys } from '../requester/keys.js';
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
const start = performance.now();
await new Promise((r) => setTimeout(r, config.durationMs));
measuring = false;
const seconds = (performance.now() - start) / 1000;
stop = true;
await Promise.all(workers);
session.close();
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(`${JSON.stringify({ completed, seconds, qps: completed / seconds, p50: pct(0.5), p99: pct(0.99), errors })}\n`);
