/**
 * The installed CLI as an operator uses it: help on every command, JSON output, FATE's
 * feature tables, and a rejected file that exits non-zero with a readable message.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../lib/spawn-party.js';

const FATE = path.resolve(path.dirname(cliPath()), '../../../shared/data/fate');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fedcredit(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fedcredit CLI', () => {
  it.each([
    [[]], [['node']], [['node', 'serve']], [['node', 'ingest']], [['node', 'status']], [['node', 'features']],
    [['coordinator']], [['coordinator', 'serve']], [['coordinator', 'nodes']], [['sim', 'generate']], [['sim', 'tables']], [['demo']], [['init']],
  ])('%j --help explains itself', (cmd) => {
    const r = fedcredit(...cmd, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: fedcredit/);
  });

  it('ingests FATE\'s vertical split as feature tables, with labels at the guest only', () => {
    const guest = fedcredit('node', 'ingest', '--data', path.join(dir, 'guest'), '--site', 'guest', '--kind', 'features',
      '--label-column', 'y', '--id-format', 'any', '--file', path.join(FATE, 'breast_hetero_guest.csv'), '--json');
    expect(guest.stderr).toBe('');
    expect(JSON.parse(guest.stdout)).toMatchObject({ committed: true, rows: 569, enterprises: 569, featuresPerEnterprise: 10 });
    const host = fedcredit('node', 'ingest', '--data', path.join(dir, 'host'), '--site', 'host', '--kind', 'features',
      '--id-format', 'any', '--file', path.join(FATE, 'breast_hetero_host.csv'), '--json');
    expect(JSON.parse(host.stdout)).toMatchObject({ committed: true, enterprises: 569, featuresPerEnterprise: 20 });
    const status = JSON.parse(fedcredit('node', 'status', '--data', path.join(dir, 'host'), '--json').stdout);
    expect(status).toMatchObject({ site: 'host', source: 'table', hasLabels: false });
    expect(status.catalogue.map((f: { name: string }) => f.name)).toEqual(Array.from({ length: 20 }, (_, i) => `x${i}`));
  });

  it('a rejected file exits 1 and names file, line, column and problem; the store is untouched', () => {
    const file = path.join(dir, 'bills.csv');
    fs.writeFileSync(file, 'credit_code,period,kwh,amount_due,amount_paid,days_late\n91350100M000100Y43,2025-01,12,1,1,-3\n');
    const r = fedcredit('node', 'ingest', '--data', path.join(dir, 'power'), '--site', 'power', '--file', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error \[INGEST_REJECTED\]: bills\.csv: rejected, nothing was stored/);
    expect(r.stderr).toMatch(/bills\.csv:2: days_late: '-3' is not a whole number|bills\.csv:2: days_late: '-3' is outside/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const status = JSON.parse(fedcredit('node', 'status', '--data', path.join(dir, 'power'), '--json').stdout);
    expect(status).toMatchObject({ counts: {}, ingests: [] });
  });

  it('a store of one site cannot be reopened as another', () => {
    const r = fedcredit('node', 'ingest', '--data', path.join(dir, 'guest'), '--site', 'bank', '--file', path.join(FATE, 'breast_hetero_guest.csv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[STORE_MISMATCH\]: .*belongs to site 'guest', not 'bank'/);
  });
});
