/**
 * The consent ledger, run against both stores (LevelDB on disk and memory): exact use counting
 * under concurrent queries, one acceptance per query id, bindings and revocations learned from
 * log entries, a node refusing a revocation its coordinator ignored, persistence and pruning.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bindEnterpriseKey, encodeConsent, keyBindingEntry, keyBindingFromEntry, revocationEntry, revocationFromEntry, revokeConsent,
} from '../../consent/verify.js';
import { ConsentLedger, levelLedgerStore, memoryLedgerStore, type ConsentLedgerStore } from '../../consent/ledger.js';
import { decodeEntry, encodeEntry, entryProblem, entrySignatureProblem, type LogEntry } from '../../log/entries.js';
import { binding, DAY, enterprise, grant, ledgerWithBindings, NOW, query, registrar, stranger, SUBJECT, UNREGISTERED } from './helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-consent-ledger-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let dbCount = 0;

const stores: [string, () => Promise<ConsentLedgerStore>][] = [
  ['memory', async () => memoryLedgerStore()],
  ['LevelDB', async () => {
    const db = new Level<string, string>(path.join(dir, `db-${++dbCount}`), { valueEncoding: 'utf8' });
    await db.open();
    return levelLedgerStore(db.sublevel<string, string>('consent', { valueEncoding: 'utf8' }));
  }],
];

describe.each(stores)('consent ledger over %s', (_name, makeStore) => {
  it('counts uses exactly under 60 concurrent queries against maxUses 7', async () => {
    const ledger = await ledgerWithBindings(await makeStore());
    const consent = encodeConsent(grant({ maxUses: 7 }));
    const verdicts = await Promise.all(Array.from({ length: 60 }, () => ledger.consume(consent, query())));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(7);
    expect(verdicts.filter((v) => !v.ok && v.code === 'CONSENT_USES_EXHAUSTED')).toHaveLength(53);
    expect(verdicts.filter((v) => v.ok).map((v) => v.usesLeft).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await ledger.usesOf(grant().consentId)).toBe(0);
    await ledger.close();
  });

  it('accepts one query id once, whatever the concurrency', async () => {
    const ledger = await ledgerWithBindings(await makeStore());
    const consent = grant({ maxUses: 20 });
    const q = query();
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => ledger.consume(consent, q)));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(1);
    expect(verdicts.filter((v) => !v.ok && v.code === 'CONSENT_REPLAYED')).toHaveLength(19);
    expect(await ledger.usesOf(consent.consentId)).toBe(1);
    await ledger.close();
  });

  it('learns a key binding after a refusal: the enterprise is unknown, then known', async () => {
    const ledger = await ledgerWithBindings(await makeStore());
    const consent = grant({ subject: UNREGISTERED });
    const q = () => query({ subject: UNREGISTERED });
    expect(await ledger.consume(consent, q())).toMatchObject({ ok: false, code: 'UNKNOWN_ENTERPRISE' });
    const [, added] = await Promise.all([ledger.check(consent, q()), ledger.addKeyBinding(bindEnterpriseKey(registrar, UNREGISTERED, enterprise.publicKey, NOW))]);
    expect(added).toEqual({ ok: true, isNew: true });
    expect(await ledger.consume(consent, q())).toMatchObject({ ok: true });
    await ledger.close();
  });

  it('check() does not count a use', async () => {
    const ledger = await ledgerWithBindings(await makeStore());
    const consent = grant({ maxUses: 1 });
    for (let i = 0; i < 3; i++) expect(await ledger.check(consent, query())).toMatchObject({ ok: true, usesBefore: 0 });
    expect(await ledger.consume(consent, query())).toMatchObject({ ok: true, usesLeft: 0 });
    expect(await ledger.check(consent, query())).toMatchObject({ ok: false, code: 'CONSENT_USES_EXHAUSTED' });
    await ledger.close();
  });

  it('a node refuses a consent revoked in the log even while the coordinator still accepts it', async () => {
    const coordinator = await ledgerWithBindings(await makeStore());
    const node = await ledgerWithBindings(await makeStore());
    const consent = grant();
    const entry = revocationEntry(revokeConsent(enterprise, consent, NOW));
    // The node learns the revocation from the log (bytes as an auditor would fetch them).
    const decoded = decodeEntry(encodeEntry(entry));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(await node.addFromLogEntry(decoded.entry)).toEqual({ ok: true, isNew: true });
    const revocation = revocationFromEntry(decoded.entry);
    if (!revocation.ok) throw new Error(revocation.message);
    expect(await node.addRevocation(revocation.value)).toEqual({ ok: true, isNew: false });
    expect(await node.addFromLogEntry(keyBindingEntry(binding))).toEqual({ ok: true, isNew: false });
    const q = query({ sites: ['tax'] });
    expect(await coordinator.consume(consent, q)).toMatchObject({ ok: true });
    expect(await node.consume(consent, q)).toMatchObject({ ok: false, code: 'CONSENT_REVOKED' });
    await coordinator.close();
    await node.close();
  });

  it('prunes the query ids of expired consents only', async () => {
    const ledger = await ledgerWithBindings(await makeStore());
    const short = grant({ validForMs: 2 * DAY });
    const long = grant();
    const q1 = query();
    const q2 = query();
    expect(await ledger.consume(short, q1)).toMatchObject({ ok: true });
    expect(await ledger.consume(long, q2)).toMatchObject({ ok: true });
    expect(await ledger.pruneQueryIds(NOW + 3 * DAY)).toBe(1);
    expect(await ledger.queryIdSeen(q1.request.queryId)).toBe(false);
    expect(await ledger.queryIdSeen(q2.request.queryId)).toBe(true);
    // The pruned id's consent has expired, so a replay is still refused.
    expect(await ledger.consume(short, { ...q1, now: NOW + 3 * DAY })).toMatchObject({ ok: false, code: 'CONSENT_EXPIRED' });
    await ledger.close();
  });
});

describe('consent ledger on disk', () => {
  it('keeps uses, query ids and revocations across a restart', async () => {
    const ledgerDir = path.join(dir, 'own');
    const options = { trustedRegistrars: [registrar.publicKey] };
    const consent = grant({ maxUses: 2 });
    const q = query();
    let ledger = await ConsentLedger.open(ledgerDir, options);
    expect(await ledger.addKeyBinding(binding)).toEqual({ ok: true, isNew: true });
    expect(await ledger.consume(consent, q)).toMatchObject({ ok: true, usesLeft: 1 });
    await expect(ConsentLedger.open(ledgerDir, options)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    await ledger.close();
    ledger = await ConsentLedger.open(ledgerDir, options);
    expect(await ledger.usesOf(consent.consentId)).toBe(1);
    expect(await ledger.consume(consent, q)).toMatchObject({ ok: false, code: 'CONSENT_REPLAYED' });
    await ledger.addRevocation(revokeConsent(enterprise, consent, NOW));
    await ledger.close();
    ledger = await ConsentLedger.open(ledgerDir, options);
    expect(await ledger.consume(consent, query())).toMatchObject({ ok: false, code: 'CONSENT_REVOKED' });
    await ledger.close();
  });
});

describe('consent log entries', () => {
  function tamper(entry: LogEntry, field: string, value: string | number): LogEntry {
    return { ...entry, body: { ...entry.body, [field]: value } };
  }

  it('a key binding is exactly an enterprise-key-registration entry whose registrar signature auditors verify', () => {
    const entry = keyBindingEntry(binding);
    expect(entry.kind).toBe('enterprise-key-registration');
    expect(entry.body).toEqual({
      subject: SUBJECT, enterpriseKey: binding.enterpriseKey, registrarKey: binding.registrarKey, registrarSignature: binding.signature, time: binding.issuedAt,
    });
    expect(entryProblem(entry)).toBeUndefined();
    expect(entrySignatureProblem(entry)).toBeUndefined();
    expect(keyBindingFromEntry(entry)).toEqual({ ok: true, value: binding });
    const strangerKey = Buffer.from(stranger.publicKey).toString('hex');
    expect(entrySignatureProblem(tamper(entry, 'enterpriseKey', strangerKey))).toMatch(/registrar signature does not verify/);
    expect(entrySignatureProblem(tamper(entry, 'time', binding.issuedAt + 1))).toMatch(/registrar signature does not verify/);
    expect(entrySignatureProblem(tamper(entry, 'registrarKey', strangerKey))).toMatch(/registrar signature does not verify/);
  });

  it('a revocation is exactly a revocation entry whose enterprise signature auditors verify', () => {
    const consent = grant();
    const rev = revokeConsent(enterprise, consent, NOW);
    const entry = revocationEntry(rev);
    expect(entry.body).toEqual({ subject: SUBJECT, consentId: consent.consentId, signerKey: rev.signerKey, signature: rev.signature, time: NOW });
    expect(entryProblem(entry)).toBeUndefined();
    expect(entrySignatureProblem(entry)).toBeUndefined();
    expect(revocationFromEntry(entry)).toEqual({ ok: true, value: rev });
    expect(entrySignatureProblem(tamper(entry, 'consentId', grant().consentId))).toMatch(/signature does not verify/);
    expect(entrySignatureProblem(tamper(entry, 'signature', 'ab'))).toMatch(/signature does not verify/);
  });
});

describe('consent ledger group commit', () => {
  it('a write asked for as soon as the previous group is stored still goes out (no stranded batch)', async () => {
    const store = memoryLedgerStore();
    const ledger = ConsentLedger.over(store, { trustedRegistrars: [registrar.publicKey] });
    // The private group writer, as consume and consumeMonth call it: the second write is asked for
    // one microtask after the first group resolves, before the drain that wrote it has finished.
    const write = (ledger as unknown as { write(ops: () => { type: 'put'; key: string; value: string }[]): Promise<void> }).write.bind(ledger);
    const second = write(() => [{ type: 'put', key: 'use!a', value: '1' }]).then(() => write(() => [{ type: 'put', key: 'use!b', value: '1' }]));
    const outcome = await Promise.race([second.then(() => 'written'), new Promise((r) => setTimeout(() => r('stranded'), 2000))]);
    expect(outcome).toBe('written');
    expect(await store.get('use!b')).toBe('1');
    await ledger.close();
  });
});
