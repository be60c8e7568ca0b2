/**
 * `fedcredit demo --console` (issue 22, docs/design/console.md section 8 "Demo"): after the
 * demo, the federation keeps running and four web consoles start beside it, each acting with
 * its party's client certificate over HTTPS with the demo's console certificate
 * (`fedcredit init --consoles localhost`): the coordinator's (with the enterprise portal), the
 * tax node's, bank-a's (with the bank site operator's folder, the label holder's, for model
 * reports) and the auditor's. Each prints its URL and a single-use sign-in link; the
 * enterprise signs in with the CLI and the key the demo wrote. Ctrl-C or SIGTERM stops all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { cliPath, partyNodeFlags } from '../lib/spawn-party.js';
import { partyFolder } from '../lib/tls.js';
import { CONSOLE_CERT_DIR } from '../lib/init-cli.js';
import { TRUSTED_REGISTRARS_FILE } from '../scoring/protocol.js';

export const DEMO_CONSOLE_PORT = 7443;

export interface RunningConsole {
  /** coordinator, tax, bank-a, auditor-1. */
  name: string;
  kind: string;
  party: string;
  /** https://localhost:PORT */
  origin: string;
  /** The single-use sign-in link it printed. */
  link: string;
  dataDir: string;
  child: ChildProcess;
  logLines: string[];
  stop(graceMs?: number): Promise<void>;
}

/** Starts `fedcredit console serve ARGS` and waits for its URL, link and started lines. */
export function spawnConsole(name: string, args: readonly string[], dataDir: string, timeoutMs = 60_000): Promise<RunningConsole> {
  const child = spawn(process.execPath, [...partyNodeFlags(), cliPath(), 'console', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FEDCREDIT_TLS: '' } });
  const logLines: string[] = [];
  const keep = (line: string) => { logLines.push(line); if (logLines.length > 500) logLines.shift(); };
  readline.createInterface({ input: child.stderr! }).on('line', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let origin = '';
    let link = '';
    let party = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`console ${name} did not start within ${timeoutMs} ms:\n${logLines.join('\n')}`)); }, timeoutMs);
    const early = (code: number | null) => { clearTimeout(timer); reject(new Error(`console ${name} exited with status ${code}:\n${logLines.join('\n')}`)); };
    child.once('exit', early);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const url = /^console for (\S+): (https:\/\/\S+?)\/$/.exec(line);
      if (url) { party = url[1]!; origin = url[2]!; return; }
      const once = /^sign in once \(valid 15 min\): (\S+)$/.exec(line);
      if (once) { link = once[1]!; return; }
      if (!line.startsWith('{"event":"console_started"')) return;
      clearTimeout(timer);
      child.off('exit', early);
      const started = JSON.parse(line) as { kind: string };
      resolve({
        name, kind: started.kind, party, origin, link, dataDir, child, logLines,
        stop: async (graceMs = 5_000) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}

export interface DemoConsoleSetup {
  out: string;
  federation: string;
  coordinator: string;
  /** The tax node's address. */
  taxNode: string;
  auditorState: string;
  firstPort?: number;
}

/** The four demo consoles, on firstPort..firstPort+3 (default 7443..7446). */
export async function startDemoConsoles(setup: DemoConsoleSetup): Promise<RunningConsole[]> {
  const port = setup.firstPort ?? DEMO_CONSOLE_PORT;
  const certDir = path.join(setup.federation, CONSOLE_CERT_DIR);
  const https = ['--https-cert', path.join(certDir, 'https.crt'), '--https-key', path.join(certDir, 'https.key')];
  const plan: { name: string; tls: string; target: string; extra: string[] }[] = [
    { name: 'coordinator', tls: 'coordinator-operator', target: setup.coordinator,
      extra: ['--enterprise-portal', '--trusted-registrars', path.join(setup.out, 'coordinator', TRUSTED_REGISTRARS_FILE)] },
    { name: 'tax', tls: 'tax-operator', target: setup.taxNode, extra: [] },
    { name: 'bank-a', tls: 'bank-a', target: setup.coordinator,
      extra: ['--operator-tls', partyFolder(setup.federation, 'bank-operator'), '--keys', path.join(setup.out, 'bank-a-keys')] },
    { name: 'auditor-1', tls: 'auditor-1', target: setup.coordinator,
      extra: ['--state', setup.auditorState, '--trusted-registrars', path.join(setup.out, 'coordinator', TRUSTED_REGISTRARS_FILE)] },
  ];
  const started: RunningConsole[] = [];
  try {
    for (const [i, p] of plan.entries()) {
      const dataDir = path.join(setup.out, 'consoles', p.name);
      started.push(await spawnConsole(p.name, [
        '--tls', partyFolder(setup.federation, p.tls), '--target', p.target, '--data', dataDir,
        '--listen', `127.0.0.1:${port + i}`, '--public-origin', `https://localhost:${port + i}`, ...https, '--print-link', ...p.extra,
      ], dataDir));
    }
  } catch (err) {
    await Promise.all(started.map((c) => c.stop()));
    throw err;
  }
  return started;
}

/** What the demo prints for its consoles: URL and link per console, and the enterprise's sign-in command. */
export function formatConsoles(consoles: readonly RunningConsole[], enterpriseKey: string | undefined, federation: string): string {
  return [
    'Web consoles (fedcredit console serve), each acting with its party\'s client certificate; HTTPS with',
    `${path.join(federation, CONSOLE_CERT_DIR, 'https.crt')}, signed by the federation CA (trust ${path.join(federation, 'ca', 'ca.crt')} in the browser, or accept the warning):`,
    ...consoles.map((c) => `  ${c.name.padEnd(12)} ${c.party.padEnd(22)} ${c.origin}/\n  ${''.padEnd(12)} sign in once (valid 15 min): ${c.link}`),
    enterpriseKey
      ? `  enterprise portal: ${consoles[0]?.origin ?? ''}/e/sign-in; sign the challenge it shows with\n    fedcredit consent sign-in --key ${enterpriseKey} --challenge TOKEN`
      : '  enterprise portal: no enterprise key (the scoring demo was skipped)',
    'Create named accounts with `fedcredit console user add --data <console data folder> --name NAME --role admin|viewer`',
    `(data folders under ${path.dirname(consoles[0]?.dataDir ?? '')}). Press Ctrl-C to stop the consoles and the federation.`,
  ].join('\n');
}
