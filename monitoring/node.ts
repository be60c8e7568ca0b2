/**
 * The data node's NodeMonitoring service (docs/design/monitoring.md sections 1, 2.2 step 4,
 * 2.4, 5.3): the coordinator stores a portfolio's items at the node (StoreItems:
 * monitoring/node-items.ts), sends a run's batches (Rescore: monitoring/node-rescore.ts) and
 * ends the run (FinishRun: the site's CSI figures as its policy allows); the node's own
 * operator reads the last runs' figures (GetDriftStatus). The node shares its scoring side's
 * consent ledger and log follower (scoring/node.ts): one ledger per store, one reading of the log.
 */
import type { X25519KeyPair } from '../crypto/x25519.js';
import type { ConsentLedger } from '../consent/ledger.js';
import { safeError, unary } from '../lib/grpc.js';
import { serveRequestStream } from '../lib/grpc-streams.js';
import type { LogFollower } from '../log/follower.js';
import type { ServedRecordBook } from '../log/served-book.js';
import type { NodeMonitoringHandlers } from '../proto/gen/fedcredit/v1/NodeMonitoring.js';
import type { TrainingPolicy } from '../site/policy.js';
import type { NodeStore } from '../site/store.js';
import { NodeItems } from './node-items.js';
import { NodeRescore } from './node-rescore.js';
import type { CsiPolicy, SiteCsi } from './run-report.js';

/** Batches of one Rescore stream answered at once (docs/design/monitoring.md 2.2: at most 2 in flight). */
export const RESCORE_IN_FLIGHT = 2;

export interface NodeMonitoringOptions {
  readonly store: NodeStore;
  readonly site: string;
  readonly sealingKeys: X25519KeyPair;
  readonly ledger: ConsentLedger;
  readonly follower: LogFollower | undefined;
  readonly servedRecords: ServedRecordBook;
  readonly trustedRegistrars: readonly string[];
  /** Sent with the first response of every Rescore stream (scoring/site-key-statement.ts). */
  readonly keyStatement: Uint8Array;
  readonly policy?: TrainingPolicy;
  /** The site's `monitoring.shareCsi` policy; default per-feature. */
  readonly csiPolicy?: CsiPolicy;
  readonly log: (line: string) => void;
}

export class NodeMonitoring {
  readonly items: NodeItems;
  readonly rescore: NodeRescore;
  readonly #opts: NodeMonitoringOptions;
  readonly #sweeper: NodeJS.Timeout;

  constructor(opts: NodeMonitoringOptions) {
    this.#opts = opts;
    this.items = new NodeItems(opts);
    this.rescore = new NodeRescore({ ...opts, items: this.items });
    // Stored answers of runs that never finished: deleted at start and then hourly (docs/design/monitoring.md 2.4).
    const sweep = (): void => {
      this.rescore.sweep().then((n) => { if (n > 0) opts.log(`monitoring: deleted ${n} stored answers of runs unfinished for 7 days`); },
        (err: unknown) => opts.log(`monitoring: sweeping stored answers failed: ${(err as Error).message}`));
    };
    setImmediate(sweep);
    this.#sweeper = setInterval(sweep, 3_600_000);
    this.#sweeper.unref();
  }

  close(): void {
    clearInterval(this.#sweeper);
  }

  handlers(): NodeMonitoringHandlers {
    const { log, site } = this.#opts;
    const policy = this.#opts.csiPolicy ?? 'per-feature';
    return {
      StoreItems: (call) => serveRequestStream(call, {
        maxInFlight: 4,
        seqOf: (batch) => Number(batch.seq),
        answer: (batch) => this.items.storeBatch(batch),
        failed: (seq, { code, message }) => ({ seq: String(seq), items: [], failure: { code, message } }),
        log,
      }),
      Rescore: (call) => {
        let statementSent = false;
        serveRequestStream(call, {
          maxInFlight: RESCORE_IN_FLIGHT,
          seqOf: (batch) => batch.batchSeq,
          answer: async (batch) => {
            let res;
            try {
              res = await this.rescore.rescore(batch);
            } catch (err) {
              const { code, message } = safeError(err, log);
              return { runId: batch.runId, batchSeq: batch.batchSeq, site, failure: { code, message } };
            }
            if (statementSent) return res;
            statementSent = true;
            return { ...res, siteKeyStatement: Buffer.from(this.#opts.keyStatement) };
          },
          failed: (seq, { code, message }) => ({ batchSeq: seq, site, failure: { code, message } }),
          log,
        });
      },
      FinishRun: unary(async (req) => wireCsi(await this.rescore.finishRun(req.runId), policy), log),
      GetDriftStatus: unary(async (req) => ({
        site,
        models: (await this.rescore.driftStatus(req.modelVersion || undefined)).map((d) => {
          const r = wireCsi(d.result, policy);
          return { modelVersion: d.model, runId: d.runId, asOf: d.asOf, covered: r.covered, insufficient: r.insufficient, features: r.features };
        }),
      }), log),
    };
  }
}

function wireCsi(r: SiteCsi, policy: CsiPolicy): { site: string; covered: number; insufficient: boolean; features: { feature: string; csi: number; level: string }[]; sharePolicy: string } {
  return {
    site: r.site, covered: r.covered, insufficient: 'insufficient' in r, sharePolicy: policy,
    features: 'features' in r ? r.features.map((f) => ({ feature: f.feature, csi: f.csi, level: f.level })) : [],
  };
}
