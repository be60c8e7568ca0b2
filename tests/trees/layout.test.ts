/**
 * layout.ts (docs/design/secureboost.md sections 4.1 and 12.2): every row of a built node is in
 * that node's chunks and nowhere else, each node is padded to whole chunks, siblings and leaves
 * are not laid out, validation rows are grouped by open node; chooseStride reproduces the
 * choices of section 4.1's table from its wire sizes.
 */
import { describe, expect, it } from 'vitest';
import { leftChild, rightChild } from '../../models/trees/grow.js';
import { DESIGN_WIRE_SIZES, NO_BIN, PAD, binsAtLayout, chooseStride, layoutLevel, levelBytes, rowsPerChunk, strideFor } from '../../models/trees/layout.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
}

describe('layoutLevel', () => {
  it('puts every row of a built node in its own chunks, in row order, padded with PAD', () => {
    const rnd = lcg(3);
    const n = 5000;
    // Level 2: nodes 3..6; built 3 and 6 (the smaller of each pair), 4 and 5 their siblings.
    const positions = Uint32Array.from({ length: n }, () => 3 + Math.floor(rnd() * 4));
    const sampled = Uint32Array.from([...positions.keys()].filter(() => rnd() < 0.8));
    const validation = Uint32Array.from([...positions.keys()].filter((i) => !sampled.includes(i)));
    for (const stride of [1, 8, 32]) {
      const lay = layoutLevel(positions, [6, 3], stride, { rows: sampled, validation, ringDegree: 1024 });
      const m = 1024 / stride;
      expect(lay.rowsPerChunk).toBe(m);
      expect(lay.nodes.map((x) => x.node)).toEqual([3, 6]);
      let chunk = 0;
      for (const node of lay.nodes) {
        const want = [...sampled].filter((i) => positions[i] === node.node);
        expect(node.rows).toBe(want.length);
        expect(node.firstChunk).toBe(chunk);
        expect(node.chunks).toBe(Math.ceil(want.length / m));
        const slice = [...lay.rows.subarray(node.firstChunk * m, (node.firstChunk + node.chunks) * m)];
        expect(slice.slice(0, want.length)).toEqual(want);
        expect(slice.slice(want.length).every((r) => r === PAD)).toBe(true);
        expect(node.chunks * m - want.length).toBeLessThan(m);
        chunk += node.chunks;
      }
      expect(lay.rows.length).toBe(chunk * m);
      // Siblings and unsampled rows are not laid out.
      const placed = new Set([...lay.rows].filter((r) => r !== PAD));
      for (const i of placed) expect([3, 6]).toContain(positions[i]);
      for (const i of validation) expect(placed.has(i)).toBe(false);
      // Validation rows: every open node (3, 4, 5, 6), grouped in ascending node order.
      expect(lay.validationNodes.map((x) => x.node)).toEqual([3, 4, 5, 6]);
      let at = 0;
      for (const vn of lay.validationNodes) {
        const got = [...lay.validationRows.subarray(at, at + vn.rows)];
        expect(got).toEqual([...validation].filter((i) => positions[i] === vn.node));
        at += vn.rows;
      }
      expect(at).toBe(validation.length);
    }
  });

  it('lays out the root with every row and a node whose rows fill its chunks exactly without padding', () => {
    const lay = layoutLevel(new Uint32Array(2048), [0], 4, { ringDegree: 4096 });
    expect(lay.nodes).toEqual([{ node: 0, firstChunk: 0, chunks: 2, rows: 2048 }]);
    expect([...lay.rows]).toEqual([...Array(2048).keys()]);
    const rows = layoutLevel(Uint32Array.from({ length: 10 }, (_, i) => (i < 3 ? leftChild(0) : rightChild(0))), [leftChild(0)], 1024, { ringDegree: 8192 });
    expect(rows.nodes).toEqual([{ node: 1, firstChunk: 0, chunks: 1, rows: 3 }]);
    expect([...rows.rows]).toEqual([0, 1, 2, PAD, PAD, PAD, PAD, PAD]);
  });

  it("gives the kernel each position's released bin, NO_BIN at padding and unreleased bins", () => {
    const positions = Uint32Array.of(1, 2, 1, 1, 2);
    const lay = layoutLevel(positions, [1], 4, { ringDegree: 16 });
    expect([...lay.rows]).toEqual([0, 2, 3, PAD]);
    const bins = Uint8Array.of(0, 1, 2, 3, 4);
    expect([...binsAtLayout(lay, bins)]).toEqual([0, 2, 3, NO_BIN]);
    // Raw bins 0 and 2 merged into released bin 0, raw bin 3 not released.
    expect([...binsAtLayout(lay, bins, Int16Array.of(0, 1, 0, -1, 2))]).toEqual([0, 0, NO_BIN, NO_BIN]);
  });

  it('refuses strides that are not powers of two, nodes of two levels and a node built twice', () => {
    const pos = new Uint32Array(10);
    expect(() => layoutLevel(pos, [0], 3)).toThrow(/power of two/);
    expect(() => rowsPerChunk(16384)).toThrow(/power of two from 1 to 8192/);
    expect(() => layoutLevel(pos, [1, 3], 8)).toThrow(/one level/);
    expect(() => layoutLevel(pos, [1, 1], 8)).toThrow(/built twice/);
  });
});

