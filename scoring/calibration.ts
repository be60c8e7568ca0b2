/**
 * The joint model's Platt recalibration as scoring applies it: calibrated z' = slope * z +
 * intercept, before the logit is mapped to points (scoring/coordinator.ts). The linear sigmoid
 * the protocol trains with ranks well but over-predicts default when defaults are rare; the bank
 * fits these two numbers on the joint validation scores it may see (evaluation/calibration.ts)
 * and the model record carries them (training/model-registry.ts). Two scalars reveal no sample.
 */

export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
}

export function applyCalibration(logit: number, c: Calibration | undefined): number {
  return c === undefined ? logit : c.slope * logit + c.intercept;
}
