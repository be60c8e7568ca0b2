/**
 * One config file per serving party (issue 17): `fedcredit node serve --config FILE` and
 * `fedcredit coordinator serve --config FILE`. The format is JSON with `//` and `/* *\/`
 * comments allowed (stripped before parsing): no YAML or TOML parser is a dependency, JSON
 * needs none, and comments let an agency annotate its file. Every `serve` flag has a key (the
 * flag in camelCase; `http.*` and `log.*` nested), and so do the environment variables a
 * server reads (FEDCREDIT_TLS as `tls`, FEDCREDIT_TRUSTED_REGISTRARS as `trustedRegistrars`,
 * FEDCREDIT_MODEL_KIND_MODULES as `modelKindModules`, FEDCREDIT_TRAINING_RETRY_MS as
 * `trainingRetryMs`, FEDCREDIT_DEBUG as `debug`; FEDCREDIT_TEST_IGNORE_REVOCATIONS is for tests
 * and has none). Precedence: flags on the command line,
 * then the file, then environment variables. Relative paths are relative to the file's folder,
 * so a unit file can point at /etc/fedcredit/node.json and the rest follows.
 *
 * How it applies: the file becomes flags placed before the command line's own (bin/fedcredit.ts),
 * so commander's last-one-wins gives the command line precedence and every flag check still runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FedcreditError } from './errors.js';

export type ServingRole = 'node' | 'coordinator';

type KeyType = 'string' | 'port' | 'positiveInt' | 'boolean' | 'dir' | 'file' | 'hostPort' | 'stringList';

interface KeySpec {
  type: KeyType;
  /** The `serve` flag it becomes, or the environment variable it sets. */
  flag?: string;
  env?: string;
  required?: boolean;
  help: string;
  /** One of these values (strings). */
  oneOf?: readonly string[];
  /** A boolean whose default is true: the flag that turns it off (`false` in the file). */
  falseFlag?: string;
}

const COMMON: Readonly<Record<string, KeySpec>> = {
  data: { type: 'dir', flag: '--data', required: true, help: 'the party\'s data folder (LevelDB stores, identity key); created when missing' },
  host: { type: 'string', flag: '--host', help: 'gRPC listen address (default 127.0.0.1)' },
  port: { type: 'port', flag: '--port', help: 'gRPC port (0 = any free port)' },
  tls: { type: 'dir', flag: '--tls', help: 'this party\'s TLS folder (ca.crt, tls.crt, tls.key); default <data>/tls' },
  insecure: { type: 'boolean', flag: '--insecure', help: 'no TLS (test machines only)' },
  'http.port': { type: 'port', flag: '--http-port', help: 'HTTP port for /livez, /readyz and /metrics (absent: no HTTP endpoint)' },
  'http.host': { type: 'string', flag: '--http-host', help: 'HTTP listen address (default 127.0.0.1)' },
  'log.format': { type: 'string', flag: '--log-format', oneOf: ['json', 'human'], help: 'json lines, or human (default: human on a terminal)' },
  'log.level': { type: 'string', flag: '--log-level', oneOf: ['debug', 'info', 'warn', 'error'], help: 'lowest level written (default info)' },
  trustedRegistrars: { type: 'stringList', env: 'FEDCREDIT_TRUSTED_REGISTRARS', help: 'registrar keys (hex) trusted to bind enterprise keys, besides <data>/trusted-registrars' },
  debug: { type: 'boolean', env: 'FEDCREDIT_DEBUG', help: 'print the stack of an unexpected start-up failure' },
};

