/**
 * The DataNode gRPC service (proto/fedcredit/v1/node.proto): health, catalogue, record counts,
 * operator uploads and the operator's status view (with the upload under way). Every answer is
 * metadata or an aggregate count; no handler returns a record or a feature value.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { FedcreditError } from '../lib/errors.js';
import { toServiceError, unary } from '../lib/grpc.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import type { DataNodeHandlers } from '../proto/gen/fedcredit/v1/DataNode.js';
import type { IngestChunk__Output } from '../proto/gen/fedcredit/v1/IngestChunk.js';
import type { IngestReport as IngestReportMessage } from '../proto/gen/fedcredit/v1/IngestReport.js';
import { ingestFile } from './ingest.js';
import { type IngestProgress, type IngestReport } from './ingest-report.js';
import type { NodeOperatorStatus } from '../proto/gen/fedcredit/v1/NodeOperatorStatus.js';
import type { NodeStore } from '../site/store.js';
import { DEFAULT_POLICY, type TrainingPolicy } from '../site/policy.js';
import { listIngestsPage, listTables, policyView } from './operator-lists.js';

/** Ingests the operator's status lists (the newest); the count says how many there were. */
const STATUS_INGESTS = 20;

/** The upload being received or ingested now, for GetNodeStatus (uploads run one at a time: ctx.writes). */
const currentIngest = new WeakMap<NodeServiceContext, IngestProgress>();

/** Largest upload a node accepts through IngestFile. */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

export interface NodeServiceContext {
  store: NodeStore;
  site: string;
  version: string;
  identityPublicKey: Uint8Array;
  startedAt: number;
  /** Serializes writes to the store (ingests, feature rebuilds). */
  writes: SerialQueue;
  log: (line: string) => void;
  /** 'SERVING', or 'ALARM' once the node's log witness refused the coordinator's checkpoint. */
  healthStatus?: () => string;
  /** Why the status is not SERVING and what to do (the coordinator's refusal of the registration). */
  healthDetail?: () => string;
  /** The local policy the node runs with (read once at start), for GetPolicy. */
  policy?: TrainingPolicy;
}

export function toReportMessage(r: IngestReport): IngestReportMessage {
  return {
    fileName: r.fileName,
    kind: r.kind,
    rows: r.rows,
    committed: r.committed,
    problems: r.problems,
    problemCount: r.problemCount,
    sha256: r.sha256,
    seconds: r.seconds,
    enterprises: r.enterprises,
    featuresPerEnterprise: r.featuresPerEnterprise,
  };
}

export function dataNodeHandlers(ctx: NodeServiceContext): DataNodeHandlers {
  const { store, log } = ctx;
  return {
    Health: unary(async () => {
      const meta = await store.getMeta();
      return {
        status: ctx.healthStatus?.() ?? 'SERVING',
        role: ctx.site,
        version: ctx.version,
        identityPublicKey: Buffer.from(ctx.identityPublicKey),
        uptimeSeconds: (Date.now() - ctx.startedAt) / 1000,
        detail: ctx.healthDetail?.() ?? '',
        // What the coordinator's ingest trigger watches (docs/design/monitoring.md 2.1).
        featuresEpoch: String(meta.featuresEpoch ?? 0),
        asOf: meta.asOf ?? '',
      };
    }, log),

    GetCatalogue: unary(async () => {
      const meta = await store.getMeta();
      return {
        site: ctx.site,
        source: meta.source ?? '',
        features: meta.catalogue ?? [],
        asOf: meta.asOf ?? '',
        hasLabels: meta.hasLabels ?? false,
      };
    }, log),

    GetRecordCounts: unary(async () => {
      const meta = await store.getMeta();
      return {
        site: ctx.site,
        records: Object.entries(meta.counts ?? {}).map(([kind, count]) => ({ kind, count })),
        enterprises: meta.enterprises ?? 0,
        featuresPerEnterprise: meta.catalogue?.length ?? 0,
      };
    }, log),

    GetNodeStatus: unary(async () => operatorStatus(ctx), log),

    ListTables: unary(async () => listTables(store), log),
    ListIngests: unary(async (req) => listIngestsPage(store, req.pageToken, req.pageSize), log),
    GetPolicy: unary(async () => policyView(ctx.policy ?? DEFAULT_POLICY, ctx.startedAt), log),

    IngestFile: (call: grpc.ServerReadableStream<IngestChunk__Output, IngestReportMessage>, callback) => {
      receiveUpload(ctx, call).then(
        (report) => callback(null, toReportMessage(report)),
        (err: unknown) => callback(toServiceError(err, log)),
      );
    },
  };
}

