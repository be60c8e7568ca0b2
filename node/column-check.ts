/**
 * Cell-level validation for site exports: each column type of schema/site-schema.ts gets a
 * parser that returns the typed value or a problem phrased for the operator who must fix
 * the file ("'abc' is not a number").
 */
import { creditCodeProblem } from '../schema/credit-code.js';
import { parsePeriod, type ColumnType } from '../schema/site-schema.js';

export type CellValue = string | number;
export type CellResult = { ok: true; value: CellValue } | { ok: false; problem: string };

const DECIMAL = /^-?\d+(\.\d+)?$/;
const MONEY = /^\d+(\.\d{1,2})?$/;
const INTEGER = /^-?\d+$/;
/** The earliest and latest calendar years a site record may carry. */
const MIN_YEAR = 1950;
const MAX_YEAR = 2100;

function quote(raw: string): string {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
  return `'${shown}'`;
}

function checkYear(year: number, raw: string): string | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR) return `${quote(raw)}: year must be between ${MIN_YEAR} and ${MAX_YEAR}`;
  return undefined;
}

export function checkCell(type: ColumnType, raw: string): CellResult {
  if (raw === '') return { ok: false, problem: 'is empty' };
  switch (type.kind) {
    case 'credit_code': {
      const problem = creditCodeProblem(raw);
      return problem ? { ok: false, problem: `${quote(raw)} is not a valid credit code: ${problem}` } : { ok: true, value: raw };
    }
    case 'period': {
      let index: number;
      try {
        index = parsePeriod(raw);
      } catch {
        return { ok: false, problem: `${quote(raw)} is not a month YYYY-MM` };
      }
      const bad = checkYear(Math.floor(index / 12), raw);
      return bad ? { ok: false, problem: bad } : { ok: true, value: raw };
    }
    case 'date': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
      if (!m) return { ok: false, problem: `${quote(raw)} is not a date YYYY-MM-DD` };
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const date = new Date(Date.UTC(y, mo - 1, d));
      if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
        return { ok: false, problem: `${quote(raw)} is not a calendar date` };
      }
      const bad = checkYear(y, raw);
      return bad ? { ok: false, problem: bad } : { ok: true, value: raw };
    }
    case 'year': {
      if (!/^\d{4}$/.test(raw)) return { ok: false, problem: `${quote(raw)} is not a year YYYY` };
      const bad = checkYear(Number(raw), raw);
      return bad ? { ok: false, problem: bad } : { ok: true, value: Number(raw) };
    }
    case 'money': {
      if (!MONEY.test(raw)) {
        if (DECIMAL.test(raw) && raw.startsWith('-')) return { ok: false, problem: `${quote(raw)} is negative; amounts must be >= 0` };
        if (DECIMAL.test(raw)) return { ok: false, problem: `${quote(raw)} has more than two decimals` };
        return { ok: false, problem: `${quote(raw)} is not an amount (digits, optional . and up to two decimals)` };
      }
      const value = Number(raw);
      if (value > type.max) return { ok: false, problem: `${quote(raw)} is larger than ${type.max}` };
      return { ok: true, value };
    }
    case 'number': {
      if (!DECIMAL.test(raw)) return { ok: false, problem: `${quote(raw)} is not a number` };
      const value = Number(raw);
      if (value < type.min || value > type.max) return { ok: false, problem: `${quote(raw)} is outside ${type.min}..${type.max}` };
      return { ok: true, value };
    }
    case 'integer': {
      if (!INTEGER.test(raw)) return { ok: false, problem: `${quote(raw)} is not a whole number` };
      const value = Number(raw);
      if (value < type.min || value > type.max) return { ok: false, problem: `${quote(raw)} is outside ${type.min}..${type.max}` };
      return { ok: true, value };
    }
    case 'flag':
      if (raw === '0' || raw === '1') return { ok: true, value: Number(raw) };
      return { ok: false, problem: `${quote(raw)} must be 0 or 1` };
    case 'enum':
      if (type.values.includes(raw)) return { ok: true, value: raw };
      return { ok: false, problem: `${quote(raw)} is not one of ${type.values.join(', ')}` };
    case 'token':
      if (type.pattern.test(raw)) return { ok: true, value: raw };
      return { ok: false, problem: `${quote(raw)} is not a valid identifier (${type.hint})` };
  }
}

/**
 * Cells of a feature table that mean "no value", compared trimmed and case-insensitively:
 * the empty cell and what pandas, R and databases write for one (docs/feature-tables.md).
 */
export const MISSING_CELLS: readonly string[] = ['', 'na', 'nan', 'null'];

export function isMissingCell(raw: string): boolean {
  return MISSING_CELLS.includes(raw.trim().toLowerCase());
}

const FEATURE_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A finite decimal for feature tables (exponent notation allowed, as numeric exports use it); never a missing cell. */
export function checkFeatureValue(raw: string): CellResult {
  const value = Number(raw);
  if (!FEATURE_NUMBER.test(raw) || !Number.isFinite(value)) {
    const comma = /^[-+]?\d+,\d+$/.test(raw) ? ` (a decimal comma? write ${raw.replace(',', '.')})` : '';
    return { ok: false, problem: `${quote(raw)} is not a finite number${comma}` };
  }
  return { ok: true, value };
}

const LABEL_VALUES: Readonly<Record<string, 0 | 1>> = { 'true': 1, 'false': 0 };

/**
 * A label cell: 0/1, 0.0/1.0 (any number of zero decimals) or true/false, case-insensitive;
 * 1 and true mean the enterprise defaulted.
 */
export function checkLabel(raw: string): { ok: true; value: 0 | 1 } | { ok: false; problem: string } {
  const cell = raw.trim().toLowerCase();
  if (isMissingCell(cell)) {
    return { ok: false, problem: 'the label is missing: every row of the label holder needs one; drop the rows whose outcome is not known yet (or ingest them at a node without --label-column)' };
  }
  const m = /^([01])(\.0*)?$/.exec(cell);
  if (m) return { ok: true, value: m[1] === '1' ? 1 : 0 };
  const named = LABEL_VALUES[cell];
  if (named !== undefined) return { ok: true, value: named };
  return { ok: false, problem: `${quote(raw)} is not a label: write 0 or 1 (also 0.0/1.0 or true/false; 1 = defaulted)` };
}
