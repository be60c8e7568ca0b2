/**
 * The site operator's view of its node (issue 17, "every party's own view"):
 * - `fedcredit node status` — what the node holds: counts, catalogue, tables and versions,
 *   ingests, alarms and witness state. From the store when the node is stopped (`--data`); from
 *   the running node over gRPC with the operator's certificate (`--node`, or `--data` of a
 *   running node) through DataNode.GetNodeStatus, NodeAudit.GetWitnessStatus and Health.
 * - `fedcredit node served` — whom the node answered: its signed served records
 *   (NodeAudit.GetServedRecords, log/served-book.ts), filtered by requester, enterprise, kind
 *   and time, as a table or JSON.
 * Names, counts and metadata only: no handler behind these returns a record or a value.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, runCommand } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';
import { call } from '../lib/grpc.js';
import { longsAsNumbers } from '../lib/json-numbers.js';
import { resolveTransport, withTransportOptions, type Transport, type TransportFlags } from '../lib/tls.js';
import { dataNodeClient, nodeAuditClient } from '../proto/clients.js';
import { storedAlarms } from '../log/witness-loop.js';
import { verifyServedRecords, type AnyServedRecord } from '../log/served-record.js';
import { NodeStore } from '../site/store.js';
import { formatRate } from './table-columns.js';
import type { NodeRuntimeInfo } from './server.js';
import type { NodeOperatorStatus__Output } from '../proto/gen/fedcredit/v1/NodeOperatorStatus.js';
import { formatBytes, parseTimeFlag, timeWindow } from '../lib/cli-format.js';

interface CatalogueLine { name: string; meaning: string; unit: string; window: string; imputation: string; missingRate?: number }

/** One shape for a stopped node (its store) and a running one (gRPC), so scripts read either. */
export interface NodeStatusView {
  site: string;
  /** The running node's address, or null when read from a stopped node's store. */
  running: string | null;
  health: string;
  detail?: string;
  alarms: { code: string; reason: string; time: string }[];
  witness?: { cosignedSize: number; cosignedRoot: string };
  source: string | null;
  asOf: string | null;
  counts: Record<string, number>;
  enterprises: number;
  hasLabels: boolean;
  catalogue: CatalogueLine[];
  tables: Record<string, number>;
  ingests: { seq: number; fileName: string; kind: string; rows: number; sha256: string; committedAt: string }[];
  ingestCount: number;
  ingest?: { fileName: string; stage: string; rows: number; bytesDone: number; bytesTotal: number; startedAt: string };
}

export function registerStatusCommands(node: Command): void {
  withTransportOptions(node.command('status'))
    .description('what the node holds: counts, feature catalogue (never values), tables, ingests, alarms and witness state')
    .option('--data <dir>', 'the node\'s data folder (a stopped node\'s store, or the running node found there)')
    .option('--node <host:port>', 'ask the running node over gRPC, with the site operator\'s certificate (--tls parties/<site>-operator)')
    .option('--json', 'print as JSON')
    .action((flags: TransportFlags & { data?: string; node?: string; json?: boolean }) => runCommand(async () => {
      const status = await nodeStatus(flags);
      emit(Boolean(flags.json), status, () => formatNodeStatus(status));
    }));

  withTransportOptions(node.command('served'))
    .description('whom the node answered: its signed records of served requests (what, for whom, which log entry), newest last')
    .option('--node <host:port>', 'the running node (default: the one running from --data)')
    .option('--data <dir>', 'the node\'s data folder, to find the running node')
    .option('--requester <name>', 'only requests by this requester (e.g. coordinator, bank-a)')
    .option('--enterprise <id>', 'only requests about this enterprise (its credit code)')
    .option('--kind <kind>', 'only this kind of served entry (e.g. query, training-job, alignment)')
    .option('--since <time>', 'from this time on (ISO-8601: 2026-12-04 or 2026-12-04T10:00:00Z)', parseTimeFlag('--since'))
    .option('--until <time>', 'before this time (a bare date includes that whole day)', parseTimeFlag('--until', true))
    .option('--json', 'print as JSON')
    .action((flags: TransportFlags & { node?: string; data?: string; requester?: string; enterprise?: string; kind?: string; since?: number; until?: number; json?: boolean }) => runCommand(async () => {
      const { address, site } = nodeAddress(flags);
      const view = await servedRecords(address, operatorTransport(flags, site), site);
      const inWindow = timeWindow(flags.since, flags.until);
      const rows = view.records.filter((r) => (flags.requester === undefined || r.requester === flags.requester)
        && (flags.enterprise === undefined || r.enterprises.includes(flags.enterprise))
        && (flags.kind === undefined || r.what === flags.kind) && inWindow(r.timeMs));
      const out = { site: view.site, total: view.records.length, shown: rows.length, verified: view.problems.length === 0, problems: view.problems, records: rows };
      emit(Boolean(flags.json), out, () => formatServed(out));
    }));
}

