/**
 * A data node's side of a monitoring run (docs/design/monitoring.md 2.2 step 4, 2.3, 2.4, 2.5):
 * one `RescoreBatch` is `count` consecutive `rescore` entries of one run, and the node answers
 * it with one masked vector, on its own checks:
 *
 *  1. the log: the carried entries go through the node's LogFollower (verified against the
 *     log's signed checkpoint and the node's cosigned view); the entry at `run_index` must be
 *     the `monitoring-run` of `run_id` naming this site among its participants, and every entry
 *     of the batch a `rescore` of that run naming this site and an item of this node's store
 *     (same consent hash, added before the run entry and not removed between). Anything else
 *     refuses the whole batch (QUERY_NOT_LOGGED) before any consent is used.
 *  2. per slot, the consent with this node's own ledger (consent/monitoring-check.ts: uses
 *     counted per as-of month), its own site and the months its features read; a refused slot
 *     carries fresh randomness (scoring/vector-aggregation.ts), never enc(0) + masks.
 *  3. per slot, its term (the part's kind: `contribution` over the stored vector, or the
 *     population `baseline` with `covered = 0`) and the sealed explanation box bound to site,
 *     requester, the slot's log index and `rescoreId = runId + ":" + subject` (no reasons
 *     without `explain`); the vector masked once per pair per batch.
 *  4. one v2 served record for the batch (log/served-record.ts), the ledger's month uses and the
 *     answer under `a/<runId>/<batchSeq>` in one synced group write (NodeStore.writeGroup), then
 *     the answer.
 *
 * A (runId, batchSeq) asked again gets the stored answer byte for byte (the masks of a batch
 * must never cover two different vectors: u - u' would leak). When the answer is gone but the
 * node can tell it answered before (the run finished here, a later batch of the run is stored,
 * or its ledger shows this run already used a slot's consent), it refuses REPLAY_UNKNOWN and the
 * coordinator starts a new run. FinishRun deletes the stored answers and returns the site's CSI
 * per feature (monitoring/run-report.ts SiteDrift, over the run's covered enterprises, counted
 * in memory batch by batch; a node restarted mid-run reports the batches since).
 */
import crypto from 'node:crypto';
import { BoxSealer } from '../crypto/sealed-box.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import type { ConsentLedger } from '../consent/ledger.js';
import { checkMonitoringUse, MONITORING_PURPOSE } from '../consent/monitoring-check.js';
import { modelServesPurpose, storedConsent } from '../consent/verify.js';
import { featureDataWindow } from '../features/index.js';
import { FedcreditError, type ErrorCode } from '../lib/errors.js';
import type { LogFollower, AppliedEntry } from '../log/follower.js';
import type { ServedRecordBook } from '../log/served-book.js';
import { batchLeavesHash } from '../log/served-record.js';
import { modelKind } from '../models/registry.js';
import type { RescoreBatch__Output } from '../proto/gen/fedcredit/v1/RescoreBatch.js';
import type { RescoreBatchResponse } from '../proto/gen/fedcredit/v1/RescoreBatchResponse.js';
import { isSite } from '../schema/site-schema.js';
import { sealingKeyValid, TOP_REASONS, type ExplanationReason } from '../scoring/protocol.js';
import { PeerMaskSeeds } from '../scoring/secure-aggregation.js';
import { EXPLANATION_BOX_BYTES, ExplanationMacKeys, explainableProblem, sealExplanation } from '../scoring/sealed-explanation.js';
import { maskedVector, MAX_BATCH_SLOTS } from '../scoring/vector-aggregation.js';
import { modelOnCatalogue } from '../site/model-catalogue.js';
import { getStoredPart, type StoredPart } from '../site/model-store.js';
import { checkQueryPolicy, type TrainingPolicy } from '../site/policy.js';
import type { NodeStore } from '../site/store.js';
import type { KindScoring } from '../training/model-kind.js';
import { itemKey, type NodeItem, type NodeItems } from './node-items.js';
import { SiteDrift, type CsiPolicy, type SiteCsi } from './run-report.js';

