/**
 * `fedcredit train` (run or resume a joint training job) and `fedcredit model show|list`
 * (the coordinator's model registry: metadata and the bank's evaluation report).
 */
import { describeMonitoringRuns, monitoringRunsOf } from '../monitoring/model-runs.js';
import { Command, InvalidArgumentError } from 'commander';
import { emit, endProgress, positiveInt, progressLine, runCommand } from '../lib/cli-output.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';
import { parseEvaluationReport } from '../evaluation/report.js';
import { formatEvaluationReport } from '../evaluation/report-text.js';
import { formatVerdict } from '../evaluation/verdict-text.js';
import type { ModelMetadata } from './model-registry.js';
import { DEFAULT_PREPROCESSING, describePreprocessing, type PreprocessingWire } from '../preprocessing/spec.js';
import { preprocessingOf } from './schedule.js';
import { getModel, listJobs, listModels, runTraining, type TrainingRequest } from './client.js';
import { DEFAULT_SCORECARD_PARAMS, SCORECARD_FLAGS, SCORECARD_FLAG_HELP, checkScorecardParams, type ScorecardParams } from '../models/scorecard/params.js';
import { scorecardParamsAny } from '../models/scorecard/kind.js';
import { randomInt } from 'node:crypto';
import { TREES_KIND, treesParamsAny } from '../models/trees/kind.js';
import { DEFAULT_TREE_JOB_PARAMS, TREE_FLAGS, TREE_FLAG_HELP } from '../models/trees/kind-params.js';
import { checkTreeParams, type TreeParams } from '../models/trees/params.js';
import { formatTrees } from '../models/trees/report-text.js';
import { FUSION_KIND, fusionParamsAny } from '../models/fusion/kind.js';
import { FUSION_FLAGS, FUSION_FLAG_HELP, checkFusionParams, fusionTreeParams, type FusionParams } from '../models/fusion/params.js';
import { formatFusion, fusionComparison, sameSplitModel } from '../models/fusion/report.js';
import { formatScorecard, formatScorecardTables, sameSplitLr, scorecardComparison, type ScorecardComparison } from '../models/scorecard/report-text.js';
import fs from 'node:fs';
import { modelReportFile } from '../evaluation/report-html/model-file.js';
import { REPORT_LOCALES, type ReportLocale } from '../evaluation/report-html/messages.js';

const GUARANTEES = `
Guarantees: the coordinator generates the BFV key pair and keeps the secret key. Tax and power
send their encrypted partial linear terms to the bank, the bank forms the encrypted residual
(sigmoid(z) ~ 0.5 + 0.25 z), and each site computes its own encrypted gradient and masks it
before the coordinator decrypts it; node-to-node payloads are sealed to the recipient and signed,
so the coordinator, which relays them, opens none. Each site keeps its own part of the model;
the coordinator keeps metadata and the bank's evaluation report (aggregates only). Every node
checks its local policy first; the job is in the transparency log before any node starts.`;

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number, got '${value}'`);
    return n;
  };
}

function nonNegative(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number >= 0, got '${value}'`);
    return n;
  };
}

interface TrainFlags extends TransportFlags {
  coordinator: string; alignment?: string; resume?: string; epochs?: number; batch?: number; lr?: number; l2?: number; decay?: number;
  seed?: number; patience?: number; purpose: string; plaintext?: boolean; json?: boolean; model?: string;
  clipQuantiles?: string; logTransform?: string; impute?: string; missingIndicators?: boolean;
  bins?: string; minBinSize?: string; minBinShare?: string; minIv?: string; maxCharacteristics?: string; binning?: string; maxVif?: string;
  kind?: string; trees?: string; depth?: string; learningRate?: string; gamma?: string; minChildWeight?: string; minChildCount?: string;
  rowSample?: string; colSample?: string; minCell?: string; earlyStopping?: string; stride?: string; partition?: string; firstTreeBankOnly?: string;
  fusionTrees?: string; fusionDepth?: string;
}

/** `--kind` is an alias of `--model` (the issue's name); one of them, or both the same. */
function modelOf(flags: TrainFlags): string {
  if (flags.kind !== undefined && flags.model !== undefined && flags.kind !== flags.model) {
    throw new InvalidArgumentError(`--kind ${flags.kind} and --model ${flags.model} disagree; give one of them`);
  }
  return flags.kind ?? flags.model ?? 'lr';
}

