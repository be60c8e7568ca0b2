/**
 * The level layout and the stride (docs/design/secureboost.md sections 3, 4.1 and 12.2): which
 * training row sits at which position of the bank's encrypted chunks at one tree level, and how
 * many bins one histogram share carries.
 *
 * - Stride s (a power of two) puts m = N / s rows in one chunk (N = 8192, the ring degree): row i
 *   of a chunk at coefficient s i, so one product yields s bin sums (section 3).
 * - Layout: the rows of each built node consecutively, in the order of `positions` (ascending row
 *   index), each node padded to whole chunks (padding positions hold PAD, their v is 0); built
 *   nodes in ascending node id. Nodes not built (siblings, subtracted at the bank: 4.3) and rows
 *   at no built node are not in the layout.
 * - Validation rows are grouped by node for every open node of the level (the built nodes and
 *   their siblings), so a passive can return their split bits (step 9).
 * - chooseStride minimises the level's bytes over s in 1..64:
 *       chunks(s) x |ciphertext| x passives  +  (sum of the passives' slots) x ceil(B / s) x nodes x |share(s)|
 *   The ciphertext term is counted once per passive: the same chunks are sealed to each passive
 *   (step 2), as the design's table of section 4.1 counts them ("MB bank -> passives (x2)"); its
 *   formula line omits the factor (the table's choices come out the same either way at its sizes; the
 *   bytes do not). |share(s)| = c1 + s words of c0
 *   (section 3's wire kind 3). Equal bytes: the smaller stride. `strideFor` applies the job's
 *   `stride` parameter (0 = this rule).
 * - binsAtLayout: one feature's released bin per layout position for the kernel (12.1
 *   `maskedHistograms`), NO_BIN (255) at padding and where no cell is released.
 */

/** A padding position of the layout (no row: its v is 0). */
export const PAD = 0xffffffff;

/** The ring degree N of the histogram kernel (crypto/bfv-coeff.ts). */
export const RING_DEGREE = 8192;

/** Strides chooseStride considers (params.ts STRIDES without 0 = auto). */
export const AUTO_STRIDES = [1, 2, 4, 8, 16, 32, 64] as const;

/** What a level's bytes depend on (section 4.1). */
export interface LevelShape {
  /** Sampled training rows of each built node. */
  readonly nodeRows: readonly number[];
  /** Slots (features surviving column sampling) of each passive site. */
  readonly passiveSlots: readonly number[];
  /** Bins per feature B (the job's `bins`; the planner does not know each passive slot's count). */
  readonly bins: number;
}

/** Wire sizes in bytes (T1 prints the exact figures; DESIGN_WIRE_SIZES are section 4.1's). */
export interface WireSizes {
  /** One bank ciphertext chunk. */
  readonly ciphertext: number;
  /** The c1 part of one prefix share (the same for every stride). */
  readonly shareC1: number;
  /** Bytes per bin of c0 in a prefix share (u64 per prime: 16 with two primes). */
  readonly sharePerBin: number;
  /** Ring degree N (default RING_DEGREE). */
  readonly ringDegree?: number;
}

/** Section 4.1's figures: 2 polynomials x 8192 x 87 bits; c1 of a share ~70 KB; 2 primes x 8 B. */
export const DESIGN_WIRE_SIZES: WireSizes = { ciphertext: (2 * 8192 * 87) / 8, shareC1: 70_000, sharePerBin: 16 };

function checkStride(fn: string, stride: number, n: number): void {
  if (!Number.isInteger(stride) || stride < 1 || (stride & (stride - 1)) !== 0 || stride > n) {
    throw new RangeError(`${fn}: stride must be a power of two from 1 to ${n}, got ${stride}`);
  }
}

/** Rows per chunk m = N / s. */
export function rowsPerChunk(stride: number, ringDegree = RING_DEGREE): number {
  checkStride('rowsPerChunk', stride, ringDegree);
  return ringDegree / stride;
}

/** The bytes of one level at stride s (the two terms of the rule above). */
export function levelBytes(level: LevelShape, sizes: WireSizes, stride: number): { ciphertexts: number; shares: number; total: number } {
  const m = rowsPerChunk(stride, sizes.ringDegree);
  const chunks = level.nodeRows.reduce((s, r) => s + Math.ceil(r / m), 0);
  const slots = level.passiveSlots.reduce((s, k) => s + k, 0);
  const ciphertexts = chunks * sizes.ciphertext * level.passiveSlots.length;
  const shares = slots * Math.ceil(level.bins / stride) * level.nodeRows.length * (sizes.shareC1 + stride * sizes.sharePerBin);
  return { ciphertexts, shares, total: ciphertexts + shares };
}

/** The stride with the fewest bytes for this level (section 4.1's auto rule; ties: smaller). */
export function chooseStride(level: LevelShape, sizes: WireSizes): number {
  if (!Number.isInteger(level.bins) || level.bins < 1) throw new RangeError(`chooseStride: bins must be a positive whole number, got ${level.bins}`);
  for (const r of level.nodeRows) if (!Number.isInteger(r) || r < 0) throw new RangeError(`chooseStride: a node's rows must be a whole number >= 0, got ${r}`);
  let best: number = AUTO_STRIDES[0];
  let bestBytes = Infinity;
  for (const s of AUTO_STRIDES) {
    if (s > (sizes.ringDegree ?? RING_DEGREE)) break;
    const b = levelBytes(level, sizes, s).total;
    if (b < bestBytes) {
      best = s;
      bestBytes = b;
    }
  }
  return best;
}

