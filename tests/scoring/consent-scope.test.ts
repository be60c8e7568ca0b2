/**
 * A node answers only with what the consent covers (docs/scoring.md, "What a consent covers"),
 * over real node processes: the granted operations (no reasons without `explain`, no score
 * without a `score` query), records inside the consented data window (each node checks its own
 * features' months; the coordinator refuses a window too short for the model early), a model
 * trained for the consent's purpose, one code for "no registered key" whatever the cause, and
 * each node's own query policy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityFromSeed } from '../../crypto/identity.js';
import { nodeScoringClient } from '../../proto/clients.js';
import { FedcreditError } from '../../lib/errors.js';
import { call } from '../../lib/grpc.js';
import { decodeEntry } from '../../log/entries.js';
import { decodeFixed, fromWire, sumShares } from '../../scoring/secure-aggregation.js';
import { formatPeriod, parsePeriod } from '../../schema/site-schema.js';
import { modelServesPurpose } from '../../consent/verify.js';
import { checkQueryPolicy, parsePolicy } from '../../site/policy.js';
import { ConsentLedger, levelLedgerStore } from '../../consent/ledger.js';
import { encodeSignedQuery, parseSignedQuery } from '../../consent/signed-query.js';
import type { ScoringObservation } from '../../scoring/coordinator.js';
import { getSiteModel, saveSiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { scoringFixture, SITES, type ScoringFixture } from './fixture.js';

let fx: ScoringFixture;

beforeAll(async () => {
  fx = await scoringFixture('scope', { enterprises: 200 });
}, 180_000);

afterAll(async () => {
  await fx?.stop();
});

async function stats(site: string): Promise<{ evaluations: number; refusals: Record<string, number> }> {
  const client = nodeScoringClient(fx.nodes.get(site as never)!.address, fx.fed.as(`${site}-operator`), site);
  try {
    const s = await call(client, client.GetScoringStats, {});
    return { evaluations: Number(s.evaluations), refusals: Object.fromEntries(s.refusals.map((r) => [r.code, Number(r.count)])) };
  } finally {
    client.close();
  }
}

async function logEntries(from = 0): Promise<{ kind: string; body: Record<string, unknown> }[]> {
  const store = fx.coordinator.transparencyLog.store;
  return (await store.entries(from, store.size)).map((b) => {
    const d = decodeEntry(b);
    if (!d.ok) throw new Error(d.reason);
    return d.entry as never;
  });
}

async function refused(p: Promise<unknown>): Promise<FedcreditError> {
  const r = await p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
  if (r.ok) throw new Error(`expected a refusal, got an answer: ${JSON.stringify(r.v).slice(0, 200)}`);
  expect(r.e).toBeInstanceOf(FedcreditError);
  return r.e as FedcreditError;
}

/** Restarts a site's node process (with `args` for `node serve`) and waits until the coordinator uses its new address. */
async function restartNode(site: 'tax' | 'power' | 'bank', args: string[] = [], whileStopped?: (store: NodeStore) => Promise<void>): Promise<void> {
  await fx.nodes.get(site)!.stop();
  if (whileStopped) {
    const store = await NodeStore.open(path.join(fx.dir, `node-${site}`), site);
    try {
      await whileStopped(store);
    } finally {
      await store.close();
    }
  }
  fx.nodes.set(site, await fx.startNode(site, args));
  for (let i = 0; ; i++) {
    const n = (await fx.coordinator.registry.list()).find((x) => x.site === site);
    if (n?.address === fx.nodes.get(site)!.address) break;
    if (i > 400) throw new Error(`${site} did not register again`);
    await new Promise((r) => setTimeout(r, 50));
  }
  fx.coordinator.registry.setHealth(site, { health: 'SERVING', lastSeenMs: Date.now(), lastError: '' });
}

const shift = (month: string, by: number) => formatPeriod(parsePeriod(month) + by);

