/**
 * Fault injection for alignment (issue 20): kill -9 the coordinator, and in another run a node,
 * in the middle of an alignment (ECDH-PSI relayed by the coordinator, then logged and committed
 * at every site), several times per run at seeded random points (printed; replay with
 * FEDCREDIT_FAULT_SEED), under CPU load from a busy process per core.
 *
 * Kill points: half the time a seeded random progress message of the alignment's stream (started,
 * each relayed PSI message, each site ready, committed), counted against an uninterrupted run,
 * then 0-100 ms more; else the third site's 'ready' and 0-40 ms more: the window where the
 * coordinator logs the job and tells the sites to commit, which a uniform draw seldom hits. After each kill and restart the alignment is run again with the same split seed and must
 * give the same intersection: the same sizes, and, read from each site's own store at the end,
 * the same enterprises in the same order and split as the uninterrupted run. An attempt that was
 * cut off fails with a stable code, and leaves no half state: every alignment a site keeps is
 * one the coordinator recorded (so none half-committed), and a model trains on the last one.
 * FEDCREDIT_FAULT_KILLS sets the kills per run (default 4).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAlignment } from '../../alignment/client.js';
import { runTraining } from '../../training/client.js';
import { coordinatorAlignmentClient } from '../../proto/clients.js';
import { FedcreditError } from '../../lib/errors.js';
import { call } from '../../lib/grpc.js';
import { RECORD_KINDS, type Site } from '../../schema/site-schema.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { NodeStore } from '../../site/store.js';
import { uploadFile } from '../../node/upload.js';
import { SITES, fairBatchSize, makeSetup, spawnCoordinator, spawnNode, waitForLog, type Setup } from '../training-transport/helpers.js';
import type { AlignmentSummary__Output } from '../../proto/gen/fedcredit/v1/AlignmentSummary.js';
import { kill9, loadCpus, rng, unloadCpus } from './fault-helpers.js';

const SEED = Number(process.env['FEDCREDIT_FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const KILLS = Number(process.env['FEDCREDIT_FAULT_KILLS'] ?? 4);
const SPLIT_SEED = 'align-kill';
const FILES: Record<Site, (keyof typeof RECORD_KINDS)[]> = { tax: ['tax_rating', 'vat_filing'], power: ['power_bill'], bank: ['loan', 'repayment'] };

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let reference: AlignmentSummary__Output;
/** Progress messages of an uninterrupted alignment: the range kill points are drawn from. */
let referenceEvents = 0;
let last: AlignmentSummary__Output;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** An alignment that neither ends nor fails hangs the file to its timeout; say which one instead. */
const ENDS_WITHIN_MS = 150_000;