/**
 * The boosted-trees flags as the kind's parameters (models/trees/kind-params.ts; design section
 * 9), checked here so a bad value is refused before anything is sent. `--bins`, `--min-bin-size`,
 * `--l2` and `--seed` are shared with the other kinds; without `--seed` a random seed is drawn and
 * printed, so the run can be repeated.
 */
function treesFlags(flags: TrainFlags): TreeParams | undefined {
  const own = (Object.keys(TREE_FLAG_HELP) as (keyof TreeParams)[]).filter((k) => flags[flagKey(TREE_FLAGS[k])] !== undefined);
  if (modelOf(flags) !== TREES_KIND) {
    if (own.length > 0) throw new InvalidArgumentError(`${own.map((k) => TREE_FLAGS[k]).join(', ')} ${own.length > 1 ? 'are' : 'is'} for --model ${TREES_KIND} only; drop ${own.length > 1 ? 'them' : 'it'} or add --model ${TREES_KIND}`);
    return undefined;
  }
  if (flags.resume) return undefined;
  const p: Record<string, unknown> = { ...DEFAULT_TREE_JOB_PARAMS, jobSeed: flags.seed ?? randomInt(0, 2 ** 32 - 1) };
  if (flags.l2 !== undefined) p['lambda'] = flags.l2;
  for (const k of [...own, ...(['bins', 'minBinCount'] as const).filter((x) => flags[flagKey(TREE_FLAGS[x])] !== undefined)]) {
    const raw = String(flags[flagKey(TREE_FLAGS[k])]).trim();
    if (k === 'partitionMode') p[k] = raw;
    else if (k === 'firstTreeBankOnly') {
      if (raw !== 'true' && raw !== 'false') throw new InvalidArgumentError(`${TREE_FLAGS[k]} takes true or false, got '${raw}'`);
      p[k] = raw === 'true';
    } else {
      const n = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) throw new InvalidArgumentError(`${TREE_FLAGS[k]} takes a number, got '${raw}' (${TREE_FLAG_HELP[k] ?? 'see fedcredit train --help'})`);
      p[k] = n;
    }
  }
  try {
    return checkTreeParams(p as unknown as TreeParams, (k) => TREE_FLAGS[k], 'see fedcredit train --help');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^boosted-trees parameter /, ''));
  }
}

/** Commander's key of each scorecard flag (`--min-bin-size` -> minBinSize). */
const flagKey = (flag: string): keyof TrainFlags => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof TrainFlags;

/**
 * The scorecard flags as the kind's parameters (models/scorecard/params.ts), checked here so a
 * bad value is refused before anything is sent; undefined when none is given.
 */
function scorecardFlags(flags: TrainFlags): ScorecardParams | undefined {
  const given = (Object.keys(SCORECARD_FLAGS) as (keyof ScorecardParams)[]).filter((k) => flags[flagKey(SCORECARD_FLAGS[k])] !== undefined);
  // --bins and --min-bin-size are boosted trees' too (treesFlags); the others are the scorecard's only.
  if (modelOf(flags) === TREES_KIND) {
    const cardOnly = given.filter((k) => k !== 'bins' && k !== 'minBinCount').map((k) => SCORECARD_FLAGS[k]);
    if (cardOnly.length > 0) throw new InvalidArgumentError(`${cardOnly.join(', ')} ${cardOnly.length > 1 ? 'are' : 'is'} for --model scorecard only; drop ${cardOnly.length > 1 ? 'them' : 'it'}`);
    return undefined;
  }
  if (given.length === 0) return undefined;
  const names = given.map((k) => SCORECARD_FLAGS[k]).join(', ');
  if (modelOf(flags) !== 'scorecard' && modelOf(flags) !== FUSION_KIND) throw new InvalidArgumentError(`${names} ${given.length > 1 ? 'are' : 'is'} for --model scorecard only; drop ${given.length > 1 ? 'them' : 'it'} or add --model scorecard`);
  if (flags.resume) throw new InvalidArgumentError(`a resumed job keeps the parameters it started with; drop ${names}`);
  const p: Record<string, number | string> = { ...DEFAULT_SCORECARD_PARAMS };
  for (const k of given) {
    const raw = String(flags[flagKey(SCORECARD_FLAGS[k])]).trim();
    if (k === 'binningMethod') p[k] = raw;
    else {
      const n = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) throw new InvalidArgumentError(`${SCORECARD_FLAGS[k]} takes a number, got '${raw}' (${SCORECARD_FLAG_HELP[k]})`);
      p[k] = n;
    }
  }
  try {
    return checkScorecardParams(p as unknown as ScorecardParams, (k) => SCORECARD_FLAGS[k], 'see fedcredit train --help');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^scorecard parameter /, ''));
  }
}

