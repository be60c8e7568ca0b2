/**
 * Consented joint scoring through real node processes (docs/scoring.md): answers equal the
 * pooled model's, every refusal is a distinct code that reaches no node's model, the
 * coordinator sees only masked shares and sealed explanations, nodes refuse a revoked consent
 * even when the coordinator ignores the revocation, receipts verify offline, and `audit
 * verify` accounts for every query, refusal and revocation and detects a query a node served
 * outside the log.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { identityFromSeed } from '../../crypto/identity.js';
import { BoxSealer } from '../../crypto/sealed-box.js';
import type { ScoringObservation } from '../../scoring/coordinator.js';
import { auditVerify } from '../../log/audit/verify.js';
import { waitForCosignedLatest } from '../../log/client.js';
import { trustFrom, verifyReceipt, verifyReceiptFile } from '../../log/audit/receipt.js';
import { nodeAuditClient, nodeScoringClient, scoringClient } from '../../proto/clients.js';
import { encodeRevocation, revokeConsent } from '../../consent/verify.js';
import { FedcreditError } from '../../lib/errors.js';
import { call } from '../../lib/grpc.js';
import { decodeEntry, makeEntry } from '../../log/entries.js';
import { encodeFixed, fromWire } from '../../scoring/secure-aggregation.js';
import { pointsFromLogit } from '../../scoring/score-scale.js';
import { EXPLANATION_BOX_BYTES, ExplanationMacKeys, openExplanation, sealExplanation } from '../../scoring/sealed-explanation.js';
import { SiteKeyVerifier, siteKeyStatement } from '../../scoring/site-key-statement.js';
import { INSECURE } from '../../lib/tls.js';
import { cliPath } from '../../lib/spawn-party.js';
import { ServedRecordBook } from '../../log/served-book.js';
import { NodeStore } from '../../site/store.js';
import { loadOrCreateIdentity } from '../../crypto/identity.js';
import { submitConsentRecord, type ScoreResult } from '../../scoring/requester.js';
import { LONG_NAMES_MODEL, scoringFixture, SITES, type ScoringFixture } from './fixture.js';

const run = promisify(execFile);
let fx: ScoringFixture;
let refusalsExpected = 0;
let shareMissingIndex = -1;
let queryAfterRevocationIndex = -1;

beforeAll(async () => {
  fx = await scoringFixture('main');
}, 180_000);

afterAll(async () => {
  await fx?.stop();
});

async function stats(site: string): Promise<{ evaluations: number; shares: number; batches: number; refusals: Record<string, number> }> {
  const client = nodeScoringClient(fx.nodes.get(site as never)!.address, fx.fed.as(`${site}-operator`), site);
  try {
    const s = await call(client, client.GetScoringStats, {});
    return { evaluations: Number(s.evaluations), shares: Number(s.shares), batches: Number(s.batches), refusals: Object.fromEntries(s.refusals.map((r) => [r.code, Number(r.count)])) };
  } finally {
    client.close();
  }
}

async function servedCount(site: string): Promise<number> {
  const client = nodeAuditClient(fx.nodes.get(site as never)!.address, fx.fed.as('auditor-1'), site);
  try {
    return (await call(client, client.GetServedRecords, { from: 0 })).records.length;
  } finally {
    client.close();
  }
}

async function logEntries(): Promise<{ kind: string; body: Record<string, unknown> }[]> {
  const store = fx.coordinator.transparencyLog.store;
  return (await store.entries(0, store.size)).map((b) => {
    const d = decodeEntry(b);
    if (!d.ok) throw new Error(d.reason);
    return d.entry as never;
  });
}

async function score(subject: string, consent: string, extra: Record<string, unknown> = {}): Promise<ScoreResult> {
  return fx.session.score({ enterprise: subject, consent, ...extra });
}

async function refused(p: Promise<unknown>): Promise<FedcreditError> {
  const r = await p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
  if (r.ok) throw new Error(`expected a refusal, got an answer: ${JSON.stringify(r.v).slice(0, 200)}`);
  expect(r.e).toBeInstanceOf(FedcreditError);
  return r.e as FedcreditError;
}

const logitOf = (p: number) => Math.log(p / (1 - p));

describe('answers', () => {
  it('the joint score equals the pooled model\'s on sampled enterprises, with coverage per site', async () => {
    const sample = [...fx.inAll.filter((_, i) => i % Math.max(1, Math.floor(fx.inAll.length / 6)) === 0).slice(0, 6), ...fx.partial.slice(0, 3)];
    expect(sample.length).toBeGreaterThanOrEqual(7);
    for (const subject of sample) {
      await fx.register(subject);
      const result = await score(subject, fx.consentText(fx.grant(subject)));
      const want = fx.pooled.logit(subject);
      expect(Math.abs(logitOf(result.probabilityOfDefault) - want)).toBeLessThan(1e-6);
      expect(result.points).toBe(pointsFromLogit(want));
      expect(result.model).toBe('m1');
      const covered = Object.fromEntries(result.coverage.map((c) => [c.site, c.covered]));
      expect(Object.keys(covered).sort()).toEqual([...SITES].sort());
      if (fx.inAll.includes(subject)) expect(Object.values(covered).every(Boolean)).toBe(true);
      else expect(Object.values(covered).some((c) => !c)).toBe(true);
      // Explanations: feature names and directions only, sealed to this requester, per site.
      expect(result.explanations.map((e) => e.site).sort()).toEqual([...SITES].sort());
      for (const e of result.explanations) {
        expect(e.queryId).toBe(result.queryId);
        expect(e.covered).toBe(covered[e.site]);
        for (const r of e.reasons) {
          expect(r.direction).toBe('increases-risk');
          expect(Object.keys(r).sort()).toEqual(['direction', 'feature', 'rank']);
        }
      }
    }
  });

  it('the unary Score call answers as the session\'s stream does', async () => {
    const subject = fx.inAll[5]!;
    await fx.register(subject);
    const client = scoringClient(fx.coordinator.address, fx.fed.as('bank-a'));
    try {
      const res = await call(client, client.Score, fx.session.request({ enterprise: subject, consent: fx.consentText(fx.grant(subject)) }));
      expect(res.points).toBe(pointsFromLogit(fx.pooled.logit(subject)));
      expect(res.sites.map((s) => s.site).sort()).toEqual([...SITES].sort());
      const refused = await call(client, client.Score, fx.session.request({ enterprise: subject, consent: 'not a consent' })).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'CONSENT_MALFORMED' });
    } finally {
      client.close();
    }
  });

  it('concurrent queries reach each node in batches, and each is still answered on its own', async () => {
    const subjects = [...fx.inAll.slice(6, 22), ...fx.partial.slice(3, 7)];
    for (const subject of subjects) await fx.register(subject);
    const consents = subjects.map((s) => fx.consentText(fx.grant(s)));
    const before = await Promise.all(SITES.map((s) => stats(s)));
    const results = await Promise.all(subjects.map((subject, i) => score(subject, consents[i]!)));
    results.forEach((result, i) => {
      expect(result.enterprise).toBe(subjects[i]);
      expect(Math.abs(logitOf(result.probabilityOfDefault) - fx.pooled.logit(subjects[i]!))).toBeLessThan(1e-6);
      expect(result.explanations.every((e) => e.queryId === result.queryId)).toBe(true);
    });
    const after = await Promise.all(SITES.map((s) => stats(s)));
    SITES.forEach((_, i) => {
      expect(after[i]!.shares - before[i]!.shares).toBe(subjects.length);
      expect(after[i]!.batches - before[i]!.batches).toBeLessThan(subjects.length);
    });
  });

  it('fedcredit score (CLI) writes a receipt that `audit receipt` verifies offline; a tampered one fails', async () => {
    const subject = fx.inAll[1]!;
    await fx.register(subject);
    const consentFile = path.join(fx.dir, 'consent-cli.json');
    fs.writeFileSync(consentFile, fx.consentText(fx.grant(subject)));
    const receiptFile = path.join(fx.dir, 'receipt.json');
    const { stdout } = await run(process.execPath, [cliPath(), 'score', '--coordinator', fx.coordinator.address, '--enterprise', subject, '--consent', consentFile,
      '--keys', path.join(fx.dir, 'requester-keys'), '--out', receiptFile, '--json', ...fx.fed.tls('bank-a')]);
    const answer = JSON.parse(stdout) as { points: number; logIndex: number };
    expect(answer.points).toBe(pointsFromLogit(fx.pooled.logit(subject)));
    // The auditor's keys, pinned by a verify run.
    const state = path.join(fx.dir, 'auditor-receipt.json');
    await waitForCosignedLatest(fx.coordinator.address, fx.fed.as('auditor-1'), 3, 30_000, answer.logIndex + 1);
    const summary = await auditVerify({ coordinator: fx.coordinator.address, transport: fx.fed.as('auditor-1'), stateFile: state, full: false });
    expect(summary.findings).toEqual([]);
    const cli = await run(process.execPath, [cliPath(), 'audit', 'receipt', receiptFile, '--state', state, '--json']);
    const check = JSON.parse(cli.stdout) as { ok: boolean; cosignedBy: string[]; logIndex: number };
    expect(check.ok).toBe(true);
    expect(check.logIndex).toBe(answer.logIndex);
    expect(check.cosignedBy).toHaveLength(3);
    const receipt = JSON.parse(fs.readFileSync(receiptFile, 'utf8')) as Record<string, unknown>;
    const trust = trustFrom({ stateFile: state });
    const other = (await logEntries()).findIndex((e) => e.kind === 'query' && e.body['queryId'] !== receipt['queryId']);
    const tampered = { ...receipt, entry: Buffer.from(await fx.coordinator.transparencyLog.store.entries(other, other + 1).then((x) => x[0]!)).toString('base64') };
    expect(verifyReceipt(tampered, trust).ok).toBe(false);
    expect(verifyReceipt({ ...receipt, logIndex: Number(receipt['logIndex']) + 1 }, trust).ok).toBe(false);
    expect(verifyReceipt({ ...receipt, checkpoint: String(receipt['checkpoint']).split('\n').filter((l) => !l.startsWith('— tax')).join('\n') }, trust).ok).toBe(false);
    // The answer is signed: changing the points, the grade or the coverage breaks the receipt.
    const answer0 = receipt['answer'] as { points: number; grade: string; coverage: { site: string; covered: boolean }[] };
    const changed = (a: Partial<typeof answer0>) => verifyReceipt({ ...receipt, answer: { ...answer0, ...a } }, trust);
    expect(changed({ points: answer0.points + 1 }).problems).toContain('the answer (points, grade, warning, model, coverage) is not what the coordinator signed for this query');
    expect(changed({ grade: answer0.grade === 'AAA' ? 'C' : 'AAA' }).ok).toBe(false);
    expect(changed({ coverage: answer0.coverage.map((c) => ({ ...c, covered: !c.covered })) }).ok).toBe(false);
    expect(verifyReceipt({ ...receipt, answer: { ...answer0, signature: undefined } }, trust).ok).toBe(false);
    expect(verifyReceiptFile(receiptFile, { stateFile: state }).ok).toBe(true);
  }, 60_000);
});

describe('transcripts', () => {
  it('the coordinator sees masked shares, never a partial term or an explanation in the clear', async () => {
    const subject = fx.inAll[2]!;
    await fx.register(subject);
    const start = fx.observed.length;
    const result = await score(subject, fx.consentText(fx.grant(subject)));
    const seen = fx.observed.slice(start);
    const shares = seen.flatMap((o) => (o.kind === 'share' ? [o] : []));
    expect(shares.map((s) => s.site).sort()).toEqual([...SITES].sort());
    for (const s of shares) {
      const truth = encodeFixed(fx.pooled.partial(s.site as never, subject));
      const masked = fromWire(s.response.maskedShare);
      // Not the partial term, nor anywhere near it (a mask is uniform mod 2^64).
      const diff = masked > truth ? masked - truth : truth - masked;
      expect(diff).toBeGreaterThan(1n << 50n);
    }
    // The sum of two shares (any proper subset) is not the sum of those sites' terms either.
    const [a, b] = shares;
    const pair = BigInt.asUintN(64, fromWire(a!.response.maskedShare) + fromWire(b!.response.maskedShare));
    const pairTruth = encodeFixed(fx.pooled.partial(a!.site as never, subject) + fx.pooled.partial(b!.site as never, subject));
    expect(pair === pairTruth).toBe(false);
    // Explanations: opaque to the coordinator (no feature name in any byte it saw), and they
    // do not open under a key other than the requester's.
    const featureNames = result.explanations.flatMap((e) => e.reasons.map((r) => r.feature));
    expect(featureNames.length).toBeGreaterThan(0);
    const bytesSeen = Buffer.from(JSON.stringify(seen, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)), 'utf8');
    for (const name of featureNames) expect(bytesSeen.includes(Buffer.from(name))).toBe(false);
    // Every box has one length, whatever reasons it holds.
    expect(shares.map((s) => s.response.sealedExplanation.length)).toEqual(shares.map(() => EXPLANATION_BOX_BYTES));
    const stranger = generateX25519KeyPair();
    const siteKeys = new SiteKeyVerifier(fx.fed.as('bank-a'));
    for (const s of shares) {
      const siteKey = siteKeys.keyFor(s.site, new Uint8Array(s.response.siteKeyStatement));
      expect(() => openExplanation(stranger.privateKey, new Uint8Array(s.response.sealedExplanation), s.site, 'bank-a', result.logIndex, result.queryId, siteKey)).toThrow(/does not open/);
    }
    // The requester's own key opens them, signed by each site.
    const mine = shares.map((s) => openExplanation(fx.requesterKeys.sealing.privateKey, new Uint8Array(s.response.sealedExplanation), s.site, 'bank-a', result.logIndex, result.queryId,
      siteKeys.keyFor(s.site, new Uint8Array(s.response.siteKeyStatement))));
    expect(mine.every((e) => e.queryId === result.queryId)).toBe(true);
  });

  it('the requester learns about the consented enterprise only: no other credit code, no raw value', async () => {
    const subject = fx.inAll[3]!;
    await fx.register(subject);
    const start = fx.observed.length;
    await score(subject, fx.consentText(fx.grant(subject)));
    const answer = fx.observed.slice(start).find((o) => o.kind === 'answer');
    expect(answer).toBeDefined();
    const text = JSON.stringify(answer, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    for (const other of [...fx.inAll, ...fx.partial].filter((id) => id !== subject)) expect(text.includes(other)).toBe(false);
    // Opened explanations carry names, ranks and directions; no numbers besides ranks.
    const result = await score(subject, fx.consentText(fx.grant(subject)));
    for (const e of result.explanations) {
      expect(JSON.stringify(e.reasons)).not.toMatch(/\d+\.\d+/);
      expect(JSON.stringify(e)).not.toContain(fx.inAll[4]!);
    }
    // A consent for one enterprise cannot be used for another.
    const other = fx.inAll[4]!;
    await fx.register(other);
    const err = await refused(score(other, fx.consentText(fx.grant(subject))));
    expect(err.code).toBe('CONSENT_SCOPE_NOT_COVERED');
    refusalsExpected++;
  });
});

describe('sealed explanations: one length, signed by their site', () => {
  it('boxes of many enterprises (covered or not, different reasons) have one length, at every site', async () => {
    const subjects = [...fx.inAll.filter((_, i) => i % Math.max(1, Math.floor(fx.inAll.length / 12)) === 0).slice(0, 12), ...fx.partial.slice(0, 6)];
    for (const s of subjects) await fx.register(s);
    const start = fx.observed.length;
    const results = await Promise.all(subjects.map((s) => score(s, fx.consentText(fx.grant(s)))));
    const lengths = new Map<string, Set<number>>();
    for (const o of fx.observed.slice(start)) {
      if (o.kind !== 'share') continue;
      lengths.set(o.site, (lengths.get(o.site) ?? new Set()).add(o.response.sealedExplanation.length));
    }
    // What the boxes hold differs (so their lengths would have told it apart)...
    const held = new Set(results.flatMap((r) => r.explanations.map((e) => `${e.site}:${e.covered}:${e.reasons.map((x) => x.feature).join(',')}`)));
    expect(held.size).toBeGreaterThan(SITES.length * 2);
    expect(results.some((r) => r.explanations.some((e) => !e.covered))).toBe(true);
    expect(new Set(results.flatMap((r) => r.explanations.map((e) => e.reasons.length))).size).toBeGreaterThan(1);
    // ...their lengths do not: one per site, the same for every site.
    expect([...lengths.keys()].sort()).toEqual([...SITES].sort());
    for (const [site, seen] of lengths) expect([site, [...seen]]).toEqual([site, [EXPLANATION_BOX_BYTES]]);
  });

  it('a coordinator that swaps a site\'s box for one of its own: the requester refuses it as EXPLANATION_FORGED', async () => {
    const subject = fx.inAll[5]!;
    await fx.register(subject);
    const forger = generateX25519KeyPair();
    // The coordinator holds the requester's public sealing key (every query carries it), so it can seal a plausible box.
    const swap = (statement?: (site: string) => Uint8Array) => (o: ScoringObservation): void => {
      if (o.kind !== 'answer') return;
      const r = o.response;
      const bank = r.sites!.find((x) => x.site === 'bank')!;
      bank.sealedExplanation = Buffer.from(sealExplanation(new BoxSealer(), fx.requesterKeys.sealing.publicKey, {
        v: 1, site: 'bank', queryId: r.queryId!, model: r.modelVersion!, covered: bank.covered!, reasons: [],
      }, 'bank-a', Number(r.logIndex), new ExplanationMacKeys(forger.privateKey)));
      if (statement) bank.siteKeyStatement = Buffer.from(statement('bank'));
    };
    // The bank's own box and statement from an earlier answer, replayed into a later one.
    let genuine: { box: Buffer; statement: Buffer } | undefined;
    const replay = (o: ScoringObservation): void => {
      if (o.kind !== 'answer') return;
      const bank = o.response.sites!.find((x) => x.site === 'bank')!;
      bank.sealedExplanation = genuine!.box;
      bank.siteKeyStatement = genuine!.statement;
    };
    const variants: [string, (o: ScoringObservation) => void][] = [
      ['box authenticated by another key', swap()],
      ['its own key stated for the site, under the coordinator\'s certificate', swap((site) => siteKeyStatement(site, forger.publicKey, fx.fed.as('coordinator')))],
      ['its own key stated for the site, without a certificate', swap((site) => siteKeyStatement(site, forger.publicKey, INSECURE))],
      ['the site\'s own box of an earlier query, replayed', replay],
    ];
    const push = fx.observed.push;
    fx.observed.push = (...items: ScoringObservation[]) => {
      for (const o of items) {
        if (o.kind !== 'answer') continue;
        const bank = o.response.sites!.find((x) => x.site === 'bank')!;
        genuine = { box: Buffer.from(bank.sealedExplanation!), statement: Buffer.from(bank.siteKeyStatement!) };
      }
      return push.apply(fx.observed, items);
    };
    const first = await score(subject, fx.consentText(fx.grant(subject)));
    expect(first.explanations.map((e) => e.site)).toContain('bank');
    expect(genuine?.box.length).toBe(EXPLANATION_BOX_BYTES);
    try {
      for (const [name, tamper] of variants) {
        fx.observed.push = (...items: ScoringObservation[]) => {
          items.forEach(tamper);
          return push.apply(fx.observed, items);
        };
        const err = await refused(score(subject, fx.consentText(fx.grant(subject))));
        expect([name, err.code]).toEqual([name, 'EXPLANATION_FORGED']);
        expect(err.message).toMatch(/site bank/);
      }
    } finally {
      fx.observed.push = push;
    }
    // Untouched, the same session opens the sites' own boxes.
    const ok = await score(subject, fx.consentText(fx.grant(subject)));
    expect(ok.explanations.map((e) => e.site).sort()).toEqual([...SITES].sort());
  });

  it('a feature name too long for the box: the node refuses every query of that model alike, naming no feature, rather than send a longer box', async () => {
    // An enterprise the bank holds no records of (so no reason, and before the fix, an answer),
    // and one it has a risk-increasing reason for (so a long name would reach the box).
    let withoutRecords = '';
    for (const candidate of fx.partial.slice(0, 30)) {
      await fx.register(candidate);
      const r = await score(candidate, fx.consentText(fx.grant(candidate)));
      if (r.coverage.find((c) => c.site === 'bank')!.covered === false) {
        withoutRecords = candidate;
        break;
      }
    }
    expect(withoutRecords).not.toBe('');
    let withReason = '';
    for (const candidate of fx.inAll.slice(7, 40)) {
      await fx.register(candidate);
      const r = await score(candidate, fx.consentText(fx.grant(candidate)));
      if (r.explanations.find((e) => e.site === 'bank')!.reasons.length > 0) {
        withReason = candidate;
        break;
      }
    }
    expect(withReason).not.toBe('');
    const messages: string[] = [];
    for (const subject of [withoutRecords, withReason]) {
      await fx.register(subject);
      const start = fx.observed.length;
      const refusedBefore = (await stats('bank')).refusals['EXPLANATION_TOO_LONG'] ?? 0;
      const err = await refused(score(subject, fx.consentText(fx.grant(subject)), { model: LONG_NAMES_MODEL }));
      refusalsExpected++;
      // The coordinator passes on a node's consent refusals as they are, any other as a missing share naming it.
      expect([subject, err.code]).toEqual([subject, 'SHARE_MISSING']);
      expect(err.message).toMatch(/bank: EXPLANATION_TOO_LONG: site bank's model m-1 has feature names that do not fit an explanation/);
      // No feature name (they all end in _xxx...) reaches the coordinator or the requester.
      expect(err.message).not.toMatch(/_x{8}/);
      messages.push(/bank: EXPLANATION_TOO_LONG: [^;]*/.exec(err.message)![0]);
      expect((await stats('bank')).refusals['EXPLANATION_TOO_LONG']).toBe(refusedBefore + 1);
      // No box of another length left the bank; the query is logged as refused.
      expect(fx.observed.slice(start).some((o) => o.kind === 'share' && o.site === 'bank')).toBe(false);
      const last = (await logEntries()).at(-1)!;
      expect([last.kind, last.body['reason']]).toEqual(['refusal', 'SHARE_MISSING']);
    }
    // The same refusal whatever the enterprise's records.
    expect(messages[0]).toBe(messages[1]);
  });
});

