/**
 * The simulator's public surface: generate a federation's raw site exports, read them back, and
 * measure the centralized baseline on them. See docs/data-formats.md.
 */
export { generateFederation, GENERATOR_VERSION, GROUND_TRUTH_COLUMNS } from './generate.js';
export type { GenerateOptions, Manifest, ManifestFile, ProgressListener } from './generate.js';
export { readSiteRecords, readGroundTruth, readManifest } from './read.js';
export type { GroundTruthRow, SiteRecordsByKind } from './read.js';
export { buildBaselineDataset, centralizedBaseline } from './baseline.js';
export type { BaselineDataset, BaselineResult, ModelScore } from './baseline.js';
export { registerSimCommands } from './cli.js';
