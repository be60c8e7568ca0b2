/**
 * `fedcredit console serve` and `fedcredit console user add|passwd|disable|list`
 * (docs/design/console.md section 2). The console's kind comes from the certificate in --tls
 * (operator/coordinator, operator/<site>, requester/<bank>, auditor/<name>), never from a
 * request; at start it makes one harmless call of that kind and refuses to start, naming the
 * certificate and the target, when the party refuses it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { emit, runCommand, waitForSignal } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';
import { loadTlsMaterial, type Transport } from '../lib/tls.js';
import { KindClients } from './clients.js';
import { startConsoleServer } from './server.js';
import { kindOfRole, type ConsoleOptions, type HttpsMode } from './options.js';
import { isLang } from './i18n/catalogue.js';
import {
  ACCOUNT_NAME, checkDataFolder, checkPassword, hashPassword, readAccounts, writeAccounts, type Account, type AccountRole,
} from './security/accounts.js';
import { registerConsoleConfigCommands } from './config.js';

export interface ServeFlags {
  tls: string;
  target: string;
  data: string;
  listen: string;
  publicOrigin?: string;
  httpsCert?: string;
  httpsKey?: string;
  httpsPartyCert?: string;
  behindProxy?: boolean;
  enterprisePortal?: boolean;
  trustedRegistrars?: string;
  operatorTls?: string;
  keys?: string;
  state?: string;
  defaultLang: string;
  timeZone: string;
  printLink?: boolean;
  maxUpload: number;
}

export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`a size is a number with an optional unit (B, KiB, MiB, GiB), e.g. 2GiB; got '${value}'`);
  const units: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };
  return Math.floor(Number(m[1]) * (units[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

function listenOption(value: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):\d{1,5}$/.test(value)) throw new InvalidArgumentError(`--listen takes HOST:PORT, e.g. 127.0.0.1:7443; got '${value}'`);
  return value;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Checks the flags and turns them into the console's options (no network yet). */
export function consoleOptions(flags: ServeFlags, opts: { dryRun?: boolean } = {}): { options: ConsoleOptions; transport: Transport } {
  const material = loadTlsMaterial(flags.tls);
  const { role, name } = material.identity;
  const kind = kindOfRole(role, name);
  if (!kind) {
    throw new FedcreditError('TLS_MATERIAL', `${flags.tls} holds the certificate of ${role}/${name}: a console runs with a client certificate ` +
      '(operator/coordinator, operator/<site>, requester/<bank> or auditor/<name>), never a server\'s');
  }
  const sep = flags.listen.lastIndexOf(':');
  const listenHost = flags.listen.slice(0, sep).replace(/^\[(.*)\]$/, '$1');
  const listenPort = Number(flags.listen.slice(sep + 1));
  const modes = [flags.httpsCert || flags.httpsKey ? 'cert' : undefined, flags.httpsPartyCert ? 'party' : undefined, flags.behindProxy ? 'proxy' : undefined].filter((m) => m !== undefined);
  if (modes.length !== 1) {
    throw new FedcreditError('BAD_REQUEST', 'choose exactly one HTTPS mode: --https-cert FILE --https-key FILE (a certificate browsers trust), ' +
      '--https-party-cert DIR (the serving party\'s federation certificate), or --behind-proxy (plain HTTP on loopback behind a TLS proxy, deploy/console-nginx.conf)');
  }
  let https: HttpsMode;
  if (flags.behindProxy) {
    if (!LOOPBACK_HOSTS.has(listenHost) && !LOOPBACK_HOSTS.has(`[${listenHost}]`)) {
      throw new FedcreditError('BAD_REQUEST', `--behind-proxy serves plain HTTP, so it listens on loopback only; --listen ${flags.listen} is not loopback: use 127.0.0.1:PORT and let the proxy reach it`);
    }
    https = { mode: 'proxy' };
  } else if (flags.httpsPartyCert) {
    https = { mode: 'party', dir: checkPartyServerCertificate(flags.httpsPartyCert) };
  } else {
    if (!flags.httpsCert || !flags.httpsKey) throw new FedcreditError('BAD_REQUEST', '--https-cert and --https-key go together: the certificate file and its key file (PEM)');
    for (const f of [flags.httpsCert, flags.httpsKey]) if (!fs.existsSync(f)) throw new FedcreditError('NOT_FOUND', `${f} does not exist`);
    https = { mode: 'cert', cert: flags.httpsCert, key: flags.httpsKey };
  }
  if (!isLang(flags.defaultLang)) throw new FedcreditError('BAD_REQUEST', `--default-lang must be zh-CN or en; got '${flags.defaultLang}'`);
  try {
    new Intl.DateTimeFormat('en', { timeZone: flags.timeZone });
  } catch {
    throw new FedcreditError('BAD_REQUEST', `--time-zone '${flags.timeZone}' is not an IANA time zone (e.g. Asia/Shanghai, UTC)`);
  }
  if (flags.publicOrigin !== undefined) checkOriginFlag(flags.publicOrigin);
  if (flags.enterprisePortal && kind !== 'coordinator' && kind !== 'auditor') {
    throw new FedcreditError('BAD_REQUEST', `--enterprise-portal runs in a coordinator or auditor console (they may read the log); this is a ${kind} console`);
  }
  if (flags.trustedRegistrars && !fs.existsSync(flags.trustedRegistrars)) {
    throw new FedcreditError('NOT_FOUND', `--trusted-registrars ${flags.trustedRegistrars} does not exist: pass the coordinator's file of trusted registrar keys (<coordinator data>/trusted-registrars)`);
  }
  if (flags.operatorTls) {
    const op = loadTlsMaterial(flags.operatorTls).identity;
    if (op.role !== 'operator' || op.name === 'coordinator') throw new FedcreditError('TLS_MATERIAL', `--operator-tls ${flags.operatorTls} holds ${op.role}/${op.name}: pass the bank site's operator folder (operator/<site>)`);
  }
  if (flags.keys && kind !== 'bank') throw new FedcreditError('BAD_REQUEST', '--keys is for a bank console (its query-signing and sealing keys)');
  if (flags.operatorTls && kind !== 'bank') throw new FedcreditError('BAD_REQUEST', '--operator-tls is for a bank console (the label holder\'s operator folder)');
  if (!opts.dryRun) checkDataFolder(flags.data);
  else if (fs.existsSync(flags.data) && (fs.statSync(flags.data).mode & 0o077) !== 0) checkDataFolder(flags.data);
  const options: ConsoleOptions = {
    kind, identity: material.identity, tlsDir: flags.tls, target: flags.target, dataDir: flags.data,
    publicOrigin: flags.publicOrigin ?? '', listenHost, listenPort, https,
    enterprisePortal: Boolean(flags.enterprisePortal),
    ...(flags.trustedRegistrars ? { trustedRegistrars: flags.trustedRegistrars } : {}),
    ...(flags.operatorTls ? { operatorTls: flags.operatorTls } : {}),
    ...(flags.keys ? { keysDir: flags.keys } : {}),
    ...(flags.state ? { state: flags.state } : {}),
    defaultLang: flags.defaultLang, timeZone: flags.timeZone, printLink: Boolean(flags.printLink), maxUpload: flags.maxUpload,
  };
  return { options, transport: { kind: 'tls', material } };
}

