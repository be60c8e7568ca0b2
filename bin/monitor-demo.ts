/**
 * `fedcredit demo --monitor` (issue 21, docs/design/monitoring.md section 6): post-loan
 * monitoring on the demo's own federation, after its other steps, so a reader sees warnings
 * change and drift measured on data that really moved. bin/demo.ts calls `runMonitoringDemo`
 * with the running parties; it lives here because it wires several protocols and a node's
 * ingest (bin/ may import anything, role folders may not import each other).
 *
 * bank-a, with the demo's LR model (its report v3 carries the score deciles, each node's model
 * part its feature deciles):
 *  1. enterprises it lent to (up to 1,000, at least 500 where the federation has them, so drift
 *     is computed) register their keys with the demo's registrar and grant it `loan-monitoring`
 *     consents; it creates a portfolio and adds them under its signed instructions;
 *  2. it watches the portfolio (monitoring/requester.ts WatchSession) into an events file, and
 *     starts month 1's run by hand: the baseline, silent;
 *  3. `sim month` writes month 2 (default deterioration) and the tax and power nodes ingest it
 *     through their running processes; the coordinator's ingest trigger (debounce shortened by
 *     bin/demo.ts to MONITOR_INGEST_DEBOUNCE_MS) re-scores the portfolio;
 *  4. it prints the warnings that changed (worse and better, by level; a few example lines with
 *     credit codes only: no feature value), skips, the run report's PSI and each site's CSI,
 *     and an incremental `audit verify` over the monitoring entries.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { generateIdentity, type Identity } from '../crypto/identity.js';
import { bindEnterpriseKey, encodeConsent, encodeKeyBinding, grantConsent, type Consent } from '../consent/verify.js';
import { featureDataWindow } from '../features/index.js';
import { call } from '../lib/grpc.js';
import { FedcreditError } from '../lib/errors.js';
import { partyTransport, type Transport } from '../lib/tls.js';
import { auditVerify, type AuditSummary } from '../log/audit/verify.js';
import { LogReader, waitForCosignedLatest } from '../log/client.js';
import { signInstruction } from '../monitoring/instruction.js';
import { WatchSession, type WatchedEvent } from '../monitoring/requester.js';
import { uploadFile } from '../node/upload.js';
import { monitoringClient } from '../proto/clients.js';
import type { MonitoringClient } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { MonitoringRunReport__Output } from '../proto/gen/fedcredit/v1/MonitoringRunReport.js';
import type { RunProgress__Output } from '../proto/gen/fedcredit/v1/RunProgress.js';
import { formatPeriod, parsePeriod, RECORD_KINDS, SITES, type Site } from '../schema/site-schema.js';
import { signSealingKey } from '../scoring/protocol.js';
import { submitConsentRecord } from '../scoring/requester.js';
import { loadRequesterKeys } from '../scoring/requester-keys.js';
import { nextMonth } from '../sim/next-month.js';
import { readGroundTruth, readManifest } from '../sim/read.js';

/** The coordinator's `monitoring.ingestDebounceMs` under --monitor (default 10 min: too long for a demo). */
export const MONITOR_INGEST_DEBOUNCE_MS = 5_000;
/** The coordinator polls every node's health this often (coordinator/server.ts HEALTH_POLL_MS). */
const HEALTH_POLL_MS = 3_000;
const MAX_ITEMS = 1_000;
/** After the trigger's time, how long without an ingest run before the operator starts one. */
const NO_TRIGGER_GRACE_MS = 30_000;
const PORTFOLIO = 'demo-loans';
const DAY = 86_400_000;
const MONITORING_KINDS = ['portfolio-change', 'monitoring-run', 'rescore', 'rescore-skip', 'monitoring-run-end'];
const WARNING_ORDER = ['none', 'blue', 'yellow', 'red'];