describe('refusals: each a distinct code, logged, never reaching a node\'s model', () => {
  // `logged`: the code the log's refusal entry keeps when the requester is told less (one code for both "no registered key" cases).
  const cases: { name: string; code: string; logged?: string; make: (subject: string) => Promise<() => Promise<unknown>> }[] = [
    { name: 'malformed consent', code: 'CONSENT_MALFORMED', make: async (s) => () => score(s, '{"v":1,"nope":true}') },
    {
      name: 'forged (altered) consent', code: 'CONSENT_BAD_SIGNATURE', make: async (s) => {
        const c = fx.grant(s, { maxUses: 1 });
        return () => score(s, fx.consentText({ ...c, maxUses: 1000 }));
      },
    },
    {
      name: 'consent signed with a key not bound to the enterprise', code: 'CONSENT_NOT_REGISTERED', logged: 'CONSENT_KEY_NOT_BOUND', make: async (s) => {
        const c = fx.grant(s, {}, undefined, identityFromSeed(new Uint8Array(32).fill(99)));
        return () => score(s, fx.consentText(c));
      },
    },
    { name: 'expired', code: 'CONSENT_EXPIRED', make: async (s) => () => score(s, fx.consentText(fx.grant(s, { validForMs: 86_400_000 }, Date.now() - 3 * 86_400_000))) },
    { name: 'not yet valid', code: 'CONSENT_NOT_YET_VALID', make: async (s) => () => score(s, fx.consentText(fx.grant(s, {}, Date.now() + 86_400_000))) },
    {
      name: 'wrong requester', code: 'CONSENT_WRONG_REQUESTER', make: async (s) => {
        const c = fx.grant(s, { requester: { name: 'bank-a', key: Buffer.from(identityFromSeed(new Uint8Array(32).fill(55)).publicKey).toString('hex') } });
        return () => score(s, fx.consentText(c));
      },
    },
    { name: 'purpose not covered', code: 'CONSENT_PURPOSE_NOT_COVERED', make: async (s) => () => score(s, fx.consentText(fx.grant(s)), { purpose: 'loan-monitoring' }) },
    { name: 'scope not covered (a site of the model is not a named holder)', code: 'CONSENT_SCOPE_NOT_COVERED', make: async (s) => () => score(s, fx.consentText(fx.grant(s, { dataHolders: ['tax', 'bank'] })), { sites: ['bank', 'power', 'tax'] }) },
    {
      name: 'revoked', code: 'CONSENT_REVOKED', make: async (s) => {
        const c = fx.grant(s);
        await submitConsentRecord(fx.coordinator.address, fx.fed.as('coordinator-operator'), encodeRevocation(revokeConsent(fx.enterpriseKey(s), c)));
        return () => score(s, fx.consentText(c));
      },
    },
    {
      name: 'uses exhausted', code: 'CONSENT_USES_EXHAUSTED', make: async (s) => {
        const c = fx.grant(s, { maxUses: 1 });
        await score(s, fx.consentText(c));
        return () => score(s, fx.consentText(c));
      },
    },
    {
      name: 'replayed query id', code: 'CONSENT_REPLAYED', make: async (s) => {
        const c = fx.grant(s);
        const queryId = `replay-${Date.now()}`;
        await score(s, fx.consentText(c), { queryId });
        return () => score(s, fx.consentText(c), { queryId });
      },
    },
    { name: 'unknown enterprise', code: 'CONSENT_NOT_REGISTERED', logged: 'UNKNOWN_ENTERPRISE', make: async () => () => score(fx.partial.at(-1)!, fx.consentText(fx.grant(fx.partial.at(-1)!))) },
    { name: 'a model with fewer than two sites', code: 'TOO_FEW_SITES', make: async (s) => () => score(s, fx.consentText(fx.grant(s)), { model: 'm0' }) },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const subject = fx.inAll[5]!;
    await fx.register(subject);
    const attempt = await c.make(subject);
    const before = await Promise.all(SITES.map(async (s) => ({ ...(await stats(s)), served: await servedCount(s) })));
    const logBefore = fx.coordinator.transparencyLog.store.size;
    const observedBefore = fx.observed.length;
    const err = await refused(attempt());
    refusalsExpected++;
    expect(err.code).toBe(c.code);
    expect(err.message).not.toMatch(/\n\s+at /); // never a stack trace
    const after = await Promise.all(SITES.map(async (s) => ({ ...(await stats(s)), served: await servedCount(s) })));
    // No node was asked: no evaluation, no share, nothing in any served book.
    expect(after).toEqual(before);
    expect(fx.observed.slice(observedBefore).some((o) => o.kind === 'share-request' || o.kind === 'answer')).toBe(false);
    // Logged as a refusal with its code, and nothing else was logged for it.
    const newEntries = (await logEntries()).slice(logBefore);
    expect(newEntries.map((e) => e.kind)).toEqual(['refusal']);
    expect(newEntries[0]!.body['reason']).toBe(c.logged ?? c.code);
    expect(newEntries[0]!.body['refusedBy']).toBe('coordinator');
  });

  it('a site that does not answer: no score (the others\' masks would not cancel), logged as SHARE_MISSING', async () => {
    const subject = fx.inAll[6]!;
    await fx.register(subject);
    await fx.nodes.get('power')!.stop();
    try {
      // Known to be down: refused before the consent is used or a query logged.
      fx.coordinator.registry.setHealth('power', { health: 'UNREACHABLE', lastSeenMs: 0, lastError: 'test' });
      const consent = fx.consentText(fx.grant(subject, { maxUses: 1 }));
      const sizeBefore = fx.coordinator.transparencyLog.store.size;
      expect((await refused(score(subject, consent))).code).toBe('SHARE_MISSING');
      refusalsExpected++;
      expect((await logEntries()).slice(sizeBefore).map((e) => e.kind)).toEqual(['refusal']);
      // Found down only when asked: the query was logged, tax and bank answered masked shares, no score.
      fx.coordinator.registry.setHealth('power', { health: 'SERVING', lastSeenMs: Date.now(), lastError: '' });
      const err = await refused(score(subject, consent));
      refusalsExpected++;
      expect(err.code).toBe('SHARE_MISSING');
      const entries = await logEntries();
      expect(entries.slice(-2).map((e) => [e.kind, e.body['reason'] ?? e.body['queryId']])).toEqual([['query', expect.any(String)], ['refusal', 'SHARE_MISSING']]);
      // The auditor will see a query entry naming power without power's record of it.
      shareMissingIndex = entries.length - 2;
    } finally {
      fx.nodes.set('power', await fx.startNode('power'));
    }
    for (let i = 0; i < 200; i++) {
      const n = (await fx.coordinator.registry.list()).find((x) => x.site === 'power');
      if (n?.address === fx.nodes.get('power')!.address) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    fx.coordinator.registry.setHealth('power', { health: 'SERVING', lastSeenMs: Date.now(), lastError: '' });
    const ok = await score(subject, fx.consentText(fx.grant(subject)));
    expect(Math.abs(logitOf(ok.probabilityOfDefault) - fx.pooled.logit(subject))).toBeLessThan(1e-6);
  }, 60_000);
});

