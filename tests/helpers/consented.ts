/**
 * Consented scoring against a federation of real processes (spawnParty), as a bank would do
 * it: enterprises register their keys through the coordinator's log (bound by the registrar
 * every party trusts: requester/demo.ts prepareScoringDemo writes it into each data folder
 * before the parties start) and grant bank-a consents; bank-a scores over its own mutual-TLS
 * certificate with its own query-signing and sealing keys, and fetches receipts.
 */
import { generateIdentity, type Identity } from '../../crypto/identity.js';
import { bindEnterpriseKey, encodeConsent, encodeKeyBinding, grantConsent } from '../../consent/verify.js';
import type { Transport } from '../../lib/tls.js';
import { ScoringSession, submitConsentRecord } from '../../scoring/requester.js';
import { loadRequesterKeys, type RequesterKeys } from '../../scoring/requester-keys.js';

const DAY = 86_400_000;
export const SCORING_SITES = ['bank', 'power', 'tax'];
/**
 * The months the sites' features read on the simulator's default data (observation 2025-12,
 * features as of it, up to 24 months back): a consent must cover them, whatever today is.
 */
export const SIM_DATA_WINDOW = { from: '2024-01', to: '2025-12' };

export interface ConsentedRequester {
  readonly name: string;
  readonly keys: RequesterKeys;
  readonly session: ScoringSession;
  /**
   * Registers a fresh key for the enterprise (a logged key binding, once per subject) and
   * returns a consent it signs for this requester over every site (text, as the file holds it).
   */
  consent(subject: string, opts?: { maxUses?: number; validForMs?: number }): Promise<string>;
  close(): void;
}

export function consentedRequester(opts: {
  /** The coordinator's address, as the requester dials it. */
  coordinator: string;
  /** A party's transport (TestFederation.as, or partyTransport(folder, party)). */
  as: (party: string) => Transport;
  registrar: Identity;
  /** Where the requester keeps its query-signing and sealing keys. */
  keysDir: string;
  name?: string;
}): ConsentedRequester {
  const name = opts.name ?? 'bank-a';
  const keys = loadRequesterKeys(opts.keysDir);
  const session = new ScoringSession(opts.coordinator, opts.as(name), keys, name);
  const enterprises = new Map<string, Identity>();
  return {
    name, keys, session,
    async consent(subject, { maxUses = 5, validForMs = 30 * DAY } = {}) {
      let key = enterprises.get(subject);
      if (!key) {
        key = generateIdentity();
        await submitConsentRecord(opts.coordinator, opts.as('coordinator-operator'), encodeKeyBinding(bindEnterpriseKey(opts.registrar, subject, key.publicKey, Date.now() - DAY)));
        enterprises.set(subject, key);
      }
      return encodeConsent(grantConsent(key, {
        subject, requester: { name, key: Buffer.from(keys.identity.publicKey).toString('hex') }, dataHolders: SCORING_SITES,
        purpose: 'credit-assessment', operations: ['score', 'explain'], validForMs, maxUses, dataWindow: SIM_DATA_WINDOW,
      }, { issuedAt: Date.now() - 60_000 }));
    },
    close: () => session.close(),
  };
}
