/**
 * The node side of post-loan monitoring over real gRPC (docs/design/monitoring.md 2.2 step 4,
 * 2.3, 2.4, 3.2): three real node processes, a real coordinator whose CoordinatorLog this test
 * writes the monitoring entries into (it plays the run driver), and real NodeMonitoring calls.
 *
 * Checked: items are stored only with a logged add; a batch over the three sites' answers sums
 * to the pooled model's logit; each node's vector minus the masks (recomputed here from the
 * nodes' key files, which only the test can read) is its own term, and nothing else in its
 * answer is a term or a feature value; a repeated (runId, batchSeq) gets identical bytes; a
 * revoked consent's slot is refused at every node with random content; a batch naming an item
 * the node does not hold is refused whole; the v2 served record is in each node's book and
 * verifies; FinishRun deletes the answers (a replay is then REPLAY_UNKNOWN); Health reports
 * the features' epoch and month.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRevocation, revokeConsent, type Consent } from '../../consent/verify.js';
import { consentHash } from '../../consent/terms.js';
import { loadOrCreateX25519KeyPair } from '../../crypto/x25519.js';
import { call } from '../../lib/grpc.js';
import { makeEntry, type LogEntry } from '../../log/entries.js';
import { hashLeaf } from '../../log/merkle.js';
import { batchLeavesHash, verifyServedRecords, type ServedRecordV2 } from '../../log/served-record.js';
import { signInstruction } from '../../monitoring/instruction.js';
import { dataNodeClient, nodeAuditClient, nodeMonitoringClient } from '../../proto/clients.js';
import type { ItemsAck__Output } from '../../proto/gen/fedcredit/v1/ItemsAck.js';
import type { ItemsBatch } from '../../proto/gen/fedcredit/v1/ItemsBatch.js';
import type { RescoreBatch } from '../../proto/gen/fedcredit/v1/RescoreBatch.js';
import type { RescoreBatchResponse__Output } from '../../proto/gen/fedcredit/v1/RescoreBatchResponse.js';
import { signSealingKey } from '../../scoring/protocol.js';
import { decodeFixed, encodeFixed, maskSeed } from '../../scoring/secure-aggregation.js';
import { EXPLANATION_BOX_BYTES, openExplanation } from '../../scoring/sealed-explanation.js';
import { maskedVector, sumVectors } from '../../scoring/vector-aggregation.js';
import { submitConsentRecord } from '../../scoring/requester.js';
import { NodeStore, bytesToFloat64 } from '../../site/store.js';
import { scoringFixture, SITES, type ScoringFixture } from '../scoring/fixture.js';
import type { Site } from '../../schema/site-schema.js';

let fx: ScoringFixture;
const PORTFOLIO = 'sme-loans';
const RUN_ID = `run-${crypto.randomUUID()}`;
const participants = [...SITES].sort();

interface Item { subject: string; consent: Consent; instruction: { text: string; signature: Uint8Array }; addIndex: number }
const items: Item[] = [];
let runIndex = 0;
let firstIndex = 0;
let leafHashes: Uint8Array[] = [];
let asOf: Record<string, string> = {};
const features = new Map<Site, Map<string, Float64Array>>();

/** Sends requests on one duplex stream, ends it, and collects every reply. */
function exchange<Req, Res>(stream: grpc.ClientDuplexStream<Req, Res>, reqs: readonly Req[]): Promise<Res[]> {
  return new Promise((resolve, reject) => {
    const out: Res[] = [];
    stream.on('data', (r: Res) => out.push(r));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
    for (const r of reqs) stream.write(r);
    stream.end();
  });
}

const client = (site: Site) => nodeMonitoringClient(fx.nodes.get(site)!.address, fx.fed.as('coordinator'), site);

async function rescore(site: Site, batch: RescoreBatch): Promise<RescoreBatchResponse__Output> {
  const c = client(site);
  try {
    const [res] = await exchange(c.Rescore(), [batch]);
    return res!;
  } finally {
    c.close();
  }
}

async function append(entries: LogEntry[]): Promise<{ first: number; bytes: Uint8Array[] }> {
  const log = fx.coordinator.transparencyLog;
  const out = await log.appendBatch(entries);
  await log.mintCheckpoint();
  return out;
}

