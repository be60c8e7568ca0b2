/**
 * Helpers for the transparency-log tests that run the federation as real processes: start a
 * coordinator and nodes from the compiled CLI with fast checkpoint and witness cadences, wait
 * for a final checkpoint, and run `fedcredit audit ...` as an operator would.
 */
import path from 'node:path';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { cli } from '../helpers/cli.js';
import { transparencyLogClient } from '../../proto/clients.js';
import { freePort } from '../../lib/party-processes.js';
import { call } from '../../lib/grpc.js';
import { parseNote } from '../../crypto/signed-note.js';
import { parseCheckpoint } from '../../log/checkpoint.js';
import type { Transport } from '../../lib/tls.js';
import { testFederation } from '../helpers/federation.js';

export const FAST = ['--checkpoint-interval', '100'];
export const FAST_WITNESS = ['--witness-interval', '100'];

/** Parties run over mutual TLS with certificates from the test folder's federation (tests/helpers/federation.ts). */
/**
 * Without `--port` in `extra`, a free port below the ephemeral range (lib/party-processes.ts
 * freePort): tests restart the coordinator on its port, and one from `listen(0)` can be taken by
 * another process's outgoing connection while it is down.
 */
export async function startCoordinatorProcess(dir: string, extra: string[] = []): Promise<SpawnedParty> {
  const fed = await testFederation(dir);
  const port = extra.includes('--port') ? [] : ['--port', String(await freePort())];
  return spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(dir, 'coordinator'), ...FAST, ...fed.tls('coordinator'), ...port, ...extra]);
}

export async function startNodeProcess(dir: string, site: string, coordinator: string): Promise<SpawnedParty> {
  const fed = await testFederation(dir);
  return spawnParty(`node ${site}`, [
    'node', 'serve', '--site', site, '--data', path.join(dir, `node-${site}`), '--port', '0', '--coordinator', coordinator, ...FAST_WITNESS, ...fed.tls(site),
  ]);
}

/** Polls until the final checkpoint has `size` entries and `cosigners` cosignatures. */
export async function waitForFinal(address: string, transport: Transport, size: number, cosigners: number, timeoutMs = 15_000): Promise<string> {
  const client = transparencyLogClient(address, transport);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  try {
    for (;;) {
      try {
        ({ final: last } = await call(client, client.GetCheckpoint, {}, 2_000));
        const note = last ? parseNote(last) : undefined;
        const cp = note?.ok ? parseCheckpoint(note.note.text) : undefined;
        if (note?.ok && cp?.ok && cp.checkpoint.size >= size && note.note.signatures.length - 1 >= cosigners) return last;
      } catch {
        // The coordinator may be restarting; keep polling until the deadline.
      }
      if (Date.now() > deadline) throw new Error(`no final checkpoint of size ${size} with ${cosigners} cosignatures within ${timeoutMs} ms; last: ${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.close();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as tests/helpers/cli.ts runs it, bounded by the calling test's own timeout. (It was
 * execFile with a 30 s timeout: on a loaded machine a slow `model show` was killed and reported
 * as exit code 1 with no error text, a failure that looked like the product's.)
 */
export async function runCli(args: string[]): Promise<CliResult> {
  const r = await cli(args);
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.code === null ? `${r.stderr}(the CLI was killed by a signal)` : r.stderr };
}
