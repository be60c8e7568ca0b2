/**
 * The coordinator's registry (registration/registry.ts) on its own: a site's key changes only
 * with a rotation its registered key signed, or after a removal; refusals say what to do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateIdentity, type Identity } from '../../crypto/identity.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { FedcreditError } from '../../lib/errors.js';
import { NodeRegistry } from '../../registration/registry.js';
import { registrationMessage } from '../../registration/statement.js';
import { keyFingerprint, keyRotationMessage } from '../../registration/rotation.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

function signed(identity: Identity) {
  const r = { site: 'tax', address: '127.0.0.1:7101', identityPublicKey: identity.publicKey, sealingPublicKey: generateX25519KeyPair().publicKey, timestampMs: Date.now() };
  return { r, signature: identity.sign(registrationMessage(r)) };
}

function rotation(from: Identity, r: ReturnType<typeof signed>['r'], signer = from) {
  const rotatedAtMs = Date.now();
  const statement = { site: r.site, previousIdentityKey: from.publicKey, identityKey: r.identityPublicKey, sealingKey: r.sealingPublicKey, rotatedAtMs };
  return { previousIdentityKey: from.publicKey, signature: signer.sign(keyRotationMessage(statement)), rotatedAtMs };
}

async function refusal(p: Promise<unknown>): Promise<FedcreditError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(FedcreditError);
  return e as FedcreditError;
}

describe('node registry', () => {
  it('refuses a new key with what to do, takes a rotation the old key signed, and a new key after a removal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-registry-'));
    dirs.push(dir);
    const registry = await NodeRegistry.open(dir);
    try {
      const [a, b, c, x] = [generateIdentity(), generateIdentity(), generateIdentity(), generateIdentity()];
      const first = signed(a);
      await registry.register(first.r, first.signature);
      const g0 = registry.generation;

      const fresh = signed(b);
      const conflict = await refusal(registry.register(fresh.r, fresh.signature));
      expect(conflict.code).toBe('REGISTRATION_KEY_CONFLICT');
      expect(conflict.message).toContain(`registered under identity key ${keyFingerprint(a.publicKey)}, but this node presents key ${keyFingerprint(b.publicKey)}`);
      expect(conflict.message).toContain('fedcredit node rotate-identity');
      expect(conflict.message).toContain('fedcredit coordinator remove-node tax');

      expect((await refusal(registry.register(fresh.r, fresh.signature, undefined, Date.now(), rotation(a, fresh.r, x)))).code).toBe('KEY_ROTATION_REFUSED');
      expect((await refusal(registry.register(fresh.r, fresh.signature, undefined, Date.now(), rotation(x, fresh.r)))).code).toBe('KEY_ROTATION_REFUSED');
      expect(await registry.checkRegistration(fresh.r, fresh.signature, Date.now(), rotation(a, fresh.r))).toBe('rotation');
      await registry.register(fresh.r, fresh.signature, undefined, Date.now(), rotation(a, fresh.r));
      expect((await registry.get('tax'))?.identityPublicKeyHex).toBe(Buffer.from(b.publicKey).toString('hex'));
      expect(registry.generation).toBeGreaterThan(g0);

      const lost = signed(c);
      expect((await refusal(registry.register(lost.r, lost.signature))).code).toBe('REGISTRATION_KEY_CONFLICT');
      const g1 = registry.generation;
      expect((await registry.remove('tax', 'disk lost'))?.identityPublicKeyHex).toBe(Buffer.from(b.publicKey).toString('hex'));
      expect(registry.generation).toBeGreaterThan(g1);
      expect(registry.registrationNotes().get('tax')?.state).toBe('REMOVED');
      expect(await registry.checkRegistration(lost.r, lost.signature)).toBe('first');
      await registry.register(lost.r, lost.signature);
      expect(registry.registrationNotes().has('tax')).toBe(false);
    } finally {
      await registry.close();
    }
  });
});
