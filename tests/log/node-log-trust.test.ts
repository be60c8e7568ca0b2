/**
 * A lying coordinator against the node's real LogFollower (log/follower.ts): the batches
 * are crafted in-process, the node side is the product code. The node must apply log entries
 * only when they hash to a checkpoint signed by the log key it pinned, and consistent with the
 * checkpoint it cosigned; a batch that leaves out a revocation, reorders entries, or comes
 * without (or with a wrongly signed) checkpoint is refused with LOG_NOT_VERIFIED and nothing
 * in it is applied.
 */
import { describe, expect, it } from 'vitest';
import { signCheckpoint, type Checkpoint } from '../../log/checkpoint.js';
import { generateIdentity, type Identity } from '../../crypto/identity.js';
import { hashLeaf, MemoryTree } from '../../log/merkle.js';
import { keyBindingEntry, revocationEntry, revokeConsent } from '../../consent/verify.js';
import { encodeEntry, makeEntry } from '../../log/entries.js';
import { INSECURE } from '../../lib/tls.js';
import { LogFollower, type LogTrust } from '../../log/follower.js';
import { bankIdentity, binding, enterprise, grant, ledgerWithBindings, NOW, SUBJECT } from '../consent/helpers.js';

const ORIGIN = 'fedcredit.test/log';
const logKey = generateIdentity();
const consent = grant();

const bindingEntry = encodeEntry(keyBindingEntry(binding));
const revocation = encodeEntry(revocationEntry(revokeConsent(enterprise, consent, NOW)));
const query = encodeEntry(makeEntry('query', {
  queryId: 'query-000001', requester: bankIdentity.name, subject: SUBJECT, consentId: consent.consentId, purpose: 'credit-assessment',
  model: 'm1', sites: ['tax', 'power'], time: NOW + 1,
}));
/** The log as the coordinator really wrote it. */
const honest = [bindingEntry, revocation, query];

function checkpointOf(entries: readonly Uint8Array[], signer: Identity = logKey): { note: string; checkpoint: Checkpoint } {
  const tree = new MemoryTree(entries.map((e) => hashLeaf(e)));
  const checkpoint: Checkpoint = { origin: ORIGIN, size: entries.length, rootHash: tree.root(), extensions: [] };
  return { note: signCheckpoint(checkpoint, { name: ORIGIN, publicKey: signer.publicKey, sign: (m) => signer.sign(m) }), checkpoint };
}

async function follower(cosigned?: Checkpoint): Promise<{ follower: LogFollower; ledger: Awaited<ReturnType<typeof ledgerWithBindings>>; lines: string[] }> {
  const ledger = await ledgerWithBindings();
  const lines: string[] = [];
  const trust: LogTrust = {
    pinnedLog: async () => ({ origin: ORIGIN, key: { name: ORIGIN, publicKey: logKey.publicKey } }),
    cosigned: () => cosigned,
    forked: () => undefined,
  };
  // The coordinator address is never dialled: every entry here comes with the batch.
  const f = new LogFollower({ coordinator: '127.0.0.1:9', transport: INSECURE, site: 'tax', ledger, trust, log: (l) => lines.push(l) });
  return { follower: f, ledger, lines };
}

describe('a node reads only a log it verified', () => {
  it('applies a batch whose entries hash to the signed checkpoint', async () => {
    const { follower: f, ledger } = await follower(checkpointOf(honest.slice(0, 2)).checkpoint);
    await f.offer(0, honest, checkpointOf(honest).note);
    expect(f.size).toBe(3);
    expect(await ledger.revocationsOf(consent.consentId)).toHaveLength(1);
    expect(await f.queryEntryHash(2)).toBe(Buffer.from(hashLeaf(query)).toString('hex'));
    f.close();
  });

  it('refuses entries sent without a checkpoint (as the coordinator sent them before)', async () => {
    const { follower: f, ledger } = await follower();
    await expect(f.offer(0, [bindingEntry, query], '')).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    expect(f.size).toBe(0);
    expect(await ledger.revocationsOf(consent.consentId)).toHaveLength(0);
    f.close();
  });

  it('refuses a log that leaves out a revocation the node cosigned, even under the log\'s own signature', async () => {
    // The node's witness cosigned [binding, revocation]; the coordinator now signs a fork without it.
    const { follower: f } = await follower(checkpointOf(honest.slice(0, 2)).checkpoint);
    const forked = [bindingEntry, query];
    await expect(f.offer(0, forked, checkpointOf(forked).note)).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    expect(f.size).toBe(0);
    f.close();
  });

  it('refuses reordered entries under the honest checkpoint', async () => {
    const { follower: f, ledger } = await follower();
    await expect(f.offer(0, [bindingEntry, query, revocation], checkpointOf(honest).note)).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    await expect(f.offer(0, [bindingEntry, query], checkpointOf(honest).note)).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    expect(f.size).toBe(0);
    expect(await ledger.revocationsOf(consent.consentId)).toHaveLength(0);
    f.close();
  });

  it('refuses a checkpoint signed by another key than the pinned log key', async () => {
    const { follower: f } = await follower();
    await expect(f.offer(0, honest, checkpointOf(honest, generateIdentity()).note)).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    expect(f.size).toBe(0);
    f.close();
  });

  it('extends the verified tree batch by batch, refusing a batch that does not continue it', async () => {
    const { follower: f } = await follower();
    await f.offer(0, honest.slice(0, 1), checkpointOf(honest.slice(0, 1)).note);
    // A second batch that rewrites entry 0 (overlapping) is cut to what the node has not read,
    // and that tail must still hash, on top of the verified entry, to the checkpoint's root.
    await expect(f.offer(1, [query], checkpointOf([bindingEntry, query]).note)).resolves.toBeUndefined();
    expect(f.size).toBe(2);
    await expect(f.offer(2, [revocation], checkpointOf(honest).note)).rejects.toMatchObject({ code: 'LOG_NOT_VERIFIED' });
    expect(f.size).toBe(2);
    f.close();
  });
});
