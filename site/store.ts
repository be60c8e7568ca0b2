/**
 * A data node's local store: one LevelDB database on disk under `<data>/store`.
 *
 * Layout (sublevels):
 * - `meta`    JSON: site, feature source, catalogue, as-of month, standardization stats, counts
 * - `ingest`  JSON: one manifest entry per committed file (name, kind, rows, sha256, time)
 * - `rec`     JSON arrays: raw records keyed `<credit code>!<kind>!<key parts>` so that all of
 *             one enterprise's records are adjacent and feature aggregation is one scan
 * - `loan`    loan id -> credit code, to keep loan ids unique and tie repayments to loans
 * - `feat`    Float64 bytes: the feature vector per enterprise (catalogue order); NaN marks a
 *             missing cell of a feature table (docs/feature-tables.md), or a computed feature
 *             the catalogue says may be missing (features/spec.ts `mayBeMissing`)
 * - `label`   '0' | '1': the label per enterprise, at the label-holding site only
 * - `align`   JSON: committed alignments (alignment/node.ts), the agreed ID order and split
 * - `train`   JSON: this site's state in training jobs (training/node.ts), written every step
 * - `model`   JSON: this site's part of each trained model, by model version (site/model-store.ts)
 * - `consent` utf8: this node's own consent ledger (consent/ledger.ts), scoring only
 * - `monitoring` utf8 JSON: post-loan monitoring's items, stored answers and drift figures
 *             (monitoring/node-items.ts, monitoring/node-rescore.ts)
 *
 * Raw records never leave this store except as aggregates computed by this node's own code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';

export type FeatureSource = 'records' | 'table';

export interface FeatureDescription {
  name: string;
  meaning: string;
  unit: string;
  window: string;
  imputation: string;
  /** Feature tables: the column's type (node/table-columns.ts) and its share of missing cells. */
  type?: 'number' | 'integer' | 'categorical';
  missingRate?: number;
}

export interface StandardizationStats {
  mean: number[];
  std: number[];
  count: number;
}

export interface IngestManifestEntry {
  seq: number;
  fileName: string;
  kind: string;
  rows: number;
  sha256: string;
  committedAt: string;
}

/** What the store knows about itself; everything here is safe to show an operator. */
export interface StoreMeta {
  site?: string;
  source?: FeatureSource;
  catalogue?: FeatureDescription[];
  asOf?: string;
  stats?: StandardizationStats;
  counts?: Record<string, number>;
  enterprises?: number;
  hasLabels?: boolean;
  nextIngestSeq?: number;
  /** For feature tables: the id format the table was ingested with. */
  idFormat?: 'credit-code' | 'any';
  /** For feature tables: the active version of each named table (node/tables.ts). */
  activeTables?: Record<string, number>;
  /** Bumped with every write of features (a build, a table ingest): DataNode.Health's features_epoch, the coordinator's ingest trigger. */
  featuresEpoch?: number;
}

type JsonValue = unknown;

/** A committed alignment as stored; alignment/node.ts defines and fills it. */
export interface StoredAlignmentRecord {
  alignmentId: string;
  ring: string[];
  ids: string[];
  train: string[];
  validation: string[];
  digest: string;
  splitSeed: string;
  validationFraction: number;
  logIndex: number;
  createdAt: string;
  /** The id rule aligned on (alignment/ids.ts); absent in alignments made before issue 14: credit codes. */
  idType?: 'credit-code' | 'any';
  idCase?: 'keep' | 'fold';
  /** Feature tables: the version of each table active when the alignment was stored (node/tables.ts). */
  tables?: Record<string, number>;
}

/** Feature vectors a node keeps in memory for scoring (site/store.ts featureVector). */
const VECTOR_CACHE_LIMIT = 100_000;

/** One operation of a group write: on the root, or on one of the store's sublevels. */
export type GroupOp =
  | { readonly type: 'put'; readonly key: string; readonly value: unknown; readonly sublevel?: object }
  | { readonly type: 'del'; readonly key: string; readonly sublevel?: object };

export class NodeStore {
  readonly dataDir: string;
  readonly db: Level<string, string>;
  readonly meta;
  readonly ingests;
  readonly records;
  readonly loans;
  readonly features;
  readonly labels;
  readonly alignments;
  readonly training;
  readonly models;
  readonly consent;
  readonly monitoring;

