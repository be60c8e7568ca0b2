/**
 * A plain, centralized boosted-trees trainer over pooled binned rows, built from the same pure
 * parts as the federated kind (quantize, cells, split, grow, sampling): quantized g/h, cell
 * merging of every non-bank feature with `minCellCount`, the smaller child built and its sibling
 * subtracted, the same tie rule. It is the in-process reference of docs/design/secureboost.md
 * section 13 (a federated model should equal it split for split) and the future bank-alone
 * baseline (bank-alone.ts: the bank's own columns only, where nothing is merged).
 *
 * The bank's columns are never merged (its own data) and win ties; `firstTreeBankOnly` keeps
 * tree 0 to them. Every row is routed through every split (training rows whether sampled or not,
 * validation rows), so every margin is current; only the tree's sampled training rows enter the
 * histograms. Early stopping: `earlyStoppingRounds` trees without a validation AUC gain; the
 * model keeps trees 0..best.
 */
import { auc } from '../../evaluation/metrics.js';
import { mergeCells, mergeRootCells } from './cells.js';
import {
  ROOT, applySplit, baseScore, coarsenHist, depthOf, goesLeft, gradients, missingDirection, leftChild, rawHist, releasedHist, rightChild,
  smallerChild, subtractHist, updateMargins,
} from './grow.js';
import { checkTreeParams, type TreeParams } from './params.js';
import { quantFor, quantG, quantH } from './quantize.js';
import { sampleColumns, sampleRows } from './sampling.js';
import { bestSplit, leafWeight, type BinHist, type HistEntry } from './split.js';

/** One binned feature over all rows (training and validation). */
export interface BinnedColumn {
  /** Site that holds the feature. */
  readonly owner: string;
  readonly name: string;
  /** Bin index per row, 0..binCount-1. */
  readonly bins: Uint8Array | Int16Array;
  readonly binCount: number;
  /** The missing bin (the last index) or -1 when the feature has none. */
  readonly missing: number;
}

export interface PlainOptions {
  /** The bank's site name: its columns are not merged, win ties and make tree 0 alone with firstTreeBankOnly. */
  readonly bank: string;
  /** 1 for a validation row; every other row trains. */
  readonly validation?: Uint8Array;
  /** Test hook: every histogram of a non-bank column the split choice sees (what the bank would learn). */
  readonly onPassiveHist?: (e: { tree: number; node: number; column: number; hist: BinHist }) => void;
}

export interface PlainSplit {
  readonly node: number;
  readonly owner: string;
  /** Index into the columns passed in, and that column's name. */
  readonly column: number;
  readonly feature: string;
  /** Index of the column among its owner's columns. */
  readonly slot: number;
  /** Threshold as a raw bin: value bins <= bin go left (the released bin's upper edge). */
  readonly bin: number;
  /** The released bin the split chose (differs from `bin` where cells were merged). */
  readonly releasedBin: number;
  readonly missingLeft: boolean;
  readonly gain: number;
  /** Sampled training rows at the node. */
  readonly cover: number;
}

export interface PlainTree {
  readonly splits: PlainSplit[];
  readonly leaves: { node: number; weight: number; cover: number }[];
  /** Fixed point of the tree (quantize.ts). */
  readonly sg: number;
}

export interface PlainModel {
  readonly baseScore: number;
  /** Trees 0..best with early stopping, else every tree; each with its splits and leaves. */
  readonly trees: PlainTree[];
  /** Every grown tree's AUC after adding it (validation NaN without validation rows). */
  readonly rounds: { trainAuc: number; validationAuc: number }[];
  readonly bestTree: number;
  readonly stoppedEarly: boolean;
}

/** A node's histograms and the released-bin maps (raw bin -> released bin) they were released under. */
interface NodeHists {
  readonly hists: Map<number, BinHist>;
  readonly maps: Map<number, Int16Array>;
}