export const CONFIG_KEYS: Readonly<Record<ServingRole, Readonly<Record<string, KeySpec>>>> = {
  node: {
    site: { type: 'string', flag: '--site', required: true, help: 'the site this node runs at (tax, power, bank, ...)' },
    ...COMMON,
    coordinator: { type: 'hostPort', flag: '--coordinator', help: 'the coordinator to register with (host:port)' },
    advertise: { type: 'hostPort', flag: '--advertise', help: 'address the coordinator calls this node on (default host:port)' },
    witnessInterval: { type: 'positiveInt', flag: '--witness-interval', help: 'ms between checks of the coordinator\'s log (default 1000)' },
    exitOnRefusal: { type: 'boolean', flag: '--exit-on-refusal', help: 'exit when the coordinator refuses the registration' },
    policy: { type: 'file', flag: '--policy', help: 'local policy file (docs/training.md, docs/scoring.md)' },
  },
  coordinator: {
    ...COMMON,
    logOrigin: { type: 'string', flag: '--log-origin', help: 'transparency log origin line (fixed for the life of the log)' },
    witnessQuorum: { type: 'positiveInt', flag: '--witness-quorum', help: 'cosignatures that make a checkpoint final (default: every node)' },
    checkpointInterval: { type: 'positiveInt', flag: '--checkpoint-interval', help: 'ms between checkpoints when the log grew (default 500)' },
    modelKindModules: { type: 'stringList', env: 'FEDCREDIT_MODEL_KIND_MODULES', help: 'extra model kind modules to load' },
    trainingRetryMs: { type: 'positiveInt', env: 'FEDCREDIT_TRAINING_RETRY_MS', help: 'ms a training job waits for an unreachable node before it fails, resumable (default 180000)' },
    consentCacheLimit: { type: 'positiveInt', flag: '--consent-cache-limit', help: 'consents whose state the consent ledger keeps in memory (default 100000; raise it above the largest monitoring portfolio)' },
    // Post-loan monitoring (docs/design/monitoring.md 2.1, 2.2).
    'monitoring.batchSize': { type: 'positiveInt', flag: '--monitoring-batch-size', help: 'enterprises per re-scoring batch, 256 to 16384 (default 4096)' },
    'monitoring.schedule': { type: 'string', flag: '--monitoring-schedule', help: 'when portfolios are re-scored: 5-field cron, UTC (default "0 2 1 * *": 02:00 on the 1st)' },
    'monitoring.onIngest': { type: 'boolean', falseFlag: '--no-monitoring-on-ingest', help: 're-score when a site ingests new features (default true)' },
    'monitoring.ingestDebounceMs': { type: 'positiveInt', flag: '--monitoring-ingest-debounce', help: 'ms without a further feature change before the ingest runs start (default 600000)' },
  },
};

export interface PartyConfig {
  role: ServingRole;
  file: string;
  /** Key (dotted) to value, paths resolved against the file's folder. */
  values: Record<string, string | number | boolean | string[]>;
}

const bad = (file: string, key: string, what: string, todo: string) =>
  new FedcreditError('CONFIG_INVALID', `${file}: key "${key}" ${what}; ${todo}`);

/** Drops `//` and block comments outside strings. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const skipped = text.slice(i, end < 0 ? text.length : end + 2);
      out += skipped.replace(/[^\n]/g, ' ');
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** Reads and checks a party's config file: every problem names the key, what was wrong and what to do. */
export function loadPartyConfig(role: ServingRole, file: string): PartyConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new FedcreditError('CONFIG_INVALID', `config file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass the path of this ${role}'s JSON config`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw new FedcreditError('CONFIG_INVALID', `${file} is not JSON (comments allowed): ${(err as Error).message}; fix the syntax (docs: README "Deployment")`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FedcreditError('CONFIG_INVALID', `${file} must hold one JSON object of settings`);
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if ((k === 'http' || k === 'log' || k === 'monitoring') && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) flat[`${k}.${k2}`] = v2;
    } else if (k === 'http' || k === 'log' || k === 'monitoring') {
      throw bad(file, k, `must be an object, not ${JSON.stringify(v)}`,
        k === 'http' ? 'write "http": { "port": 9464 }' : k === 'log' ? 'write "log": { "format": "json", "level": "info" }' : 'write "monitoring": { "batchSize": 4096 }');
    } else {
      flat[k] = v;
    }
  }
  const specs = CONFIG_KEYS[role];
  const dir = path.dirname(path.resolve(file));
  const values: PartyConfig['values'] = {};
  for (const [key, value] of Object.entries(flat)) {
    const spec = specs[key];
    if (!spec) {
      const near = nearestKey(key, Object.keys(specs));
      throw bad(file, key, `is not a ${role} setting`, near ? `did you mean "${near}"?` : `known keys: ${Object.keys(specs).join(', ')}`);
    }
    values[key] = checkValue(file, key, spec, value, dir);
  }
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.required && values[key] === undefined) throw bad(file, key, 'is missing', `add it (${spec.help})`);
  }
  if (values['tls'] !== undefined && values['insecure'] === true) throw bad(file, 'insecure', 'is true while "tls" is set', 'keep one of them');
  return { role, file, values };
}