/** `--clip-quantiles 0.01,0.99` (or `none`) and the other preprocessing flags as the wire message. */
function preprocessingFlags(flags: TrainFlags): PreprocessingWire {
  const wire: PreprocessingWire = {};
  const clip = flags.clipQuantiles?.trim();
  if (clip === 'none') wire.noClip = true;
  else if (clip !== undefined) {
    const q = clip.split(',').map((x) => Number(x.trim()));
    if (q.length !== 2 || q.some((x) => !Number.isFinite(x)) || !(q[0]! >= 0 && q[0]! < 0.5 && q[1]! > 0.5 && q[1]! <= 1)) {
      throw new InvalidArgumentError(`--clip-quantiles takes two quantiles LOW,HIGH with 0 <= LOW < 0.5 < HIGH <= 1 (e.g. 0.01,0.99), or 'none'; got '${clip}'`);
    }
    wire.clipLower = q[0]!;
    wire.clipUpper = q[1]!;
  }
  if (flags.logTransform !== undefined) wire.logTransform = flags.logTransform;
  if (flags.impute !== undefined) wire.impute = flags.impute;
  if (flags.missingIndicators === false) wire.noMissingIndicators = true;
  return wire;
}

function choice(name: string, allowed: readonly string[]) {
  return (value: string): string => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`${name} is one of ${allowed.join(', ')}; got '${value}'`);
    return value;
  };
}

/**
 * A model as `model show --json` gives it: its metadata and, for a scorecard, its comparison with
 * the bank-only scorecard and the LR on the same split (models/scorecard/report-text.ts).
 */
export function modelForJson(m: ModelMetadata, lr?: ModelMetadata, fused?: Fused): ModelMetadata & { scorecardComparison?: ScorecardComparison | null } {
  if (m.kind === FUSION_KIND) return { ...m, fusionComparison: fusionComparison(m, fused?.trees, fused?.scorecard) } as ModelMetadata;
  return m.kind === 'scorecard' ? { ...m, scorecardComparison: scorecardComparison(m, lr) ?? null } : m;
}

/** For a fusion model: the federated boosted-trees and scorecard models on the same alignment (models/fusion/report.ts). */
export interface Fused { trees?: ModelMetadata; scorecard?: ModelMetadata }
export async function comparedFusion(m: ModelMetadata, coordinator: string, transport: ReturnType<typeof resolveTransport>): Promise<Fused | undefined> {
  if (m.kind !== FUSION_KIND) return undefined;
  const models = await listModels(coordinator, transport);
  const trees = sameSplitModel(m, models, TREES_KIND);
  const scorecard = sameSplitModel(m, models, 'scorecard');
  return { ...(trees ? { trees } : {}), ...(scorecard ? { scorecard } : {}) };
}

/** For a scorecard model: the LR trained on the same alignment, which its report is compared with (the demo's reports use it too: bin/demo-models.ts). */
export async function comparedLr(m: ModelMetadata, coordinator: string, transport: ReturnType<typeof resolveTransport>): Promise<ModelMetadata | undefined> {
  return m.kind === 'scorecard' ? sameSplitLr(m, await listModels(coordinator, transport)) : undefined;
}

/**
 * `model show --compare V1,V2`: the models a fusion model (its boosted trees and scorecard) or a
 * scorecard (its LR) is compared with, named rather than the newest of each kind on the same
 * alignment. Each must exist, be of a kind the model compares with (one per kind) and share its
 * alignment: a comparison on another split would compare nothing.
 */
