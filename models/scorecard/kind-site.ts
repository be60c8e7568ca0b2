/**
 * The scorecard's work at a data node (training/model-kind.ts KindSite). At open, the site bins
 * its own characteristics (binning.ts) from its raw training rows. Then, once per job:
 * - the bank, which has the labels, computes its bins' WOE and IV itself, and on EncryptLabels
 *   encrypts its training labels under the job key and seals [[y]] to each passive site;
 * - a passive site, on BinSums, sums [[y]] over each of its released bins (every bin of every
 *   characteristic it could bin: at least the minimum size by construction) and masks each sum;
 *   on ApplyBinSums it unmasks what the coordinator decrypted: its bins' event counts.
 * With the counts, each site computes WOE and IV, selects its characteristics by IV and opens
 * LR's own site (models/lr/kind-site.ts) over the WOE-coded columns: the training steps are LR's,
 * unchanged. models/scorecard/README.md says what each message reveals to whom.
 *
 * Durable state: the masks of the bin sums sent (with the coordinator's attempt id), the event
 * counts once known, and LR's own state. Binning is recomputed at a restart (a pure function of
 * the stored rows and the job's parameters).
 */
import { randomUUID } from 'node:crypto';
import { shareKeys, type KeyRef } from '../../crypto/bfv-engine.js';
import { subResidue } from '../../crypto/bfv-fixed.js';
import { FedcreditError } from '../../lib/errors.js';
import { field, type FinishedPart, type KindMessage, type KindSite, type KindState, type SiteInput, type SiteIo, type StepRef } from '../../training/model-kind.js';
import { openLrSite } from '../lr/kind-site.js';
import type { Characteristic } from './binning.js';
import { maskedBinSums, packBins, unpackSums } from './bin-sums.js';
import { binForSite, codeForSite, type SiteBins, type SiteCoding } from './coding.js';
import { scorecardPart } from './part.js';
import { scorecardParams, type ScorecardParams } from './params.js';
import { bankScorecardReport, dropReason } from './report.js';
import { eventsPerBin } from './woe.js';

/** The scorecard's slice of a node's job state. */
interface ScorecardSiteState {
  /** Passive: the masks of the bin sums sent under this attempt (they never leave the site). */
  pending?: { attempt: string; masks: number[] };
  /** Event counts per bin of each binned characteristic, once known. */
  events?: number[][];
  lr?: KindState;
}

export async function openScorecardSite(input: SiteInput, saved: KindState | undefined): Promise<KindSite> {
  const params = scorecardParams(input.start);
  const bins = binForSite(input.role, input.features, input.raw.train, params);
  if (bins.binned.length === 0) {
    throw new FedcreditError('SCORECARD_NO_BINS', `site ${input.site}: none of its ${input.features.length} features gives two bins of at least ${bins.minSize} of the ${input.raw.train.length} training enterprises; align more enterprises or lower the minimum bin size`);
  }
  const state = (saved ?? {}) as ScorecardSiteState;
  if (input.role === 'bank') {
    if (!input.labels) throw new FedcreditError('INTERNAL', `site ${input.site}: the bank's labels were not loaded`);
    state.events ??= bins.binned.map((c, j) => eventsPerBin(bins.trainBins[j]!, input.labels!.train, c.counts.length));
  }
  const site = new ScorecardSite(input, params, bins, state);
  if (state.events) await site.model();
  return site;
}

class ScorecardSite implements KindSite {
  #lr: KindSite | undefined;
  #coding: SiteCoding | undefined;

  constructor(
    private readonly input: SiteInput,
    private readonly params: ScorecardParams,
    private readonly bins: SiteBins,
    private readonly state: ScorecardSiteState,
  ) {}

  get binned(): readonly Characteristic[] { return this.bins.binned; }

