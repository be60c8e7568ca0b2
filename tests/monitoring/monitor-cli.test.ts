/**
 * `fedcredit monitor ...` refuses bad input before anything is sent, saying what was wrong and
 * what to do (requester/monitor-cli.ts), with --json as JSON on stdout too; and a coordinator
 * that is not there is named as such. The pattern of tests/cli-errors.test.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../crypto/identity.js';
import { encodeConsent, grantConsent } from '../../consent/record.js';
import { cliPath } from '../../lib/spawn-party.js';
import { loadRequesterKeys } from '../../scoring/requester-keys.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const A = '91350100M000100Y43';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-monitor-cli-'));
let fed: TestFederation;
let coordinator: string;
/** A folder with bank-a's TLS files and keys. */
let bank: string[];

function consentFile(name: string, requesterKey: string, subject = A): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${encodeConsent(grantConsent(generateIdentity(), {
    subject, requester: { name: 'bank-a', key: requesterKey }, dataHolders: ['power', 'tax'], purpose: 'loan-monitoring',
    operations: ['score', 'explain'], validForMs: 400 * 86_400_000, maxUses: 12, dataWindow: { from: '2024-01', to: '2027-12' },
  }))}\n`);
  return file;
}

beforeAll(async () => {
  fed = await testFederation(dir);
  loadRequesterKeys(fed.folder('bank-a'));
  bank = fed.tls('bank-a');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  coordinator = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fedcredit(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FEDCREDIT_TLS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fedcredit monitor: bad input', () => {
  it('a portfolio name that breaks the rule is refused, naming the rule', () => {
    const r = fedcredit('monitor', 'portfolio', 'create', 'SME Loans', '--model', 'm1', '--coordinator', coordinator, ...bank);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/portfolio name 'SME Loans' is not 1-32 lowercase letters, digits and '-'.*e\.g\. sme-loans/);
  });

  it('add without consents says how to name them; an empty folder, a missing file, a file that is not a consent are each named', () => {
    const none = fedcredit('monitor', 'portfolio', 'add', 'sme', '--coordinator', coordinator, ...bank);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/error \[BAD_REQUEST\]: name the consents: --consent FILE\.\.\. or --consents DIR/);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    expect(fedcredit('monitor', 'portfolio', 'add', 'sme', '--consents', empty, '--coordinator', coordinator, ...bank).stderr).toMatch(/error \[NOT_FOUND\]: --consents .*empty holds no \*\.json consent files/);
    const missing = fedcredit('monitor', 'portfolio', 'add', 'sme', '--consent', path.join(dir, 'nosuch.json'), '--coordinator', coordinator, ...bank);
    expect(missing.stderr).toMatch(/error \[NOT_FOUND\]: consent file .*nosuch\.json does not exist: pass the files the enterprises signed/);
    expect(missing.stderr).not.toMatch(/ENOENT/);
    const junk = path.join(dir, 'junk.json');
    fs.writeFileSync(junk, '{"hello": 1}\n');
    expect(fedcredit('monitor', 'portfolio', 'add', 'sme', '--consent', junk, '--coordinator', coordinator, ...bank).stderr).toMatch(/error \[BAD_REQUEST\]: .*junk\.json is not a consent/);
  });

  it('a consent naming another requester key cannot be signed for: INSTRUCTION_INVALID, nothing sent', () => {
    const other = consentFile('other-key.json', Buffer.from(generateIdentity().publicKey).toString('hex'));
    const r = fedcredit('monitor', 'portfolio', 'add', 'sme', '--consent', other, '--coordinator', coordinator, '--json', ...bank);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[INSTRUCTION_INVALID\]: .*other-key\.json: cannot sign this instruction: the signing key is not the consent's requester key/);
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('INSTRUCTION_INVALID');
  });

  it('remove of an enterprise with no consent among those given names it and what to pass', () => {
    const mine = consentFile('mine.json', Buffer.from(loadRequesterKeys(fed.folder('bank-a')).identity.publicKey).toString('hex'));
    const r = fedcredit('monitor', 'portfolio', 'remove', 'sme', '--enterprise', '9144030071526726XG', '--consent', mine, '--coordinator', coordinator, ...bank);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[NOT_FOUND\]: no consent of 9144030071526726XG among the consents given: pass --consent FILE or --consents DIR/);
  });

  it('list filters need a portfolio, and take only the known levels', () => {
    expect(fedcredit('monitor', 'portfolio', 'list', '--warning', 'red', '--coordinator', coordinator, ...bank).stderr).toMatch(/error \[BAD_REQUEST\]: --warning and --status filter one portfolio's items: name the portfolio/);
    expect(fedcredit('monitor', 'portfolio', 'list', 'sme', '--warning', 'purple', '--coordinator', coordinator, ...bank).stderr).toMatch(/'purple' is invalid.*Allowed choices are none, blue, yellow, red/);
  });

  it('watch needs --portfolio; run --as-of must be a month', () => {
    expect(fedcredit('monitor', 'watch', '--coordinator', coordinator, ...bank).stderr).toMatch(/required option '--portfolio <name>' not specified/);
    expect(fedcredit('monitor', 'run', '--as-of', '2026-13', '--coordinator', coordinator, ...bank).stderr).toMatch(/error \[BAD_REQUEST\]: --as-of must be a month YYYY-MM, got '2026-13'/);
  });

  it('watch without the bank\'s keys refuses before connecting, and says where they are expected', () => {
    const keys = path.join(dir, 'no-keys');
    fs.mkdirSync(keys);
    const r = fedcredit('monitor', 'watch', '--portfolio', 'sme', '--keys', keys, '--coordinator', coordinator, ...bank);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[NOT_FOUND\]: no requester keys in .*no-keys/);
  });

  it('a coordinator that is not there: UNAVAILABLE naming it, as JSON with --json', () => {
    const r = fedcredit('monitor', 'portfolio', 'list', '--coordinator', coordinator, '--json', ...bank);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error \\[UNAVAILABLE\\]: (dns:)?${coordinator.replace(/\./g, '\\.')} is not reachable`));
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
  });

  it('receipt: a bad id, a missing file, an event with no re-score are each named', () => {
    const events = path.join(dir, 'events.jsonl');
    fs.writeFileSync(events, `${JSON.stringify({ eventId: '1', kind: 'run-finished', runId: 'r1' })}\n`);
    const at = ['--coordinator', coordinator, ...bank];
    expect(fedcredit('monitor', 'receipt', '--events', events, '--event', 'x1', ...at).stderr).toMatch(/error \[BAD_REQUEST\]: --event must be an event id/);
    expect(fedcredit('monitor', 'receipt', '--events', path.join(dir, 'none.jsonl'), '--event', '1', ...at).stderr).toMatch(/error \[NOT_FOUND\]: --events .*none\.jsonl cannot be read \(it does not exist\): pass the file `fedcredit monitor watch --out` writes/);
    expect(fedcredit('monitor', 'receipt', '--events', events, '--event', '2', ...at).stderr).toMatch(/error \[NOT_FOUND\]: .*events\.jsonl holds no event 2/);
    expect(fedcredit('monitor', 'receipt', '--events', events, '--event', '1', ...at).stderr).toMatch(/error \[BAD_REQUEST\]: event 1 is a run-finished event, which has no re-score to receipt: pick a change or resumed event/);
  });

  it('--help says watch is at least once without --out, exactly once with it', () => {
    const r = fedcredit('monitor', 'watch', '--help');
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/Without --out: events are printed and acknowledged as they come, so an event printed just before a crash comes again \(at least once\)/);
  });
});