async function nodeStatus(flags: TransportFlags & { data?: string; node?: string }): Promise<NodeStatusView> {
  if (flags.node) return remoteNodeStatus(flags.node, operatorTransport(flags, undefined));
  if (!flags.data) throw new FedcreditError('BAD_REQUEST', 'say which node: --data DIR (its data folder) or --node HOST:PORT (a running node)');
  if (!fs.existsSync(path.join(flags.data, 'store'))) throw new FedcreditError('NOT_FOUND', `${flags.data} holds no node store; pass the node's --data folder`);
  let store: NodeStore;
  try {
    store = await NodeStore.open(flags.data);
  } catch (err) {
    // A running node holds the store: ask it, with the operator's certificate.
    const info = runningNodeInfo(flags.data);
    if (!(err instanceof FedcreditError && err.code === 'STORE_LOCKED' && info)) throw err;
    return remoteNodeStatus(info.address, operatorTransport(flags, info.site), info.site);
  }
  try {
    const meta = await store.getMeta();
    const ingests = await store.listIngests();
    const alarms = await storedAlarms(store);
    return {
      site: meta.site ?? '', running: null,
      health: alarms.length > 0 ? 'ALARM' : 'OK',
      alarms: alarms.map((a) => ({ code: a.code, reason: a.reason, time: new Date(a.timeMs).toISOString() })),
      source: meta.source ?? null, asOf: meta.asOf ?? null, counts: meta.counts ?? {},
      enterprises: meta.enterprises ?? 0, hasLabels: meta.hasLabels ?? false,
      catalogue: (meta.catalogue ?? []).map(({ type: _type, ...f }) => f),
      tables: meta.activeTables ?? {}, ingests, ingestCount: ingests.length,
    };
  } finally {
    await store.close();
  }
}

export async function remoteNodeStatus(address: string, transport: Transport, site?: string): Promise<NodeStatusView> {
  const node = dataNodeClient(address, transport, site);
  const audit = nodeAuditClient(address, transport, site);
  try {
    const [health, raw, witness] = await Promise.all([call(node, node.Health, {}), call(node, node.GetNodeStatus, {}), call(audit, audit.GetWitnessStatus, {})]);
    const s = longsAsNumbers('NodeOperatorStatus', raw) as NodeOperatorStatus__Output & { enterprises: number; ingestCount: number };
    const records = s.records as unknown as { kind: string; count: number }[];
    const ingest = s.ingest as unknown as { fileName: string; stage: string; rows: number; bytesDone: number; bytesTotal: number; startedMs: number } | null;
    return {
      site: s.site, running: address, health: health.status, ...(health.detail ? { detail: health.detail } : {}),
      alarms: witness.alarms.map((a) => ({ code: a.code, reason: a.reason, time: new Date(Number(a.timeMs)).toISOString() })),
      witness: { cosignedSize: Number(witness.cosignedSize), cosignedRoot: Buffer.from(witness.cosignedRoot).toString('hex') },
      source: s.source || null, asOf: s.asOf || null,
      counts: Object.fromEntries(records.map((r) => [r.kind, r.count])),
      enterprises: s.enterprises, hasLabels: s.hasLabels,
      catalogue: s.catalogue.map((f) => ({
        name: f.feature?.name ?? '', meaning: f.feature?.meaning ?? '', unit: f.feature?.unit ?? '', window: f.feature?.window ?? '', imputation: f.feature?.imputation ?? '',
        ...(f.hasMissingRate ? { missingRate: f.missingRate } : {}),
      })),
      tables: Object.fromEntries(s.tables.map((t) => [t.name, t.version])),
      ingests: s.ingests as unknown as NodeStatusView['ingests'], ingestCount: s.ingestCount,
      ...(ingest ? { ingest: { fileName: ingest.fileName, stage: ingest.stage, rows: ingest.rows, bytesDone: ingest.bytesDone, bytesTotal: ingest.bytesTotal, startedAt: new Date(ingest.startedMs).toISOString() } } : {}),
    };
  } finally {
    node.close();
    audit.close();
  }
}

