/**
 * `fedcredit node ...`: run a site's data node, ingest its exports, show what it holds.
 */
import { registerBackupCommands } from '../backup/cli.js';
import { registerTableCommands } from './tables-cli.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, endProgress, portOption, positiveInt, progressLine, runCommand, waitForSignal } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';
import { parsePeriod } from '../schema/site-schema.js';
import { rebuildFeatures } from './feature-build.js';
import { ingestFile } from './ingest.js';
import { formatProblem, type IngestOptions } from './ingest-report.js';
import { formatRate } from './table-columns.js';
import { startNode, type NodeRuntimeInfo } from './server.js';
import { registerIdentityCommands } from './identity-cli.js';
import { NodeStore } from '../site/store.js';
import { uploadFile } from './upload.js';
import { clearScoringStop, storedAlarms } from '../log/witness-loop.js';
import { loadPolicy } from '../site/policy.js';
import { dataNodeClient, nodeAuditClient } from '../proto/clients.js';
import { call } from '../lib/grpc.js';
import { longsAsNumbers } from '../lib/json-numbers.js';
import { resolveTransport, withTransportOptions, type Transport, type TransportFlags } from '../lib/tls.js';

interface IngestFlags extends TransportFlags {
  data?: string;
  file: string;
  site?: string;
  node?: string;
  kind?: string;
  idColumn?: string;
  labelColumn?: string;
  idFormat?: string;
  delimiter?: string;
  encoding?: string;
  categorical?: string;
  integer?: string;
  table?: string;
  features: boolean;
  json?: boolean;
}

const columnList = (flag: string | undefined) => (flag ?? '').split(',').map((c) => c.trim()).filter((c) => c.length > 0);

