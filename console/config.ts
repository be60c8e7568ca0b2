/**
 * The console's config file (as lib/party-config.ts does for `serve`): JSON with comments,
 * one key per `console serve` flag in camelCase, relative paths against the file's folder.
 * `fedcredit console serve --config FILE` turns it into flags placed before the command
 * line's own (so the command line wins); `console config keys` lists the keys and
 * `console config check --config FILE` validates a file and says what the console would do.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, runCommand } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';
import { stripJsonComments } from '../lib/party-config.js';

type KeyType = 'string' | 'boolean' | 'dir' | 'file' | 'hostPort';

interface KeySpec {
  type: KeyType;
  flag: string;
  required?: boolean;
  oneOf?: readonly string[];
  help: string;
}

export const CONSOLE_CONFIG_KEYS: Readonly<Record<string, KeySpec>> = {
  tls: { type: 'dir', flag: '--tls', required: true, help: 'the client TLS folder the console acts with (operator, requester or auditor)' },
  target: { type: 'hostPort', flag: '--target', required: true, help: 'the party\'s server: the coordinator, or the site\'s node' },
  data: { type: 'dir', flag: '--data', required: true, help: 'the console\'s own folder (users.json, its stores), mode 0700' },
  listen: { type: 'hostPort', flag: '--listen', help: 'listen address (default 127.0.0.1:7443)' },
  publicOrigin: { type: 'string', flag: '--public-origin', help: 'https://HOST[:PORT] as browsers reach the console' },
  httpsCert: { type: 'file', flag: '--https-cert', help: 'HTTPS certificate (PEM) browsers trust' },
  httpsKey: { type: 'file', flag: '--https-key', help: 'its key (PEM)' },
  httpsPartyCert: { type: 'dir', flag: '--https-party-cert', help: 'serve HTTPS with the serving party\'s federation certificate (its TLS folder)' },
  behindProxy: { type: 'boolean', flag: '--behind-proxy', help: 'plain HTTP on loopback behind a TLS proxy' },
  enterprisePortal: { type: 'boolean', flag: '--enterprise-portal', help: 'also serve the enterprise portal (coordinator or auditor consoles)' },
  trustedRegistrars: { type: 'file', flag: '--trusted-registrars', help: 'registrar keys trusted to bind enterprise keys' },
  operatorTls: { type: 'dir', flag: '--operator-tls', help: 'bank: the label holder\'s operator folder' },
  keys: { type: 'dir', flag: '--keys', help: 'bank: its query-signing and sealing keys' },
  state: { type: 'file', flag: '--state', help: 'auditor: the state file of `audit verify`' },
  defaultLang: { type: 'string', flag: '--default-lang', oneOf: ['zh-CN', 'en'], help: 'language when the browser says neither (default zh-CN)' },
  timeZone: { type: 'string', flag: '--time-zone', help: 'time zone of the dates shown (default Asia/Shanghai)' },
  printLink: { type: 'boolean', flag: '--print-link', help: 'print a single-use sign-in link at start' },
  maxUpload: { type: 'string', flag: '--max-upload', help: 'largest upload, e.g. 2GiB' },
};

/** The flags a config file stands for, paths resolved against its folder; unknown keys and wrong types refused. */
export function consoleConfigArgs(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new FedcreditError('CONFIG_INVALID', `${file} cannot be read: check the path given to --config`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw new FedcreditError('CONFIG_INVALID', `${file} is not JSON (comments allowed): ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FedcreditError('CONFIG_INVALID', `${file} must hold one JSON object of settings`);
  const base = path.dirname(path.resolve(file));
  const args: string[] = [];
  const values = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    const spec = CONSOLE_CONFIG_KEYS[key];
    if (!spec) throw new FedcreditError('CONFIG_INVALID', `${file}: unknown key "${key}"; the keys are listed by \`fedcredit console config keys\``);
    if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') throw new FedcreditError('CONFIG_INVALID', `${file}: "${key}" must be true or false`);
      if (value) args.push(spec.flag);
      continue;
    }
    if (typeof value !== 'string' || value.length === 0) throw new FedcreditError('CONFIG_INVALID', `${file}: "${key}" must be a non-empty string`);
    if (spec.oneOf && !spec.oneOf.includes(value)) throw new FedcreditError('CONFIG_INVALID', `${file}: "${key}" must be one of ${spec.oneOf.join(', ')}; got '${value}'`);
    args.push(spec.flag, spec.type === 'dir' || spec.type === 'file' ? path.resolve(base, value) : value);
  }
  // A required key the file lacks may come from the command line: commander names it if neither gives it.
  return args;
}

/** `fedcredit console serve --config FILE ...`: the file's flags, then the command line's own. */
export function expandConsoleConfig(argv: readonly string[]): string[] {
  if (argv[2] !== 'console' || argv[3] !== 'serve') return [...argv];
  const rest = argv.slice(4);
  const at = rest.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at < 0) return [...argv];
  const inline = rest[at]!.startsWith('--config=');
  const file = inline ? rest[at]!.slice('--config='.length) : rest[at + 1];
  if (file === undefined) throw new FedcreditError('CONFIG_INVALID', '--config needs a file: --config /etc/fedcredit/console.json');
  const own = [...rest.slice(0, at), ...rest.slice(at + (inline ? 1 : 2))];
  return [...argv.slice(0, 4), ...consoleConfigArgs(file), ...own];
}

export function registerConsoleConfigCommands(parent: Command, describe: (args: string[]) => Record<string, unknown>): void {
  const config = parent.command('config').description('check a console config file, or list its keys');
  config.command('keys')
    .description('every key a console config file may hold, with the flag it stands for')
    .action(() => runCommand(async () => {
      process.stdout.write(`${Object.entries(CONSOLE_CONFIG_KEYS).map(([k, s]) => `${k.padEnd(18)} ${s.flag.padEnd(22)} ${s.type}${s.required ? ', required' : ''}: ${s.help}`).join('\n')}\n`);
    }));
  config.command('check')
    .description('validate a console config file (keys, types, TLS folder, HTTPS mode, files) and print what the console would do')
    .requiredOption('--config <file>', 'the config file')
    .option('--json', 'print as JSON')
    .action((flags: { config: string; json?: boolean }) => runCommand(async () => {
      const plan = describe(consoleConfigArgs(flags.config));
      emit(Boolean(flags.json), plan, () => [`${flags.config}: OK (console)`, ...Object.entries(plan).map(([k, v]) => `  ${k.padEnd(16)} ${typeof v === 'string' ? v : JSON.stringify(v)}`)].join('\n'));
    }));
}