function checkOriginFlag(origin: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new FedcreditError('BAD_REQUEST', `--public-origin must be https://HOST[:PORT] as browsers reach the console; got '${origin}'`);
  }
  if (url.protocol !== 'https:' || url.origin !== origin) {
    throw new FedcreditError('BAD_REQUEST', `--public-origin must be exactly https://HOST[:PORT] (no path, no trailing slash), as browsers send it in Origin; got '${origin}' (did you mean ${url.protocol === 'https:' ? url.origin : 'https://...'}?)`);
  }
}

/** --https-party-cert: a coordinator's or site's own folder (a server certificate); client certificates are refused. */
function checkPartyServerCertificate(dir: string): string {
  const material = loadTlsMaterial(dir);
  const { role, name } = material.identity;
  if (role !== 'coordinator' && role !== 'site') {
    throw new FedcreditError('TLS_MATERIAL', `--https-party-cert ${dir} holds the client certificate of ${role}/${name}: pass the serving party's own folder (coordinator or site), whose certificate names its hosts`);
  }
  return dir;
}

/** The start-up call of 2 ("refuses to start if it is refused"): one the party allows this role, harmless. */
async function checkReachable(clients: KindClients, flags: ServeFlags, who: string): Promise<void> {
  try {
    if (clients.kind === 'node') await clients.call(clients.dataNode, clients.dataNode.getNodeStatus, {});
    else if (clients.kind === 'bank') await clients.call(clients.coordinator, clients.coordinator.health, {});
    // GetLogInfo rather than Health: Health answers anyone, GetLogInfo checks that this operator or auditor may read the log.
    else await clients.call(clients.log, clients.log.getLogInfo, {});
  } catch (err) {
    if (!(err instanceof FedcreditError)) throw err;
    throw new FedcreditError(err.code, `the console cannot act as ${who} (certificate in ${flags.tls}) at ${flags.target}: ${err.message}`);
  }
}

