/**
 * The bank's side of a boosted-trees job (docs/design/secureboost.md sections 2, 4, 4.3, 4.5,
 * 4.6): gradients and hessians of its labels, quantized and packed (quantize.ts), encrypted in
 * the level's layout (layout.ts, kernel.ts) and sealed to each passive site; the passive sites'
 * masked histograms unmasked and decoded, siblings by subtraction (grow.ts); the split choice over
 * its own and the passive slots' histograms (split.ts); the rows moved to their children with the
 * passives' partition bits; leaf weights, margins, validation AUC and early stopping. The bank
 * learns (design section 6): per built node and passive slot, (G, H) and row counts of released
 * cells (each over >= minCellCount rows: the passive merged them), and which rows go left at every
 * split (the partition, section 5.1). It never sees a passive feature's name, bin edge or value.
 *
 * Rows are numbered globally: training rows 0..nTrain-1, then validation rows. Every row is routed
 * through every split; only the tree's sampled training rows enter the histograms (as plain.ts).
 *
 * Durable state (BankState, plain JSON through io.persist): margins F, the tree in progress
 * (positions, decided splits, the passive histograms of the open nodes), the finished trees,
 * the AUC history and each step's answer, so a retry of the same attempt answers the same bytes.
 */
import { subResidue, fromResidue } from '../../crypto/bfv-fixed.js';
import { HISTOGRAM_WIRE_SIZES } from '../../crypto/bfv-histogram.js';
import type { KeyRef } from '../../crypto/bfv-engine.js';
import { auc } from '../../evaluation/metrics.js';
import { FedcreditError } from '../../lib/errors.js';
import type { SealedPayloadMessage } from '../../training/envelope.js';
import type { SealedPayload__Output } from '../../proto/gen/fedcredit/v1/SealedPayload.js';
import { ROOT, baseScore, coarsenHist, depthOf, goesLeft, gradients, leftChild, parentOf, rawHist, rightChild, siblingOf, smallerChild, subtractHist } from './grow.js';
import type { HistogramKernel } from './kernel.js';
import { pages, partBytes, planPartLabel } from './paging.js';
import { PAD, layoutLevel, strideFor, type WireSizes } from './layout.js';
import type { TreeParams } from './params.js';
import type { BinnedColumn } from './plain.js';
import { quantFor, quantG, quantH, H_SHIFT, unpackSum } from './quantize.js';
import { sampleColumns, sampleRows } from './sampling.js';
import { bestSplit, leafWeight, type BinHist, type HistEntry } from './split.js';
import { b64, encodeChoice, fromB64F, fromB64U, jsonChunk, parseJson, type ChoiceEntry, type LayoutWire, type SlotMapWire } from './wire.js';

/** A decided split: the bank's own (feature index, raw threshold) or a passive slot's (released bin). */
export interface SplitRec {
  node: number;
  owner: string;
  slot: number;
  bin: number;
  missingLeft: boolean;
  gain: number;
  cover: number;
}

export interface DoneTree {
  tree: number;
  sg: number;
  splits: SplitRec[];
  leaves: { node: number; weight: number; cover: number }[];
  validationAuc: number;
}

interface StoredHist { G: number[]; H: number[]; count: number[]; missing: number }

interface TreeWork {
  tree: number;
  /** The next level to run. */
  level: number;
  positions: string;
  open: number[];
  splits: SplitRec[];
  leaves: number[];
  /** Passive histograms of the current level's open nodes: [node][site][slot]. */
  hists: Record<string, Record<string, StoredHist[]>>;
  plan?: { level: number; stride: number; built: number[]; passives: boolean };
  pending?: { level: number; splits: SplitRec[]; leaves: number[] };
}

export interface BankState {
  base: number;
  F: string;
  tree: number;
  trees: DoneTree[];
  best: number;
  bestTree: number;
  stopped: boolean;
  bestValidation?: string;
  cur?: TreeWork;
  /** Slots each passive released at its last level (the stride planner's estimate; 8 before any). */
  slots?: Record<string, number>;
}

