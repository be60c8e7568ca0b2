import { describe, expect, it } from 'vitest';
import { auc } from '../../evaluation/metrics.js';
import {
  fitStandardizer, logLoss, predictLogit, predictProba, sigmoid, standardizeRows, trainLogReg,
} from '../../models/lr/plain-logreg.js';

/** A small deterministic generator for test data (not the simulator's, to keep tests independent). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Rows from a known logistic model: logit = -0.5 + 1.5 x0 - 2 x1, x ~ N(0, 1). */
function syntheticData(n: number, seed: number): { rows: Float64Array[]; labels: Uint8Array } {
  const u = lcg(seed);
  const rows: Float64Array[] = [];
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = Float64Array.of(gaussian(u), gaussian(u));
    rows.push(x);
    labels[i] = u() < sigmoid(-0.5 + 1.5 * x[0]! - 2 * x[1]!) ? 1 : 0;
  }
  return { rows, labels };
}

describe('standardizer', () => {
  it('centres and scales columns; a constant column maps to 0', () => {
    const rows = [Float64Array.of(1, 5), Float64Array.of(3, 5)];
    const s = fitStandardizer(rows);
    // column 0: mean 2, population std sqrt(((1-2)^2 + (3-2)^2) / 2) = 1; column 1 constant
    expect([...s.mean]).toEqual([2, 5]);
    expect([...s.std]).toEqual([1, 1]);
    expect(standardizeRows(rows, s).map((r) => [...r])).toEqual([[-1, 0], [1, 0]]);
    expect(() => standardizeRows([Float64Array.of(1)], s)).toThrow(RangeError);
  });
});

describe('trainLogReg', () => {
  it('recovers the coefficients of a known logistic model (full batch)', () => {
    const { rows, labels } = syntheticData(6000, 7);
    const model = trainLogReg(rows, labels, { l2: 0, epochs: 2000, learningRate: 1 });
    expect(model.bias).toBeCloseTo(-0.5, 0);
    expect(Math.abs(model.weights[0]! - 1.5)).toBeLessThan(0.2);
    expect(Math.abs(model.weights[1]! + 2)).toBeLessThan(0.2);
  });

  it('stops at a stationary point of the penalized loss', () => {
    const { rows, labels } = syntheticData(1000, 3);
    const l2 = 0.01;
    const model = trainLogReg(rows, labels, { l2, epochs: 5000, learningRate: 1, tolerance: 1e-10 });
    // gradient of mean log loss + l2/2 |w|^2 must vanish at the optimum
    const g = [0, 0];
    let gb = 0;
    rows.forEach((x, i) => {
      const r = sigmoid(predictLogit(model, x)) - labels[i]!;
      g[0] += (r * x[0]!) / rows.length;
      g[1] += (r * x[1]!) / rows.length;
      gb += r / rows.length;
    });
    expect(Math.abs(g[0]! + l2 * model.weights[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(g[1]! + l2 * model.weights[1]!)).toBeLessThan(1e-6);
    expect(Math.abs(gb)).toBeLessThan(1e-6);
  });

  it('mini-batch and the linear sigmoid approximation rank almost as well as full batch', () => {
    const train = syntheticData(3000, 11);
    const test = syntheticData(2000, 12);
    const full = trainLogReg(train.rows, train.labels, { epochs: 500 });
    const mini = trainLogReg(train.rows, train.labels, { epochs: 30, batchSize: 64, learningRate: 0.1, seed: 5 });
    const taylor = trainLogReg(train.rows, train.labels, { epochs: 500, sigmoid: 'taylor1', learningRate: 0.2 });
    const aFull = auc(predictProba(full, test.rows), test.labels);
    expect(aFull).toBeGreaterThan(0.85);
    expect(auc(predictProba(mini, test.rows), test.labels)).toBeGreaterThan(aFull - 0.005);
    expect(auc(predictProba(taylor, test.rows), test.labels)).toBeGreaterThan(aFull - 0.005);
    expect(logLoss(full, test.rows, test.labels)).toBeLessThan(logLoss(taylor, test.rows, test.labels) + 0.05);
  });

  it('is deterministic for a given seed', () => {
    const { rows, labels } = syntheticData(500, 1);
    const a = trainLogReg(rows, labels, { epochs: 5, batchSize: 32, seed: 9 });
    const b = trainLogReg(rows, labels, { epochs: 5, batchSize: 32, seed: 9 });
    expect([...a.weights]).toEqual([...b.weights]);
  });

  it('refuses malformed input', () => {
    expect(() => trainLogReg([], [])).toThrow(/no rows/);
    expect(() => trainLogReg([Float64Array.of(1)], [0, 1])).toThrow(/1 rows but 2 labels/);
    expect(() => trainLogReg([Float64Array.of(1)], [3])).toThrow(/0 or 1/);
    expect(() => trainLogReg([Float64Array.of(1), Float64Array.of(1, 2)], [0, 1])).toThrow(/row 1 has 2 values/);
    expect(() => trainLogReg([Float64Array.of(1)], [1], { learningRate: 0 })).toThrow(RangeError);
  });

  it('sigmoid is stable for large |z|', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });
});