/** The options of `console serve` (also used to read a config file for `config check`). */
function withServeOptions(command: Command): Command {
  return command
    .requiredOption('--tls <dir>', 'the client TLS folder the console acts with: operator/coordinator, operator/<site>, requester/<bank> or auditor/<name>')
    .requiredOption('--target <host:port>', 'the party\'s server: the coordinator, or for a site operator its node')
    .requiredOption('--data <dir>', 'the console\'s own folder (users.json, its stores); mode 0700')
    .option('--listen <host:port>', 'address to listen on', listenOption, '127.0.0.1:7443')
    .option('--public-origin <url>', 'https://HOST[:PORT] as browsers reach the console (default https://<listen>)')
    .option('--https-cert <file>', 'HTTPS certificate (PEM) browsers trust, e.g. from `fedcredit init --consoles HOST`')
    .option('--https-key <file>', 'its key (PEM)')
    .option('--https-party-cert <dir>', 'serve HTTPS with the serving party\'s own federation certificate (its TLS folder), for browsers that trust the federation CA')
    .option('--behind-proxy', 'plain HTTP on loopback behind a TLS proxy (deploy/console-nginx.conf)')
    .option('--enterprise-portal', 'also serve the enterprise portal (/e/): coordinator or auditor consoles')
    .option('--trusted-registrars <file>', 'registrar keys trusted to bind enterprise keys (the coordinator\'s file)')
    .option('--operator-tls <dir>', 'bank: the label holder\'s operator folder, to read its model reports')
    .option('--keys <dir>', 'bank: its query-signing and sealing keys (as `fedcredit score --keys`; default: the --tls folder)')
    .option('--state <file>', 'auditor: the state file of `audit verify` (pinned log key, witnesses)')
    .option('--default-lang <lang>', 'zh-CN or en, when the browser says neither', 'zh-CN')
    .option('--time-zone <tz>', 'time zone of the dates shown', 'Asia/Shanghai')
    .option('--print-link', 'print a single-use sign-in link at start (always printed when there is no account yet)')
    .option('--max-upload <size>', 'largest upload (e.g. 2GiB)', parseSize, 2 * 1024 ** 3)
    .addHelpText('after', '\nCreate accounts with `fedcredit console user add --data DIR --name NAME --role admin|viewer` on this host.');
}