export interface BankInput {
  readonly site: string;
  readonly passives: readonly string[];
  readonly columns: readonly BinnedColumn[];
  /** Labels of every row (training then validation). */
  readonly labels: readonly number[];
  readonly nTrain: number;
  readonly params: TreeParams;
  readonly kernel: HistogramKernel;
  keys(): KeyRef;
}

export interface Sealer {
  seal(label: string, to: string, chunks: readonly Uint8Array[]): SealedPayloadMessage;
  open(label: string, from: string, env: SealedPayload__Output | null | undefined): Uint8Array[];
}

/**
 * The kernel's measured wire sizes (T1's HISTOGRAM_WIRE_SIZES: chunks at 3 primes 266,248 bytes,
 * a prefix share 88,072 + 16 s), not section 4.1's estimates (DESIGN_WIRE_SIZES): the stride
 * choice only moves bytes, never the model.
 */
export const KERNEL_WIRE_SIZES: WireSizes = HISTOGRAM_WIRE_SIZES;

const toStored = (h: BinHist): StoredHist => ({ G: [...h.G], H: [...h.H], count: [...h.count], missing: h.missing });
const fromStored = (h: StoredHist): BinHist => ({ G: Float64Array.from(h.G), H: Float64Array.from(h.H), count: Uint32Array.from(h.count), missing: h.missing });

export function newBankState(labels: readonly number[], nTrain: number): BankState {
  const train = Uint32Array.from({ length: nTrain }, (_, i) => i);
  const base = baseScore(labels, train);
  return { base, F: b64(new Float64Array(labels.length).fill(base)), tree: 0, trees: [], best: -Infinity, bestTree: -1, stopped: false };
}

interface TreeRows { tree: number; G: Float64Array; H: Float64Array; v: Float64Array; sampled: Uint32Array; sg: number }

export class BankTrees {
  #gh: TreeRows | undefined;

  constructor(private readonly x: BankInput, readonly state: BankState) {}

  get #n(): number { return this.x.labels.length; }

