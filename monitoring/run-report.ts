/**
 * A monitoring run's report (issue 21, docs/design/monitoring.md 5.3), and the drift figures
 * each side contributes to it:
 *
 * - `SiteDrift`, at each node: counts of the run's covered enterprises in the site's own
 *   reference bins (its model part's `driftReference`), batch by batch, and at the end the CSI
 *   per feature. Only the numbers (three decimals) and their levels leave the site, as its
 *   policy allows (`per-feature`, `max-only` or `none`); the bins and counts never do.
 * - `RunReportBuilder`, at the coordinator: what it saw of the run's scores (grades, warning
 *   transitions, skips by code, counts in the model's score deciles for the PSI), the sites'
 *   CSI replies, the log span and timing.
 *
 * Every count in the report that describes fewer than `minCellSize` enterprises is shown as
 * "<N" (the transition matrix's cells), as the evaluation report's tables are.
 */
import type { MonitoringCsiShare } from '../site/policy.js';
import { GRADES, type WarningLevel } from '../scoring/score-scale.js';
import type { ScoreBins } from '../evaluation/curves.js';
import { addCounts, countInto, driftLevel, stabilityIndex, worstLevel, type BinCounts, type BinnedReference, type DriftLevel } from './drift.js';

/** A site's `monitoring.shareCsi` policy (site/policy.ts). */
export type CsiPolicy = MonitoringCsiShare;

export interface FeatureCsi {
  readonly feature: string;
  /** Rounded to three decimals. */
  readonly csi: number;
  readonly level: DriftLevel;
}

/** What a site sends at the end of a run (NodeMonitoring.FinishRun). */
export type SiteCsi =
  | { readonly site: string; readonly covered: number; readonly features: readonly FeatureCsi[] }
  | { readonly site: string; readonly covered: number; readonly insufficient: true }
  | { readonly site: string; readonly covered: number; readonly withheld: true };

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** A site's counts of one run's covered enterprises in its reference bins. */
export class SiteDrift {
  readonly #refs: readonly BinnedReference[];
  readonly #counts: BinCounts[];
  #covered = 0;

  /** `references` in the order of the part's features (the vectors' columns). */
  constructor(references: readonly BinnedReference[]) {
    this.#refs = references;
    this.#counts = references.map((r) => ({ bins: new Array<number>(r.edges.length + 1).fill(0), missing: 0 }));
  }

  /** Adds one batch's feature vectors of the enterprises the site covers. */
  add(vectors: readonly ArrayLike<number>[]): void {
    this.#covered += vectors.length;
    this.#refs.forEach((ref, j) => {
      addCounts(this.#counts[j]!, countInto(ref, Float64Array.from(vectors, (v) => v[j]!)));
    });
  }

  get covered(): number {
    return this.#covered;
  }

  /** The reply to FinishRun under the site's policy. */
  result(site: string, policy: CsiPolicy, minCount?: number): SiteCsi {
    const covered = this.#covered;
    if (policy === 'none') return { site, covered, withheld: true };
    if (this.#refs.length === 0 || driftLevel(0, covered, minCount) === 'insufficient') return { site, covered, insufficient: true };
    const features = this.#refs.map((ref, j) => {
      const csi = stabilityIndex(ref, this.#counts[j]!);
      return { feature: ref.feature, csi: round3(csi), level: driftLevel(csi, covered, minCount) };
    });
    if (policy === 'max-only') {
      const top = features.reduce((a, b) => (b.csi > a.csi ? b : a));
      return { site, covered, features: [{ feature: '(largest of the site)', csi: top.csi, level: top.level }] };
    }
    return { site, covered, features };
  }
}

const LEVELS: readonly WarningLevel[] = ['none', 'blue', 'yellow', 'red'];

export interface RunItemResult {
  readonly points: number;
  readonly grade: string;
  readonly warning: WarningLevel;
  /** The warning of the item's previous re-score, if any. */
  readonly previousWarning?: WarningLevel;
}

export interface MonitoringRunReport {
  readonly runId: string;
  readonly requester: string;
  readonly portfolio: string;
  readonly model: string;
  readonly trigger: string;
  readonly asOf: Record<string, string>;
  readonly startedMs: number;
  readonly finishedMs: number;
  readonly items: number;
  readonly scored: number;
  readonly skipped: Record<string, number>;
  readonly changed: number;
  /** Previous warning -> this run's warning, rows and columns none, blue, yellow, red; small cells as "<N". */
  readonly transitions: { readonly levels: readonly WarningLevel[]; readonly cells: readonly (readonly (number | string)[])[] };
  readonly grades: readonly { grade: string; count: number | string }[];
  readonly psi:
    | { readonly value: number; readonly level: DriftLevel; readonly bins: readonly { from: number | null; to: number | null; expected: number; actual: number }[] }
    | { readonly insufficient: true; readonly reason: string };
  readonly csi: readonly SiteCsi[];
  readonly log: { readonly firstIndex: number; readonly lastIndex: number; readonly entries: number };
  readonly timing: { readonly seconds: number; readonly perBatchP50: number; readonly perBatchMax: number };
  readonly drift: DriftLevel;
}

