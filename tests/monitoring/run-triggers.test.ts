/**
 * What starts a monitoring run without a call (monitoring/run-service.ts, design 2.1): the
 * schedule (a fire missed while the coordinator was down runs once at start, a portfolio's own
 * schedule over the coordinator's) and the ingest trigger (a site's features epoch moved: the
 * portfolios whose model uses the site run once, after the debounce). A stand-in driver records
 * the runs started; the state is a real LevelDB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoordinatorMonitoring, type RunRecord } from '../../monitoring/coordinator-state.js';
import type { RunDriver } from '../../monitoring/run-driver.js';
import { RunService } from '../../monitoring/run-service.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { until } from '../helpers/wait.js';

let dir: string;
let state: CoordinatorMonitoring;
let started: { requester: string; portfolio: string; trigger: string }[];
let service: RunService | undefined;
/** The test's clock, when it sets one (the stand-in driver stamps runs with it). */
let clock: number | undefined;

/** A run in progress the test holds open (the stand-in driver's `active`), with the months its run entry names. */
let running: { asOf: Record<string, string>; done: Promise<unknown>; end: () => void } | undefined;

const driver = {
  busy: () => running !== undefined,
  active: () => running,
  start: async (r: { requester: string; portfolio: string; trigger: string }) => {
    started.push({ requester: r.requester, portfolio: r.portfolio, trigger: r.trigger });
    const rec = { runId: `run-${started.length}`, ...r, startedMs: clock ?? Date.now(), stage: 'finished', batches: [], pendingSkips: [] } as unknown as RunRecord;
    await state.putRun(rec);
    return rec;
  },
} as unknown as RunDriver;

const models = {
  get: async (v: string) => ({ m1: { sites: [{ site: 'tax' }, { site: 'bank' }] }, m2: { sites: [{ site: 'power' }, { site: 'bank' }] } } as unknown as Record<string, ModelMetadata>)[v],
};

async function portfolio(requester: string, name: string, modelVersion: string, createdMs: number, schedule?: string) {
  await state.portfolios.create({ requester, portfolio: name, modelVersion, sealingKey: '00'.repeat(32), sealingKeySignature: '00'.repeat(64), createdMs, createIndex: 1, ...(schedule ? { schedule } : {}) });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-run-triggers-'));
  state = await CoordinatorMonitoring.open(dir);
  started = [];
  clock = undefined;
  running = undefined;
});

afterEach(async () => {
  service?.close();
  service = undefined;
  await state.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the schedule', () => {
  it('runs a fire missed while the coordinator was down once at start, and not again', async () => {
    const now = Date.UTC(2026, 11, 5, 5, 0);
    clock = now;
    // Created in October: the fires of 1 November and 1 December were missed; one run.
    await portfolio('bank-a', 'sme', 'm1', Date.UTC(2026, 9, 20));
    // Created after the last fire: nothing is due.
    await portfolio('bank-a', 'new', 'm1', Date.UTC(2026, 11, 3));
    // Its own schedule (every day at 04:00) fired today.
    await portfolio('bank-b', 'daily', 'm2', Date.UTC(2026, 11, 3), '0 4 * * *');
    service = new RunService({ state, driver, models, logLine: () => undefined, now: () => now });
    service.startSchedule();
    await until(() => started.length >= 2, 'the due runs');
    await new Promise((r) => setTimeout(r, 200));
    expect(started.sort((a, b) => a.portfolio.localeCompare(b.portfolio))).toEqual([
      { requester: 'bank-b', portfolio: 'daily', trigger: 'schedule' }, { requester: 'bank-a', portfolio: 'sme', trigger: 'schedule' },
    ]);
    // The next check finds the runs: nothing more is due.
    service.close();
    service = new RunService({ state, driver, models, logLine: () => undefined, now: () => now + 60_000 });
    service.startSchedule();
    await new Promise((r) => setTimeout(r, 300));
    expect(started).toHaveLength(2);
  });

  it('refuses a schedule it cannot parse', () => {
    expect(() => new RunService({ state, driver, models, logLine: () => undefined, schedule: '0 25 * * *' })).toThrow();
  });
});

describe('the ingest trigger', () => {
  it('runs the portfolios whose model uses the site, once, after the debounce; the first epoch seen only sets the mark', async () => {
    await portfolio('bank-a', 'tax-model', 'm1', Date.now());
    await portfolio('bank-a', 'power-model', 'm2', Date.now());
    service = new RunService({ state, driver, models, logLine: () => undefined, ingestDebounceMs: 150, schedule: '0 0 1 1 *' });
    service.onFeaturesChanged('power', '3', '2025-12');
    service.onFeaturesChanged('power', '3', '2025-12');
    await new Promise((r) => setTimeout(r, 300));
    expect(started).toEqual([]);
    // Two changes within the debounce: one run.
    service.onFeaturesChanged('power', '4', '2026-01');
    await new Promise((r) => setTimeout(r, 50));
    service.onFeaturesChanged('power', '5', '2026-01');
    await until(() => started.length > 0, 'the ingest run');
    await new Promise((r) => setTimeout(r, 300));
    expect(started).toEqual([{ requester: 'bank-a', portfolio: 'power-model', trigger: 'ingest:power' }]);
  });

  it('a site whose newer month comes while a run reads its older one runs the portfolio again when that run ends; a run that already has the month does not', async () => {
    await portfolio('bank-a', 'power-model', 'm2', Date.now());
    service = new RunService({ state, driver, models, logLine: () => undefined, ingestDebounceMs: 50, schedule: '0 0 1 1 *' });
    const hold = (asOf: Record<string, string>) => {
      let end!: () => void;
      const done = new Promise<void>((r) => { end = r; });
      running = { asOf, done, end: () => { running = undefined; end(); } };
      return running;
    };
    service.onFeaturesChanged('power', '1', '2025-12');
    service.onFeaturesChanged('bank', '1', '2025-12');
    // The run started on power's new month: bank's change that lands meanwhile is a month it did not read.
    const first = hold({ power: '2026-01', bank: '2025-12' });
    service.onFeaturesChanged('bank', '2', '2026-01');
    service.onFeaturesChanged('bank', '3', '2026-01');
    await new Promise((r) => setTimeout(r, 200));
    expect(started).toEqual([]);
    first.end();
    await until(() => started.length > 0, 'the run for bank\'s month');
    expect(started).toEqual([{ requester: 'bank-a', portfolio: 'power-model', trigger: 'ingest:bank' }]);

    // A run that already reads power's newest month: power's debounce firing during it adds nothing.
    const second = hold({ power: '2026-02', bank: '2026-01' });
    service.onFeaturesChanged('power', '2', '2026-02');
    await new Promise((r) => setTimeout(r, 200));
    second.end();
    await new Promise((r) => setTimeout(r, 200));
    expect(started).toHaveLength(1);
  });

  it('does nothing when monitoring.onIngest is false', async () => {
    await portfolio('bank-a', 'power-model', 'm2', Date.now());
    service = new RunService({ state, driver, models, logLine: () => undefined, ingestDebounceMs: 50, onIngest: false });
    service.onFeaturesChanged('power', '1', '2025-12');
    service.onFeaturesChanged('power', '2', '2026-01');
    await new Promise((r) => setTimeout(r, 200));
    expect(started).toEqual([]);
  });
});
