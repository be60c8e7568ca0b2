/**
 * The scorecard end to end over real processes (issue 15): a coordinator and three nodes, each
 * its own OS process and LevelDB store, mutual TLS. `--model scorecard` trains (bin sums, IV
 * selection, LR on WOE), each site keeps its bins with their points, and a consented score
 * through the ordinary scoring protocol is the scorecard's own sum: the bank's constant points
 * plus the points of the enterprise's bin of every chosen characteristic at every site.
 *
 * The scorecard's parameters are the job's: `fedcredit train --model scorecard --bins ...` (a bad
 * flag refused before anything is sent; a bad request refused by the coordinator before any
 * node is asked), kept in the job's log entry and the model's metadata. Its report (`model show`,
 * `--json`) lists the bank's characteristics with bins, counts, event rates, WOE, IV and points,
 * the passive sites' by name only, and compares the scorecard with the bank-only scorecard and
 * with the LR trained on the same alignment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { listSiteModels } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import type { Site } from '../../schema/site-schema.js';
import { readGroundTruth } from '../../sim/read.js';
import { MAX_POINTS, MIN_POINTS, rawPoints } from '../../scoring/score-scale.js';
import { applyCalibration } from '../../scoring/calibration.js';
import { NEUTRAL, binOf } from '../../models/scorecard/binning.js';
import { scorecardContribution, type ScorecardPart } from '../../models/scorecard/part.js';
import type { ScoringPart } from '../../training/model-kind.js';
import type { ConsentedRequester } from '../helpers/consented.js';
import { SITES, fairBatchSize, type Setup } from '../training-transport/helpers.js';
import { LogReader } from '../../log/client.js';
import { decodeEntry } from '../../log/entries.js';
import { scorecardParamsAny } from '../../models/scorecard/kind.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import type { ScorecardReport } from '../../models/scorecard/report.js';
import type { ScorecardComparison } from '../../models/scorecard/report-text.js';
import { listModels } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { cli, spawnedFederation, type SpawnedFederation } from '../helpers/spawned-federation.js';

let fx: SpawnedFederation;
let s: Setup;
let coordinator: SpawnedParty;
let nodes: Map<Site, SpawnedParty>;
let requester: ConsentedRequester;
let alignmentId: string;
let batchSize: number;

beforeAll(async () => {
  fx = await spawnedFederation('scorecard-e2e', 1000, { requester: true });
  ({ s, coordinator, nodes, alignmentId } = fx);
  batchSize = fairBatchSize(fx.trainSize);
  requester = fx.requester!;
}, 180_000);

afterAll(async () => {
  await fx?.stop();
});

type Part = ScoringPart & ScorecardPart & { kind: string; role: string };

/** A site's part and the stored vectors of some enterprises, from a copy of its store (the node holds the lock). */
async function readSite(site: Site, subjects: readonly string[], version: string): Promise<{ part: Part; vectors: Map<string, Float64Array | undefined> }> {
  const copy = path.join(s.dir, `node-${site}-copy`);
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(path.join(s.dir, `node-${site}`, 'store'), path.join(copy, 'store'), { recursive: true });
  fs.rmSync(path.join(copy, 'store', 'LOCK'), { force: true });
  const store = await NodeStore.open(copy);
  try {
    // The site also holds the LR trained on the same alignment: the scorecard's part by its version.
    const part = ((await listSiteModels(store)) as unknown as Part[]).find((p) => p.modelVersion === version);
    const vectors = new Map<string, Float64Array | undefined>();
    for (const id of subjects) vectors.set(id, await store.featureVector(id));
    return { part: part!, vectors };
  } finally {
    await store.close();
  }
}

const logs = (): string => [coordinator, ...nodes.values()].flatMap((n) => n.logLines.slice(-15).map((l) => `${n.name}: ${l}`)).join('\n');

/** The job's parameters as flags (the scorecard's are not all defaults, so the test sees them arrive). */
const CARD_FLAGS = ['--bins', '8', '--min-bin-size', '40', '--min-iv', '0.01', '--max-characteristics', '12', '--binning', 'quantile', '--max-vif', '0'];
const CARD_PARAMS = { ...DEFAULT_SCORECARD_PARAMS, bins: 8, minBinCount: 40, minIv: 0.01, maxCharacteristics: 12 };

