/**
 * Runs the CLI (dist/bin/fedcredit.js) without blocking; resolves with its exit code and output.
 * Asynchronous on purpose: a test whose coordinator answers in the test's own process must not
 * block its event loop with spawnSync.
 */
import { spawn } from 'node:child_process';
import { cliPath } from '../../lib/spawn-party.js';

export function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