export interface MonitoringDemoResult {
  readonly skipped?: string;
  readonly portfolio?: string;
  readonly model?: string;
  readonly items?: number;
  readonly eventsFile?: string;
  readonly baseline?: { runId: string; scored: number; skipped: number; changed: number; psi: RunDrift['psi'] };
  readonly month2?: { month: string; deteriorated: number; ingested: { site: string; file: string; rows: number }[] };
  readonly runs?: { runId: string; trigger: string; asOf: Record<string, string>; scored: number; skipped: number; changed: number; drift: RunDrift }[];
  /** Change events after the baseline: worse and better, each warning transition counted. */
  readonly changes?: { total: number; worse: number; better: number; warnings: { from: string; to: string; direction: string; count: number }[]; gradeOnly: number; worseAmongDeteriorated: number };
  readonly examples?: string[];
  readonly skips?: Record<string, number>;
  readonly audit?: { ok: boolean; newEntries: number; monitoringEntries: Record<string, number>; pendingRecords: number; findings: { code: string; message: string }[] };
  readonly seconds?: number;
}

interface RunDrift {
  psi: { value: number; level: string; insufficient: boolean; note: string };
  csi: { site: string; covered: number; state: string; max?: { feature: string; csi: number; level: string }; levels: Record<string, number> }[];
}

export interface MonitoringDemoOptions {
  out: string; federation: string; coordinator: string; nodes: ReadonlyMap<Site, string>; registrar: Identity;
  sitesDir: string; auditorState: string; trustedRegistrars: string[]; model: string;
  /** Enterprises the demo used already (the scoring demo's, whose consent it revoked). */
  exclude: readonly string[];
  say: (line: string) => void;
}