  get epoch(): number { return this.#lr?.epoch ?? 0; }
  get step(): number { return this.#lr?.step ?? 0; }
  get stopped(): boolean { return this.#lr?.stopped ?? false; }

  get #name(): string { return this.input.site; }

  #keys(): KeyRef {
    return shareKeys({ publicKey: field.bytes(this.input.start, 'publicKey') });
  }

  /** WOE, IV, selection, then LR's site over the chosen WOE-coded characteristics. */
  async model(): Promise<void> {
    const coding = codeForSite(this.bins, this.state.events!, this.params, this.input.raw.train, this.input.raw.validation);
    this.#coding = coding;
    this.#lr = await openLrSite({ ...this.input, train: coding.train, validation: coding.validation, features: coding.chosen.map((c) => c.name), engine: () => this.input.engine() }, this.state.lr);
  }

  save(): KindState {
    if (this.#lr) this.state.lr = this.#lr.save();
    return this.state as unknown as KindState;
  }

  async handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage> {
    switch (name) {
      case 'EncryptLabels': return this.#encryptLabels(ref, io);
      case 'BinSums': return this.#binSums(ref, field.sealed(payload, 'labels'), io);
      case 'ApplyBinSums': return this.#applyBinSums(ref, field.numbers(payload, 'values'), io);
      default:
        if (!this.#lr) throw new FedcreditError('BAD_REQUEST', `${this.#name}: step ${name.slice(0, 40)} of job ${this.input.jobId} before its bins' WOE is known; run the bin sums first`);
        return this.#lr.handle(name, ref, payload, io);
    }
  }

  async #encryptLabels(ref: StepRef, io: SiteIo): Promise<KindMessage> {
    if (this.input.role !== 'bank' || !this.input.labels) throw new FedcreditError('BAD_REQUEST', `${this.#name} is not the bank of job ${this.input.jobId}: it has no labels to encrypt`);
    const y = await this.input.engine().encrypt(this.#keys(), Float64Array.from(this.input.labels.train));
    return { labels: this.input.passives.map((to) => io.seal(ref, 'labels', to, y)) };
  }

  async #binSums(ref: StepRef, sealed: ReturnType<typeof field.sealed>, io: SiteIo): Promise<KindMessage> {
    if (this.input.role !== 'passive') throw new FedcreditError('BAD_REQUEST', `${this.#name} is the bank of job ${this.input.jobId}: it bins its own labels`);
    if (this.state.events) throw new FedcreditError('BAD_REQUEST', `${this.#name}: job ${this.input.jobId} already has its bin sums; nothing is released twice`);
    const engine = this.input.engine();
    const y = io.open(ref, 'labels', this.input.bank, sealed);
    const n = this.input.raw.train.length;
    if (y.length !== Math.ceil(n / engine.chunkSize)) throw new FedcreditError('BAD_REQUEST', `${this.#name}: ${y.length} label ciphertexts for ${n} training enterprises`);
    // Bins packed several to a column in mixed radix (bin-sums.ts): a third of the products.
    const k = this.binned.reduce((s, c) => s + c.counts.length, 0);
    const { shares, masks, groups } = await maskedBinSums(engine, this.#keys(), `${this.input.jobId}:${this.#name}:bins:${randomUUID()}`, this.binned.map((c) => c.counts), this.bins.trainBins, n, y);
    this.state.pending = { attempt: ref.attempt, masks: [...masks] };
    await io.persist();
    io.log(`training ${ref.jobId}: summed the labels over ${k} bins of ${this.binned.length} characteristics (each at least ${this.bins.minSize} enterprises), packed in ${groups.length} sums`);
    return { site: this.#name, shares: shares.map((s) => Buffer.from(s)) };
  }

  async #applyBinSums(ref: StepRef, values: number[], io: SiteIo): Promise<KindMessage> {
    if (this.state.events) return { site: this.#name, already: true };
    const pending = this.state.pending;
    if (!pending || pending.attempt !== ref.attempt) {
      throw new FedcreditError('STALE_ATTEMPT', `${this.#name}: decrypted bin sums for attempt ${ref.attempt.slice(0, 20)} match no bin sums this site has outstanding; refused`);
    }
    if (values.length !== pending.masks.length) throw new FedcreditError('BAD_REQUEST', `${this.#name}: ${values.length} decrypted bin sums for ${pending.masks.length} packed sums`);
    // The packing is a pure function of the bins' counts, so the same after a restart.
    const groups = packBins(this.binned.map((c) => c.counts));
    const events = unpackSums(groups, values.map((v, g) => subResidue(v, pending.masks[g]!)), this.binned.map((c) => c.counts));
    this.state.events = events;
    delete this.state.pending;
    await this.model();
    await io.persist();
    const { selection: sel, tables } = this.#coding!;
    const iv = (j: number): string => `${this.binned[j]!.name} (IV ${tables[j]!.iv.toFixed(3)})`;
    io.log(`training ${ref.jobId}: WOE of ${this.binned.length} characteristics known; chosen by IV: ${sel.chosen.map(iv).join(', ')}; dropped: ${[...sel.dropped.map((d) => iv(d.index)), ...this.bins.withheld.map((w) => `${w.name} (${w.reason})`)].join(', ') || 'none'}`);
    return { site: this.#name, already: false };
  }

  finish(): FinishedPart {
    const coding = this.#coding;
    if (!this.#lr || !coding) throw new FedcreditError('INTERNAL', `${this.#name}: job ${this.input.jobId} finished before its WOE was known`);
    const lr = this.#lr.finish();
    const part = scorecardPart({
      input: this.input, binned: coding.binned, released: this.binned.flatMap((c) => c.counts), unbinnable: this.bins.withheld, tables: coding.tables, selection: coding.selection,
      trainBins: coding.trainBins, weights: lr.part['weights'] as number[], intercept: lr.part['intercept'] as number | undefined,
    });
    // The bank's report section and its bank-only scorecard: its own chosen characteristics,
    // same bins, WOE and split (LR on its values if it chose none: a baseline needs a column).
    const bank = this.input.role === 'bank';
    const ownCard = coding.chosen.length > 0;
    return {
      part, featureCount: coding.selection.chosen.length, described: describeSelection(part), ...(lr.validationLogits ? { validationLogits: lr.validationLogits } : {}),
      ...(bank && ownCard ? { bankOnlyRows: { train: coding.train, validation: coding.validation } } : {}),
      ...(bank ? { reportSection: { scorecard: bankScorecardReport(this.#name, part, this.bins.minSize, ownCard ? 'bank-scorecard' : 'bank-lr') } } : {}),
    };
  }

  close(): Promise<void> {
    return this.#lr?.close() ?? Promise.resolve();
  }
}

/**
 * The report's lines for this site: each characteristic chosen or dropped, and why, in words
 * without a number of the site's (no IV, no count: those stay in the site's part and its log).
 */
export function describeSelection(part: ReturnType<typeof scorecardPart>): { feature: string; steps: string[] }[] {
  return [
    ...part.characteristics.map((c) => ({ feature: c.name, steps: [`chosen by IV, ${c.counts.length} bins`] })),
    ...part.dropped.map((d) => ({ feature: d.name, steps: [dropReason(d.reason)] })),
  ];
}
