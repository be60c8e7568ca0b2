/**
 * Boosted trees at a data node (training/model-kind.ts KindSite): bins the site's raw columns
 * (binned.ts, from its training rows), then answers the steps of design section 4 by name with
 * the bank's side (bank.ts) or a passive site's (passive.ts). Every answer is kept in the job
 * state and persisted before it leaves: a retry of the same step and attempt answers the same
 * bytes (same masks, same ciphertexts, same sealed payloads); a new attempt is computed afresh.
 */
import { shareKeys, type KeyRef } from '../../crypto/bfv-engine.js';
import { BfvBatchContext, ringDegreeFor } from '../../crypto/bfv-batch.js';
import { FedcreditError } from '../../lib/errors.js';
import { field, type FinishedPart, type KindMessage, type KindSite, type KindState, type SiteInput, type SiteIo, type StepRef } from '../../training/model-kind.js';
import { BankTrees, newBankState, type BankState, type Sealer } from './bank.js';
import { applyBins, binColumns } from './binned.js';
import { histogramKernel } from './kernel.js';
import { treeSiteParams } from './kind-params.js';
import { PassiveTrees, newPassiveState, type PassiveState } from './passive.js';
import { bankTreesPart, passiveTreesPart, type ScoringKeyState } from './part.js';
import type { BinnedColumn } from './plain.js';
import { unpackBits } from './wire.js';
import { jsonChunk, keepAnswer, keepAnswerBlob, keptAnswer, keptAnswerBlob } from './wire.js';
import { MAX_PARTS, frame, pages, partBytes, planPartLabel, siteBlobs, unframe } from './paging.js';
import type { KindBlobs } from '../../training/model-kind.js';

/**
 * Test hook of design section 4.7: `FEDCREDIT_TREES_CRASH_AFTER=Step:tree:level` (level empty for
 * FinishTree and TreeDone) kills this process with SIGKILL right after that step's answer is
 * persisted, before it is sent: the crash a resume must survive by answering the retry from
 * the store. Unset in every real deployment; tests/trees/resume.test.ts sets it for one node.
 */
export const CRASH_AFTER_ENV = 'FEDCREDIT_TREES_CRASH_AFTER';

interface SiteState {
  bank?: BankState;
  passive?: PassiveState;
  /**
   * The per-model scoring key (leaf chain, part.ts; the bank makes it at tree 0's end, each
   * passive gets its public half with tree 0's notes): its ring degree here, the key itself in
   * the write-once blob SCORING_KEY_BLOB. It never changes, and it is megabytes (the bank's with
   * its secret half 4 MB as base64): in the state, every persist of every step rewrote it.
   */
  scoringKey?: { n: number };
  /** The bank's scoring key as states saved before SCORING_KEY_BLOB kept it: read, never written. */
  scoring?: ScoringKeyState;
  /** The last answer of each step name, with the call it answered (`blob`: kept as the blob `answer/<name>`). */
  answers: Record<string, { key: string; answer: string; blob?: boolean }>;
  /** Blobs kept inline when the host gives no blob store (paging.ts siteBlobs). */
  inline?: Record<string, string>;
}

/** A field that may be absent (proto3 zero, or a step without it): 0. */
const optNumber = (m: KindMessage, key: string): number => (typeof m[key] === 'number' ? m[key] : 0);

/** Steps whose answers are large (a level's ciphertexts or shares): kept as blobs, not in the state (design 4.7). */
const BLOB_ANSWERS = new Set(['LevelStart', 'BuildHistograms']);
/**
 * Any other answer whose kept text is longer goes to a blob too: tree 0's FinishTree carries
 * the scoring key to each passive (megabytes), and in the state it was rewritten with every
 * persist of the whole next tree.
 */
const LARGE_ANSWER_CHARS = 256 * 1024;
/** The blob holding the scoring key (SiteState.scoringKey), written once. */
const SCORING_KEY_BLOB = 'scoring-key';

/**
 * The scoring key kept in its blob, as JSON: { n, publicKey, secretKey? } (base64). Absent once
 * the job has finished (its blobs go with it; the model keeps the key): finish() says so if asked.
 */
async function readScoringKey(blobs: KindBlobs): Promise<ScoringKeyState | undefined> {
  const bytes = await blobs.get(SCORING_KEY_BLOB);
  return bytes && (JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as ScoringKeyState);
}

