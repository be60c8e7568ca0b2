/**
 * `fedcredit coordinator ...`: run the coordinator and inspect its node registry.
 */
import { registerBackupCommands } from '../backup/cli.js';
import type { Command } from 'commander';
import { coordinatorClient } from '../proto/clients.js';
import { emit, portOption, positiveInt, runCommand, waitForSignal } from '../lib/cli-output.js';
import { call } from '../lib/grpc.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';
import { startCoordinator } from './server.js';
import type { CoordinatorMonitoringOptions } from './monitoring.js';
import { checkBatchSize } from '../monitoring/run-driver.js';
import { parseSchedule } from '../monitoring/schedule.js';
import { FedcreditError } from '../lib/errors.js';
import { keyFingerprint } from '../registration/rotation.js';
import { registerConfigCommands, serveOps, withServeOptions, type ServeOpsFlags } from '../lib/serve-cli.js';

interface MonitoringFlags {
  monitoringBatchSize?: number;
  monitoringSchedule?: string;
  monitoringOnIngest: boolean;
  monitoringIngestDebounce?: number;
}

/** The `monitoring.*` config keys, checked before the coordinator starts. */
function monitoringOptions(f: MonitoringFlags): CoordinatorMonitoringOptions {
  if (f.monitoringSchedule !== undefined) {
    try {
      parseSchedule(f.monitoringSchedule);
    } catch (err) {
      throw new FedcreditError('CONFIG_INVALID', `monitoring.schedule: ${(err as Error).message}`);
    }
  }
  return {
    ...(f.monitoringBatchSize !== undefined ? { batchSize: checkBatchSize(f.monitoringBatchSize) } : {}),
    ...(f.monitoringSchedule !== undefined ? { schedule: f.monitoringSchedule } : {}),
    onIngest: f.monitoringOnIngest,
    ...(f.monitoringIngestDebounce !== undefined ? { ingestDebounceMs: f.monitoringIngestDebounce } : {}),
  };
}

export function registerCoordinatorCommands(program: Command): void {
  const coordinator = program.command('coordinator').description('run the coordinator: node registry, alignment, training, scoring');
  registerBackupCommands(coordinator, 'coordinator');
  registerConfigCommands(coordinator, 'coordinator');

  withServeOptions(withTransportOptions(coordinator.command('serve')))
    .description('serve the coordinator over gRPC (mutual TLS with the certificate from `fedcredit init`)')
    .requiredOption('--data <dir>', 'folder for the coordinator\'s LevelDB store and identity key')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', portOption, 0)
    .option('--log-origin <origin>', 'transparency log origin line (fixed for the life of the log)', 'fedcredit.local/log')
    .option('--witness-quorum <n>', 'node cosignatures that make a checkpoint final (default: every registered node)', positiveInt('--witness-quorum'))
    .option('--checkpoint-interval <ms>', 'how often to sign a new checkpoint when the log grew', positiveInt('--checkpoint-interval'), 500)
    .option('--consent-cache-limit <n>', 'consents whose state the consent ledger keeps in memory (default 100000)', positiveInt('--consent-cache-limit'))
    .option('--monitoring-batch-size <n>', 'enterprises per monitoring re-scoring batch, 256 to 16384 (default 4096)', positiveInt('--monitoring-batch-size'))
    .option('--monitoring-schedule <cron>', 'when portfolios are re-scored: 5-field cron in UTC (default "0 2 1 * *")')
    .option('--no-monitoring-on-ingest', 'do not re-score portfolios when a site ingests new features')
    .option('--monitoring-ingest-debounce <ms>', 'quiet time after a feature change before the ingest runs start (default 600000)', positiveInt('--monitoring-ingest-debounce'))
    .action((flags: TransportFlags & ServeOpsFlags & MonitoringFlags & { data: string; host: string; port: number; logOrigin: string; witnessQuorum?: number; checkpointInterval: number; consentCacheLimit?: number }) => runCommand(async () => {
      const transport = resolveTransport(flags, { dataDir: flags.data, expectRole: 'coordinator' });
      const running = await startCoordinator({
        dataDir: flags.data, transport, host: flags.host, port: flags.port, logOrigin: flags.logOrigin, checkpointIntervalMs: flags.checkpointInterval,
        ...serveOps(flags, 'coordinator', 'coordinator'),
        ...(flags.witnessQuorum ? { witnessQuorum: flags.witnessQuorum } : {}),
        ...(flags.consentCacheLimit ? { consentCacheLimit: flags.consentCacheLimit } : {}),
        monitoring: monitoringOptions(flags),
      });
      process.stdout.write(`${JSON.stringify({ event: 'listening', role: 'coordinator', address: running.address, port: running.port, ...(running.httpPort !== undefined ? { httpPort: running.httpPort } : {}) })}\n`);
      await waitForSignal();
      await running.stop();
    }));

  withTransportOptions(coordinator.command('nodes'))
    .description('list the registered data nodes and their health')
    .requiredOption('--coordinator <host:port>', 'the coordinator to ask')
    .option('--json', 'print as JSON')
    .action((flags: TransportFlags & { coordinator: string; json?: boolean }) => runCommand(async () => {
      const client = coordinatorClient(flags.coordinator, resolveTransport(flags));
      try {
        const { nodes } = await call(client, client.ListNodes, {});
        const rows = nodes.map((n) => ({
          site: n.site, address: n.address, health: n.health,
          identityKey: Buffer.from(n.identityPublicKey).toString('hex'),
          keyFingerprint: keyFingerprint(n.identityPublicKey),
          lastSeen: Number(n.lastSeenMs) ? new Date(Number(n.lastSeenMs)).toISOString() : null,
          lastError: n.lastError || null,
        }));
        emit(Boolean(flags.json), rows, () => rows.length === 0 ? 'no nodes registered' : rows.map((r) =>
          `${r.site.padEnd(8)} ${(r.address || '-').padEnd(22)} ${r.health.padEnd(14)} key ${r.keyFingerprint}${r.lastError ? `  (${r.lastError})` : ''}`).join('\n'));
      } finally {
        client.close();
      }
    }));

  withTransportOptions(coordinator.command('remove-node'))
    .description('remove a site whose identity key is lost, so its next registration is accepted under a new key (logged with the reason; run as the coordinator\'s operator)')
    .argument('<site>', 'the site to remove')
    .requiredOption('--coordinator <host:port>', 'the coordinator')
    .requiredOption('--reason <text>', 'why, for the log and its auditors (e.g. "disk lost, ticket 4711")')
    .option('--key <fingerprint>', 'remove only if the registered key has this fingerprint (from `coordinator nodes`)')
    .option('--json', 'print as JSON')
    .action((site: string, flags: TransportFlags & { coordinator: string; reason: string; key?: string; json?: boolean }) => runCommand(async () => {
      const client = coordinatorClient(flags.coordinator, resolveTransport(flags));
      try {
        const res = await call(client, client.RemoveNode, { site, reason: flags.reason, keyFingerprint: flags.key ?? '' });
        const out = { site: res.site, removedKeyFingerprint: keyFingerprint(res.removedIdentityPublicKey), logIndex: Number(res.logIndex) };
        emit(Boolean(flags.json), out, () => `removed site ${out.site} (key ${out.removedKeyFingerprint}), log entry ${out.logIndex}; the node registers again under its new key on its next attempt (a refused node asks every few seconds)`);
      } finally {
        client.close();
      }
    }));
}
