/**
 * A federation's coordinator and data nodes as their own OS processes on this host (each its
 * own store under one folder, mutual TLS), for tests and benchmarks that need real processes.
 * Callers add their own options (log intervals, policies) as extra arguments.
 */
import net from 'node:net';
import path from 'node:path';
import { spawnParty, type SpawnOptions, type SpawnedParty } from './spawn-party.js';

/** A port free on 127.0.0.1 right now (the coordinator's, which nodes must know before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Where the parties keep their data (`<dir>/coordinator`, `<dir>/node-<site>`) and their TLS folders. */
export interface PartyLayout {
  readonly dir: string;
  readonly coordinatorPort: number;
  readonly coordinatorAddress: string;
  readonly fed: { tls(party: string): string[] };
}

export function spawnCoordinator(s: PartyLayout, extra: string[] = [], opts: SpawnOptions = {}): Promise<SpawnedParty> {
  return spawnParty('coordinator', [
    'coordinator', 'serve', '--data', path.join(s.dir, 'coordinator'), '--port', String(s.coordinatorPort), ...s.fed.tls('coordinator'), ...extra,
  ], { startTimeoutMs: 30_000, ...opts });
}

export function spawnNode(s: PartyLayout, site: string, extra: string[] = [], opts: SpawnOptions = {}): Promise<SpawnedParty> {
  return spawnParty(`node ${site}`, [
    'node', 'serve', '--site', site, '--data', path.join(s.dir, `node-${site}`), '--port', '0', '--coordinator', s.coordinatorAddress, ...s.fed.tls(site), ...extra,
  ], { startTimeoutMs: 30_000, ...opts });
}
