/**
 * The enterprise's and the registrar's tools as real processes (`node dist/bin/fedcredit.js`):
 * keygen with binding, grant, show, revoke, then the files verified by a party's ledger; help on
 * every command; owner-only key files; clear errors for bad input. Needs `npm run build`.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { ConsentLedger, memoryLedgerStore } from '../../consent/ledger.js';
import { bank, bankIdentity, SUBJECT, UNREGISTERED } from './helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-consent-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => path.join(dir, ...p);

function fedcredit(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): string {
  const r = fedcredit(...args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

/**
 * The same, without blocking: independent checks run side by side (process start dominates),
 * at most one per core, so a loaded machine slows them down instead of timing them out.
 */
const cliSlots = new Array<Promise<void>>(Math.max(1, os.availableParallelism())).fill(Promise.resolve());
let nextSlot = 0;
function fedcreditAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const slot = nextSlot++ % cliSlots.length;
  const run = cliSlots[slot]!.then(() => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 100_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  }));
  cliSlots[slot] = run.then(() => undefined);
  return run;
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const requesterArg = `${bankIdentity.name}:${Buffer.from(bank.publicKey).toString('hex')}`;

describe('fedcredit consent and registrar CLI', () => {
  it('every consent and registrar command has --help', async () => {
    const commands = [['consent'], ['consent', 'keygen'], ['consent', 'grant'], ['consent', 'revoke'], ['consent', 'show'], ['registrar', 'keygen'], ['registrar', 'bind']];
    const results = await Promise.all(commands.map((cmd) => fedcreditAsync(...cmd, '--help')));
    results.forEach((r, i) => {
      expect(r.status, commands[i]!.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: fedcredit/);
    });
  });

  it('round trip: registrar key, enterprise key and binding, grant, show, revoke; a ledger accepts, then refuses as revoked', async () => {
    const registrar = JSON.parse(ok('registrar', 'keygen', '--out', at('registrar', 'registrar.key'), '--json')) as { registrarKey: string };
    expect(mode(at('registrar', 'registrar.key'))).toBe(0o600);
    expect(fs.readFileSync(at('registrar', 'registrar.key.pub'), 'utf8').trim()).toBe(registrar.registrarKey);

    const keygen = JSON.parse(ok('consent', 'keygen', '--out', at('ent'), '--subject', SUBJECT, '--registrar-key', at('registrar', 'registrar.key'), '--json')) as {
      enterpriseKey: string; logEntry: { kind: string; body: Record<string, unknown> };
    };
    expect(mode(at('ent', 'enterprise.key'))).toBe(0o600);
    expect(mode(at('ent'))).toBe(0o700);
    expect(keygen.logEntry).toMatchObject({ kind: 'enterprise-key-registration', body: { subject: SUBJECT, enterpriseKey: keygen.enterpriseKey, registrarKey: registrar.registrarKey } });

    const granted = ok('consent', 'grant', '--key', at('ent', 'enterprise.key'), '--subject', SUBJECT, '--requester', requesterArg,
      '--holders', 'tax,power,bank', '--purpose', 'credit-assessment', '--valid-days', '30', '--max-uses', '3', '--operations', 'score,explain', '--out', at('consent.json'));
    expect(granted).toMatch(/requester: +Bank of Fuzhou/);
    expect(granted).toMatch(/at most 3 queries/);

    const shown = JSON.parse(ok('consent', 'show', at('consent.json'), '--json')) as { kind: string; record: { maxUses: number; dataHolders: string[] }; signature: { ok: boolean } };
    expect(shown).toMatchObject({ kind: 'consent', record: { maxUses: 3, dataHolders: ['bank', 'power', 'tax'] }, signature: { ok: true } });
    expect(ok('consent', 'show', at('ent', 'binding.json'), '--registrar', registrar.registrarKey)).toMatch(/signature: +valid/);

    const ledger = ConsentLedger.over(memoryLedgerStore(), { trustedRegistrars: [registrar.registrarKey] });
    expect(await ledger.addKeyBinding(fs.readFileSync(at('ent', 'binding.json')))).toEqual({ ok: true, isNew: true });
    const q = (queryId: string) => ({
      requester: bankIdentity, request: { subject: SUBJECT, purpose: 'credit-assessment', operation: 'explain', sites: ['power'], queryId },
    });
    expect(await ledger.consume(fs.readFileSync(at('consent.json')), q('cli-query-1'))).toMatchObject({ ok: true, usesLeft: 2 });

    const revoked = JSON.parse(ok('consent', 'revoke', '--key', at('ent', 'enterprise.key'), '--consent', at('consent.json'), '--out', at('revocation.json'), '--json')) as {
      logEntry: { kind: string };
    };
    expect(revoked.logEntry.kind).toBe('revocation');
    expect(JSON.parse(ok('consent', 'show', at('revocation.json'), '--json'))).toMatchObject({ kind: 'revocation', signature: { ok: true } });
    expect(await ledger.addRevocation(fs.readFileSync(at('revocation.json')))).toEqual({ ok: true, isNew: true });
    expect(await ledger.consume(fs.readFileSync(at('consent.json')), q('cli-query-2'))).toMatchObject({ ok: false, code: 'CONSENT_REVOKED' });
  });

  it('show flags a tampered consent (exit 2) and a file that is no consent record (exit 1)', async () => {
    const text = fs.readFileSync(at('consent.json'), 'utf8');
    fs.writeFileSync(at('tampered.json'), text.replace('"maxUses":3', '"maxUses":9'));
    fs.writeFileSync(at('garbage.json'), '{"hello":');
    const [tampered, garbage] = await Promise.all([fedcreditAsync('consent', 'show', at('tampered.json')), fedcreditAsync('consent', 'show', at('garbage.json'))]);
    expect(tampered.status).toBe(2);
    expect(tampered.stdout).toMatch(/signature: +INVALID/);
    expect(garbage.status).toBe(1);
    expect(garbage.stderr).toMatch(/^error \[CONSENT_MALFORMED\]: the file is not UTF-8 JSON/);
    expect(garbage.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to overwrite a key or a record, and to use a key others can read', async () => {
    fs.copyFileSync(at('ent', 'enterprise.key'), at('loose.key'));
    fs.chmodSync(at('loose.key'), 0o644);
    const [again, loose, overwrite] = await Promise.all([
      fedcreditAsync('consent', 'keygen', '--out', at('ent'), '--subject', SUBJECT),
      fedcreditAsync('consent', 'revoke', '--key', at('loose.key'), '--consent', at('consent.json'), '--out', at('r2.json')),
      fedcreditAsync('consent', 'revoke', '--key', at('ent', 'enterprise.key'), '--consent', at('consent.json'), '--out', at('revocation.json')),
    ]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/enterprise\.key already exists/);
    expect(loose.status).toBe(1);
    expect(loose.stderr).toMatch(/readable by other users .*chmod 600/);
    expect(overwrite.status).toBe(1);
    expect(overwrite.stderr).toMatch(/revocation\.json already exists/);
  });

  it('bad options say what was wrong and what to type', async () => {
    const base = ['consent', 'grant', '--key', at('ent', 'enterprise.key'), '--subject', SUBJECT, '--requester', requesterArg,
      '--holders', 'tax', '--purpose', 'credit-assessment', '--valid-days', '30', '--max-uses', '3', '--out', at('x.json')];
    const withOption = (name: string, value: string) => { const a = [...base]; a[a.indexOf(name) + 1] = value; return a; };
    const cases: [string[], RegExp][] = [
      [withOption('--subject', `${SUBJECT.slice(0, 17)}0`), /check character/],
      [withOption('--requester', 'Bank of Fuzhou'), /--requester must be NAME:KEYHEX/],
      [withOption('--purpose', 'marketing'), /--purpose must be one of credit-assessment, loan-monitoring/],
      [withOption('--valid-days', '0'), /--valid-days must be a whole number from 1 to 1830/],
      [[...base, '--sources', 'power'], /power, which is not among the data holders/],
      [withOption('--subject', UNREGISTERED), /enterprise\.key is the key of 91350100M0001000\w+, not 91110000/],
    ];
    const results = await Promise.all(cases.map(([args]) => fedcreditAsync(...args)));
    results.forEach((r, i) => {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
    expect(fs.existsSync(at('x.json'))).toBe(false);
  });
});
