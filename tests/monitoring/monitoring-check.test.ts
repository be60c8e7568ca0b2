/**
 * checkMonitoringUse on a real LevelDB ledger (docs/design/monitoring.md section 1): every
 * refusal a monitoring re-score can meet, uses counted once per as-of month (so maxUses is
 * "months monitored"), nothing written for a refused check, the months remembered across a
 * restart, and ConsentLedger.preload giving the same answers from fewer reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsentLedger, levelLedgerStore, memoryLedgerStore, type ConsentLedgerStore } from '../../consent/ledger.js';
import { checkMonitoringUse, type MonitoringUse } from '../../consent/monitoring-check.js';
import { encodeConsent, revokeConsent, type Consent } from '../../consent/verify.js';
import { bankIdentity, binding, DAY, enterprise, grant, NOW, otherBank, otherBinding, OTHER_SUBJECT, otherEnterprise, registrar, SUBJECT } from '../consent/helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-monitoring-check-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let dbCount = 0;

const SITES = ['bank', 'power', 'tax'];
const WINDOW = { from: '2025-01', to: '2026-10' };

/** A monitoring consent from the first enterprise to the bank. */
const monitoringConsent = (overrides: Parameters<typeof grant>[0] = {}): Consent =>
  grant({ purpose: 'loan-monitoring', dataWindow: WINDOW, maxUses: 12, ...overrides });

let runs = 0;
const use = (overrides: Partial<MonitoringUse> = {}): MonitoringUse => ({
  requester: bankIdentity, subject: SUBJECT, sites: SITES, runId: `run-${++runs}`, asOf: '2026-10', now: NOW, ...overrides,
});

interface Opened { ledger: ConsentLedger; db: Level<string, string>; reads: { get: number; getMany: number; range: number } }

/** A ledger on its own LevelDB (in the `consent` sublevel, as a node keeps it), counting reads. */
async function open(at = path.join(dir, `db-${++dbCount}`), options: { consentCacheLimit?: number } = {}): Promise<Opened & { at: string }> {
  const db = new Level<string, string>(at, { valueEncoding: 'utf8' });
  await db.open();
  const inner = levelLedgerStore(db.sublevel<string, string>('consent', { valueEncoding: 'utf8' }));
  const reads = { get: 0, getMany: 0, range: 0 };
  const store: ConsentLedgerStore = {
    get: (k) => { reads.get++; return inner.get(k); },
    getMany: (ks) => { reads.getMany++; return inner.getMany!(ks); },
    range: (a, b) => { reads.range++; return inner.range(a, b); },
    batch: (ops) => inner.batch(ops),
    // Closing the sublevel leaves its database open: close both (a restart must free the lock).
    close: async () => { await inner.close(); await db.close(); },
  };
  const ledger = ConsentLedger.over(store, { trustedRegistrars: [registrar.publicKey], ...options });
  for (const b of [binding, otherBinding]) expect(await ledger.addKeyBinding(b)).toMatchObject({ ok: true });
  return { ledger, db, reads, at };
}

/** Every key and value in the ledger's sublevel. */
async function contents(db: Level<string, string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const [k, v] of db.sublevel<string, string>('consent', { valueEncoding: 'utf8' }).iterator()) out[k] = v;
  return out;
}

