/**
 * The coordinator's health poll (coordinator/registrations.ts pollNode) against a node that
 * registers again while a poll of it is in flight: a node killed and restarted at its fixed
 * address while the coordinator still waited for the old process's answer. The poll's failure
 * says nothing of the new process; before, it marked the site UNREACHABLE, and every score
 * query was refused SHARE_MISSING until the next poll (seen once in CI's scoring fault test).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pollNode } from '../../coordinator/registrations.js';
import { generateIdentity } from '../../crypto/identity.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { INSECURE } from '../../lib/tls.js';
import { NodeRegistry } from '../../registration/registry.js';
import { registrationMessage } from '../../registration/statement.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

/** A TCP port that takes connections and never answers: a hung node, so a poll waits out its 2 s deadline. */
async function silentPort(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => { sockets.add(socket); socket.on('error', () => undefined); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }));
  return (server.address() as net.AddressInfo).port;
}

describe('health poll of a node that registers again meanwhile', () => {
  it('leaves the new registration alone, and marks UNREACHABLE (said once) only what a poll of the current registration found', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-health-poll-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const registry = await NodeRegistry.open(dir);
    cleanup.push(() => registry.close());
    const identity = generateIdentity();
    const sealing = generateX25519KeyPair().publicKey;
    const address = `127.0.0.1:${await silentPort()}`;
    const register = async () => {
      const r = { site: 'tax', address, identityPublicKey: identity.publicKey, sealingPublicKey: sealing, timestampMs: Date.now() };
      await registry.register(r, identity.sign(registrationMessage(r)));
    };
    const lines: string[] = [];
    const ctx = { registry, transport: INSECURE, log: (l: string) => lines.push(l) };

    await register();
    const started = Date.now();
    const inFlight = pollNode(ctx, 'tax', address);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The node restarts at the same address and registers while the poll still waits.
    await register();
    await inFlight;
    expect(Date.now() - started, 'the poll waited out its deadline').toBeGreaterThanOrEqual(1_900);
    expect(registry.healthOf('tax').health, lines.join('\n')).toBe('UNKNOWN');
    expect(lines.filter((l) => l.includes('unreachable'))).toEqual([]);

    // A poll of the registration as it stands, unanswered: the site is UNREACHABLE, said once.
    await pollNode(ctx, 'tax', address);
    await pollNode(ctx, 'tax', address);
    expect(registry.healthOf('tax').health).toBe('UNREACHABLE');
    expect(registry.healthOf('tax').lastError).toMatch(/not reachable/);
    const said = lines.filter((l) => l.includes('is unreachable'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`node tax at ${address} is unreachable`);
    expect(said[0]).toContain('queries are refused until it answers a health poll (every 3 s) or registers again');
  }, 20_000);
});