/** A stored answer: the response's fields as sent, and the batch they answer. */
interface StoredAnswer {
  readonly runIndex: number;
  readonly firstIndex: number;
  readonly count: number;
  readonly shares: string;
  readonly covered: string;
  readonly refused: [number, string][];
  readonly sealed: string;
  readonly logPosition: number;
  /** When it was stored (ms): answers of a run that never finished are deleted after ANSWER_TTL_MS. */
  readonly storedAt?: number;
}

/** Stored answers of a run with no FinishRun are deleted this long after they were written (design 2.4: 7 days). */
export const ANSWER_TTL_MS = 7 * 86_400_000;

/** A run as this node has seen it: its entry and its drift counts (in memory). */
interface RunState {
  readonly runIndex: number;
  readonly model: string;
  readonly asOf: string;
  readonly drift: SiteDrift | undefined;
  readonly counted: Set<number>;
  /** Covered enterprises over the run's batches (also without a reference distribution). */
  covered: number;
}

/** Drift figures of a finished run (`d/<model>/<runId>`), for the node's operator (GetDriftStatus). */
export interface StoredDrift {
  readonly runId: string;
  readonly model: string;
  readonly asOf: string;
  readonly finished: number;
  readonly result: SiteCsi;
}

export const answerKey = (runId: string, batchSeq: number): string => `a/${runId}/${String(batchSeq).padStart(10, '0')}`;
const finishedKey = (runId: string): string => `f/${runId}`;
export const driftKey = (model: string, runId: string): string => `d/${model}/${runId}`;
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

export interface NodeRescoreOptions {
  readonly store: NodeStore;
  readonly site: string;
  readonly sealingKeys: X25519KeyPair;
  readonly ledger: ConsentLedger;
  readonly follower: LogFollower | undefined;
  readonly items: NodeItems;
  readonly servedRecords: ServedRecordBook;
  readonly policy?: TrainingPolicy;
  readonly csiPolicy?: CsiPolicy;
  readonly log: (line: string) => void;
}

interface Part { readonly model: StoredPart; readonly scoring: KindScoring }

export class NodeRescore {
  readonly #opts: NodeRescoreOptions;
  readonly #sealer = new BoxSealer();
  readonly #macKeys: ExplanationMacKeys;
  readonly #runs = new Map<string, RunState>();
  /** Batches being answered, by answer key: a batch asked twice at once is answered once. */
  readonly #inFlight = new Map<string, Promise<RescoreBatchResponse>>();
  readonly #seeds: PeerMaskSeeds;
  #batches = 0;

  constructor(opts: NodeRescoreOptions) {
    this.#opts = opts;
    this.#macKeys = new ExplanationMacKeys(opts.sealingKeys.privateKey);
    this.#seeds = new PeerMaskSeeds(opts.sealingKeys.privateKey, (peer) => opts.follower?.peerSealingKey(peer));
  }

  get batches(): number {
    return this.#batches;
  }

  /** The answer to one batch (the stored one when it was answered before). */
  rescore(batch: RescoreBatch__Output): Promise<RescoreBatchResponse> {
    const key = answerKey(batch.runId, batch.batchSeq);
    const running = this.#inFlight.get(key);
    if (running) return running;
    const answer = this.#rescore(batch).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, answer);
    return answer;
  }