describe('operations', () => {
  it('a consent granting only score: points, and no site\'s box holds a reason', async () => {
    const subject = fx.inAll[1]!;
    await fx.register(subject);
    // Both granted: some site names reasons for this enterprise (so the check below can fail).
    const both = await fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject)) });
    expect(both.explanations.flatMap((e) => e.reasons).length).toBeGreaterThan(0);

    const only = await fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject, { operations: ['score'] })) });
    // Every site still answers a box (its presence tells nothing), none with a reason in it.
    expect(only.explanations.map((e) => e.site).sort()).toEqual([...SITES].sort());
    for (const e of only.explanations) expect(e.reasons).toEqual([]);
    expect(only.points).toBe(both.points);
    expect(only.scored).toBe(true);
  }, 60_000);

  it('a consent granting only explain: an explain query gets reasons and no score, and the coordinator\'s sum is 0', async () => {
    const subject = fx.inAll[2]!;
    await fx.register(subject);
    const consent = fx.consentText(fx.grant(subject, { operations: ['explain'] }));
    // A score query is not what it grants.
    expect((await refused(fx.session.score({ enterprise: subject, consent }))).code).toBe('CONSENT_SCOPE_NOT_COVERED');

    const observedBefore = fx.observed.length;
    const result = await fx.session.score({ enterprise: subject, consent, operation: 'explain' });
    expect(result).toMatchObject({ scored: false, points: 0, grade: '', warning: '', probabilityOfDefault: 0 });
    expect(result.explanations.flatMap((e) => e.reasons).length).toBeGreaterThan(0);
    // What the coordinator received: masked shares that sum to exactly 0, so it cannot form the score either.
    const shares = fx.observed.slice(observedBefore).flatMap((o) => (o.kind === 'share' ? [o.response] : []));
    expect(shares).toHaveLength(SITES.length);
    expect(decodeFixed(sumShares(shares.map((s) => fromWire(s.maskedShare))))).toBe(0);
  }, 60_000);
});

describe('data window', () => {
  it('a window too short for the model is refused by the coordinator, before any node is asked', async () => {
    const subject = fx.inAll[3]!;
    await fx.register(subject);
    const before = await Promise.all(SITES.map(stats));
    const logBefore = fx.coordinator.transparencyLog.store.size;
    const consent = fx.consentText(fx.grant(subject, { dataWindow: { from: '2001-01', to: '2001-02' } }));
    const err = await refused(fx.session.score({ enterprise: subject, consent }));
    expect(err.code).toBe('CONSENT_SCOPE_NOT_COVERED');
    expect(err.message).toMatch(/spans 2 months, but the model reads 24 months/);
    expect(await Promise.all(SITES.map(stats))).toEqual(before);
    const entries = await logEntries(logBefore);
    expect(entries.map((e) => [e.kind, e.body['reason'], e.body['refusedBy']])).toEqual([['refusal', 'CONSENT_SCOPE_NOT_COVERED', 'coordinator']]);
  }, 60_000);

  it('a long enough window that misses a site\'s months is refused by that site itself; no model is evaluated', async () => {
    const subject = fx.inAll[4]!;
    await fx.register(subject);
    const cases = [
      // Long, but years before the records the features read.
      { from: '2001-01', to: '2003-12' },
      // One month short at the start: the 24-month sites (tax, bank) cannot answer, power could.
      { from: shift(fx.dataWindow.from, 1), to: shift(fx.dataWindow.to, 12) },
    ];
    for (const dataWindow of cases) {
      const before = await Promise.all(SITES.map(stats));
      const logBefore = fx.coordinator.transparencyLog.store.size;
      const err = await refused(fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject, { dataWindow })) }));
      expect(err.code, JSON.stringify(dataWindow)).toBe('CONSENT_SCOPE_NOT_COVERED');
      expect(err.message).toMatch(/fall outside the consented window/);
      const after = await Promise.all(SITES.map(stats));
      const refusedBy = after.flatMap((s, i) => ((s.refusals['CONSENT_SCOPE_NOT_COVERED'] ?? 0) > (before[i]!.refusals['CONSENT_SCOPE_NOT_COVERED'] ?? 0) ? [SITES[i]!] : []));
      // Each site decides on its own months: tax and bank read 24, power 12 (which the second window holds).
      expect(refusedBy.sort()).toEqual(dataWindow.from === '2001-01' ? ['bank', 'power', 'tax'] : ['bank', 'tax']);
      // A site that refused evaluated nothing.
      for (const [i, s] of after.entries()) if (refusedBy.includes(SITES[i]!)) expect(s.evaluations).toBe(before[i]!.evaluations);
      const entries = await logEntries(logBefore);
      expect(entries.map((e) => e.kind)).toEqual(['query', 'refusal']);
      expect(SITES).toContain(entries[1]!.body['refusedBy']);
    }
    // Exactly the months the features read: answered.
    const ok = await fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject, { dataWindow: fx.dataWindow })) });
    expect(ok.scored).toBe(true);
  }, 90_000);
});

