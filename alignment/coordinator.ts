/**
 * The coordinator's side of private entity alignment (three-party ECDH-PSI, alignment/psi.ts):
 * it asks the three nodes to join, relays their sealed and signed messages, and only when all
 * three hold the same result (equal alignment digests) logs the job and tells them to commit.
 * Any failure (a node refusing, disconnecting or disagreeing) aborts the job at every node, so
 * no node keeps a half-finished alignment; running it again starts a fresh job. A coordinator
 * killed between logging the job and recording it leaves a durable marker; the restarted one
 * aborts that job at every site (`recover`), so no site keeps an alignment it did not record.
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
import { chooseIdType } from './id-choice.js';
import { describeIdRule, idRuleOf, type IdCase, type IdRule, type IdType } from './ids.js';

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
  /** The id rule the sites aligned on (alignment/ids.ts); absent before issue 14: credit codes. */
  idType?: IdType;
  idCase?: IdCase;
}

/** An alignment past agreement whose outcome this coordinator has not recorded yet (write-ahead). */
interface PendingAlignment {
  readonly ring: string[];
  readonly since: string;
}

export class AlignmentCoordinator {
  readonly #jobs = new Map<string, RunningJob>();

  private constructor(
    readonly db: Level<string, StoredAlignmentSummary>,
    /**
     * Alignments from logging to commit: a coordinator killed there leaves some sites with the
     * job committed and some not, and no summary of its own. On restart (and before each run)
     * such a job is aborted at every site (`recover`), so no site keeps an alignment this
     * coordinator did not record; the job is run again.
     */
    private readonly pending: Level<string, PendingAlignment>,
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
    const pending = new Level<string, PendingAlignment>(path.join(opts.dataDir, 'alignments-pending'), { valueEncoding: 'json' });
    await pending.open();
    const coordinator = new AlignmentCoordinator(db, pending, opts.registry, opts.transparencyLog, opts.relayAddress, opts.log, opts.transport, opts.onRelay);
    void coordinator.recover().catch((err: unknown) => opts.log(`alignment: cannot recover unfinished alignments: ${(err as Error).message}`));
    return coordinator;
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
    await this.recover();
    let asked: IdRule;
    try {
      asked = idRuleOf(req.idType, req.idCase);
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `${(err as Error).message}: pass --id-type credit-code or any, and --id-case keep or fold`);
    }
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
      // One id type for the whole job, checked against what every node holds before any starts work.
      const held = await Promise.all(nodes.map((node) => this.#onNode(node, (client) => call(client, client.DescribeIds, {}, PROBE_DEADLINE_MS))));
      const rule: { type: IdType; idCase: IdCase } = {
        type: chooseIdType(req.idType === '' ? undefined : asked.type, held.map((h) => ({ ...h, idFormat: h.idFormat === 'any' ? 'any' : 'credit-code' }))),
        idCase: 'keep',
      };
      if (rule.type === 'any') rule.idCase = asked.idCase;
      progress({ stage: 'started', message: `aligning on ${describeIdRule(rule)}` });
      const answers = await Promise.all(nodes.map(async (node) => {
        const answer = await this.#onNode(node, (client) => call(client, client.JoinAlignment, {
          alignmentId, ring, validationFraction: fraction, splitSeed, peers, relayAddress: this.relayAddress(), idType: rule.type, idCase: rule.idCase,
        }, JOIN_DEADLINE_MS));
        progress({ stage: 'ready', site: node.site, message: `${node.site} has its result`, bytesRelayed: job.bytesRelayed });
        return answer;
      }));
      const summary = { ...agreedSummary(alignmentId, ring, answers, splitSeed, fraction), idType: rule.type, idCase: rule.idCase };
      await this.pending.put(alignmentId, { ring, since: new Date().toISOString() }, { sync: true });
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
      await this.pending.del(alignmentId, { sync: true });
      this.log(`alignment ${alignmentId}: ${stored.intersectionSize} enterprises, ${stored.seconds.toFixed(1)} s`);
      return stored;
    } catch (err) {
      this.log(`alignment ${alignmentId} failed: ${(err as Error).message}; aborting at every node`);
      const aborted = await Promise.allSettled(nodes.map((node) => this.#onNode(node, (client) => call(client, client.AbortAlignment, { alignmentId }, 5_000))));
      // Aborted everywhere: nothing of it is left to undo. Else `recover` aborts it again later.
      if (aborted.every((a) => a.status === 'fulfilled')) await this.pending.del(alignmentId, { sync: true }).catch((e: unknown) => this.log(`alignment ${alignmentId}: ${(e as Error).message}`));
      const code = err instanceof FedcreditError ? err.code : 'INTERNAL';
      throw new FedcreditError(code, `alignment ${alignmentId} failed, nothing was stored: ${(err as Error).message}.${await this.#whatNext(nodes, code)}`);
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

  /**
   * Aborts at every site each alignment a killed coordinator left between logging and its own
   * record (PendingAlignment), and forgets it once every site has; one a site could not be told
   * of stays pending for the next try. Never touches a job this process is running.
   */
  async recover(): Promise<void> {
    for await (const [id, p] of this.pending.iterator()) {
      if (this.#jobs.has(id)) continue;
      // Recorded, then killed before the marker went: it is whole at every site.
      if ((await this.db.get(id)) !== undefined) {
        await this.pending.del(id, { sync: true });
        continue;
      }
      const outcomes = await Promise.allSettled(p.ring.map(async (site) => {
        const node = await this.registry.get(site);
        if (!node) throw new FedcreditError('NOT_FOUND', `site '${site}' has no registered node`);
        await this.#onNode(node, (client) => call(client, client.AbortAlignment, { alignmentId: id }, 5_000));
      }));
      const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${p.ring[i]}: ${(o.reason as Error).message}`] : []));
      if (failed.length === 0) {
        await this.pending.del(id, { sync: true });
        this.log(`alignment ${id}: left unfinished by an earlier run of this coordinator (since ${p.since}); aborted at every site, run it again`);
      } else {
        this.log(`alignment ${id}: left unfinished by an earlier run; not yet aborted at every site (${failed.join('; ')}), retried before the next alignment`);
      }
    }
  }

  async close(): Promise<void> {
    await this.db.close();
    await this.pending.close();
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

  /**
   * Advice after a failed job. "Run it again once ... up" only when a node was in fact
   * unreachable (it does not answer now, or the failure was one of reaching it); a refusal
   * carries its own advice and rerunning would only repeat it.
   */
  async #whatNext(nodes: readonly RegisteredNode[], code: string): Promise<string> {
    const probes = await Promise.allSettled(nodes.map((node) => this.#probe(node)));
    const down = nodes.filter((_, i) => probes[i]!.status === 'rejected').map((n) => n.site);
    if (down.length > 0) return ` Run it again once ${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} up.`;
    if (code === 'UNAVAILABLE') return ' Run it again once every node is up.';
    if (code === 'INTERNAL') return ' Run it again; if it fails the same way, the nodes\' logs say why.';
    return '';
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