  private constructor(dataDir: string, db: Level<string, string>) {
    this.dataDir = dataDir;
    this.db = db;
    this.meta = db.sublevel<string, JsonValue>('meta', { valueEncoding: 'json' });
    this.ingests = db.sublevel<string, IngestManifestEntry>('ingest', { valueEncoding: 'json' });
    this.records = db.sublevel<string, (string | number)[]>('rec', { valueEncoding: 'json' });
    this.loans = db.sublevel<string, string>('loan', { valueEncoding: 'utf8' });
    this.features = db.sublevel<string, Uint8Array>('feat', { valueEncoding: 'view' });
    this.labels = db.sublevel<string, string>('label', { valueEncoding: 'utf8' });
    this.alignments = db.sublevel<string, StoredAlignmentRecord>('align', { valueEncoding: 'json' });
    this.training = db.sublevel<string, unknown>('train', { valueEncoding: 'json' });
    /** Each model's stored part at this site, written and read by site/model-store.ts only. */
    this.models = db.sublevel<string, unknown>('model', { valueEncoding: 'json' });
    this.consent = db.sublevel<string, string>('consent', { valueEncoding: 'utf8' });
    this.monitoring = db.sublevel<string, string>('monitoring', { valueEncoding: 'utf8' });
  }

  /**
   * Open (creating if needed) the store under `dataDir`. When `site` is given, a new store is
   * bound to it and an existing one must already belong to it.
   */
  static async open(dataDir: string, site?: string): Promise<NodeStore> {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Level<string, string>(path.join(dataDir, 'store'), { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string }; code?: string });
      if (cause.code === 'LEVEL_LOCKED' || cause.cause?.code === 'LEVEL_LOCKED') {
        throw new FedcreditError(
          'STORE_LOCKED',
          `the store in ${dataDir} is in use by another process (a running \`fedcredit node serve\`?); ` +
            'stop it, or send the file through the running node with --node HOST:PORT',
        );
      }
      throw err;
    }
    const store = new NodeStore(dataDir, db);
    const existing = await store.getMeta();
    if (site !== undefined) {
      if (existing.site === undefined) {
        await store.meta.put('site', site);
      } else if (existing.site !== site) {
        await db.close();
        throw new FedcreditError(
          'STORE_MISMATCH',
          `the store in ${dataDir} belongs to site '${existing.site}', not '${site}'; use another --data folder`,
        );
      }
    }
    return store;
  }

  async getMeta(): Promise<StoreMeta> {
    const out: Record<string, unknown> = {};
    for await (const [key, value] of this.meta.iterator()) out[key] = value;
    return out as StoreMeta;
  }

  async site(): Promise<string> {
    const site = (await this.getMeta()).site;
    if (site === undefined) throw new FedcreditError('STORE_MISMATCH', `the store in ${this.dataDir} has no site yet; start it with --site`);
    return site;
  }

  async listIngests(): Promise<IngestManifestEntry[]> {
    const out: IngestManifestEntry[] = [];
    for await (const value of this.ingests.values()) out.push(value);
    return out;
  }

  /**
   * Queue raw records into a root-level chained batch. Writing through the root with the
   * sublevel's key prefix and pre-encoded JSON is more than twice as fast as per-put sublevel
   * options, which matters for files of millions of rows; the bytes stored are identical.
   */
  putRecords(batch: ReturnType<Level<string, string>['batch']>, records: Iterable<[string, unknown[]]>): void {
    const prefix = this.records.prefixKey('', 'utf8');
    for (const [key, values] of records) batch.put(prefix + key, JSON.stringify(values));
  }

  /**
   * Writes `ops` (root-level operations, with `sublevel` where they belong to one) durably, in
   * one synced LevelDB batch with every other group write asked for in the same turn of the
   * event loop: the consent ledger's claims and the served-record book's records of one
   * scoring batch go to disk together. Each batch call hands work to libuv's thread pool, and
   * under load the main thread waited 0.5-0.7 ms on average (10-17 ms at worst) per call here.
   */
  writeGroup(ops: readonly GroupOp[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#groupWrites.length === 0) setImmediate(() => void this.#flushGroup());
      this.#groupWrites.push({ ops, resolve, reject });
    });
  }

  #groupWrites: { ops: readonly GroupOp[]; resolve: () => void; reject: (e: unknown) => void }[] = [];

  async #flushGroup(): Promise<void> {
    const group = this.#groupWrites;
    this.#groupWrites = [];
    try {
      // Operations on sublevels carry `sublevel`, which encodes their keys and values (abstract-level).
      await this.db.batch(group.flatMap((g) => g.ops) as never, { sync: true });
      for (const g of group) g.resolve();
    } catch (err) {
      for (const g of group) g.reject(err);
    }
  }

  /**
   * The feature vector of one entity, or undefined when the node has none for it: from memory
   * when read before (up to VECTOR_CACHE_LIMIT vectors, about 25 MB at 20 features; dropped
   * whenever features are written: featuresChanged), else from LevelDB. Reads asked for in the
   * same turn of the event loop (the queries of one scoring batch) go as one multi-get. Memory
   * first because each LevelDB call held the main thread 0.5 ms on average under a scoring load
   * here, 10 ms at worst (see writeGroup). Callers must not modify the vector they get.
   */
  featureVector(id: string): Promise<Float64Array | undefined> {
    const cached = this.#vectors.get(id);
    if (cached !== undefined) return Promise.resolve(cached ?? undefined);
    return new Promise((resolve, reject) => {
      if (this.#vectorReads.length === 0) setImmediate(() => void this.#readVectors());
      this.#vectorReads.push({ id, resolve, reject });
    });
  }

  /**
   * The feature vectors of many entities (undefined where the node has none), in the order
   * asked, in one LevelDB multi-get (one call into the native side) and not kept in memory (a
   * monitoring batch of thousands would push the scoring queries' vectors out).
   *
   * docs/design/monitoring.md 2.5 asks for one iterator over the batch's sorted subjects. One
   * multi-get is as fast where the subjects are adjacent and several times faster where they are
   * not (a portfolio is a fraction of a site's enterprises, so a batch's span holds many rows it
   * does not want, and an iterator reads them all). Measured on this machine under load, 4,096
   * subjects of 40,000 stored vectors of 20 features, per subject: consecutive subjects 3.8-4.7
   * us by iterator, 2.0 us by multi-get (4.0 us through featureVector's cache); every fifth
   * stored subject 11.4-11.8 us by iterator, 3.7 us by multi-get; 25-42 us by sequential reads.
   */
  async featureVectors(ids: readonly string[]): Promise<(Float64Array | undefined)[]> {
    if (ids.length === 0) return [];
    const values = await this.features.getMany([...ids]);
    return values.map((v) => (v === undefined ? undefined : bytesToFloat64(v)));
  }

  /** Call around every write of feature vectors (before and after): what memory holds is dropped. */
  /** Changes whenever the stored features do (featuresChanged): lets callers cache what they derive from them. */
  get featuresGeneration(): number {
    return this.#vectorGeneration;
  }

  featuresChanged(): void {
    this.#vectorGeneration++;
    this.#vectors.clear();
  }

  /** Vectors read, by id (null: the node has none for it). */
  readonly #vectors = new Map<string, Float64Array | null>();
  #vectorGeneration = 0;
  #vectorReads: { id: string; resolve: (v: Float64Array | undefined) => void; reject: (e: unknown) => void }[] = [];

  async #readVectors(): Promise<void> {
    const reads = this.#vectorReads;
    this.#vectorReads = [];
    const generation = this.#vectorGeneration;
    try {
      const values = await this.features.getMany(reads.map((r) => r.id));
      reads.forEach((r, i) => {
        const vector = values[i] === undefined ? undefined : bytesToFloat64(values[i]!);
        // A read that raced with a write of features is used once, not kept.
        if (generation === this.#vectorGeneration) {
          if (this.#vectors.size >= VECTOR_CACHE_LIMIT) this.#vectors.clear();
          this.#vectors.set(r.id, vector ?? null);
        }
        r.resolve(vector);
      });
    } catch (err) {
      for (const r of reads) r.reject(err);
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

export function float64ToBytes(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

export function bytesToFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new RangeError(`feature bytes of length ${bytes.byteLength} are not a whole number of float64`);
  const copy = bytes.slice();
  return new Float64Array(copy.buffer, copy.byteOffset, copy.byteLength / 8);
}

/** Zero-padded sequence numbers keep LevelDB's byte order equal to numeric order. */
export function seqKey(seq: number): string {
  return String(seq).padStart(12, '0');
}
