/**
 * The subject of a consent, key binding, revocation or score query: the enterprise the record
 * is about, named by the id the data nodes hold it under (issue 14). In a federation aligned on
 * credit codes that is its unified social credit code; in one aligned on ids of any text
 * (`fedcredit align --id-type any`, alignment/ids.ts) it is the id exactly as the nodes'
 * feature tables hold it (trimmed), e.g. FATE's integer ids "1".."30000". Before, every
 * record refused a subject that was not a credit code, so such a federation could align and
 * train but never be scored.
 *
 * Kept free of other imports but ./credit-code.ts so that log/entries.ts can check logged
 * subjects with the same rule. A free-form subject is what an id of an `any` table may be
 * (alignment/ids.ts anyIdProblem): non-empty, trimmed, well-formed Unicode, no control
 * characters, at most 256 UTF-16 units. It is compared byte for byte with the nodes' row ids.
 * One exception keeps the credit-code checks: 18 upper-case letters and digits are taken as a
 * credit code and must be a valid one (a mistyped code is refused, not read as another id), so
 * an `any` federation whose ids have that shape but are not credit codes cannot be scored.
 */
import { creditCodeProblem } from './credit-code.js';

export const MAX_SUBJECT_LENGTH = 256;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** 18 upper-case letters and digits: meant as a credit code, so its check is kept. */
const CREDIT_CODE_SHAPED = /^[0-9A-Z]{18}$/;

/** Why `s` cannot name a subject, or undefined: a credit code, or an id of any text as ingested. */
export function subjectProblem(s: unknown): string | undefined {
  if (typeof s !== 'string') return `a subject must be a string, got ${typeof s}`;
  if (CREDIT_CODE_SHAPED.test(s)) {
    const problem = creditCodeProblem(s);
    return problem === undefined ? undefined : `${problem} (18 upper-case letters and digits are read as a credit code)`;
  }
  if (s === '') return 'the subject is empty; name the enterprise by its credit code or by its id as the nodes ingested it';
  if (s !== s.trim()) return `the subject '${s.slice(0, 40)}' has leading or trailing white space; pass the id as the nodes hold it (trimmed)`;
  if (s.length > MAX_SUBJECT_LENGTH) return `the subject is longer than ${MAX_SUBJECT_LENGTH} characters`;
  if (LONE_SURROGATE.test(s)) return 'the subject is not well-formed Unicode (a lone surrogate)';
  if (/\p{Cc}/u.test(s)) return 'the subject contains a control character';
  return undefined;
}