function checkColumns(columns: readonly BinnedColumn[], n: number): void {
  if (columns.length === 0) throw new RangeError('trainPlainBoostedTrees: no columns; pass at least one binned feature');
  columns.forEach((c, j) => {
    if (c.bins.length !== n) throw new RangeError(`column ${j} (${c.name}) has ${c.bins.length} rows but there are ${n} labels; bin every row`);
    if (!Number.isInteger(c.binCount) || c.binCount < 1 || c.binCount > 255) throw new RangeError(`column ${j} (${c.name}): binCount must be 1..255, got ${c.binCount}`);
    if (c.missing !== -1 && c.missing !== c.binCount - 1) throw new RangeError(`column ${j} (${c.name}): the missing bin must be the last bin (${c.binCount - 1}) or -1, got ${c.missing}`);
    for (let i = 0; i < n; i++) {
      const b = c.bins[i]!;
      if (!(b >= 0 && b < c.binCount)) throw new RangeError(`column ${j} (${c.name}), row ${i}: bin ${b} is outside 0..${c.binCount - 1}`);
    }
  });
}

function identity(count: number): Int16Array {
  return Int16Array.from({ length: count }, (_, r) => r);
}

function rowsWhere(n: number, keep: (i: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
  return Uint32Array.from(out);
}

function aucOrNaN(F: Float64Array, y: ArrayLike<number>, rows: Uint32Array): number {
  let pos = 0;
  for (const i of rows) pos += y[i]!;
  if (pos === 0 || pos === rows.length) return NaN;
  return auc(Array.from(rows, (i) => F[i]!), Array.from(rows, (i) => y[i]!));
}

/** The margin of every row under a trained model (base score plus the kept trees' leaves). */
export function predictPlain(model: PlainModel, columns: readonly BinnedColumn[]): Float64Array {
  const n = columns[0]?.bins.length ?? 0;
  const F = new Float64Array(n).fill(model.baseScore);
  for (const t of model.trees) {
    const splits = new Map(t.splits.map((s) => [s.node, s]));
    const leaves = new Map(t.leaves.map((l) => [l.node, l.weight]));
    for (let i = 0; i < n; i++) {
      let node = ROOT;
      for (let s = splits.get(node); s; s = splits.get(node)) {
        const c = columns[s.column]!;
        node = goesLeft(c.bins[i]!, s.bin, c.missing, s.missingLeft) ? leftChild(node) : rightChild(node);
      }
      const w = leaves.get(node);
      if (w === undefined) throw new RangeError(`predictPlain: row ${i} reaches node ${node}, neither a split nor a leaf`);
      F[i]! += w;
    }
  }
  return F;
}

/** Train boosted trees on pooled binned columns (see the module comment). */
export function trainPlainBoostedTrees(columns: readonly BinnedColumn[], labels: ArrayLike<number>, params: TreeParams, options: PlainOptions): PlainModel {
  const p = checkTreeParams(params);
  const n = labels.length;
  checkColumns(columns, n);
  for (let i = 0; i < n; i++) if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is ${labels[i]}; labels must be 0 or 1`);
  const isValidation = (i: number): boolean => options.validation?.[i] === 1;
  const trainRows = rowsWhere(n, (i) => !isValidation(i));
  const validationRows = rowsWhere(n, isValidation);
  const all = rowsWhere(n, () => true);
  const base = baseScore(labels, trainRows);
  const F = new Float64Array(n).fill(base);
  // Slots: a column's index among its owner's columns.
  const byOwner = new Map<string, number[]>();
  columns.forEach((c, j) => byOwner.set(c.owner, [...(byOwner.get(c.owner) ?? []), j]));
  const slotOf = new Map<number, number>();
  for (const js of byOwner.values()) js.forEach((j, k) => slotOf.set(j, k));

  const trees: PlainTree[] = [];
  const rounds: { trainAuc: number; validationAuc: number }[] = [];
  let best = -Infinity;
  let bestTree = -1;
  let stoppedEarly = false;
  for (let t = 0; t < p.trees; t++) {
    const sampled = sampleRows(trainRows, p.rowSample, p.jobSeed, t, options.bank);
    const q = quantFor(sampled.length);
    const { g, h } = gradients(F, labels);
    const G = new Float64Array(n);
    const H = new Float64Array(n);
    for (const i of sampled) {
      G[i] = quantG(g[i]!, q);
      H[i] = quantH(h[i]!, q);
    }
    const active: number[] = [];
    for (const [owner, js] of byOwner) {
      if (t === 0 && p.firstTreeBankOnly && owner !== options.bank) continue;
      for (const k of sampleColumns(js.length, p.colSample, p.jobSeed, t, owner)) active.push(js[k]!);
    }
    active.sort((a, b) => a - b);
    const tree = growTree(columns, active, slotOf, { G, H, sampled, all, q, p, bank: options.bank, tree: t, onPassiveHist: options.onPassiveHist });
    updateMargins(F, tree.positions, new Map(tree.tree.leaves.map((l) => [l.node, l.weight])));
    trees.push(tree.tree);
    const validationAuc = validationRows.length > 0 ? aucOrNaN(F, labels, validationRows) : NaN;
    rounds.push({ trainAuc: aucOrNaN(F, labels, trainRows), validationAuc });
    // Without early stopping (or without a validation AUC) the model is every tree grown.
    if (p.earlyStoppingRounds === 0 || Number.isNaN(validationAuc)) {
      bestTree = t;
      continue;
    }
    if (validationAuc > best) {
      best = validationAuc;
      bestTree = t;
    } else if (t - bestTree >= p.earlyStoppingRounds) {
      stoppedEarly = true;
      break;
    }
  }
  return { baseScore: base, trees: trees.slice(0, bestTree + 1), rounds, bestTree, stoppedEarly };
}

interface GrowInput {
  readonly G: Float64Array;
  readonly H: Float64Array;
  readonly sampled: Uint32Array;
  readonly all: Uint32Array;
  readonly q: ReturnType<typeof quantFor>;
  readonly p: TreeParams;
  readonly bank: string;
  readonly tree: number;
  readonly onPassiveHist: PlainOptions['onPassiveHist'];
}

function sums(rows: Uint32Array, G: Float64Array, H: Float64Array): { G: number; H: number; count: number } {
  let sg = 0;
  let sh = 0;
  for (const i of rows) {
    sg += G[i]!;
    sh += H[i]!;
  }
  return { G: sg, H: sh, count: rows.length };
}

/** One tree, level by level, as the bank drives it (section 4). */
function growTree(columns: readonly BinnedColumn[], active: readonly number[], slotOf: ReadonlyMap<number, number>, x: GrowInput): { tree: PlainTree; positions: Uint32Array } {
  const { G, H, q, p } = x;
  const positions = new Uint32Array(x.all.length);
  const trainAt = new Map<number, Uint32Array>([[ROOT, x.sampled]]);
  const allAt = new Map<number, Uint32Array>([[ROOT, x.all]]);
  const histsAt = new Map<number, NodeHists>();
  // The root: every cell needs minCellCount rows of the root (no sibling).
  const root: NodeHists = { hists: new Map(), maps: new Map() };
  for (const j of active) {
    const c = columns[j]!;
    const raw = rawHist(c.bins, c.binCount, x.sampled, G, H);
    const map = c.owner === x.bank ? identity(c.binCount) : mergeRootCells(raw.count, c.missing, p.minCellCount);
    root.hists.set(j, releasedHist(raw, map, c.missing));
    root.maps.set(j, map);
  }
  histsAt.set(ROOT, root);
  const splits: PlainSplit[] = [];
  const leaves: { node: number; weight: number; cover: number }[] = [];
  let open = [ROOT];
  while (open.length > 0) {
    const next: number[] = [];
    for (const node of open) {
      const rows = trainAt.get(node)!;
      const total = sums(rows, G, H);
      // Nodes at the last level get no histograms: they are leaves.
      const nh = histsAt.get(node);
      const entries: HistEntry[] = nh ? active.map((j) => ({ owner: columns[j]!.owner, slot: slotOf.get(j)!, hist: nh.hists.get(j)! })) : [];
      if (nh && x.onPassiveHist) for (const j of active) if (columns[j]!.owner !== x.bank) x.onPassiveHist({ tree: x.tree, node, column: j, hist: nh.hists.get(j)! });
      const cand = nh && depthOf(node) < p.depth ? bestSplit(entries, total, q, p, x.bank) : undefined;
      if (!nh || !cand) {
        leaves.push({ node, weight: leafWeight(total.G, total.H, q, p), cover: rows.length });
        continue;
      }
      const j = active.find((k) => columns[k]!.owner === cand.owner && slotOf.get(k) === cand.slot)!;
      const c = columns[j]!;
      const map = nh.maps.get(j)!;
      let threshold = -1;
      for (let r = 0; r < map.length; r++) if (r !== c.missing && map[r] === cand.bin) threshold = r;
      // A missing bin merged into a value cell goes where that cell goes (cells.ts).
      const missingLeft = missingDirection(map, c.missing, cand.bin, cand.missingLeft);
      splits.push({ node, owner: c.owner, column: j, feature: c.name, slot: cand.slot, bin: threshold, releasedBin: cand.bin, missingLeft, gain: cand.gain, cover: rows.length });
      const left = (i: number): boolean => goesLeft(c.bins[i]!, threshold, c.missing, missingLeft);
      const moved = applySplit(positions, node, allAt.get(node)!, left);
      allAt.set(leftChild(node), moved.left);
      allAt.set(rightChild(node), moved.right);
      const l = rows.filter(left);
      const r = rows.filter((i) => !left(i));
      trainAt.set(leftChild(node), l);
      trainAt.set(rightChild(node), r);
      if (depthOf(node) + 1 < p.depth) buildPair(columns, active, x, node, nh, l, r, histsAt);
      next.push(leftChild(node), rightChild(node));
    }
    open = next;
  }
  return { tree: { splits, leaves, sg: q.sg }, positions };
}

/** The children's histograms: the smaller one built, its sibling the parent minus it (4.3, 4.4). */
function buildPair(columns: readonly BinnedColumn[], active: readonly number[], x: GrowInput, parent: number, parentHists: NodeHists, l: Uint32Array, r: Uint32Array, histsAt: Map<number, NodeHists>): void {
  const built = smallerChild(parent, l.length, r.length);
  const builtRows = built === leftChild(parent) ? l : r;
  const otherRows = built === leftChild(parent) ? r : l;
  const other = built === leftChild(parent) ? rightChild(parent) : leftChild(parent);
  const b: NodeHists = { hists: new Map(), maps: new Map() };
  const o: NodeHists = { hists: new Map(), maps: new Map() };
  for (const j of active) {
    const c = columns[j]!;
    const raw = rawHist(c.bins, c.binCount, builtRows, x.G, x.H);
    const parentMap = parentHists.maps.get(j)!;
    // The sibling's counts per raw bin: the site knows its rows (parent rows minus the built child's).
    const map = c.owner === x.bank ? parentMap : mergeCells(parentMap, raw.count, rawHist(c.bins, c.binCount, otherRows, x.G, x.H).count, c.missing, x.p.minCellCount);
    const hist = releasedHist(raw, map, c.missing);
    b.hists.set(j, hist);
    b.maps.set(j, map);
    o.hists.set(j, subtractHist(coarsenHist(parentHists.hists.get(j)!, parentMap, map), hist));
    o.maps.set(j, map);
  }
  histsAt.set(built, b);
  histsAt.set(other, o);
}
