/**
 * Fitting the joint model's Platt recalibration (scoring/calibration.ts applies it): the bank
 * fits z' = a z + b on the joint validation scores it may see, as part of the evaluation report
 * (evaluation/report.ts). See docs/evaluation.md, "Calibration".
 */
import type { Calibration } from '../scoring/calibration.js';
import { checkScoresAndLabels } from './model-evaluation.js';

export const IDENTITY_CALIBRATION: Calibration = { slope: 1, intercept: 0 };

/**
 * Fits z' = a z + b by maximum likelihood (Newton's method on the 2-parameter logistic
 * regression of the labels on the logits, with a tiny ridge so separable data stays finite).
 */
export function fitCalibration(logits: ArrayLike<number>, labels: ArrayLike<number>): Calibration {
  const positives = checkScoresAndLabels('fitCalibration', logits, labels);
  const n = logits.length;
  const ridge = 1e-6 * n;
  // Penalized log-likelihood; log(1 + e^t) computed stably.
  const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));
  const objective = (a: number, b: number) => {
    let ll = -0.5 * ridge * (a - 1) ** 2;
    for (let i = 0; i < n; i++) {
      const t = a * logits[i]! + b;
      ll += labels[i]! * t - softplus(t);
    }
    return ll;
  };
  // Start from "no signal": the base rate; damped Newton (step halving) from there.
  let a = 0;
  let b = Math.log(positives / (n - positives));
  let current = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = -ridge * (a - 1);
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const z = logits[i]!;
      const p = 1 / (1 + Math.exp(-(a * z + b)));
      const r = labels[i]! - p;
      const w = p * (1 - p);
      ga += r * z;
      gb += r;
      haa += w * z * z;
      hab += w * z;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = objective(a + da, b + db);
    while (!(next >= current) && step > 1e-6) {
      step /= 2;
      next = objective(a + step * da, b + step * db);
    }
    if (!(next >= current)) break;
    a += step * da;
    b += step * db;
    const gain = next - current;
    current = next;
    if (gain < 1e-12 * n) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError('fitCalibration: did not converge; the validation scores carry no usable signal');
  return { slope: a, intercept: b };
}
