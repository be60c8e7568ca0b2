/**
 * A test-only model kind, "one-weight": every site weighs one of its features (the first that
 * varies in its training split), the bank
 * adds an intercept, z = b + sum_k w_k x_k, trained by full-batch gradient descent on the
 * logistic loss. It exists to show that a kind plugs in as one folder (training/model-kind.ts)
 * over the generic transport: it is loaded through FEDCREDIT_MODEL_KIND_MODULES by every
 * process (tests/kinds/one-weight.test.ts) and touches no transport or role code.
 *
 * NOT private: the bank sends each passive site the residuals sigma(z) - y in the clear (sealed
 * end to end, so the coordinator does not see them, but the passive site does), from which it
 * learns about the labels. That is why it lives under tests/ and is never built in.
 *
 * Per step: passive 'Partial' (sealed w_k x_k to the bank) -> bank 'Residual' (keeps r with the
 * attempt, sealed r to each passive) -> every site 'Update' (idempotent by position). The
 * coordinator keeps the sealed residuals write-ahead, so a restarted driver repeats only the
 * updates. Per epoch: passive 'ValidationPartial' -> bank 'Evaluate' (AUC, early stopping,
 * recorded per epoch) -> passive 'EpochResult'.
 */
import { FedcreditError } from '../../../lib/errors.js';
import { auc } from '../../../evaluation/metrics.js';
import {
  KindCodec, field, kindFile, loadKindProto,
  type DriverContext, type EpochOutcome, type FinishedPart, type KindCoordinator, type KindMessage, type KindSite, type KindState,
  type ModelKind, type ScoringPart, type SiteInput, type SiteIo, type StepRef,
} from '../../../training/model-kind.js';
import type { SealedPayload__Output } from '../../../proto/gen/fedcredit/v1/SealedPayload.js';

const CLIP = 8;
const clipped = (v: number): number => (Number.isFinite(v) ? Math.max(-CLIP, Math.min(CLIP, v)) : 0);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function toBytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float64Array.from(values).buffer);
}

function fromBytes(chunks: readonly Uint8Array[], n: number, what: string): number[] {
  const b = chunks[0];
  if (chunks.length !== 1 || !b || b.byteLength !== 8 * n) throw new FedcreditError('BAD_REQUEST', `${what}: expected ${n} values`);
  return [...new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))];
}

interface SiteState {
  /** The column this site weighs. */
  feature: number;
  epoch: number;
  step: number;
  stopped: boolean;
  weight: number;
  intercept: number;
  bestWeight: number;
  bestIntercept: number;
  /** Bank: the residuals of the step's attempt, kept until applied. */
  pending?: { attempt: string; epoch: number; step: number; r: number[] };
  /** Bank: every epoch's verdict, and the validation logits of the best one. */
  outcomes: { epoch: number; improved: boolean; stop: boolean; auc: number }[];
  bestAuc: number;
  sinceGain: number;
  bestScores?: number[];
}

class OneWeightSite implements KindSite {
  constructor(private readonly input: SiteInput, private readonly s: SiteState) {}

  get epoch(): number { return this.s.epoch; }
  get step(): number { return this.s.step; }
  get stopped(): boolean { return this.s.stopped; }
  save(): KindState { return { ...this.s } as unknown as KindState; }