export function formatNodeStatus(s: NodeStatusView): string {
  const last = s.ingests[s.ingests.length - 1];
  return [
    `site ${s.site}${s.running ? ` (running at ${s.running}, health ${s.health})` : ' (stopped)'}, ${s.enterprises} enterprises, features as of ${s.asOf ?? '-'}${s.hasLabels ? ', labels' : ''}`,
    ...(s.detail ? [`  ${s.detail}`] : []),
    ...s.alarms.map((a) => `ALARM ${a.time} ${a.code}: ${a.reason}`),
    ...(s.witness ? [`witness: cosigned the coordinator's log up to size ${s.witness.cosignedSize}${s.witness.cosignedSize > 0 ? ` (root ${s.witness.cosignedRoot.slice(0, 16)}...)` : ''}; ${s.alarms.length === 0 ? 'no alarms' : `${s.alarms.length} alarm(s)`}`] : []),
    ...Object.entries(s.counts).map(([k, n]) => `  ${k}: ${n} records`),
    ...(Object.keys(s.tables).length > 0
      ? [`tables (active versions, joined by id; fedcredit node tables lists all): ${Object.entries(s.tables).sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => `${t}@${v}`).join(', ')}`]
      : []),
    last ? `last ingest: ${last.committedAt.slice(0, 19)}Z ${last.fileName} (${last.rows} ${last.kind} rows; ${s.ingestCount} ingest${s.ingestCount === 1 ? '' : 's'} in all)` : 'no ingest yet',
    ...(s.ingest ? [`ingest under way: ${s.ingest.fileName} ${s.ingest.stage}, ${s.ingest.rows} rows, ${formatBytes(s.ingest.bytesDone)}${s.ingest.bytesTotal ? ` of ${formatBytes(s.ingest.bytesTotal)}` : ''} since ${s.ingest.startedAt}`] : []),
    `catalogue (${s.catalogue.length} features):`,
    ...s.catalogue.map((f) => `  ${f.name.padEnd(28)} ${f.meaning} [${f.unit}; ${f.window}]` +
      (f.missingRate === undefined ? '' : `; missing ${formatRate(f.missingRate)}`)),
  ].join('\n');
}

interface ServedRow { seq: number; time: string; timeMs: number; what: string; requester: string; logIndex: number; entryHash: string; enterprises: string[] }

async function servedRecords(address: string, transport: Transport, site: string | undefined): Promise<{ site: string; records: ServedRow[]; problems: string[] }> {
  const audit = nodeAuditClient(address, transport, site);
  try {
    const res = await call(audit, audit.GetServedRecords, { from: 0 });
    const items = res.records.map((r) => ({ record: new Uint8Array(r.record), signature: new Uint8Array(r.signature) }));
    // The node signs its records; checking them here costs little and catches a damaged store.
    const check = verifyServedRecords(res.site, new Uint8Array(res.identityPublicKey), items);
    const records = res.records.map((r, i): ServedRow => {
      const rec = JSON.parse(Buffer.from(r.record).toString('utf8')) as AnyServedRecord;
      return { seq: rec.seq, time: new Date(rec.time).toISOString(), timeMs: rec.time, what: rec.what, requester: rec.requester, logIndex: rec.logIndex, entryHash: rec.v === 1 ? rec.entryHash : rec.leavesHash, enterprises: res.records[i]?.subjects ?? [] };
    });
    return { site: res.site, records, problems: [...check.problems] };
  } finally {
    audit.close();
  }
}

function formatServed(out: { site: string; total: number; shown: number; verified: boolean; problems: string[]; records: ServedRow[] }): string {
  const header = `${out.shown} of ${out.total} served records of node ${out.site}${out.verified ? ' (signatures and chain verified)' : ''}`;
  const warn = out.problems.slice(0, 5).map((p) => `  warning: ${p}`);
  if (out.records.length === 0) return [header, ...warn].join('\n');
  const enterprises = (r: ServedRow) => r.enterprises.length === 0 ? '-' : r.enterprises.length === 1 ? r.enterprises[0]! : `${r.enterprises[0]!} +${r.enterprises.length - 1}`;
  const cols = ['seq', 'time (UTC)', 'kind', 'requester', 'log entry', 'enterprise'];
  const table = out.records.map((r) => [String(r.seq), r.time.replace('.000Z', 'Z'), r.what, r.requester, `#${r.logIndex}`, enterprises(r)]);
  const widths = cols.map((c, i) => Math.max(c.length, ...table.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [header, ...warn, line(cols), ...table.map(line)].join('\n');
}

function nodeAddress(flags: { node?: string; data?: string }): { address: string; site: string | undefined } {
  if (flags.node) return { address: flags.node, site: undefined };
  if (!flags.data) throw new FedcreditError('BAD_REQUEST', 'say which node: --node HOST:PORT (the running node) or --data DIR (the folder it runs from)');
  const info = runningNodeInfo(flags.data);
  if (!info) throw new FedcreditError('NOT_FOUND', `no node is running from ${flags.data} (no node.json): start it with fedcredit node serve, or pass --node HOST:PORT`);
  return { address: info.address, site: info.site };
}

/** A site's operator talks to its running node with the operator's certificate (parties/<site>-operator), not the node's own. */
export function operatorTransport(flags: TransportFlags, site: string | undefined): Transport {
  return resolveTransport(flags, { exampleFolder: `fed/parties/${site ?? 'tax'}-operator: the site operator's folder, not the node's` });
}

export function runningNodeInfo(dataDir: string): NodeRuntimeInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, 'node.json'), 'utf8')) as NodeRuntimeInfo;
  } catch {
    // No readable node.json means no node is running from this folder; the caller says so.
    return undefined;
  }
}
