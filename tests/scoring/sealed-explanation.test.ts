/**
 * Sealed explanations (scoring/sealed-explanation.ts, scoring/site-key-statement.ts): every box has one
 * length whatever it holds, a record that would not fit is refused rather than sent longer,
 * padding is checked on open, and a box not authenticated by the site it is said to come from
 * (a coordinator's swap, or the site's own box moved to another query) is refused, as is a key
 * statement the federation CA does not back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxSealer } from '../../crypto/sealed-box.js';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { FedcreditError } from '../../lib/errors.js';
import { explanationBinding, TOP_REASONS, type SiteExplanation } from '../../scoring/protocol.js';
import {
  encodeExplanationRecord, EXPLANATION_BOX_BYTES, EXPLANATION_PLAINTEXT_BYTES, ExplanationMacKeys, MAX_FEATURE_NAME_BYTES, openExplanation, sealExplanation,
} from '../../scoring/sealed-explanation.js';
import { SiteKeyVerifier, siteKeyStatement } from '../../scoring/site-key-statement.js';
import { INSECURE } from '../../lib/tls.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const requester = generateX25519KeyPair();
/** The tax site's sealing key pair, and the MAC keys it shares with requesters. */
const taxKeys = generateX25519KeyPair();
const tax = new ExplanationMacKeys(taxKeys.privateKey);
const QUERY = 'q-0123456789';

function explanation(reasons: string[], over: Partial<SiteExplanation> = {}): SiteExplanation {
  return { v: 1, site: 'tax', queryId: QUERY, model: 'm1', covered: true, reasons: reasons.map((feature, i) => ({ feature, direction: 'increases-risk', rank: i + 1 })), ...over };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof FedcreditError) return e.code;
    throw e;
  }
  throw new Error('expected a FedcreditError, got a result');
}

describe('one length for every explanation box', () => {
  it('boxes of every reason set, name length, script and query id are the same length, and open to what was sealed', () => {
    const sealer = new BoxSealer();
    const long = 'x'.repeat(MAX_FEATURE_NAME_BYTES);
    const cjk = '逾期'.repeat(10); // 60 UTF-8 bytes
    const cases: SiteExplanation[] = [
      explanation([], { covered: false }),
      explanation([]),
      explanation(['bank_dpd_now']),
      explanation(['bank_dpd_now', 'bank_utilization']),
      explanation(['a', 'b', 'c']),
      explanation([long, long, long], { model: 'm'.repeat(64), queryId: 'q'.repeat(128) }),
      explanation([cjk, `${'逾'.repeat(21)}a`, 'Ünïcödé "quoted" \\ \n name']),
    ];
    const lengths = new Set<number>();
    for (const [i, e] of cases.entries()) {
      const logIndex = i === 5 ? Number.MAX_SAFE_INTEGER : i;
      const box = sealExplanation(sealer, requester.publicKey, e, 'bank-a', logIndex, tax);
      lengths.add(box.length);
      expect(openExplanation(requester.privateKey, box, 'tax', 'bank-a', logIndex, e.queryId, taxKeys.publicKey)).toEqual(e);
    }
    expect([...lengths]).toEqual([EXPLANATION_BOX_BYTES]);
  });

  it('refuses, loudly, a record that would not fit instead of sending a longer box', () => {
    const sealer = new BoxSealer();
    const seal = (e: SiteExplanation) => () => sealExplanation(sealer, requester.publicKey, e, 'bank-a', 1, tax);
    expect(codeOf(seal(explanation(['x'.repeat(MAX_FEATURE_NAME_BYTES + 1)])))).toBe('EXPLANATION_TOO_LONG');
    expect(codeOf(seal(explanation(['逾'.repeat(22)])))).toBe('EXPLANATION_TOO_LONG'); // 22 characters, 66 bytes
    expect(codeOf(seal(explanation(['a', 'b', 'c', 'd'].slice(0, TOP_REASONS + 1))))).toBe('EXPLANATION_TOO_LONG');
    expect(codeOf(seal(explanation(['a'], { model: 'm'.repeat(65) })))).toBe('EXPLANATION_TOO_LONG');
    expect(codeOf(seal(explanation([''])))).toBe('EXPLANATION_TOO_LONG'); // an empty name is not a reason
  });
});

