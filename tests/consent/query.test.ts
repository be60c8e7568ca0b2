/**
 * Signed queries: a node that never sees the requester still refuses a query the consented
 * bank did not sign (e.g. a curious coordinator reusing the bank's consent), a query moved
 * onto another consent, a replay, and any one-byte change; honest queries pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeConsent } from '../../consent/verify.js';
import { consumeSignedQuery, encodeSignedQuery, signQuery, type SignedQuery } from '../../consent/signed-query.js';
import { bank, bankIdentity, grant, ledgerWithBindings, NOW, stranger, SUBJECT } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
let n = 0;
function signed(consentId: string, overrides: Partial<Parameters<typeof signQuery>[2]> = {}, signer = bank, name = bankIdentity.name): SignedQuery {
  n += 1;
  return signQuery(signer, name, {
    queryId: `signed-query-${n}`, consentId, subject: SUBJECT, purpose: 'credit-assessment', operation: 'score', sites: ['tax', 'power', 'bank'], ...overrides,
  }, NOW);
}

describe('signed queries at a node', () => {
  it('an honest query passes at each node for its own site, once', async () => {
    const consent = grant();
    const q = signed(consent.consentId);
    for (const site of ['tax', 'power', 'bank']) {
      const node = await ledgerWithBindings();
      expect(await consumeSignedQuery(node, encodeConsent(consent), encodeSignedQuery(q), { sites: [site], now: NOW })).toMatchObject({ ok: true, usesLeft: 2 });
      expect(await consumeSignedQuery(node, encodeConsent(consent), encodeSignedQuery(q), { sites: [site], now: NOW })).toMatchObject({ ok: false, code: 'CONSENT_REPLAYED' });
    }
  });

  it('a coordinator cannot use a bank\'s consent: naming the bank without its key, or signing as itself', async () => {
    const node = await ledgerWithBindings();
    const consent = grant();
    const posing = { ...signed(consent.consentId, {}, stranger), requester: bankIdentity };
    expect(await consumeSignedQuery(node, consent, posing, { sites: ['tax'], now: NOW })).toMatchObject({ ok: false, code: 'CONSENT_WRONG_REQUESTER' });
    const asItself = signed(consent.consentId, {}, stranger, 'coordinator');
    expect(asItself.requester.key).toBe(hex(stranger.publicKey));
    expect(await consumeSignedQuery(node, consent, asItself, { sites: ['tax'], now: NOW })).toMatchObject({ ok: false, code: 'CONSENT_WRONG_REQUESTER' });
  });

  it('a signed query cannot be moved onto another consent, and no use is counted', async () => {
    const node = await ledgerWithBindings();
    const consent = grant();
    const other = grant();
    expect(await consumeSignedQuery(node, other, signed(consent.consentId), { sites: ['tax'], now: NOW })).toMatchObject({ ok: false, code: 'CONSENT_WRONG_REQUESTER' });
    expect(await node.usesOf(other.consentId)).toBe(0);
  });

  it('a node serves only sites the query asked for', async () => {
    const node = await ledgerWithBindings();
    const consent = grant();
    const q = signed(consent.consentId, { sites: ['bank'] });
    expect(await consumeSignedQuery(node, consent, q, { sites: ['tax'], now: NOW })).toMatchObject({ ok: false, code: 'CONSENT_SCOPE_NOT_COVERED' });
  });

  it('any one-byte change to a signed query is refused and never throws', async () => {
    const node = await ledgerWithBindings();
    const consent = grant({ maxUses: 1_000_000 });
    const bytes = new TextEncoder().encode(encodeSignedQuery(signed(consent.consentId)));
    await fc.assert(fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (index, delta) => {
      const mutated = bytes.slice();
      mutated[index % mutated.length] ^= delta;
      const verdict = await consumeSignedQuery(node, consent, mutated, { sites: ['tax'], now: NOW });
      expect(verdict.ok).toBe(false);
    }), { numRuns: 800 });
    expect(await node.usesOf(consent.consentId)).toBe(0);
  });
});
