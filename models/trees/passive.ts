/**
 * A passive site's side of a boosted-trees job (docs/design/secureboost.md sections 4.2, 4.4,
 * 4.5): per tree a fresh slot order (a CSPRNG permutation of its column-sampled features,
 * persisted before any share leaves), per level the bank's layout and [[v]] opened, cells merged
 * (cells.ts) so every released cell holds >= minCellCount training rows in both siblings, masked
 * histogram shares (kernel.ts) with the masks and the SlotMap sealed to the bank; then the splits
 * the bank chose on its slots turned into raw thresholds and partition bits (random bits for the
 * nodes it does not own, so the answer's size says nothing); at each tree's end its own splits
 * kept with their gain, cover and riskier side. It learns (section 6): the membership of every
 * open node (the layouts), nothing of labels, g, h or leaf weights; [[v]] is under a key it does
 * not hold.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { randomResidues } from '../../crypto/bfv-fixed.js';
import type { KeyRef } from '../../crypto/bfv-engine.js';
import { FedcreditError } from '../../lib/errors.js';
import type { SealedPayload__Output } from '../../proto/gen/fedcredit/v1/SealedPayload.js';
import type { BinnedFeature } from './binned.js';
import { NOT_RELEASED, mergeCells, mergeRootCells, releasedCount } from './cells.js';
import { ROOT, aloneMissing, goesLeft, missingDirection, parentOf, siblingOf } from './grow.js';
import { NO_BIN } from './layout.js';
import { shareCount, type HistogramKernel } from './kernel.js';
import type { TreeParams } from './params.js';
import type { BinnedColumn } from './plain.js';
import { sampleColumns } from './sampling.js';
import type { Sealer } from './bank.js';
import { decodeChoice, jsonChunk, packBits, parseJson, type LayoutWire, type SlotEntry, type SlotMapWire } from './wire.js';

/** One of this site's splits, as kept in its part (design 12.3). */
export interface OwnSplit {
  node: number;
  feature: string;
  /** The threshold value: the upper edge of the last value bin going left (Infinity: every value). */
  threshold: number;
  /** Raw bin threshold: value bins <= bin go left. */
  bin: number;
  missingLeft: boolean;
  gain: number;
  riskierLeft: boolean;
  cover: number;
}

export interface PassiveState {
  /** Tree whose slots and maps are below (-1: none yet). */
  tree: number;
  perm: number[];
  /** Sampled training rows of the tree (from its root layout), packed (packRows). */
  sampled: PackedRows;
  /** Released maps (raw bin -> released bin) per node of the tree, per slot. */
  maps: Record<string, number[][]>;
  /** The current level's open nodes and their rows, as the bank's layout routes them (the partition covers these rows). */
  layout?: RouteState;
  /** The masks of the shares sent under this attempt. */
  pending?: { attempt: string; tree: number; level: number };
  /** This tree's splits so far (committed at TreeDone). */
  splits: OwnSplit[];
  trees: { tree: number; splits: OwnSplit[] }[];
  /** Last tree announced. */
  done: number;
  stopped: boolean;
  /**
   * The bank's scoring key as states saved before it moved to a blob kept it (kind-site.ts
   * SCORING_KEY_BLOB; treeDone hands it on now): read, never written.
   */
  scoring?: { n: number; publicKey: string };
}

export interface PassiveInput {
  readonly site: string;
  readonly bank: string;
  readonly columns: readonly BinnedColumn[];
  readonly binned: readonly BinnedFeature[];
  readonly nTrain: number;
  readonly params: TreeParams;
  readonly kernel: HistogramKernel;
  keys(): KeyRef;
}

export function newPassiveState(): PassiveState {
  return { tree: -1, perm: [], sampled: packRows([]), maps: {}, splits: [], trees: [], done: -1, stopped: false };
}

/**
 * Row indices as the state keeps them: little-endian int32, base64. The state is written to the
 * store before every answer (write-ahead), and a level's rows as JSON numbers were most of it
 * (~2 MB at 100k rows, JSON.stringify ~13 ms per write); a string costs a copy. A state saved
 * before this format holds plain arrays, which unpackRows also reads.
 */
export type PackedRows = string | number[];

export function packRows(rows: readonly number[]): string {
  return Buffer.from(Int32Array.from(rows).buffer).toString('base64');
}

