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
import { shareFeatures, shareKeys, type KeyRef } from '../../crypto/bfv-engine.js';
import { fromResidue, randomResidues, subResidue } from '../../crypto/bfv-fixed.js';
import { FedcreditError } from '../../lib/errors.js';
import { field, type FinishedPart, type KindMessage, type KindSite, type KindState, type SiteInput, type SiteIo, type StepRef } from '../../training/model-kind.js';
import { openLrSite } from '../lr/kind-site.js';
import { assignBins, binSite, minBinSize, screenDifferences, type Characteristic } from './binning.js';
import { scorecardPart } from './part.js';
import { scorecardParams, type ScorecardParams } from './params.js';
import { eventsPerBin, selectByIv, woeRows, woeTable, type Selection, type WoeTable } from './woe.js';

/** A characteristic the site does not bin or release, and why. */
export interface Withheld { readonly name: string; readonly reason: string }

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
  const n = input.raw.train.length;
  const minSize = minBinSize(n, params.minBinCount, params.minBinShare);
  const site0 = binSite(input.features, input.raw.train, { bins: params.bins, minSize });
  let { binned } = site0;
  const unbinnable: Withheld[] = site0.unbinnable.map((name) => ({ name, reason: `no two bins of at least ${minSize} enterprises` }));
  if (input.role === 'passive') {
    // What a passive site releases must not difference down to fewer than minBinCount
    // enterprises (binning.ts): the absolute floor, not the 5% share, which bounds bins, not
    // differences (with 100k enterprises it would withhold every pair of correlated columns).
    const screen = screenDifferences(binned, binned.map((c) => assignBins(c, input.raw.train)), params.minBinCount);
    unbinnable.push(...screen.withheld.map((w) => ({ name: binned[w.index]!.name, reason: w.reason })));
    binned = screen.kept.map((j) => binned[j]!);
  }
  if (binned.length === 0) {
    throw new FedcreditError('SCORECARD_NO_BINS', `site ${input.site}: none of its ${input.features.length} features gives two bins of at least ${minSize} of the ${n} training enterprises; align more enterprises or lower the minimum bin size`);
  }
  const state = (saved ?? {}) as ScorecardSiteState;
  const site = new ScorecardSite(input, params, binned, unbinnable, minSize, state);
  if (input.role === 'bank') {
    if (!input.labels) throw new FedcreditError('INTERNAL', `site ${input.site}: the bank's labels were not loaded`);
    state.events ??= binned.map((c, j) => eventsPerBin(site.trainBins[j]!, input.labels!.train, c.counts.length));
  }
  if (state.events) await site.model();
  return site;
}

class ScorecardSite implements KindSite {
  readonly trainBins: Int32Array[];
  #lr: KindSite | undefined;
  #tables: WoeTable[] = [];
  #selection: Selection | undefined;

  constructor(
    private readonly input: SiteInput,
    private readonly params: ScorecardParams,
    private readonly binned: readonly Characteristic[],
    private readonly unbinnable: readonly Withheld[],
    private readonly minSize: number,
    private readonly state: ScorecardSiteState,
  ) {
    this.trainBins = binned.map((c) => assignBins(c, input.raw.train));
  }