export async function chosenComparisons(m: ModelMetadata, list: string, get: (version: string) => Promise<ModelMetadata>): Promise<{ lr?: ModelMetadata; fused?: Fused }> {
  const versions = [...new Set(list.split(',').map((v) => v.trim()).filter((v) => v !== ''))];
  const kinds = m.kind === FUSION_KIND ? [TREES_KIND, 'scorecard'] : m.kind === 'scorecard' ? ['lr'] : [];
  if (kinds.length === 0) throw new InvalidArgumentError(`--compare: model ${m.modelVersion} is of kind ${m.kind ?? 'lr'}, which has no comparison to choose (it is for fusion and scorecard models); drop --compare`);
  if (versions.length === 0 || versions.length > kinds.length) throw new InvalidArgumentError(`--compare: name ${kinds.length === 1 ? 'one model' : `one to ${kinds.length} models`} (${kinds.join(', ')}), comma-separated; got '${list.slice(0, 80)}'`);
  const picked = new Map<string, ModelMetadata>();
  for (const v of versions) {
    const x = await get(v);
    const kind = x.kind ?? 'lr';
    if (!kinds.includes(kind)) throw new InvalidArgumentError(`--compare: model ${x.modelVersion} is of kind ${kind}; a ${m.kind} model is compared with ${kinds.join(' and ')} models`);
    if (picked.has(kind)) throw new InvalidArgumentError(`--compare: models ${picked.get(kind)!.modelVersion} and ${x.modelVersion} are both ${kind} models; name one of each kind`);
    if (x.alignmentId !== m.alignmentId || x.alignmentDigest !== m.alignmentDigest) {
      throw new InvalidArgumentError(`--compare: model ${x.modelVersion} was trained on alignment ${x.alignmentId}, model ${m.modelVersion} on ${m.alignmentId}; a comparison needs the same split (train one on ${m.alignmentId})`);
    }
    picked.set(kind, x);
  }
  if (m.kind === FUSION_KIND) {
    const trees = picked.get(TREES_KIND);
    const scorecard = picked.get('scorecard');
    return { fused: { ...(trees ? { trees } : {}), ...(scorecard ? { scorecard } : {}) } };
  }
  const lr = picked.get('lr');
  return lr ? { lr } : {};
}

export function describeModel(m: ModelMetadata, lr?: ModelMetadata, fused?: Fused): string {
  const metrics = m.metrics as { validationAuc?: number; aucHistory?: number[]; epochSeconds?: number[]; trainSize?: number; validationSize?: number; report?: unknown };
  const lines = [
    `model ${m.modelVersion} (job ${m.jobId}, log entry ${m.logIndex ?? '-'}), ${m.createdAt}`,
    `  ${m.kind && m.kind !== 'lr' ? `model kind ${m.kind}; ` : ''}purpose ${m.purpose}; alignment ${m.alignmentId}${m.alignmentDigest ? ` (digest ${m.alignmentDigest.slice(0, 16)}...)` : ''}`,
    `  sites: ${m.sites.map((s) => `${s.site} (${s.role}, ${s.featureCount} columns)`).join(', ')}`,
    `  parameters: ${Object.entries(m.params).filter(([k]) => k !== 'preprocessing' && k !== 'modelKindParams').map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
    ...(m.params.modelKindParams ? [`  ${m.kind ?? 'kind'} parameters: ${Object.entries(m.params.modelKindParams).map(([k, v]) => `${k}=${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}`] : []),
    `  preprocessing at each site: ${describePreprocessing(preprocessingOf(m.params))}`,
    ...m.sites.flatMap((s) => (s.transforms ?? []).length === 0 ? [] : [
      `    ${s.site}: ${s.transforms!.map((t) => `${t.feature} (${t.steps.filter((x) => x !== 'standardized').join(', ') || 'as is'})`).join('; ')}`,
    ]),
    `  ${metrics.trainSize ?? '?'} training / ${metrics.validationSize ?? '?'} validation enterprises; validation AUC ${metrics.validationAuc?.toFixed(4) ?? '-'}` +
      ` over ${metrics.aucHistory?.length ?? 0} ${m.kind === TREES_KIND ? 'trees' : 'epochs'} (${(metrics.aucHistory ?? []).map((a) => a.toFixed(4)).join(', ')})`,
  ];
  if (metrics.epochSeconds?.length) lines.push(`  seconds per epoch: ${metrics.epochSeconds.map((s) => s.toFixed(1)).join(', ')}`);
  if (metrics.report) {
    try {
      const report = parseEvaluationReport(metrics.report);
      // The verdict first, where it cannot be missed: does federation pay on this job (issue 19)?
      const best = metrics.aucHistory?.length ? metrics.aucHistory.indexOf(Math.max(...metrics.aucHistory)) : undefined;
      lines.push('', formatVerdict(report, {
        ...(metrics.trainSize !== undefined ? { trainSize: metrics.trainSize } : {}),
        ...(metrics.aucHistory ? { epochs: metrics.aucHistory.length } : {}), ...(best !== undefined ? { bestEpoch: best } : {}), params: m.params,
      }));
      lines.push('', formatEvaluationReport(report));
      // A fusion card's tables, without the scorecard's own comparison (fusion's follows: models/fusion/report.ts).
      if (report.scorecard) lines.push('', m.kind === FUSION_KIND ? formatScorecardTables(m, report.scorecard) : formatScorecard(m, lr));
      if (m.kind === TREES_KIND) lines.push('', formatTrees(m));
      if (m.kind === FUSION_KIND) lines.push('', formatFusion(m, fused?.trees, fused?.scorecard));
    } catch (err) {
      lines.push(`  (evaluation report unreadable: ${(err as Error).message})`);
    }
  } else {
    lines.push('  (no evaluation report)');
  }
  return lines.join('\n');
}