export function registerNodeCommands(program: Command): void {
  const node = program.command('node').description('run a site\'s data node and manage its local store');
  registerBackupCommands(node, 'node');
  registerTableCommands(node);
  registerIdentityCommands(node);

  withTransportOptions(node.command('serve'))
    .description('serve the node over gRPC (health, catalogue, counts, uploads) and register with the coordinator, over mutual TLS')
    .requiredOption('--site <site>', 'the site this node runs at: tax, power, bank (or a custom name for feature tables)')
    .requiredOption('--data <dir>', 'folder for the node\'s LevelDB store and identity key')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', portOption, 0)
    .option('--coordinator <host:port>', 'coordinator to register with')
    .option('--advertise <host:port>', 'address the coordinator should call this node on (default host:port)')
    .option('--witness-interval <ms>', 'how often to check and cosign the coordinator\'s transparency log', positiveInt('--witness-interval'), 1000)
    .option('--exit-on-refusal', 'exit non-zero when the coordinator refuses the registration (default: keep serving as NOT_REGISTERED and ask again)')
    .option('--policy <file>', 'local policy (JSON: coordinators, purposes, features, excludeFeatures for training, see docs/training.md; queryPurposes, queryRequesters, refuseRequesters for score queries, see docs/scoring.md)')
    .action((flags: TransportFlags & { site: string; data: string; host: string; port: number; coordinator?: string; advertise?: string; witnessInterval: number; policy?: string; exitOnRefusal?: boolean }) => runCommand(async () => {
      const policy = loadPolicy(flags.policy);
      let refused: ((err: FedcreditError) => void) | undefined;
      const refusal = new Promise<void>((_, reject) => { refused = reject; });
      const transport = resolveTransport(flags, { dataDir: flags.data, expectRole: 'site', expectName: flags.site });
      const running = await startNode({
        site: flags.site,
        transport,
        dataDir: flags.data,
        host: flags.host,
        port: flags.port,
        witnessIntervalMs: flags.witnessInterval,
        policy,
        ...(flags.coordinator ? { coordinator: flags.coordinator } : {}),
        ...(flags.advertise ? { advertise: flags.advertise } : {}),
        ...(flags.exitOnRefusal ? { onRegistrationRefused: (st: { detail: string }) => refused?.(new FedcreditError('NOT_REGISTERED', st.detail)) } : {}),
      });
      // A machine-readable first line on stdout lets supervisors (and the demo) learn the port.
      process.stdout.write(`${JSON.stringify({ event: 'listening', role: 'node', site: flags.site, address: running.address, port: running.port })}\n`);
      try {
        await Promise.race([waitForSignal(), refusal]);
      } finally {
        await running.stop();
      }
    }));

  withTransportOptions(node.command('ingest'))
    .description('validate a site export and store it whole, or reject it and store nothing')
    .requiredOption('--file <path>', 'CSV export to ingest')
    .option('--data <dir>', 'the node\'s data folder (ingests directly, or through the running node found there)')
    .option('--node <host:port>', 'send the file to a running node instead of opening its store')
    .option('--site <site>', 'site of a new store (needed the first time a --data folder is used)')
    .option('--kind <kind>', 'record kind (vat_filing, tax_rating, power_bill, loan, repayment) or "features" for a feature table; detected from the header when omitted')
    .option('--id-column <name>', 'feature tables: the id column', 'id')
    .option('--label-column <name>', 'feature tables: the label column (0/1, 0.0/1.0 or true/false; 1 = defaulted), if the table has one')
    .option('--categorical <columns>', 'feature tables: comma-separated columns that are categorical (one feature per level); others are inferred')
    .option('--integer <columns>', 'feature tables: comma-separated columns that must hold whole numbers; others are inferred')
    .option('--delimiter <name>', 'comma, semicolon, tab or pipe (default: detected from the header)')
    .option('--encoding <name>', 'utf8 (default; a BOM is dropped), gbk or gb18030')
    .option('--id-format <format>', 'feature tables: "credit-code" (validated) or "any"', 'credit-code')
    .option('--table <name>', 'feature tables: the table\'s name at the node (default main); a node joins its tables by id, and ingesting a table again adds a version')
    .option('--no-features', 'do not recompute features after this file (more files follow)')
    .option('--json', 'print the ingest report as JSON')
    .action((flags: IngestFlags) => runCommand(async () => {
      if (!fs.existsSync(flags.file)) throw new FedcreditError('NOT_FOUND', `file ${flags.file} does not exist`);
      if (flags.idFormat !== 'credit-code' && flags.idFormat !== 'any') throw new FedcreditError('BAD_REQUEST', `--id-format must be credit-code or any, not '${flags.idFormat}'`);
      const options: IngestOptions = {
        ...(flags.kind ? { kind: flags.kind } : {}),
        ...(flags.idColumn ? { idColumn: flags.idColumn } : {}),
        ...(flags.labelColumn ? { labelColumn: flags.labelColumn } : {}),
        idFormat: flags.idFormat,
        skipFeatures: !flags.features,
        ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}),
        ...(flags.encoding !== undefined ? { encoding: flags.encoding } : {}),
        ...(flags.categorical !== undefined ? { categorical: columnList(flags.categorical) } : {}),
        ...(flags.integer !== undefined ? { integer: columnList(flags.integer) } : {}),
        ...(flags.table !== undefined ? { table: flags.table } : {}),
      };
      const report = await ingestSomewhere(flags, options);
      emit(Boolean(flags.json), longsAsNumbers('IngestReport', report), () =>
        `${report.fileName}: ${report.rows} ${report.kind} rows stored in ${report.seconds.toFixed(2)} s ` +
        `(sha256 ${report.sha256.slice(0, 12)}...); node covers ${report.enterprises} enterprises x ${report.featuresPerEnterprise} features`);
    }));

  node.command('features')
    .description('recompute the node\'s feature vectors and standardization statistics from its raw records')
    .requiredOption('--data <dir>', 'the node\'s data folder (the node must not be running)')
    .option('--as-of <YYYY-MM>', 'month the features describe (default: the site\'s latest complete month)')
    .option('--json', 'print the result as JSON')
    .action((flags: { data: string; asOf?: string; json?: boolean }) => runCommand(async () => {
      const store = await NodeStore.open(flags.data);
      try {
        const result = await rebuildFeatures(store, flags.asOf === undefined ? undefined : parsePeriod(flags.asOf));
        emit(Boolean(flags.json), result, () => `${result.enterprises} enterprises x ${result.features} features as of ${result.asOf ?? '-'}` +
          (result.labels ? `, ${result.labels} labels` : ''));
      } finally {
        await store.close();
      }
    }));

  node.command('resume-scoring')
    .description('after a SPLIT_VIEW alarm was looked into: let the node score again (stop it first; alarms stay as evidence)')
    .requiredOption('--data <dir>', 'the node\'s data folder')
    .action((flags: { data: string }) => runCommand(async () => {
      const store = await NodeStore.open(flags.data);
      try {
        const reason = await clearScoringStop(store);
        process.stdout.write(reason === undefined ? 'scoring was not stopped; nothing to clear\n' : `scoring may resume; cleared: ${reason}\n`);
      } finally {
        await store.close();
      }
    }));

  withTransportOptions(node.command('status'))
    .description('what the node holds: site, record counts, feature catalogue (never values)')
    .requiredOption('--data <dir>', 'the node\'s data folder (while the node runs: its health and witness alarms only)')
    .option('--json', 'print as JSON')
    .action((flags: TransportFlags & { data: string; json?: boolean }) => runCommand(async () => {
      let store: NodeStore;
      try {
        store = await NodeStore.open(flags.data);
      } catch (err) {
        // A running node holds the store: its witness alarms still matter, so ask it.
        const info = runningNodeInfo(flags.data);
        if (!(err instanceof FedcreditError && err.code === 'STORE_LOCKED' && info)) throw err;
        const witness = await runningWitnessStatus(info.address, resolveTransport(flags), info.site);
        emit(Boolean(flags.json), { site: info.site, running: info.address, ...witness }, () => [
          `site ${info.site} is running at ${info.address}; health ${witness.health} (stop it for counts and catalogue)`,
          ...(witness.detail ? [witness.detail] : []),
          ...witness.alarms.map((a) => `ALARM ${a.time} ${a.code}: ${a.reason}`),
        ].join('\n'));
        return;
      }
      try {
        const meta = await store.getMeta();
        const ingests = await store.listIngests();
        const alarms = await storedAlarms(store);
        const status = {
          health: alarms.length > 0 ? 'ALARM' : 'OK',
          alarms: alarms.map((a) => ({ code: a.code, reason: a.reason, time: new Date(a.timeMs).toISOString() })),
          site: meta.site, source: meta.source ?? null, asOf: meta.asOf ?? null, counts: meta.counts ?? {},
          enterprises: meta.enterprises ?? 0, hasLabels: meta.hasLabels ?? false, catalogue: meta.catalogue ?? [], ingests,
          tables: meta.activeTables ?? {},
        };
        emit(Boolean(flags.json), status, () => [
          `site ${status.site}, ${status.enterprises} enterprises, features as of ${status.asOf ?? '-'}`,
          ...status.alarms.map((a) => `ALARM ${a.time} ${a.code}: ${a.reason}`),
          ...Object.entries(status.counts).map(([k, n]) => `  ${k}: ${n} records`),
          ...(Object.keys(status.tables).length > 0
            ? [`tables (active versions, joined by id; fedcredit node tables lists all): ${Object.entries(status.tables).sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => `${t}@${v}`).join(', ')}`]
            : []),
          `catalogue (${status.catalogue.length} features):`,
          ...status.catalogue.map((f) => `  ${f.name.padEnd(28)} ${f.meaning} [${f.unit}; ${f.window}]` +
            (f.missingRate === undefined ? '' : `; missing ${formatRate(f.missingRate)}`)),
        ].join('\n'));
      } finally {
        await store.close();
      }
    }));
}

