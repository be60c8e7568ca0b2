/**
 * A federation's coordinator and data nodes as their own OS processes on this host (each its
 * own store under one folder, mutual TLS), for tests and benchmarks that need real processes.
 * Callers add their own options (log intervals, policies) as extra arguments.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnParty, type SpawnOptions, type SpawnedParty } from './spawn-party.js';

/**
 * A port for a party that must keep its address across restarts (the coordinator, which nodes
 * know before it starts): free on 127.0.0.1 now, and chosen *below* the kernel's ephemeral
 * range, so no outgoing connection or `listen(0)` of another process on the host can be given
 * it while the party is down between a check and its (re)start. A port from `listen(0)` itself
 * was taken that way under load: the coordinator then could not listen again after a restart.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low > 12_000) {
    for (let i = 0; i < 100; i++) {
      const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
      if (await canListen(port)) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The first port of the kernel's ephemeral range (Linux; 49152 elsewhere, IANA's). */
function ephemeralLow(): number {
  const file = '/proc/sys/net/ipv4/ip_local_port_range';
  if (!fs.existsSync(file)) return 49_152;
  const low = Number(fs.readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
  return Number.isInteger(low) && low > 0 ? low : 49_152;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Where the parties keep their data (`<dir>/coordinator`, `<dir>/node-<site>`) and their TLS folders. */
export interface PartyLayout {
  readonly dir: string;
  readonly coordinatorPort: number;
  readonly coordinatorAddress: string;
  readonly fed: { tls(party: string): string[] };
}

/**
 * How long a party may take to print that it is serving. Generous on purpose: a start is module
 * loading plus opening the store, ~1 s on a quiet machine, but the fault tests load every core and
 * restart parties many times; at load 30 on 2 cores a restart took over 30 s (issue 20, session 7)
 * and failed a test that checks answers, not start-up speed.
 */
const PARTY_START_TIMEOUT_MS = 90_000;

export function spawnCoordinator(s: PartyLayout, extra: string[] = [], opts: SpawnOptions = {}): Promise<SpawnedParty> {
  return spawnParty('coordinator', [
    'coordinator', 'serve', '--data', path.join(s.dir, 'coordinator'), '--port', String(s.coordinatorPort), ...s.fed.tls('coordinator'), ...extra,
  ], { startTimeoutMs: PARTY_START_TIMEOUT_MS, ...opts });
}

export function spawnNode(s: PartyLayout, site: string, extra: string[] = [], opts: SpawnOptions = {}): Promise<SpawnedParty> {
  return spawnParty(`node ${site}`, [
    'node', 'serve', '--site', site, '--data', path.join(s.dir, `node-${site}`), '--port', '0', '--coordinator', s.coordinatorAddress, ...s.fed.tls(site), ...extra,
  ], { startTimeoutMs: PARTY_START_TIMEOUT_MS, ...opts });
}