async function operatorStatus(ctx: NodeServiceContext): Promise<NodeOperatorStatus> {
  const meta = await ctx.store.getMeta();
  const ingests = await ctx.store.listIngests();
  const running = currentIngest.get(ctx);
  return {
    site: ctx.site,
    source: meta.source ?? '',
    asOf: meta.asOf ?? '',
    enterprises: meta.enterprises ?? 0,
    hasLabels: meta.hasLabels ?? false,
    records: Object.entries(meta.counts ?? {}).map(([kind, count]) => ({ kind, count })),
    catalogue: (meta.catalogue ?? []).map(({ missingRate, type: _type, ...feature }) => ({
      feature, hasMissingRate: missingRate !== undefined, missingRate: missingRate ?? 0,
    })),
    tables: Object.entries(meta.activeTables ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, version]) => ({ name, version })),
    ingests: ingests.slice(-STATUS_INGESTS),
    ingestCount: ingests.length,
    ...(running ? { ingest: { ...running } } : {}),
  };
}

/** Spool the streamed file into the node's data folder, ingest it, and always remove the spool. */
async function receiveUpload(
  ctx: NodeServiceContext,
  call: grpc.ServerReadableStream<IngestChunk__Output, IngestReportMessage>,
): Promise<IngestReport> {
  const spoolDir = path.join(ctx.store.dataDir, 'incoming');
  fs.mkdirSync(spoolDir, { recursive: true, mode: 0o700 });
  const spool = path.join(spoolDir, `${Date.now()}-${randomBytes(6).toString('hex')}.csv`);
  const out = fs.createWriteStream(spool, { mode: 0o600 });
  const progress: IngestProgress = { fileName: '', stage: 'receiving', rows: 0, bytesDone: 0, bytesTotal: 0, startedMs: Date.now() };
  try {
    let options: IngestChunk__Output['options'] = null;
    let bytes = 0;
    for await (const chunk of call as AsyncIterable<IngestChunk__Output>) {
      if (chunk.options && !options) {
        options = chunk.options;
        progress.fileName = path.basename(options.fileName || 'upload.csv');
        progress.bytesTotal = Number(options.size) || 0;
        // Uploads queue behind each other (ctx.writes); the status shows the newest one received.
        currentIngest.set(ctx, progress);
      }
      bytes += chunk.data.length;
      progress.bytesDone = bytes;
      if (bytes > MAX_UPLOAD_BYTES) throw new FedcreditError('BAD_REQUEST', `upload is larger than ${MAX_UPLOAD_BYTES} bytes; split the file`);
      if (!out.write(chunk.data)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (!options) throw new FedcreditError('BAD_REQUEST', 'the first chunk of an upload must carry the ingest options');
    const fileName = path.basename(options.fileName || 'upload.csv');
    if (options.idFormat !== '' && options.idFormat !== 'credit-code' && options.idFormat !== 'any') {
      throw new FedcreditError('BAD_REQUEST', `id format '${options.idFormat}' is not 'credit-code' or 'any'`);
    }
    const opts = options;
    return await ctx.writes.run(async () => {
      currentIngest.set(ctx, progress);
      Object.assign(progress, { bytesTotal: bytes, bytesDone: 0 });
      const report = await ingestFile(ctx.store, spool, {
        fileName,
        progress,
        ...(opts.kind ? { kind: opts.kind } : {}),
        ...(opts.idColumn ? { idColumn: opts.idColumn } : {}),
        ...(opts.labelColumn ? { labelColumn: opts.labelColumn } : {}),
        ...(opts.idFormat ? { idFormat: opts.idFormat as 'credit-code' | 'any' } : {}),
        skipFeatures: opts.skipFeatures,
        ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
        ...(opts.encoding ? { encoding: opts.encoding } : {}),
        categorical: opts.categorical,
        integer: opts.integer,
        ...(opts.table ? { table: opts.table } : {}),
      });
      // Counts and timings only: the operator's log never shows a record.
      ctx.log(`ingested ${report.fileName}: ${report.rows} ${report.kind} rows in ${report.seconds.toFixed(2)} s`);
      return report;
    });
  } finally {
    if (currentIngest.get(ctx) === progress) currentIngest.delete(ctx);
    out.destroy();
    fs.rmSync(spool, { force: true });
  }
}
