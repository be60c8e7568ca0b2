/**
 * The federation of real processes that the model-kind end-to-end tests share (trees kind,
 * trees paging, trees scoring, the scorecard end to end): a simulated federation
 * (training-transport/helpers.ts makeSetup), the coordinator and the three nodes each its own OS
 * process over mutual TLS, every site ingested and aligned, and optionally a requester with a
 * registrar whose key bindings the parties trust (requester/demo.ts prepareScoringDemo), so that
 * consented queries can be scored. Each of those files had a ~30-line copy of this set-up and
 * of `cli()`; they now call:
 *
 *   fx = await spawnedFederation('trees-kind', 1500, { requester: true });   // in beforeAll
 *   await fx.stop();                                                         // in afterAll
 *
 * `cli()` runs `dist/bin/fedcredit.js` asynchronously (a test whose coordinator answers in the
 * test's own process must not block its event loop with spawnSync).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import type { Site } from '../../schema/site-schema.js';
import { listSiteModels } from '../../site/model-store.js';
import { NodeStore, bytesToFloat64 } from '../../site/store.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from '../training-transport/helpers.js';
import { consentedRequester, type ConsentedRequester } from './consented.js';

export { cli } from './cli.js';

export interface SpawnedFederation {
  s: Setup;
  /** The coordinator running now (a restart replaces it). */
  coordinator: SpawnedParty;
  nodes: Map<Site, SpawnedParty>;
  alignmentId: string;
  trainSize: number;
  /** With `requester: true`: bank-a, keys in <dir>/bank-a-keys, the registrar trusted by every party. */
  requester: ConsentedRequester | undefined;
  /** The last 20 log lines of every process, for a failure's message. */
  logs(): string;
  /** Stops every process and removes the folder. */
  stop(): Promise<void>;
}

/**
 * Starts the processes and aligns. `name` names the temporary folder and seeds the simulated
 * data; `enterprises` is its size. Whatever started is stopped again if a step fails.
 */
export async function spawnedFederation(name: string, enterprises: number, opts: { requester?: boolean } = {}): Promise<SpawnedFederation> {
  const s = await makeSetup(name, enterprises, name);
  const registrar = opts.requester ? prepareScoringDemo([path.join(s.dir, 'coordinator'), ...SITES.map((site) => path.join(s.dir, `node-${site}`))]) : undefined;
  const nodes = new Map<Site, SpawnedParty>();
  let coordinator: SpawnedParty | undefined;
  let requester: ConsentedRequester | undefined;
  let fx: SpawnedFederation | undefined;
  // The processes running now: a test that kills and restarts one (tests/helpers/resume.ts)
  // replaces it in `fx.coordinator` or `fx.nodes`, and that one is stopped.
  const stop = async () => {
    requester?.close();
    await Promise.all([fx?.coordinator ?? coordinator, ...nodes.values()].map((p) => p?.stop()));
    fs.rmSync(s.dir, { recursive: true, force: true });
  };
  try {
    coordinator = await spawnCoordinator(s);
    for (const site of SITES) nodes.set(site, await spawnNode(s, site));
    const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
    if (registrar) requester = consentedRequester({ coordinator: s.coordinatorAddress, as: s.fed.as, registrar, keysDir: path.join(s.dir, 'bank-a-keys') });
    const running: SpawnedFederation = {
      s, coordinator, nodes, alignmentId: aligned.alignmentId, trainSize: aligned.trainSize, requester, stop,
      logs: () => [running.coordinator, ...nodes.values()].flatMap((n) => n.logLines.slice(-20).map((l) => `${n.name}: ${l}`)).join('\n'),
    };
    fx = running;
    return running;
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A live node's stored part of model `version` and some enterprises' stored feature vectors, read
 * from a copy of its store (the node holds the store's lock). A compaction may delete a table file
 * while it is copied (ENOENT, or a copy that does not open): the copy is made again.
 */
export async function readNodeCopy<Part>(dir: string, site: Site, version: string, ids: readonly string[]): Promise<{ part: Part; vectors: Map<string, Float64Array | undefined> }> {
  return withNodeCopy(dir, site, async (store) => {
    const part = ((await listSiteModels(store)) as unknown as (Part & { modelVersion: string })[]).find((p) => p.modelVersion === version);
    if (!part) throw new Error(`${site} has no stored part of model ${version}`);
    const got = await store.features.getMany([...ids]);
    return { part, vectors: new Map(ids.map((id, k) => [id, got[k] ? bytesToFloat64(got[k]) : undefined])) };
  });
}

/**
 * Reads a copy of a running party's stores (it holds their locks): `stores` are folders under
 * `from`, copied under a fresh folder per attempt, where `read` opens them. A copy torn by a
 * compaction (a table file gone, or a store that then does not open) is made again.
 */
async function withStoresCopy<T>(from: string, stores: readonly string[], read: (copy: string) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const copy = `${from}-copy-${Date.now()}-${attempt}`;
    try {
      for (const name of stores) {
        fs.cpSync(path.join(from, name), path.join(copy, name), { recursive: true });
        fs.rmSync(path.join(copy, name, 'LOCK'), { force: true });
      }
      return await read(copy);
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Reads a copy of a running node's store (the node holds the lock). */
export async function withNodeCopy<T>(dir: string, site: Site, read: (store: NodeStore) => Promise<T>): Promise<T> {
  return withStoresCopy(path.join(dir, `node-${site}`), ['store'], async (copy) => {
    const store = await NodeStore.open(copy);
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  });
}

/** Reads a copy of the running coordinator's training stores: its job records and their large strings (training/large-strings.ts). */
export async function withCoordinatorTrainingCopy<T>(dir: string, read: (records: Level<string, unknown>, strings: Level<string, string>) => Promise<T>): Promise<T> {
  return withStoresCopy(path.join(dir, 'coordinator'), ['training', 'training-strings'], async (copy) => {
    const records = new Level<string, unknown>(path.join(copy, 'training'), { valueEncoding: 'json' });
    const strings = new Level<string, string>(path.join(copy, 'training-strings'), { valueEncoding: 'utf8' });
    try {
      await records.open();
      await strings.open();
      return await read(records, strings);
    } finally {
      await records.close();
      await strings.close();
    }
  });
}
