/**
 * Every refusal code of verifyConsent, each from a realistic case, and the accepted path.
 * A refusal never carries a score and never throws.
 */
import { describe, expect, it } from 'vitest';
import {
  CONSENT_REFUSAL_CODES, consentRefusalEntry, consentRefusalError, encodeConsent, grantConsent, revokeConsent, verifyConsent, type Consent,
} from '../../consent/verify.js';
import { FedcreditError } from '../../lib/errors.js';
import { entryProblem } from '../../log/entries.js';
import { status } from '@grpc/grpc-js';
import {
  bankIdentity, DAY, enterprise, grant, ledgerWithBindings, NOW, otherBank, otherEnterprise, query, registrar, stranger,
  SUBJECT, terms, UNREGISTERED,
} from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function refusal(consent: unknown, q = query(), setup?: (l: Awaited<ReturnType<typeof ledgerWithBindings>>) => Promise<void>) {
  const ledger = await ledgerWithBindings();
  if (setup) await setup(ledger);
  const verdict = await ledger.consume(consent, q);
  if (verdict.ok) throw new Error('expected a refusal');
  return verdict;
}

describe('verifyConsent refusals', () => {
  it('accepts a valid consent and counts the use', async () => {
    const ledger = await ledgerWithBindings();
    const verdict = await ledger.consume(encodeConsent(grant()), query());
    expect(verdict).toMatchObject({ ok: true, usesBefore: 0, usesLeft: 2 });
    expect(await ledger.usesOf(grant().consentId)).toBe(0); // another grant, another id
  });

  it('CONSENT_MALFORMED: not JSON, missing field, wrong type, unknown field, bad credit code, non-canonical text', async () => {
    const c = grant();
    const json = JSON.parse(encodeConsent(c)) as Record<string, unknown>;
    const cases: [unknown, RegExp][] = [
      ['{"v":1,', /not UTF-8 JSON/],
      [new Uint8Array([0xff, 0xfe, 0x7b]), /not UTF-8 JSON/],
      [null, /must be a JSON object/],
      [[], /must be a JSON object/],
      [{ ...json, maxUses: undefined }, /maxUses is missing/],
      [{ ...json, maxUses: '3' }, /maxUses must be a whole number/],
      [{ ...json, maxUses: 0 }, /maxUses must be a number of uses between 1/],
      [{ ...json, requester: 'Bank of Fuzhou' }, /requester must be a JSON object/],
      [{ ...json, dataHolders: ['tax', 'tax'] }, /sorted and without duplicates/],
      [{ ...json, purpose: 'marketing' }, /purpose must be one of credit-assessment, loan-monitoring/],
      [{ ...json, extra: true }, /unknown fields: extra/],
      [{ ...json, v: 2 }, /version 2 is not supported/],
      [{ ...json, subject: `${SUBJECT.slice(0, 17)}0` }, /subject: check character/],
      [{ ...json, signature: (json['signature'] as string).toUpperCase() }, /128 lowercase hex/],
      [{ ...json, validUntil: json['issuedAt'] }, /validUntil must be after issuedAt/],
      [JSON.stringify(json, null, 2), /not in canonical form/],
      ['x'.repeat(20_000), /limit/],
    ];
    for (const [input, message] of cases) {
      const r = await refusal(input);
      expect(r.code, String(message)).toBe('CONSENT_MALFORMED');
      expect(r.message).toMatch(message);
    }
    // Exactly as long as the window, or inside it: accepted.
    const ledger = await ledgerWithBindings();
    expect((await ledger.consume(c, query({ sites: ['bank'], minDataMonths: 24, dataWindow: { from: '2024-11', to: '2026-10' } }))).ok).toBe(true);
  });

  it('CONSENT_BAD_SIGNATURE: a forged field, and a consent signed by another key than it names', async () => {
    const c = grant();
    const forged: Consent = { ...c, maxUses: 1000 };
    expect((await refusal(forged)).code).toBe('CONSENT_BAD_SIGNATURE');
    const wrongKey = { ...grant({}, NOW - DAY, stranger), signerKey: hex(enterprise.publicKey) };
    const r = await refusal(wrongKey);
    expect(r).toMatchObject({ code: 'CONSENT_BAD_SIGNATURE', subject: SUBJECT });
    expect(r.message).toMatch(/does not verify under signer key/);
  });

  it('UNKNOWN_ENTERPRISE: no key binding for the subject', async () => {
    const c = grant({ subject: UNREGISTERED });
    expect((await refusal(c, query({ subject: UNREGISTERED }))).code).toBe('UNKNOWN_ENTERPRISE');
  });

  it('CONSENT_KEY_NOT_BOUND: a self-made key for a registered enterprise, and another enterprise\'s key', async () => {
    expect((await refusal(grant({}, NOW - DAY, stranger))).code).toBe('CONSENT_KEY_NOT_BOUND');
    expect((await refusal(grant({}, NOW - DAY, otherEnterprise))).code).toBe('CONSENT_KEY_NOT_BOUND');
  });

  it('CONSENT_KEY_NOT_BOUND is not fooled by a binding from an untrusted registrar', async () => {
    const { bindEnterpriseKey } = await import('../../consent/verify.js');
    const ledger = await ledgerWithBindings();
    const rogue = bindEnterpriseKey(stranger, SUBJECT, stranger.publicKey, NOW);
    expect(await ledger.addKeyBinding(rogue)).toMatchObject({ ok: false, message: /does not trust/ });
    // A context that hands the rogue binding over anyway still gets no acceptance.
    const ctx = { ...ledger.context(query()), bindingsFor: async () => [rogue] };
    expect(await verifyConsent(grant({}, NOW - DAY, stranger), ctx)).toMatchObject({ ok: false, code: 'UNKNOWN_ENTERPRISE' });
  });

  it('CONSENT_WRONG_REQUESTER: another bank presents the consent', async () => {
    const r = await refusal(grant(), query({}, NOW, { name: 'Other Bank', key: hex(otherBank.publicKey) }));
    expect(r.code).toBe('CONSENT_WRONG_REQUESTER');
    // Same key under another name is not the named requester either.
    expect((await refusal(grant(), query({}, NOW, { ...bankIdentity, name: 'Bank of Xiamen' }))).code).toBe('CONSENT_WRONG_REQUESTER');
  });

  it('CONSENT_REVOKED: the enterprise revoked it', async () => {
    const c = grant();
    const r = await refusal(c, query(), async (l) => {
      expect(await l.addRevocation(revokeConsent(enterprise, c, NOW - 60_000))).toEqual({ ok: true, isNew: true });
    });
    expect(r.code).toBe('CONSENT_REVOKED');
  });

  it('a revocation by a key not bound to the subject does not revoke', async () => {
    const c = grant();
    const ledger = await ledgerWithBindings();
    expect(await ledger.addRevocation(revokeConsent(stranger, c, NOW - 60_000))).toMatchObject({ ok: true });
    expect(await ledger.consume(c, query())).toMatchObject({ ok: true });
    const forgedRevocation = { ...revokeConsent(enterprise, c, NOW), revokedAt: NOW + 1 };
    expect(await ledger.addRevocation(forgedRevocation)).toMatchObject({ ok: false });
  });

  it('CONSENT_NOT_YET_VALID and CONSENT_EXPIRED', async () => {
    expect((await refusal(grant({}, NOW + DAY))).code).toBe('CONSENT_NOT_YET_VALID');
    const ledger = await ledgerWithBindings();
    expect(await ledger.consume(grant({}, NOW + 60_000), query())).toMatchObject({ ok: true }); // within the clock skew
    expect((await refusal(grant({}, NOW - 31 * DAY))).code).toBe('CONSENT_EXPIRED');
    expect((await refusal(grant({ validForMs: DAY }, NOW - DAY))).code).toBe('CONSENT_EXPIRED'); // at validUntil exactly
  });

  it('CONSENT_PURPOSE_NOT_COVERED: asked for loan monitoring under a credit-assessment consent', async () => {
    expect((await refusal(grant(), query({ purpose: 'loan-monitoring' }))).code).toBe('CONSENT_PURPOSE_NOT_COVERED');
  });

  it('CONSENT_SCOPE_NOT_COVERED: site not a data holder, site not a source, operation not granted, other subject, data months', async () => {
    const c = grant({ dataHolders: ['tax', 'bank'], sources: ['bank'], operations: ['score'] });
    const cases = [
      [query({ sites: ['bank', 'power'] }), /'power' is not among the data holders/],
      [query({ sites: ['tax'] }), /'tax' is a data holder but not a granted source/],
      [query({ sites: ['bank'], operation: 'explain' }), /operation 'explain' is not granted/],
      [query({ sites: ['bank'], subject: UNREGISTERED }), /the query about/],
      [query({ sites: ['bank'], dataWindow: { from: '2023-01', to: '2026-10' } }), /outside the consented window/],
      [query({ sites: [] }), /names no site/],
      // The window (2024-11..2026-10) spans 24 months: a model reading 25 cannot be answered from it.
      [query({ sites: ['bank'], minDataMonths: 25 }), /spans 24 months, but the model reads 25 months/],
    ] as const;
    for (const [q, message] of cases) {
      const r = await refusal(c, q);
      expect(r.code).toBe('CONSENT_SCOPE_NOT_COVERED');
      expect(r.message).toMatch(message);
    }
  });

  it('CONSENT_REPLAYED: a query id used before, even under another consent', async () => {
    const ledger = await ledgerWithBindings();
    const q = query();
    expect(await ledger.consume(grant(), q)).toMatchObject({ ok: true });
    expect(await ledger.consume(grant(), q)).toMatchObject({ ok: false, code: 'CONSENT_REPLAYED' });
  });

  it('CONSENT_USES_EXHAUSTED after maxUses queries', async () => {
    const ledger = await ledgerWithBindings();
    const c = grant({ maxUses: 2 });
    expect(await ledger.consume(c, query())).toMatchObject({ ok: true, usesLeft: 1 });
    expect(await ledger.consume(c, query())).toMatchObject({ ok: true, usesLeft: 0 });
    const r = await ledger.consume(c, query());
    expect(r).toMatchObject({ ok: false, code: 'CONSENT_USES_EXHAUSTED' });
    expect(await ledger.usesOf(c.consentId)).toBe(2);
  });

  it('every refusal code maps to a gRPC status and reads as a FedcreditError', async () => {
    const r = await refusal(grant({}, NOW - 31 * DAY));
    const err = consentRefusalError(r);
    expect(err).toBeInstanceOf(FedcreditError);
    expect(err.grpcStatus).toBe(status.PERMISSION_DENIED);
    for (const code of CONSENT_REFUSAL_CODES) expect(new FedcreditError(code, 'x').grpcStatus).toBeTypeOf('number');
    expect(new Set(CONSENT_REFUSAL_CODES).size).toBe(12);
  });

  it('a refusal becomes a well-formed refusal log entry, with the subject once the consent parsed', async () => {
    const expired = consentRefusalEntry(await refusal(grant({}, NOW - 31 * DAY)), { queryId: 'query-x1', requester: bankIdentity.name, refusedBy: 'coordinator', time: NOW });
    expect(entryProblem(expired)).toBeUndefined();
    expect(expired.body).toMatchObject({ reason: 'CONSENT_EXPIRED', subject: SUBJECT, refusedBy: 'coordinator' });
    const malformed = consentRefusalEntry(await refusal('{'), { queryId: 'query-x2', requester: bankIdentity.name, refusedBy: 'tax', time: NOW, sites: ['tax'] });
    expect(entryProblem(malformed)).toBeUndefined();
    expect(malformed.body).not.toHaveProperty('subject');
  });

  it('grantConsent refuses terms that cannot make a valid consent, naming the field', () => {
    expect(() => grantConsent(enterprise, { ...terms, sources: ['power', 'courts'] }, { issuedAt: NOW })).toThrow(/scope.sources: "courts"|courts, which is not among the data holders/);
    expect(() => grantConsent(enterprise, { ...terms, maxUses: 0 }, { issuedAt: NOW })).toThrow(RangeError);
    expect(registrar.publicKey).toHaveLength(32);
  });
});
