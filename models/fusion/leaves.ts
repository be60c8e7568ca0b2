/**
 * The bank's tree characteristics (design section 8, step 2): tree t of the fusion model becomes
 * the categorical characteristic "tree t" whose levels are its leaves. Every training and
 * validation row's leaf is known to the bank (the partition is shared, section 5.1), so the
 * characteristic is given to the scorecard's own code as one-hot columns `tree t=<leaf>` beside
 * the bank's features: binning (a bin per leaf; binning.ts merges a leaf under the job's minimum
 * bin size with its tree's smallest other leaf, the scorecard's rule for levels), WOE, IV and IV
 * selection (woe.ts) run unchanged.
 *
 * A leaf is named by its path: the bank's own splits by feature and threshold, a passive site's
 * as "<site> feature" and the side taken (the bank knows neither the feature nor the threshold).
 * Pure functions: no transport, no state.
 */
import { leafSlot } from '../trees/scoring.js';

/** What the bank's trees part holds of one kept tree (models/trees/part.ts). */
export interface TreeShape {
  readonly tree: number;
  readonly nodes: readonly { readonly node: number; readonly owner: string }[];
  readonly leaves: readonly { readonly node: number }[];
}

/** The bank's own split at a node: feature and threshold (null: every value goes left). */
export interface OwnSplitName { readonly node: number; readonly feature: string; readonly threshold: number | null }

export const TREE_PREFIX = 'tree ';

/** The longest leaf name (longer paths are cut with an ellipsis). */
export const MAX_LEAF_NAME = 46;

/** The characteristic's name of tree t. */
export const treeName = (tree: number): string => `${TREE_PREFIX}${tree}`;

/** Whether a characteristic is a tree's (its name is exactly "tree <n>"). */
export const isTreeCharacteristic = (name: string): boolean => /^tree \d+$/.test(name);

const fmt = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'any' : Number(x.toPrecision(4)).toString());

/** Each leaf's name by its path from the root, in `shape.leaves` order. */
export function leafNames(bank: string, shape: TreeShape, own: readonly OwnSplitName[]): string[] {
  const owner = new Map(shape.nodes.map((n) => [n.node, n.owner]));
  const mine = new Map(own.map((s) => [s.node, s]));
  return shape.leaves.map((leaf) => {
    const steps: string[] = [];
    for (let node = leaf.node; node > 0;) {
      const parent = (node - 1) >> 1;
      const left = node === 2 * parent + 1;
      const s = mine.get(parent);
      const who = owner.get(parent) ?? '?';
      steps.unshift(who === bank && s ? `${s.feature}${left ? '<=' : '>'}${fmt(s.threshold)}` : `${who} feature:${left ? 'left' : 'right'}`);
      node = parent;
    }
    const name = steps.length === 0 ? 'all' : steps.join(' & ');
    // A bin's name in the report joins its leaves' names and holds at most 400 characters
    // (report-shape.ts): 8 merged leaves of 46 characters fit.
    return name.length <= MAX_LEAF_NAME ? name : `${name.slice(0, MAX_LEAF_NAME - 1)}…`;
  });
}

/** The one-hot feature names of a tree's leaves (`tree t=<leaf name>`). */
export function leafFeatures(tree: number, names: readonly string[]): string[] {
  return names.map((n) => `${treeName(tree)}=${n}`);
}

/**
 * Rows with the tree characteristics' one-hot columns appended: `leafOf[k][i]` is the node row i
 * (global numbering: training rows, then validation rows) ended at in kept tree k.
 */
export function withLeafColumns(rows: readonly Float64Array[], offset: number, shapes: readonly TreeShape[], leafOf: readonly Uint8Array[]): Float64Array[] {
  const width = shapes.reduce((w, s) => w + s.leaves.length, 0);
  return rows.map((r, i) => {
    const out = new Float64Array(r.length + width);
    out.set(r);
    let at = r.length;
    shapes.forEach((s, k) => {
      const node = leafOf[k]![offset + i]!;
      s.leaves.forEach((l, j) => { out[at + j] = l.node === node ? 1 : 0; });
      at += s.leaves.length;
    });
    return out;
  });
}

/** The chain slot of a leaf (trees' scoring layout, models/trees/scoring.ts). */
export function slotOf(tree: number, node: number, depth: number): number {
  return tree * 2 ** depth + leafSlot(node, depth);
}