  /** The tree's sampled rows and quantized G, H, v (a pure function of F and the seed: recomputed after a restart). */
  #tree(tree: number): TreeRows {
    if (this.#gh?.tree === tree) return this.#gh;
    const p = this.x.params;
    const sampled = sampleRows(Uint32Array.from({ length: this.x.nTrain }, (_, i) => i), p.rowSample, p.jobSeed, tree, this.x.site);
    const q = quantFor(sampled.length);
    const { g, h } = gradients(fromB64F(this.state.F), this.x.labels);
    const G = new Float64Array(this.#n);
    const H = new Float64Array(this.#n);
    const v = new Float64Array(this.#n);
    for (const i of sampled) {
      G[i] = quantG(g[i]!, q);
      H[i] = quantH(h[i]!, q);
      v[i] = G[i]! + H_SHIFT * H[i]!;
    }
    this.#gh = { tree, G, H, v, sampled, sg: q.sg };
    return this.#gh;
  }

  #passivesTake(tree: number): boolean {
    return this.x.passives.length > 0 && !(tree === 0 && this.x.params.firstTreeBankOnly);
  }

  #work(tree: number, level: number): TreeWork {
    if (this.state.stopped) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: the job has stopped at tree ${this.state.tree - 1}; nothing more to grow`);
    if (tree !== this.state.tree) throw new FedcreditError('STALE_ATTEMPT', `${this.x.site}: tree ${tree} asked, the bank is at tree ${this.state.tree}`);
    if (!this.state.cur || this.state.cur.tree !== tree) {
      this.state.cur = { tree, level: 0, positions: b64(new Uint32Array(this.#n)), open: [ROOT], splits: [], leaves: [], hists: {} };
    }
    const cur = this.state.cur;
    if (level !== cur.level) throw new FedcreditError('STALE_ATTEMPT', `${this.x.site}: level ${level} of tree ${tree} asked, the bank is at level ${cur.level}`);
    return cur;
  }

  /** Sampled training rows per node. */
  #trainAt(positions: Uint32Array, sampled: Uint32Array): Map<number, number[]> {
    const at = new Map<number, number[]>();
    for (const i of sampled) {
      const node = positions[i]!;
      let l = at.get(node);
      if (!l) at.set(node, (l = []));
      l.push(i);
    }
    return at;
  }

  /** Every row (training and validation) of each open node, ascending: the rows a partition covers. */
  #route(positions: Uint32Array, open: readonly number[]): { node: number; rows: number[] }[] {
    const at = new Map<number, number[]>(open.map((n) => [n, []]));
    for (let i = 0; i < positions.length; i++) at.get(positions[i]!)?.push(i);
    return [...open].sort((a, b) => a - b).map((node) => ({ node, rows: at.get(node)! }));
  }

  /** Step L, call 2: the level's layout and [[v]], sealed to each passive. */
  async levelStart(tree: number, level: number, s: Sealer): Promise<Record<string, unknown>> {
    const cur = this.#work(tree, level);
    const t = this.#tree(tree);
    const positions = fromB64U(cur.positions);
    const open = cur.open;
    if (open.length === 0 || !this.#passivesTake(tree)) {
      cur.plan = { level, stride: 0, built: [], passives: false };
      return { tree, level, stride: 0, nodes: open.length, perPassive: [] };
    }
    const trainAt = this.#trainAt(positions, t.sampled);
    const built = level === 0 ? [ROOT] : open.filter((n) => n % 2 === 1).map((l) => smallerChild(parentOf(l), trainAt.get(l)?.length ?? 0, trainAt.get(l + 1)?.length ?? 0));
    const p = this.x.params;
    const shape = { nodeRows: built.map((n) => trainAt.get(n)?.length ?? 0), passiveSlots: this.x.passives.map((k) => this.state.slots?.[k] ?? 8), bins: p.bins };
    const stride = strideFor(p.stride, shape, { ...KERNEL_WIRE_SIZES, ringDegree: this.x.kernel.ringDegree });
    const layout = layoutLevel(positions, built, stride, { rows: t.sampled, ringDegree: this.x.kernel.ringDegree });
    const values = new Float64Array(layout.rows.length);
    layout.rows.forEach((i, k) => { if (i !== PAD) values[k] = t.v[i]!; });
    const chunks = await this.x.kernel.encryptStrided(this.x.keys(), values, stride);
    const q = quantFor(t.sampled.length);
    const wire: LayoutWire = {
      tree, level, stride, rows: Array.from(layout.rows, (i) => (i === PAD ? -1 : i)), nodes: layout.nodes.map((n) => ({ ...n })),
      route: this.#route(positions, open), sg: q.sg, sh: q.sh,
    };
    const json = jsonChunk(wire);
    cur.plan = { level, stride, built: layout.nodes.map((n) => n.node), passives: true };
    // Paged (paging.ts): LevelPlan carries each passive's part 0 (the layout and the chunks that
    // fit in its share of one message); the other parts go to `extraParts`, which kind-site.ts
    // keeps as blobs for FetchPlanPart and strips from the answer.
    const cut = pages(chunks.map((c) => c.length), Math.max(0, Math.floor(partBytes() / this.x.passives.length) - json.length), partBytes());
    const sealPart = (k: string, p: number): SealedPayloadMessage => s.seal(planPartLabel(p), k, p === 0 ? [json, ...chunks.slice(...cut[0]!)] : chunks.slice(...cut[p]!));
    const extraParts = this.x.passives.flatMap((site) => cut.slice(1).map((_, i) => ({ site, part: i + 1, plan: sealPart(site, i + 1) })));
    return { tree, level, stride, nodes: built.length, perPassive: this.x.passives.map((k) => sealPart(k, 0)), parts: cut.length, extraParts };
  }

  /** Step L, call 7: decode the passives' histograms, choose every open node's split. */
  chooseSplits(tree: number, level: number, perPassive: readonly { site: string; masked: number[]; fromSite: SealedPayload__Output | undefined }[], s: Sealer): Record<string, unknown> {
    const cur = this.#work(tree, level);
    const plan = cur.plan;
    if (!plan || plan.level !== level) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: splits of level ${level} asked before its plan`);
    const t = this.#tree(tree);
    const q = quantFor(t.sampled.length);
    const p = this.x.params;
    const positions = fromB64U(cur.positions);
    const trainAt = this.#trainAt(positions, t.sampled);
    const hists: TreeWork['hists'] = {};
    if (plan.passives) {
      if (perPassive.length !== this.x.passives.length) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: histograms of ${perPassive.length} passive sites, expected ${this.x.passives.length}`);
      for (const entry of perPassive) {
        if (!this.x.passives.includes(entry.site)) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: histograms from ${entry.site.slice(0, 40)}, not a passive site of this job`);
        const map = parseJson<SlotMapWire>(s.open('trees-slots', entry.site, entry.fromSite)[0], `${entry.site}'s slot map`);
        (this.state.slots ??= {})[entry.site] = map.slots;
        if (map.masks.length !== entry.masked.length) throw new FedcreditError('BAD_REQUEST', `${entry.site}: ${entry.masked.length} decrypted values for ${map.masks.length} masks`);
        if (map.entries.length !== plan.built.length) throw new FedcreditError('BAD_REQUEST', `${entry.site}: slot map of ${map.entries.length} nodes, ${plan.built.length} built`);
        let at = 0;
        plan.built.forEach((node, n) => {
          const perSlot = map.entries[n]!;
          const builtHists: StoredHist[] = [];
          const siblingHists: StoredHist[] = [];
          perSlot.forEach((e, slot) => {
            const bins = e.count.length;
            const G = new Float64Array(bins);
            const H = new Float64Array(bins);
            for (let b = 0; b < bins; b++) {
              const k = at + b;
              const sum = unpackSum(fromResidue(subResidue(entry.masked[k]!, map.masks[k]!)));
              G[b] = sum.G;
              H[b] = sum.H;
            }
            at += Math.ceil(bins / plan.stride) * plan.stride;
            const hist: BinHist = { G, H, count: Uint32Array.from(e.count), missing: e.missing };
            builtHists.push(toStored(hist));
            if (node !== ROOT) {
              const parent = cur.hists[String(parentOf(node))]?.[entry.site]?.[slot];
              if (!parent || !e.into) throw new FedcreditError('BAD_REQUEST', `${entry.site}: slot ${slot} of node ${node} has no parent histogram to subtract from`);
              const ph = fromStored(parent);
              const identity = Int16Array.from({ length: ph.G.length }, (_, r) => r);
              siblingHists.push(toStored(subtractHist(coarsenHist(ph, identity, Int16Array.from(e.into)), hist)));
            }
          });
          (hists[String(node)] ??= {})[entry.site] = builtHists;
          if (node !== ROOT) (hists[String(siblingOf(node))] ??= {})[entry.site] = siblingHists;
        });
        if (at !== entry.masked.length) throw new FedcreditError('BAD_REQUEST', `${entry.site}: ${entry.masked.length} values for ${at} bins`);
      }
    }
    const own = sampleColumns(this.x.columns.length, p.colSample, p.jobSeed, tree, this.x.site);
    const splits: SplitRec[] = [];
    const leaves: number[] = [];
    for (const node of [...cur.open].sort((a, b) => a - b)) {
      const rows = Uint32Array.from(trainAt.get(node) ?? []);
      let G = 0;
      let H = 0;
      for (const i of rows) { G += t.G[i]!; H += t.H[i]!; }
      const entries: HistEntry[] = [];
      for (const j of own) {
        const c = this.x.columns[j]!;
        const raw = rawHist(c.bins, c.binCount, rows, t.G, t.H);
        entries.push({ owner: this.x.site, slot: j, hist: { ...raw, missing: c.missing } });
      }
      for (const [site, slots] of Object.entries(hists[String(node)] ?? {})) slots.forEach((h, slot) => entries.push({ owner: site, slot, hist: fromStored(h) }));
      const cand = depthOf(node) < p.depth ? bestSplit(entries, { G, H, count: rows.length }, q, p, this.x.site) : undefined;
      if (!cand) leaves.push(node);
      else splits.push({ node, owner: cand.owner, slot: cand.slot, bin: cand.bin, missingLeft: cand.missingLeft, gain: cand.gain, cover: rows.length });
    }
    cur.hists = hists;
    cur.pending = { level, splits, leaves };
    const perSite = plan.passives ? this.x.passives.map((k) => {
      const mine: ChoiceEntry[] = splits.filter((x) => x.owner === k).map((x) => ({ node: x.node, slot: x.slot, bin: x.bin, missingLeft: x.missingLeft }));
      return s.seal('trees-choice', k, [encodeChoice(mine, level)]);
    }) : [];
    return { tree, level, perPassive: perSite, leaves: leaves.length };
  }

  /** Step L, call 10: move every row to its child (own splits here, passive splits by their bits). */
  applyPartitions(tree: number, level: number, perPassive: readonly SealedPayload__Output[], s: Sealer, unpack: (b: Uint8Array | undefined, n: number) => boolean[]): boolean {
    if (this.state.cur?.tree === tree && this.state.cur.level === level + 1) return true;
    const cur = this.#work(tree, level);
    const pending = cur.pending;
    if (!pending || pending.level !== level) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: partitions of level ${level} before its splits were chosen`);
    const positions = fromB64U(cur.positions);
    const route = this.#route(positions, cur.open);
    const total = route.reduce((n, r) => n + r.rows.length, 0);
    const bits = new Map<string, boolean[]>();
    if (cur.plan?.passives) {
      this.x.passives.forEach((k, idx) => {
        const env = perPassive.find((e) => e.from === k) ?? perPassive[idx];
        bits.set(k, unpack(s.open('trees-partition', k, env)[0], total));
      });
    }
    const offset = new Map<number, number>();
    let at = 0;
    for (const r of route) { offset.set(r.node, at); at += r.rows.length; }
    const next: number[] = [];
    for (const x of pending.splits) {
      const rows = route.find((r) => r.node === x.node)!.rows;
      let left: (i: number, k: number) => boolean;
      if (x.owner === this.x.site) {
        const c = this.x.columns[x.slot]!;
        left = (i) => goesLeft(c.bins[i]!, x.bin, c.missing, x.missingLeft);
      } else {
        const b = bits.get(x.owner);
        if (!b) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: no partition from ${x.owner}`);
        const o = offset.get(x.node)!;
        left = (_i, k) => b[o + k]!;
      }
      rows.forEach((i, k) => { positions[i] = left(i, k) ? leftChild(x.node) : rightChild(x.node); });
      next.push(leftChild(x.node), rightChild(x.node));
    }
    cur.splits.push(...pending.splits);
    cur.leaves.push(...pending.leaves);
    cur.positions = b64(positions);
    cur.open = depthOf(next[0] ?? 0) < this.x.params.depth ? next : [];
    if (next.length > 0 && depthOf(next[0]!) >= this.x.params.depth) cur.leaves.push(...next);
    cur.level = level + 1;
    delete cur.pending;
    delete cur.plan;
    return false;
  }

  /** Evaluate: leaf weights, margins, validation AUC, the early-stopping verdict. */
  finishTree(tree: number, s: Sealer, extra: readonly Uint8Array[] = []): { answer: Record<string, unknown>; outcome: { improved: boolean; stop: boolean; auc: number } } {
    const cur = this.#work(tree, this.state.cur?.tree === tree ? this.state.cur.level : 0);
    const p = this.x.params;
    if (cur.level < p.depth && cur.open.length > 0) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: tree ${tree} finished at level ${cur.level} with ${cur.open.length} nodes still open`);
    const t = this.#tree(tree);
    const q = quantFor(t.sampled.length);
    const positions = fromB64U(cur.positions);
    const sums = new Map<number, { G: number; H: number; cover: number }>();
    for (const n of cur.leaves) sums.set(n, { G: 0, H: 0, cover: 0 });
    for (const i of t.sampled) {
      const e = sums.get(positions[i]!);
      if (!e) throw new FedcreditError('INTERNAL', `${this.x.site}: row ${i} ends at node ${positions[i]}, not a leaf`);
      e.G += t.G[i]!; e.H += t.H[i]!; e.cover++;
    }
    const leaves = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([node, e]) => ({ node, weight: leafWeight(e.G, e.H, q, p), cover: e.cover }));
    const w = new Map(leaves.map((l) => [l.node, l.weight]));
    const F = fromB64F(this.state.F);
    for (let i = 0; i < F.length; i++) F[i]! += w.get(positions[i]!) ?? 0;
    const validation = Array.from({ length: this.#n - this.x.nTrain }, (_, k) => this.x.nTrain + k);
    const vy = validation.map((i) => this.x.labels[i]!);
    const pos = vy.reduce((a, b) => a + b, 0);
    const validationAuc = pos === 0 || pos === vy.length ? NaN : auc(validation.map((i) => F[i]!), vy);
    let stop = tree === p.trees - 1;
    if (p.earlyStoppingRounds === 0 || Number.isNaN(validationAuc)) this.state.bestTree = tree;
    else if (validationAuc > this.state.best) {
      this.state.best = validationAuc;
      this.state.bestTree = tree;
    } else if (tree - this.state.bestTree >= p.earlyStoppingRounds) stop = true;
    const improved = this.state.bestTree === tree;
    if (improved) this.state.bestValidation = b64(Float64Array.from(validation, (i) => F[i]!));
    // Notes for each passive: its splits' gain, cover and riskier side (section 4, TreeOutcome).
    const coverMean = (node: number): { sum: number; cover: number } => {
      const leaf = leaves.find((l) => l.node === node);
      if (leaf) return { sum: leaf.weight * leaf.cover, cover: leaf.cover };
      const l = coverMean(leftChild(node));
      const r = coverMean(rightChild(node));
      return { sum: l.sum + r.sum, cover: l.cover + r.cover };
    };
    const mean = (node: number): number => { const m = coverMean(node); return m.cover > 0 ? m.sum / m.cover : 0; };
    const notes = (k: string) => cur.splits.filter((x) => x.owner === k).map((x) => ({ node: x.node, gain: x.gain, cover: x.cover / t.sampled.length, riskierLeft: mean(leftChild(x.node)) > mean(rightChild(x.node)) }));
    this.state.trees.push({ tree, sg: q.sg, splits: cur.splits, leaves, validationAuc });
    this.state.F = b64(F);
    this.state.tree = tree + 1;
    this.state.stopped = stop;
    delete this.state.cur;
    this.#gh = undefined;
    const answer = {
      tree, validationAuc: Number.isNaN(validationAuc) ? 0 : validationAuc, improved, stop, bestTree: Math.max(0, this.state.bestTree),
      // `extra`: the scoring key's public half (kind-site.ts, at tree 0; leaf chain, section 7.1).
      perPassive: this.x.passives.map((k) => s.seal('trees-notes', k, [jsonChunk(notes(k)), ...extra])),
    };
    return { answer, outcome: { improved, stop, auc: Number.isNaN(validationAuc) ? 0 : validationAuc } };
  }

  /** The kept model: trees 0..best. */
  kept(): DoneTree[] {
    return this.state.trees.filter((t) => t.tree <= this.state.bestTree);
  }

  validationLogits(): number[] {
    if (!this.state.bestValidation) throw new FedcreditError('INTERNAL', `${this.x.site}: no tree was kept`);
    return [...fromB64F(this.state.bestValidation)];
  }
}