describe('chooseStride (section 4.1)', () => {
  // The design's example: 100k rows, tax 20 + power 10 passive features, 32 bins, balanced splits.
  const passiveSlots = [20, 10];
  const level = (nodeRows: number[]) => ({ nodeRows, passiveSlots, bins: 32 });

  it("reproduces the table's choices from its wire sizes", () => {
    expect(chooseStride(level([100_000]), DESIGN_WIRE_SIZES)).toBe(4);
    expect(chooseStride(level([50_000]), DESIGN_WIRE_SIZES)).toBe(4);
    expect(chooseStride(level([25_000, 25_000]), DESIGN_WIRE_SIZES)).toBe(8);
    expect([8, 16]).toContain(chooseStride(level(Array(4).fill(12_500)), DESIGN_WIRE_SIZES));
    expect(chooseStride(level(Array(8).fill(6_250)), DESIGN_WIRE_SIZES)).toBe(16);
    // The table's columns: level 0 at s = 4 is 49 chunks (17 MB to two passives) and 240 shares (17 MB).
    const b = levelBytes(level([100_000]), DESIGN_WIRE_SIZES, 4);
    expect(b.ciphertexts / 2 / DESIGN_WIRE_SIZES.ciphertext).toBe(49);
    expect(Math.round(b.ciphertexts / 1e6)).toBe(17);
    expect(Math.round(b.shares / 1e6)).toBe(17);
    const l4 = levelBytes(level(Array(8).fill(6_250)), DESIGN_WIRE_SIZES, 16);
    expect(l4.ciphertexts / 2 / DESIGN_WIRE_SIZES.ciphertext).toBe(104);
    expect(l4.shares / (DESIGN_WIRE_SIZES.shareC1 + 16 * 16)).toBe(480);
  });

  it('is the minimum of levelBytes over the strides, and moves with the sizes', () => {
    const l = level([30_000, 7_000]);
    const s = chooseStride(l, DESIGN_WIRE_SIZES);
    for (const t of [1, 2, 4, 8, 16, 32, 64]) expect(levelBytes(l, DESIGN_WIRE_SIZES, s).total).toBeLessThanOrEqual(levelBytes(l, DESIGN_WIRE_SIZES, t).total);
    // Cheap shares favour small strides (more shares, fewer chunks); cheap ciphertexts large ones.
    expect(chooseStride(l, { ...DESIGN_WIRE_SIZES, shareC1: 100, sharePerBin: 1 })).toBe(1);
    expect(chooseStride(l, { ...DESIGN_WIRE_SIZES, ciphertext: 100 })).toBe(32);
  });

  it('takes a fixed stride as given and 0 as auto', () => {
    expect(strideFor(2, level([100_000]), DESIGN_WIRE_SIZES)).toBe(2);
    expect(strideFor(0, level([100_000]), DESIGN_WIRE_SIZES)).toBe(4);
    expect(() => strideFor(3, level([100_000]), DESIGN_WIRE_SIZES)).toThrow(/power of two/);
  });

  it('with no passive every stride costs nothing: the tie goes to the smaller stride', () => {
    expect(chooseStride({ nodeRows: [1000], passiveSlots: [], bins: 32 }, DESIGN_WIRE_SIZES)).toBe(1);
  });
});
