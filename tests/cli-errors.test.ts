/**
 * Issue 17's "bad input" list, each as the user met it: the CLI must say what was wrong and
 * what to do, and with --json print the error as JSON on stdout (a script reads stdout only).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../lib/spawn-party.js';
import { testFederation, type TestFederation } from './helpers/federation.js';

const A = '91350100M000100Y43';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-cli-errors-'));
let fed: TestFederation;
let closedPort: number;

beforeAll(async () => {
  fed = await testFederation(dir);
  // A port nothing listens on: bind one, learn it, close it.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closedPort = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fedcredit(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FEDCREDIT_TLS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bad input is answered with what was wrong and what to do', () => {
  it('score --consent nosuch.json: names the file and how to get one, no raw ENOENT', () => {
    const r = fedcredit('score', '--coordinator', `127.0.0.1:${closedPort}`, '--enterprise', A, '--consent', path.join(dir, 'nosuch.json'), ...fed.tls('bank-a'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[NOT_FOUND\]: consent file .*nosuch\.json does not exist: pass --consent with the file the enterprise signed/);
    expect(r.stderr).not.toMatch(/ENOENT/);
  });

  it('score without keys refuses, says where the keys are expected, and makes none', () => {
    const keys = path.join(dir, 'no-keys');
    fs.mkdirSync(keys);
    const consent = path.join(dir, 'consent.json');
    fs.writeFileSync(consent, '{}\n');
    const r = fedcredit('score', '--coordinator', `127.0.0.1:${closedPort}`, '--enterprise', A, '--consent', consent, '--keys', keys, ...fed.tls('bank-a'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[NOT_FOUND\]: no requester keys in .*no-keys \(missing requester-identity\.pem, requester-sealing\.key\).*requester keygen/);
    expect(fs.readdirSync(keys)).toEqual([]);
    // The default (the --tls folder) is not filled with new keys either.
    const tlsOnly = fedcredit('score', '--coordinator', `127.0.0.1:${closedPort}`, '--enterprise', A, '--consent', consent, ...fed.tls('bank-a'));
    expect(tlsOnly.stderr).toMatch(/no requester keys in/);
    expect(fs.readdirSync(fed.folder('bank-a')).filter((f) => f.startsWith('requester-'))).toEqual([]);
  });

  it('--node localhost: refused with the missing port named, instead of dialling 443', () => {
    const file = path.join(dir, 'bills.csv');
    fs.writeFileSync(file, `credit_code,period,kwh,amount_due,amount_paid,days_late\n${A},2025-01,12,1,1,0\n`);
    const r = fedcredit('node', 'ingest', '--node', 'localhost', '--file', file, ...fed.tls('power-operator'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[BAD_REQUEST\]: 'localhost' is not HOST:PORT: fedcredit has no default port/);
  });

  it('an unreachable party: the reason and what to check, no dangling "Resolution note:"', () => {
    const file = path.join(dir, 'bills.csv');
    const r = fedcredit('node', 'ingest', '--node', `127.0.0.1:${closedPort}`, '--file', file, ...fed.tls('power-operator'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[UNAVAILABLE\]: 127\.0\.0\.1:\d+ is not reachable: .*ECONNREFUSED.*; nothing listens there: check that the party is running/);
    expect(r.stderr).not.toMatch(/Resolution note/);
  });

  it('ingest through a node without --tls names the operator\'s folder, not the node\'s', () => {
    const r = fedcredit('node', 'ingest', '--node', `127.0.0.1:${closedPort}`, '--site', 'power', '--file', path.join(dir, 'bills.csv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[TLS_MATERIAL\]: no TLS material: pass --tls DIR .*fed\/parties\/power-operator/);
  });

  it('a semicolon CSV is read as one (and a header split on the wrong character names the delimiter)', () => {
    const semi = path.join(dir, 'semi.csv');
    fs.writeFileSync(semi, `credit_code;period;kwh;amount_due;amount_paid;days_late\n${A};2025-01;12;1;1;0\n`);
    const ok = fedcredit('node', 'ingest', '--data', path.join(dir, 'semi-node'), '--site', 'power', '--file', semi, '--json');
    expect(JSON.parse(ok.stdout)).toMatchObject({ committed: true, rows: 1 });
    const forced = fedcredit('node', 'ingest', '--data', path.join(dir, 'semi-node2'), '--site', 'power', '--file', semi, '--delimiter', 'comma');
    expect(forced.status).toBe(1);
    expect(forced.stderr).toMatch(/looks like semicolon-separated: pass --delimiter '?;'?/);
  });

  it('a GBK file: detected as not UTF-8, with the flag and the conversion to run', () => {
    // "信用代码" (credit code) in GBK, as Excel on a Chinese system saves it.
    const gbk = Buffer.concat([Buffer.from([0xd0, 0xc5, 0xd3, 0xc3, 0xb4, 0xfa, 0xc2, 0xeb]), Buffer.from(',a\nx1,1\nx2,2\n')]);
    const file = path.join(dir, 'gbk.csv');
    fs.writeFileSync(file, gbk);
    const r = fedcredit('node', 'ingest', '--data', path.join(dir, 'gbk-node'), '--site', 'g', '--kind', 'features', '--id-format', 'any', '--file', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not UTF-8 .*looks like GBK: pass --encoding gbk, or convert it to UTF-8 first \(iconv -f GBK -t UTF-8/);
  });
});

describe('--json on a failure', () => {
  it('prints the error as JSON on stdout with its code, and exits non-zero', () => {
    const r = fedcredit('score', '--coordinator', `127.0.0.1:${closedPort}`, '--enterprise', A, '--consent', path.join(dir, 'nosuch.json'), ...fed.tls('bank-a'), '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringMatching(/consent file .* does not exist/) } });
  });

  it('a usage error too', () => {
    const r = fedcredit('node', 'ingest', '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'BAD_REQUEST', message: "required option '--file <path>' not specified" } });
  });

  it('a rejected file: one JSON document, the report as the error\'s detail', () => {
    const file = path.join(dir, 'bad-bills.csv');
    fs.writeFileSync(file, `credit_code,period,kwh,amount_due,amount_paid,days_late\n${A},2025-01,lots,1,1,0\n`);
    const r = fedcredit('node', 'ingest', '--data', path.join(dir, 'bad-node'), '--site', 'power', '--file', file, '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { code: string; detail: { committed: boolean; problems: { line: number; text: string }[] } } };
    expect(doc.error).toMatchObject({ code: 'INGEST_REJECTED', detail: { committed: false, problems: [{ line: 2, text: expect.stringMatching(/bad-bills\.csv:2: kwh: 'lots' is not a number/) }] } });
  });
});
