/**
 * The coordinator's side of private entity alignment (three-party ECDH-PSI, alignment/psi.ts):
 * it asks the three nodes to join, relays their sealed and signed messages, and only when all
 * three hold the same result (equal alignment digests) logs the job and tells them to commit.
 * Any failure (a node refusing, disconnecting or disagreeing) aborts the job at every node, so
 * no node keeps a half-finished alignment; running it again starts a fresh job.
 *
 * What the coordinator learns: the sizes of the relayed payloads (set sizes and the
 * intersection size), never an ID or a blinded value it could open.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { Level } from 'level';
import { dataNodeClient, nodeAlignmentClient } from '../proto/clients.js';
import { FedcreditError } from '../lib/errors.js';
import { call, toServiceError, unary } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import { encodeEntry, makeEntry } from '../log/entries.js';
import type { AlignmentHandlers } from '../proto/gen/fedcredit/v1/Alignment.js';
import type { AlignmentProgress } from '../proto/gen/fedcredit/v1/AlignmentProgress.js';
import type { AlignmentSummary } from '../proto/gen/fedcredit/v1/AlignmentSummary.js';
import type { JoinAlignmentResponse__Output } from '../proto/gen/fedcredit/v1/JoinAlignmentResponse.js';
import type { PsiEnvelope__Output } from '../proto/gen/fedcredit/v1/PsiEnvelope.js';
import type { RunAlignmentRequest__Output } from '../proto/gen/fedcredit/v1/RunAlignmentRequest.js';
import type { CoordinatorLog } from '../log/service.js';
import { peerKeysOf, type NodeRegistry, type RegisteredNode } from '../registration/registry.js';

export const DEFAULT_RING = ['bank', 'tax', 'power'] as const;
const DEFAULT_VALIDATION_FRACTION = 0.2;
/** A whole alignment of a million IDs per site takes minutes on two cores; allow for it. */
const JOIN_DEADLINE_MS = 30 * 60_000;
/** How long a node may take to answer Health before an alignment starts without it. */
const PROBE_DEADLINE_MS = 3_000;

interface RunningJob {
  ring: string[];
  bytesRelayed: number;
  progress: (p: AlignmentProgress) => void;
}

export interface StoredAlignmentSummary {
  alignmentId: string;
  ring: string[];
  setSizes: { site: string; size: number }[];
  intersectionSize: number;
  trainSize: number;
  validationSize: number;
  splitSeed: string;
  validationFraction: number;
  alignmentDigest: string;
  logIndex: number;
  seconds: number;
  bytesRelayed: number;
  createdAtMs: number;
}

export class AlignmentCoordinator {
  readonly #jobs = new Map<string, RunningJob>();

  private constructor(
    readonly db: Level<string, StoredAlignmentSummary>,
    private readonly registry: NodeRegistry,
    private readonly transparencyLog: CoordinatorLog,
    /** The coordinator's address as nodes dial it, for relaying. */
    private readonly relayAddress: () => string,
    private readonly log: (line: string) => void,
    private readonly transport: Transport,
    private readonly onRelay?: (env: PsiEnvelope__Output) => void,
  ) {}

  static async open(opts: {
    dataDir: string; registry: NodeRegistry; transparencyLog: CoordinatorLog; relayAddress: () => string; log: (line: string) => void;
    transport: Transport; onRelay?: (env: PsiEnvelope__Output) => void;
  }): Promise<AlignmentCoordinator> {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const db = new Level<string, StoredAlignmentSummary>(path.join(opts.dataDir, 'alignments'), { valueEncoding: 'json' });
    await db.open();
    return new AlignmentCoordinator(db, opts.registry, opts.transparencyLog, opts.relayAddress, opts.log, opts.transport, opts.onRelay);
  }