async function ingestSomewhere(flags: IngestFlags, options: IngestOptions) {
  if (flags.node) return uploadFile(flags.node, operatorTransport(flags, flags.site), flags.file, options);
  if (!flags.data) throw new FedcreditError('BAD_REQUEST', 'say where to ingest: --data DIR (the node\'s folder) or --node HOST:PORT');
  let store: NodeStore;
  try {
    store = await NodeStore.open(flags.data, flags.site);
  } catch (err) {
    // The node is running and holds the store: send the file through it instead.
    const info = runningNodeInfo(flags.data);
    if (err instanceof FedcreditError && err.code === 'STORE_LOCKED' && info) return uploadFile(info.address, operatorTransport(flags, info.site), flags.file, options, info.site);
    throw err;
  }
  const progress = flags.json ? () => undefined : progressLine(`ingest ${path.basename(flags.file)}`);
  try {
    return await ingestFile(store, flags.file, { ...options, onProgress: (n) => progress(`${n} rows read`) });
  } catch (err) {
    if (err instanceof FedcreditError && err.code === 'INGEST_REJECTED') {
      // --json prints the error's detail (lib/cli-output.ts): the report, each problem also as the text a person reads.
      const report = err.detail as { problems: { line: number; column: string; problem: string }[]; fileName: string };
      throw new FedcreditError(err.code, err.message, { ...report, problems: report.problems.map((p) => ({ ...p, text: formatProblem(report.fileName, p) })) });
    }
    throw err;
  } finally {
    if (!flags.json) endProgress();
    await store.close();
  }
}

async function runningWitnessStatus(address: string, transport: Transport, site: string): Promise<{ health: string; detail: string; alarms: { code: string; reason: string; time: string }[] }> {
  const audit = nodeAuditClient(address, transport, site);
  const node = dataNodeClient(address, transport, site);
  try {
    const [health, status] = await Promise.all([call(node, node.Health, {}), call(audit, audit.GetWitnessStatus, {})]);
    return { health: health.status, detail: health.detail, alarms: status.alarms.map((a) => ({ code: a.code, reason: a.reason, time: new Date(Number(a.timeMs)).toISOString() })) };
  } finally {
    audit.close();
    node.close();
  }
}

/** A site's operator talks to its running node with the operator's certificate (parties/<site>-operator), not the node's own. */
function operatorTransport(flags: TransportFlags, site: string | undefined): Transport {
  return resolveTransport(flags, { exampleFolder: `fed/parties/${site ?? 'tax'}-operator: the site operator's folder, not the node's` });
}

function runningNodeInfo(dataDir: string): NodeRuntimeInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, 'node.json'), 'utf8')) as NodeRuntimeInfo;
  } catch {
    // No readable node.json means no node is running from this folder; the caller reports the lock.
    return undefined;
  }
}
