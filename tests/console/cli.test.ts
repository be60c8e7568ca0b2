/**
 * The console's commands as an operator runs them: `console user add|passwd|disable|list`
 * (password from stdin when it is not a terminal), `console config keys|check`, and `console
 * serve` refusing to start without an HTTPS mode, with a server certificate, or when the party
 * refuses its certificate, naming what to do.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { readAccounts, verifyPassword } from '../../console/security/accounts.js';
import { testFederation } from '../helpers/federation.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', input, timeout: 120_000, env: { ...process.env, FEDCREDIT_TLS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fedcredit console user', () => {
  it('adds, lists, changes and disables accounts in a 0600 users.json, never printing a hash', async () => {
    const data = path.join(dir, 'data');
    const add = cli(['console', 'user', 'add', '--data', data, '--name', 'alice', '--role', 'admin'], 'a long passphrase 1\n');
    expect(add.status, add.stderr).toBe(0);
    expect(fs.statSync(path.join(data, 'users.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(data).mode & 0o777).toBe(0o700);
    expect(cli(['console', 'user', 'add', '--data', data, '--name', 'bob'], 'another passphrase\n').status).toBe(0);
    const short = cli(['console', 'user', 'add', '--data', data, '--name', 'carol'], 'short\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/12 to 256 bytes/);
    expect(cli(['console', 'user', 'add', '--data', data, '--name', 'alice'], 'a long passphrase 2\n').stderr).toMatch(/exists/);
    expect(cli(['console', 'user', 'add', '--data', data, '--name', 'Bad Name'], 'a long passphrase 2\n').stderr).toMatch(/lowercase/);
    const list = cli(['console', 'user', 'list', '--data', data, '--json']);
    const accounts = JSON.parse(list.stdout) as { name: string; role: string; disabled: boolean }[];
    expect(accounts.map((a) => [a.name, a.role, a.disabled])).toEqual([['alice', 'admin', false], ['bob', 'viewer', false]]);
    expect(list.stdout).not.toContain('scrypt$');
    const stored = readAccounts(data);
    expect(stored[0]!.hash).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('a long passphrase 1', stored[0]!.hash)).toBe(true);
    expect(cli(['console', 'user', 'passwd', '--data', data, '--name', 'alice'], 'a new passphrase 3\n').status).toBe(0);
    expect(await verifyPassword('a new passphrase 3', readAccounts(data)[0]!.hash)).toBe(true);
    expect(cli(['console', 'user', 'disable', '--data', data, '--name', 'bob']).status).toBe(0);
    expect(readAccounts(data)[1]!.disabled).toBe(true);
    fs.chmodSync(path.join(data, 'users.json'), 0o644);
    expect(cli(['console', 'user', 'list', '--data', data]).status).toBe(0);
  }, 400_000);
});

describe('fedcredit console config and serve', () => {
  it('lists the config keys and checks a file as serve would', async () => {
    const fed = await testFederation(dir);
    expect(cli(['console', 'config', 'keys']).stdout).toMatch(/^behindProxy\s+--behind-proxy/m);
    const file = path.join(dir, 'console.json');
    fs.writeFileSync(file, `{
      // the tax site's console
      "tls": "${path.relative(dir, fed.folder('tax-operator'))}", "target": "127.0.0.1:7000", "data": "tax-console",
      "behindProxy": true, "listen": "127.0.0.1:7444", "publicOrigin": "https://console.tax.example", "defaultLang": "en"
    }`);
    const ok = cli(['console', 'config', 'check', '--config', file, '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'node', party: 'operator/tax', origin: 'https://console.tax.example', listen: '127.0.0.1:7444' });
    expect(fs.existsSync(path.join(dir, 'tax-console'))).toBe(false);
    fs.writeFileSync(file, '{ "tls": "x", "target": "127.0.0.1:7000", "data": "d", "behindproxy": true }');
    expect(cli(['console', 'config', 'check', '--config', file]).stderr).toMatch(/CONFIG_INVALID.*unknown key "behindproxy"/);
    fs.writeFileSync(file, `{ "tls": "${fed.folder('tax-operator')}", "target": "127.0.0.1:7000", "data": "d", "listen": "0.0.0.0:7444", "behindProxy": true }`);
    expect(cli(['console', 'config', 'check', '--config', file]).stderr).toMatch(/loopback only/);
  }, 300_000);

  it('refuses to start without one HTTPS mode, with a server\'s certificate, or when the party refuses it', async () => {
    const fed = await testFederation(dir);
    const base = ['console', 'serve', '--target', '127.0.0.1:1', '--data', path.join(dir, 'serve-data')];
    expect(cli([...base, '--tls', fed.folder('tax-operator')]).stderr).toMatch(/exactly one HTTPS mode/);
    expect(cli([...base, '--tls', fed.folder('coordinator'), '--behind-proxy']).stderr).toMatch(/never a server's/);
    const down = cli([...base, '--tls', fed.folder('tax-operator'), '--behind-proxy', '--listen', '127.0.0.1:0']);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/error \[UNAVAILABLE\]: the console cannot act as operator\/tax .* at 127\.0\.0\.1:1/);
  }, 300_000);
});
