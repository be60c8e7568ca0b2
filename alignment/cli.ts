/**
 * `fedcredit align`: private entity alignment of the three sites, run by the coordinator.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { emit, endProgress, progressLine, runCommand } from '../lib/cli-output.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';
import { runAlignment } from './client.js';

const GUARANTEES = `
Guarantees: each site hashes its credit codes to Curve25519 and blinds them with its own
secret keys; the blinded sets are re-blinded by the other sites and shuffled, so only values
carrying all three sites' keys can be compared. Each site learns the enterprises all three
hold, as its own IDs in one agreed order with a train/validation split, and nothing about which
of its IDs only one other site holds (the leader also learns how many IDs the other two share).
Every payload between nodes is sealed to the recipient and signed by the sender, so the
coordinator, which relays them, learns set and intersection sizes only. The job is logged in
the transparency log and stored at every site, or, if any site fails, stored nowhere.`;

function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 0.9)) throw new InvalidArgumentError(`--validation must be a number from 0 to 0.9, got '${value}'`);
  return n;
}

export function registerAlignCommand(program: Command): void {
  withTransportOptions(program.command('align'))
    .description('align the enterprises the three sites share, by private set intersection')
    .addHelpText('after', GUARANTEES)
    .requiredOption('--coordinator <host:port>', 'the coordinator')
    .option('--sites <a,b,c>', 'the three sites, leader first', 'bank,tax,power')
    .option('--validation <fraction>', 'share of the intersection held out for validation', fraction, 0.2)
    .option('--seed <seed>', 'seed of the train/validation split (default: random)')
    .option('--json', 'print the result as JSON')
    .action((flags: TransportFlags & { coordinator: string; sites: string; validation: number; seed?: string; json?: boolean }) => runCommand(async () => {
      const transport = resolveTransport(flags);
      const progress = flags.json ? () => undefined : progressLine('align');
      const result = await runAlignment(flags.coordinator, transport, {
        sites: flags.sites.split(',').map((s) => s.trim()),
        validationFraction: flags.validation,
        ...(flags.seed ? { splitSeed: flags.seed } : {}),
      }, (p) => progress(`${p.stage}${p.site ? ` ${p.site}` : ''}: ${p.message} (${Math.round(Number(p.bytesRelayed) / 1024)} KiB relayed)`));
      if (!flags.json) endProgress();
      emit(Boolean(flags.json), result, () => [
        `alignment ${result.alignmentId} (log entry ${result.logIndex}), ${result.seconds.toFixed(1)} s`,
        `  set sizes: ${result.setSizes.map((s) => `${s.site} ${Number(s.size).toLocaleString('en-US')}`).join(', ')}`,
        `  intersection: ${Number(result.intersectionSize).toLocaleString('en-US')} enterprises ` +
          `(train ${result.trainSize}, validation ${result.validationSize}, split seed ${result.splitSeed})`,
      ].join('\n'));
    }));
}