export async function runMonitoringDemo(o: MonitoringDemoOptions): Promise<MonitoringDemoResult> {
  const { say } = o;
  const started = performance.now();
  const operator = partyTransport(o.federation, 'coordinator-operator');
  const bank = partyTransport(o.federation, 'bank-a');
  const keys = loadRequesterKeys(path.join(o.out, 'bank-a-keys'));
  const requester = { name: 'bank-a', key: Buffer.from(keys.identity.publicKey).toString('hex') };
  // The bank's borrowers: firms it holds, those at every site first (they have the most to watch).
  const excluded = new Set(o.exclude);
  const borrowers = readGroundTruth(o.sitesDir).filter((r) => r.inBank && (r.inTax || r.inPower) && !excluded.has(r.creditCode))
    .sort((a, b) => Number(b.inTax && b.inPower) - Number(a.inTax && a.inPower)).slice(0, MAX_ITEMS).map((r) => r.creditCode);
  if (borrowers.length === 0) return { skipped: 'the bank holds no enterprise another site holds too' };
  say(`  post-loan monitoring (--monitor): bank-a watches ${borrowers.length} of its borrowers with model ${o.model}` +
    `${borrowers.length < 500 ? ' (under 500: drift will be reported as insufficient; run with more --enterprises)' : ''}`);

  // The months the sites' features read in month 1 and month 2: what the consents cover.
  const observation = parsePeriod(readManifest(o.sitesDir).observation);
  const windows = SITES.flatMap((s) => [featureDataWindow(s, formatPeriod(observation)), featureDataWindow(s, formatPeriod(observation + 1))]);
  const dataWindow = { from: windows.map((w) => w.from).sort()[0]!, to: windows.map((w) => w.to).sort().at(-1)! };
  const consents: Consent[] = [];
  for (let i = 0; i < borrowers.length; i += 50) {
    await Promise.all(borrowers.slice(i, i + 50).map(async (subject) => {
      const enterprise = generateIdentity();
      await submitConsentRecord(o.coordinator, operator, encodeKeyBinding(bindEnterpriseKey(o.registrar, subject, enterprise.publicKey)));
      consents.push(grantConsent(enterprise, { subject, requester, dataHolders: [...SITES], purpose: 'loan-monitoring', operations: ['score', 'explain'], dataWindow, validForMs: 365 * DAY, maxUses: 12 }));
    }));
  }
  say(`    ${consents.length} enterprises registered their keys and granted bank-a loan-monitoring consents (12 months, a year)`);

  const client = monitoringClient(o.coordinator, bank);
  const abort = new AbortController();
  let watching: Promise<void> | undefined;
  try {
    await call(client, client.CreatePortfolio, {
      portfolio: PORTFOLIO, modelVersion: o.model, sealingKey: Buffer.from(keys.sealing.publicKey),
      sealingKeySignature: Buffer.from(signSealingKey(keys.identity, 'bank-a', keys.sealing.publicKey)), schedule: '',
    });
    let added = 0;
    const refused = new Map<string, number>();
    for (let i = 0; i < consents.length; i += MAX_ITEMS) {
      const res = await call(client, client.UpdatePortfolio, {
        portfolio: PORTFOLIO, removes: [],
        adds: consents.slice(i, i + MAX_ITEMS).map((k) => {
          const s = signInstruction(keys.identity, k, { op: 'add', portfolio: PORTFOLIO });
          return { consent: encodeConsent(k), instruction: Buffer.from(s.text), signature: Buffer.from(s.signature) };
        }),
      }, 120_000);
      for (const r of res.results) {
        if (r.ok) added++;
        else refused.set(r.code, (refused.get(r.code) ?? 0) + 1);
      }
    }
    say(`    portfolio ${PORTFOLIO} created; ${added} added under bank-a's signed instructions${refused.size ? `, refused: ${[...refused].map(([c, n]) => `${n} ${c}`).join(', ')}` : ''}`);

    // The bank's watcher, from the first event on, into its events file (appended and fsynced, then acked).
    const eventsFile = path.join(o.out, 'monitoring-events.jsonl');
    const events: WatchedEvent[] = [];
    const session = new WatchSession({
      coordinator: o.coordinator, transport: bank, keys, portfolio: PORTFOLIO, out: eventsFile, signal: abort.signal,
      onEvent: (e) => events.push(e), onNotice: (line) => say(`    ${line}`),
    });
    const watcher = session.run();
    watching = watcher;
    // Handled here and awaited below: a watcher that ends early fails the waits, never the process.
    watcher.catch(() => undefined);
    const runFinished = (runId: string) => waitFor(() => events.some((e) => e.kind === 'run-finished' && (e as { runId?: string }).runId === runId), `the run-finished event of run ${runId}`, 60_000, watcher);

    // Month 1: the baseline, by hand. Silent: a first score is no change.
    const baseline = await startRun(client, PORTFOLIO, 'demo: month 1 baseline', say);
    await runFinished(baseline.runId);
    const baseReport = await call(client, client.GetRunReport, { runId: baseline.runId });
    say(`    month 1 (baseline) run ${baseline.runId}: ${baseline.scored} scored, ${baseline.skipped} skipped in ${baseline.elapsedSeconds.toFixed(1)} s; ${psiText(drift(baseReport).psi)}`);

    // Month 2: deterioration at tax and power, ingested by the running nodes.
    const month = nextMonth({ from: o.sitesDir, outDir: path.join(o.out, 'sites-month2') });
    say(`    sim month: month ${month.month} written, ${month.deteriorated} firms deteriorate (power use and declared revenue fall, tax arrears appear)`);
    const ingested = await Promise.all((['tax', 'power'] as const).map(async (site) => {
      const kind = site === 'tax' ? 'vat_filing' : 'power_bill';
      const file = path.join(o.out, 'sites-month2', site, RECORD_KINDS[kind].fileName);
      const report = await uploadFile(o.nodes.get(site)!, partyTransport(o.federation, `${site}-operator`), file, { kind }, site);
      say(`    ${site}: month ${month.month}'s ${RECORD_KINDS[kind].fileName} ${report.rows} rows ingested, features rebuilt`);
      return { site, file: RECORD_KINDS[kind].fileName, rows: Number(report.rows) };
    }));
    const ingestedAt = Date.now();
    say(`    waiting for the coordinator's ingest trigger (health poll every ${HEALTH_POLL_MS / 1000} s, debounce ${MONITOR_INGEST_DEBOUNCE_MS / 1000} s)...`);
    // Every trigger the ingests cause has fired by then; wait for the runs it started to end.
    let ingestRuns: { runId: string; trigger: string; stage: string }[] = [];
    const settledAt = ingestedAt + 2 * HEALTH_POLL_MS + MONITOR_INGEST_DEBOUNCE_MS + 1_000;
    await waitFor(async () => {
      const { runs } = await call(client, client.ListRuns, { portfolio: PORTFOLIO, modelVersion: '', limit: 100 });
      ingestRuns = runs.filter((r) => r.trigger.startsWith('ingest:'));
      const ended = runs.every((r) => r.stage === 'finished' || r.stage === 'failed');
      return Date.now() > settledAt && ended && (ingestRuns.length > 0 || Date.now() > settledAt + NO_TRIGGER_GRACE_MS);
    }, 'the ingest-triggered runs to end', 600_000, watcher);
    if (ingestRuns.length === 0) {
      // A trigger refused (a site missed a health poll on a loaded machine): the coordinator's log says why. Its operator starts the run.
      say(`    the ingest trigger started no run (the coordinator's log says why); the coordinator's operator starts month ${month.month}'s run`);
      const opClient = monitoringClient(o.coordinator, operator);
      try {
        const run = await startRun(opClient, `bank-a/${PORTFOLIO}`, `demo: month ${month.month} ingested`, say);
        ingestRuns = [{ runId: run.runId, trigger: 'manual:operator', stage: run.stage }];
      } finally {
        opClient.close();
      }
    }
    const runs: NonNullable<MonitoringDemoResult['runs']> = [];
    for (const r of [...ingestRuns].reverse()) {
      if (r.stage !== 'finished') throw new FedcreditError('INTERNAL', `the ${r.trigger} run ${r.runId} failed; see the coordinator's log in ${o.out}`);
      await runFinished(r.runId);
      const rep = await call(client, client.GetRunReport, { runId: r.runId });
      runs.push({ runId: r.runId, trigger: r.trigger, asOf: { ...rep.asOf }, scored: rep.scored, skipped: rep.skipped.reduce((n, s) => n + Number(s.count), 0), changed: rep.changed, drift: drift(rep) });
      const d = runs.at(-1)!;
      say(`    ${r.trigger} run ${r.runId} (as of ${Object.entries(d.asOf).map(([s, m]) => `${s} ${m}`).join(', ')}): ${d.scored} scored, ${d.skipped} skipped, ${d.changed} changed`);
      say(`      ${psiText(d.drift.psi)}; CSI ${d.drift.csi.map(csiText).join('; ')}`);
    }
    abort.abort();
    await watcher;

    const after = events.filter((e) => runs.some((r) => r.runId === (e as { runId?: string }).runId));
    const result = summarizeChanges(after, truthOf(path.join(o.out, 'sites-month2', 'monitoring_truth.csv')));
    const c = result.changes;
    say(`    watcher: ${after.length} events in ${eventsFile}: ${c.total} changes (${c.worse} worse, ${c.better} better; ${c.worseAmongDeteriorated} of the worse are firms the simulation deteriorated), ${Object.values(result.skips).reduce((a, b) => a + b, 0)} skips`);
    for (const w of c.warnings) say(`      warning ${w.from} -> ${w.to} (${w.direction}): ${w.count}`);
    if (c.gradeOnly) say(`      grade changed, warning kept: ${c.gradeOnly}`);
    for (const line of result.examples) say(`      e.g. ${line}`);

    // The auditor: the portfolio changes, runs, re-scores and the nodes' batch records, from where the demo's audit left off.
    const audit = await auditMonitoringEntries(o);
    say(`    audit verify: ${audit.newEntries} more entries (${Object.entries(audit.monitoringEntries).map(([k, n]) => `${n} ${k}`).join(', ')}); ${audit.ok ? 'no findings' : `${audit.findings.length} FINDINGS`}`);
    if (!audit.ok) process.exitCode = 1;
    return {
      portfolio: PORTFOLIO, model: o.model, items: added, eventsFile,
      baseline: { runId: baseline.runId, scored: baseline.scored, skipped: baseline.skipped, changed: baseline.changed, psi: drift(baseReport).psi },
      month2: { month: month.month, deteriorated: month.deteriorated, ingested },
      runs, ...result, audit, seconds: (performance.now() - started) / 1000,
    };
  } finally {
    abort.abort();
    await watching?.catch(() => undefined);
    client.close();
  }
}