export function unpackRows(rows: PackedRows): Int32Array {
  if (Array.isArray(rows)) return Int32Array.from(rows);
  const bytes = Buffer.from(rows, 'base64');
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

interface RouteState {
  tree: number;
  level: number;
  route: { node: number; rows: PackedRows }[];
}

function counts(col: BinnedColumn, rows: Iterable<number>): Uint32Array {
  const out = new Uint32Array(col.binCount);
  for (const i of rows) out[col.bins[i]!]!++;
  return out;
}

export class PassiveTrees {
  constructor(private readonly x: PassiveInput, readonly state: PassiveState) {}

  /** Step L, call 4: merged cells, masked shares, masks and slot map sealed to the bank. */
  async buildHistograms(tree: number, level: number, attempt: string, plan: SealedPayload__Output | undefined, s: Sealer, moreChunks: readonly Uint8Array[] = []): Promise<Record<string, unknown>> {
    if (this.state.stopped) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: the job has stopped; no more histograms`);
    // moreChunks: the plan's parts 1.. (paging.ts), delivered and opened before this call.
    const [json, ...chunks] = [...s.open('trees-plan', this.x.bank, plan), ...moreChunks];
    const layout = parseJson<LayoutWire>(json, 'the bank\'s level plan');
    if (layout.tree !== tree || layout.level !== level) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: a plan for tree ${layout.tree} level ${layout.level} sent as tree ${tree} level ${level}`);
    const p = this.x.params;
    if (tree !== this.state.tree) {
      if (level !== 0) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: tree ${tree} starts at level ${level}; expected its root first`);
      // A fresh slot order per tree from the CSPRNG, persisted with the answer: the bank cannot link slots across trees.
      const active = [...sampleColumns(this.x.columns.length, p.colSample, p.jobSeed, tree, this.x.site)];
      for (let k = active.length - 1; k > 0; k--) {
        const r = randomInt(k + 1);
        [active[k], active[r]] = [active[r]!, active[k]!];
      }
      this.state.tree = tree;
      this.state.perm = active;
      this.state.sampled = packRows(layout.rows.filter((i) => i >= 0));
      this.state.maps = {};
      this.state.splits = [];
    }
    const sampled = new Uint8Array(this.x.nTrain);
    for (const i of unpackRows(this.state.sampled)) sampled[i] = 1;
    const m = this.x.kernel.ringDegree / layout.stride;
    const slots = this.state.perm.map((j) => this.x.columns[j]!);
    const entries: SlotEntry[][] = [];
    const binCount: number[][] = [];
    const bins = slots.map(() => new Uint8Array(layout.rows.length).fill(NO_BIN));
    for (const ln of layout.nodes) {
      const rows = layout.rows.slice(ln.firstChunk * m, ln.firstChunk * m + ln.rows);
      const sibling = ln.node === ROOT ? undefined : layout.route.find((r) => r.node === siblingOf(ln.node));
      if (ln.node !== ROOT && !sibling) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: the plan builds node ${ln.node} without its sibling's rows`);
      const siblingRows = sibling ? sibling.rows.filter((i) => i < this.x.nTrain && sampled[i] === 1) : [];
      const parentMaps = ln.node === ROOT ? undefined : this.state.maps[String(parentOf(ln.node))];
      if (ln.node !== ROOT && !parentMaps) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: node ${ln.node}'s parent was never built here`);
      const nodeEntries: SlotEntry[] = [];
      const nodeMaps: number[][] = [];
      slots.forEach((col, slot) => {
        const child = counts(col, rows);
        const map = parentMaps
          ? mergeCells(Int16Array.from(parentMaps[slot]!), child, counts(col, siblingRows), col.missing, p.minCellCount)
          : mergeRootCells(child, col.missing, p.minCellCount);
        const released = releasedCount(map);
        const count = new Array<number>(released).fill(0);
        for (let r = 0; r < map.length; r++) if (map[r] !== NOT_RELEASED) count[map[r]!]! += child[r]!;
        let into: number[] | undefined;
        if (parentMaps) {
          const pm = parentMaps[slot]!;
          into = new Array<number>(releasedCount(Int16Array.from(pm))).fill(-1);
          for (let r = 0; r < map.length; r++) if (pm[r]! !== NOT_RELEASED && map[r] !== NOT_RELEASED) into[pm[r]!] = map[r]!;
        }
        nodeEntries.push({ ...(into ? { into } : {}), count, missing: aloneMissing(map, col.missing) });
        nodeMaps.push([...map]);
        const at = bins[slot]!;
        for (let k = 0; k < ln.rows; k++) {
          const b = map[col.bins[rows[k]!]!]!;
          if (b !== NOT_RELEASED) at[ln.firstChunk * m + k] = b;
        }
      });
      entries.push(nodeEntries);
      binCount.push(nodeEntries.map((e) => e.count.length));
      this.state.maps[String(ln.node)] = nodeMaps;
      if (ln.node !== ROOT) this.state.maps[String(siblingOf(ln.node))] = nodeMaps;
    }
    const masks = randomResidues(shareCount(binCount, layout.stride) * layout.stride);
    const shares = await this.x.kernel.maskedHistograms(this.x.keys(), {
      chunks, stride: layout.stride, nodes: layout.nodes, bins, binCount,
    }, masks);
    this.state.layout = { tree, level, route: layout.route.map((r) => ({ node: r.node, rows: packRows(r.rows) })) };
    this.state.pending = { attempt, tree, level };
    const slotMap: SlotMapWire = { tree, level, slots: slots.length, entries, masks: [...masks] };
    return { shares: shares.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)), toBank: s.seal('trees-slots', this.x.bank, [jsonChunk(slotMap)]), site: this.x.site };
  }

  /** Step L, call 9: the bank's choices on this site's slots as partition bits (random for the other nodes). */
  applySplits(tree: number, level: number, choice: SealedPayload__Output | undefined, s: Sealer): Record<string, unknown> {
    const layout = this.state.layout;
    if (!layout || layout.tree !== tree || layout.level !== level) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: splits of tree ${tree} level ${level} before its histograms`);
    const route = layout.route.map((r) => ({ node: r.node, rows: unpackRows(r.rows) }));
    const chosen = decodeChoice(s.open('trees-choice', this.x.bank, choice)[0], level);
    const mine = new Map<number, OwnSplit & { column: number }>();
    for (const e of chosen) {
      const j = this.state.perm[e.slot];
      const map = this.state.maps[String(e.node)]?.[e.slot];
      if (j === undefined || !map || !route.some((r) => r.node === e.node)) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: a split on slot ${e.slot} of node ${e.node}, which this site did not release`);
      const col = this.x.columns[j]!;
      let threshold = -1;
      for (let r = 0; r < map.length; r++) if (r !== col.missing && map[r] === e.bin) threshold = r;
      if (threshold < 0) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: released bin ${e.bin} of slot ${e.slot} at node ${e.node} holds no value bin`);
      const missingLeft = missingDirection(Int16Array.from(map), col.missing, e.bin, e.missingLeft);
      const cuts = this.x.binned[j]!.cuts;
      mine.set(e.node, { node: e.node, feature: col.name, column: j, bin: threshold, threshold: threshold < cuts.length ? cuts[threshold]! : Infinity, missingLeft, gain: 0, riskierLeft: false, cover: 0 });
    }
    const bits: boolean[] = [];
    for (const r of route) {
      const sp = mine.get(r.node);
      if (!sp) {
        // CSPRNG bits, one byte per eight rows (randomInt(2) per row was ~0.7 us each).
        const random = randomBytes(Math.ceil(r.rows.length / 8));
        for (let k = 0; k < r.rows.length; k++) bits.push((random[k >> 3]! & (1 << (k & 7))) !== 0);
        continue;
      }
      const col = this.x.columns[sp.column]!;
      for (const i of r.rows) bits.push(goesLeft(col.bins[i]!, sp.bin, col.missing, sp.missingLeft));
    }
    this.state.splits = [...this.state.splits.filter((x) => !mine.has(x.node)), ...[...mine.values()].map(({ column: _c, ...rest }) => rest)];
    return { toBank: s.seal('trees-partition', this.x.bank, [packBits(bits)]), site: this.x.site };
  }

  /**
   * Announce: keep this tree's splits with the bank's notes; on stop, keep trees 0..best. Tree
   * 0's notes also carry the bank's per-model scoring key (leaf chain, section 7.1): handed back
   * for the caller to keep (it is megabytes and never changes: not part of this state).
   */
  treeDone(tree: number, stop: boolean, bestTree: number, notes: SealedPayload__Output | undefined, s: Sealer): { already: boolean; scoring?: { n: number; publicKey: string } } {
    if (tree <= this.state.done) return { already: true };
    const opened = notes ? s.open('trees-notes', this.x.bank, notes) : [];
    const parsed = notes ? parseJson<{ node: number; gain: number; cover: number; riskierLeft: boolean }[]>(opened[0], 'the bank\'s tree notes') : [];
    const scoring = opened[1] && opened[2]
      ? { n: parseJson<{ n: number }>(opened[1], 'the scoring key\'s ring degree').n, publicKey: Buffer.from(opened[2]).toString('base64') }
      : undefined;
    const splits = this.state.tree === tree ? this.state.splits : [];
    for (const n of parsed) {
      const sp = splits.find((x) => x.node === n.node);
      if (!sp) throw new FedcreditError('BAD_REQUEST', `${this.x.site}: notes for node ${n.node} of tree ${tree}, which is not split here`);
      sp.gain = n.gain;
      sp.cover = n.cover;
      sp.riskierLeft = n.riskierLeft;
    }
    // Splits the bank did not note are choices it superseded (a retried level): dropped.
    this.state.trees.push({ tree, splits: splits.filter((x) => parsed.some((n) => n.node === x.node)) });
    this.state.done = tree;
    if (stop) {
      this.state.trees = this.state.trees.filter((t) => t.tree <= bestTree);
      this.state.stopped = true;
    }
    return { already: false, ...(scoring ? { scoring } : {}) };
  }
}