/** One built node's place in the layout. */
export interface LayoutNode {
  readonly node: number;
  readonly firstChunk: number;
  readonly chunks: number;
  /** Real rows (the rest of its chunks is padding). */
  readonly rows: number;
}

export interface Layout {
  readonly stride: number;
  /** Rows per chunk m = N / stride. */
  readonly rowsPerChunk: number;
  /** Training row index per layout position (chunk c holds positions c m .. c m + m - 1), PAD for padding. */
  readonly rows: Uint32Array;
  readonly nodes: LayoutNode[];
  /** Validation rows grouped by open node of the level (built nodes and their siblings), ascending node id. */
  readonly validationRows: Uint32Array;
  readonly validationNodes: { node: number; rows: number }[];
}

export interface LayoutOptions {
  /** The rows to place (the tree's sampled training rows); default every row of `positions`. */
  readonly rows?: Uint32Array;
  /** Validation rows (routed through the level's splits, never in a chunk). */
  readonly validation?: Uint32Array;
  readonly ringDegree?: number;
}

function levelOf(node: number): number {
  return Math.floor(Math.log2(node + 1));
}

/** The layout of one level (see the module comment); `positions[i]` is row i's node. */
export function layoutLevel(positions: Uint32Array, built: readonly number[], stride: number, options: LayoutOptions = {}): Layout {
  const n = options.ringDegree ?? RING_DEGREE;
  const m = rowsPerChunk(stride, n);
  const nodes = [...new Set(built)].sort((a, b) => a - b);
  if (nodes.length !== built.length) throw new RangeError('layoutLevel: a node is built twice; list each built node once');
  if (nodes.length > 0 && nodes.some((x) => !Number.isInteger(x) || x < 0 || levelOf(x) !== levelOf(nodes[0]!))) {
    throw new RangeError(`layoutLevel: built nodes must be node ids of one level, got ${nodes.join(', ')}`);
  }
  const rowsOf = new Map<number, number[]>(nodes.map((x) => [x, []]));
  const place = options.rows ?? Uint32Array.from(positions.keys());
  for (const i of place) {
    if (i >= positions.length) throw new RangeError(`layoutLevel: row ${i} has no position (${positions.length} rows)`);
    rowsOf.get(positions[i]!)?.push(i);
  }
  const out: LayoutNode[] = [];
  let chunks = 0;
  for (const node of nodes) {
    const rows = rowsOf.get(node)!.length;
    const c = Math.ceil(rows / m);
    out.push({ node, firstChunk: chunks, chunks: c, rows });
    chunks += c;
  }
  const layoutRows = new Uint32Array(chunks * m).fill(PAD);
  for (const ln of out) layoutRows.set(rowsOf.get(ln.node)!, ln.firstChunk * m);
  // Open nodes of the level: the built ones and their siblings (heap ids: 2k+1 and 2k+2 are siblings).
  const open = new Set<number>();
  for (const x of nodes) {
    open.add(x);
    if (x > 0) open.add(x % 2 === 1 ? x + 1 : x - 1);
  }
  const openNodes = [...open].sort((a, b) => a - b);
  const validationAt = new Map<number, number[]>(openNodes.map((x) => [x, []]));
  for (const i of options.validation ?? []) {
    if (i >= positions.length) throw new RangeError(`layoutLevel: validation row ${i} has no position (${positions.length} rows)`);
    validationAt.get(positions[i]!)?.push(i);
  }
  return {
    stride, rowsPerChunk: m, rows: layoutRows, nodes: out,
    validationRows: Uint32Array.from(openNodes.flatMap((x) => validationAt.get(x)!)),
    validationNodes: openNodes.map((x) => ({ node: x, rows: validationAt.get(x)!.length })),
  };
}

/** The job's `stride` parameter at one level: a fixed stride as given, 0 = chooseStride. */
export function strideFor(param: number, level: LevelShape, sizes: WireSizes): number {
  if (param === 0) return chooseStride(level, sizes);
  checkStride('strideFor', param, sizes.ringDegree ?? RING_DEGREE);
  return param;
}

/** The bin index the kernel skips: padding, or a row whose bin is in no released cell (12.1 `maskedHistograms`). */
export const NO_BIN = 255;

/**
 * One feature's bins at the layout's positions, as the kernel takes them (12.1): the released bin
 * of the row at each position (`released[raw bin]`, cells.ts; -1 = not released), NO_BIN at
 * padding and where nothing is released. Without `released` the raw bins are used (the bank's own).
 */
export function binsAtLayout(layout: Pick<Layout, 'rows'>, bins: ArrayLike<number>, released?: Int16Array): Uint8Array {
  const out = new Uint8Array(layout.rows.length).fill(NO_BIN);
  for (let k = 0; k < layout.rows.length; k++) {
    const i = layout.rows[k]!;
    if (i === PAD) continue;
    const raw = bins[i];
    if (raw === undefined) throw new RangeError(`binsAtLayout: layout row ${i} has no bin (${bins.length} rows)`);
    const b = released ? released[raw] ?? -1 : raw;
    if (b >= NO_BIN) throw new RangeError(`binsAtLayout: bin ${b} of row ${i} does not fit below ${NO_BIN}`);
    if (b >= 0) out[k] = b;
  }
  return out;
}
