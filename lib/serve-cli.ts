/**
 * The operations flags every `serve` command shares (issue 17): `--config FILE` (applied in
 * bin/fedcredit.ts, lib/party-config.ts), the HTTP probe and metrics port, the log format and
 * level; and `fedcredit <role> config check`, which validates a config file and says what the
 * party would do with it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_CALL_LIMITS } from './call-limits.js';
import { emit, portOption, runCommand } from './cli-output.js';
import { CONFIG_KEYS, loadPartyConfig, type ServingRole } from './party-config.js';
import { LOG_FORMATS, LOG_LEVELS, partyLog, type LogFormat, type LogLevel } from './party-log.js';
import type { HttpEndpoint } from './party-ops.js';
import { FedcreditError } from './errors.js';
import { loadTlsMaterial, type TlsMaterial } from './tls.js';

export interface ServeOpsFlags {
  config?: string;
  httpPort?: number;
  httpHost?: string;
  logFormat?: LogFormat;
  logLevel?: LogLevel;
}

const oneOf = <T extends string>(flag: string, values: readonly T[]) => (value: string): T => {
  if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`${flag} must be ${values.join(', ')}; got '${value}'`);
  return value as T;
};

function httpPortOption(value: string): number {
  try {
    return portOption(value);
  } catch {
    throw new InvalidArgumentError(`--http-port must be 0-65535, got '${value}'`);
  }
}

/** Adds --config, --http-port, --http-host, --log-format and --log-level to a `serve` command. */
export function withServeOptions(command: Command): Command {
  return command
    .option('--config <file>', 'JSON config file (comments allowed; keys: `fedcredit <role> config keys`); flags given here override it')
    .option('--http-port <port>', 'serve /livez, /readyz and /metrics over HTTP on this port (default: off)', httpPortOption)
    .option('--http-host <host>', 'address for the HTTP endpoint (default 127.0.0.1)')
    .option('--log-format <format>', 'json (one object a line) or human (default: human on a terminal, else json)', oneOf('--log-format', LOG_FORMATS))
    .option('--log-level <level>', 'debug, info, warn or error (default info)', oneOf('--log-level', LOG_LEVELS));
}

/** The HTTP endpoint and log a serve command's flags ask for. */
export function serveOps(flags: ServeOpsFlags, role: ServingRole, party: string): { http?: HttpEndpoint; log: (line: string) => void } {
  return {
    ...(flags.httpPort !== undefined ? { http: { port: flags.httpPort, ...(flags.httpHost ? { host: flags.httpHost } : {}) } } : {}),
    log: partyLog({ role, party, ...(flags.logFormat ? { format: flags.logFormat } : {}), ...(flags.logLevel ? { level: flags.logLevel } : {}) }),
  };
}

/** `fedcredit <role> config check --config FILE` and `fedcredit <role> config keys`. */
export function registerConfigCommands(parent: Command, role: ServingRole): void {
  const config = parent.command('config').description(`check a ${role} config file, or list its keys`);
  config.command('check')
    .description('validate a config file (unknown keys, wrong types, missing files) and print what the party would do with it')
    .requiredOption('--config <file>', 'the config file')
    .option('--json', 'print as JSON')
    .action((flags: { config: string; json?: boolean }) => runCommand(async () => {
      const plan = describeConfig(role, flags.config);
      emit(Boolean(flags.json), plan, () => [
        `${flags.config}: OK (${role})`,
        ...Object.entries(plan).filter(([k]) => k !== 'role').map(([k, v]) => `  ${k.padEnd(14)} ${typeof v === 'string' ? v : JSON.stringify(v)}`),
      ].join('\n'));
    }));
  config.command('keys')
    .description('every key a config file may hold, with the flag or environment variable it stands for')
    .action(() => runCommand(async () => {
      process.stdout.write(`${Object.entries(CONFIG_KEYS[role]).map(([k, s]) =>
        `${k.padEnd(18)} ${(s.flag ?? s.falseFlag ?? `$${s.env ?? ''}`).padEnd(30)} ${s.type}${s.required ? ', required' : ''}: ${s.help}`).join('\n')}\n`);
    }));
}

