/**
 * A data node's local policy: which coordinators may start training jobs here, for which
 * purposes, and which of this site's features a job may use; and which score queries it answers
 * (by the consent's purpose and the requester bank). The node checks it itself: a refused job
 * fails whole with POLICY_REFUSED, naming the site and the rule, and nothing is stored anywhere;
 * a refused query is refused with POLICY_REFUSED before its consent is used, recorded in the
 * node's served book, and logged by the coordinator as a refusal by this site.
 *
 * File (`fedcredit node serve --policy FILE`), JSON, every field optional:
 *   {
 *     "coordinators": ["coordinator"],          // certified coordinator names allowed to start jobs
 *     "purposes": ["credit-scoring"],           // purposes this site takes part in
 *     "features": ["revenue_12m", "..."],       // features a job may use (default: all)
 *     "excludeFeatures": ["..."],               // features a job must not use
 *     "allowPlaintext": false,                  // plaintext-mode jobs (benchmarks on test data only)
 *     "queryPurposes": ["credit-assessment"],   // consent purposes this site answers queries for (default: all)
 *     "queryRequesters": ["bank-a"],            // requester banks it answers (default: every consented one)
 *     "refuseRequesters": ["bank-x"]            // requester banks it never answers
 *   }
 * Without a file: the federation's coordinator, purpose credit-scoring, all features, and no
 * plaintext mode: a plaintext job sends this site's partial terms unencrypted to the bank, so
 * only a node set up for benchmarks on test data may take part in one.
 */
import fs from 'node:fs';
import { FedcreditError } from '../lib/errors.js';
import { batchRuleViolation, checkParams, type TrainingParams } from '../training/schedule.js';

export interface TrainingPolicy {
  readonly coordinators: readonly string[];
  readonly purposes: readonly string[];
  /** Allowed features by name; undefined = every feature in the catalogue. */
  readonly features?: readonly string[];
  readonly excludeFeatures: readonly string[];
  /** Whether this node takes part in plaintext-mode jobs (benchmarks only; default false). */
  readonly allowPlaintext: boolean;
  /** Consent purposes this node answers score queries for; undefined = every purpose. */
  readonly queryPurposes?: readonly string[];
  /** Requester banks (federation names) this node answers; undefined = every one a consent names. */
  readonly queryRequesters?: readonly string[];
  /** Requester banks this node never answers. */
  readonly refuseRequesters?: readonly string[];
  /**
   * Boosted trees: the smallest minCellCount this site takes part with (docs/design/secureboost.md
   * section 9; default DEFAULT_TREES_MIN_CELL). The exactness tests set it to 1.
   */
  readonly treesMinCell?: number;
  /**
   * Monitoring (docs/design/monitoring.md 5.2): what this site tells the coordinator of its own
   * features' stability at the end of a run: every feature's CSI (`per-feature`, the default), the
   * largest only (`max-only`), or nothing (`none`). The bins and counts never leave the site.
   */
  readonly monitoring?: { readonly shareCsi: MonitoringCsiShare };
  /** Where it came from, for messages. */
  readonly source: string;
}

export const DEFAULT_POLICY: TrainingPolicy = {
  coordinators: ['coordinator'],
  purposes: ['credit-scoring'],
  excludeFeatures: [],
  allowPlaintext: false,
  source: 'the default policy',
};

const KEYS = new Set(['coordinators', 'purposes', 'features', 'excludeFeatures', 'allowPlaintext', 'queryPurposes', 'queryRequesters', 'refuseRequesters', 'treesMinCell', 'monitoring']);

/** The values of a policy's `monitoring.shareCsi` (monitoring/run-report.ts applies them). */
export const MONITORING_CSI_SHARES = ['per-feature', 'max-only', 'none'] as const;
export type MonitoringCsiShare = (typeof MONITORING_CSI_SHARES)[number];

/** A site's floor on a boosted-trees job's minCellCount when its policy names none. */
export const DEFAULT_TREES_MIN_CELL = 20;

export function parsePolicy(text: string, source: string): TrainingPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `policy ${source}: not valid JSON (${(err as Error).message}); fix the file`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FedcreditError('BAD_REQUEST', `policy ${source}: must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KEYS.has(key)) throw new FedcreditError('BAD_REQUEST', `policy ${source}: unknown field '${key}' (allowed: ${[...KEYS].join(', ')})`);
  }
  const list = (key: string): string[] | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length > 0)) {
      throw new FedcreditError('BAD_REQUEST', `policy ${source}: '${key}' must be a list of non-empty strings`);
    }
    return v as string[];
  };
  const features = list('features');
  const queryPurposes = list('queryPurposes');
  const queryRequesters = list('queryRequesters');
  const refuseRequesters = list('refuseRequesters');
  const allowPlaintext = obj['allowPlaintext'] ?? false;
  if (typeof allowPlaintext !== 'boolean') throw new FedcreditError('BAD_REQUEST', `policy ${source}: 'allowPlaintext' must be true or false`);
  const treesMinCell = obj['treesMinCell'];
  if (treesMinCell !== undefined && (typeof treesMinCell !== 'number' || !Number.isInteger(treesMinCell) || treesMinCell < 1 || treesMinCell > 100_000)) {
    throw new FedcreditError('BAD_REQUEST', `policy ${source}: 'treesMinCell' must be a whole number from 1 to 100000`);
  }
  const monitoring = parseMonitoring(obj['monitoring'], source);
  return {
    coordinators: list('coordinators') ?? DEFAULT_POLICY.coordinators,
    purposes: list('purposes') ?? DEFAULT_POLICY.purposes,
    ...(features ? { features } : {}),
    excludeFeatures: list('excludeFeatures') ?? [],
    allowPlaintext,
    ...(queryPurposes ? { queryPurposes } : {}),
    ...(queryRequesters ? { queryRequesters } : {}),
    ...(refuseRequesters ? { refuseRequesters } : {}),
    ...(treesMinCell !== undefined ? { treesMinCell: treesMinCell as number } : {}),
    ...(monitoring ? { monitoring } : {}),
    source,
  };
}

function parseMonitoring(v: unknown, source: string): { shareCsi: MonitoringCsiShare } | undefined {
  if (v === undefined) return undefined;
  const shape = `'monitoring' must be an object like {"shareCsi": "max-only"} (shareCsi: ${MONITORING_CSI_SHARES.join(' | ')})`;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FedcreditError('BAD_REQUEST', `policy ${source}: ${shape}`);
  const obj = v as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key !== 'shareCsi') throw new FedcreditError('BAD_REQUEST', `policy ${source}: unknown field 'monitoring.${key}' (allowed: shareCsi)`);
  }
  const share = obj['shareCsi'];
  if (!MONITORING_CSI_SHARES.includes(share as MonitoringCsiShare)) {
    throw new FedcreditError('BAD_REQUEST', `policy ${source}: 'monitoring.shareCsi' is ${JSON.stringify(share)}; use one of ${MONITORING_CSI_SHARES.join(', ')}`);
  }
  return { shareCsi: share as MonitoringCsiShare };
}

export function loadPolicy(file: string | undefined): TrainingPolicy {
  if (file === undefined) return DEFAULT_POLICY;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new FedcreditError('NOT_FOUND', `policy file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parsePolicy(text, file);
}