export async function openTreesSite(input: SiteInput, saved: KindState | undefined): Promise<KindSite> {
  const params = treeSiteParams(input.start);
  const binned = binColumns(input.features, input.raw.train, { bins: params.bins, minBinCount: params.minBinCount });
  const later = applyBins(binned, input.raw.validation);
  const nTrain = input.raw.train.length;
  const columns: BinnedColumn[] = binned.map((f, j) => {
    const all = new Uint8Array(nTrain + input.raw.validation.length);
    all.set(f.bins, 0);
    all.set(later[j]!, nTrain);
    return { owner: input.site, name: f.name, bins: all, binCount: f.binCount, missing: f.missing };
  });
  const state = (saved as SiteState | undefined) ?? { answers: {} };
  const scoring = state.scoring ?? state.passive?.scoring
    ?? (state.scoringKey ? await readScoringKey(siteBlobs(input.blobs, (state.inline ??= {}))) : undefined);
  const kernel = histogramKernel(input.engine());
  let keys: KeyRef | undefined;
  const keyRef = (): KeyRef => (keys ??= shareKeys({ publicKey: field.bytes(input.start, 'publicKey') }));
  if (input.role === 'bank') {
    if (!input.labels) throw new FedcreditError('INTERNAL', `site ${input.site}: the bank's labels were not loaded`);
    const labels = [...input.labels.train, ...input.labels.validation];
    state.bank ??= newBankState(labels, nTrain);
    return new TreesSite(input, state, new BankTrees({ site: input.site, passives: input.passives, columns, labels, nTrain, params, kernel, keys: keyRef }, state.bank), undefined, binned.map((f) => f.cuts), scoring);
  }
  state.passive ??= newPassiveState();
  return new TreesSite(input, state, undefined, new PassiveTrees({ site: input.site, bank: input.bank, columns, binned, nTrain, params, kernel, keys: keyRef }, state.passive), binned.map((f) => f.cuts), scoring);
}

class TreesSite implements KindSite {
  constructor(
    private readonly input: SiteInput,
    private readonly state: SiteState,
    private readonly bank: BankTrees | undefined,
    private readonly passive: PassiveTrees | undefined,
    private readonly cuts: readonly (readonly number[])[],
    /** The scoring key (SiteState.scoringKey), once made or received. */
    private scoring: ScoringKeyState | undefined,
  ) {}

  get epoch(): number { return this.bank ? this.bank.state.tree : Math.max(0, this.passive!.state.done + 1); }
  get step(): number { return this.bank?.state.cur?.level ?? 0; }
  get stopped(): boolean { return this.bank ? this.bank.state.stopped : this.passive!.state.stopped; }

  save(): KindState {
    return this.state as unknown as KindState;
  }

