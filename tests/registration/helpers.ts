/**
 * A federation of real processes (coordinator and three nodes, mutual TLS) for the identity
 * lifecycle tests, with the CLI calls an operator makes: `coordinator nodes`, `node
 * rotate-identity`, `coordinator remove-node`, `node status`.
 */
import path from 'node:path';
import { runAlignment } from '../../alignment/client.js';
import { runTraining } from '../../training/client.js';
import { runCli, type CliResult } from '../log/federation-helpers.js';
import { coordinatorClient, dataNodeClient } from '../../proto/clients.js';
import { call } from '../../lib/grpc.js';
import { keyFingerprint } from '../../registration/rotation.js';
import { fairBatchSize, type Setup } from '../training-transport/helpers.js';

export { runCli, type CliResult };

export interface ListedNode {
  site: string;
  address: string;
  health: string;
  identityKey: string;
  keyFingerprint: string;
  lastError: string | null;
}

/** `fedcredit coordinator nodes --json`, as the coordinator's operator (a CLI process: seconds on a loaded machine). */
export async function listNodesCli(s: Setup): Promise<ListedNode[]> {
  const r = await runCli(['coordinator', 'nodes', '--coordinator', s.coordinatorAddress, '--json', ...s.fed.tls('coordinator-operator')]);
  if (r.code !== 0) throw new Error(`coordinator nodes failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ListedNode[];
}

/** What `coordinator nodes` lists, over the same RPC in this process (for polling). */
export async function listNodes(s: Setup): Promise<ListedNode[]> {
  const client = coordinatorClient(s.coordinatorAddress, s.fed.as('coordinator-operator'));
  try {
    const { nodes } = await call(client, client.ListNodes, {});
    return nodes.map((n) => ({
      site: n.site, address: n.address, health: n.health, identityKey: Buffer.from(n.identityPublicKey).toString('hex'),
      keyFingerprint: keyFingerprint(n.identityPublicKey), lastError: n.lastError || null,
    }));
  } finally {
    client.close();
  }
}

/** A node's Health, as its operator's `node status` asks it. */
export async function nodeHealth(s: Setup, site: string, address: string): Promise<{ status: string; detail: string }> {
  const client = dataNodeClient(address, s.fed.as(`${site}-operator`), site);
  try {
    const res = await call(client, client.Health, {});
    return { status: res.status, detail: res.detail };
  } finally {
    client.close();
  }
}

/** Polls `coordinator nodes` until `ok` holds for the listing (or fails with the last listing). */
export async function waitForNodes(s: Setup, ok: (nodes: ListedNode[]) => boolean, timeoutMs = 60_000): Promise<ListedNode[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const nodes = await listNodes(s);
    if (ok(nodes)) return nodes;
    if (Date.now() > until) throw new Error(`coordinator nodes did not reach the expected state within ${timeoutMs} ms: ${JSON.stringify(nodes, null, 2)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A fresh alignment and a one-epoch LR job on it (batch sizes the minimum batch rule accepts); returns the model version. */
export async function alignAndTrain(s: Setup, seed: string): Promise<{ alignmentId: string; modelVersion: string }> {
  const a = await runAlignment(s.coordinatorAddress, s.fed.as('coordinator-operator'), { splitSeed: seed });
  const batchSize = fairBatchSize(Number(a.trainSize), 64);
  const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), {
    alignmentId: a.alignmentId, epochs: 1, batchSize, learningRate: 0.5, l2: 1e-3, seed: 3, patience: 3,
  });
  return { alignmentId: a.alignmentId, modelVersion: model.modelVersion };
}

export const nodeDir = (s: Setup, site: string): string => path.join(s.dir, `node-${site}`);
