/**
 * `npm run demo -- --console` as a user runs it (issue 22, C7): the demo at a small size, then
 * the federation keeps running with four consoles over HTTPS; each printed single-use link,
 * fetched over TLS against the federation CA, signs in and opens the console's dashboard;
 * the enterprise's `fedcredit consent sign-in` command names the key the demo wrote; SIGTERM
 * stops the consoles and every party, and the demo exits 0.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { freePorts } from './browser/harness.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-demo-console-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

function get(url: string, ca: Buffer, cookie?: string): Promise<{ status: number; location?: string; setCookie: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}), setCookie: [res.headers['set-cookie'] ?? []].flat(), body }));
    });
    req.on('error', reject);
  });
}

describe('fedcredit demo --console', () => {
  it('prints a working link per console, and stops cleanly on SIGTERM', async () => {
    const port = await freePorts(4);
    const child = spawn(process.execPath, [cliPath(), 'demo', '--console', '--console-port', String(port), '--enterprises', '500', '--no-trees', '--no-fusion', '--out', out],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, FEDCREDIT_TLS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 1_500_000);
    try {
      await Promise.race([
        new Promise<void>((resolve) => { const t = setInterval(() => { if (stdout.includes('Press Ctrl-C')) { clearInterval(t); resolve(); } }, 200); }),
        exited.then((code) => { throw new Error(`demo exited with ${code}:\n${stderr}\n${stdout}`); }),
      ]);
      const links = [...stdout.matchAll(/sign in once \(valid 15 min\): (https:\/\/localhost:(\d+)\/login\/link\/[A-Za-z0-9_-]{43})/g)];
      expect(links.map((m) => Number(m[2]))).toEqual([port, port + 1, port + 2, port + 3]);
      for (const party of ['operator/coordinator', 'operator/tax', 'requester/bank-a', 'auditor/auditor-1']) expect(stdout).toContain(party);
      const key = path.join(out, 'enterprise', 'enterprise.key');
      expect(stdout).toContain(`fedcredit consent sign-in --key ${key} --challenge TOKEN`);
      expect(fs.statSync(key).mode & 0o777).toBe(0o600);
      const ca = fs.readFileSync(path.join(out, 'federation', 'ca', 'ca.crt'));
      for (const [, link] of links) {
        const signIn = await get(link!, ca);
        expect(signIn.status, link).toBe(303);
        const cookie = signIn.setCookie.map((c) => c.split(';')[0]).join('; ');
        expect(cookie).toMatch(/__Host-fc-session=/);
        const dashboard = await get(new URL(signIn.location!, link).toString(), ca, cookie);
        expect(dashboard.status, `${link}: ${dashboard.body.slice(0, 300)}`).toBe(200);
        expect(dashboard.body).toContain('data-welcome');
        // The link was single-use.
        expect((await get(link!, ca)).status).toBe(403);
      }
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    const code = await exited;
    clearTimeout(killer);
    expect(code, stderr.slice(-3000)).toBe(0);
    // Nothing of the demo is left listening.
    for (let i = 0; i < 4; i++) await expect(get(`https://localhost:${port + i}/login`, Buffer.alloc(0))).rejects.toThrow();
  }, 1_600_000);
});
