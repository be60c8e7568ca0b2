/**
 * Data and comparisons for the trees' exactness and reference tests (docs/design/secureboost.md
 * section 13): sim 3,000 and FATE breast as three sites' raw rows, a seeded train / validation
 * split binned as each site bins its own columns (models/trees/binned.ts, the function the kind
 * calls), and the check that a trained model equals tests/trees/reference.ts split for split.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { featureSetFor } from '../../features/index.js';
import { siteColumns } from '../../models/trees/binned.js';
import type { TreeParams } from '../../models/trees/params.js';
import type { BinnedColumn } from '../../models/trees/plain.js';
import { buildBaselineDataset } from '../../sim/baseline.js';
import { generateFederation } from '../../sim/generate.js';
import { rng } from '../training/helpers.js';
import type { RefTree } from './reference.js';

export interface SiteRows { name: string; features: string[]; rows: Float64Array[] }
export interface Dataset { sites: SiteRows[]; labels: number[] }

export async function simulated(enterprises: number, seed: number): Promise<Dataset> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-trees-ref-'));
  try {
    await generateFederation({ enterprises, seed, outDir });
    const b = buildBaselineDataset(outDir);
    const names = (site: 'bank' | 'tax' | 'power') => featureSetFor(site).catalogue.map((f) => f.name);
    return { sites: [{ name: 'bank', features: names('bank'), rows: b.bank }, { name: 'tax', features: names('tax'), rows: b.tax }, { name: 'power', features: names('power'), rows: b.power }], labels: [...b.labels] };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

export const FATE = fileURLToPath(new URL('../../../shared/data/fate/', import.meta.url));

/** FATE's breast data aligned by id: the guest (y, x0..x9) is the bank, host x0..x9 tax, x10..x19 power. */
export function breast(): Dataset & { ids: string[] } {
  const read = (f: string) => fs.readFileSync(FATE + f, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const guest = read('breast_hetero_guest.csv');
  const host = new Map(read('breast_hetero_host.csv').map((r) => [r[0]!, r.slice(1).map(Number)]));
  const rows = guest.filter((r) => host.has(r[0]!));
  const xs = (k: number, from = 0) => Array.from({ length: k }, (_, j) => `x${j + from}`);
  return {
    ids: rows.map((r) => r[0]!),
    sites: [
      { name: 'bank', features: xs(10), rows: rows.map((r) => Float64Array.from(r.slice(2).map(Number))) },
      { name: 'tax', features: xs(10), rows: rows.map((r) => Float64Array.from(host.get(r[0]!)!.slice(0, 10))) },
      { name: 'power', features: xs(10, 10), rows: rows.map((r) => Float64Array.from(host.get(r[0]!)!.slice(10, 20))) },
    ],
    labels: rows.map((r) => Number(r[1])),
  };
}

/** A seeded split with exactly `validationCount` validation rows, binned per site: training rows first. */
export function splitAndBin(d: Dataset, params: Pick<TreeParams, 'bins' | 'minBinCount'>, validationCount: number, seed: number): { columns: BinnedColumn[]; labels: number[]; nTrain: number } {
  const next = rng(seed);
  const order = d.labels.map((_, i) => ({ i, r: next() })).sort((a, b) => a.r - b.r).map((x) => x.i);
  const isValidation = new Array<boolean>(d.labels.length).fill(false);
  for (const i of order.slice(0, validationCount)) isValidation[i] = true;
  const pick = <T>(xs: readonly T[], v: boolean) => xs.filter((_, i) => isValidation[i] === v);
  const trainLabels = pick(d.labels, false);
  const labels = [...trainLabels, ...pick(d.labels, true)];
  const columns = d.sites.flatMap((s) => siteColumns(s.name, s.features, pick(s.rows, false), pick(s.rows, true), { bins: params.bins, minBinCount: params.minBinCount }));
  return { columns, labels, nTrain: trainLabels.length };
}

/** A trained model's trees as the comparison sees them: splits by feature name and raw bin, leaves by node. */
export interface ComparableTree {
  readonly splits: readonly { node: number; owner: string; feature: string; bin: number; missingLeft: boolean; gain?: number }[];
  readonly leaves: readonly { node: number; weight: number }[];
}

/**
 * Section 13's exactness: every tree has the same split (owner, feature, threshold bin, missing
 * direction) at every node, the same leaves with weights within 1e-12 relative, the same
 * validation AUC per tree to 6 digits. Returns how many splits were on passive features.
 */
export function expectSameTrees(name: string, mine: readonly ComparableTree[], myAuc: readonly number[], ref: { trees: RefTree[]; validationAuc: number[] }, columns: readonly BinnedColumn[], bank: string): number {
  expect(mine.length, `${name}: trees`).toBe(ref.trees.length);
  let passive = 0;
  ref.trees.forEach((t, k) => {
    const want = [...t.splits].sort((a, b) => a.node - b.node).map((s) => `${s.node} ${columns[s.column]!.owner}/${columns[s.column]!.name} <= ${s.bin} missing ${s.missingLeft ? 'left' : 'right'}`);
    const got = [...mine[k]!.splits].sort((a, b) => a.node - b.node).map((s) => `${s.node} ${s.owner}/${s.feature} <= ${s.bin} missing ${s.missingLeft ? 'left' : 'right'}`);
    expect(got, `${name}: tree ${k}'s splits`).toEqual(want);
    passive += t.splits.filter((s) => columns[s.column]!.owner !== bank).length;
    const leaves = [...mine[k]!.leaves].sort((a, b) => a.node - b.node);
    const refLeaves = [...t.leaves].sort((a, b) => a.node - b.node);
    expect(leaves.map((l) => l.node), `${name}: tree ${k}'s leaves`).toEqual(refLeaves.map((l) => l.node));
    leaves.forEach((l, j) => {
      const w = refLeaves[j]!.weight;
      expect(Math.abs(l.weight - w), `${name}: tree ${k}, leaf ${l.node}: ${l.weight} vs ${w}`).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(w), 1e-300));
    });
  });
  expect(myAuc.map((a) => a.toFixed(6)), `${name}: validation AUC per tree`).toEqual(ref.validationAuc.map((a) => a.toFixed(6)));
  return passive;
}