const batch = (over: Partial<RescoreBatch> = {}): RescoreBatch => ({
  runId: RUN_ID, runIndex: String(runIndex), batchSeq: 0, firstIndex: String(firstIndex), count: items.length, entriesFrom: '0', entries: [], checkpoint: '', ...over,
});

/** The site's masks for the batch, from the nodes' own key files (only a test can read them). */
function masksOf(site: Site, count: number): Uint8Array {
  const key = (s: Site) => loadOrCreateX25519KeyPair(path.join(fx.dir, `node-${s}`, 'sealing.key'));
  const mine = key(site);
  return maskedVector(new Float64Array(count), new Set(), site, participants, (peer) => maskSeed(mine.privateKey, key(peer as Site).publicKey), { runIndex, batchSeq: 0, firstIndex, count });
}

const slot = (v: Uint8Array, j: number): bigint => Buffer.from(v.buffer, v.byteOffset, v.byteLength).readBigUInt64BE(8 * j);

beforeAll(async () => {
  fx = await scoringFixture('mnode-rescore');
  const subjects = [...fx.inAll.slice(0, 5), fx.partial[0]!];
  const requesterKey = fx.requesterKeys.identity;
  const adds: LogEntry[] = [];
  for (const [k, subject] of subjects.entries()) {
    await fx.register(subject);
    // The last but one item: score only, so its boxes hold no reasons.
    const consent = fx.grant(subject, { purpose: 'loan-monitoring', operations: k === 4 ? ['score'] : ['score', 'explain'], maxUses: 3 });
    const instruction = signInstruction(requesterKey, consent, { op: 'add', portfolio: PORTFOLIO });
    items.push({ subject, consent, instruction, addIndex: -1 });
    adds.push(makeEntry('portfolio-change', {
      op: 'add', requester: 'bank-a', portfolio: PORTFOLIO, subject, consentId: consent.consentId, consentHash: consentHash(consent),
      consentValidUntil: consent.validUntil, consentMaxUses: consent.maxUses, instruction: Buffer.from(instruction.text).toString('hex'),
      requesterKey: Buffer.from(requesterKey.publicKey).toString('hex'), signature: Buffer.from(instruction.signature).toString('hex'), time: Date.now(),
    }));
  }
  const { first } = await append(adds);
  items.forEach((it, k) => { it.addIndex = first + k; });
  for (const site of SITES) {
    const dn = dataNodeClient(fx.nodes.get(site)!.address, fx.fed.as('coordinator'), site);
    try {
      const health = await call(dn, dn.Health, {});
      asOf[site] = health.asOf;
      expect(Number(health.featuresEpoch), `${site}'s features epoch`).toBeGreaterThan(0);
    } finally {
      dn.close();
    }
  }
}, 180_000);

afterAll(async () => {
  await fx?.stop();
});

