/**
 * FATE-style feature tables with integer ids for the process tests of issue 14 (fate-any-ids,
 * table-versions): the bank's `id,y,x0..x3` and the tax office's and power company's other
 * columns over overlapping id ranges with gaps, each with missing cells (written as FATE
 * exports do: empty, NA, null, NaN), and a federation of real processes that ingested them
 * (`--id-format any`, no conversion), aligned them with no id option and trained LR on them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Identity } from '../../crypto/identity.js';
import { runAlignment } from '../../alignment/client.js';
import { runTraining } from '../../training/client.js';
import { freePort, spawnCoordinator, spawnNode } from '../../lib/party-processes.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { fairBatchSize, waitForLog } from './helpers.js';

export const SITES = ['tax', 'power', 'bank'] as const;
export type Site = (typeof SITES)[number];
/** The enterprise scored: id "200", present at every site, missing cells at every site. */
export const PROBE = 200;

/** Which integer ids each site holds: overlapping ranges, each with its own gaps. */
export const HOLDS: Record<Site, (n: number) => boolean> = {
  bank: (n) => n >= 1 && n <= 600,
  tax: (n) => n >= 101 && n <= 700 && n % 13 !== 0,
  power: (n) => n >= 51 && n <= 650 && n % 17 !== 0,
};
export const SHARED = Array.from({ length: 700 }, (_, i) => i + 1).filter((n) => SITES.every((s) => HOLDS[s](n)));

/** A seeded generator (mulberry32): the same data and model on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FATE's layout: `id,y,x0..x3` at the guest, `id,x0..` at the hosts; gaps written as FATE exports do. */
export function writeTables(dir: string): Record<Site, string> {
  const rnd = random(1414);
  const cell = (n: number, p: number, v: number, token: string) => (n === PROBE || rnd() < p ? token : v.toFixed(4));
  const lines: Record<Site, string[]> = { bank: ['id,y,x0,x1,x2,x3'], tax: ['id,x0,x1,x2'], power: ['id,x0,x1'] };
  for (let n = 1; n <= 700; n++) {
    const x = Array.from({ length: 9 }, () => rnd() * 2 - 1);
    const logit = -1.2 * x[0]! + 0.8 * x[4]! - 0.9 * x[7]! + 0.5 * x[2]! - 0.7;
    const y = rnd() < 1 / (1 + Math.exp(-logit)) || n % 31 === 1 ? '1' : '0';
    if (HOLDS.bank(n)) lines.bank.push([n, y, cell(n, 0.1, x[0]!, ''), cell(n, 0.1, x[1]!, 'NA'), x[2]!.toFixed(4), x[3]!.toFixed(4)].join(','));
    if (HOLDS.tax(n)) lines.tax.push([n, cell(n, 0.15, x[4]!, 'null'), x[5]!.toFixed(4), cell(n, 0.05, x[6]!, '')].join(','));
    if (HOLDS.power(n)) lines.power.push([n, cell(n, 0.2, x[7]!, 'NaN'), x[8]!.toFixed(4)].join(','));
  }
  const files = {} as Record<Site, string>;
  for (const site of SITES) {
    files[site] = path.join(dir, `${site}.csv`);
    fs.writeFileSync(files[site], `${lines[site].join('\n')}\n`);
  }
  return files;
}

export interface FateFederation {
  readonly fed: TestFederation;
  readonly coordinatorAddress: string;
  readonly registrar: Identity;
  readonly coordinator: SpawnedParty;
  readonly nodes: Map<Site, SpawnedParty>;
  readonly files: Record<Site, string>;
  readonly alignment: Awaited<ReturnType<typeof runAlignment>>;
  readonly model: Awaited<ReturnType<typeof runTraining>>;
  /** The parties' last log lines, for a failure's message. */
  logs(): string;
  stop(): Promise<void>;
  /** Start the stopped coordinator and nodes again on their data folders (same coordinator port). */
  restart(): Promise<void>;
}

/** A coordinator and three nodes (real processes) in `dir`, the tables ingested, aligned with no id option, LR trained. */
export async function fateFederation(dir: string): Promise<FateFederation> {
  const fed = await testFederation(dir);
  const coordinatorPort = await freePort();
  const s = { dir, fed, coordinatorPort, coordinatorAddress: `127.0.0.1:${coordinatorPort}` };
  const registrar = prepareScoringDemo([path.join(dir, 'coordinator'), ...SITES.map((site) => path.join(dir, `node-${site}`))]);
  let coordinator = await spawnCoordinator(s);
  const nodes = new Map<Site, SpawnedParty>();
  const stop = () => Promise.all([coordinator, ...nodes.values()].map((p) => p.stop())).then(() => undefined);
  const restart = async () => {
    coordinator = await spawnCoordinator(s);
    for (const site of SITES) {
      const node = await spawnNode(s, site);
      nodes.set(site, node);
      // Listening is not enough: queries go to the address the coordinator has registered.
      await waitForLog(node, /registered with coordinator/, 60_000);
    }
  };
  const logs = () => [coordinator, ...nodes.values()].flatMap((n) => n.logLines.slice(-15).map((l) => `${n.name}: ${l}`)).join('\n');
  try {
    for (const site of SITES) nodes.set(site, await spawnNode(s, site));
    const files = writeTables(dir);
    for (const site of SITES) {
      await uploadFile(nodes.get(site)!.address, fed.as(`${site}-operator`), files[site], { kind: 'features', idFormat: 'any', ...(site === 'bank' ? { labelColumn: 'y' } : {}) }, site);
    }
    // No id option: every node holds free-form ids, so the job aligns them as such.
    const alignment = await runAlignment(s.coordinatorAddress, fed.as('coordinator-operator'), { splitSeed: 'fate-any' });
    const model = await runTraining(s.coordinatorAddress, fed.as('coordinator-operator'), {
      alignmentId: alignment.alignmentId, epochs: 2, batchSize: fairBatchSize(Number(alignment.trainSize)), learningRate: 0.5, l2: 1e-3, seed: 14, patience: 3,
    });
    return {
      fed, coordinatorAddress: s.coordinatorAddress, registrar, get coordinator() { return coordinator; }, nodes, files, alignment, model, logs, stop, restart,
    };
  } catch (err) {
    const message = `${(err as Error).message}\nlogs:\n${logs()}`;
    await stop();
    throw new Error(message);
  }
}