async function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} neither ended nor failed within ${ENDS_WITHIN_MS / 1000} s (seed ${SEED})`)), ENDS_WITHIN_MS);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function startNode(site: Site): Promise<SpawnedParty> {
  const node = await spawnNode(s, site);
  await waitForLog(node, /registered with coordinator/, 90_000);
  return node;
}

/** The alignment, with its progress messages counted into `seen`. */
function align(seen: { n: number; ready: number }): Promise<AlignmentSummary__Output> {
  return runAlignment(s.coordinatorAddress, s.fed.as('coordinator-operator'), { splitSeed: SPLIT_SEED }, (p) => {
    seen.n++;
    if (p.stage === 'ready') seen.ready++;
  });
}

function sameIntersection(a: AlignmentSummary__Output): void {
  expect({ intersection: Number(a.intersectionSize), train: Number(a.trainSize), validation: Number(a.validationSize) })
    .toEqual({ intersection: Number(reference.intersectionSize), train: Number(reference.trainSize), validation: Number(reference.validationSize) });
}

async function coordinatorAlignments(): Promise<string[]> {
  const client = coordinatorAlignmentClient(s.coordinatorAddress, s.fed.as('coordinator-operator'));
  try {
    return (await call(client, client.ListAlignments, {})).alignments.map((a) => a.alignmentId).sort();
  } finally {
    client.close();
  }
}

/**
 * `KILLS` alignments, each cut off by killing the victim at a seeded random progress message;
 * after each restart the alignment runs again and gives the reference intersection.
 */
async function killRuns(run: string, next: () => number, victim: () => Site | 'coordinator'): Promise<void> {
  for (let k = 0; k < KILLS; k++) {
    const who = victim();
    const atCommit = next() < 0.5;
    const at = 1 + Math.floor(next() * referenceEvents);
    const delay = Math.floor(next() * (atCommit ? 40 : 100));
    const seen = { n: 0, ready: 0 };
    const attempt = align(seen).then((a) => ({ a, err: undefined }), (err: unknown) => ({ a: undefined, err }));
    let ended = false;
    void attempt.then(() => { ended = true; });
    const reached = () => (atCommit ? seen.ready >= 3 : seen.n >= at);
    for (const until = Date.now() + 120_000; !reached() && !ended;) {
      if (Date.now() > until) throw new Error(`${run} kill ${k + 1}: the alignment sent ${seen.n} progress messages (${seen.ready} ready) in 120 s, waiting for ${atCommit ? 'the third ready' : at}`);
      await sleep(5);
    }
    await sleep(delay);
    await kill9(who === 'coordinator' ? coordinator : nodes.get(who)!);
    const { a, err } = await within(attempt, `${run} kill ${k + 1} (${who}): the cut-off alignment`);
    console.log(`${run} kill ${k + 1}: ${who}, ${delay} ms after ${atCommit ? 'the third site\'s ready (logging and commit)' : `progress message ${at} of ~${referenceEvents}`}: ` +
      (a ? `the alignment had finished (${a.alignmentId})` : `failed ${err instanceof FedcreditError ? err.code : ''}: ${(err as Error).message.slice(0, 200)}`));
    if (a) sameIntersection(a);
    else {
      expect(err, String(err)).toBeInstanceOf(FedcreditError);
      expect(['UNAVAILABLE', 'CANCELLED', 'NOT_FOUND', 'INTERNAL', 'BAD_REQUEST'], (err as Error).message).toContain((err as FedcreditError).code);
    }
    if (who === 'coordinator') coordinator = await spawnCoordinator(s);
    else nodes.set(who, await startNode(who));
    last = await within(align({ n: 0, ready: 0 }), `${run} kill ${k + 1} (${who}): the re-run after the restart`);
    sameIntersection(last);
  }
}

beforeAll(async () => {
  console.log(`alignment fault injection: seed ${SEED}, ${KILLS} kills per run (replay with FEDCREDIT_FAULT_SEED=${SEED})`);
  s = await makeSetup('align-kill', 1500, 'align-kill');
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await startNode(site));
  await Promise.all(SITES.map(async (site) => {
    for (const [i, kind] of FILES[site].entries()) {
      await uploadFile(nodes.get(site)!.address, s.fed.as(`${site}-operator`), path.join(s.dir, 'sites', site, RECORD_KINDS[kind].fileName),
        { skipFeatures: i < FILES[site].length - 1 }, site);
    }
  }));
  const seen = { n: 0, ready: 0 };
  reference = await align(seen);
  referenceEvents = seen.n;
  console.log(`reference alignment ${reference.alignmentId}: ${reference.intersectionSize} enterprises, ${referenceEvents} progress messages`);
}, 300_000);

afterAll(async () => {
  unloadCpus();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('alignment under kill -9 at random points, CPU loaded', () => {
  it(`the coordinator killed ${KILLS} times mid-alignment: each re-run gives the same intersection`, async () => {
    loadCpus();
    try {
      await killRuns('coordinator', rng(SEED), () => 'coordinator');
    } finally {
      unloadCpus();
    }
  }, 600_000);

  it(`a node killed ${KILLS} times mid-alignment: each re-run gives the same intersection`, async () => {
    const next = rng(SEED ^ 0x5bd1e995);
    loadCpus();
    try {
      await killRuns('node', next, () => SITES[Math.floor(next() * SITES.length)]!);
    } finally {
      unloadCpus();
    }
  }, 600_000);

  it('no half state: every alignment a site keeps is one the coordinator recorded, a model trains on the last, and its enterprises are the uninterrupted run\'s', async () => {
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), {
      alignmentId: last.alignmentId, epochs: 1, batchSize: fairBatchSize(Number(last.trainSize)), learningRate: 0.5, l2: 1e-3, seed: 3, patience: 2,
    });
    expect(model.alignmentId).toBe(last.alignmentId);
    const recorded = await coordinatorAlignments();
    await Promise.all([coordinator, ...nodes.values()].map((p) => p.stop()));
    for (const site of SITES) {
      const store = await NodeStore.open(path.join(s.dir, `node-${site}`), site);
      try {
        const kept = new Map<string, { ids: string[]; train: string[]; validation: string[] }>();
        for await (const [id, a] of store.alignments.iterator()) kept.set(id, a);
        expect([...kept.keys()].sort(), `${site}'s alignments`).toEqual(recorded);
        const [ref, again] = [kept.get(reference.alignmentId)!, kept.get(last.alignmentId)!];
        expect({ ids: [...again.ids].sort(), train: again.train, validation: again.validation }, site)
          .toEqual({ ids: [...ref.ids].sort(), train: ref.train, validation: ref.validation });
      } finally {
        await store.close();
      }
    }
  }, 300_000);
});
