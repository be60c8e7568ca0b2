/**
 * Start a fedcredit party (coordinator or node) as its own OS process and learn its address
 * from the first line it prints. Used by the demo and by tests that need real processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { protoDir } from './grpc.js';

export interface SpawnedParty {
  name: string;
  address: string;
  port: number;
  /** The HTTP probe and metrics port, when the party serves one (`--http-port`, config `http.port`). */
  httpPort?: number;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The party's log lines (stderr), kept for error reports. */
  logLines: string[];
}

/** The compiled CLI, `dist/bin/fedcredit.js` under the package root. */
export function cliPath(): string {
  const root = path.dirname(protoDir());
  const cli = path.join(root, 'dist', 'bin', 'fedcredit.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  return cli;
}

/**
 * Node flags for a spawned party, for measurements: FEDCREDIT_NODE_FLAGS (space-separated, e.g.
 * V8 flags NODE_OPTIONS refuses), and with FEDCREDIT_CPU_PROFILE_DIR a V8 CPU profile written
 * there when the party exits (NODE_OPTIONS may not carry --cpu-prof either).
 */
export function partyNodeFlags(): string[] {
  const flags = (process.env['FEDCREDIT_NODE_FLAGS'] ?? '').split(' ').filter((f) => f.length > 0);
  const dir = process.env['FEDCREDIT_CPU_PROFILE_DIR'];
  return dir ? [...flags, '--cpu-prof', `--cpu-prof-dir=${dir}`] : flags;
}

export interface SpawnOptions {
  startTimeoutMs?: number;
  echoLog?: boolean;
  /** Command to run the party under, e.g. `ip netns exec fc-tax` (lib/netns.ts); it must exec the party. */
  prefix?: string[];
}

export function spawnParty(name: string, args: string[], opts: SpawnOptions = {}): Promise<SpawnedParty> {
  const argv = [...(opts.prefix ?? []), process.execPath, ...partyNodeFlags(), cliPath(), ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const logLines: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    logLines.push(line);
    if (logLines.length > 500) logLines.shift();
    if (opts.echoLog) process.stderr.write(`${line}\n`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${opts.startTimeoutMs ?? 20_000} ms; its log:\n${logLines.join('\n')}`));
    }, opts.startTimeoutMs ?? 20_000);
    const onEarlyExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with status ${code} before listening; its log:\n${logLines.join('\n')}`));
    };
    child.once('exit', onEarlyExit);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      let event: { event?: string; address?: string; port?: number; httpPort?: number };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        reject(new Error(`${name} printed '${line.slice(0, 100)}' instead of its listening event`));
        return;
      }
      resolve({
        name,
        address: event.address!,
        port: event.port!,
        ...(event.httpPort !== undefined ? { httpPort: event.httpPort } : {}),
        child,
        logLines,
        stop: async (graceMs = 5_000) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer2 = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer2);
        },
      });
    });
  });
}