  async #rescore(batch: RescoreBatch__Output): Promise<RescoreBatchResponse> {
    const { follower, site, store } = this.#opts;
    if (!follower) throw new FedcreditError('UNAVAILABLE', `node ${site} runs without a coordinator, so it has no log to check re-scores against`);
    const runId = batch.runId;
    const runIndex = Number(batch.runIndex);
    const firstIndex = Number(batch.firstIndex);
    const count = batch.count;
    const from = Number(batch.entriesFrom);
    for (const [name, v] of [['run_index', runIndex], ['first_index', firstIndex], ['entries_from', from]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) throw new FedcreditError('BAD_REQUEST', `${name} is not a valid index`);
    }
    if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH_SLOTS) throw new FedcreditError('BAD_REQUEST', `a batch of ${count} slots; 1..${MAX_BATCH_SLOTS}`);
    if (firstIndex <= runIndex) throw new FedcreditError('QUERY_NOT_LOGGED', `the batch's entries start at ${firstIndex}, not after the run's entry ${runIndex}`);
    const key = answerKey(runId, batch.batchSeq);
    const stored = await store.monitoring.get(key);
    if (stored !== undefined) return this.#replay(batch, JSON.parse(stored) as StoredAnswer);
    if ((await store.monitoring.get(finishedKey(runId))) !== undefined) {
      throw new FedcreditError('REPLAY_UNKNOWN', `run ${runId.slice(0, 64)} has finished at ${site} and its answers are deleted; start a new run`);
    }
    for await (const k of store.monitoring.keys({ gt: key, lt: `a/${runId}/\uffff`, limit: 1 })) {
      throw new FedcreditError('REPLAY_UNKNOWN', `${site} holds later batches of run ${runId.slice(0, 64)} (${k.slice(-10)}) but not batch ${batch.batchSeq}; its answer is lost: start a new run`);
    }

    // 1. The log: the run entry and every rescore entry of the batch, then the items.
    await follower.offer(from, batch.entries, batch.checkpoint);
    const runEntry = await follower.monitoringEntry(runIndex);
    const run = runEntry?.entry.body;
    if (runEntry?.entry.kind !== 'monitoring-run' || run?.['runId'] !== runId) {
      throw new FedcreditError('QUERY_NOT_LOGGED', `log entry ${runIndex} is not the monitoring-run entry of run ${runId.slice(0, 64)}`);
    }
    const participants = run['participants'] as string[];
    if (!participants.includes(site)) throw new FedcreditError('QUERY_NOT_LOGGED', `run ${runId.slice(0, 64)} does not name site ${site} among its participants`);
    if (participants.length < 2 || new Set(participants).size !== participants.length) {
      throw new FedcreditError('TOO_FEW_SITES', 'a run must name at least two distinct sites: one masked vector would reveal a single site\'s terms');
    }
    const requester = String(run['requester']);
    const portfolio = String(run['portfolio']);
    const entries: AppliedEntry[] = [];
    for (let j = 0; j < count; j++) {
      const e = await follower.monitoringEntry(firstIndex + j);
      const b = e?.entry.body;
      if (e?.entry.kind !== 'rescore' || b?.['run'] !== runIndex || b['requester'] !== requester || !(b['sites'] as string[]).includes(site)) {
        throw new FedcreditError('QUERY_NOT_LOGGED', `log entry ${firstIndex + j} is not a rescore of run ${runId.slice(0, 64)} naming ${site}; a node serves only re-scores it finds in the log`);
      }
      entries.push(e);
    }
    const subjects = entries.map((e) => String(e.entry.body['subject']));
    const items = await this.#opts.items.getMany(subjects.map((s) => itemKey(requester, portfolio, s)));
    items.forEach((item, j) => {
      const b = entries[j]!.entry.body;
      const problem = item === undefined ? 'is not in this node\'s store'
        : item.consentHash !== b['consentHash'] || item.consentId !== b['consentId'] ? 'is stored under another consent'
          : item.addIndex >= runIndex ? 'was added after the run\'s entry'
            : follower.removedAt(requester, portfolio, item.subject).some((r) => r > item.addIndex && r < runIndex) ? 'was removed before the run\'s entry' : undefined;
      if (problem) throw new FedcreditError('QUERY_NOT_LOGGED', `the rescore at ${firstIndex + j}: item ${subjects[j]} of ${requester}/${portfolio} ${problem}`);
    });
    const stock = items as NodeItem[];

    // The model part, the masks' seeds and the sealing key, before any consent is used.
    const model = String(run['model']);
    const part = await this.#part(model);
    const seeds = new Map<string, Uint8Array>();
    for (const peer of participants) {
      if (peer === site) continue;
      const seed = this.#seeds.of(peer);
      if (!seed) throw new FedcreditError('SHARE_MISSING', `site ${peer} has no registration in the log, so no mask can be agreed with it`);
      seeds.set(peer, seed);
    }
    const meta = await store.getMeta();
    const asOf = (run['asOf'] as Record<string, string>)[site] ?? meta.asOf;
    if (asOf === undefined) throw new FedcreditError('UNAVAILABLE', `site ${site} has no features to re-score with`);
    const dataWindow = meta.asOf !== undefined && isSite(site) ? featureDataWindow(site, meta.asOf) : undefined;
    const sealingKey = Buffer.from(String(run['sealingKey']), 'hex');
    const sealingSignature = Buffer.from(String(run['sealingKeySignature']), 'hex');
    let state = this.#runs.get(runId);
    if (!state) {
      state = { runIndex, model, asOf, drift: part.model.driftReference ? new SiteDrift(part.model.driftReference) : undefined, counted: new Set(), covered: 0 };
      this.#runs.set(runId, state);
    }

    // 2. Per slot, the consent with this node's own ledger.
    const refused = new Map<number, ErrorCode>();
    let policyRefusal: ErrorCode | undefined;
    try {
      if (this.#opts.policy) checkQueryPolicy(this.#opts.policy, site, { purpose: MONITORING_PURPOSE, requester });
    } catch (err) {
      if (!(err instanceof FedcreditError)) throw err;
      policyRefusal = err.code;
    }
    await this.#opts.ledger.preload(stock.map((i) => i.consentId), { month: asOf, subjects });
    const keysChecked = new Map<string, boolean>();
    const written: Promise<void>[] = [];
    const explain: boolean[] = new Array<boolean>(count).fill(false);
    let replayed = false;
    await Promise.all(stock.map(async (item, j) => {
      if (policyRefusal) return void refused.set(j, policyRefusal);
      // Verified (signature included) when StoreItems wrote the item: not verified again per run.
      const consent = storedConsent(item.consent);
      if (!consent.ok) return void refused.set(j, 'CONSENT_MALFORMED');
      const key = consent.value.requester.key;
      if (!keysChecked.has(key)) keysChecked.set(key, sealingKeyValid(requester, key, sealingKey, sealingSignature));
      if (!keysChecked.get(key)) return void refused.set(j, 'CONSENT_WRONG_REQUESTER');
      const verdict = await checkMonitoringUse(this.#opts.ledger, consent.value, {
        requester: { name: requester, key }, subject: item.subject, sites: [site], runId, asOf, deferWrite: true, ...(dataWindow ? { dataWindow } : {}),
      });
      if (!verdict.ok) return void refused.set(j, verdict.code);
      // This run already used the consent here for the month, yet no answer is stored: answered and lost.
      if (!verdict.counted && verdict.runOfMonth === runId && verdict.written === undefined) replayed = true;
      if (verdict.written) written.push(verdict.written);
      explain[j] = verdict.consent.scope.operations.includes('explain');
    }));
    if (replayed) {
      await Promise.all(written);
      throw new FedcreditError('REPLAY_UNKNOWN', `${site} already answered batch ${batch.batchSeq} of run ${runId.slice(0, 64)} for these consents, but holds no stored answer; start a new run`);
    }

    // 3. Terms, boxes, the masked vector.
    const vectors = await store.featureVectors(subjects);
    const terms = new Float64Array(count);
    const covered = Buffer.alloc(Math.ceil(count / 8));
    const sealed = Buffer.alloc(count * EXPLANATION_BOX_BYTES);
    const coveredVectors: Float64Array[] = [];
    for (let j = 0; j < count; j++) {
      const logIndex = firstIndex + j;
      if (refused.has(j)) {
        crypto.randomFillSync(sealed, j * EXPLANATION_BOX_BYTES, EXPLANATION_BOX_BYTES);
        continue;
      }
      const vector = vectors[j];
      let reasons: ExplanationReason[] = [];
      if (vector) {
        const term = part.scoring.contribution(part.model, vector);
        terms[j] = term.value;
        covered[j >> 3]! |= 1 << (j & 7);
        coveredVectors.push(Float64Array.from(part.model.featureIndexes, (i) => vector[i]!));
        if (explain[j]) reasons = [...term.contributions.entries()]
          .filter(([, c]) => c > 0)
          .sort((a, b) => b[1] - a[1])
          .slice(0, TOP_REASONS)
          .map(([f], rank) => ({ feature: part.model.features[f]!, direction: 'increases-risk' as const, rank: rank + 1 }));
      } else {
        terms[j] = part.scoring.baseline(part.model);
      }
      const box = sealExplanation(this.#sealer, sealingKey, { v: 1, site, queryId: `${runId}:${subjects[j]!}`, model: part.model.modelVersion, covered: vector !== undefined, reasons }, requester, logIndex, this.#macKeys);
      sealed.set(box, j * EXPLANATION_BOX_BYTES);
    }
    const shares = maskedVector(terms, new Set(refused.keys()), site, participants, (peer) => seeds.get(peer)!, { runIndex, batchSeq: batch.batchSeq, firstIndex, count });

    // 4. One served record, the ledger's uses and the stored answer in one synced write; then answer.
    const refusedList = [...refused.entries()].sort((a, b) => a[0] - b[0]);
    const answer: StoredAnswer = {
      runIndex, firstIndex, count, shares: b64(shares), covered: b64(covered), refused: refusedList, sealed: b64(sealed), logPosition: follower.size, storedAt: Date.now(),
    };
    await Promise.all([
      this.#opts.servedRecords.recordBatch({ requester, logIndex: firstIndex, count, leavesHash: batchLeavesHash(entries.map((e) => e.leafHash)), refused: refusedList, subjects }),
      store.writeGroup([{ type: 'put', sublevel: store.monitoring, key, value: JSON.stringify(answer) }]),
      ...written,
    ]);
    if (!state.counted.has(batch.batchSeq)) {
      state.counted.add(batch.batchSeq);
      state.drift?.add(coveredVectors);
      state.covered += coveredVectors.length;
    }
    this.#batches++;
    return this.#replay(batch, answer);
  }

  /** The response for a stored answer (the same bytes every time). */
  #replay(batch: RescoreBatch__Output, a: StoredAnswer): RescoreBatchResponse {
    if (a.runIndex !== Number(batch.runIndex) || a.firstIndex !== Number(batch.firstIndex) || a.count !== batch.count) {
      throw new FedcreditError('BAD_REQUEST', `batch ${batch.batchSeq} of run ${batch.runId.slice(0, 64)} was answered for entries [${a.firstIndex}, ${a.firstIndex + a.count}) of run entry ${a.runIndex}; a batch is never answered twice over other entries`);
    }
    return {
      runId: batch.runId, batchSeq: batch.batchSeq, site: this.#opts.site,
      shares: Buffer.from(a.shares, 'base64'), covered: Buffer.from(a.covered, 'base64'),
      refused: a.refused.map(([offset, code]) => ({ offset, code })),
      sealedExplanations: Buffer.from(a.sealed, 'base64'), logPosition: String(a.logPosition),
    };
  }

  /** The run's end at this node: its CSI reply, the stored answers deleted, the figures kept for the operator. */
  async finishRun(runId: string): Promise<SiteCsi> {
    const { store, site } = this.#opts;
    const state = this.#runs.get(runId);
    const policy = this.#opts.csiPolicy ?? 'per-feature';
    const covered = state?.covered ?? 0;
    const result: SiteCsi = state?.drift ? state.drift.result(site, policy) : policy === 'none' ? { site, covered, withheld: true } : { site, covered, insufficient: true };
    const ops: { type: 'put' | 'del'; key: string; value?: string }[] = [];
    for await (const k of store.monitoring.keys({ gte: `a/${runId}/`, lt: `a/${runId}/\uffff` })) ops.push({ type: 'del', key: k });
    ops.push({ type: 'put', key: finishedKey(runId), value: String(Date.now()) });
    if (state) {
      const figures: StoredDrift = { runId, model: state.model, asOf: state.asOf, finished: Date.now(), result };
      ops.push({ type: 'put', key: driftKey(state.model, runId), value: JSON.stringify(figures) });
    }
    await store.writeGroup(ops.map((o) => (o.type === 'del' ? { type: 'del', key: o.key, sublevel: store.monitoring } : { type: 'put', key: o.key, value: o.value, sublevel: store.monitoring })));
    this.#runs.delete(runId);
    return result;
  }

  /**
   * Deletes the stored answers older than ANSWER_TTL_MS (runs whose FinishRun never came) and
   * marks their runs finished, so a late replay is REPLAY_UNKNOWN, never a fresh computation.
   */
  async sweep(now = Date.now()): Promise<number> {
    const { store } = this.#opts;
    const ops: { type: 'put' | 'del'; key: string; value?: string }[] = [];
    for await (const [k, v] of store.monitoring.iterator({ gte: 'a/', lt: 'a/\uffff' })) {
      const a = JSON.parse(v) as StoredAnswer;
      if (now - (a.storedAt ?? 0) < ANSWER_TTL_MS) continue;
      ops.push({ type: 'del', key: k });
      ops.push({ type: 'put', key: finishedKey(k.slice(2, k.lastIndexOf('/'))), value: String(now) });
    }
    if (ops.length > 0) await store.writeGroup(ops.map((o) => (o.type === 'del' ? { type: 'del', key: o.key, sublevel: store.monitoring } : { type: 'put', key: o.key, value: o.value, sublevel: store.monitoring })));
    return ops.filter((o) => o.type === 'del').length;
  }

  /** The last finished runs' figures, newest first (per model at most `perModel`). */
  async driftStatus(model: string | undefined, perModel = 6): Promise<StoredDrift[]> {
    const all: StoredDrift[] = [];
    const range = model ? { gte: `d/${model}/`, lt: `d/${model}/\uffff` } : { gte: 'd/', lt: 'd/\uffff' };
    for await (const v of this.#opts.store.monitoring.values(range)) all.push(JSON.parse(v) as StoredDrift);
    all.sort((a, b) => b.finished - a.finished);
    const kept = new Map<string, number>();
    return all.filter((d) => {
      const n = kept.get(d.model) ?? 0;
      kept.set(d.model, n + 1);
      return n < perModel;
    });
  }

  async #part(version: string): Promise<Part> {
    const { store, site } = this.#opts;
    const stored = await getStoredPart(store, version);
    if (stored?.site !== site) throw new FedcreditError('MODEL_NOT_FOUND', `site ${site} holds no part of model ${version.slice(0, 32)}`);
    if (stored.purpose !== undefined && !modelServesPurpose(stored.purpose, MONITORING_PURPOSE)) {
      throw new FedcreditError('MODEL_PURPOSE_MISMATCH', `site ${site}: model ${stored.modelVersion} was trained for '${stored.purpose}', not for '${MONITORING_PURPOSE}'`);
    }
    const resolved = modelOnCatalogue(stored, (await store.getMeta()).catalogue ?? []);
    if ('missing' in resolved) throw new FedcreditError('MODEL_FEATURES_GONE', `model ${version.slice(0, 32)} at ${site} uses features no active table holds; the node's operator can roll the table back (fedcredit node tables rollback)`);
    const problem = explainableProblem(site, resolved.model.modelVersion, resolved.model.features);
    if (problem) throw new FedcreditError('EXPLANATION_TOO_LONG', problem.message);
    const { scoring } = await modelKind(stored.kind);
    // A leaf-chain model (boosted trees) needs a chain per enterprise (scoring/leaf-chain.ts): not built for monitoring batches yet.
    if (scoring.leafChain) throw new FedcreditError('MODEL_KIND_NOT_SCORABLE', `model ${stored.modelVersion} is a ${stored.kind} model, scored through the leaf chain one query at a time; monitoring batches of such models are not built yet (score its enterprises with fedcredit score)`);
    return { model: resolved.model, scoring };
  }
}
