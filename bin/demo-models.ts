/**
 * The demo's extra model kinds (issue 16's "Done when": the demo trains boosted trees and the
 * fusion model, prints both reports, and a consented query scores against each). After LR and
 * the scorecard, bin/demo.ts trains every entry of DEMO_MODELS on the same alignment (same
 * split), prints its report as `fedcredit model show` prints it, and has bank-a score the demo's
 * consenting enterprise against that model by name: a query names its model explicitly
 * (ScoringSession.score's `model`), since the coordinator's default is the newest model.
 *
 * The list is data: one entry per kind, its parameters on top of the kind's own defaults and
 * why. A kind this build does not know (models/registry.ts) is reported as not built, plainly,
 * and the rest of the demo runs on.
 *
 * The consent: the first consent of requester/demo.ts is revoked at the end of its scoring demo
 * (to show the refusal), so the enterprise grants bank-a a new one here with the key it
 * registered there (out/enterprise/enterprise.key). A consent names the requester, the data
 * holders, the purpose, the operations and the data window, not a model: any model trained for
 * a purpose that covers 'credit-assessment' may answer it (scoring/coordinator.ts checks).
 */
import fs from 'node:fs';
import path from 'node:path';
import { identityFromPem } from '../crypto/identity.js';
import { encodeConsent, grantConsent } from '../consent/verify.js';
import { FedcreditError } from '../lib/errors.js';
import { partyTransport, type Transport } from '../lib/tls.js';
import { modelKinds } from '../models/registry.js';
import { formatPeriod, parsePeriod } from '../schema/site-schema.js';
import { readManifest } from '../sim/read.js';
import { ScoringSession } from '../scoring/requester.js';
import { loadRequesterKeys } from '../scoring/requester-keys.js';
import { runTraining } from '../training/client.js';
import { comparedFusion, comparedLr, describeModel, modelForJson } from '../training/cli.js';
import { TREE_FLAGS } from '../models/trees/kind-params.js';
import type { ModelMetadata } from '../training/model-registry.js';
import type { KindMessage } from '../training/model-kind.js';
import { DEMO_ENTERPRISE_KEY } from '../requester/demo.js';

const DAY = 86_400_000;
/** A leaf-chain query does SEAL work at every node on its main thread: minutes on a loaded machine, not seconds. */
const QUERY_DEADLINE_MS = 600_000;
/** A node busy with SEAL work may miss the coordinator's health poll and be marked unreachable for a moment: asked again. */
const UNREACHABLE_RETRIES = 5;
const UNREACHABLE_WAIT_MS = 10_000;

/** One extra model kind the demo trains after LR and the scorecard. */
export interface DemoModelSpec {
  /** The kind's name (models/registry.ts), as `fedcredit train --model` takes it. */
  readonly kind: string;
  /** How the output names it. */
  readonly label: string;
  /** `--no-<skip>` leaves it out. */
  readonly skip: 'trees' | 'fusion';
  /** The parameters the demo sets, as `fedcredit train` flags name them (without the dashes, camel-cased), for the output. */
  readonly params: Readonly<Record<string, number | boolean | string>>;
  /** The kind's Params message: its defaults (the kind's `params.defaults`) with `params` applied. */
  readonly message: (defaults: KindMessage) => KindMessage;
  /** Why these parameters, said in the output. */
  readonly why: string;
}

/**
 * The demo's extra models. Boosted trees: the kind's defaults are 100 trees of depth 5 with early
 * stopping after 10; a tree of depth d costs d levels of BFV histograms whose fixed cost
 * (per-share decryption, about 2^d shares per passive per level) dominates at demo sizes, so the
 * demo grows 5 trees of depth 3 (8 leaves each), enough to show the per-tree AUC and gain, the
 * feature importance and the leaf chain; a fixed sampling seed. Early stopping stays the kind's
 * (10 rounds: with 5 trees it never stops the job, and the model keeps trees 0..best by
 * validation AUC, as `model show` says; with `earlyStoppingRounds` 0 the bank keeps every tree
 * while models/trees/report-text.ts still prints "kept: trees 0..best").
 */
const DEMO_TREES = { trees: 5, depth: 3, jobSeed: 1 } as const;

export const DEMO_MODELS: readonly DemoModelSpec[] = [
  {
    kind: 'boosted-trees', label: 'boosted trees', skip: 'trees',
    params: DEMO_TREES,
    message: (d) => ({ ...d, ...DEMO_TREES }),
    why: 'the kind\'s defaults (100 trees of depth 5) take too long with every party on one 2-core machine (a tree costs mostly per-level BFV work, about 2^depth shares per passive site per level, whatever the row count); 5 trees of depth 3 show the per-tree AUC and gain, the feature importance and the leaf chain at a fraction of it (BFV, no plaintext)',
  },
  {
    kind: 'fusion', label: 'fusion (boosted trees + scorecard)', skip: 'fusion',
    params: { fusionTrees: DEMO_TREES.trees, fusionDepth: DEMO_TREES.depth, jobSeed: DEMO_TREES.jobSeed },
    // Fusion's Params is the pair of the two kinds' (models/fusion/params.ts): the trees half takes the demo's count and depth.
    message: (d) => ({ ...d, trees: { ...(d['trees'] as KindMessage | undefined), trees: DEMO_TREES.trees, depth: DEMO_TREES.depth, jobSeed: DEMO_TREES.jobSeed } }),
    why: 'the kind\'s default of 20 trees of depth 3 is 4 times the demo\'s trees; 5 trees of depth 3 become up to 5 characteristics of the bank (one bin per leaf of at least 50 enterprises) beside every site\'s scorecard characteristics (BFV, no plaintext)',
  },
];