describe('opening checks length, padding and the site\'s MAC', () => {
  /** A box sealed to the requester holding exactly `plaintext` (what anyone with the public key can make). */
  const raw = (plaintext: Uint8Array, site = 'tax', logIndex = 1) => new BoxSealer().seal(requester.publicKey, plaintext, explanationBinding(site, 'bank-a', logIndex, QUERY));
  const open = (box: Uint8Array, siteKey: Uint8Array = taxKeys.publicKey) => () => openExplanation(requester.privateKey, box, 'tax', 'bank-a', 1, QUERY, siteKey);

  it('refuses a box of another length and padding that is not zeros', () => {
    const good = sealExplanation(new BoxSealer(), requester.publicKey, explanation(['a']), 'bank-a', 1, tax);
    expect(codeOf(open(good.subarray(0, good.length - 1)))).toBe('EXPLANATION_MALFORMED');
    expect(codeOf(open(Buffer.concat([good, Buffer.alloc(1)])))).toBe('EXPLANATION_MALFORMED');
    const record = encodeExplanationRecord(explanation(['a']));
    const padded = new Uint8Array(EXPLANATION_PLAINTEXT_BYTES);
    padded.set(record);
    padded[EXPLANATION_PLAINTEXT_BYTES - 1] = 1;
    expect(codeOf(open(raw(padded)))).toBe('EXPLANATION_MALFORMED');
    const unknownFormat = new Uint8Array(EXPLANATION_PLAINTEXT_BYTES);
    unknownFormat[0] = 0x7b; // '{': the JSON explanations of before
    expect(codeOf(open(raw(unknownFormat)))).toBe('EXPLANATION_MALFORMED');
  });

  it('a box sealed to the requester by someone else (the coordinator swapping it) is refused as EXPLANATION_FORGED', () => {
    // Well formed, sealed to the requester's public key for this very query and site, MACed under another key.
    const coordinator = new ExplanationMacKeys(generateX25519KeyPair().privateKey);
    const swapped = sealExplanation(new BoxSealer(), requester.publicKey, explanation([], { covered: false }), 'bank-a', 1, coordinator);
    expect(codeOf(open(swapped))).toBe('EXPLANATION_FORGED');
    // Unauthenticated (the MAC bytes zero): refused too.
    const unsigned = new Uint8Array(EXPLANATION_PLAINTEXT_BYTES);
    unsigned.set(encodeExplanationRecord(explanation([])));
    expect(codeOf(open(raw(unsigned)))).toBe('EXPLANATION_FORGED');
    // The site's own box, moved to another query, site or requester: refused.
    const genuine = sealExplanation(new BoxSealer(), requester.publicKey, explanation(['a']), 'bank-a', 1, tax);
    expect(openExplanation(requester.privateKey, genuine, 'tax', 'bank-a', 1, QUERY, taxKeys.publicKey).reasons).toHaveLength(1);
    expect(codeOf(() => openExplanation(requester.privateKey, genuine, 'tax', 'bank-a', 2, QUERY, taxKeys.publicKey))).toBe('EXPLANATION_FORGED');
    expect(codeOf(() => openExplanation(requester.privateKey, genuine, 'power', 'bank-a', 1, QUERY, taxKeys.publicKey))).toBe('EXPLANATION_FORGED');
    expect(codeOf(() => openExplanation(generateX25519KeyPair().privateKey, genuine, 'tax', 'bank-a', 1, QUERY, taxKeys.publicKey))).toBe('EXPLANATION_FORGED');
    // Another site's box relabelled as tax's: the MAC key is the pair's, so it fails under tax's key.
    const power = new ExplanationMacKeys(generateX25519KeyPair().privateKey);
    const powers = sealExplanation(new BoxSealer(), requester.publicKey, explanation(['a']), 'bank-a', 1, power);
    expect(codeOf(open(powers))).toBe('EXPLANATION_FORGED');
  });

  it('the MAC key is the site\'s and this requester\'s alone: a box MACed for another requester key, or under a low-order stated key, is refused', () => {
    // The MAC key is derived from both sealing keys: what the site shares with another requester
    // key R2 (say, one a coordinator swapped into the query) is not what it shares with this requester.
    const other = generateX25519KeyPair();
    expect(codeOf(open(sealExplanation(new BoxSealer(), other.publicKey, explanation(['a']), 'bank-a', 1, tax)))).toBe('EXPLANATION_FORGED'); // sealed to R2: does not open
    const taxWithR2 = new ExplanationMacKeys(taxKeys.privateKey).with(other.publicKey);
    const taxWithMe = new ExplanationMacKeys(requester.privateKey).with(taxKeys.publicKey);
    expect(Buffer.compare(taxWithR2, taxWithMe)).not.toBe(0);
    expect(Buffer.compare(tax.with(requester.publicKey), taxWithMe)).toBe(0); // both ends derive one key
    // A stated site key of low order (all zeros) derives no key: refused, not trusted.
    const genuine = sealExplanation(new BoxSealer(), requester.publicKey, explanation(['a']), 'bank-a', 1, tax);
    expect(codeOf(open(genuine, new Uint8Array(32)))).toBe('EXPLANATION_FORGED');
  });
});

describe('site key statements: the federation CA, not the coordinator, vouches for a site\'s key', () => {
  let dir: string;
  let fed: TestFederation;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-site-key-'));
    fed = await testFederation(dir);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a requester takes the key a site certified with its TLS key, and nothing else', () => {
    const verifier = new SiteKeyVerifier(fed.as('bank-a'));
    const statement = siteKeyStatement('tax', taxKeys.publicKey, fed.as('tax'));
    expect(verifier.keyFor('tax', statement)).toEqual(taxKeys.publicKey);
    expect(verifier.keyFor('tax', statement)).toEqual(taxKeys.publicKey); // remembered
    const forger = generateX25519KeyPair();
    // Relabelled for another site; the coordinator's own certificate; no certificate; an edited key.
    expect(codeOf(() => verifier.keyFor('power', statement))).toBe('EXPLANATION_FORGED');
    expect(codeOf(() => verifier.keyFor('tax', siteKeyStatement('tax', forger.publicKey, fed.as('coordinator'))))).toBe('EXPLANATION_FORGED');
    expect(codeOf(() => verifier.keyFor('tax', siteKeyStatement('tax', forger.publicKey, INSECURE)))).toBe('EXPLANATION_FORGED');
    const edited = JSON.parse(Buffer.from(statement).toString('utf8')) as Record<string, unknown>;
    edited['key'] = Buffer.from(forger.publicKey).toString('hex');
    expect(codeOf(() => verifier.keyFor('tax', Buffer.from(JSON.stringify(edited))))).toBe('EXPLANATION_FORGED');
    expect(codeOf(() => verifier.keyFor('tax', new Uint8Array(0)))).toBe('EXPLANATION_FORGED');
  });

  it('without TLS (--insecure) nothing is authenticated: the stated key is taken as given', () => {
    expect(new SiteKeyVerifier(INSECURE).keyFor('tax', siteKeyStatement('tax', taxKeys.publicKey, INSECURE))).toEqual(taxKeys.publicKey);
  });
});