describe('NodeMonitoring at a real node', () => {
  it('Health reports the month the features are as of', () => {
    for (const site of SITES) expect(asOf[site]).toMatch(/^\d{4}-\d{2}$/);
  });

  it('StoreItems stores items with a logged add, and refuses one the log does not show', async () => {
    const toStore = (it: Item, addIndex = it.addIndex) => ({
      subject: it.subject, consent: fx.consentText(it.consent), instruction: Buffer.from(it.instruction.text), signature: Buffer.from(it.instruction.signature), addIndex: String(addIndex),
    });
    for (const site of SITES) {
      const c = client(site);
      try {
        // Item 1 under item 0's add entry: the log shows no add of it there.
        const wrong: ItemsBatch = { seq: '1', requester: 'bank-a', portfolio: PORTFOLIO, items: [toStore(items[1]!, items[0]!.addIndex)], entriesFrom: '0', entries: [], checkpoint: '' };
        const right: ItemsBatch = { seq: '2', requester: 'bank-a', portfolio: PORTFOLIO, items: items.slice(0, -1).map((it) => toStore(it)), entriesFrom: '0', entries: [], checkpoint: '' };
        const acks: ItemsAck__Output[] = await exchange(c.StoreItems(), [wrong, right]);
        const bySeq = new Map(acks.map((a) => [a.seq, a]));
        expect(bySeq.get('1')!.items).toEqual([expect.objectContaining({ subject: items[1]!.subject, ok: false, code: 'QUERY_NOT_LOGGED' })]);
        expect(bySeq.get('2')!.items.map((a) => [a.subject, a.ok, a.code])).toEqual(items.slice(0, -1).map((it) => [it.subject, true, '']));
        // A forged instruction signature: refused even with the right add index.
        const forged = { ...toStore(items.at(-1)!), signature: Buffer.alloc(64, 1) };
        const [ack] = await exchange(c.StoreItems(), [{ seq: '3', requester: 'bank-a', portfolio: PORTFOLIO, items: [forged], entriesFrom: '0', entries: [], checkpoint: '' }]);
        expect(ack!.items[0]).toMatchObject({ ok: false, code: 'INSTRUCTION_INVALID' });
      } finally {
        c.close();
      }
    }
  }, 60_000);

  it('a batch of the run sums to the pooled logit; each vector minus its masks is the site\'s term and nothing else leaks', async () => {
    const stored = items.slice(0, -1); // the last item was never stored
    // Item 2's consent is revoked before the run: every node must refuse its slot.
    const revoked = stored[2]!;
    await submitConsentRecord(fx.coordinator.address, fx.fed.as('coordinator-operator'), encodeRevocation(revokeConsent(fx.enterpriseKey(revoked.subject), revoked.consent)));
    const sealingKey = fx.requesterKeys.sealing.publicKey;
    const run = makeEntry('monitoring-run', {
      runId: RUN_ID, requester: 'bank-a', portfolio: PORTFOLIO, model: 'm1', purpose: 'loan-monitoring', participants, asOf,
      trigger: 'manual:test', items: stored.length, sealingKey: Buffer.from(sealingKey).toString('hex'),
      sealingKeySignature: Buffer.from(signSealingKey(fx.requesterKeys.identity, 'bank-a', sealingKey)).toString('hex'), time: Date.now(),
    });
    ({ first: runIndex } = await append([run]));
    const rescores = stored.map((it) => makeEntry('rescore', { run: runIndex, requester: 'bank-a', subject: it.subject, consentId: it.consent.consentId, consentHash: consentHash(it.consent), sites: participants, time: Date.now() }));
    const appended = await append(rescores);
    firstIndex = appended.first;
    leafHashes = appended.bytes.map((b) => hashLeaf(b));
    items.splice(0, items.length, ...stored);
    const count = items.length;

    const answers = new Map<Site, RescoreBatchResponse__Output>();
    await Promise.all(SITES.map(async (site) => answers.set(site, await rescore(site, batch()))));
    for (const [site, a] of answers) {
      expect(a.failure, `${site}: ${a.failure?.message}`).toBeNull();
      expect(a.shares.length).toBe(8 * count);
      expect(a.sealedExplanations.length).toBe(count * EXPLANATION_BOX_BYTES);
      expect(a.siteKeyStatement.length).toBeGreaterThan(0);
      expect(a.refused).toEqual([{ offset: 2, code: 'CONSENT_REVOKED' }]);
    }
    const sums = sumVectors(SITES.map((s) => answers.get(s)!.shares));
    items.forEach((it, j) => {
      if (j === 2) {
        // Random at every node: neither the joint logit nor any two sites' joint term.
        const v = decodeFixed(sums[j]!);
        expect(Math.abs(v - fx.pooled.logit(it.subject))).toBeGreaterThan(1);
        return;
      }
      expect(decodeFixed(sums[j]!)).toBeCloseTo(fx.pooled.logit(it.subject), 6);
    });

    // Per site: minus the masks, each slot is the site's own term (the revoked one is not).
    for (const site of SITES) {
      const a = answers.get(site)!;
      const masks = masksOf(site, count);
      items.forEach((it, j) => {
        const term = decodeFixed(BigInt.asUintN(64, slot(a.shares, j) - slot(masks, j)));
        if (j === 2) expect(Math.abs(term - fx.pooled.partial(site, it.subject))).toBeGreaterThan(1e-3);
        else expect(term).toBeCloseTo(fx.pooled.partial(site, it.subject), 6);
        // The covered bit: set where the site holds the enterprise's records.
        const bit = (a.covered[j >> 3]! >> (j & 7)) & 1;
        if (j !== 2 && fx.inAll.includes(it.subject)) expect(bit).toBe(1);
      });
    }

    // The boxes open for the bank, bound to the rescore id; the score-only consent's box holds no reasons.
    const statementKey = (site: Site) => loadOrCreateX25519KeyPair(path.join(fx.dir, `node-${site}`, 'sealing.key')).publicKey;
    for (const site of SITES) {
      const boxes = answers.get(site)!.sealedExplanations;
      for (const j of [0, 4]) {
        const box = boxes.subarray(j * EXPLANATION_BOX_BYTES, (j + 1) * EXPLANATION_BOX_BYTES);
        const e = openExplanation(fx.requesterKeys.sealing.privateKey, box, site, 'bank-a', firstIndex + j, `${RUN_ID}:${items[j]!.subject}`, statementKey(site));
        expect(e.site).toBe(site);
        if (j === 4) expect(e.reasons).toEqual([]);
        else expect(e.reasons.length).toBeGreaterThan(0);
      }
    }

    // Privacy: no site's term in the clear, and no feature value, anywhere in its answer.
    await readFeatures();
    for (const site of SITES) {
      const a = answers.get(site)!;
      const wire = Buffer.concat([a.shares, a.covered, a.sealedExplanations]);
      for (const it of items) {
        const term = Buffer.alloc(8);
        term.writeBigUInt64BE(encodeFixed(fx.pooled.partial(site, it.subject)));
        expect(wire.includes(term), `${site}'s term of ${it.subject} in the clear`).toBe(false);
        for (const x of features.get(site)!.get(it.subject) ?? []) {
          if (!Number.isFinite(x) || x === 0) continue;
          const le = Buffer.alloc(8);
          le.writeDoubleLE(x);
          expect(wire.includes(le), `a feature value of ${it.subject} at ${site}`).toBe(false);
        }
      }
    }
  }, 120_000);

  it('a repeated (runId, batchSeq) gets the stored answer byte for byte', async () => {
    for (const site of SITES) {
      const again = await Promise.all([rescore(site, batch()), rescore(site, batch())]);
      const first = await rescore(site, batch());
      for (const a of again) {
        expect(Buffer.compare(a.shares, first.shares)).toBe(0);
        expect(Buffer.compare(a.sealedExplanations, first.sealedExplanations)).toBe(0);
        expect(Buffer.compare(a.covered, first.covered)).toBe(0);
        expect(a.refused).toEqual(first.refused);
      }
      // The same batch number over other entries is never answered.
      const other = await rescore(site, batch({ count: 2 }));
      expect(other.failure?.code).toBe('BAD_REQUEST');
    }
  }, 60_000);

  it('a batch naming an item the node does not hold, or entries that are not the run\'s rescores, is refused whole', async () => {
    const notStored = makeEntry('rescore', { run: runIndex, requester: 'bank-a', subject: fx.inAll[10]!, consentId: items[0]!.consent.consentId, consentHash: consentHash(items[0]!.consent), sites: participants, time: Date.now() });
    const { first } = await append([notStored]);
    for (const site of SITES) {
      const a = await rescore(site, batch({ batchSeq: 1, firstIndex: String(first), count: 1 }));
      expect(a.failure?.code).toBe('QUERY_NOT_LOGGED');
      expect(a.shares.length).toBe(0);
      // An add entry in place of the run entry.
      const b = await rescore(site, batch({ batchSeq: 2, runIndex: String(items[0]!.addIndex), count: 1 }));
      expect(b.failure?.code).toBe('QUERY_NOT_LOGGED');
    }
  }, 60_000);

  it('an item removed before a run\'s entry is not re-scored in that run', async () => {
    const it0 = items[1]!;
    const remove = signInstruction(fx.requesterKeys.identity, it0.consent, { op: 'remove', portfolio: PORTFOLIO });
    const runId = `${RUN_ID}-2`;
    const sealingKey = fx.requesterKeys.sealing.publicKey;
    const { first } = await append([
      makeEntry('portfolio-change', {
        op: 'remove', requester: 'bank-a', portfolio: PORTFOLIO, subject: it0.subject, consentId: it0.consent.consentId, consentHash: consentHash(it0.consent),
        instruction: Buffer.from(remove.text).toString('hex'), requesterKey: Buffer.from(fx.requesterKeys.identity.publicKey).toString('hex'),
        signature: Buffer.from(remove.signature).toString('hex'), time: Date.now(),
      }),
      makeEntry('monitoring-run', {
        runId, requester: 'bank-a', portfolio: PORTFOLIO, model: 'm1', purpose: 'loan-monitoring', participants, asOf, trigger: 'manual:test', items: 1,
        sealingKey: Buffer.from(sealingKey).toString('hex'), sealingKeySignature: Buffer.from(signSealingKey(fx.requesterKeys.identity, 'bank-a', sealingKey)).toString('hex'), time: Date.now(),
      }),
    ]);
    const run2 = first + 1;
    const { first: rescoreIndex } = await append([makeEntry('rescore', { run: run2, requester: 'bank-a', subject: it0.subject, consentId: it0.consent.consentId, consentHash: consentHash(it0.consent), sites: participants, time: Date.now() })]);
    for (const site of SITES) {
      const a = await rescore(site, { runId, runIndex: String(run2), batchSeq: 0, firstIndex: String(rescoreIndex), count: 1, entriesFrom: '0', entries: [], checkpoint: '' });
      expect(a.failure?.code).toBe('QUERY_NOT_LOGGED');
      expect(a.failure?.message).toMatch(/removed before the run's entry/);
    }
  }, 60_000);

  it('each node holds one v2 served record of the batch, which verifies against the log\'s leaves', async () => {
    for (const site of SITES) {
      const audit = nodeAuditClient(fx.nodes.get(site)!.address, fx.fed.as('auditor-1'), site);
      try {
        const res = await call(audit, audit.GetServedRecords, { from: 0 });
        const check = verifyServedRecords(site, new Uint8Array(res.identityPublicKey), res.records.map((r) => ({ record: new Uint8Array(r.record), signature: new Uint8Array(r.signature) })));
        expect(check.problems).toEqual([]);
        const v2 = check.records.filter((r): r is ServedRecordV2 => r.v === 2);
        expect(v2).toHaveLength(1); // replays record nothing new
        expect(v2[0]).toMatchObject({ what: 'rescore-batch', requester: 'bank-a', logIndex: firstIndex, count: items.length, leavesHash: batchLeavesHash(leafHashes), refused: [[2, 'CONSENT_REVOKED']] });
      } finally {
        audit.close();
      }
    }
  }, 60_000);

  it('FinishRun answers the site\'s drift figures and deletes the answers: a replay is then REPLAY_UNKNOWN', async () => {
    for (const site of SITES) {
      const c = client(site);
      try {
        const res = await call(c, c.FinishRun, { runId: RUN_ID });
        // Four enterprises held by every site were scored (the revoked one not): too few for a CSI.
        expect(res).toMatchObject({ site, covered: 4, sharePolicy: 'per-feature', insufficient: true, features: [] });
      } finally {
        c.close();
      }
      // The node's own operator reads the figures; the coordinator may not.
      const op = nodeMonitoringClient(fx.nodes.get(site)!.address, fx.fed.as(`${site}-operator`), site);
      try {
        const status = await call(op, op.GetDriftStatus, {});
        expect(status.models).toEqual([expect.objectContaining({ modelVersion: 'm1', runId: RUN_ID, covered: 4, insufficient: true })]);
      } finally {
        op.close();
      }
      const coord = client(site);
      try {
        await expect(call(coord, coord.GetDriftStatus, {})).rejects.toThrow(/PERMISSION_DENIED|not allowed|operator/i);
      } finally {
        coord.close();
      }
      const again = await rescore(site, batch());
      expect(again.failure?.code).toBe('REPLAY_UNKNOWN');
    }
  }, 60_000);
});

/**
 * Every site's stored feature vectors of the items. The node process holds its store open, so
 * the test reads a copy of it (LevelDB's files as they are on disk).
 */
async function readFeatures(): Promise<void> {
  for (const site of SITES) {
    const copy = path.join(fx.dir, `copy-${site}`);
    fs.cpSync(path.join(fx.dir, `node-${site}`, 'store'), path.join(copy, 'store'), { recursive: true });
    const store = await NodeStore.open(copy, site);
    try {
      const m = new Map<string, Float64Array>();
      for (const it of items) {
        const v = await store.features.get(it.subject);
        if (v !== undefined) m.set(it.subject, bytesToFloat64(v));
      }
      features.set(site, m);
    } finally {
      await store.close();
    }
  }
}
