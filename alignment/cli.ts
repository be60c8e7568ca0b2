/**
 * `fedcredit align`: private entity alignment of the three sites, run by the coordinator.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { emit, endProgress, progressLine, runCommand } from '../lib/cli-output.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';
import { runAlignment } from './client.js';
import { longsAsNumbers } from '../lib/json-numbers.js';
import { describeIdRule, ID_CASES, ID_TYPES, isIdCase, isIdType, type IdCase, type IdType } from './ids.js';

const GUARANTEES = `
Ids: the sites align on one id type. credit-code: unified social credit codes, checked.
any: ids of any text (integers, UUIDs, Chinese), compared after Unicode NFC and trimming,
case kept unless --id-case fold; each is hashed to 32 bytes first, so no id length shows.
Without --id-type: credit-code if every node holds credit codes, any if every node holds
free-form ids; nodes that differ are refused with what each holds (docs/feature-tables.md).

Guarantees: each site hashes its ids to Curve25519 and blinds them with its own
secret keys; the blinded sets are re-blinded by the other sites and shuffled, so only values
carrying all three sites' keys can be compared. Each site learns the enterprises all three
hold, as its own IDs in one agreed order with a train/validation split, and nothing about which
of its IDs only one other site holds (the leader also learns how many IDs the other two share).
Every payload between nodes is sealed to the recipient and signed by the sender, so the
coordinator, which relays them, learns set and intersection sizes only. The job is logged in
the transparency log and stored at every site, or, if any site fails, stored nowhere.`;

function idType(value: string): IdType {
  if (!isIdType(value)) throw new InvalidArgumentError(`--id-type must be one of ${ID_TYPES.join(', ')}, got '${value}'`);
  return value;
}

function idCase(value: string): IdCase {
  if (!isIdCase(value)) throw new InvalidArgumentError(`--id-case must be one of ${ID_CASES.join(', ')}, got '${value}'`);
  return value;
}

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
    .option('--id-type <type>', 'ids the sites compare: credit-code or any (default: what every node holds)', idType)
    .option('--id-case <rule>', 'with --id-type any: keep or fold the case of ids', idCase, 'keep')
    .option('--json', 'print the result as JSON')
    .action((flags: TransportFlags & {
      coordinator: string; sites: string; validation: number; seed?: string; json?: boolean; idType?: IdType; idCase: IdCase;
    }) => runCommand(async () => {
      const transport = resolveTransport(flags);
      const progress = flags.json ? () => undefined : progressLine('align');
      const result = await runAlignment(flags.coordinator, transport, {
        sites: flags.sites.split(',').map((s) => s.trim()),
        validationFraction: flags.validation,
        ...(flags.seed ? { splitSeed: flags.seed } : {}),
        ...(flags.idType ? { idType: flags.idType } : {}),
        idCase: flags.idCase,
      }, (p) => progress(`${p.stage}${p.site ? ` ${p.site}` : ''}: ${p.message} (${Math.round(Number(p.bytesRelayed) / 1024)} KiB relayed)`));
      if (!flags.json) endProgress();
      emit(Boolean(flags.json), longsAsNumbers('AlignmentSummary', result), () => [
        `alignment ${result.alignmentId} (log entry ${result.logIndex}), ${result.seconds.toFixed(1)} s`,
        `  set sizes: ${result.setSizes.map((s) => `${s.site} ${Number(s.size).toLocaleString('en-US')}`).join(', ')}`,
        `  intersection: ${Number(result.intersectionSize).toLocaleString('en-US')} enterprises ` +
          `(train ${result.trainSize}, validation ${result.validationSize}, split seed ${result.splitSeed})`,
        `  ids: ${describeIdRule({ type: result.idType === 'any' ? 'any' : 'credit-code', idCase: result.idCase === 'fold' ? 'fold' : 'keep' })}`,
      ].join('\n'));
    }));
}
