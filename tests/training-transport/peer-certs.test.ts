/**
 * Peers' keys for training and alignment come with the federation CA's word (issue 12 review):
 * the coordinator fills each job's peer keys from its own registry, so one that swaps in a key
 * pair of its own for "power" would open what tax and the bank seal for power (and, holding the
 * homomorphic secret key, read partial linear terms or PSI payloads in the clear). Here the
 * coordinator's operator edits its registry, as a malicious coordinator would, and starts real
 * jobs over mutual TLS: every node refuses with REGISTRATION_NOT_CERTIFIED naming power, and
 * keeps nothing.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAlignment } from '../../alignment/client.js';
import type { RegisteredNode } from '../../registration/registry.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import { runTraining } from '../../training/client.js';
import { generateIdentity } from '../../crypto/identity.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import type { FedcreditError } from '../../lib/errors.js';
import type { Site } from '../../schema/site-schema.js';
import type { RunningNode } from '../../node/server.js';
import { SITES, fairBatchSize, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from './helpers.js';

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
let alignmentId: string;
let batchSize: number;

beforeAll(async () => {
  s = await makeSetup('peer-certs', 1200, 'peer-certs');
  coordinator = await inProcessCoordinator(s);
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site));
  // The honest alignment: certified peer keys pass every node's check.
  const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  alignmentId = aligned.alignmentId;
  batchSize = fairBatchSize(aligned.trainSize);
}, 180_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

/** The coordinator's registry entry for power with one key replaced by one the coordinator holds. */
async function withSwappedKey<T>(key: 'sealing' | 'identity', run: () => Promise<T>): Promise<T> {
  const honest = (await coordinator.registry.get('power'))!;
  const forged: RegisteredNode = key === 'sealing'
    ? { ...honest, sealingPublicKeyHex: Buffer.from(generateX25519KeyPair().publicKey).toString('hex') }
    : { ...honest, identityPublicKeyHex: Buffer.from(generateIdentity().publicKey).toString('hex') };
  await coordinator.registry.db.put('power', forged);
  try {
    return await run();
  } finally {
    await coordinator.registry.db.put('power', honest);
  }
}

describe('peer keys the federation CA does not certify (issue 12)', () => {
  for (const key of ['sealing', 'identity'] as const) {
    it(`a StartTraining giving power the coordinator's own ${key} key is refused by the nodes; nothing is stored`, async () => {
      const err = await withSwappedKey(key, () => runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), {
        alignmentId, epochs: 1, batchSize, learningRate: 0.5, l2: 1e-3, seed: 5, patience: 5,
      }).then(() => undefined, (e: FedcreditError) => e));
      expect(err?.code).toBe('REGISTRATION_NOT_CERTIFIED');
      expect(err?.message).toMatch(/keys the coordinator gives for peer power are not certified by the federation CA \(.*(not signed by the key of the certificate|registration of site power)/);
      for (const site of SITES) expect((await nodes.get(site)!.store.training.keys().all()).length).toBe(0);
      expect(await coordinator.models.list()).toEqual([]);
    }, 120_000);

    it(`an alignment giving power the coordinator's own ${key} key is refused by the nodes; nothing is stored`, async () => {
      const err = await withSwappedKey(key, () => runAlignment(s.coordinatorAddress, s.fed.as('coordinator-operator'), { splitSeed: 'forged' })
        .then(() => undefined, (e: FedcreditError) => e));
      expect(err?.code).toBe('REGISTRATION_NOT_CERTIFIED');
      expect(err?.message).toMatch(/alignment 'aln-[^']+': the keys the coordinator gives for peer power are not certified by the federation CA/);
      for (const site of SITES) expect(await nodes.get(site)!.store.alignments.keys().all()).toEqual([alignmentId]);
    }, 120_000);
  }
});