describe('a node\'s model checks', () => {
  // Until the coordinator drops its cached address of a restarted bank, a query may not reach it.
  const untilBankAnswers = async (): Promise<void> => {
    const warm = fx.inAll[12]!;
    await fx.register(warm);
    for (let i = 0; ; i++) {
      const r = await fx.session.score({ enterprise: warm, consent: fx.consentText(fx.grant(warm)) }).then(() => 'ok', (e: unknown) => String(e));
      if (r === 'ok') return;
      if (i > 40 || !/not reachable/.test(r)) throw new Error(`the restarted bank does not answer: ${r}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  };

  it('a node that refuses the model (no part of it, or one trained for another purpose) counts no use of the consent', async () => {
    const subject = fx.inAll[11]!;
    await fx.register(subject);
    const m1 = { ...(await fx.coordinator.models.get('m1'))!, purpose: 'credit-assessment' };
    // The coordinator serves m-3 and m-4 for the consent's purpose; the bank holds m-3's part
    // trained for marketing, and no site holds a part of m-4.
    await restartNode('bank', [], async (store) => saveSiteModel(store, { ...(await getSiteModel(store, 'm1'))!, modelVersion: 'm-3', purpose: 'marketing' }));
    await fx.coordinator.models.put({ ...m1, modelVersion: 'm-3' });
    await fx.coordinator.models.put({ ...m1, modelVersion: 'm-4' });
    await untilBankAnswers();
    const consent = fx.grant(subject, { maxUses: 5 });
    const before = await stats('bank');
    const messages: string[] = [];
    for (const model of ['m-3', 'm-4']) messages.push((await refused(fx.session.score({ enterprise: subject, consent: fx.consentText(consent), model }))).message);
    const after = await stats('bank');
    expect([after.refusals['MODEL_PURPOSE_MISMATCH'], after.refusals['MODEL_NOT_FOUND']], messages.join('\n'))
      .toEqual([(before.refusals['MODEL_PURPOSE_MISMATCH'] ?? 0) + 1, (before.refusals['MODEL_NOT_FOUND'] ?? 0) + 1]);
    expect(after.evaluations).toBe(before.evaluations);
    // The bank's own ledger counted neither (the coordinator's did: it logs a query before asking).
    let bankUses = -1;
    await restartNode('bank', [], async (store) => {
      const ledger = ConsentLedger.over(levelLedgerStore(store.consent), { trustedRegistrars: [] });
      bankUses = await ledger.usesOf(consent.consentId);
    });
    expect(bankUses).toBe(0);
    await untilBankAnswers();
    // The consent still serves with a model the bank holds (the latest, m1; not named, so the
    // coordinator keeps no cached copy of m1 that the next test changes).
    const ok = await fx.session.score({ enterprise: subject, consent: fx.consentText(consent) });
    expect([ok.scored, ok.model]).toEqual([true, 'm1']);
  }, 90_000);
});

describe('model purpose', () => {
  it('a model trained for another purpose than the consent\'s is refused, logged, before any node is asked; a general model serves both', async () => {
    const subject = fx.inAll[8]!;
    await fx.register(subject);
    const m1 = (await fx.coordinator.models.get('m1'))!;
    // Versions that sort before m1, so the newest model stays m1 for the other tests.
    await fx.coordinator.models.put({ ...m1, modelVersion: 'm-1', purpose: 'loan-monitoring' });
    await fx.coordinator.models.put({ ...m1, modelVersion: 'm-2', purpose: 'marketing' });
    for (const model of ['m-1', 'm-2']) {
      const before = await Promise.all(SITES.map(stats));
      const logBefore = fx.coordinator.transparencyLog.store.size;
      const err = await refused(fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject)), model }));
      expect(err.code).toBe('MODEL_PURPOSE_MISMATCH');
      expect(err.message).toMatch(/was trained for '(loan-monitoring|marketing)', which does not cover a consent for 'credit-assessment'/);
      expect(await Promise.all(SITES.map(stats))).toEqual(before);
      expect((await logEntries(logBefore)).map((e) => [e.kind, e.body['reason']])).toEqual([['refusal', 'MODEL_PURPOSE_MISMATCH']]);
    }
    // The same model trained for 'loan-monitoring' serves a loan-monitoring consent (the nodes hold m1's parts: asked as m1).
    expect(modelServesPurpose('loan-monitoring', 'loan-monitoring')).toBe(true);
    expect(modelServesPurpose('credit-scoring', 'loan-monitoring') && modelServesPurpose('credit-scoring', 'credit-assessment')).toBe(true);
    await fx.coordinator.models.put({ ...m1, purpose: 'loan-monitoring' });
    try {
      const ok = await fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject, { purpose: 'loan-monitoring' })), model: 'm1' });
      expect(ok.scored).toBe(true);
    } finally {
      await fx.coordinator.models.put(m1);
    }
  }, 60_000);
});

describe('no registered key', () => {
  it('a requester cannot tell an enterprise without a registered key from one whose key did not sign; the log can', async () => {
    const unregistered = fx.partial.at(-2)!;
    const registered = fx.inAll[9]!;
    await fx.register(registered);
    const logBefore = fx.coordinator.transparencyLog.store.size;
    const a = await refused(fx.session.score({ enterprise: unregistered, consent: fx.consentText(fx.grant(unregistered)) }));
    const b = await refused(fx.session.score({ enterprise: registered, consent: fx.consentText(fx.grant(registered, {}, undefined, identityFromSeed(new Uint8Array(32).fill(98)))) }));
    expect([a.code, b.code]).toEqual(['CONSENT_NOT_REGISTERED', 'CONSENT_NOT_REGISTERED']);
    expect(a.message.replace(unregistered, 'X')).toBe(b.message.replace(registered, 'X'));
    expect(a.grpcStatus).toBe(b.grpcStatus);
    // The auditor still sees which: the refusal entries keep the exact codes.
    expect((await logEntries(logBefore)).map((e) => [e.kind, e.body['reason']])).toEqual([['refusal', 'UNKNOWN_ENTERPRISE'], ['refusal', 'CONSENT_KEY_NOT_BOUND']]);
  }, 60_000);
});

describe('a node\'s query policy', () => {
  it('parses the query rules and refuses by purpose and requester, naming the site and the rule', () => {
    const policy = parsePolicy(JSON.stringify({ queryPurposes: ['loan-monitoring'], queryRequesters: ['bank-a', 'bank-x'], refuseRequesters: ['bank-x'] }), 'test');
    const code = (q: { purpose: string; requester: string }) => {
      try {
        checkQueryPolicy(policy, 'power', q);
        return 'answered';
      } catch (err) {
        return `${(err as FedcreditError).code} ${String((err as FedcreditError & { detail: { rule: string } }).detail.rule)}`;
      }
    };
    expect(code({ purpose: 'loan-monitoring', requester: 'bank-a' })).toBe('answered');
    expect(code({ purpose: 'credit-assessment', requester: 'bank-a' })).toBe('POLICY_REFUSED queryPurposes');
    expect(code({ purpose: 'loan-monitoring', requester: 'bank-x' })).toBe('POLICY_REFUSED refuseRequesters');
    expect(code({ purpose: 'loan-monitoring', requester: 'bank-b' })).toBe('POLICY_REFUSED queryRequesters');
    expect(() => parsePolicy('{"queryPurpose":["x"]}', 'test')).toThrow(/unknown field 'queryPurpose'/);
  });

  it('a node whose policy does not answer the purpose refuses on its own: POLICY_REFUSED, logged as its refusal, nothing evaluated', async () => {
    const subject = fx.inAll[10]!;
    await fx.register(subject);
    const policyFile = path.join(fx.dir, 'power-policy.json');
    fs.writeFileSync(policyFile, JSON.stringify({ queryPurposes: ['loan-monitoring'] }));
    const restart = (args: string[]) => restartNode('power', args);
    await restart(['--policy', policyFile]);
    try {
      const before = await stats('power');
      const logBefore = fx.coordinator.transparencyLog.store.size;
      const err = await refused(fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject)) }));
      expect(err.code).toBe('POLICY_REFUSED');
      expect(err.message).toMatch(/site power refuses the query: purpose 'credit-assessment' is not answered here \(answered: loan-monitoring\) \(rule 'queryPurposes'/);
      const after = await stats('power');
      expect(after.evaluations).toBe(before.evaluations);
      expect(after.refusals['POLICY_REFUSED']).toBe((before.refusals['POLICY_REFUSED'] ?? 0) + 1);
      expect((await logEntries(logBefore)).map((e) => [e.kind, e.body['reason'] ?? null, e.body['refusedBy'] ?? null])).toEqual([['query', null, null], ['refusal', 'POLICY_REFUSED', 'power']]);

      // A query whose requester signature does not verify (altered on the way to the nodes, in a
      // field the log entry does not repeat) is refused for that, before the policy reads it.
      const push = fx.observed.push;
      fx.observed.push = (...items: ScoringObservation[]) => {
        for (const o of items) {
          if (o.kind !== 'share-request') continue;
          const q = parseSignedQuery(o.request.signedQuery);
          if (q.ok) (o.request as { signedQuery: string }).signedQuery = encodeSignedQuery({ ...q.value, issuedAt: q.value.issuedAt + 1 });
        }
        return push.apply(fx.observed, items);
      };
      try {
        await refused(fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject)) }));
      } finally {
        fx.observed.push = push;
      }
      const tampered = await stats('power');
      expect(tampered.refusals['POLICY_REFUSED']).toBe(after.refusals['POLICY_REFUSED']);
      expect(tampered.refusals['CONSENT_WRONG_REQUESTER']).toBe((after.refusals['CONSENT_WRONG_REQUESTER'] ?? 0) + 1);
    } finally {
      await restart([]);
    }
    const ok = await fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject)) });
    expect(ok.scored).toBe(true);
  }, 90_000);
});