export class RunReportBuilder {
  readonly #head: Pick<MonitoringRunReport, 'runId' | 'requester' | 'portfolio' | 'model' | 'trigger' | 'asOf' | 'startedMs'>;
  readonly #scoreBins: ScoreBins | undefined;
  readonly #minCell: number;
  #items = 0;
  #scored = 0;
  #changed = 0;
  readonly #skipped = new Map<string, number>();
  readonly #transitions = LEVELS.map(() => LEVELS.map(() => 0));
  readonly #grades = new Map<string, number>(GRADES.map((g) => [g.grade, 0]));
  readonly #points: number[] = [];
  readonly #batchSeconds: number[] = [];
  #firstIndex = -1;
  #lastIndex = -1;
  #entries = 0;

  /** `scoreBins` from the model's evaluation report (format v3); undefined for older models. */
  constructor(head: RunReportBuilder['head'], scoreBins: ScoreBins | undefined, minCellSize = 10) {
    this.#head = head;
    this.#scoreBins = scoreBins;
    this.#minCell = minCellSize;
  }

  get head(): Pick<MonitoringRunReport, 'runId' | 'requester' | 'portfolio' | 'model' | 'trigger' | 'asOf' | 'startedMs'> {
    return this.#head;
  }

  /** One batch: its scored items, its skips by code, how many changed, its log span and time. */
  addBatch(b: { scored: readonly RunItemResult[]; skipped: readonly string[]; changed: number; firstIndex: number; entries: number; seconds: number }): void {
    this.#items += b.scored.length + b.skipped.length;
    this.#scored += b.scored.length;
    this.#changed += b.changed;
    for (const code of b.skipped) this.#skipped.set(code, (this.#skipped.get(code) ?? 0) + 1);
    for (const r of b.scored) {
      this.#points.push(r.points);
      this.#grades.set(r.grade, (this.#grades.get(r.grade) ?? 0) + 1);
      if (r.previousWarning !== undefined) this.#transitions[LEVELS.indexOf(r.previousWarning)]![LEVELS.indexOf(r.warning)]!++;
    }
    if (b.entries > 0) {
      if (this.#firstIndex < 0) this.#firstIndex = b.firstIndex;
      this.#lastIndex = Math.max(this.#lastIndex, b.firstIndex + b.entries - 1);
      this.#entries += b.entries;
    }
    this.#batchSeconds.push(b.seconds);
  }

  /** The run's PSI against the model's score deciles, or why there is none. */
  psi(minCount?: number): MonitoringRunReport['psi'] {
    if (!this.#scoreBins) return { insufficient: true, reason: 'no reference distribution: the model was trained before report format v3; retrain to monitor drift' };
    const ref: BinnedReference = { feature: 'score', edges: this.#scoreBins.edges, shares: this.#scoreBins.shares, missingShare: 0, count: this.#scoreBins.count };
    const counts = countInto(ref, this.#points);
    const value = stabilityIndex(ref, counts);
    const level = driftLevel(value, this.#points.length, minCount);
    if (level === 'insufficient') return { insufficient: true, reason: `${this.#points.length} enterprises scored; drift needs at least ${minCount ?? 500}` };
    const n = this.#points.length;
    const bins = ref.shares.map((expected, i) => ({
      from: i === 0 ? null : ref.edges[i - 1]!,
      to: i < ref.edges.length ? ref.edges[i]! : null,
      expected,
      actual: counts.bins[i]! / n,
    }));
    return { value: round3(value), level, bins };
  }

  build(csi: readonly SiteCsi[], finishedMs: number, minCount?: number): MonitoringRunReport {
    const small = (c: number): number | string => (c > 0 && c < this.#minCell ? `<${this.#minCell}` : c);
    const psi = this.psi(minCount);
    const sorted = [...this.#batchSeconds].sort((a, b) => a - b);
    const levels: DriftLevel[] = ['level' in psi ? psi.level : 'insufficient'];
    for (const c of csi) if ('features' in c) for (const f of c.features) levels.push(f.level);
    return {
      ...this.#head,
      finishedMs,
      items: this.#items,
      scored: this.#scored,
      skipped: Object.fromEntries(this.#skipped),
      changed: this.#changed,
      transitions: { levels: LEVELS, cells: this.#transitions.map((row) => row.map(small)) },
      grades: GRADES.map((g) => ({ grade: g.grade, count: small(this.#grades.get(g.grade) ?? 0) })),
      psi,
      csi,
      log: { firstIndex: this.#firstIndex, lastIndex: this.#lastIndex, entries: this.#entries },
      timing: {
        seconds: (finishedMs - this.#head.startedMs) / 1000,
        perBatchP50: sorted.length > 0 ? sorted[Math.floor((sorted.length - 1) / 2)]! : 0,
        perBatchMax: sorted.length > 0 ? sorted[sorted.length - 1]! : 0,
      },
      drift: worstLevel(levels),
    };
  }
}
