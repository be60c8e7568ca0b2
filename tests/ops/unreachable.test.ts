/**
 * Issue 17: a node whose coordinator is unreachable says so at once and on each retry, with
 * the address and what to check (it said nothing for up to 45 s). Flags only, so the same test
 * runs against the code before the fix (where it fails: only the `listening` line comes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../lib/party-processes.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { testFederation } from '../helpers/federation.js';
import { logLine } from '../helpers/wait.js';

let dir: string;
let node: SpawnedParty | undefined;
let nowhere: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-unreachable-'));
  const fed = await testFederation(dir, ['tax']);
  // Free now, and nobody listens on it: connections are refused.
  nowhere = `127.0.0.1:${await freePort()}`;
  node = await spawnParty('tax node', ['node', 'serve', '--site', 'tax', '--data', path.join(dir, 'tax'), '--port', '0', '--coordinator', nowhere, ...fed.tls('tax')], { startTimeoutMs: 30_000 });
}, 60_000);

afterAll(async () => {
  await node?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('says at once, and on every retry, that the coordinator is unreachable, naming it and what to check', async () => {
  const first = await logLine(node!, /unreachable/, 10_000);
  expect(first).toContain(`coordinator ${nowhere} unreachable (attempt 1;`);
  expect(first).toMatch(/Check that the coordinator runs and listens on/);
  await logLine(node!, /unreachable \(attempt 3;/, 10_000);
}, 30_000);
