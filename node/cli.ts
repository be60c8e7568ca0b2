/**
 * `fedcredit node ...`: run a site's data node, ingest its exports, show what it holds.
 */
import { registerBackupCommands } from '../backup/cli.js';
import { registerTableCommands } from './tables-cli.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, portOption, positiveInt, runCommand, waitForSignal } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';
import { parsePeriod } from '../schema/site-schema.js';
import { rebuildFeatures } from './feature-build.js';
import { ingestFile } from './ingest.js';
import { formatProblem, type IngestOptions, type IngestProgress } from './ingest-report.js';
import { startNode } from './server.js';
import { registerIdentityCommands } from './identity-cli.js';
import { registerConfigCommands, serveOps, withServeOptions, type ServeOpsFlags } from '../lib/serve-cli.js';
import { operatorTransport, registerStatusCommands, runningNodeInfo } from './status-cli.js';
import { ingestProgressReporter } from '../lib/cli-format.js';
import { NodeStore } from '../site/store.js';
import { uploadFile } from './upload.js';
import { clearScoringStop } from '../log/witness-loop.js';
import { loadPolicy } from '../site/policy.js';
import { longsAsNumbers } from '../lib/json-numbers.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';

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
  registerConfigCommands(node, 'node');
  registerStatusCommands(node);

  withServeOptions(withTransportOptions(node.command('serve')))
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
    .action((flags: TransportFlags & ServeOpsFlags & { site: string; data: string; host: string; port: number; coordinator?: string; advertise?: string; witnessInterval: number; policy?: string; exitOnRefusal?: boolean }) => runCommand(async () => {
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
        ...serveOps(flags, 'node', flags.site),
        ...(flags.coordinator ? { coordinator: flags.coordinator } : {}),
        ...(flags.advertise ? { advertise: flags.advertise } : {}),
        ...(flags.exitOnRefusal ? { onRegistrationRefused: (st: { detail: string }) => refused?.(new FedcreditError('NOT_REGISTERED', st.detail)) } : {}),
      });
      // A machine-readable first line on stdout lets supervisors (and the demo) learn the port.
      process.stdout.write(`${JSON.stringify({ event: 'listening', role: 'node', site: flags.site, address: running.address, port: running.port, ...(running.httpPort !== undefined ? { httpPort: running.httpPort } : {}) })}\n`);
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
}

async function ingestSomewhere(flags: IngestFlags, options: IngestOptions) {
  if (flags.node) return uploadWithProgress(flags, flags.node, options, flags.site);
  if (!flags.data) throw new FedcreditError('BAD_REQUEST', 'say where to ingest: --data DIR (the node\'s folder) or --node HOST:PORT');
  let store: NodeStore;
  try {
    store = await NodeStore.open(flags.data, flags.site);
  } catch (err) {
    // The node is running and holds the store: send the file through it instead.
    const info = runningNodeInfo(flags.data);
    if (err instanceof FedcreditError && err.code === 'STORE_LOCKED' && info) return uploadWithProgress(flags, info.address, options, info.site);
    throw err;
  }
  // The same progress lines as through a running node: rows and bytes done, rate and ETA.
  const reporter = flags.json ? undefined : ingestProgressReporter(`ingest ${path.basename(flags.file)}`);
  const live: IngestProgress = { fileName: path.basename(flags.file), stage: 'validating', rows: 0, bytesDone: 0, bytesTotal: 0, startedMs: Date.now() };
  const timer = reporter ? setInterval(() => reporter.report(live), 500) : undefined;
  try {
    return await ingestFile(store, flags.file, { ...options, progress: live });
  } catch (err) {
    if (err instanceof FedcreditError && err.code === 'INGEST_REJECTED') {
      // --json prints the error's detail (lib/cli-output.ts): the report, each problem also as the text a person reads.
      const report = err.detail as { problems: { line: number; column: string; problem: string }[]; fileName: string };
      throw new FedcreditError(err.code, err.message, { ...report, problems: report.problems.map((p) => ({ ...p, text: formatProblem(report.fileName, p) })) });
    }
    throw err;
  } finally {
    clearInterval(timer);
    reporter?.end();
    await store.close();
  }
}

/** An upload to a running node, with its progress on stderr (quiet with --json: stdout stays one document). */
async function uploadWithProgress(flags: IngestFlags, address: string, options: IngestOptions, site: string | undefined) {
  const transport = operatorTransport(flags, site);
  const progress = flags.json ? undefined : ingestProgressReporter(`ingest ${path.basename(flags.file)}`);
  try {
    return await uploadFile(address, transport, flags.file, options, site, progress ? (p) => progress.report(p) : undefined);
  } finally {
    progress?.end();
  }
}