  #x(row: Float64Array): number {
    return clipped(row[this.s.feature] ?? 0);
  }

  #terms(rows: readonly Float64Array[]): number[] {
    return rows.map((r) => this.s.intercept + this.s.weight * this.#x(r));
  }

  #at(ref: StepRef, what: string): void {
    if (this.s.stopped || ref.epoch !== this.s.epoch || ref.step !== this.s.step) {
      throw new FedcreditError('BAD_REQUEST', `${this.input.site}: ${what} for ${ref.epoch}/${ref.step}, this site is at ${this.s.epoch}/${this.s.step}`);
    }
  }

  #joint(ref: StepRef, rows: readonly Float64Array[], partials: SealedPayload__Output[], label: string, io: SiteIo): number[] {
    const z = this.#terms(rows);
    for (const from of this.input.passives) {
      const u = fromBytes(io.open(ref, label, from, partials.find((p) => p.from === from)), rows.length, `${label} from ${from}`);
      u.forEach((v, i) => (z[i]! += v));
    }
    return z;
  }

  async handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage> {
    const { input, s } = this;
    const bank = input.role === 'bank';
    switch (name) {
      case 'Partial':
        this.#at(ref, name);
        return { ...io.seal(ref, 'one-weight-partial', input.bank, [toBytes(this.#terms(input.train))]) };
      case 'Residual': {
        if (!bank) throw new FedcreditError('BAD_REQUEST', `${input.site} is not the bank`);
        this.#at(ref, name);
        const z = this.#joint(ref, input.train, field.sealedList(payload, 'partials'), 'one-weight-partial', io);
        const r = z.map((v, i) => sigmoid(v) - input.labels!.train[i]!);
        s.pending = { attempt: ref.attempt, epoch: ref.epoch, step: ref.step, r };
        await io.persist();
        return { residuals: input.passives.map((to) => io.seal(ref, 'one-weight-residual', to, [toBytes(r)])) };
      }
      case 'Update': {
        if (ref.epoch < s.epoch || (ref.epoch === s.epoch && ref.step < s.step) || s.stopped) return { site: input.site, already: true };
        this.#at(ref, name);
        let r: number[];
        if (bank) {
          if (s.pending?.attempt !== ref.attempt || s.pending.step !== ref.step || s.pending.epoch !== ref.epoch) throw new FedcreditError('STALE_ATTEMPT', `${input.site}: no residuals of attempt ${ref.attempt}`);
          r = s.pending.r;
        } else {
          r = fromBytes(io.open(ref, 'one-weight-residual', input.bank, field.sealed(payload, 'residual')), input.train.length, 'residual');
        }
        const n = input.train.length;
        const rate = input.params.learningRate;
        s.weight -= rate * (r.reduce((a, v, i) => a + v * this.#x(input.train[i]!), 0) / n + input.params.l2 * s.weight);
        if (bank) s.intercept -= rate * (r.reduce((a, v) => a + v, 0) / n);
        delete s.pending;
        s.step++;
        await io.persist();
        return { site: input.site, already: false };
      }
      case 'ValidationPartial':
        return { ...io.seal(ref, 'one-weight-validation', input.bank, [toBytes(this.#terms(input.validation))]) };
      case 'Evaluate': {
        if (!bank) throw new FedcreditError('BAD_REQUEST', `${input.site} is not the bank`);
        const done = s.outcomes.find((o) => o.epoch === ref.epoch);
        if (done) return { improved: done.improved, stop: done.stop, auc: done.auc };
        const z = this.#joint(ref, input.validation, field.sealedList(payload, 'partials'), 'one-weight-validation', io);
        const value = auc(z, input.labels!.validation);
        const improved = s.outcomes.length === 0 || value >= s.bestAuc + input.params.minDelta;
        if (improved) Object.assign(s, { bestAuc: value, sinceGain: 0, bestScores: z, bestWeight: s.weight, bestIntercept: s.intercept });
        else s.sinceGain++;
        const stop = s.sinceGain >= input.params.patience || s.epoch + 1 >= input.params.epochs;
        s.outcomes.push({ epoch: ref.epoch, improved, stop, auc: value });
        Object.assign(s, { epoch: s.epoch + 1, step: 0, stopped: stop });
        await io.persist();
        return { improved, stop, auc: value };
      }
      case 'EpochResult': {
        if (ref.epoch < s.epoch) return { site: input.site, already: true };
        if (field.bool(payload, 'improved')) Object.assign(s, { bestWeight: s.weight, bestIntercept: s.intercept });
        Object.assign(s, { epoch: s.epoch + 1, step: 0, stopped: field.bool(payload, 'stop') });
        await io.persist();
        return { site: input.site, already: false };
      }
      default:
        throw new FedcreditError('BAD_REQUEST', `model kind one-weight has no step '${name.slice(0, 40)}'`);
    }
  }

  finish(): FinishedPart {
    const { s, input } = this;
    const intercept = input.role === 'bank' ? s.bestIntercept : 0;
    const baseline = input.train.reduce((a, r) => a + intercept + s.bestWeight * this.#x(r), 0) / input.train.length;
    return {
      part: { feature: s.feature, weight: s.bestWeight, intercept, clip: CLIP, baseline }, featureCount: 1,
      ...(input.role === 'bank' ? { validationLogits: s.bestScores ?? [] } : {}),
    };
  }

  async close(): Promise<void> {}
}

interface Write { epoch: number; step: number; attempt: string; residuals: unknown[] }

class OneWeightCoordinator implements KindCoordinator {
  async create(): Promise<KindState> { return {}; }
  startPayload(): KindMessage { return {}; }

  async step(ctx: DriverContext): Promise<void> {
    let w = ctx.state['written'] as Write | undefined;
    if (!w || w.epoch !== ctx.epoch || w.step !== ctx.step) {
      const ref = { jobId: ctx.jobId, attempt: ctx.newAttempt(), epoch: ctx.epoch, step: ctx.step };
      const partials = await Promise.all(ctx.passives.map((site) => ctx.call(site, 'Partial', ref, {})));
      const residual = await ctx.call(ctx.bank, 'Residual', ref, { partials });
      w = { epoch: ctx.epoch, step: ctx.step, attempt: ref.attempt, residuals: field.sealedList(residual, 'residuals') };
      ctx.state['written'] = w;
      await ctx.save();
    }
    const ref = { jobId: ctx.jobId, attempt: w.attempt, epoch: ctx.epoch, step: ctx.step };
    const residuals = w.residuals as SealedPayload__Output[];
    await ctx.call(ctx.bank, 'Update', ref, {});
    await Promise.all(ctx.passives.map((site) => ctx.call(site, 'Update', ref, { residual: residuals.find((r) => r.to === site) })));
    delete ctx.state['written'];
  }

  async evaluate(ctx: DriverContext): Promise<EpochOutcome> {
    const ref = { jobId: ctx.jobId, attempt: 'evaluate', epoch: ctx.epoch, step: ctx.batches };
    const partials = await Promise.all(ctx.passives.map((site) => ctx.call(site, 'ValidationPartial', ref, {})));
    const o = await ctx.call(ctx.bank, 'Evaluate', ref, { partials });
    return { epoch: ctx.epoch, improved: field.bool(o, 'improved'), stop: field.bool(o, 'stop'), auc: field.number(o, 'auc') };
  }

  async announce(ctx: DriverContext, outcome: EpochOutcome): Promise<void> {
    const ref = { jobId: ctx.jobId, attempt: 'epoch-result', epoch: ctx.epoch, step: ctx.batches };
    await Promise.all(ctx.passives.map((site) => ctx.call(site, 'EpochResult', ref, { improved: outcome.improved, stop: outcome.stop })));
  }
}

interface OneWeightPart { feature: number; weight: number; intercept: number; clip: number; baseline: number; mean: readonly number[]; std: readonly number[] }

const oneWeight: ModelKind = {
  name: 'one-weight',
  codec: new KindCodec(loadKindProto(kindFile(import.meta.url, 'one-weight.proto')), 'fedcredit.tests.oneweight.v1'),
  startType: 'Empty',
  steps: {
    Partial: { request: 'Empty', response: 'fedcredit.v1.SealedPayload' },
    Residual: { request: 'Partials', response: 'Residuals' },
    Update: { request: 'Update', response: 'fedcredit.v1.TrainingAck' },
    ValidationPartial: { request: 'Empty', response: 'fedcredit.v1.SealedPayload' },
    Evaluate: { request: 'Partials', response: 'Outcome' },
    EpochResult: { request: 'EpochResult', response: 'fedcredit.v1.TrainingAck' },
  },
  coordinator: () => new OneWeightCoordinator(),
  async openSite(input, saved) {
    // A passive site weighs its first varying feature; the bank, the one whose training AUC is
    // farthest from 0.5 (its own features and labels: nothing another party sent).
    const columns = [...Array(input.train[0]?.length ?? 0).keys()];
    const varies = (f: number) => new Set(input.train.map((r) => clipped(r[f] ?? 0))).size > 1;
    const strength = (f: number) => (input.labels ? Math.abs(auc(input.train.map((r) => clipped(r[f] ?? 0)), input.labels.train) - 0.5) : 0);
    const candidates = columns.filter(varies);
    const feature = candidates.reduce((best, f) => (strength(f) > strength(best) ? f : best), candidates[0] ?? 0);
    const fresh: SiteState = { feature, epoch: 0, step: 0, stopped: false, weight: 0, intercept: 0, bestWeight: 0, bestIntercept: 0, outcomes: [], bestAuc: 0, sinceGain: 0 };
    return new OneWeightSite(input, saved ? (saved as unknown as SiteState) : fresh);
  },
  scoring: {
    contribution(part: ScoringPart, vector: Float64Array) {
      const p = part as ScoringPart & OneWeightPart;
      const contributions = new Float64Array(part.features.length);
      const f = p.feature;
      const raw = vector[part.featureIndexes[f]!];
      if (raw === undefined || !Number.isFinite(raw)) throw new FedcreditError('INTERNAL', `model ${part.modelVersion}: feature ${part.features[f]} is missing`);
      const x = Math.max(-p.clip, Math.min(p.clip, (raw - p.mean[f]!) / (p.std[f]! > 0 ? p.std[f]! : 1)));
      contributions[f] = p.weight * x;
      return { value: p.intercept + contributions[f]!, contributions };
    },
    baseline: (part) => (part as ScoringPart & OneWeightPart).baseline,
  },
};

export default oneWeight;
