/**
 * The VFL training strategy's public surface, for the transport (node/ and coordinator/) and
 * the CLI: party steps, messages, parameters, and the in-memory reference driver.
 *
 * Wiring a transport, per mini-batch step (epoch e, batch b = site.currentBatch()):
 *   1. PassiveSite.partialLinear(e, b)            -> PartialLinearMessage  (to bank, sealed)
 *   2. BankSite.residual(e, b, partials)          -> ResidualMessage[]     (to passives, sealed)
 *      (at the job's first step `own` is [[0]], what the passives get; the bank keeps the
 *      true [[d']] for its own gradient, so call its maskedGradient right after residual)
 *   3. BankSite.maskedGradient(e, b, own) and
 *      PassiveSite.gradientFromResidual(residual) -> MaskedGradientMessage (to coordinator)
 *      Coordinator.decryptGradient(m)             -> DecryptedGradientMessage (to that site)
 *      Site.applyGradient(reply); persist Site.checkpoint()
 * Per epoch, after the last step:
 *   4. PassiveSite.validationPartial(e)           -> ValidationPartialMessage (to bank, sealed)
 *      BankSite.maskedScores(e, partials)         -> MaskedScoresMessage (to coordinator)
 *      Coordinator.decryptScores(m)               -> DecryptedScoresMessage (to bank)
 *      BankSite.finishEpoch(reply, parties)       -> EpochResultMessage per party
 *      Site.applyEpochResult(m) / Coordinator.recordEpoch(m)
 * Every party derives the batch schedule from TrainingParams (schedule.ts), so messages only
 * carry (epoch, batch).
 */
export { BankSite } from './bank.js';
export type { BankCheckpoint, BankData } from './bank.js';
export { Coordinator } from './coordinator.js';
export type { CoordinatorCheckpoint } from './coordinator.js';
export { BatchRuleError, runTrainingInMemory } from './in-memory.js';
export type { InMemoryCheckpoint, InMemoryJob, InMemoryResult, TranscriptEntry } from './in-memory.js';
export { COORDINATOR, payloadBytes } from './messages.js';
export type * from './messages.js';
export { PassiveSite } from './passive.js';
export { PlainEngine } from './plain-engine.js';
export { DEFAULT_PARAMS, MIN_ROWS_PER_COLUMN, batchCount, batchOrder, batchRange, batchRuleViolation, checkParams, learningRateAt, minimumBatch, passivesSitOut } from '../../training/schedule.js';
export type { TrainingParams } from '../../training/schedule.js';
export { Site, TrainingStateError } from './site.js';
export type { SiteCheckpoint, SiteData } from './site.js';
export { FEATURE_CLIP, FEATURE_SCALE_BITS, LINEAR_SCALE_BITS, PARTIAL_CLIP, gradientBoundBits } from '../../training/fixed-point.js';
