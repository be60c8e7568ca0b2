/**
 * The auditor's replay of each site's identity keys (log/audit/identity-audit.ts) on entries
 * built here: an honest rotation and a removal followed by a new registration pass and are
 * listed; a rotation not signed by the old key is a BAD_ENTRY, one signed by a key that is not
 * the site's current one is ROTATION_NOT_FROM_CURRENT_KEY, and a registration under a new key
 * with neither a rotation nor a removal before it is KEY_REPLACED_WITHOUT_ROTATION.
 */
import { describe, expect, it } from 'vitest';
import { generateIdentity, type Identity } from '../../crypto/identity.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { encodeEntry, makeEntry, nodeKeyRotationEntry, nodeRegistrationEntry } from '../../log/entries.js';
import { checkEntryChunk } from '../../log/audit/entry-check.js';
import { auditIdentities, emptyIdentityAuditState } from '../../log/audit/identity-audit.js';
import { registrationMessage, type NodeRegistration } from '../../registration/statement.js';
import { keyFingerprint, keyRotationMessage } from '../../registration/rotation.js';

let time = 1_700_000_000_000;

function registration(identity: Identity): { r: NodeRegistration; signature: Uint8Array } {
  const r = { site: 'tax', address: '127.0.0.1:7101', identityPublicKey: identity.publicKey, sealingPublicKey: generateX25519KeyPair().publicKey, timestampMs: time++ };
  return { r, signature: identity.sign(registrationMessage(r)) };
}

const registered = (identity: Identity) => {
  const { r, signature } = registration(identity);
  return encodeEntry(nodeRegistrationEntry(r, signature));
};

function rotated(from: Identity, to: Identity, signer: Identity = from): Uint8Array {
  const { r, signature } = registration(to);
  const rotatedAtMs = time++;
  const statement = { site: r.site, previousIdentityKey: from.publicKey, identityKey: r.identityPublicKey, sealingKey: r.sealingPublicKey, rotatedAtMs };
  return encodeEntry(nodeKeyRotationEntry(r, signature, undefined, { previousIdentityKey: from.publicKey, signature: signer.sign(keyRotationMessage(statement)), rotatedAtMs }));
}

const removed = (identity: Identity) => encodeEntry(makeEntry('node-removal', {
  site: 'tax', identityKey: Buffer.from(identity.publicKey).toString('hex'), reason: 'disk lost', removedBy: 'operator/coordinator', time: time++,
}));

describe('identity audit', () => {
  const [a, b, c, d] = [generateIdentity(), generateIdentity(), generateIdentity(), generateIdentity()];

  it('follows a signed rotation and a removal with a new registration, and lists them', () => {
    const items = [registered(a), registered(a), rotated(a, b), removed(b), registered(c)];
    expect(checkEntryChunk(items).map((x) => x.problem)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const out = auditIdentities(0, items, emptyIdentityAuditState());
    expect(out.findings).toEqual([]);
    expect(out.changes.map((x) => [x.kind, x.from, x.to ?? null])).toEqual([
      ['rotation', keyFingerprint(a.publicKey), keyFingerprint(b.publicKey)],
      ['removal', keyFingerprint(b.publicKey), null],
      ['registration after removal', keyFingerprint(b.publicKey), keyFingerprint(c.publicKey)],
    ]);
    expect(out.state.sites['tax']).toMatchObject({ key: Buffer.from(c.publicKey).toString('hex'), removed: false, bookSince: 4 });
    expect(out.state.sites['tax']?.keys).toHaveLength(3);
    // Incremental: the same result from a saved state.
    const first = auditIdentities(0, items.slice(0, 3), emptyIdentityAuditState());
    expect(auditIdentities(3, items.slice(3), first.state).state).toEqual(out.state);
  });

  it('a rotation not signed by the old key is a bad entry', () => {
    const forged = rotated(a, b, d);
    expect(checkEntryChunk([forged])[0]?.problem).toMatch(/not signed by the previous key/);
    // Not applied either: the site keeps its key.
    const out = auditIdentities(0, [registered(a), forged], emptyIdentityAuditState());
    expect(out.state.sites['tax']?.key).toBe(Buffer.from(a.publicKey).toString('hex'));
  });

  it('a rotation from a key that is not the current one, and a key replaced with no rotation or removal, are findings', () => {
    const out = auditIdentities(0, [registered(a), rotated(d, b), registered(c)], emptyIdentityAuditState());
    expect(out.findings.map((f) => [f.code, f.index])).toEqual([['ROTATION_NOT_FROM_CURRENT_KEY', 1], ['KEY_REPLACED_WITHOUT_ROTATION', 2]]);
    const removal = auditIdentities(0, [registered(a), removed(b)], emptyIdentityAuditState());
    expect(removal.findings.map((f) => f.code)).toEqual(['REMOVAL_OF_UNKNOWN_KEY']);
  });
});