export interface DemoModelResult {
  readonly kind: string;
  readonly label: string;
  readonly params: Readonly<Record<string, number | boolean | string>>;
  readonly why: string;
  /** Why it was not trained (skipped by a flag, or not built in this version). */
  readonly skipped?: string;
  /** Why training failed. */
  readonly failed?: string;
  /** The model as `fedcredit model show --json` gives it. */
  readonly model?: ModelMetadata;
  readonly trainSeconds?: number;
  /** The report as `fedcredit model show <version>` prints it. */
  readonly report?: string;
  readonly scoring?: {
    readonly enterprise: string; readonly model: string; readonly points?: number; readonly grade?: string; readonly warning?: string;
    readonly probabilityOfDefault?: number; readonly logIndex?: number; readonly coverage?: readonly { site: string; covered: boolean }[];
    readonly reasons?: Record<string, string[]>; readonly seconds: number; readonly refused?: string;
  };
}

export interface DemoModelsOptions {
  readonly out: string;
  readonly federation: string;
  readonly coordinator: string;
  readonly operator: Transport;
  readonly alignmentId: string;
  readonly sitesDir: string;
  /** The enterprise of the scoring demo (its key is at out/enterprise/enterprise.key), if it ran. */
  readonly enterprise?: string;
  /** The `--no-*` flags given. */
  readonly skip: ReadonlySet<string>;
  readonly say: (line: string) => void;
}

/** Trains, reports and scores each of DEMO_MODELS in turn; a failure of one is reported and the next runs. */
export async function runDemoModels(opts: DemoModelsOptions): Promise<DemoModelResult[]> {
  const { say } = opts;
  const known = await modelKinds();
  const wanted = DEMO_MODELS.filter((m) => !opts.skip.has(m.skip) && known.has(m.kind));
  const scorer = opts.enterprise && wanted.length > 0 ? await demoScorer(opts, opts.enterprise, wanted.length) : undefined;
  try {
    const results: DemoModelResult[] = [];
    for (const spec of DEMO_MODELS) {
      const base = { kind: spec.kind, label: spec.label, params: spec.params, why: spec.why };
      if (opts.skip.has(spec.skip)) {
        say(`  ${spec.label}: skipped (--no-${spec.skip})`);
        results.push({ ...base, skipped: `--no-${spec.skip}` });
        continue;
      }
      const kind = known.get(spec.kind);
      if (!kind) {
        const why = `the model kind '${spec.kind}' is not built yet in this version (known: ${[...known.keys()].join(', ')})`;
        say(`  ${spec.label}: NOT BUILT YET: ${why}; not trained, not scored`);
        results.push({ ...base, skipped: why });
        continue;
      }
      say(`  training ${spec.label} on the same alignment (fedcredit train --model ${spec.kind} ${flagsOf(spec.params)}): ${spec.why}...`);
      const started = performance.now();
      let model: ModelMetadata;
      try {
        // The kind's own defaults with the demo's parameters on top, encoded as `fedcredit train --model <kind>` sends them.
        const kindParams = kind.params ? kind.codec.encode(kind.params.type, spec.message({ ...kind.params.defaults })) : undefined;
        model = await runTraining(opts.coordinator, opts.operator, { alignmentId: opts.alignmentId, modelKind: spec.kind, ...(kindParams ? { kindParams } : {}) }, (p) => {
          if (p.stage === 'epoch') say(`    ${p.message}`);
        });
      } catch (err) {
        say(`  ${spec.label} training FAILED: ${(err as Error).message}`);
        // A failure in the demo's own federation is a defect: the demo then exits non-zero (as for the scorecard).
        process.exitCode = 1;
        results.push({ ...base, failed: (err as Error).message });
        continue;
      }
      const trainSeconds = (performance.now() - started) / 1000;
      say(`  ${spec.label} ${model.modelVersion} stored (its parts at each node) in ${trainSeconds.toFixed(1)} s`);
      // What `fedcredit model show` prints and `model show --json` gives, with the same comparisons.
      const lr = await comparedLr(model, opts.coordinator, opts.operator);
      const fused = await comparedFusion(model, opts.coordinator, opts.operator);
      const report = describeModel(model, lr, fused);
      const scoring = scorer ? await scorer(model.modelVersion, spec.label) : undefined;
      results.push({ ...base, model: modelForJson(model, lr, fused), trainSeconds, report, ...(scoring ? { scoring } : {}) });
    }
    return results;
  } finally {
    scorer?.close();
  }
}

