/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015.
 *
 * Layout of the 18 characters:
 *   1      registration authority (9 = market regulation / industry and commerce)
 *   2      entity type under that authority (1 enterprise, 2 individual business, 3 farmers' co-op)
 *   3-8    administrative division code (GB/T 2260) of the registering office
 *   9-17   organization code (GB 11714-1997), whose 9th character is its own check digit
 *   18     check character over positions 1-17 (GB 32100-2015 §4.4, mod-31)
 *
 * The alphabet leaves out I, O, Z, S and V, which are easily misread as 1, 0, 2, 5 and U.
 * Validation of untrusted input returns a result (boolean or message); it never throws.
 */

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_LENGTH = 18;

/** GB 32100-2015 §4.4: weight of position i (1-based) is 3^(i-1) mod 31. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
/** GB 11714-1997 check-digit weights over the 8 body characters of an organization code. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** Character to value in the 31-character alphabet, -1 for anything not in it. */
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < CREDIT_CODE_ALPHABET.length; i++) USCC_VALUE[CREDIT_CODE_ALPHABET.charCodeAt(i)] = i;

function usccValue(code: number): number {
  return code < 128 ? USCC_VALUE[code]! : -1;
}

/** The check character (position 18) for the first 17 characters. Throws on malformed input. */
export function creditCodeCheckChar(first17: string): string {
  if (typeof first17 !== 'string') throw new TypeError('creditCodeCheckChar: expected a string of 17 characters');
  if (first17.length !== 17) {
    throw new RangeError(`creditCodeCheckChar: expected 17 characters, got ${first17.length}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = usccValue(first17.charCodeAt(i));
    if (v < 0) {
      throw new RangeError(
        `creditCodeCheckChar: '${first17[i]}' at position ${i + 1} is not in the credit-code alphabet ${CREDIT_CODE_ALPHABET}`,
      );
    }
    sum += v * USCC_WEIGHTS[i]!;
  }
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c]!;
}

/**
 * What is wrong with `s` as a credit code, in words a person can act on, or undefined if it is
 * valid. Checks length, alphabet and the check character; it does not check that the
 * administrative division exists (that list changes every year).
 */
export function creditCodeProblem(s: unknown): string | undefined {
  if (typeof s !== 'string') return `a credit code must be a string, got ${typeof s}`;
  if (s.length !== CREDIT_CODE_LENGTH) {
    return `a credit code has ${CREDIT_CODE_LENGTH} characters, '${s}' has ${s.length}`;
  }
  for (let i = 0; i < CREDIT_CODE_LENGTH; i++) {
    if (usccValue(s.charCodeAt(i)) < 0) {
      const ch = s[i]!;
      const hint = ch !== ch.toUpperCase() ? ' (letters must be upper case)' : ' (I, O, Z, S and V are never used)';
      return `bad character '${ch}' at position ${i + 1} of '${s}'${hint}`;
    }
  }
  const expected = creditCodeCheckChar(s.slice(0, 17));
  if (s[17] !== expected) return `check character is '${s[17]}', expected '${expected}' in '${s}'`;
  return undefined;
}

export function isValidCreditCode(s: unknown): boolean {
  return creditCodeProblem(s) === undefined;
}

/** GB 11714 value of a character: digits 0-9, letters A=10 .. Z=35; -1 otherwise. */
function orgValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return -1;
}

/** The GB 11714-1997 check digit ('0'-'9' or 'X') for an 8-character organization code body. */
export function orgCodeCheckDigit(body8: string): string {
  if (body8.length !== 8) throw new RangeError(`orgCodeCheckDigit: expected 8 characters, got ${body8.length}`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = orgValue(body8.charCodeAt(i));
    if (v < 0) throw new RangeError(`orgCodeCheckDigit: '${body8[i]}' at position ${i + 1} is not 0-9 or A-Z`);
    sum += v * ORG_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** The parts a code is built from; `orgBody` is the 8 characters before the org check digit. */
export interface CreditCodeParts {
  /** Registration authority, position 1 (9 = market regulation). */
  authority: string;
  /** Entity type, position 2 ('1' enterprise, '2' individual business, '3' farmers' co-op). */
  entityType: string;
  /** 6-digit administrative division code, positions 3-8. */
  division: string;
  /** 8 characters from the credit-code alphabet, positions 9-16. */
  orgBody: string;
}

/** Assemble a valid 18-character code from its parts, computing both check characters. */
export function makeCreditCode(parts: CreditCodeParts): string {
  const { authority, entityType, division, orgBody } = parts;
  if (authority.length !== 1 || entityType.length !== 1) {
    throw new RangeError('makeCreditCode: authority and entityType are one character each');
  }
  if (!/^\d{6}$/.test(division)) throw new RangeError(`makeCreditCode: division '${division}' must be 6 digits`);
  if (orgBody.length !== 8) throw new RangeError(`makeCreditCode: orgBody '${orgBody}' must be 8 characters`);
  const first17 = authority + entityType + division + orgBody + orgCodeCheckDigit(orgBody);
  return first17 + creditCodeCheckChar(first17);
}