  handlers(): AlignmentHandlers {
    return {
      RunAlignment: (stream: grpc.ServerWritableStream<RunAlignmentRequest__Output, AlignmentProgress>) => {
        this.run(stream.request, (p) => stream.write(p)).then(
          (summary) => {
            stream.write({ stage: 'done', message: `aligned ${summary.intersectionSize} enterprises`, result: toSummaryMessage(summary) });
            stream.end();
          },
          (err: unknown) => stream.emit('error', toServiceError(err, this.log)),
        );
      },
      RelayPsiMessage: unary(async (env) => {
        await this.relay(env);
        return {};
      }, this.log),
      ListAlignments: unary(async () => ({ alignments: (await this.db.values().all()).map(toSummaryMessage) }), this.log),
    };
  }

  async run(req: RunAlignmentRequest__Output, progress: (p: AlignmentProgress) => void): Promise<StoredAlignmentSummary> {
    const started = performance.now();
    const ring = req.sites.length > 0 ? [...req.sites] : [...DEFAULT_RING];
    if (ring.length !== 3 || new Set(ring).size !== 3) throw new FedcreditError('BAD_REQUEST', `alignment needs three distinct sites, got ${ring.join(', ') || 'none'}`);
    const fraction = req.validationFraction || DEFAULT_VALIDATION_FRACTION;
    if (!(fraction >= 0 && fraction <= 0.9)) throw new FedcreditError('BAD_REQUEST', `validation fraction must be in [0, 0.9], got ${fraction}`);
    const nodes = await Promise.all(ring.map(async (site) => {
      const node = await this.registry.get(site);
      if (!node) throw new FedcreditError('NOT_FOUND', `site '${site}' has no registered node; start it with --coordinator`);
      this.registry.requireNoKeyConflict(site);
      if (!node.sealingPublicKeyHex) throw new FedcreditError('BAD_REQUEST', `node '${site}' registered without a sealing key; restart it`);
      return node;
    }));
    const alignmentId = `aln-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const splitSeed = req.splitSeed || randomBytes(16).toString('hex');
    const job: RunningJob = { ring, bytesRelayed: 0, progress };
    this.#jobs.set(alignmentId, job);
    progress({ stage: 'started', message: `alignment ${alignmentId} over ${ring.join(', ')}` });
    this.log(`alignment ${alignmentId}: started over ${ring.join(', ')}`);
    try {
      const peers = nodes.map(peerKeysOf);
      // A node that is down or cut off fails the job in seconds, before any site starts work,
      // instead of after the long join deadline's connection attempts.
      await Promise.all(nodes.map((node) => this.#probe(node)));
      const answers = await Promise.all(nodes.map(async (node) => {
        const answer = await this.#onNode(node, (client) => call(client, client.JoinAlignment, {
          alignmentId, ring, validationFraction: fraction, splitSeed, peers, relayAddress: this.relayAddress(),
        }, JOIN_DEADLINE_MS));
        progress({ stage: 'ready', site: node.site, message: `${node.site} has its result`, bytesRelayed: job.bytesRelayed });
        return answer;
      }));
      const summary = agreedSummary(alignmentId, ring, answers, splitSeed, fraction);
      const entry = makeEntry('alignment-job', { jobId: alignmentId, requester: 'operator', sites: ring, purpose: 'entity alignment', time: Date.now() });
      const { index } = await this.transparencyLog.append(entry);
      await Promise.all(nodes.map((node) => this.#onNode(node, (client) => call(client, client.CommitAlignment, {
        alignmentId, logIndex: index, entry: Buffer.from(encodeEntry(entry)),
      }))));
      progress({ stage: 'committed', message: `stored at all three sites, log entry ${index}` });
      const stored: StoredAlignmentSummary = {
        ...summary, logIndex: index, seconds: (performance.now() - started) / 1000, bytesRelayed: job.bytesRelayed, createdAtMs: Date.now(),
      };
      await this.db.batch().put(alignmentId, stored).write({ sync: true });
      this.log(`alignment ${alignmentId}: ${stored.intersectionSize} enterprises, ${stored.seconds.toFixed(1)} s`);
      return stored;
    } catch (err) {
      this.log(`alignment ${alignmentId} failed: ${(err as Error).message}; aborting at every node`);
      await Promise.allSettled(nodes.map((node) => this.#onNode(node, (client) => call(client, client.AbortAlignment, { alignmentId }, 5_000))));
      throw new FedcreditError(
        err instanceof FedcreditError ? err.code : 'INTERNAL',
        `alignment ${alignmentId} failed, nothing was stored: ${(err as Error).message}. Run it again once every node is up.`,
      );
    } finally {
      this.#jobs.delete(alignmentId);
    }
  }

  async relay(env: PsiEnvelope__Output): Promise<void> {
    const job = this.#jobs.get(env.session);
    if (!job) throw new FedcreditError('NOT_FOUND', `no running alignment '${env.session.slice(0, 70)}'`);
    if (!job.ring.includes(env.from) || !job.ring.includes(env.to) || env.from === env.to) {
      throw new FedcreditError('BAD_REQUEST', `alignment ${env.session}: cannot relay from '${env.from}' to '${env.to}'`);
    }
    const node = await this.registry.get(env.to);
    if (!node) throw new FedcreditError('NOT_FOUND', `site '${env.to}' is not registered`);
    job.bytesRelayed += env.payload.length;
    this.onRelay?.(env);
    // The coordinator learns lengths only: the payload is sealed to the recipient.
    job.progress({ stage: 'relayed', site: env.from, message: `${env.kind} ${env.from} -> ${env.to}`, bytesRelayed: job.bytesRelayed });
    await this.#onNode(node, (client) => call(client, client.DeliverPsiMessage, env, 10 * 60_000));
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async #probe(node: RegisteredNode): Promise<void> {
    const client = dataNodeClient(node.address, this.transport, node.site);
    try {
      await call(client, client.Health, {}, PROBE_DEADLINE_MS);
    } catch (err) {
      throw new FedcreditError('UNAVAILABLE', `${node.site} at ${node.address} does not answer (${(err as Error).message})`);
    } finally {
      client.close();
    }
  }

  async #onNode<T>(node: RegisteredNode, body: (client: ReturnType<typeof nodeAlignmentClient>) => Promise<T>): Promise<T> {
    // The node must present its registered site's certificate, not merely any federation one.
    const client = nodeAlignmentClient(node.address, this.transport, node.site);
    try {
      return await body(client);
    } catch (err) {
      if (err instanceof FedcreditError) throw new FedcreditError(err.code, `${node.site}: ${err.message}`);
      throw err;
    } finally {
      client.close();
    }
  }
}

/** All three sites must report the same intersection (digest and sizes), or nobody commits. */
function agreedSummary(
  alignmentId: string, ring: string[], answers: JoinAlignmentResponse__Output[], splitSeed: string, fraction: number,
): Omit<StoredAlignmentSummary, 'logIndex' | 'seconds' | 'bytesRelayed' | 'createdAtMs'> {
  const [first] = answers;
  for (const a of answers) {
    if (a.alignmentDigest !== first!.alignmentDigest || a.intersectionSize !== first!.intersectionSize) {
      throw new FedcreditError('INTERNAL', `sites disagree on the intersection (${answers.map((x) => `${x.site}: ${x.intersectionSize}`).join(', ')})`);
    }
  }
  return {
    alignmentId,
    ring,
    setSizes: first!.setSizes.map((s) => ({ site: s.site, size: Number(s.size) })),
    intersectionSize: Number(first!.intersectionSize),
    trainSize: Number(first!.trainSize),
    validationSize: Number(first!.validationSize),
    splitSeed,
    validationFraction: fraction,
    alignmentDigest: first!.alignmentDigest,
  };
}

function toSummaryMessage(s: StoredAlignmentSummary): AlignmentSummary {
  return {
    ...s,
    intersectionSize: s.intersectionSize,
    logIndex: s.logIndex,
    createdAtMs: String(s.createdAtMs),
  };
}