describe('checkMonitoringUse', () => {
  it('accepts a monitoring consent and counts one use for the as-of month, writing the month key with the count', async () => {
    const { ledger, db } = await open();
    const consent = monitoringConsent();
    const before = await contents(db);
    const outcome = await checkMonitoringUse(ledger, encodeConsent(consent), use({ runId: 'run-a' }));
    expect(outcome).toMatchObject({ ok: true, counted: true, usesLeft: 11, usesBefore: 0, runOfMonth: 'run-a' });
    const after = await contents(db);
    expect(Object.keys(after).filter((k) => !(k in before)).sort()).toEqual([`month!${consent.consentId}!2026-10`, `use!${consent.consentId}`]);
    expect(after[`month!${consent.consentId}!2026-10`]).toBe('run-a');
    expect(after[`use!${consent.consentId}`]).toBe('1');
    await ledger.close();
  });

  it('refuses with the code of each failed term, and a refused check writes nothing', async () => {
    const { ledger, db } = await open();
    const revoked = monitoringConsent();
    expect(await ledger.addRevocation(revokeConsent(enterprise, revoked, NOW - 1000))).toMatchObject({ ok: true });
    const cases: [string, Consent, Partial<MonitoringUse>, string][] = [
      ['expired', monitoringConsent({ validForMs: DAY / 2 }), {}, 'CONSENT_EXPIRED'],
      ['revoked', revoked, {}, 'CONSENT_REVOKED'],
      ['wrong purpose', monitoringConsent({ purpose: 'credit-assessment' }), {}, 'CONSENT_PURPOSE_NOT_COVERED'],
      ['wrong requester (name)', monitoringConsent(), { requester: { ...bankIdentity, name: 'Bank of Xiamen' } }, 'CONSENT_WRONG_REQUESTER'],
      ['wrong requester (key)', monitoringConsent(), { requester: { ...bankIdentity, key: otherBank.publicKey } }, 'CONSENT_WRONG_REQUESTER'],
      ['another enterprise', monitoringConsent(), { subject: OTHER_SUBJECT }, 'CONSENT_SCOPE_NOT_COVERED'],
      ['a site not a data holder', monitoringConsent(), { sites: [...SITES, 'telecom'] }, 'CONSENT_SCOPE_NOT_COVERED'],
      ['a data holder not a granted source', monitoringConsent({ sources: ['bank', 'tax'] }), { sites: ['power'] }, 'CONSENT_SCOPE_NOT_COVERED'],
      ['operation score not granted', monitoringConsent({ operations: ['explain'] }), {}, 'CONSENT_SCOPE_NOT_COVERED'],
      ['as-of month after the window', monitoringConsent(), { asOf: '2026-11' }, 'CONSENT_SCOPE_NOT_COVERED'],
      ['as-of month before the window', monitoringConsent(), { asOf: '2024-12' }, 'CONSENT_SCOPE_NOT_COVERED'],
      ["the site's feature months outside the window", monitoringConsent(), { dataWindow: { from: '2024-11', to: '2026-10' } }, 'CONSENT_SCOPE_NOT_COVERED'],
      ['a window shorter than the model reads', monitoringConsent(), { minDataMonths: 36 }, 'CONSENT_SCOPE_NOT_COVERED'],
      ['signed by a key not bound to the subject', grant({ purpose: 'loan-monitoring', dataWindow: WINDOW, maxUses: 12 }, NOW - DAY, otherEnterprise), {}, 'CONSENT_KEY_NOT_BOUND'],
    ];
    for (const [what, consent, overrides, code] of cases) {
      const before = await contents(db);
      const outcome = await checkMonitoringUse(ledger, encodeConsent(consent), use(overrides));
      expect(outcome, what).toMatchObject({ ok: false, code });
      expect(await contents(db), `${what}: nothing written`).toEqual(before);
      expect(await ledger.usesOf(consent.consentId), what).toBe(0);
    }
    // The as-of month on the window's edges is covered.
    for (const asOf of [WINDOW.from, WINDOW.to]) expect(await checkMonitoringUse(ledger, monitoringConsent(), use({ asOf }))).toMatchObject({ ok: true, counted: true });
    await ledger.close();
  });

  it('counts uses per as-of month: two runs in one month use one use, maxUses 2 allows exactly 2 months', async () => {
    const { ledger, db } = await open();
    const consent = encodeConsent(monitoringConsent({ maxUses: 2 }));
    const id = (JSON.parse(consent) as { consentId: string }).consentId;
    expect(await checkMonitoringUse(ledger, consent, use({ asOf: '2026-08', runId: 'scheduled-aug' }))).toMatchObject({ ok: true, counted: true, usesLeft: 1 });
    // An ingest-triggered run in the same month: accepted, counts nothing, names the run that did.
    const again = await checkMonitoringUse(ledger, consent, use({ asOf: '2026-08', runId: 'ingest-aug' }));
    expect(again).toMatchObject({ ok: true, counted: false, usesLeft: 1, runOfMonth: 'scheduled-aug' });
    expect(await ledger.usesOf(id)).toBe(1);
    expect(await checkMonitoringUse(ledger, consent, use({ asOf: '2026-09', runId: 'scheduled-sep' }))).toMatchObject({ ok: true, counted: true, usesLeft: 0 });
    // Both months are used: their reruns still pass (no use left is needed), a third month does not.
    expect(await checkMonitoringUse(ledger, consent, use({ asOf: '2026-09', runId: 'ingest-sep' }))).toMatchObject({ ok: true, counted: false, usesLeft: 0 });
    expect(await checkMonitoringUse(ledger, consent, use({ asOf: '2026-08', runId: 'late-aug' }))).toMatchObject({ ok: true, counted: false });
    const before = await contents(db);
    expect(await checkMonitoringUse(ledger, consent, use({ asOf: '2026-10', runId: 'scheduled-oct' }))).toMatchObject({ ok: false, code: 'CONSENT_USES_EXHAUSTED' });
    expect(await contents(db)).toEqual(before);
    expect(await ledger.usesOf(id)).toBe(2);
    expect(before[`month!${id}!2026-08`]).toBe('scheduled-aug');
    expect(before[`month!${id}!2026-09`]).toBe('scheduled-sep');
    expect(before[`month!${id}!2026-10`]).toBeUndefined();
    await ledger.close();
  });

  it('concurrent checks for one month count it once; for more months than uses, exactly maxUses pass', async () => {
    const { ledger } = await open();
    const consent = monitoringConsent({ maxUses: 3 });
    const sameMonth = await Promise.all(Array.from({ length: 20 }, (_, i) => checkMonitoringUse(ledger, consent, use({ runId: `same-${i}` }))));
    expect(sameMonth.every((o) => o.ok)).toBe(true);
    expect(sameMonth.filter((o) => o.ok && o.counted)).toHaveLength(1);
    expect(new Set(sameMonth.map((o) => (o.ok ? o.runOfMonth : '')))).toHaveLength(1);
    const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];
    const many = await Promise.all(months.map((asOf) => checkMonitoringUse(ledger, consent, use({ asOf }))));
    expect(many.filter((o) => o.ok && o.counted)).toHaveLength(2);
    expect(many.filter((o) => !o.ok && o.code === 'CONSENT_USES_EXHAUSTED')).toHaveLength(4);
    expect(await ledger.usesOf(consent.consentId)).toBe(3);
    await ledger.close();
  });

  it('remembers the months across a restart: a rerun after reopening the ledger counts nothing', async () => {
    const first = await open();
    const consent = monitoringConsent({ maxUses: 1 });
    expect(await checkMonitoringUse(first.ledger, consent, use({ runId: 'before-restart' }))).toMatchObject({ ok: true, counted: true, usesLeft: 0 });
    await first.ledger.close();
    const second = await open(first.at);
    expect(await checkMonitoringUse(second.ledger, consent, use({ runId: 'after-restart' }))).toMatchObject({ ok: true, counted: false, runOfMonth: 'before-restart' });
    expect(await checkMonitoringUse(second.ledger, consent, use({ asOf: '2026-09' }))).toMatchObject({ ok: false, code: 'CONSENT_USES_EXHAUSTED' });
    await second.ledger.close();
  });

  it('with deferWrite the month is claimed at once and stored by `written`', async () => {
    const { ledger, db } = await open();
    const consent = monitoringConsent();
    const outcome = await checkMonitoringUse(ledger, consent, use({ runId: 'deferred', deferWrite: true }));
    expect(outcome).toMatchObject({ ok: true, counted: true });
    if (!outcome.ok) throw new Error('refused');
    // Another check of the month sees the claim, and answers only once it is stored.
    const other = checkMonitoringUse(ledger, consent, use({ runId: 'other' }));
    await outcome.written;
    expect(await other).toMatchObject({ ok: true, counted: false, runOfMonth: 'deferred' });
    expect((await contents(db))[`month!${consent.consentId}!2026-10`]).toBe('deferred');
    await ledger.close();
  });

  it('preload reads a batch\'s counts, months and revocations in three reads, and the checks then read nothing', async () => {
    const seeded = await open();
    const consents = Array.from({ length: 40 }, () => monitoringConsent({ maxUses: 2 }));
    // Some consents used in an earlier month, one in this month already, one revoked.
    for (const c of consents.slice(0, 10)) await checkMonitoringUse(seeded.ledger, c, use({ asOf: '2026-09', runId: 'sep' }));
    await checkMonitoringUse(seeded.ledger, consents[10]!, use({ runId: 'oct-earlier' }));
    await seeded.ledger.addRevocation(revokeConsent(enterprise, consents[11]!, NOW - 1000));
    await seeded.ledger.close();

    const expectations = async (o: Opened, preload: boolean) => {
      if (preload) await o.ledger.preload(consents.map((c) => c.consentId), { month: '2026-10', subjects: [SUBJECT] });
      const before = { ...o.reads };
      const outcomes = [];
      for (const c of consents) outcomes.push(await checkMonitoringUse(o.ledger, c, use({ runId: 'oct' })));
      return { outcomes: outcomes.map((x) => (x.ok ? { ok: true, counted: x.counted, usesLeft: x.usesLeft, run: x.runOfMonth } : { ok: false, code: x.code })),
        checkReads: o.reads.get + o.reads.getMany + o.reads.range - before.get - before.getMany - before.range, preloadReads: before };
    };
    // Point reads on one copy, preload on another: the same outcomes.
    fs.cpSync(seeded.at, `${seeded.at}-copy`, { recursive: true });
    const plain = await open(seeded.at);
    const warmed = await open(`${seeded.at}-copy`);
    // addKeyBinding dropped the cached bindings: both ledgers start cold.
    const a = await expectations(plain, false);
    const b = await expectations(warmed, true);
    expect(b.outcomes).toEqual(a.outcomes);
    expect(a.outcomes[0]).toEqual({ ok: true, counted: true, usesLeft: 0, run: 'oct' });
    expect(a.outcomes[10]).toEqual({ ok: true, counted: false, usesLeft: 1, run: 'oct-earlier' });
    expect(a.outcomes[11]).toEqual({ ok: false, code: 'CONSENT_REVOKED' });
    expect(a.outcomes[20]).toEqual({ ok: true, counted: true, usesLeft: 1, run: 'oct' });
    expect(a.checkReads).toBeGreaterThanOrEqual(3 * consents.length - 1);
    expect(b.preloadReads).toMatchObject({ getMany: 1, range: 2 });
    expect(b.checkReads).toBe(0);
    // The same batch preloaded again (a later run while the ledger holds it): nothing is read.
    const again = { ...warmed.reads };
    await warmed.ledger.preload(consents.map((c) => c.consentId), { month: '2026-10', subjects: [SUBJECT] });
    expect(warmed.reads).toEqual(again);
    await plain.ledger.close();
    await warmed.ledger.close();
  });

  it('preload works over a store without a multi-get (one read per key), with the same outcomes', async () => {
    const { getMany: _none, ...plainStore } = memoryLedgerStore();
    const ledger = ConsentLedger.over(plainStore, { trustedRegistrars: [registrar.publicKey] });
    for (const b of [binding, otherBinding]) await ledger.addKeyBinding(b);
    const consents = Array.from({ length: 5 }, () => monitoringConsent({ maxUses: 1 }));
    await checkMonitoringUse(ledger, consents[0]!, use({ runId: 'first' }));
    const fresh = ConsentLedger.over(plainStore, { trustedRegistrars: [registrar.publicKey] });
    await fresh.preload(consents.map((c) => c.consentId), { month: '2026-10' });
    const outcomes = await Promise.all(consents.map((c) => checkMonitoringUse(fresh, c, use({ runId: 'second' }))));
    expect(outcomes.map((o) => o.ok && o.counted)).toEqual([false, true, true, true, true]);
    expect(outcomes[0]).toMatchObject({ ok: true, runOfMonth: 'first' });
  });

  it('takes its cache limit as an option: past it, counts are read again from the store and stay exact', async () => {
    const { ledger, reads } = await open(undefined, { consentCacheLimit: 4 });
    const consents = Array.from({ length: 10 }, () => monitoringConsent({ maxUses: 2 }));
    for (const c of consents) expect(await checkMonitoringUse(ledger, c, use({ asOf: '2026-09' }))).toMatchObject({ ok: true, counted: true });
    const before = reads.get;
    for (const c of consents) expect(await checkMonitoringUse(ledger, c, use({ asOf: '2026-09' }))).toMatchObject({ ok: true, counted: false });
    expect(reads.get - before).toBeGreaterThan(0);
    for (const c of consents) expect(await checkMonitoringUse(ledger, c, use({ asOf: '2026-10' }))).toMatchObject({ ok: true, counted: true, usesLeft: 0 });
    expect(() => ConsentLedger.over(levelLedgerStore({} as never), { trustedRegistrars: [], consentCacheLimit: 0 })).toThrow(/consentCacheLimit/);
    await ledger.close();
  });
});
