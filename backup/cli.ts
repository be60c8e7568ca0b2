/**
 * `fedcredit node backup|restore` and `fedcredit coordinator backup|restore`: one command pair
 * per role over the same Backup protocol (backup/backup.ts, backup/service.ts).
 */
import type { Command } from 'commander';
import { restoreBackup } from './backup.js';
import { fetchBackup } from './service.js';
import { emit, runCommand } from '../lib/cli-output.js';
import { resolveTransport, withTransportOptions, type ExpectedPeer, type TransportFlags } from '../lib/tls.js';

export function registerBackupCommands(parent: Command, role: 'node' | 'coordinator'): void {
  const addressFlag = role === 'node' ? '--node <host:port>' : '--coordinator <host:port>';
  withTransportOptions(parent.command('backup'))
    .description(`stream a consistent backup of a running ${role}'s stores and keys into a file (0600; guard it like the keys)`)
    .requiredOption(addressFlag, `the running ${role}`)
    .requiredOption('--out <file>', 'backup file to write')
    .option('--site <site>', 'the node\'s site, checked against its certificate (nodes only)')
    .option('--json', 'print the result as JSON')
    .action((flags: TransportFlags & { node?: string; coordinator?: string; site?: string; out: string; json?: boolean }) => runCommand(async () => {
      const address = (role === 'node' ? flags.node : flags.coordinator)!;
      const peer: ExpectedPeer = role === 'node' ? { role: 'site', ...(flags.site ? { name: flags.site } : {}) } : { role: 'coordinator' };
      const started = performance.now();
      const { bytes } = await fetchBackup(address, resolveTransport(flags), peer, flags.out);
      const result = { file: flags.out, bytes, seconds: (performance.now() - started) / 1000 };
      emit(Boolean(flags.json), result, () => `backup of ${address} written to ${flags.out} (${bytes} bytes, ${result.seconds.toFixed(2)} s)`);
    }));

  parent.command('restore')
    .description(`restore a ${role}'s stores and keys from a backup into an empty folder (verified before anything is written)`)
    .requiredOption('--data <dir>', 'empty or new folder to restore into')
    .requiredOption('--from <file>', 'backup file')
    .option('--json', 'print the result as JSON')
    .action((flags: { data: string; from: string; json?: boolean }) => runCommand(async () => {
      const { header, records } = await restoreBackup(flags.from, flags.data);
      const result = { dataDir: flags.data, role: header.role, site: header.site ?? null, createdAt: header.createdAt, records, databases: header.databases, files: header.files };
      emit(Boolean(flags.json), result, () =>
        `restored ${header.role}${header.site ? ` ${header.site}` : ''} from ${header.createdAt}: ${records} records in ${header.databases.join(', ')}; ` +
        `files ${header.files.join(', ')}. Start it with --data ${flags.data}.`);
    }));
}
