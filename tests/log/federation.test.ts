/**
 * The transparency log end to end over real processes: a coordinator and three data nodes
 * started from the compiled CLI. Every registration is logged before it is acknowledged, the
 * nodes cosign as witnesses, and `fedcredit audit verify` (itself a process) passes, then
 * verifies append-only consistency from its saved state on a second run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient, dataNodeClient, transparencyLogClient } from '../../proto/clients.js';
import { call } from '../../lib/grpc.js';
import { decodeEntry } from '../../log/entries.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import type { AuditSummary } from '../../log/audit/verify.js';
import { runCli, startCoordinatorProcess, startNodeProcess, waitForFinal } from './federation-helpers.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const SITES = ['tax', 'power', 'bank'];
let dir: string;
let coordinator: SpawnedParty;
const nodes: SpawnedParty[] = [];
let fed: TestFederation;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-txlog-'));
  fed = await testFederation(dir);
  coordinator = await startCoordinatorProcess(dir);
  for (const site of SITES) nodes.push(await startNodeProcess(dir, site, coordinator.address));
  await waitForFinal(coordinator.address, fed.as('auditor-1'), 3, 3);
}, 40_000);

afterAll(async () => {
  await Promise.all([...nodes.map((n) => n.stop()), coordinator?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('transparency log across coordinator and node processes', () => {
  it('logs each node registration with the node\'s own signature, and every witness cosigns', async () => {
    const client = transparencyLogClient(coordinator.address, fed.as('auditor-1'));
    try {
      const { entries } = await call(client, client.GetEntries, { from: 0, to: 3 });
      const decoded = entries.map((e) => decodeEntry(new Uint8Array(e)));
      expect(decoded.every((d) => d.ok)).toBe(true);
      const bodies = decoded.map((d) => (d.ok ? d.entry : undefined));
      expect(bodies.map((b) => b?.kind)).toEqual(['node-registration', 'node-registration', 'node-registration']);
      expect(bodies.map((b) => b?.body['site']).sort()).toEqual([...SITES].sort());
      const { final } = await call(client, client.GetCheckpoint, {});
      for (const site of SITES) expect(final).toContain(`— ${site}.witness.fedcredit `);
    } finally {
      client.close();
    }
    const nodesClient = coordinatorClient(coordinator.address, fed.as('coordinator-operator'));
    const health = dataNodeClient(nodes[0]!.address, fed.as('tax-operator'), 'tax');
    try {
      expect((await call(health, health.Health, {})).status).toBe('SERVING');
      expect((await call(nodesClient, nodesClient.ListNodes, {})).nodes).toHaveLength(3);
    } finally {
      nodesClient.close();
      health.close();
    }
  });

  it('`audit verify` passes with a summary, then verifies consistency from its saved state', async () => {
    const state = path.join(dir, 'auditor', 'state.json');
    const first = await runCli(['audit', 'verify', '--coordinator', coordinator.address, '--state', state, ...fed.tls('auditor-1')]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('trust on first use');
    expect(first.stdout).toContain('cosigned by 3 witnesses');
    expect(first.stdout).toContain('3 new entries: 3 node-registration; 3 entry signatures verified');
    expect(first.stdout).toContain('node records (new since the last audit) matching the log: bank 1, power 1, tax 1');
    expect(first.stdout).toMatch(/OK: no findings .*state saved/);
    const saved = JSON.parse(fs.readFileSync(state, 'utf8')) as { checkpoint: string; witnesses: Record<string, unknown> };
    expect(saved.checkpoint.split('\n')[1]).toBe('3');
    expect(Object.keys(saved.witnesses)).toHaveLength(3);

    // A fourth node joins: the log grows, and the second run checks only what is new.
    nodes.push(await startNodeProcess(dir, 'extra', coordinator.address));
    await waitForFinal(coordinator.address, fed.as('auditor-1'), 4, 4);
    const second = await runCli(['audit', 'verify', '--coordinator', coordinator.address, '--state', state, '--json', ...fed.tls('auditor-1')]);
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout) as AuditSummary;
    expect(summary).toMatchObject({ ok: true, previousSize: 3, newEntries: 1, entriesByKind: { 'node-registration': 1 }, stateSaved: true });
    expect(summary.checkpoint?.size).toBe(4);
    expect(summary.notices.join('\n')).toContain('pinned witness extra.witness.fedcredit');
    // Records verified last time are not fetched again: the saved chain heads carry on from there.
    expect(summary.nodeRecords).toEqual({ tax: 0, power: 0, bank: 0, extra: 1 });
  });

  it('`--trust FILE` gives the keys explicitly instead of pinning them on first use', async () => {
    const pinned = JSON.parse(fs.readFileSync(path.join(dir, 'auditor', 'state.json'), 'utf8')) as { origin: string; logKey: string; witnesses: Record<string, { site: string; key: string }> };
    const trust = path.join(dir, 'auditor', 'trust.json');
    fs.writeFileSync(trust, JSON.stringify({ origin: pinned.origin, logKey: pinned.logKey, witnesses: Object.entries(pinned.witnesses).map(([name, w]) => ({ name, ...w })) }));
    const res = await runCli(['audit', 'verify', '--coordinator', coordinator.address, '--state', path.join(dir, 'auditor', 'trusted.json'), '--trust', trust, '--json', ...fed.tls('auditor-1')]);
    const summary = JSON.parse(res.stdout) as AuditSummary;
    expect(summary).toMatchObject({ ok: true, firstUse: false, notices: [] });
    expect(summary.checkpoint?.cosignedBy).toHaveLength(4);
  });

  it('refuses when the coordinator presents another log key than the one pinned', async () => {
    const state = path.join(dir, 'auditor', 'other.json');
    fs.writeFileSync(state, JSON.stringify({ version: 1, origin: 'fedcredit.local/log', logKey: 'ab'.repeat(32), witnesses: {} }));
    const res = await runCli(['audit', 'verify', '--coordinator', coordinator.address, '--state', state, ...fed.tls('auditor-1')]);
    expect(res.code).toBe(2);
    expect(res.stdout).toContain('[TRUST_CHANGED]');
    expect(JSON.parse(fs.readFileSync(state, 'utf8'))).not.toHaveProperty('checkpoint');
  });
});
