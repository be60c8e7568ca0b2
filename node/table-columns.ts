/**
 * The feature columns of a feature table: each column's cells are gathered as the rows stream
 * by, its type is settled once the whole file is read (declared with --integer/--categorical,
 * or inferred), and it becomes stored features: one for a number or integer column, one
 * indicator per level for a categorical one (one-hot, at the site: passive sites hold no labels,
 * so nothing like a default rate per level can be computed there). A missing cell stays missing
 * (NaN) in every feature the column yields; the models decide what it means
 * (docs/feature-tables.md, "Missing values").
 */
import { checkFeatureValue, isMissingCell } from './column-check.js';
import type { FeatureDescription } from '../site/store.js';

export type FeatureColumnType = 'number' | 'integer' | 'categorical';

/** Most levels a categorical column may have: each becomes a feature of its own. */
export const MAX_CATEGORICAL_LEVELS = 32;
const DECIMAL_COMMA = /^[-+]?\d+,\d+$/;
/** Bad cells remembered per column for the rejection message (the rest are counted). */
const LISTED_BAD_CELLS = 200;

export interface ColumnProblem {
  /** Row index into the table's accepted rows; undefined for a problem of the whole column. */
  row?: number;
  column: string;
  problem: string;
}

/** One feature column's cells as read, before its type is settled. */
export class ColumnCells {
  /** Per row: the number, or NaN (missing, or not a number). */
  readonly numbers: number[] = [];
  /** Per row: the level index, -1 when missing; dropped once there are too many levels. */
  codes: number[] | undefined = [];
  readonly levels = new Map<string, number>();
  missing = 0;
  numeric = 0;
  nonInteger: { row: number; raw: string }[] = [];
  nonNumbers: { row: number; raw: string; problem: string }[] = [];
  nonNumberCount = 0;
  /** Cells like `1,5`: numbers written with a decimal comma, never a reason to call a column text. */
  decimalCommas = 0;

  constructor(
    readonly name: string,
    readonly declared: FeatureColumnType | undefined,
  ) {}

  add(rawCell: string): void {
    const row = this.numbers.length;
    const raw = rawCell.trim();
    if (isMissingCell(raw)) {
      this.missing++;
      this.numbers.push(NaN);
      this.codes?.push(-1);
      return;
    }
    if (this.declared !== 'categorical') {
      const parsed = checkFeatureValue(raw);
      if (parsed.ok) {
        this.numeric++;
        this.numbers.push(parsed.value as number);
        if (!Number.isInteger(parsed.value) && this.nonInteger.length < LISTED_BAD_CELLS) this.nonInteger.push({ row, raw });
      } else {
        this.numbers.push(NaN);
        if (DECIMAL_COMMA.test(raw)) this.decimalCommas++;
        if (this.nonNumbers.length < LISTED_BAD_CELLS) this.nonNumbers.push({ row, raw, problem: parsed.problem });
        this.nonNumberCount++;
      }
    } else this.numbers.push(NaN);
    if (this.codes !== undefined && this.declared !== 'integer') {
      let code = this.levels.get(raw);
      if (code === undefined) {
        code = this.levels.size;
        this.levels.set(raw, code);
      }
      if (this.levels.size > MAX_CATEGORICAL_LEVELS) this.codes = undefined;
      else this.codes.push(code);
    }
  }
}

/** A column once its type is settled: the features it yields, in catalogue order. */
export interface SettledColumn {
  name: string;
  type: FeatureColumnType;
  features: FeatureDescription[];
  /** The value of each of the column's features for row `row` (NaN: missing). */
  values(row: number): number[];
}

/**
 * Settle a column's type and report what is wrong with it. Inference: no text at all gives a
 * number column (integer when every value is whole); mostly numbers with a few texts is a
 * numeric column with bad cells; mostly text is categorical.
 */