/** `{ trees: 5, depth: 3 }` as the `fedcredit train` flags a user would type (`--trees 5 --depth 3`; trees' names from TREE_FLAGS), for the output. */
function flagsOf(params: Readonly<Record<string, number | boolean | string>>): string {
  const flag = (k: string): string => (TREE_FLAGS as Readonly<Record<string, string>>)[k] ?? `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return Object.entries(params).map(([k, v]) => `${flag(k)} ${String(v)}`).join(' ');
}

type Scorer = ((model: string, label: string) => Promise<NonNullable<DemoModelResult['scoring']>>) & { close(): void };

/**
 * bank-a's queries against named models: the enterprise grants a new consent (one use per model)
 * with the key it registered in the scoring demo.
 */
async function demoScorer(opts: DemoModelsOptions, enterprise: string, uses: number): Promise<Scorer | undefined> {
  const keyFile = path.join(opts.out, DEMO_ENTERPRISE_KEY);
  if (!fs.existsSync(keyFile)) {
    opts.say(`  (no enterprise key at ${keyFile}: the extra models are trained but not scored)`);
    return undefined;
  }
  const key = identityFromPem(fs.readFileSync(keyFile, 'utf8'));
  const keys = loadRequesterKeys(path.join(opts.out, 'bank-a-keys'));
  const observation = parsePeriod(readManifest(opts.sitesDir).observation);
  const dataWindow = { from: formatPeriod(observation - 23), to: formatPeriod(observation) };
  const consent = encodeConsent(grantConsent(key, {
    subject: enterprise, requester: { name: 'bank-a', key: Buffer.from(keys.identity.publicKey).toString('hex') }, dataHolders: ['tax', 'power', 'bank'],
    purpose: 'credit-assessment', operations: ['score', 'explain'], dataWindow, validForMs: DAY, maxUses: uses * (1 + UNREACHABLE_RETRIES),
  }));
  fs.writeFileSync(path.join(opts.out, 'consent-models.json'), consent);
  opts.say(`  enterprise ${enterprise} granted bank-a a new consent for the next queries (its first was revoked above; a consent names no model)`);
  const session = new ScoringSession(opts.coordinator, partyTransport(opts.federation, 'bank-a'), keys);
  const score = async (model: string, label: string): Promise<NonNullable<DemoModelResult['scoring']>> => {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await session.score({ enterprise, consent, model }, QUERY_DEADLINE_MS);
        const seconds = (performance.now() - started) / 1000;
        const reasons = Object.fromEntries(r.explanations.map((e) => [e.site, e.reasons.map((x) => x.feature)]));
        opts.say(`  bank-a scored ${enterprise} against ${label} ${r.model}: ${r.points} points, grade ${r.grade}, warning ${r.warning} (log entry ${r.logIndex}, ${seconds.toFixed(1)} s)`);
        opts.say(`    coverage: ${r.coverage.map((c) => `${c.site}=${c.covered ? 'records' : 'baseline'}`).join(', ')}; top reasons (sealed to bank-a): ${Object.entries(reasons).map(([s, x]) => `${s}: ${x.join(', ') || '-'}`).join('; ')}`);
        return {
          enterprise, model: r.model, points: r.points, grade: r.grade, warning: r.warning, probabilityOfDefault: r.probabilityOfDefault,
          logIndex: r.logIndex, coverage: r.coverage, reasons, seconds,
        };
      } catch (err) {
        if (attempt < UNREACHABLE_RETRIES && /is not reachable/.test(String(err))) {
          opts.say(`    a node was busy and missed a health poll (${(err as Error).message.slice(0, 120)}); asking again in ${UNREACHABLE_WAIT_MS / 1000} s`);
          await new Promise((resolve) => setTimeout(resolve, UNREACHABLE_WAIT_MS));
          continue;
        }
        const refused = err instanceof FedcreditError ? `${err.code}: ${err.message}` : String(err);
        opts.say(`  bank-a's query against ${label} ${model} FAILED: ${refused}`);
        process.exitCode = 1;
        return { enterprise, model, seconds: (performance.now() - started) / 1000, refused };
      }
    }
  };
  return Object.assign(score, { close: () => session.close() });
}

/** The report sections of the demo's text output. */
export function formatDemoModels(results: readonly DemoModelResult[]): string[] {
  return results.map((r) => {
    if (r.skipped) return `${capital(r.label)}: not trained (${r.skipped}).`;
    if (!r.model) return `${capital(r.label)}: training FAILED (${r.failed ?? 'no model'}).`;
    const query = r.scoring ? (r.scoring.refused
      ? `\n  consented query against ${r.model.modelVersion}: FAILED (${r.scoring.refused})`
      : `\n  consented query against ${r.model.modelVersion}: ${r.scoring.enterprise} ${r.scoring.points} points, grade ${r.scoring.grade}, warning ${r.scoring.warning} (log entry ${r.scoring.logIndex}, ${r.scoring.seconds.toFixed(1)} s)`) : '';
    return `${capital(r.label)} on the same split (\`fedcredit model show ${r.model.modelVersion}\`; trained in ${r.trainSeconds?.toFixed(1) ?? '?'} s with ${flagsOf(r.params)}: ${r.why}):${query}\n${r.report ?? ''}`;
  });
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
