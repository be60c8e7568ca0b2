/**
 * What a data node reports to its operator (issue 17): a log line per served request (who,
 * which log entry) and the node's Prometheus gauges. Labels are record kinds, table counts
 * and log entry kinds from the schema and the log format; never an enterprise id, a
 * requester key or a value.
 */
import type { Counter } from 'prom-client';
import type { PartyOps } from '../lib/party-ops.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import { ServedRecordBook, type ServedRequest } from '../log/served-book.js';
import type { ServedRecord } from '../log/served-record.js';
import type { WitnessLoop } from '../log/witness-loop.js';
import type { NodeStore } from '../site/store.js';
import type { RegistrationStatus } from './registration.js';
import type { StoredDrift } from '../monitoring/node-rescore.js';

/** The served book, saying in the node's log whom it answered and under which log entry. */
export class LoggedServedBook extends ServedRecordBook {
  readonly #log: (line: string) => void;
  readonly #served: Counter<'kind'>;

  constructor(store: NodeStore, site: string, identity: { sign(message: Uint8Array): Uint8Array }, log: (line: string) => void, served: Counter<'kind'>) {
    super(store, site, identity);
    this.#log = log;
    this.#served = served;
  }

  override async record(req: ServedRequest): Promise<ServedRecord> {
    const record = await super.record(req);
    this.#served.inc({ kind: req.entry.kind });
    this.#log(`served ${req.entry.kind} to ${req.requester} (log entry ${req.logIndex})`);
    return record;
  }
}

export interface NodeGaugeSources {
  store: NodeStore;
  writes: SerialQueue;
  witness: () => WitnessLoop | undefined;
  registration: () => RegistrationStatus | undefined;
  /** The last finished monitoring run's drift figures per model (monitoring/node-rescore.ts driftStatus). */
  drift?: () => Promise<readonly StoredDrift[]>;
}

export function addNodeGauges(ops: PartyOps, src: NodeGaugeSources): void {
  ops.gauge('fedcredit_ingest_queue_depth', 'Uploads and feature rebuilds waiting or running at this node', () => src.writes.depth);
  ops.gauge('fedcredit_ingests', 'Files this node has stored (ingest counts)', async () => (await src.store.listIngests()).length);
  ops.gauge('fedcredit_store_records', 'Records held, by record kind', async () => {
    const counts = (await src.store.getMeta()).counts ?? {};
    return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, Number(n)]));
  }, 'kind');
  ops.gauge('fedcredit_store_enterprises', 'Enterprises with a feature vector', async () => (await src.store.getMeta()).enterprises ?? 0);
  ops.gauge('fedcredit_registered', '1 when the coordinator accepted this node\'s registration (or it runs stand-alone)', () => {
    const r = src.registration();
    return r === undefined || r.state === 'REGISTERED' ? 1 : 0;
  });
  ops.gauge('fedcredit_witness_cosigned_log_size', 'Entries in the last checkpoint this node\'s witness cosigned', () => src.witness()?.cosigned()?.size ?? 0);
  ops.gauge('fedcredit_witness_lag_seconds', 'Seconds since the witness last completed a round against the coordinator\'s log (-1: never)', () => {
    const last = src.witness()?.lastGoodRoundMs;
    return last === undefined ? -1 : (Date.now() - last) / 1000;
  });
  const drift = src.drift;
  if (drift) {
    // Per model, the newest finished run's figures at this site: the largest CSI of its features
    // and how many are at the alarm level (docs/design/monitoring.md 5.3). Model versions only as
    // labels, never an enterprise or a portfolio.
    const latest = async () => {
      const byModel = new Map<string, StoredDrift>();
      for (const d of await drift()) if (!byModel.has(d.model)) byModel.set(d.model, d);
      return [...byModel.values()].flatMap((d) => ('features' in d.result ? [{ model: d.model, features: d.result.features }] : []));
    };
    ops.gauge('fedcredit_monitoring_csi_max', 'Largest characteristic stability index of this site\'s features in the last monitoring run, by model', async () => Object.fromEntries((await latest()).map((d) => [d.model, Math.max(0, ...d.features.map((f) => f.csi))])), 'model');
    ops.gauge('fedcredit_monitoring_csi_alarms', 'Features of this site at the alarm level (CSI >= 0.25) in the last monitoring run, by model', async () => Object.fromEntries((await latest()).map((d) => [d.model, d.features.filter((f) => f.level === 'alarm').length])), 'model');
  }
  ops.gauge('fedcredit_witness_alarms', '1 while the witness holds an alarm (SPLIT_VIEW, LOG_KEY_CHANGED, ...)', () => (src.witness()?.hasAlarm ? 1 : 0));
}
