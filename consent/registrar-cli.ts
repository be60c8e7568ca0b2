/**
 * `fedcredit registrar ...`: the registrar's side of enterprise key registration. The
 * federation trusts the registrar's public key; a binding it signs says "this Ed25519 key
 * speaks for the enterprise with this credit code" (ISO/IEC TS 27560: the record identifies the
 * principal). In the demo the registrar is a local key; a real registrar binds a key only after
 * checking the enterprise's business licence and its legal representative.
 */
import fs from 'node:fs';
import { type Command } from 'commander';
import { emit, runCommand } from '../lib/cli-output.js';
import { bindEnterpriseKey, encodeKeyBinding, keyBindingEntry } from './verify.js';
import { describeKeyBinding } from './describe.js';
import { createKeyFile, readKeyFile, writeRecordFile } from './key-files.js';
import { publicKeyHex, subject } from './options.js';

export function registerRegistrarCommands(program: Command): void {
  const registrar = program.command('registrar').description('the registrar\'s tools: its key, and binding enterprise keys to credit codes');

  registrar.command('keygen')
    .description('create a registrar key (FILE, owner-only) and FILE.pub with its public key in hex, which the federation trusts')
    .requiredOption('--out <file>', 'the registrar\'s private key file')
    .option('--json', 'print the result as JSON')
    .action((flags: { out: string; json?: boolean }) => runCommand(async () => {
      const identity = createKeyFile(flags.out);
      const registrarKey = Buffer.from(identity.publicKey).toString('hex');
      writeRecordFile(`${flags.out}.pub`, registrarKey);
      emit(Boolean(flags.json), { registrarKey, keyFile: flags.out, publicFile: `${flags.out}.pub` }, () => [
        `registrar key: ${registrarKey}`,
        `  private key: ${flags.out} (owner-only)`,
        `  public key:  ${flags.out}.pub (configure the federation to trust it)`,
      ].join('\n'));
    }));

  registrar.command('bind')
    .description('bind an enterprise\'s public key to its credit code (do this only after checking who the enterprise is)')
    .requiredOption('--key <file>', 'the registrar\'s private key file')
    .requiredOption('--subject <id>', 'the enterprise\'s credit code (or its id as ingested, --id-type any federations)', subject)
    .requiredOption('--enterprise-key <hex|file>', 'the enterprise\'s public key in hex, or its enterprise.json')
    .requiredOption('--out <file>', 'where to write the binding')
    .option('--json', 'print the binding and its log entry as JSON')
    .action((flags: { key: string; subject: string; enterpriseKey: string; out: string; json?: boolean }) => runCommand(async () => {
      const identity = readKeyFile(flags.key, 'registrar key');
      const binding = bindEnterpriseKey(identity, flags.subject, Buffer.from(enterpriseKeyHex(flags.enterpriseKey, flags.subject), 'hex'));
      writeRecordFile(flags.out, encodeKeyBinding(binding));
      emit(Boolean(flags.json), { binding, logEntry: keyBindingEntry(binding) }, () => [
        ...describeKeyBinding(binding),
        `written to ${flags.out}: submit it to the federation's log as the enterprise's key registration`,
      ].join('\n'));
    }));
}

/** The enterprise key from hex or from an enterprise.json (whose subject must match). */
function enterpriseKeyHex(value: string, subject: string): string {
  if (!fs.existsSync(value)) return publicKeyHex('--enterprise-key', value);
  let parsed: { subject?: unknown; enterpriseKey?: unknown };
  try {
    parsed = JSON.parse(fs.readFileSync(value, 'utf8')) as typeof parsed;
  } catch {
    throw new RangeError(`--enterprise-key: ${value} is not JSON; pass the enterprise.json from \`fedcredit consent keygen\` or the key in hex`);
  }
  if (parsed.subject !== subject) throw new RangeError(`--enterprise-key: ${value} is for ${String(parsed.subject)}, not ${subject}`);
  return publicKeyHex('--enterprise-key', String(parsed.enterpriseKey));
}
