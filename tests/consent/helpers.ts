/**
 * Fixtures for the consent tests: a registrar, two enterprises with bound keys, a bank, and a
 * consent from the first enterprise to the bank, verified against an in-memory ledger.
 */
import { identityFromSeed, type Identity } from '../../crypto/identity.js';
import { makeCreditCode } from '../../schema/credit-code.js';
import {
  bindEnterpriseKey, grantConsent, type Consent, type ConsentRequest, type ConsentTerms, type KeyBinding,
} from '../../consent/verify.js';
import { ConsentLedger, memoryLedgerStore, type ConsentLedgerStore, type ConsentQuery } from '../../consent/ledger.js';

const seeded = (n: number): Identity => identityFromSeed(new Uint8Array(32).fill(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);
export const DAY = 86_400_000;

export const registrar = seeded(1);
export const enterprise = seeded(2);
export const otherEnterprise = seeded(3);
export const bank = seeded(4);
export const otherBank = seeded(5);
export const stranger = seeded(6);

export const SUBJECT = makeCreditCode({ authority: '9', entityType: '1', division: '350100', orgBody: 'M0001000' });
export const OTHER_SUBJECT = makeCreditCode({ authority: '9', entityType: '1', division: '350100', orgBody: 'M0002000' });
export const UNREGISTERED = makeCreditCode({ authority: '9', entityType: '1', division: '110000', orgBody: 'A0000001' });

export const bankIdentity = { name: 'Bank of Fuzhou', key: hex(bank.publicKey) };

export const binding: KeyBinding = bindEnterpriseKey(registrar, SUBJECT, enterprise.publicKey, NOW - 30 * DAY);
export const otherBinding: KeyBinding = bindEnterpriseKey(registrar, OTHER_SUBJECT, otherEnterprise.publicKey, NOW - 30 * DAY);

export const terms: ConsentTerms = {
  subject: SUBJECT,
  requester: bankIdentity,
  dataHolders: ['tax', 'power', 'bank'],
  purpose: 'credit-assessment',
  operations: ['score', 'explain'],
  dataWindow: { from: '2024-11', to: '2026-10' },
  validForMs: 30 * DAY,
  maxUses: 3,
};

export function grant(overrides: Partial<ConsentTerms> = {}, issuedAt = NOW - DAY, signer: Identity = enterprise): Consent {
  return grantConsent(signer, { ...terms, ...overrides }, { issuedAt });
}

let queryCounter = 0;
export function request(overrides: Partial<ConsentRequest> = {}): ConsentRequest {
  queryCounter += 1;
  return { subject: SUBJECT, purpose: 'credit-assessment', operation: 'score', sites: ['tax', 'power', 'bank'], queryId: `query-${queryCounter.toString().padStart(6, '0')}`, ...overrides };
}

export function query(overrides: Partial<ConsentRequest> = {}, now = NOW, requester = bankIdentity): ConsentQuery {
  return { requester, request: request(overrides), now };
}

/** A ledger that knows both enterprises' bindings and trusts the registrar. */
export async function ledgerWithBindings(store: ConsentLedgerStore = memoryLedgerStore()): Promise<ConsentLedger> {
  const ledger = ConsentLedger.over(store, { trustedRegistrars: [registrar.publicKey] });
  for (const b of [binding, otherBinding]) {
    const added = await ledger.addKeyBinding(b);
    if (!added.ok) throw new Error(added.message);
  }
  return ledger;
}