/** StartRun; resolves with the run's last progress (finished), rejects if it failed. */
async function startRun(client: MonitoringClient, portfolio: string, reason: string, say: (line: string) => void): Promise<RunProgress__Output> {
  // Refused before any run exists while the coordinator does not know a site's month yet, or
  // saw a site miss its health poll (a loaded machine): ask again, as the refusal says.
  for (let tries = 0; ; tries++) {
    try {
      const last = await new Promise<RunProgress__Output | undefined>((resolve, reject) => {
        let seen: RunProgress__Output | undefined;
        const s = client.StartRun({ portfolio, asOf: '', reason });
        s.on('data', (p: RunProgress__Output) => (seen = p));
        s.on('error', (e: grpc.ServiceError) => reject(e));
        s.on('end', () => resolve(seen));
      });
      if (!last || last.stage !== 'finished') throw new FedcreditError('INTERNAL', `the run (${reason}) ended ${last?.stage ?? 'without progress'}${last?.failure ? `: ${last.failure.code} ${last.failure.message}` : ''}`);
      return last;
    } catch (err) {
      if (tries >= 60 || !/not known yet|SHARE_MISSING/.test((err as Error).message)) throw err;
      if (tries % 10 === 0) say(`    run not started yet (${(err as Error).message}); retrying every 2 s`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

function drift(rep: MonitoringRunReport__Output): RunDrift {
  return {
    psi: { value: rep.psi?.value ?? 0, level: rep.psi?.level ?? '', insufficient: rep.psi?.insufficient ?? true, note: rep.psi?.note ?? '' },
    csi: rep.csi.map((s) => {
      const top = [...s.features].sort((a, b) => b.csi - a.csi)[0];
      const levels: Record<string, number> = {};
      for (const f of s.features) levels[f.level] = (levels[f.level] ?? 0) + 1;
      return { site: s.site, covered: s.covered, state: s.state, levels, ...(top ? { max: { feature: top.feature, csi: top.csi, level: top.level } } : {}) };
    }),
  };
}

const psiText = (p: RunDrift['psi']): string => (p.insufficient ? `PSI not computed (${p.note || 'too few items'})` : `PSI of the scores ${p.value.toFixed(3)} (${p.level})`);
const csiText = (s: RunDrift['csi'][number]): string => (s.state !== 'figures' ? `${s.site} ${s.state}`
  : `${s.site} max ${s.max?.feature ?? '-'} ${s.max?.csi.toFixed(3) ?? '-'} (${s.max?.level ?? '-'}), features ${Object.entries(s.levels).map(([l, n]) => `${n} ${l}`).join(', ')}`);

type ChangeLine = WatchedEvent & { subject?: string; direction?: string; skipCode?: string; previous?: { grade: string; warning: string }; current?: { grade: string; warning: string } };

/** Counts the change and skip events; example lines name credit codes, grades and warnings only. */
export function summarizeChanges(events: readonly WatchedEvent[], deteriorated: ReadonlySet<string>): Pick<Required<MonitoringDemoResult>, 'changes' | 'examples' | 'skips'> {
  const changes = events.filter((e) => e.kind === 'change') as ChangeLine[];
  const warnings = new Map<string, { from: string; to: string; direction: string; count: number }>();
  let gradeOnly = 0;
  for (const e of changes) {
    const from = e.previous?.warning ?? '?';
    const to = e.current?.warning ?? '?';
    if (from === to) {
      gradeOnly++;
      continue;
    }
    const key = `${from}>${to}`;
    const w = warnings.get(key) ?? { from, to, direction: e.direction ?? '?', count: 0 };
    w.count++;
    warnings.set(key, w);
  }
  const rank = (w: string) => WARNING_ORDER.indexOf(w);
  const skips: Record<string, number> = {};
  for (const e of events as ChangeLine[]) if (e.kind === 'skip') skips[e.skipCode ?? '?'] = (skips[e.skipCode ?? '?'] ?? 0) + 1;
  const worse = changes.filter((e) => e.direction === 'worse');
  // Examples: warning changes first (a grade moving within one warning level says less).
  const warned = (e: ChangeLine) => (e.previous?.warning !== e.current?.warning ? 0 : 1);
  const examples = (d: string, n: number) => changes.filter((e) => e.direction === d).sort((x, y) => warned(x) - warned(y)).slice(0, n);
  const pick = [...examples('worse', 3), ...examples('better', 2)];
  return {
    changes: {
      total: changes.length, worse: worse.length, better: changes.filter((e) => e.direction === 'better').length,
      warnings: [...warnings.values()].sort((a, b) => b.count - a.count || rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to)), gradeOnly,
      worseAmongDeteriorated: worse.filter((e) => e.subject !== undefined && deteriorated.has(e.subject)).length,
    },
    examples: pick.map((e) => `${e.subject}: warning ${e.previous?.warning} -> ${e.current?.warning}, grade ${e.previous?.grade} -> ${e.current?.grade} (${e.direction})${e.subject && deteriorated.has(e.subject) ? ', deteriorated in the simulation' : ''}`),
    skips,
  };
}

/** The credit codes `sim month` deteriorated (its truth file, for the demo's read-out only: no site holds it). */
function truthOf(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [code, flag] = line.split(',');
    if (code && flag === '1') out.add(code);
  }
  return out;
}

async function auditMonitoringEntries(o: MonitoringDemoOptions): Promise<NonNullable<MonitoringDemoResult['audit']>> {
  const auditor: Transport = partyTransport(o.federation, 'auditor-1');
  const reader = new LogReader(o.coordinator, auditor);
  let size: number;
  try {
    size = Number((await reader.info()).size);
  } finally {
    reader.close();
  }
  await waitForCosignedLatest(o.coordinator, auditor, SITES.length, 30_000, size);
  const a: AuditSummary = await auditVerify({ coordinator: o.coordinator, transport: auditor, stateFile: o.auditorState, trustedRegistrars: o.trustedRegistrars });
  return {
    ok: a.ok, newEntries: a.newEntries, pendingRecords: a.pendingRecords,
    monitoringEntries: Object.fromEntries(Object.entries(a.entriesByKind).filter(([k]) => MONITORING_KINDS.includes(k))),
    findings: a.findings.map((f) => ({ code: f.code, message: f.message })),
  };
}

/** Polls until `ready`; fails with what it waited for, or as soon as the watcher ended. */
async function waitFor(ready: () => boolean | Promise<boolean>, what: string, timeoutMs: number, watcher: Promise<void>): Promise<void> {
  let ended: unknown;
  let done = false;
  watcher.then(() => (done = true), (err: unknown) => { done = true; ended = err; });
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (done) throw new FedcreditError('UNAVAILABLE', `the bank's watcher ended while waiting for ${what}${ended ? `: ${(ended as Error).message}` : ''}`);
    if (Date.now() > deadline) throw new FedcreditError('UNAVAILABLE', `waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The demo's closing section on monitoring (its JSON is the `monitoring` key). */
export function formatMonitoring(m: MonitoringDemoResult): string {
  if (m.skipped) return `Post-loan monitoring (--monitor): skipped: ${m.skipped}`;
  const c = m.changes!;
  return [
    `Post-loan monitoring (\`fedcredit monitor\`), portfolio ${m.portfolio} of bank-a, ${m.items} enterprises, model ${m.model} (${m.seconds!.toFixed(1)} s):`,
    `  month 1 (baseline) run ${m.baseline!.runId}: ${m.baseline!.scored} scored, silent; ${psiText(m.baseline!.psi)}`,
    `  month ${m.month2!.month}: ${m.month2!.deteriorated} firms deteriorated in the simulation; ${m.month2!.ingested.map((i) => `${i.site} ingested ${i.rows} rows`).join(', ')}`,
    ...m.runs!.flatMap((r) => [
      `  ${r.trigger} run ${r.runId}: ${r.scored} scored, ${r.skipped} skipped, ${r.changed} changed; ${psiText(r.drift.psi)}`,
      `    CSI by site: ${r.drift.csi.map(csiText).join('; ')}`,
    ]),
    `  the bank's watcher (${m.eventsFile}): ${c.total} changes, ${c.worse} worse (${c.worseAmongDeteriorated} of them deteriorated firms), ${c.better} better; skips: ${Object.entries(m.skips!).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`,
    ...c.warnings.map((w) => `    warning ${w.from} -> ${w.to} (${w.direction}): ${w.count}`),
    ...(c.gradeOnly ? [`    grade changed, warning kept: ${c.gradeOnly}`] : []),
    ...m.examples!.map((e) => `    e.g. ${e}`),
    `  audit verify over the monitoring entries (${Object.entries(m.audit!.monitoringEntries).map(([k, n]) => `${n} ${k}`).join(', ')}): ${m.audit!.ok ? 'no findings' : `${m.audit!.findings.length} FINDINGS: ${m.audit!.findings.slice(0, 3).map((f) => f.code).join(', ')}`}`,
  ].join('\n');
}