/**
 * The job's flags of `fedcredit train` (everything but where and how to connect): the CLI's
 * command and the console's training form (parseTrainArgs) parse and check them alike.
 */
function trainJobOptions(cmd: Command): Command {
  return cmd
    .option('--alignment <id>', 'the alignment to train on (fedcredit align prints it)')
    .option('--resume <job>', 'resume an unfinished job (or follow a running one) instead of starting one')
    .option('--epochs <n>', 'maximum passes over the training split (default 100; early stopping usually ends sooner)', positiveInt('--epochs'))
    .option('--batch <n>', 'samples per mini-batch (default 8192, at most 65536; the remainder joins the last batch; every site refuses batches under 8 samples per feature it has)', positiveInt('--batch'))
    .option('--lr <rate>', 'learning rate of epoch 0 (default 0.5)', positiveNumber('--lr'))
    .option('--l2 <lambda>', 'L2 penalty (default 0.001)', nonNegative('--l2'))
    .option('--decay <d>', 'inverse-time learning-rate decay per epoch (default 0)', nonNegative('--decay'))
    .option('--seed <n>', 'seed of the batch order (default 1)', positiveInt('--seed'))
    .option('--patience <n>', 'stop after this many epochs without a validation AUC gain (default 3)', positiveInt('--patience'))
    .option('--clip-quantiles <low,high>', `clip each feature at these quantiles of its training values at its own site, or 'none' (default ${DEFAULT_PREPROCESSING.clipQuantiles!.join(',')})`)
    .option('--log-transform <mode>', "'auto': log(1+x) for a non-negative feature still skewed after clipping; 'off' (default auto)", choice('--log-transform', ['auto', 'off']))
    .option('--impute <how>', "a missing cell takes the feature's training 'median' or 'mean' (default median)", choice('--impute', ['median', 'mean']))
    .option('--no-missing-indicators', 'no "was missing" column for features with missing cells')
    .option('--purpose <purpose>', 'purpose recorded in the log and checked by every node\'s policy', 'credit-scoring')
    .option('--plaintext', 'no encryption (benchmark comparison only)')
    .option('--model <kind>', `the model kind to train: lr, scorecard, ${TREES_KIND}, ${FUSION_KIND} (training/model-kind.ts; kinds outside the built-ins come from FEDCREDIT_MODEL_KIND_MODULES; default lr)`)
    .option('--kind <kind>', 'the same as --model')
    .option(`${SCORECARD_FLAGS.bins} <n>`, SCORECARD_FLAG_HELP.bins)
    .option(`${SCORECARD_FLAGS.minBinCount} <n>`, SCORECARD_FLAG_HELP.minBinCount)
    .option(`${SCORECARD_FLAGS.minBinShare} <share>`, SCORECARD_FLAG_HELP.minBinShare)
    .option(`${SCORECARD_FLAGS.minIv} <iv>`, SCORECARD_FLAG_HELP.minIv)
    .option(`${SCORECARD_FLAGS.maxCharacteristics} <n>`, SCORECARD_FLAG_HELP.maxCharacteristics)
    .option(`${SCORECARD_FLAGS.binningMethod} <method>`, SCORECARD_FLAG_HELP.binningMethod)
    .option(`${SCORECARD_FLAGS.maxVif} <vif>`, SCORECARD_FLAG_HELP.maxVif)
    .option(`${TREE_FLAGS.trees} <n>`, TREE_FLAG_HELP.trees!)
    .option(`${TREE_FLAGS.depth} <n>`, TREE_FLAG_HELP.depth!)
    .option(`${TREE_FLAGS.learningRate} <eta>`, TREE_FLAG_HELP.learningRate!)
    .option(`${TREE_FLAGS.gamma} <g>`, TREE_FLAG_HELP.gamma!)
    .option(`${TREE_FLAGS.minChildWeight} <h>`, TREE_FLAG_HELP.minChildWeight!)
    .option(`${TREE_FLAGS.minChildCount} <n>`, TREE_FLAG_HELP.minChildCount!)
    .option(`${TREE_FLAGS.rowSample} <share>`, TREE_FLAG_HELP.rowSample!)
    .option(`${TREE_FLAGS.colSample} <share>`, TREE_FLAG_HELP.colSample!)
    .option(`${TREE_FLAGS.minCellCount} <n>`, TREE_FLAG_HELP.minCellCount!)
    .option(`${TREE_FLAGS.earlyStoppingRounds} <n>`, TREE_FLAG_HELP.earlyStoppingRounds!)
    .option(`${TREE_FLAGS.stride} <s>`, TREE_FLAG_HELP.stride!)
    .option(`${TREE_FLAGS.partitionMode} <mode>`, TREE_FLAG_HELP.partitionMode!)
    .option(`${TREE_FLAGS.firstTreeBankOnly} <bool>`, TREE_FLAG_HELP.firstTreeBankOnly!)
    .option(`${FUSION_FLAGS.trees} <n>`, FUSION_FLAG_HELP.trees)
    .option(`${FUSION_FLAGS.depth} <n>`, FUSION_FLAG_HELP.depth);
}