/** What a party would do with this config: addresses, folders, identity, probes, limits. */
export function describeConfig(role: ServingRole, file: string): Record<string, unknown> {
  const { values: v } = loadPartyConfig(role, file);
  const data = v['data'] as string;
  const tlsDir = v['insecure'] === true ? undefined : (v['tls'] as string | undefined) ?? (process.env['FEDCREDIT_TLS'] || path.join(data, 'tls'));
  let tls: string;
  if (tlsDir === undefined) {
    tls = 'INSECURE: no TLS, no role checks (test machines only)';
  } else {
    let material: TlsMaterial;
    try {
      material = loadTlsMaterial(tlsDir);
    } catch (err) {
      throw new FedcreditError('CONFIG_INVALID', `${file}: key "tls" (or its default ${tlsDir}): ${(err as Error).message}`);
    }
    const { role: certRole, name } = material.identity;
    const wantRole = role === 'node' ? 'site' : 'coordinator';
    if (certRole !== wantRole || (role === 'node' && name !== v['site'])) {
      throw new FedcreditError('CONFIG_INVALID', `${file}: key "tls" names ${tlsDir}, which holds the certificate of ${certRole}/${name}, but this config runs ${wantRole}${role === 'node' ? `/${String(v['site'])}` : ''}; point "tls" at this party's own folder`);
    }
    const notAfter = new crypto.X509Certificate(material.cert).validTo;
    tls = `mutual TLS as ${certRole}/${name} from ${tlsDir} (certificate valid to ${new Date(notAfter).toISOString()})`;
  }
  const limits = DEFAULT_CALL_LIMITS;
  return {
    role,
    ...(role === 'node' ? { site: v['site'] } : {}),
    listen: `${(v['host'] as string | undefined) ?? '127.0.0.1'}:${(v['port'] as number | undefined) ?? 0}${v['port'] ? '' : ' (any free port)'}`,
    data: `${data}${fs.existsSync(data) ? '' : ' (created on first start)'}`,
    tls,
    ...(role === 'node' ? {
      coordinator: (v['coordinator'] as string | undefined) ?? 'none: stand-alone (no registration, no witness)',
      advertise: (v['advertise'] as string | undefined) ?? 'the listen address',
      witness: `every ${(v['witnessInterval'] as number | undefined) ?? 1000} ms`,
      policy: (v['policy'] as string | undefined) ?? 'default (the federation\'s coordinator, credit-scoring, all features)',
      onRefusal: v['exitOnRefusal'] === true ? 'exit' : 'keep serving as NOT_REGISTERED and ask again',
    } : {
      logOrigin: (v['logOrigin'] as string | undefined) ?? 'fedcredit.local/log',
      witnessQuorum: (v['witnessQuorum'] as number | undefined) ?? 'every registered node',
      checkpoints: `every ${(v['checkpointInterval'] as number | undefined) ?? 500} ms when the log grew`,
    }),
    http: v['http.port'] === undefined ? 'off (set http.port for /livez, /readyz, /metrics)' : `http://${(v['http.host'] as string | undefined) ?? '127.0.0.1'}:${String(v['http.port'])}/{livez,readyz,metrics}`,
    log: `${(v['log.format'] as string | undefined) ?? 'human on a terminal, else json'} lines on stderr, level ${(v['log.level'] as string | undefined) ?? 'info'} and up`,
    limits: `${limits.maxInFlight} calls in flight; per caller ${Object.entries(limits.perRole).map(([r, l]) => `${r} ${l.perSecond}/s`).join(', ')}`,
    ...(v['trustedRegistrars'] ? { trustedRegistrars: `${(v['trustedRegistrars'] as string[]).length} key(s) besides ${path.join(data, 'trusted-registrars')}` } : {}),
  };
}