/**
 * Check a job against the policy; returns the positions (catalogue order) of the features the
 * job may use. Throws POLICY_REFUSED naming the site and the rule.
 */
export function checkTrainingPolicy(
  policy: TrainingPolicy, site: string, job: { coordinator: string; purpose: string; plaintext: boolean }, catalogue: readonly string[],
): number[] {
  const refuse = (rule: string, what: string): never => {
    throw new FedcreditError('POLICY_REFUSED', `site ${site} refuses the job: ${what} (rule '${rule}' of ${policy.source}); ask ${site}'s operator to change its policy`, { site, rule });
  };
  if (!policy.coordinators.includes(job.coordinator)) refuse('coordinators', `coordinator '${job.coordinator}' is not allowed (allowed: ${policy.coordinators.join(', ')})`);
  if (!policy.purposes.includes(job.purpose)) refuse('purposes', `purpose '${job.purpose}' is not allowed (allowed: ${policy.purposes.join(', ')})`);
  if (job.plaintext && !policy.allowPlaintext) refuse('allowPlaintext', 'the job asks for plaintext mode, which would send this site\'s partial terms to the bank unencrypted (benchmarks on test data only)');
  if (policy.features) {
    const unknown = policy.features.filter((f) => !catalogue.includes(f));
    if (unknown.length > 0) refuse('features', `it names features this site does not have: ${unknown.join(', ')}`);
  }
  const unknownExcluded = policy.excludeFeatures.filter((f) => !catalogue.includes(f));
  if (unknownExcluded.length > 0) refuse('excludeFeatures', `it names features this site does not have: ${unknownExcluded.join(', ')}`);
  const indexes = catalogue.flatMap((name, i) => ((policy.features ?? catalogue).includes(name) && !policy.excludeFeatures.includes(name) ? [i] : []));
  if (indexes.length === 0) refuse('features', 'no feature of this site may be used');
  return indexes;
}

/**
 * Check a score query against the policy, by the purpose and the requester its signed query
 * names (the node verifies that signature and the consent right after). Throws POLICY_REFUSED
 * naming the site and the rule.
 */
export function checkQueryPolicy(policy: TrainingPolicy, site: string, query: { purpose: string; requester: string }): void {
  const refuse = (rule: string, what: string): never => {
    throw new FedcreditError('POLICY_REFUSED', `site ${site} refuses the query: ${what} (rule '${rule}' of ${policy.source}); ask ${site}'s operator to change its policy`, { site, rule });
  };
  if (policy.queryPurposes && !policy.queryPurposes.includes(query.purpose)) {
    refuse('queryPurposes', `purpose '${query.purpose}' is not answered here (answered: ${policy.queryPurposes.join(', ') || 'none'})`);
  }
  if (policy.refuseRequesters?.includes(query.requester)) refuse('refuseRequesters', `requester '${query.requester}' is not answered here`);
  if (policy.queryRequesters && !policy.queryRequesters.includes(query.requester)) refuse('queryRequesters', `requester '${query.requester}' is not among the requesters answered here`);
}

/**
 * The batch rule (training/schedule.ts, argued in training/README.md), which no policy file can
 * relax: a batch smaller than MIN_ROWS_PER_COLUMN samples per column of this site would let it
 * (or, for the bank, the passive sites' terms) be solved from its own gradient. `columns`
 * counts the bank's intercept; `trainSamples` is the training split this site holds. Throws
 * BAD_REQUEST for unreadable parameters, POLICY_REFUSED naming the site and the rule otherwise.
 */
export function checkBatchRule(site: string, jobId: string, given: TrainingParams | undefined, trainSamples: number, columns: number): TrainingParams {
  let params: TrainingParams;
  try {
    if (!given) throw new RangeError('the start carries no training parameters');
    params = given;
    checkParams(params);
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `job ${jobId}: ${(err as Error).message}`);
  }
  const violation = batchRuleViolation(site, trainSamples, params.batchSize, columns);
  if (violation) throw new FedcreditError('POLICY_REFUSED', `site ${site} refuses the job: ${violation} (rule 'minBatch', training/README.md)`, { site, rule: 'minBatch' });
  return params;
}