describe('a coordinator that ignores revocations', () => {
  it('every node refuses the revoked consent on its own, from the log; no model is evaluated', async () => {
    await fx.restartCoordinator({ scoringIgnoresRevocations: true });
    const subject = fx.inAll[7]!;
    await fx.register(subject);
    const consent = fx.grant(subject);
    await score(subject, fx.consentText(consent));
    await submitConsentRecord(fx.coordinator.address, fx.fed.as('coordinator-operator'), encodeRevocation(revokeConsent(fx.enterpriseKey(subject), consent)));
    const before = await Promise.all(SITES.map(stats));
    const err = await refused(score(subject, fx.consentText(consent)));
    refusalsExpected++;
    expect(err.code).toBe('CONSENT_REVOKED');
    const after = await Promise.all(SITES.map(stats));
    for (const [i, s] of after.entries()) {
      expect(s.evaluations).toBe(before[i]!.evaluations);
      expect(s.refusals['CONSENT_REVOKED'] ?? 0).toBe((before[i]!.refusals['CONSENT_REVOKED'] ?? 0) + 1);
    }
    const entries = await logEntries();
    const query = entries.findLastIndex((e) => e.kind === 'query');
    queryAfterRevocationIndex = query;
    // The coordinator did log the query (it ignored the revocation); a node refused it.
    expect(entries[query]!.body['subject']).toBe(subject);
    const refusal = entries.at(-1)!;
    expect(refusal.kind).toBe('refusal');
    expect(refusal.body['reason']).toBe('CONSENT_REVOKED');
    expect(SITES).toContain(refusal.body['refusedBy']);
  }, 60_000);
});

