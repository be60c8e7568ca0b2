/**
 * What every fault-injection test shares: a seeded schedule, CPU load from one busy process per
 * core (so timing-dependent bugs show as they would on a loaded machine), and kill -9 of a party.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { SpawnedParty } from '../../lib/spawn-party.js';

/** xorshift32 in [0, 1), seeded: the kill schedule of a run. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const busy: ChildProcess[] = [];

/** One spinning process per core until unloadCpus. */
export function loadCpus(): void {
  for (let i = 0; i < os.cpus().length; i++) busy.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

export function unloadCpus(): void {
  for (const b of busy.splice(0)) b.kill('SIGKILL');
}

/** kill -9, resolved once the process has exited (at once if it already had). */
export async function kill9(party: SpawnedParty): Promise<void> {
  if (party.child.exitCode !== null || party.child.signalCode !== null) return;
  const exited = new Promise((resolve) => party.child.once('exit', resolve));
  party.child.kill('SIGKILL');
  await exited;
}