function checkValue(file: string, key: string, spec: KeySpec, value: unknown, dir: string): string | number | boolean | string[] {
  const want = (what: string) => bad(file, key, `must be ${what}, not ${JSON.stringify(value)}`, `fix the value (${key}: ${spec.help})`);
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw want('true or false');
      return value;
    case 'port':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) throw want('a port number 0-65535');
      return value;
    case 'positiveInt':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw want('a positive whole number');
      return value;
    case 'stringList':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw want('a list of strings');
      return value as string[];
    case 'hostPort':
      if (typeof value !== 'string' || !/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(value)) throw want('"host:port" (a port is required; there is no default)');
      return value;
    case 'string':
      if (typeof value !== 'string' || value.length === 0) throw want('a non-empty string');
      if (spec.oneOf && !spec.oneOf.includes(value)) throw want(`one of ${spec.oneOf.join(', ')}`);
      return value;
    case 'dir':
    case 'file': {
      if (typeof value !== 'string' || value.length === 0) throw want('a path');
      const p = path.resolve(dir, value);
      if (spec.type === 'file' && !fs.existsSync(p)) throw bad(file, key, `names ${p}, which does not exist`, 'create it or fix the path (relative paths are relative to the config file)');
      if (key === 'tls') {
        for (const f of ['ca.crt', 'tls.crt', 'tls.key']) {
          if (!fs.existsSync(path.join(p, f))) throw bad(file, key, `names ${p}, which has no ${f}`, 'point it at this party\'s folder from `fedcredit init` (or `fedcredit tls request` once signed)');
        }
      }
      if (key === 'data' && !fs.existsSync(p) && !fs.existsSync(path.dirname(p))) {
        throw bad(file, key, `names ${p}, whose parent folder does not exist`, 'create the parent folder (the data folder itself is created on first start)');
      }
      return p;
    }
  }
}

/** The flags a config stands for, to go before the command line's own; sets the environment variables it names. */
export function configArgs(config: PartyConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const specs = CONFIG_KEYS[config.role];
  const args: string[] = [];
  for (const [key, value] of Object.entries(config.values)) {
    const spec = specs[key]!;
    if (spec.env) {
      // The file overrides the environment, as it does for --tls over $FEDCREDIT_TLS.
      if (value === false) delete env[spec.env];
      else env[spec.env] = Array.isArray(value) ? value.join(',') : value === true ? '1' : String(value);
    } else if (spec.type === 'boolean') {
      if (value === true && spec.flag) args.push(spec.flag);
      if (value === false && spec.falseFlag) args.push(spec.falseFlag);
    } else {
      args.push(spec.flag!, String(value));
    }
  }
  return args;
}

/**
 * `fedcredit node serve --config FILE ...`: the config's flags go before the command line's;
 * `--config FILE` itself is dropped. Any other command line is returned unchanged.
 */
export function expandServeConfig(argv: readonly string[]): string[] {
  const role = argv[2];
  if ((role !== 'node' && role !== 'coordinator') || argv[3] !== 'serve') return [...argv];
  const rest = argv.slice(4);
  const at = rest.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at < 0) return [...argv];
  const file = rest[at]!.startsWith('--config=') ? rest[at]!.slice('--config='.length) : rest[at + 1];
  if (file === undefined) throw new FedcreditError('CONFIG_INVALID', '--config needs a file: --config /etc/fedcredit/node.json');
  const own = [...rest.slice(0, at), ...rest.slice(at + (rest[at]!.includes('=') ? 1 : 2))];
  // A flag given on the command line wins; `--tls` there also replaces the file's `insecure`, and the other way round.
  const fromFile = configArgs(loadPartyConfig(role, file));
  const given = new Set(own.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]));
  const transportGiven = given.has('--tls') || given.has('--insecure');
  const kept: string[] = [];
  for (let i = 0; i < fromFile.length; i++) {
    const flag = fromFile[i]!;
    const takesValue = i + 1 < fromFile.length && !fromFile[i + 1]!.startsWith('--');
    if (!(transportGiven && (flag === '--tls' || flag === '--insecure'))) kept.push(flag, ...(takesValue ? [fromFile[i + 1]!] : []));
    if (takesValue) i++;
  }
  return [...argv.slice(0, 4), ...kept, ...own];
}

/** The known key a misspelt one most likely meant (case, dashes, one letter more, less or changed). */
function nearestKey(key: string, known: readonly string[]): string | undefined {
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
  const k0 = norm(key);
  return known.find((k) => norm(k) === k0) ?? known.find((k) => editDistance(norm(k), k0) <= 2);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