describe('audit', () => {
  it('audit verify accounts for every query, refusal and revocation of the mixed run', async () => {
    await waitForCosignedLatest(fx.coordinator.address, fx.fed.as('auditor-1'), 3, 30_000, fx.coordinator.transparencyLog.store.size);
    const summary = await auditVerify({ coordinator: fx.coordinator.address, transport: fx.fed.as('auditor-1'), stateFile: path.join(fx.dir, 'auditor-full.json'), full: true, trustedRegistrars: [Buffer.from(fx.registrar.publicKey).toString('hex')] });
    // The one gap: the query whose fan-out found power down; power truthfully has no record of it.
    // And the query the revocation-ignoring coordinator logged after the revocation (the nodes refused it).
    expect(summary.findings).toHaveLength(2);
    expect(summary.findings).toEqual(expect.arrayContaining([
      { code: 'ENTRY_UNRECORDED', index: shareMissingIndex, message: expect.stringMatching(/names node power, which has no record of serving it/) },
      { code: 'QUERY_AFTER_REVOCATION', index: queryAfterRevocationIndex, message: expect.stringMatching(/logged after consent .* was revoked/) },
    ]));
    const entries = await logEntries();
    const count = (k: string) => entries.filter((e) => e.kind === k).length;
    expect(summary.entriesByKind['refusal']).toBe(count('refusal'));
    expect(count('refusal')).toBeGreaterThanOrEqual(refusalsExpected);
    expect(summary.entriesByKind['query']).toBe(count('query'));
    expect(summary.entriesByKind['revocation']).toBe(2);
    for (const site of SITES) expect(summary.nodeRecords[site]).toBeGreaterThanOrEqual(count('query'));
  }, 60_000);

  it('a query a node served outside the log is detected', async () => {
    // The tax node records a query it served under a log index that holds another entry.
    await fx.nodes.get('tax')!.stop();
    const dataDir = path.join(fx.dir, 'node-tax');
    const store = await NodeStore.open(dataDir, 'tax');
    const book = new ServedRecordBook(store, 'tax', loadOrCreateIdentity(path.join(dataDir, 'identity.pem')));
    const subject = fx.inAll[8]!;
    const entry = makeEntry('query', { queryId: 'off-the-books-1', requester: 'bank-a', subject, consentId: '00000000-0000-4000-8000-000000000000', purpose: 'credit-assessment', model: 'm1', sites: ['bank', 'power', 'tax'], time: Date.now() });
    await book.record({ entry, requester: 'bank-a', logIndex: 1 });
    await store.close();
    fx.nodes.set('tax', await fx.startNode('tax'));
    for (let i = 0; i < 200; i++) {
      const n = (await fx.coordinator.registry.list()).find((x) => x.site === 'tax');
      if (n?.address === fx.nodes.get('tax')!.address) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitForCosignedLatest(fx.coordinator.address, fx.fed.as('auditor-1'), 3, 30_000, fx.coordinator.transparencyLog.store.size);
    const summary = await auditVerify({ coordinator: fx.coordinator.address, transport: fx.fed.as('auditor-1'), stateFile: path.join(fx.dir, 'auditor-full.json'), full: true, trustedRegistrars: [Buffer.from(fx.registrar.publicKey).toString('hex')] });
    expect(summary.ok).toBe(false);
    expect(summary.findings.some((f) => f.code === 'RECORD_MISMATCH' && f.index === 1 && /node tax/.test(f.message))).toBe(true);
  }, 60_000);
});

describe('a coordinator that logs other consent terms than the consent\'s', () => {
  // The auditor judges each use by the terms the query entry carries; a coordinator that logs
  // looser ones (more uses, another consent's hash) is refused by every node, which holds the
  // consent itself. Placed after the audit: the refused entries have no served record.
  for (const [name, lie] of [['a wider maxUses', { consentMaxUses: 1_000_000 }], ['another consent\'s hash', { consentHash: 'ab'.repeat(32) }]] as const) {
    it(`every node refuses an entry with ${name}; no model is evaluated`, async () => {
      const log = fx.coordinator.transparencyLog;
      const append = log.append.bind(log);
      // As the coordinator's own code would: the lie is in the logged entry and in what nodes are sent.
      log.append = async (e) => {
        if (e.kind === 'query') Object.assign(e.body, lie);
        return append(e);
      };
      try {
        const subject = fx.inAll[9]!;
        await fx.register(subject);
        const before = await Promise.all(SITES.map(stats));
        await refused(score(subject, fx.consentText(fx.grant(subject))));
        const after = await Promise.all(SITES.map(stats));
        for (const [i, s] of after.entries()) expect(s.evaluations).toBe(before[i]!.evaluations);
        const logged = (await logEntries()).findLast((e) => e.kind === 'query')!;
        expect(logged.body).toMatchObject(lie);
      } finally {
        log.append = append;
      }
    }, 60_000);
  }
});