  #sealer(ref: StepRef, io: SiteIo): Sealer {
    return { seal: (label, to, chunks) => io.seal(ref, label, to, chunks), open: (label, from, env) => io.open(ref, label, from, env) };
  }

  #bank(name: string): BankTrees {
    if (!this.bank) throw new FedcreditError('BAD_REQUEST', `${this.input.site} is a passive site of job ${this.input.jobId}: step ${name} is the bank's`);
    return this.bank;
  }

  #passive(name: string): PassiveTrees {
    if (!this.passive) throw new FedcreditError('BAD_REQUEST', `${this.input.site} is the bank of job ${this.input.jobId}: step ${name} is a passive site's`);
    return this.passive;
  }

  #blobs(io: SiteIo): KindBlobs {
    return siteBlobs(io.blobs, (this.state.inline ??= {}));
  }

  /** The paging steps (paging.ts): read-only at the bank and for shares, an idempotent blob write for a delivered part. */
  async #paging(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage | undefined> {
    const blobs = this.#blobs(io);
    const tree = field.number(payload, 'tree');
    const level = field.number(payload, 'level');
    const part = field.number(payload, 'part');
    if (part < 1 || part >= MAX_PARTS) throw new FedcreditError('BAD_REQUEST', `${name}: part ${part} is out of range 1..${MAX_PARTS - 1}`);
    switch (name) {
      case 'FetchPlanPart': {
        this.#bank(name);
        const site = String(payload['site'] ?? '').slice(0, 64);
        const kept = await blobs.get(`plan/${tree}/${level}/${site}/${part}`);
        if (!kept) throw new FedcreditError('BAD_REQUEST', `${this.input.site}: no part ${part} of level ${level} of tree ${tree} for ${site}; the level's plan was not made (ask LevelStart first)`);
        return keptAnswerBlob(kept);
      }
      case 'DeliverPlanPart': {
        this.#passive(name);
        const chunks = io.open(ref, planPartLabel(part), this.input.bank, field.sealed(payload, 'plan'));
        await blobs.put(`recv/${tree}/${level}/${ref.attempt}/${part}`, frame(chunks));
        io.log(`training ${ref.jobId}: plan part ${part} of tree ${tree} level ${level} delivered (${chunks.length} chunks)`);
        return { site: this.input.site, already: false };
      }
      case 'FetchSharesPart': {
        this.#passive(name);
        const kept = await blobs.get(`shares/${tree}/${level}/${String(payload['attempt'] ?? '').slice(0, 64)}/${part}`);
        if (!kept) throw new FedcreditError('BAD_REQUEST', `${this.input.site}: no page ${part} of the shares of level ${level} of tree ${tree} under this attempt; ask BuildHistograms first`);
        const shares = unframe(kept, 'a page of histogram shares');
        io.log(`training ${ref.jobId}: shares page ${part} of tree ${tree} level ${level} fetched (${shares.length} shares)`);
        return { shares: shares.map((b) => Buffer.from(b)) };
      }
      default:
        return undefined;
    }
  }

  async handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage> {
    if (name === 'FetchPlanPart' || name === 'DeliverPlanPart' || name === 'FetchSharesPart') return (await this.#paging(name, ref, payload, io))!;
    const key = `${ref.attempt}|${ref.epoch}|${ref.step}|${JSON.stringify([payload['tree'], payload['level']])}`;
    const blobs = this.#blobs(io);
    const kept = this.state.answers[name];
    if (kept && kept.key === key) {
      if (!kept.blob) return keptAnswer(kept.answer);
      const bytes = await blobs.get(`answer/${name}`);
      if (bytes) return keptAnswerBlob(bytes);
    }
    const s = this.#sealer(ref, io);
    const tree = field.number(payload, 'tree');
    const level = optNumber(payload, 'level');
    let answer: KindMessage;
    switch (name) {
      case 'LevelStart': {
        answer = await this.#bank(name).levelStart(tree, level, s);
        // The parts beyond the first, kept for FetchPlanPart; the previous level's go (4.7).
        await blobs.drop('plan/');
        for (const x of (answer['extraParts'] as { site: string; part: number; plan: KindMessage }[] | undefined) ?? []) {
          await blobs.put(`plan/${tree}/${level}/${x.site}/${x.part}`, keepAnswerBlob({ plan: x.plan }));
        }
        delete answer['extraParts'];
        break;
      }
      case 'ChooseSplits': {
        const per = (payload['perPassive'] as KindMessage[] | undefined ?? []).map((p) => ({ site: String(p['site']), masked: field.numbers(p, 'masked'), fromSite: field.sealed(p, 'fromSite') }));
        answer = this.#bank(name).chooseSplits(tree, field.number(payload, 'level'), per, s);
        break;
      }
      case 'ApplyPartitions': {
        const already = this.#bank(name).applyPartitions(tree, field.number(payload, 'level'), field.sealedList(payload, 'perPassive'), s, unpackBits);
        answer = { site: this.input.site, already };
        break;
      }
      case 'FinishTree': {
        const done = this.#bank(name).finishTree(tree, s, tree === 0 ? await this.#scoringKeyChunks(blobs) : []);
        answer = done.answer;
        io.log(`training ${ref.jobId}: tree ${tree} done, validation AUC ${done.outcome.auc.toFixed(4)}${done.outcome.improved ? ' (best)' : ''}${done.outcome.stop ? '; stopping' : ''}`);
        break;
      }
      case 'BuildHistograms': {
        const parts = Math.max(1, optNumber(payload, 'parts'));
        if (parts > MAX_PARTS) throw new FedcreditError('BAD_REQUEST', `BuildHistograms: ${parts} plan parts, at most ${MAX_PARTS}`);
        const more: Uint8Array[] = [];
        for (let p = 1; p < parts; p++) {
          const got = await blobs.get(`recv/${tree}/${level}/${ref.attempt}/${p}`);
          if (!got) throw new FedcreditError('BAD_REQUEST', `${this.input.site}: part ${p} of the plan of tree ${tree} level ${level} was not delivered under this attempt; deliver every part before BuildHistograms`);
          more.push(...unframe(got, 'a delivered plan part'));
        }
        answer = await this.#passive(name).buildHistograms(tree, level, ref.attempt, field.sealed(payload, 'plan'), s, more);
        // Shares beyond the first page are kept for FetchSharesPart; earlier levels' pages go.
        const shares = answer['shares'] as Uint8Array[];
        const cut = pages(shares.map((b) => b.length), partBytes(), partBytes());
        await blobs.drop('shares/');
        for (let p = 1; p < cut.length; p++) await blobs.put(`shares/${tree}/${level}/${ref.attempt}/${p}`, frame(shares.slice(...cut[p]!)));
        answer['shares'] = shares.slice(...cut[0]!);
        answer['parts'] = cut.length;
        break;
      }
      case 'ApplySplits':
        answer = this.#passive(name).applySplits(tree, field.number(payload, 'level'), field.sealed(payload, 'choice'), s);
        break;
      case 'TreeDone': {
        const done = this.#passive(name).treeDone(tree, field.bool(payload, 'stop'), field.number(payload, 'bestTree'), field.sealed(payload, 'notes'), s);
        if (done.scoring) await this.#keepScoringKey(done.scoring, blobs);
        answer = { site: this.input.site, already: done.already };
        break;
      }
      default:
        throw new FedcreditError('BAD_REQUEST', `boosted trees have no step ${name.slice(0, 40)}`);
    }
    const text = BLOB_ANSWERS.has(name) ? undefined : keepAnswer(answer);
    if (text === undefined || text.length > LARGE_ANSWER_CHARS) {
      await blobs.put(`answer/${name}`, keepAnswerBlob(answer));
      this.state.answers[name] = { key, answer: '', blob: true };
    } else {
      this.state.answers[name] = { key, answer: text };
    }
    await io.persist();
    if (name === 'BuildHistograms') await blobs.drop('recv/');
    if (process.env[CRASH_AFTER_ENV] === `${name}:${tree}:${payload['level'] === undefined ? '' : String(payload['level'])}`) process.kill(process.pid, 'SIGKILL');
    if (name !== 'FinishTree') io.log(`training ${ref.jobId}: ${name} of tree ${tree}${payload['level'] === undefined ? '' : ` level ${String(payload['level'])}`} answered`);
    return answer;
  }

  /**
   * The bank's per-model scoring key (section 7.1), made once (tree 0's end, kept before that
   * step's answer is persisted) with the ring degree the passives' count needs
   * (crypto/bfv-batch.ts ringDegreeFor); its public half goes with tree 0's notes to each passive.
   */
  async #scoringKeyChunks(blobs: KindBlobs): Promise<Uint8Array[]> {
    if (!this.scoring) {
      const ctx = await BfvBatchContext.create(ringDegreeFor(this.input.passives.length));
      try {
        const k = ctx.generateKeys();
        await this.#keepScoringKey({ n: k.n, publicKey: Buffer.from(k.publicKey).toString('base64'), secretKey: Buffer.from(k.secretKey).toString('base64') }, blobs);
      } finally {
        ctx.dispose();
      }
    }
    return [jsonChunk({ n: this.scoring!.n }), Buffer.from(this.scoring!.publicKey, 'base64')];
  }

  /** The scoring key to its blob (synced) before the state that names it is persisted. */
  async #keepScoringKey(key: ScoringKeyState, blobs: KindBlobs): Promise<void> {
    await blobs.put(SCORING_KEY_BLOB, Buffer.from(JSON.stringify(key), 'utf8'));
    this.state.scoringKey = { n: key.n };
    this.scoring = key;
  }

  finish(): FinishedPart {
    const depth = treeSiteParams(this.input.start).depth;
    if (this.state.scoringKey && !this.scoring) {
      throw new FedcreditError('INTERNAL', `${this.input.site}: job ${this.input.jobId}'s scoring key is not in the node's store (blob ${SCORING_KEY_BLOB}); train the model again`);
    }
    if (this.bank) {
      const part = bankTreesPart(this.input, this.bank.kept(), this.bank.state.base, this.cuts, { depth, ...(this.scoring ? { scoring: this.scoring } : {}) });
      return { part, featureCount: this.cuts.length, validationLogits: this.bank.validationLogits(), described: part.described };
    }
    const scoring = this.scoring ? { n: this.scoring.n, publicKey: this.scoring.publicKey } : undefined;
    const part = passiveTreesPart(this.passive!.state.trees, this.input.features, { depth, ...(scoring ? { scoring } : {}) });
    return { part, featureCount: this.cuts.length, described: part.described };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
