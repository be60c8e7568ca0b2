/**
 * A federation for the training transport tests: sim data for three sites, a coordinator and
 * three nodes as real processes (spawnParty) or in-process servers (for observers), the
 * exports ingested and the sites aligned.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAlignment } from '../../alignment/client.js';
import { startCoordinator, type CoordinatorOptions, type RunningCoordinator } from '../../coordinator/server.js';
import { RECORD_KINDS, type Site } from '../../schema/site-schema.js';
import { freePort, spawnCoordinator as spawnCoordinatorProcess, spawnNode as spawnNodeProcess } from '../../lib/party-processes.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { startNode, type NodeOptions, type RunningNode } from '../../node/server.js';
import { uploadFile } from '../../node/upload.js';
import { generateFederation } from '../../sim/generate.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { logLine } from '../helpers/wait.js';

export { freePort };

export const SITES: Site[] = ['tax', 'power', 'bank'];
const FILES: Record<Site, (keyof typeof RECORD_KINDS)[]> = { tax: ['tax_rating', 'vat_filing'], power: ['power_bill'], bank: ['loan', 'repayment'] };

export interface Setup {
  dir: string;
  fed: TestFederation;
  coordinatorAddress: string;
  coordinatorPort: number;
}

export async function makeSetup(prefix: string, enterprises: number, seed: string): Promise<Setup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fedcredit-${prefix}-`));
  const fed = await testFederation(dir);
  await generateFederation({ enterprises, seed, outDir: path.join(dir, 'sites') });
  const coordinatorPort = await freePort();
  return { dir, fed, coordinatorPort, coordinatorAddress: `127.0.0.1:${coordinatorPort}` };
}

export function spawnCoordinator(s: Setup, env: Record<string, string> = {}): Promise<SpawnedParty> {
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  return spawnCoordinatorProcess(s, ['--checkpoint-interval', '200']);
}

export function spawnNode(s: Setup, site: Site, extra: string[] = []): Promise<SpawnedParty> {
  return spawnNodeProcess(s, site, ['--witness-interval', '200', ...extra]);
}

export function inProcessCoordinator(s: Setup, extra: Partial<CoordinatorOptions> = {}): Promise<RunningCoordinator> {
  return startCoordinator({ dataDir: path.join(s.dir, 'coordinator'), transport: s.fed.as('coordinator'), port: s.coordinatorPort, log: () => undefined, ...extra });
}

export async function inProcessNode(s: Setup, site: Site, extra: Partial<NodeOptions> = {}): Promise<RunningNode> {
  const node = await startNode({
    site, dataDir: path.join(s.dir, `node-${site}`), transport: s.fed.as(site), coordinator: s.coordinatorAddress, witnessIntervalMs: 200, log: () => undefined, ...extra,
  });
  await node.registered;
  return node;
}

/** Ingest every site's exports through its running node, then align; returns the alignment id. */
export async function ingestAndAlign(s: Setup, addressOf: (site: Site) => string): Promise<{ alignmentId: string; trainSize: number; validationSize: number }> {
  await Promise.all(SITES.map(async (site) => {
    for (const [i, kind] of FILES[site].entries()) {
      await uploadFile(addressOf(site), s.fed.as(`${site}-operator`), path.join(s.dir, 'sites', site, RECORD_KINDS[kind].fileName),
        { skipFeatures: i < FILES[site].length - 1 }, site);
    }
  }));
  const a = await runAlignment(s.coordinatorAddress, s.fed.as('coordinator-operator'), { splitSeed: 'training-transport' });
  return { alignmentId: a.alignmentId, trainSize: Number(a.trainSize), validationSize: Number(a.validationSize) };
}

/**
 * Wait until a spawned party's log has a line matching `re` (in its kept tail, or as it arrives:
 * event-driven, so a line cannot scroll out of the 500 kept between two polls).
 */
export function waitForLog(party: SpawnedParty, re: RegExp, timeoutMs = 120_000): Promise<string> {
  return logLine(party, re, timeoutMs);
}

/**
 * A batch size for `trainSize` samples that the minimum batch rule accepts: at least `min`
 * samples (64, and 8x the largest site's feature count), with no remainder batch smaller than that.
 */
export function fairBatchSize(trainSize: number, min = 128): number {
  for (let b = min; b <= trainSize; b++) {
    const r = trainSize % b;
    if (r === 0 || r >= min) return b;
  }
  return trainSize;
}
