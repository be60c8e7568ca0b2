import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hashWithDomain, hmacSha256, sha256, sha256Hex, utf8Bytes } from '../../crypto/hash.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => new TextEncoder().encode(s);

describe('sha256 and HMAC', () => {
  it('match FIPS 180-4 and RFC 4231 vectors', () => {
    expect(sha256Hex(ascii('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(ascii('ab'), ascii('c')))).toBe(sha256Hex(ascii('abc')));
    // RFC 4231 test case 2
    expect(hex(hmacSha256(ascii('Jefe'), ascii('what do ya want '), ascii('for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('refuses wrong types and an empty HMAC key', () => {
    expect(() => sha256('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => hmacSha256(new Uint8Array(0), ascii('x'))).toThrow(RangeError);
  });
});

describe('hashWithDomain', () => {
  it('is the documented length-prefixed encoding', () => {
    const expected = crypto
      .createHash('sha256')
      .update(Buffer.from([4]))
      .update('test')
      .update(Buffer.from('0000000000000002', 'hex'))
      .update('ab')
      .update(Buffer.from('0000000000000000', 'hex'))
      .digest('hex');
    expect(hex(hashWithDomain('test', ascii('ab'), new Uint8Array(0)))).toBe(expected);
  });

  it('is that encoding for small inputs (one buffer, one call) and past 64 KiB (streamed) alike', () => {
    const documented = (domain: string, ...parts: Uint8Array[]) => {
      const h = crypto.createHash('sha256').update(Buffer.from([domain.length])).update(domain);
      for (const p of parts) h.update(Buffer.from(p.length.toString(16).padStart(16, '0'), 'hex')).update(p);
      return h.digest('hex');
    };
    for (const size of [0, 1, 65_536 - 40, 65_536 - 20, 65_536, 200_000]) {
      const big = crypto.randomBytes(size);
      expect(hex(hashWithDomain('fedcredit/test/v1', ascii('a'), big, ascii('z')))).toBe(documented('fedcredit/test/v1', ascii('a'), big, ascii('z')));
      // Twice: the second call reads the domain's cached tag.
      expect(hex(hashWithDomain('fedcredit/test/v1', big))).toBe(documented('fedcredit/test/v1', big));
    }
  });

  it('separates tuples that concatenate to the same bytes, and domains', () => {
    const a = hashWithDomain('d', ascii('ab'), ascii('c'));
    expect(hashWithDomain('d', ascii('a'), ascii('bc'))).not.toEqual(a);
    expect(hashWithDomain('d', ascii('abc'))).not.toEqual(a);
    expect(hashWithDomain('e', ascii('ab'), ascii('c'))).not.toEqual(a);
    expect(hashWithDomain('d', ascii('ab'), ascii('c'), new Uint8Array(0))).not.toEqual(a);
  });

  it('is injective on random tuples (property)', () => {
    const tuple = fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 4 });
    fc.assert(
      fc.property(tuple, tuple, (x, y) => {
        const same = x.length === y.length && x.every((p, i) => Buffer.compare(p, y[i]!) === 0);
        return same === (Buffer.compare(hashWithDomain('p', ...x), hashWithDomain('p', ...y)) === 0);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses domains that are not short printable ASCII', () => {
    for (const bad of ['', 'has space', 'ünïcode', 'x'.repeat(256)]) expect(() => hashWithDomain(bad)).toThrow(RangeError);
    expect(() => hashWithDomain(7 as unknown as string)).toThrow(TypeError);
  });
});

describe('constantTimeEqual and utf8Bytes', () => {
  it('compares bytes, treating other lengths and types as unequal', () => {
    expect(constantTimeEqual(ascii('abc'), ascii('abc'))).toBe(true);
    expect(constantTimeEqual(ascii('abc'), ascii('abd'))).toBe(false);
    expect(constantTimeEqual(ascii('abc'), ascii('ab'))).toBe(false);
    expect(constantTimeEqual(ascii('abc'), 'abc' as unknown as Uint8Array)).toBe(false);
  });

  it('refuses lone surrogates, which would collide after UTF-8 encoding', () => {
    expect(utf8Bytes('信用')).toEqual(new TextEncoder().encode('信用'));
    // Short and long strings (two encoders) give TextEncoder's bytes, in a buffer of their own.
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
      const bytes = utf8Bytes(text);
      expect(Buffer.from(bytes).equals(Buffer.from(new TextEncoder().encode(text)))).toBe(true);
      expect(bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length).toBe(true);
    }), { numRuns: 300 });
    expect(utf8Bytes('😀')).toHaveLength(4);
    expect(() => utf8Bytes('a\uD800b')).toThrow(/lone UTF-16 surrogate at index 1/);
    expect(() => utf8Bytes('\uDC00')).toThrow(RangeError);
  });
});