export function registerConsoleCommands(program: Command): void {
  const consoleCmd = program.command('console').description('the web console of a party: a browser front end acting with that party\'s client certificate');
  withServeOptions(consoleCmd.command('serve')
    .description('serve the console over HTTPS; its kind (coordinator, node, bank, auditor) comes from the certificate in --tls')
    .option('--config <file>', 'JSON config file (comments allowed; keys: `fedcredit console config keys`); flags given here override it'))
    .action((flags: ServeFlags) => runCommand(async () => {
      const { options, transport } = consoleOptions(flags);
      const who = `${options.identity.role}/${options.identity.name}`;
      const clients = new KindClients(options.kind, options.target, transport, options.operatorTls);
      await checkReachable(clients, flags, who);
      const running = await startConsoleServer(options, { clients });
      if (!options.publicOrigin) {
        const port = (running.server.address() as { port: number }).port;
        const host = options.listenHost.includes(':') ? `[${options.listenHost}]` : options.listenHost;
        options.publicOrigin = `https://${host}:${port}`;
      }
      const hasAccount = readAccounts(options.dataDir).some((a) => !a.disabled);
      process.stdout.write(`console for ${who}: ${options.publicOrigin}/\n`);
      if (options.printLink || !hasAccount) process.stdout.write(`sign in once (valid 15 min): ${options.publicOrigin}/login/link/${running.links.issue()}\n`);
      process.stdout.write(`${JSON.stringify({ event: 'console_started', kind: options.kind, party: who, listen: running.url, origin: options.publicOrigin, https: options.https.mode, target: options.target })}\n`);
      await waitForSignal();
      await running.close();
      clients.close();
    }));

  const user = consoleCmd.command('user').description('console accounts in <data>/users.json (made only on the console\'s host; no registration page)');
  user.command('add')
    .description('add an account; the password is asked twice (no echo), or read from stdin\'s first line when stdin is not a terminal')
    .requiredOption('--data <dir>', 'the console\'s data folder')
    .requiredOption('--name <name>', 'account name (lowercase letters, digits, . _ -)')
    .option('--role <role>', 'admin (views and actions) or viewer (views only)', 'viewer')
    .option('--json', 'print as JSON')
    .action((flags: { data: string; name: string; role: string; json?: boolean }) => runCommand(async () => {
      const role = accountRole(flags.role);
      if (!ACCOUNT_NAME.test(flags.name)) throw new FedcreditError('BAD_REQUEST', `account name '${flags.name}' must be lowercase letters, digits, '.', '_' or '-' (at most 64)`);
      checkDataFolder(flags.data);
      const accounts = readAccounts(flags.data);
      if (accounts.some((a) => a.name === flags.name)) throw new FedcreditError('BAD_REQUEST', `account '${flags.name}' exists: change its password with \`fedcredit console user passwd\``);
      const hash = await hashPassword(await readNewPassword());
      const account: Account = { name: flags.name, role, hash, created: new Date().toISOString(), disabled: false };
      writeAccounts(flags.data, [...accounts, account]);
      emit(Boolean(flags.json), { name: account.name, role, created: account.created }, () => `added ${role} account '${flags.name}' to ${path.join(flags.data, 'users.json')}`);
    }));
  user.command('passwd')
    .description('set an account\'s password (its sessions end when the console next checks)')
    .requiredOption('--data <dir>', 'the console\'s data folder')
    .requiredOption('--name <name>', 'account name')
    .action((flags: { data: string; name: string }) => runCommand(async () => {
      const accounts = readAccounts(flags.data);
      const account = accounts.find((a) => a.name === flags.name);
      if (!account) throw new FedcreditError('NOT_FOUND', `no account '${flags.name}' in ${flags.data}: list them with \`fedcredit console user list\``);
      account.hash = await hashPassword(await readNewPassword());
      writeAccounts(flags.data, accounts);
      process.stdout.write(`password of '${flags.name}' changed\n`);
    }));
  user.command('disable')
    .description('disable an account (or enable it again with --enable)')
    .requiredOption('--data <dir>', 'the console\'s data folder')
    .requiredOption('--name <name>', 'account name')
    .option('--enable', 'enable it again')
    .action((flags: { data: string; name: string; enable?: boolean }) => runCommand(async () => {
      const accounts = readAccounts(flags.data);
      const account = accounts.find((a) => a.name === flags.name);
      if (!account) throw new FedcreditError('NOT_FOUND', `no account '${flags.name}' in ${flags.data}: list them with \`fedcredit console user list\``);
      account.disabled = !flags.enable;
      writeAccounts(flags.data, accounts);
      process.stdout.write(`account '${flags.name}' ${account.disabled ? 'disabled' : 'enabled'}\n`);
    }));
  user.command('list')
    .description('list the accounts (never their hashes)')
    .requiredOption('--data <dir>', 'the console\'s data folder')
    .option('--json', 'print as JSON')
    .action((flags: { data: string; json?: boolean }) => runCommand(async () => {
      const accounts = readAccounts(flags.data).map(({ name, role, created, disabled }) => ({ name, role, created, disabled }));
      emit(Boolean(flags.json), accounts, () => accounts.length === 0 ? `no accounts in ${flags.data}` :
        accounts.map((a) => `${a.name.padEnd(24)} ${a.role.padEnd(7)} ${a.created}${a.disabled ? '  disabled' : ''}`).join('\n'));
    }));
  registerConsoleConfigCommands(consoleCmd, describeConsoleConfig);
}

function accountRole(value: string): AccountRole {
  if (value !== 'admin' && value !== 'viewer') throw new FedcreditError('BAD_REQUEST', `--role must be admin or viewer; got '${value}'`);
  return value;
}

/** The new password: asked twice without echo on a terminal; else the first line of stdin (scripts, tests). */
async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
    const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
    checkPassword(password);
    return password;
  }
  const first = await askHidden('new password: ');
  checkPassword(first);
  const second = await askHidden('again: ');
  if (first !== second) throw new FedcreditError('BAD_REQUEST', 'the two passwords differ; run the command again');
  return first;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let text = '';
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') { done(); resolve(text); return; }
        if (ch === '\u0003') { done(); reject(new FedcreditError('BAD_REQUEST', 'cancelled')); return; }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}


/** `config check`: the file's flags checked as `serve` would, without touching the network or the data folder. */
export function describeConsoleConfig(args: string[]): Record<string, unknown> {
  const probe = withServeOptions(new Command('serve')).exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    probe.parse(args, { from: 'user' });
  } catch (err) {
    throw new FedcreditError('CONFIG_INVALID', (err as Error).message.replace(/^error: /, ''));
  }
  const { options } = consoleOptions(probe.opts<ServeFlags>(), { dryRun: true });
  return {
    kind: options.kind, party: `${options.identity.role}/${options.identity.name}`, target: options.target, data: options.dataDir,
    listen: `${options.listenHost}:${options.listenPort}`, origin: options.publicOrigin || `https://${options.listenHost}:${options.listenPort}`,
    https: options.https.mode === 'proxy' ? 'behind a TLS proxy (plain HTTP on loopback)' : options.https.mode === 'party' ? `the party certificate in ${options.https.dir}` : `${options.https.cert}`,
    enterprisePortal: options.enterprisePortal, defaultLang: options.defaultLang, timeZone: options.timeZone, maxUpload: options.maxUpload,
  };
}
