/**
 * RFC 9162 §2.1 Merkle tree: every published vector (happy paths verify, mutants fail), the
 * roots of sizes 0..8, and properties: honest proofs from random trees verify, any one-bit
 * change to proof, root, leaf, index or sizes fails.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CompactRange,
  MemoryTree,
  consistencyProof,
  emptyRoot,
  hashLeaf,
  inclusionProof,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../log/merkle.js';
import { consistencyVectors, inclusionVectors, rootVectors } from './vectors.js';

const leafHashesOf = (n: number, seed = 0): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(`entry ${seed}/${i}`)));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
}

describe('RFC 9162 vectors', () => {
  const incl = inclusionVectors();
  const cons = consistencyVectors();

  it('found the vector files', () => {
    expect(incl.length).toBeGreaterThan(80);
    expect(cons.length).toBeGreaterThan(80);
    expect(incl.filter((v) => !v.wantErr).length).toBeGreaterThan(4);
    expect(cons.filter((v) => !v.wantErr).length).toBeGreaterThan(4);
  });

  it.each(incl.map((v) => [v.file, v] as const))('inclusion %s', (_file, v) => {
    const verdict = verifyInclusion(v.leafHash, v.leafIdx, v.treeSize, v.proof, v.root);
    expect(verdict.ok).toBe(!v.wantErr);
    if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it.each(cons.map((v) => [v.file, v] as const))('consistency %s', (_file, v) => {
    const verdict = verifyConsistency(v.size1, v.size2, v.root1, v.root2, v.proof);
    expect(verdict.ok).toBe(!v.wantErr);
  });

  it('roots of sizes 0..8 match roots.json, from scratch and incrementally', () => {
    const { leaves, roots } = rootVectors();
    const hashes = leaves.map(hashLeaf);
    const range = CompactRange.empty();
    expect(Buffer.from(range.root())).toEqual(Buffer.from(roots[0]!));
    expect(Buffer.from(emptyRoot())).toEqual(Buffer.from(roots[0]!));
    for (let n = 1; n <= 8; n++) {
      range.append(hashes[n - 1]!);
      expect(Buffer.from(range.root()).toString('hex')).toBe(Buffer.from(roots[n]!).toString('hex'));
      expect(Buffer.from(rootFromLeafHashes(hashes.slice(0, n))).toString('hex')).toBe(Buffer.from(roots[n]!).toString('hex'));
    }
    const tree = new MemoryTree(hashes);
    for (let n = 0; n <= 8; n++) expect(Buffer.from(tree.rootAt(n))).toEqual(Buffer.from(roots[n]!));
  });

  it('generates the published happy-path proofs', async () => {
    const { leaves } = rootVectors();
    const tree = new MemoryTree(leaves.map(hashLeaf));
    for (const v of incl.filter((x) => !x.wantErr && x.treeSize <= 8 && x.proof.length > 0)) {
      const proof = await inclusionProof(tree, v.leafIdx, v.treeSize);
      expect(proof.map((p) => Buffer.from(p).toString('base64'))).toEqual(v.proof.map((p) => Buffer.from(p).toString('base64')));
    }
    for (const v of cons.filter((x) => !x.wantErr && x.size2 <= 8 && x.proof.length > 0)) {
      const proof = await consistencyProof(tree, v.size1, v.size2);
      expect(proof.map((p) => Buffer.from(p).toString('base64'))).toEqual(v.proof.map((p) => Buffer.from(p).toString('base64')));
    }
  });
});

describe('proofs over every pair of sizes up to 40', () => {
  it('all inclusion and consistency proofs verify', async () => {
    const hashes = leafHashesOf(40);
    const tree = new MemoryTree(hashes);
    for (let n = 1; n <= 40; n++) {
      const root = tree.rootAt(n);
      expect(Buffer.from(root)).toEqual(Buffer.from(rootFromLeafHashes(hashes.slice(0, n))));
      for (let i = 0; i < n; i++) {
        const verdict = verifyInclusion(hashes[i]!, i, n, await inclusionProof(tree, i, n), root);
        expect(verdict).toEqual({ ok: true });
      }
      for (let m = 1; m <= n; m++) {
        const verdict = verifyConsistency(m, n, tree.rootAt(m), root, await consistencyProof(tree, m, n));
        expect(verdict).toEqual({ ok: true });
      }
    }
  });

  it('refuses to generate proofs outside the tree', async () => {
    const tree = new MemoryTree(leafHashesOf(5));
    await expect(inclusionProof(tree, 5, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProof(tree, 6, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProof(tree, 0, 6)).rejects.toThrow(RangeError);
  });
});

describe('properties (fast-check)', () => {
  const treeAndIndex = fc
    .integer({ min: 1, max: 300 })
    .chain((size) => fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }), seed: fc.nat() }));

  it('every honest inclusion proof verifies; any one-bit change fails', async () => {
    await fc.assert(
      fc.asyncProperty(treeAndIndex, fc.nat(), fc.nat({ max: 4 }), async ({ size, index, seed }, bit, what) => {
        const hashes = leafHashesOf(size, seed);
        const tree = new MemoryTree(hashes);
        const root = tree.root();
        const proof = await inclusionProof(tree, index, size);
        expect(verifyInclusion(hashes[index]!, index, size, proof, root).ok).toBe(true);

        let mutated;
        switch (what) {
          case 0:
            if (proof.length === 0) return;
            mutated = proof.map((p, j) => (j === bit % proof.length ? flipBit(p, bit >> 3) : p));
            expect(verifyInclusion(hashes[index]!, index, size, mutated, root).ok).toBe(false);
            break;
          case 1:
            expect(verifyInclusion(hashes[index]!, index, size, proof, flipBit(root, bit)).ok).toBe(false);
            break;
          case 2:
            expect(verifyInclusion(flipBit(hashes[index]!, bit), index, size, proof, root).ok).toBe(false);
            break;
          case 3:
            expect(verifyInclusion(hashes[index]!, index ^ (1 << bit % 20), size, proof, root).ok).toBe(false);
            break;
          default: {
            // RFC 9162 hashes do not commit to the tree size: a size whose audit path has the
            // same shape verifies too (the signed checkpoint is what binds the size). Any size
            // with a different path length must fail.
            const other = size ^ (1 << bit % 9);
            const otherLength = index < other ? (await inclusionProof(new MemoryTree(leafHashesOf(other, seed)), index, other)).length : -1;
            if (otherLength !== proof.length) {
              expect(verifyInclusion(hashes[index]!, index, other, proof, root).ok).toBe(false);
            }
          }
        }
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 300) },
    );
  });

  const sizes = fc
    .integer({ min: 2, max: 300 })
    .chain((n) => fc.record({ newSize: fc.constant(n), oldSize: fc.integer({ min: 1, max: n - 1 }), seed: fc.nat() }));

  it('every honest consistency proof verifies; any one-bit change fails', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, fc.nat(), fc.nat({ max: 4 }), async ({ oldSize, newSize, seed }, bit, what) => {
        const tree = new MemoryTree(leafHashesOf(newSize, seed));
        const oldRoot = tree.rootAt(oldSize);
        const newRoot = tree.root();
        const proof = await consistencyProof(tree, oldSize, newSize);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof).ok).toBe(true);
        switch (what) {
          case 0: {
            const mutated = proof.map((p, j) => (j === bit % proof.length ? flipBit(p, bit >> 3) : p));
            expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, mutated).ok).toBe(false);
            break;
          }
          case 1:
            expect(verifyConsistency(oldSize, newSize, flipBit(oldRoot, bit), newRoot, proof).ok).toBe(false);
            break;
          case 2:
            expect(verifyConsistency(oldSize, newSize, oldRoot, flipBit(newRoot, bit), proof).ok).toBe(false);
            break;
          case 3: {
            const other = oldSize ^ (1 << bit % 9);
            const otherLength =
              other > 0 && other < newSize ? (await consistencyProof(tree, other, newSize)).length : -1;
            if (otherLength !== proof.length) {
              expect(verifyConsistency(other, newSize, oldRoot, newRoot, proof).ok).toBe(false);
            }
            break;
          }
          default: {
            // As for inclusion: a new size whose proof has the same shape is not detectable
            // from hashes alone; one with a different proof length must fail.
            const other = newSize ^ (1 << bit % 9);
            const otherLength =
              other > oldSize ? (await consistencyProof(new MemoryTree(leafHashesOf(other, seed)), oldSize, other)).length : -1;
            if (otherLength !== proof.length) {
              expect(verifyConsistency(oldSize, other, oldRoot, newRoot, proof).ok).toBe(false);
            }
          }
        }
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 300) },
    );
  });

  it('verification never throws on junk', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.anything(),
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
        (a, b, proof) => {
          const size = typeof a === 'number' ? a : 3;
          const idx = typeof b === 'number' ? b : 1;
          expect(() => verifyInclusion(new Uint8Array(32), idx, size, proof, new Uint8Array(32))).not.toThrow();
          expect(() => verifyConsistency(idx, size, new Uint8Array(32), new Uint8Array(32), proof)).not.toThrow();
        },
      ),
    );
  });
});
