/**
 * Monitoring runs over real node processes (the coordinator in this process,
 * tests/monitoring/fixture.ts): bank-a's portfolio of consented firms, run 1 (the baseline),
 * then a revoked consent, an expired one and new features for some firms at the power site,
 * and run 2 (started by the ingest trigger) during which the coordinator stops after a batch's
 * answers are in and before its `done` write, and resumes at its next start.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../lib/grpc.js';
import { decodeEntry, type LogEntry } from '../../log/entries.js';
import { encodeRevocation, revokeConsent, type Consent } from '../../consent/verify.js';
import { submitConsentRecord } from '../../scoring/requester.js';
import { gradeOf, pointsFromLogit, warningOf } from '../../scoring/score-scale.js';
import { NodeStore, bytesToFloat64, float64ToBytes } from '../../site/store.js';
import { getSiteModel } from '../../site/model-store.js';
import type { CoordinatorMonitoringOptions } from '../../coordinator/monitoring.js';
import type { MonitoringEvent } from '../../monitoring/events.js';
import type { RunRecord } from '../../monitoring/coordinator-state.js';
import { MODEL } from '../scoring/fixture.js';
import { until } from '../helpers/wait.js';
import { monitoringFixture, type MonitoringFixture } from './fixture.js';

const PORTFOLIO = 'sme-loans';
const BATCH = 16;
let mf: MonitoringFixture;
let subjects: string[];
const consents = new Map<string, Consent>();
let revoked: string;
let expiring: string;
let changed: string[];
let crashed: { runId: string; points: ReadonlyMap<string, number> } | undefined;
let crashOnce = false;

function options(): CoordinatorMonitoringOptions {
  return {
    batchSize: BATCH, ingestDebounceMs: 1_000, onIngest: true,
    beforeDone: async (b) => {
      if (!crashOnce || b.batchSeq !== 0) return;
      crashOnce = false;
      crashed = { runId: b.runId, points: b.points };
      const driver = mf.fx.coordinator.monitoring.driver;
      restarting = mf.fx.restartCoordinator({ monitoring: options() });
      await until(() => driver.closed, 'the driver to close');
    },
  };
}
let restarting: Promise<void> | undefined;

async function logEntries(): Promise<{ index: number; entry: LogEntry }[]> {
  const store = mf.fx.coordinator.transparencyLog.store;
  const all = await store.entries(0, store.size);
  return all.flatMap((b, index) => {
    const d = decodeEntry(b);
    return d.ok ? [{ index, entry: d.entry }] : [];
  });
}

async function events(): Promise<MonitoringEvent[]> {
  const out: MonitoringEvent[] = [];
  for await (const e of mf.fx.coordinator.monitoring.state.events.readAfter({ requester: 'bank-a', portfolio: PORTFOLIO }, 0n)) out.push(e);
  return out;
}

async function finished(runId: string): Promise<RunRecord> {
  return until(async () => {
    const r = await mf.fx.coordinator.monitoring.state.run(runId);
    return r?.stage === 'finished' ? r : undefined;
  }, `run ${runId} to finish`, { timeoutMs: 120_000 });
}

beforeAll(async () => {
  mf = await monitoringFixture('mon-run', options());
  const { fx } = mf;
  subjects = [...fx.inAll.slice(0, 36), ...fx.partial.slice(0, 4)].sort();
  revoked = fx.inAll[1]!;
  expiring = fx.inAll[2]!;
  changed = fx.inAll.slice(5, 9);
  for (const s of subjects) consents.set(s, await mf.consent(s, s === expiring ? { validUntilMs: Date.now() + 40_000 } : {}));
  await mf.createPortfolio(PORTFOLIO);
  await mf.asOfKnown();
}, 240_000);

afterAll(async () => {
  await restarting;
  await mf?.stop();
});

describe('a portfolio', () => {
  it('takes the consented firms, each logged in one batch and stored at every node', async () => {
    const results = await mf.add(PORTFOLIO, subjects.map((s) => consents.get(s)!));
    expect(results.filter((r) => !r.ok), JSON.stringify(results.filter((r) => !r.ok))).toEqual([]);
    const indexes = results.map((r) => Number(r.logIndex));
    expect(indexes).toEqual(indexes.map((_, i) => indexes[0]! + i));
    // Added twice: refused per item, nothing logged.
    const again = await mf.add(PORTFOLIO, [consents.get(subjects[0]!)!]);
    expect(again[0]).toMatchObject({ ok: false, code: 'PORTFOLIO_ITEM_EXISTS' });
  });
});

describe('run 1: the baseline', () => {
  let runId: string;
  it('scores every item as the pooled model does, in one append per batch, and pushes no change', async () => {
    const log = mf.fx.coordinator.transparencyLog;
    const appendBatch = log.appendBatch.bind(log);
    const calls: string[][] = [];
    log.appendBatch = async (entries) => {
      calls.push(entries.map((e) => e.kind));
      return appendBatch(entries);
    };
    let progress;
    try {
      progress = await mf.startRun(PORTFOLIO);
    } finally {
      log.appendBatch = appendBatch;
    }
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ stage: 'finished', scored: subjects.length, skipped: 0, changed: 0 });
    runId = last.runId;
    const batches = Math.ceil(subjects.length / BATCH);
    // One append (one fsync) per batch, holding all its rescore entries, and one for the run's end.
    expect(calls).toHaveLength(batches + 1);
    expect(calls.slice(0, batches).map((c) => c.filter((k) => k === 'rescore').length)).toEqual([...Array(batches).keys()].map((i) => Math.min(BATCH, subjects.length - i * BATCH)));
    expect(calls.at(-1)).toEqual(['monitoring-run-end']);

    const c = mf.client();
    const page = await call(c, c.ListPortfolio, { portfolio: PORTFOLIO, pageToken: '', pageSize: 0, warning: '', status: '' });
    expect(page.items).toHaveLength(subjects.length);
    for (const item of page.items) {
      expect(item.last, item.subject).toBeTruthy();
      expect(item.last!.points, item.subject).toBe(pointsFromLogit(mf.fx.pooled.logit(item.subject)));
      expect(item.status).toBe('active');
      expect(item.usesLeft).toBe(11);
    }
    const evs = await events();
    expect(evs.map((e) => e.kind)).toEqual(['run-finished']);
    const entries = await logEntries();
    expect(entries.filter((e) => e.entry.kind === 'rescore')).toHaveLength(subjects.length);
    expect(entries.filter((e) => e.entry.kind === 'monitoring-run')).toHaveLength(1);
    expect(entries.filter((e) => e.entry.kind === 'monitoring-run-end')).toHaveLength(1);
  }, 120_000);

  it('has a report and a summary', async () => {
    const c = mf.client();
    const report = await call(c, c.GetRunReport, { runId });
    expect(report).toMatchObject({ runId, portfolio: PORTFOLIO, scored: subjects.length, changed: 0 });
    expect(report.psi?.insufficient).toBe(true);
    const runs = await call(c, c.ListRuns, { portfolio: PORTFOLIO, modelVersion: '', limit: 0 });
    expect(runs.runs.map((r) => r.runId)).toEqual([runId]);
  });
});

describe('run 2: a revoked consent, an expired one, new features at a site', () => {
  it('skips the revoked and expired firms, pushes each change once, and survives a coordinator stop mid-batch', async () => {
    const { fx } = mf;
    await submitConsentRecord(fx.coordinator.address, fx.fed.as('coordinator-operator'), encodeRevocation(revokeConsent(fx.enterpriseKey(revoked), consents.get(revoked)!)));
    await until(() => Date.now() > consents.get(expiring)!.validUntil, 'the expiring consent to expire', { timeoutMs: 60_000, intervalMs: 200 });

    // The power site's features change for some firms (stopped, written, restarted): much riskier.
    const power = fx.nodes.get('power')!;
    await power.stop();
    const store = await NodeStore.open(path.join(fx.dir, 'node-power'), 'power');
    const expected = new Map<string, number>();
    try {
      const part = (await getSiteModel(store, MODEL))!;
      for (const s of changed) {
        const v = bytesToFloat64((await store.features.get(s))!);
        let term = part.intercept ?? 0;
        part.featureIndexes.forEach((i, f) => {
          const std = part.std[f]! > 0 ? part.std[f]! : 1;
          v[i] = part.mean[f]! + Math.sign(part.weights[f]!) * 6 * std;
          term += part.weights[f]! * (v[i]! - part.mean[f]!) / std;
        });
        await store.features.put(s, float64ToBytes(v));
        expected.set(s, pointsFromLogit(fx.pooled.logit(s) - fx.pooled.partial('power', s) + term));
      }
      const meta = await store.getMeta();
      await store.meta.put('featuresEpoch', (meta.featuresEpoch ?? 0) + 1);
    } finally {
      await store.close();
    }
    crashOnce = true;
    fx.nodes.set('power', await fx.startNode('power'));

    // The ingest trigger starts run 2 (debounce 1 s); the coordinator stops in its first batch.
    await until(() => crashed, 'run 2 to reach its first done write', { timeoutMs: 120_000 });
    await restarting;
    const rec = await finished(crashed!.runId);
    expect(rec.trigger).toBe('ingest:power');

    const items = new Map<string, number>();
    for (const s of subjects) {
      const item = await fx.coordinator.monitoring.state.portfolios.item('bank-a', PORTFOLIO, s);
      if (item?.last?.runId === rec.runId) items.set(s, item.last.points);
    }
    // The resumed batch came out as the stopped one had computed it (the nodes replayed their answers).
    for (const [s, p] of crashed!.points) expect(items.get(s), s).toBe(p);
    for (const s of subjects.filter((x) => x !== revoked && x !== expiring)) {
      expect(items.get(s), s).toBe(expected.get(s) ?? pointsFromLogit(fx.pooled.logit(s)));
    }

    const entries = await logEntries();
    const run = entries.find((e) => e.entry.kind === 'monitoring-run' && e.entry.body['runId'] === rec.runId)!;
    const skips = entries.filter((e) => e.entry.kind === 'rescore-skip' && e.entry.body['run'] === run.index).map((e) => e.entry.body);
    expect(skips.map((b) => [b['subject'], b['reason'], b['refusedBy']]).sort()).toEqual(
      [[expiring, 'CONSENT_EXPIRED', 'coordinator'], [revoked, 'CONSENT_REVOKED', 'coordinator']].sort());

    const evs = (await events()).filter((e) => e.runId === rec.runId);
    const ids = (await events()).map((e) => Number(e.eventId));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const skipEvents = evs.filter((e) => e.kind === 'skip').map((e) => [e.subject, e.skipCode]).sort();
    expect(skipEvents).toEqual([[expiring, 'CONSENT_EXPIRED'], [revoked, 'CONSENT_REVOKED']].sort());
    const wantChanged = changed.filter((s) => gradeOrWarningDiffers(pointsFromLogit(fx.pooled.logit(s)), expected.get(s)!));
    const changeEvents = evs.filter((e) => e.kind === 'change');
    expect(changeEvents.map((e) => e.subject).sort()).toEqual(wantChanged.sort());
    expect(wantChanged.length).toBeGreaterThan(0);
    for (const e of changeEvents) {
      expect(e.direction).toBe('worse');
      expect(e.sites).toHaveLength(3);
      expect(e.answerSignature?.length).toBe(64);
    }
    expect(evs.filter((e) => e.kind === 'run-finished')).toHaveLength(1);
    // No other change: the resumed batch wrote its events once.
    expect(evs).toHaveLength(skipEvents.length + changeEvents.length + 1);
  }, 300_000);
});

/** Whether two point values differ in grade or warning level. */
function gradeOrWarningDiffers(a: number, b: number): boolean {
  return gradeOf(a) !== gradeOf(b) || warningOf(a) !== warningOf(b);
}
