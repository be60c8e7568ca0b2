/**
 * A coordinator process over mutual TLS whose model registry holds the given models before it
 * starts: for tests of what reads the registry only (reports, comparisons, console pages), where
 * training the models would add minutes and test nothing more.
 */
import path from 'node:path';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { ModelRegistry, type ModelMetadata } from '../../training/model-registry.js';
import type { TestFederation } from './federation.js';

export async function seededCoordinator(fed: TestFederation, dir: string, models: readonly ModelMetadata[]): Promise<SpawnedParty> {
  const data = path.join(dir, 'coord');
  const registry = await ModelRegistry.open(data);
  for (const m of models) await registry.put(m);
  await registry.close();
  return spawnParty('coordinator', ['coordinator', 'serve', '--data', data, '--port', '0', ...fed.tls('coordinator')], { startTimeoutMs: 120_000 });
}
