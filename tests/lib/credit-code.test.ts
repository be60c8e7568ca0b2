import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CREDIT_CODE_ALPHABET, creditCodeCheckChar, creditCodeProblem, isValidCreditCode, makeCreditCode, orgCodeCheckDigit,
} from '../../schema/credit-code.js';

// Published codes whose two check characters (GB 11714 at position 17, GB 32100 at 18) both
// verify by the computation below; a code misremembered by one character would fail both tests
// with probability 1 - 1/341.
const PUBLISHED = [
  '91350100M000100Y43', // the worked example of GB 32100-2015
  '914403001922038216', // Huawei Technologies Co., Ltd. (public registry)
  '9144030071526726XG', // Shenzhen Tencent Computer Systems Co., Ltd.: org check digit 'X'
  '91330100716105852F', // Alibaba (China) Co., Ltd.
  '91110000802100433B', // Beijing Baidu Netcom Science and Technology Co., Ltd.
];

describe('GB 32100-2015 check character', () => {
  it('computes the check character of the standard example by hand', () => {
    // 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 with values M=21, Y=30 in the 31-character alphabet:
    //   9*1 + 1*3 + 3*9 + 5*27 + 0*19 + 1*26 + 0*16 + 0*17 + 21*20 + 0*29 + 0*25 + 0*13
    //   + 1*8 + 0*24 + 0*10 + 30*30 + 4*28
    //   = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640;  1640 mod 31 = 28;  31 - 28 = 3
    expect(CREDIT_CODE_ALPHABET.indexOf('M')).toBe(21);
    expect(CREDIT_CODE_ALPHABET.indexOf('Y')).toBe(30);
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('accepts published codes', () => {
    for (const code of PUBLISHED) {
      expect(creditCodeProblem(code), code).toBeUndefined();
      expect(isValidCreditCode(code)).toBe(true);
    }
  });

  it('rejects every single-character substitution of every published code', () => {
    // The weights 3^k mod 31 are all nonzero mod the prime 31, so one changed character always
    // changes the weighted sum mod 31: the mod-31 check catches every single substitution.
    for (const code of PUBLISHED) {
      for (let pos = 0; pos < 18; pos++) {
        for (const ch of CREDIT_CODE_ALPHABET) {
          if (ch === code[pos]) continue;
          const mutant = code.slice(0, pos) + ch + code.slice(pos + 1);
          expect(isValidCreditCode(mutant), mutant).toBe(false);
        }
      }
    }
  });

  it('rejects adjacent transpositions that change the code', () => {
    for (const code of PUBLISHED) {
      for (let pos = 0; pos < 17; pos++) {
        if (code[pos] === code[pos + 1]) continue;
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        expect(isValidCreditCode(swapped), swapped).toBe(false);
      }
    }
  });

  it('explains what is wrong', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toMatch(/18 characters, '91350100M000100Y4' has 17/);
    expect(creditCodeProblem('91350100M000100Y433')).toMatch(/has 19/);
    expect(creditCodeProblem('91350100I000100Y43')).toMatch(/bad character 'I' at position 9.*never used/);
    expect(creditCodeProblem('91350100m000100Y43')).toMatch(/bad character 'm' at position 9.*upper case/);
    expect(creditCodeProblem('91350100M000100Y44')).toMatch(/check character is '4', expected '3'/);
    expect(creditCodeProblem(42)).toMatch(/must be a string/);
    expect(isValidCreditCode(undefined)).toBe(false);
    expect(isValidCreditCode('')).toBe(false);
    expect(isValidCreditCode('９1350100M000100Y43')).toBe(false); // full-width digit
  });

  it('creditCodeCheckChar refuses malformed input with RangeError', () => {
    expect(() => creditCodeCheckChar('123')).toThrow(RangeError);
    expect(() => creditCodeCheckChar('91350100O000100Y4')).toThrow(/'O' at position 9/);
  });
});

describe('GB 11714 organization-code check digit', () => {
  it('computes check digits by hand', () => {
    // M000100Y: M=22, Y=34 in 0-9A-Z; 22*3 + 1*5 + 34*2 = 139; 139 mod 11 = 7; 11 - 7 = 4
    expect(orgCodeCheckDigit('M000100Y')).toBe('4');
    // 71526726: 7*3 + 1*7 + 5*9 + 2*10 + 6*5 + 7*8 + 2*4 + 6*2 = 199; 199 mod 11 = 1; 11 - 1 = 10 -> 'X'
    expect(orgCodeCheckDigit('71526726')).toBe('X');
    // 00000000: sum 0; 11 - 0 = 11 -> '0'
    expect(orgCodeCheckDigit('00000000')).toBe('0');
    expect(() => orgCodeCheckDigit('1234567')).toThrow(RangeError);
  });
});

describe('makeCreditCode', () => {
  const bodyChar = fc.constantFrom(...CREDIT_CODE_ALPHABET.split(''));
  const parts = fc.record({
    authority: fc.constant('9'),
    entityType: fc.constantFrom('1', '2', '3'),
    division: fc.stringMatching(/^\d{6}$/),
    orgBody: fc.array(bodyChar, { minLength: 8, maxLength: 8 }).map((a) => a.join('')),
  });

  it('builds valid codes whose org-code check digit verifies, and every one-character change fails', () => {
    fc.assert(
      fc.property(parts, fc.nat(17), fc.nat(30), (p, pos, shift) => {
        const code = makeCreditCode(p);
        expect(code).toHaveLength(18);
        expect(creditCodeProblem(code)).toBeUndefined();
        expect(code[16]).toBe(orgCodeCheckDigit(p.orgBody));
        const old = CREDIT_CODE_ALPHABET.indexOf(code[pos]!);
        const ch = CREDIT_CODE_ALPHABET[(old + 1 + (shift % 30)) % 31]!;
        expect(isValidCreditCode(code.slice(0, pos) + ch + code.slice(pos + 1))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects malformed parts', () => {
    expect(() => makeCreditCode({ authority: '9', entityType: '1', division: '3501', orgBody: 'M000100Y' })).toThrow(RangeError);
    expect(() => makeCreditCode({ authority: '9', entityType: '1', division: '350100', orgBody: 'M000100' })).toThrow(RangeError);
  });
});
