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
import { jsonChunk, keepAnswer, keptAnswer } from './wire.js';

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
  /** Bank: the per-model scoring key (leaf chain), made at tree 0's end (part.ts). */
  scoring?: ScoringKeyState;
  /** The last answer of each step name, with the call it answered. */
  answers: Record<string, { key: string; answer: string }>;
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
  const kernel = histogramKernel(input.engine());
  let keys: KeyRef | undefined;
  const keyRef = (): KeyRef => (keys ??= shareKeys({ publicKey: field.bytes(input.start, 'publicKey') }));
  if (input.role === 'bank') {
    if (!input.labels) throw new FedcreditError('INTERNAL', `site ${input.site}: the bank's labels were not loaded`);
    const labels = [...input.labels.train, ...input.labels.validation];
    state.bank ??= newBankState(labels, nTrain);
    return new TreesSite(input, state, new BankTrees({ site: input.site, passives: input.passives, columns, labels, nTrain, params, kernel, keys: keyRef }, state.bank), undefined, binned.map((f) => f.cuts));
  }
  state.passive ??= newPassiveState();
  return new TreesSite(input, state, undefined, new PassiveTrees({ site: input.site, bank: input.bank, columns, binned, nTrain, params, kernel, keys: keyRef }, state.passive), binned.map((f) => f.cuts));
}

class TreesSite implements KindSite {
  constructor(
    private readonly input: SiteInput,
    private readonly state: SiteState,
    private readonly bank: BankTrees | undefined,
    private readonly passive: PassiveTrees | undefined,
    private readonly cuts: readonly (readonly number[])[],
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

  async handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage> {
    const key = `${ref.attempt}|${ref.epoch}|${ref.step}|${JSON.stringify([payload['tree'], payload['level']])}`;
    const kept = this.state.answers[name];
    if (kept && kept.key === key) return keptAnswer(kept.answer);
    const s = this.#sealer(ref, io);
    const tree = field.number(payload, 'tree');
    let answer: KindMessage;
    switch (name) {
      case 'LevelStart':
        answer = await this.#bank(name).levelStart(tree, field.number(payload, 'level'), s);
        break;
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
        const done = this.#bank(name).finishTree(tree, s, tree === 0 ? await this.#scoringKeyChunks() : []);
        answer = done.answer;
        io.log(`training ${ref.jobId}: tree ${tree} done, validation AUC ${done.outcome.auc.toFixed(4)}${done.outcome.improved ? ' (best)' : ''}${done.outcome.stop ? '; stopping' : ''}`);
        break;
      }
      case 'BuildHistograms':
        answer = await this.#passive(name).buildHistograms(tree, field.number(payload, 'level'), ref.attempt, field.sealed(payload, 'plan'), s);
        break;
      case 'ApplySplits':
        answer = this.#passive(name).applySplits(tree, field.number(payload, 'level'), field.sealed(payload, 'choice'), s);
        break;
      case 'TreeDone': {
        const already = this.#passive(name).treeDone(tree, field.bool(payload, 'stop'), field.number(payload, 'bestTree'), field.sealed(payload, 'notes'), s);
        answer = { site: this.input.site, already };
        break;
      }
      default:
        throw new FedcreditError('BAD_REQUEST', `boosted trees have no step ${name.slice(0, 40)}`);
    }
    this.state.answers[name] = { key, answer: keepAnswer(answer) };
    await io.persist();
    if (process.env[CRASH_AFTER_ENV] === `${name}:${tree}:${payload['level'] === undefined ? '' : String(payload['level'])}`) process.kill(process.pid, 'SIGKILL');
    if (name !== 'FinishTree') io.log(`training ${ref.jobId}: ${name} of tree ${tree}${payload['level'] === undefined ? '' : ` level ${String(payload['level'])}`} answered`);
    return answer;
  }

  /**
   * The bank's per-model scoring key (section 7.1), made once (tree 0's end, before its answer is
   * persisted with the key in the state) with the ring degree the passives' count needs
   * (crypto/bfv-batch.ts ringDegreeFor); its public half goes with tree 0's notes to each passive.
   */
  async #scoringKeyChunks(): Promise<Uint8Array[]> {
    if (!this.state.scoring) {
      const ctx = await BfvBatchContext.create(ringDegreeFor(this.input.passives.length));
      try {
        const k = ctx.generateKeys();
        this.state.scoring = { n: k.n, publicKey: Buffer.from(k.publicKey).toString('base64'), secretKey: Buffer.from(k.secretKey).toString('base64') };
      } finally {
        ctx.dispose();
      }
    }
    return [jsonChunk({ n: this.state.scoring.n }), Buffer.from(this.state.scoring.publicKey, 'base64')];
  }

  finish(): FinishedPart {
    const depth = treeSiteParams(this.input.start).depth;
    if (this.bank) {
      const part = bankTreesPart(this.input, this.bank.kept(), this.bank.state.base, this.cuts, { depth, ...(this.state.scoring ? { scoring: this.state.scoring } : {}) });
      return { part, featureCount: this.cuts.length, validationLogits: this.bank.validationLogits(), described: part.described };
    }
    const scoring = this.passive!.state.scoring;
    const part = passiveTreesPart(this.passive!.state.trees, this.input.features, { depth, ...(scoring ? { scoring } : {}) });
    return { part, featureCount: this.cuts.length, described: part.described };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
