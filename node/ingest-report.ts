/**
 * What an ingest reports: the options a caller gives, each row problem, the report of a whole
 * file, and the validated-but-not-yet-written file that node/ingest.ts commits or rejects.
 * Shared by the record and feature-table validators (node/ingest-records.ts, ingest-table.ts).
 */
export interface IngestOptions {
  /** Name used in messages; defaults to the file's base name. */
  fileName?: string;
  /** A record kind, 'features' for a feature table, or undefined to detect it from the header. */
  kind?: string;
  idColumn?: string;
  labelColumn?: string;
  idFormat?: 'credit-code' | 'any';
  /** Feature tables: the table's name at the node (node/tables.ts); `main` when absent. */
  table?: string;
  /** Delimiter name or character (node/csv-reader.ts DELIMITERS); detected from the header when absent. */
  delimiter?: string;
  /** 'utf8' (default), 'gbk' or 'gb18030'. */
  encoding?: string;
  /** Feature tables: columns declared categorical or integer (the others are inferred). */
  categorical?: string[];
  integer?: string[];
  /** Skip recomputing the feature vectors (when more files of the same site follow). */
  skipFeatures?: boolean;
  onProgress?: (rowsRead: number) => void;
  /** Filled in as the ingest runs, for whoever asks meanwhile (the running node's status). */
  progress?: IngestProgress;
}

/** An ingest under way: what `fedcredit node status --node` and an uploading operator see. */
export interface IngestProgress {
  fileName: string;
  stage: 'receiving' | 'validating' | 'committing' | 'features';
  rows: number;
  bytesDone: number;
  /** 0 when unknown (an uploader that did not say the file's size). */
  bytesTotal: number;
  startedMs: number;
}

export interface RowProblem {
  line: number;
  column: string;
  problem: string;
}

export interface IngestReport {
  fileName: string;
  kind: string;
  rows: number;
  committed: boolean;
  problems: RowProblem[];
  problemCount: number;
  sha256: string;
  seconds: number;
  enterprises: number;
  featuresPerEnterprise: number;
}

/** How many problems a rejection lists in full; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 200;

export class ProblemList {
  readonly listed: RowProblem[] = [];
  count = 0;

  add(line: number, column: string, problem: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push({ line, column, problem });
  }
}

export function formatProblem(fileName: string, p: RowProblem): string {
  return `${fileName}:${p.line}: ${p.column}: ${p.problem}`;
}

/** The outcome of validating a file, before anything is written. */
export interface ValidatedFile {
  kind: string;
  rows: number;
  problems: ProblemList;
  /** Writes the validated rows in one atomic batch; called only when there are no problems. */
  commit(sha256: string): Promise<void>;
}