export function settleColumn(cells: ColumnCells, rows: number): { column?: SettledColumn; problems: ColumnProblem[] } {
  const problems: ColumnProblem[] = [];
  const name = cells.name;
  const missingRate = rows === 0 ? 0 : cells.missing / rows;
  const texts = cells.nonNumberCount - cells.decimalCommas;
  const categorical = cells.declared === 'categorical' || (cells.declared === undefined && texts > 0 && texts >= cells.numeric + cells.decimalCommas);
  if (categorical) {
    if (cells.codes === undefined) {
      problems.push({
        column: name,
        problem: `has more than ${MAX_CATEGORICAL_LEVELS} distinct values, the most a categorical column may have (each level becomes a feature)` +
          (cells.declared === 'categorical' ? '; group its levels before ingest, or leave it out' : '; if it is numeric, fix its cells that are not numbers; if it is text, group its levels before ingest or leave it out'),
      });
      return { problems };
    }
    const levels = [...cells.levels.keys()];
    // Sorted so that two ingests of the same table give the same catalogue, whatever the row order.
    const order = levels.map((level, code) => ({ level, code })).sort((a, b) => (a.level < b.level ? -1 : a.level > b.level ? 1 : 0));
    const features = order.map(({ level }) => describe(`${name}=${level}`, 'categorical', missingRate, `1 when column ${name} is '${level}', else 0`));
    const codes = cells.codes;
    return {
      problems,
      column: {
        name, type: 'categorical', features,
        values: (row) => {
          const code = codes[row]!;
          return order.map((o) => (code < 0 ? NaN : o.code === code ? 1 : 0));
        },
      },
    };
  }
  const hint = cells.declared === undefined
    ? ` (column ${name} is numeric: ${cells.numeric} of its ${cells.numeric + cells.nonNumberCount} filled cells are numbers; leave a cell empty or write NA when it has no value, or pass --categorical ${name})`
    : '';
  for (const bad of cells.nonNumbers) problems.push({ row: bad.row, column: name, problem: `${bad.problem}${hint}` });
  if (cells.nonNumberCount > cells.nonNumbers.length) {
    problems.push({ column: name, problem: `and ${cells.nonNumberCount - cells.nonNumbers.length} more cells that are not numbers` });
  }
  if (cells.declared === 'integer') {
    for (const bad of cells.nonInteger) problems.push({ row: bad.row, column: name, problem: `'${bad.raw.slice(0, 40)}' is not a whole number (the column is declared --integer)` });
  }
  const type: FeatureColumnType = cells.declared === 'integer' || (cells.nonInteger.length === 0 && cells.numeric > 0) ? 'integer' : 'number';
  const numbers = cells.numbers;
  return {
    problems,
    column: { name, type, features: [describe(name, type, missingRate, 'column of an ingested feature table')], values: (row) => [numbers[row]!] },
  };
}

function describe(name: string, type: FeatureColumnType, missingRate: number, meaning: string): FeatureDescription {
  return {
    name,
    meaning,
    // The gRPC catalogue carries these strings as they are: the type and the missing rate show there too.
    unit: type === 'categorical' ? 'categorical level (one-hot)' : `${type} as supplied`,
    window: 'as supplied',
    imputation: missingRate === 0 ? 'none missing' : `missing in ${formatRate(missingRate)} of rows; training fills the training split's median and adds a "was missing" column (default)`,
    type,
    missingRate,
  };
}

export function formatRate(rate: number): string {
  if (rate === 0) return '0%';
  const percent = rate * 100;
  return percent < 0.1 ? '<0.1%' : `${percent.toFixed(1)}%`;
}

/** The declared type of each column named by --integer and --categorical, with problems for names not in the header or named twice. */
export function declaredTypes(header: readonly string[], declared: { integer?: readonly string[]; categorical?: readonly string[] }): { types: Map<string, FeatureColumnType>; problems: string[] } {
  const types = new Map<string, FeatureColumnType>();
  const problems: string[] = [];
  for (const [flag, type, names] of [['--integer', 'integer', declared.integer ?? []], ['--categorical', 'categorical', declared.categorical ?? []]] as const) {
    for (const name of names) {
      if (!header.includes(name)) problems.push(`${flag} names column '${name.slice(0, 40)}', which is not in the header`);
      else if (types.has(name) && types.get(name) !== type) problems.push(`column '${name.slice(0, 40)}' is declared both --integer and --categorical; choose one`);
      else types.set(name, type);
    }
  }
  return { types, problems };
}
