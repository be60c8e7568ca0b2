/**
 * `fedcredit consent sign-in` (consent/cli.ts, docs/design/console.md 3.3) as the enterprise runs
 * it: shows the origin and subject, asks unless --yes, prints `v1.<signature hex>` that the
 * console accepts; refuses without confirmation, with another enterprise's key, and an expired
 * challenge. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { bindEnterpriseKey, keyBindingEntry } from '../../consent/verify.js';
import { readKeyFile } from '../../consent/key-files.js';
import { challengeToken } from '../../consent/sign-in.js';
import { EnterpriseChallenges } from '../../console/security/enterprise-challenge.js';
import { registrar, SUBJECT, OTHER_SUBJECT } from '../consent/helpers.js';

const ORIGIN = 'https://127.0.0.1:7443';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-sign-in-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input = '') {
  return spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 30_000, input });
}

describe('fedcredit consent sign-in', () => {
  it('signs a challenge the console accepts, after showing origin and subject', async () => {
    expect(cli(['consent', 'keygen', '--out', path.join(dir, 'a'), '--subject', SUBJECT]).status).toBe(0);
    expect(cli(['consent', 'keygen', '--out', path.join(dir, 'b'), '--subject', OTHER_SUBJECT]).status).toBe(0);
    const key = readKeyFile(path.join(dir, 'a', 'enterprise.key'), 'enterprise key');
    const entry = keyBindingEntry(bindEnterpriseKey(registrar, SUBJECT, key.publicKey));
    const challenges = new EnterpriseChallenges({
      origin: ORIGIN, trustedRegistrars: [Buffer.from(registrar.publicKey).toString('hex')],
      bindings: async (s) => (s === SUBJECT ? [{ index: 7, kind: entry.kind, body: entry.body }] : []),
    });
    const c = challenges.create(SUBJECT, '127.0.0.1');
    if (!c.ok) throw new Error(c.message);

    const refused = cli(['consent', 'sign-in', '--key', path.join(dir, 'a', 'enterprise.key'), '--challenge', c.token], 'n\n');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(ORIGIN);
    expect(refused.stderr).toContain(SUBJECT);
    expect(refused.stdout).not.toMatch(/v1\./);

    const confirmed = cli(['consent', 'sign-in', '--key', path.join(dir, 'a', 'enterprise.key'), '--challenge', c.token], 'y\n');
    expect(confirmed.status, confirmed.stderr).toBe(0);
    expect(confirmed.stdout.trim()).toMatch(/^v1\.[0-9a-f]{128}$/);
    expect(await challenges.verify(c.token, confirmed.stdout.trim())).toMatchObject({ ok: true, subject: SUBJECT });

    const d = challenges.create(SUBJECT, '127.0.0.1');
    if (!d.ok) throw new Error(d.message);
    const yes = cli(['consent', 'sign-in', '--key', path.join(dir, 'a', 'enterprise.key'), '--challenge', d.token, '--yes']);
    expect(yes.status, yes.stderr).toBe(0);
    expect(await challenges.verify(d.token, yes.stdout.trim())).toMatchObject({ ok: true });

    // Another enterprise's key (keygen wrote its subject beside it): refused before signing.
    const e = challenges.create(SUBJECT, '127.0.0.1');
    if (!e.ok) throw new Error(e.message);
    const other = cli(['consent', 'sign-in', '--key', path.join(dir, 'b', 'enterprise.key'), '--challenge', e.token, '--yes']);
    expect(other.status).not.toBe(0);
    expect(other.stderr).toContain(OTHER_SUBJECT);

    const expired = challengeToken({ origin: ORIGIN, subject: SUBJECT, nonce: 'a'.repeat(64), expires: Date.now() - 1000 });
    const late = cli(['consent', 'sign-in', '--key', path.join(dir, 'a', 'enterprise.key'), '--challenge', expired, '--yes']);
    expect(late.status).not.toBe(0);
    expect(late.stderr).toContain('expired');
  }, 60_000);
});