describe('the federated scorecard over real processes', () => {
  it('refuses a bad scorecard flag before it connects: the error names the flag and its range', async () => {
    for (const [flag, value, range] of [
      ['--bins', '1', /--bins must be a whole number from 2 to 100, got 1/],
      ['--min-bin-size', '19', /--min-bin-size must be a whole number of at least 20/],
      ['--min-bin-share', '0.5', /--min-bin-share must be a share from 0 up to \(not including\) 0\.5/],
      ['--binning', 'kmeans', /--binning must be one of quantile, monotone, chimerge/],
      ['--max-vif', '0.5', /--max-vif must be 0 \(no VIF screen\) or a number from 1 to 1000/],
      ['--max-characteristics', 'many', /--max-characteristics takes a number, got 'many'/],
    ] as const) {
      // Port 1 of loopback: had the CLI tried to connect, the error would be UNAVAILABLE.
      const run = await cli(['train', '--coordinator', '127.0.0.1:1', '--alignment', 'a1', '--model', 'scorecard', flag, value]);
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.stderr).toMatch(range);
      expect(run.stderr).not.toMatch(/UNAVAILABLE|unreachable|connect/i);
    }
    const lr = await cli(['train', '--coordinator', '127.0.0.1:1', '--alignment', 'a1', '--bins', '8']);
    expect(lr.stderr).toMatch(/--bins is for --model scorecard only/);
  }, 300_000);

  it('trains with --model scorecard, keeps points per bin at each site, and scores an enterprise as the sum of its points', async () => {
    const operator = s.fed.as('coordinator-operator');
    // Today's raw-value LR on the same alignment: the scorecard's report is compared with it.
    const lrModel = await runTraining(s.coordinatorAddress, operator, { alignmentId, epochs: 2, batchSize, learningRate: 0.5, l2: 1e-3, seed: 3, patience: 5 })
      .catch((err: Error) => { throw new Error(`${err.message}\nlogs:\n${logs()}`); });

    // A bad parameter in the request (a client other than the CLI) is refused before any node is asked.
    const before = (await listModels(s.coordinatorAddress, operator)).length;
    const startsBefore = [...nodes.values()].map((n) => n.logLines.filter((l) => /started as/.test(l)).length);
    await expect(runTraining(s.coordinatorAddress, operator, { alignmentId, modelKind: 'scorecard', kindParams: scorecardParamsAny({ ...DEFAULT_SCORECARD_PARAMS, bins: 1 }) }))
      .rejects.toThrow(/scorecard parameter bins must be a whole number from 2 to 100, got 1/);
    await expect(runTraining(s.coordinatorAddress, operator, { alignmentId, modelKind: 'lr', kindParams: scorecardParamsAny(DEFAULT_SCORECARD_PARAMS) }))
      .rejects.toThrow(/model kind lr takes no kind parameters/);
    expect((await listModels(s.coordinatorAddress, operator)).length).toBe(before);
    expect([...nodes.values()].map((n) => n.logLines.filter((l) => /started as/.test(l)).length)).toEqual(startsBefore);

    // The scorecard through the CLI, its parameters as flags.
    const tls = s.fed.tls('coordinator-operator');
    const run = await cli(['train', '--coordinator', s.coordinatorAddress, '--alignment', alignmentId, '--model', 'scorecard', ...CARD_FLAGS,
      '--epochs', '5', '--batch', String(batchSize), '--lr', '0.5', '--l2', '0.001', '--seed', '3', '--patience', '5', '--json', ...tls]);
    if (run.code !== 0) throw new Error(`fedcredit train --model scorecard failed (${run.code}): ${run.stderr}\nlogs:\n${logs()}`);
    const model = JSON.parse(run.stdout) as ModelMetadata & { scorecardComparison: ScorecardComparison | null };
    expect(model.kind).toBe('scorecard');
    // The flags reached the job: its metadata and its training-job log entry carry them.
    expect(model.params.modelKindParams).toEqual(CARD_PARAMS);
    const reader = new LogReader(s.coordinatorAddress, operator);
    try {
      const [bytes] = await reader.entries(model.logIndex!, model.logIndex! + 1);
      const entry = decodeEntry(bytes!);
      expect(entry.ok && entry.entry.kind).toBe('training-job');
      expect(entry.ok && (entry.entry.body['parameters'] as { modelKindParams?: unknown }).modelKindParams).toEqual(CARD_PARAMS);
    } finally {
      reader.close();
    }
    const metrics = model.metrics as { validationAuc: number };
    // A sanity bound only: the validation split of this small federation holds a handful of
    // defaults (quality is tests/scorecard/quality.test.ts: federated equals centralized).
    expect(metrics.validationAuc).toBeGreaterThan(0.5);

    const subjects = readGroundTruth(path.join(s.dir, 'sites')).filter((r) => r.inTax && r.inPower && r.inBank).slice(0, 5).map((r) => r.creditCode);
    const sites = new Map<Site, Awaited<ReturnType<typeof readSite>>>();
    for (const site of SITES) sites.set(site, await readSite(site, subjects, model.modelVersion));
    for (const [site, { part }] of sites) {
      expect(part.kind).toBe('scorecard');
      console.log(`${site}: ${part.characteristics.map((c) => `${c.name} (w ${c.weight.toFixed(3)}) [${c.labels.map((l, b) => `${l}: WOE ${c.woe[b]!.toFixed(2)}, ${c.points[b]!.toFixed(1)} points`).join('; ')}]`).join(' | ')}`);
      expect(part.characteristics.length).toBeGreaterThan(0);
      for (const c of part.characteristics) {
        expect(c.points.length).toBe(c.counts.length);
        // Points are the bin's logit term on the score scale: -PDO/ln 2 per unit of logit.
        for (const [b, p] of c.points.entries()) expect(p).toBeCloseTo(-(50 / Math.LN2) * c.terms[b]!, 9);
      }
      expect(part.constantPoints === undefined).toBe(site !== 'bank');
      // Every site's characteristics are in the model (LR keeps passive weights at 0 for the job's first step only).
      expect(part.characteristics.some((c) => c.weight !== 0)).toBe(true);
      // The model's metadata lists each characteristic the site chose or dropped, by name, without a number of the site's.
      const listed = model.sites.find((x) => x.site === site)!.transforms ?? [];
      expect(listed.filter((t) => t.steps[0]!.startsWith('chosen by IV')).map((t) => t.feature).sort()).toEqual(part.characteristics.map((c) => c.name).sort());
      expect(listed.length).toBe(part.characteristics.length + part.dropped.length);
      for (const t of listed) for (const step of t.steps) expect(step.replace(/, \d+ bins$/, '')).not.toMatch(/\d/);
      // Every bin at least the job's minimum (--min-bin-size 40 here).
      for (const c of part.characteristics) for (const n of c.counts) expect(n).toBeGreaterThanOrEqual(40);
    }

    // The report: the bank's characteristics whole (its own aggregates), bins named without values.
    const bankPart = sites.get('bank')!.part;
    const report = (model.metrics as { report: { scorecard: ScorecardReport; bankOnlyModel: { features: number }; joint: { auc: number }; bankOnly: { auc: number } } }).report;
    const card = report.scorecard;
    expect(card.site).toBe('bank');
    expect(card.bankOnly).toBe('bank-scorecard');
    expect(card.constantPoints).toBeCloseTo(bankPart.constantPoints!, 9);
    expect(card.characteristics.map((c) => c.name)).toEqual(bankPart.characteristics.map((c) => c.name));
    // The bank-only baseline is the bank's own scorecard: one column per chosen bank characteristic.
    expect(report.bankOnlyModel.features).toBe(bankPart.characteristics.length);
    for (const [j, c] of card.characteristics.entries()) {
      const stored = bankPart.characteristics[j]!;
      expect(c.iv).toBeCloseTo(stored.iv, 12);
      expect(c.bins.map((b) => b.count)).toEqual([...stored.counts]);
      expect(c.bins.map((b) => b.events)).toEqual([...stored.events]);
      for (const [b, bin] of c.bins.entries()) {
        expect(typeof bin.eventRate).toBe('number');
        expect(bin.eventRate!).toBeCloseTo(stored.events[b]! / stored.counts[b]!, 12);
        expect(bin.woe!).toBeCloseTo(stored.woe[b]!, 12);
        expect(bin.points!).toBeCloseTo(stored.points[b]!, 9);
        if (c.type === 'numeric') expect(bin.bin).toMatch(/^(bin \d+ of \d+|missing)$/);
      }
    }
    // No passive characteristic in the bank's section, and nothing of the passive sites' numbers anywhere in the model.
    const passiveNames = ['tax', 'power'].flatMap((site) => sites.get(site as Site)!.part.characteristics.map((c) => c.name));
    for (const name of passiveNames) expect(card.characteristics.some((c) => c.name === name)).toBe(false);
    const json = JSON.stringify(model);
    for (const site of ['tax', 'power'] as const) {
      for (const c of sites.get(site)!.part.characteristics) expect(json).not.toContain(String(c.iv));
    }

    // Beside the bank-only scorecard and the LR on the same split, in the CLI's --json whole, numbers as numbers.
    const cmp = model.scorecardComparison!;
    expect(cmp.lr?.model).toBe(lrModel.modelVersion);
    expect(cmp.scorecard.auc).toBe(report.joint.auc);
    expect(cmp.bankOnlyScorecard.auc).toBe(report.bankOnly.auc);
    expect(cmp.lr!.auc).toBe((lrModel.metrics as { report: { joint: { auc: number } } }).report.joint.auc);
    for (const m of [cmp.scorecard, cmp.bankOnlyScorecard, cmp.lr!]) for (const k of ['auc', 'ks', 'brier', 'meanPredictedPd'] as const) expect(typeof m[k]).toBe('number');
    const show = await cli(['model', 'show', model.modelVersion, '--coordinator', s.coordinatorAddress, '--json', ...tls]);
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout) as typeof model;
    expect(shown.scorecardComparison).toEqual(cmp);
    expect((shown.metrics as { report: unknown }).report).toEqual(report);
    const text = await cli(['model', 'show', model.modelVersion, '--coordinator', s.coordinatorAddress, ...tls]);
    expect(text.code, text.stderr).toBe(0);
    console.log(text.stdout);
    expect(text.stdout).toContain('Scorecard characteristics');
    expect(text.stdout).toContain(`bank · ${card.characteristics[0]!.name}`);
    expect(text.stdout).toMatch(/tax \(counts, defaults, WOE, IV and points stay at tax/);
    expect(text.stdout).toContain(`LR ${lrModel.modelVersion}`);
    expect(text.stdout).toContain('bank-only baseline: the bank\'s own scorecard');
    expect(text.stdout).toContain('scorecard parameters: bins=8 minBinCount=40');

    for (const [i, subject] of subjects.entries()) {
      // The scorecard's own arithmetic: the constant plus each characteristic's points for its bin...
      let cardPoints = sites.get('bank')!.part.constantPoints!;
      // ...is the score of the summed logit terms (what secure aggregation adds up).
      let logit = 0;
      for (const { part, vectors } of sites.values()) {
        const vector = vectors.get(subject);
        expect(vector, `${part.site} holds ${subject}`).toBeDefined();
        if (!vector) continue;
        const row = Float64Array.from(part.featureIndexes, (k) => vector[k]!);
        for (const c of part.characteristics) {
          const b = binOf(c, row);
          cardPoints += b === NEUTRAL ? c.neutralPoints : c.points[b]!;
        }
        logit += scorecardContribution(part, vector).value;
      }
      expect(cardPoints).toBeCloseTo(rawPoints(logit), 6);
      // Scoring applies the bank's Platt recalibration (a linear map of the logit, so still a
      // card: every bin's points times the slope) before the scale.
      const expected = rawPoints(applyCalibration(logit, model.calibration));
      const r = await requester.session.score({ enterprise: subject, consent: await requester.consent(subject), queryId: `scorecard-${i}` });
      expect(r.model).toBe(model.modelVersion);
      const clamped = Math.min(MAX_POINTS, Math.max(MIN_POINTS, expected));
      console.log(`${subject}: ${r.points} points; the card's ${cardPoints.toFixed(2)} before recalibration, ${expected.toFixed(3)} after (slope ${model.calibration?.slope.toFixed(3)})`);
      // Secure aggregation adds the terms in fixed point: the sum agrees to far below a point.
      if (Math.abs(clamped - Math.round(clamped)) < 0.49) expect(r.points).toBe(Math.round(clamped));
      else expect(Math.abs(r.points - clamped)).toBeLessThanOrEqual(0.51);
    }
  }, 600_000);
});