  get epoch(): number { return this.#lr?.epoch ?? 0; }
  get step(): number { return this.#lr?.step ?? 0; }
  get stopped(): boolean { return this.#lr?.stopped ?? false; }

  get #name(): string { return this.input.site; }

  #keys(): KeyRef {
    return shareKeys({ publicKey: field.bytes(this.input.start, 'publicKey') });
  }

  /** WOE, IV, selection, then LR's site over the chosen WOE-coded characteristics. */
  async model(): Promise<void> {
    const events = this.state.events!;
    this.#tables = this.binned.map((c, j) => woeTable(c.counts, events[j]!));
    const selection = selectByIv(this.#tables, this.params.minIv, this.params.maxCharacteristics);
    this.#selection = selection;
    const chosen = selection.chosen.map((j) => this.binned[j]!);
    const tables = selection.chosen.map((j) => this.#tables[j]!);
    const validationBins = chosen.map((c) => assignBins(c, this.input.raw.validation));
    const input: SiteInput = {
      ...this.input,
      train: woeRows(this.input.raw.train, chosen, tables, selection.chosen.map((j) => this.trainBins[j]!)),
      validation: woeRows(this.input.raw.validation, chosen, tables, validationBins),
      features: chosen.map((c) => c.name),
      engine: () => this.input.engine(),
    };
    this.#lr = await openLrSite(input, this.state.lr);
  }

  save(): KindState {
    if (this.#lr) this.state.lr = this.#lr.save();
    return this.state as unknown as KindState;
  }

  handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage> {
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
    // One 0/1 indicator column per released bin, feature-major, as LR's gradient kernel reads it.
    const k = this.binned.reduce((s, c) => s + c.counts.length, 0);
    const residues = new Float64Array(n * k);
    let col = 0;
    this.binned.forEach((c, j) => {
      const bins = this.trainBins[j]!;
      for (let i = 0; i < n; i++) if (bins[i]! >= 0) residues[(col + bins[i]!) * n + i] = 1;
      col += c.counts.length;
    });
    const matrix = shareFeatures(`${this.input.jobId}:${this.#name}:bins:${randomUUID()}`, residues, n, k);
    const masks = randomResidues(k);
    let shares: Uint8Array[];
    try {
      shares = await engine.maskedGradient(this.#keys(), matrix, 0, n, y, masks);
    } finally {
      await engine.forget(matrix.id);
    }
    this.state.pending = { attempt: ref.attempt, masks: [...masks] };
    await io.persist();
    io.log(`training ${ref.jobId}: summed the labels over ${k} bins of ${this.binned.length} characteristics (each at least ${this.minSize} enterprises)`);
    return { site: this.#name, shares: shares.map((s) => Buffer.from(s)) };
  }

  async #applyBinSums(ref: StepRef, values: number[], io: SiteIo): Promise<KindMessage> {
    if (this.state.events) return { site: this.#name, already: true };
    const pending = this.state.pending;
    if (!pending || pending.attempt !== ref.attempt) {
      throw new FedcreditError('STALE_ATTEMPT', `${this.#name}: decrypted bin sums for attempt ${ref.attempt.slice(0, 20)} match no bin sums this site has outstanding; refused`);
    }
    if (values.length !== pending.masks.length) throw new FedcreditError('BAD_REQUEST', `${this.#name}: ${values.length} decrypted bin sums for ${pending.masks.length} bins`);
    const sums = values.map((v, b) => fromResidue(subResidue(v, pending.masks[b]!)));
    const events: number[][] = [];
    let at = 0;
    for (const c of this.binned) {
      events.push(sums.slice(at, at + c.counts.length));
      at += c.counts.length;
    }
    this.state.events = events;
    delete this.state.pending;
    await this.model();
    await io.persist();
    const sel = this.#selection!;
    const iv = (j: number): string => `${this.binned[j]!.name} (IV ${this.#tables[j]!.iv.toFixed(3)})`;
    io.log(`training ${ref.jobId}: WOE of ${this.binned.length} characteristics known; chosen by IV: ${sel.chosen.map(iv).join(', ')}; dropped: ${[...sel.dropped.map((d) => iv(d.index)), ...this.unbinnable.map((w) => `${w.name} (${w.reason})`)].join(', ') || 'none'}`);
    return { site: this.#name, already: false };
  }

  finish(): FinishedPart {
    if (!this.#lr || !this.#selection) throw new FedcreditError('INTERNAL', `${this.#name}: job ${this.input.jobId} finished before its WOE was known`);
    const lr = this.#lr.finish();
    const part = scorecardPart({
      input: this.input, binned: this.binned, unbinnable: this.unbinnable, tables: this.#tables, selection: this.#selection,
      trainBins: this.trainBins, weights: lr.part['weights'] as number[], intercept: lr.part['intercept'] as number | undefined,
    });
    return { part, featureCount: this.#selection.chosen.length, ...(lr.validationLogits ? { validationLogits: lr.validationLogits } : {}) };
  }

  close(): Promise<void> {
    return this.#lr?.close() ?? Promise.resolve();
  }
}