/**
 * `--model fusion`'s parameters (design section 9): `--fusion-trees`, `--fusion-depth` and the
 * scorecard flags; the trees' other parameters are section 8's (models/fusion/params.ts).
 */
function fusionFlags(flags: TrainFlags, card: ScorecardParams | undefined): FusionParams | undefined {
  const given = (['fusionTrees', 'fusionDepth'] as const).filter((k) => flags[k] !== undefined);
  if (modelOf(flags) !== FUSION_KIND) {
    if (given.length > 0) throw new InvalidArgumentError(`${FUSION_FLAGS.trees} and ${FUSION_FLAGS.depth} are for --model ${FUSION_KIND} only; drop them or add --model ${FUSION_KIND}`);
    return undefined;
  }
  if (flags.resume) return undefined;
  const whole = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw.trim());
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} takes a whole number, got '${raw}'`);
    return n;
  };
  const scorecard = card ?? DEFAULT_SCORECARD_PARAMS;
  const t = whole(FUSION_FLAGS.trees, flags.fusionTrees);
  const d = whole(FUSION_FLAGS.depth, flags.fusionDepth);
  try {
    return checkFusionParams({ trees: fusionTreeParams(scorecard, { ...(t !== undefined ? { trees: t } : {}), ...(d !== undefined ? { depth: d } : {}), jobSeed: flags.seed ?? randomInt(0, 2 ** 32 - 1) }), scorecard }, 'see fedcredit train --help');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/trees\.trees/, FUSION_FLAGS.trees).replace(/trees\.depth/, FUSION_FLAGS.depth));
  }
}

/** The RunTraining request the flags ask for, every check done; `seed` of boosted trees drawn when not given. */
function trainingRequestOf(flags: TrainFlags): { request: TrainingRequest; treesSeed?: number } {
  if (!flags.alignment && !flags.resume) throw new InvalidArgumentError('say what to train: --alignment ID, or --resume JOB');
  const scorecard = scorecardFlags(flags);
  const trees = treesFlags(flags);
  const fusion = fusionFlags(flags, scorecard);
  const request: TrainingRequest = {
    alignmentId: flags.alignment ?? '', resumeJobId: flags.resume ?? '', purpose: flags.purpose, plaintext: Boolean(flags.plaintext), modelKind: modelOf(flags),
    epochs: flags.epochs ?? 0, batchSize: flags.batch ?? 0, learningRate: flags.lr ?? 0, l2: flags.l2 ?? 0, decay: flags.decay ?? 0,
    seed: flags.seed ?? 0, patience: flags.patience ?? 0, preprocessing: preprocessingFlags(flags),
    ...(scorecard && !fusion ? { kindParams: scorecardParamsAny(scorecard) } : {}),
    ...(fusion ? { kindParams: fusionParamsAny(fusion) } : {}),
    ...(trees ? { kindParams: treesParamsAny(trees) } : {}),
  };
  return { request, ...(trees ? { treesSeed: trees.jobSeed } : {}), ...(fusion ? { treesSeed: fusion.trees.jobSeed } : {}) };
}

/** The long names of the job's flags (`epochs`, `min-bin-size`, ...) and their help: what a form may send. */
export function trainJobFlags(): { name: string; takesValue: boolean; help: string }[] {
  return trainJobOptions(new Command('train')).options.map((o) => ({ name: o.long!.slice(2), takesValue: o.required || o.optional, help: o.description }));
}

/**
 * `fedcredit train`'s job flags given as words (`['--alignment', 'a1', '--epochs', '5']`) as the
 * RunTraining request, parsed and checked exactly as the CLI does (the console's training form);
 * throws the CLI's message (InvalidArgumentError, or commander's for an unknown flag).
 */
export function parseTrainArgs(args: readonly string[]): TrainingRequest {
  let flags: TrainFlags | undefined;
  const cmd = trainJobOptions(new Command('train'))
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .action((f: TrainFlags) => { flags = f; });
  cmd.parse([...args], { from: 'user' });
  if (!flags) throw new InvalidArgumentError('no training flags were parsed');
  return trainingRequestOf(flags).request;
}

export function registerTrainingCommands(program: Command): void {
  trainJobOptions(withTransportOptions(program.command('train'))
    .description('train the joint credit model on an alignment (vertical federated logistic regression over BFV)')
    .addHelpText('after', GUARANTEES)
    .requiredOption('--coordinator <host:port>', 'the coordinator'))
    .option('--json', 'print the stored model as JSON')
    .action((flags: TrainFlags) => runCommand(async () => {
      const { request, treesSeed } = trainingRequestOf(flags);
      if (treesSeed !== undefined && !flags.json) process.stderr.write(`boosted trees, seed ${treesSeed}\n`);
      const transport = resolveTransport(flags);
      const progress = flags.json ? () => undefined : progressLine('train');
      const model = await runTraining(flags.coordinator, transport, request, (p) => {
        if (flags.json) return;
        if (p.stage === 'epoch' || p.stage === 'started' || p.stage === 'accepted') {
          endProgress();
          process.stderr.write(`${p.message} (${p.elapsedSeconds.toFixed(1)} s elapsed)\n`);
        } else {
          progress(`${p.stage}: ${p.message}`);
        }
      });
      if (!flags.json) endProgress();
      const lr = await comparedLr(model, flags.coordinator, transport);
      const fused = await comparedFusion(model, flags.coordinator, transport);
      emit(Boolean(flags.json), modelForJson(model, lr, fused), () => describeModel(model, lr, fused));
    }));

  const jobs = program.command('jobs').description('the coordinator\'s training jobs (Training.ListJobs; the coordinator\'s operator only)');
  withTransportOptions(jobs.command('list'))
    .description('list training jobs, newest first: stage, epoch, best validation AUC, model, a failed job\'s error')
    .requiredOption('--coordinator <host:port>', 'the coordinator')
    .option('--limit <n>', 'at most this many jobs (default 50, at most 200)', positiveInt('--limit'))
    .option('--json', 'print as JSON')
    .action((flags: TransportFlags & { coordinator: string; limit?: number; json?: boolean }) => runCommand(async () => {
      const list = await listJobs(flags.coordinator, resolveTransport(flags), { limit: flags.limit ?? 0 });
      emit(Boolean(flags.json), list, () => list.length === 0 ? 'no training jobs yet (run fedcredit train)' : list.map((j) =>
        `${j.jobId}  ${j.stage}${j.running ? ' (running)' : ''}  ${j.modelKind}  epoch ${j.epoch}/${j.epochs}  AUC ${j.aucHistory.length > 0 ? j.validationAuc.toFixed(4) : '-'}  ` +
        `model ${j.modelVersion}  alignment ${j.alignmentId}  started ${new Date(Number(j.startedMs)).toISOString()}` +
        (j.stage === 'failed' ? `\n    ${j.errorCode || 'error'}: ${j.errorMessage}${j.running ? '' : `\n    resume: fedcredit train --resume ${j.jobId}`}` : '')).join('\n'));
    }));

  const model = program.command('model').description('trained models: metadata and evaluation reports (never weights)');
  withTransportOptions(model.command('show'))
    .description('print one model\'s metadata and its evaluation report')
    .argument('<version>', 'model version, e.g. m1')
    .requiredOption('--coordinator <host:port>', 'the coordinator')
    .option('--json', 'print as JSON')
    .option('--html <file>', 'also write the report as one self-contained HTML file with charts (no script, no network); it holds what model show shows: send it only to those allowed to read this report')
    .option('--lang <lang>', `language of the --html file: ${REPORT_LOCALES.join(' or ')} (default zh-CN)`, choice('--lang', [...REPORT_LOCALES]))
    .option('--compare <versions>', 'compare with these models (comma-separated, e.g. m7,m9) instead of the newest of each kind on the same alignment: a fusion model with its boosted-trees and scorecard models, a scorecard with its LR')
    .action((version: string, flags: TransportFlags & { coordinator: string; json?: boolean; html?: string; lang?: ReportLocale; compare?: string }) => runCommand(async () => {
      const transport = resolveTransport(flags);
      const m = await getModel(flags.coordinator, transport, version);
      const chosen = flags.compare === undefined ? undefined : await chosenComparisons(m, flags.compare, (v) => getModel(flags.coordinator, transport, v));
      const fused = chosen ? chosen.fused : await comparedFusion(m, flags.coordinator, transport);
      if (flags.html !== undefined) {
        const compared = m.kind === FUSION_KIND ? fusionComparison(m, fused?.trees, fused?.scorecard) : undefined;
        const file = modelReportFile(m, flags.lang ?? 'zh-CN', compared ? { compared } : {});
        if (file === undefined) throw new InvalidArgumentError(`model ${version} has no evaluation report to write to ${flags.html} (only the label holder's job writes one); drop --html`);
        fs.writeFileSync(flags.html, file);
        if (!flags.json) process.stderr.write(`wrote ${flags.html} (${Math.round(Buffer.byteLength(file) / 1024)} KiB)\n`);
      }
      const lr = chosen ? chosen.lr : await comparedLr(m, flags.coordinator, transport);
      // The coordinator's operator also sees the model's monitoring runs (monitoring/model-runs.ts).
      const runs = await monitoringRunsOf(flags.coordinator, transport, version);
      emit(Boolean(flags.json), { ...modelForJson(m, lr, fused), ...(runs ? { monitoring: runs } : {}) }, () => describeModel(m, lr, fused) + (runs ? describeMonitoringRuns(runs) : ''));
    }));
  withTransportOptions(model.command('list'))
    .description('list the trained models')
    .requiredOption('--coordinator <host:port>', 'the coordinator')
    .option('--json', 'print as JSON')
    .action((flags: TransportFlags & { coordinator: string; json?: boolean }) => runCommand(async () => {
      const models = await listModels(flags.coordinator, resolveTransport(flags));
      emit(Boolean(flags.json), models, () => models.length === 0 ? 'no models yet (run fedcredit train)' : models.map((m) => {
        const auc = (m.metrics as { validationAuc?: number }).validationAuc;
        return `${m.modelVersion.padEnd(5)} ${m.createdAt}  job ${m.jobId}  alignment ${m.alignmentId}  AUC ${auc?.toFixed(4) ?? '-'}  ` +
          `${m.sites.map((s) => `${s.site}:${s.featureCount}`).join(' ')}`;
      }).join('\n'));
    }));
}
