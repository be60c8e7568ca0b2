/**
 * Ids of any text (issue 14): normalization and packing (alignment/ids.ts), a three-party run
 * over integer ids, UUIDs, ids in Chinese and credit codes written differently at each site,
 * and what the transcript shows: no raw id, no unkeyed hash of one, and message sizes that do
 * not depend on how long the ids are.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToCurve25519Batch } from '../../alignment/psi-hash.js';
import { PsiParty } from '../../alignment/psi.js';
import { runPsiInMemory, type PsiTranscriptEntry } from '../../alignment/psi-in-memory.js';
import { ANY_ID_BYTES, anyIdProblem, IdCollisionError, idMessage, normalizeId, packIds, prepareIds, type IdRule } from '../../alignment/ids.js';
import { creditCode, RING, runSets } from './helpers.js';

const ANY: IdRule = { type: 'any', idCase: 'keep' };
const FOLD: IdRule = { type: 'any', idCase: 'fold' };
const norm = (s: string, idCase: 'keep' | 'fold' = 'keep') => {
  const r = normalizeId(s, idCase);
  return r.ok ? r.id : `!${r.problem}`;
};

describe('normalization', () => {
  it('is NFC, trimmed, case kept unless folded', () => {
    expect(norm('Cafe\u0301')).toBe('Caf\u00e9');
    expect(norm('  42\t')).toBe('42');
    expect(norm('\u3000企业-甲\u00a0')).toBe('企业-甲'); // ideographic and no-break spaces are white space
    expect(norm('AbC-1')).toBe('AbC-1');
    expect(norm('AbC-1', 'fold')).toBe('abc-1');
    expect(norm('Straße', 'fold')).toBe(norm('STRASSE', 'fold'));
    expect(norm('550E8400-E29B-41D4-A716-446655440000', 'fold')).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(norm('007')).toBe('007'); // an id is text: leading zeros are kept
  });

  it('refuses an id that is empty once trimmed or not well-formed Unicode', () => {
    expect(normalizeId('   ', 'keep')).toEqual({ ok: false, problem: 'is empty once trimmed' });
    expect(normalizeId('a\ud800b', 'keep').ok).toBe(false);
    expect(normalizeId('\udc00', 'keep').ok).toBe(false);
    expect(normalizeId('\ud83d\ude00', 'keep').ok).toBe(true); // a surrogate pair is fine
  });

  it('is idempotent and never leaves surrounding white space (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom('keep', 'fold' as const), (s, c) => {
      const r = normalizeId(s, c);
      if (!r.ok) return;
      expect(normalizeId(r.id, c)).toEqual(r);
      expect(r.id).toBe(r.id.trim());
      expect(r.id).toBe(r.id.normalize('NFC'));
    }), { numRuns: 500 });
  });
});

describe('packing', () => {
  it('packs every id of any text at 32 bytes, and credit codes as their 18 bytes', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), { maxLength: 20 }), (ids) => {
      const { bytes, idLength } = packIds(ids, ANY);
      expect(idLength).toBe(ANY_ID_BYTES);
      expect(bytes.length).toBe(ids.length * ANY_ID_BYTES);
    }), { numRuns: 200 });
    const codes = [creditCode(1), creditCode(2)];
    expect(packIds(codes, { type: 'credit-code', idCase: 'keep' })).toEqual({ bytes: new Uint8Array(Buffer.from(codes.join(''), 'latin1')), idLength: 18 });
  });

  it('is injective on canonical ids and domain-separated by case rule (property)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
      const [ma, mb] = [idMessage(a, ANY), idMessage(b, ANY)];
      expect(Buffer.from(ma).equals(Buffer.from(mb))).toBe(a === b);
      expect(Buffer.from(idMessage(a, FOLD)).equals(Buffer.from(ma))).toBe(false);
      // Not the plain SHA-256 of the id: the pre-hash is tagged.
      expect(Buffer.from(ma).equals(crypto.createHash('sha256').update(a).digest())).toBe(false);
    }), { numRuns: 300 });
  });

  it('dedupes exact repeats and refuses two ids that normalize to one, naming positions only', () => {
    expect(prepareIds(['1', '2', '1'], ANY, 'bank')).toMatchObject({ canonical: ['1', '2'], duplicates: 1 });
    expect(prepareIds([' 1', 'A'], ANY, 'bank').rawOf.get('1')).toBe(' 1');
    expect(() => prepareIds(['x', 'A1', 'a1'], FOLD, 'bank')).toThrow(IdCollisionError);
    expect(() => prepareIds(['x', 'A1', 'a1'], FOLD, 'bank')).toThrow(/IDs 1 and 2/);
    expect(() => prepareIds(['x', 'A1', 'a1'], FOLD, 'bank')).not.toThrow(/A1/);
    expect(prepareIds(['A1', 'a1'], ANY, 'bank').canonical).toEqual(['A1', 'a1']);
    expect(() => prepareIds(['7'], { type: 'credit-code', idCase: 'keep' }, 'bank')).toThrow(/ID 0: .*18/);
  });
});

const UUID = '550e8400-e29b-41d4-a716-446655440000';

describe('three-party alignment of ids of any text', () => {
  it('aligns integers, UUIDs, Chinese ids and credit codes written differently at each site', async () => {
    const shared = ['1', '2', '300', UUID, '企业-甲', 'Cafe\u0301', creditCode(5)];
    const sets = {
      bank: [...shared, '4', '5', '乙'],
      tax: [...shared.map((id) => ` ${id}\t`), '4', '6'], // spaces from a spreadsheet export
      power: [...shared.map((id) => id.normalize('NFD')), '5', '6', '乙'],
    };
    const split = { seed: new Uint8Array(16).fill(7), validationFraction: 0.3 };
    const { results } = await runSets(sets, { idRule: ANY, split });
    const canon = (ids: readonly string[]) => ids.map((id) => norm(id));
    const bank = results.get('bank')!;
    expect(new Set(canon(bank.intersection))).toEqual(new Set(canon(shared)));
    for (const site of RING) {
      const r = results.get(site)!;
      // Each site gets its own row keys back, in the one agreed order and split.
      expect(r.intersection.every((id) => sets[site].includes(id))).toBe(true);
      expect(canon(r.intersection)).toEqual(canon(bank.intersection));
      expect(canon(r.validation)).toEqual(canon(bank.validation));
      expect(r.alignmentDigest).toBe(bank.alignmentDigest);
    }
    expect(bank.validation.length).toBe(2);
  });

  it('folds case only when told to', async () => {
    const sets = { bank: ['ab', 'CD'], tax: ['AB', 'cd'], power: ['Ab', 'cD'] };
    expect((await runSets(sets, { idRule: ANY })).results.get('tax')!.intersection).toEqual([]);
    expect(new Set((await runSets(sets, { idRule: FOLD })).results.get('tax')!.intersection)).toEqual(new Set(['AB', 'cd']));
  });

  it('still refuses ids that are not credit codes when the job aligns credit codes', () => {
    expect(() => new PsiParty('bank', ['7'], { session: 's', ring: RING })).toThrow(/ID 0/);
  });
});

describe('what travels, for ids of any text', () => {
  const SHORT = ['7', '8', '9', 'a', 'b', 'c', 'd', 'e'];
  const LONG = ['123456789012', UUID, '企业-甲', `${'长'.repeat(60)}`, creditCode(9), 'x'.repeat(300), '6f9619ff-8b86-d011-b42d-00c04fc964ff', '乙公司'];
  const run = (bank: string[], tax: string[], power: string[], session: string) =>
    runPsiInMemory(RING.map((site, i) => new PsiParty(site, [bank, tax, power][i]!, { session, ring: RING, idRule: ANY })));
  const shape = (t: readonly PsiTranscriptEntry[]) => t.map((m) => `${m.kind} ${m.from}->${m.to} ${m.bytes}`).sort();

  it('message sizes do not depend on the ids\' lengths', async () => {
    // Same set sizes and overlaps; the second run's ids are 1 to 300 characters, some in Chinese.
    const a = await run(SHORT.slice(0, 6), SHORT.slice(2, 8), SHORT.slice(1, 7), 'short');
    const b = await run(LONG.slice(0, 6), LONG.slice(2, 8), LONG.slice(1, 7), 'long');
    expect(a.results.get('bank')!.stats.intersectionSize).toBe(4);
    expect(b.results.get('bank')!.stats.intersectionSize).toBe(4);
    expect(shape(b.transcript)).toEqual(shape(a.transcript));
    for (const m of [...a.transcript, ...b.transcript]) expect(m.bytes % 32).toBe(0);
  });

  it('no raw id, unkeyed hash of one, its pre-hash or its unblinded point appears in any payload', async () => {
    const { transcript } = await run(LONG.slice(0, 6), LONG.slice(2, 8), LONG.slice(1, 7), 'needles');
    const needles: [string, Uint8Array][] = [];
    for (const id of LONG) {
      const pre = idMessage(id, ANY);
      needles.push([`utf8 ${id}`, Buffer.from(id, 'utf8')]);
      needles.push([`sha256 ${id}`, crypto.createHash('sha256').update(id).digest()]);
      needles.push([`pre-hash ${id}`, pre]);
      needles.push([`hash_to_curve ${id}`, hashToCurve25519Batch(pre, ANY_ID_BYTES)]);
    }
    expect(transcript).toHaveLength(13);
    for (const m of transcript) {
      const payload = Buffer.from(m.payload);
      for (const [what, needle] of needles) expect(payload.includes(Buffer.from(needle)), `${what} in ${m.kind}`).toBe(false);
    }
  });
});

describe('ids a table may hold under --id-format any', () => {
  it('takes any text without control characters, up to 256 characters', () => {
    for (const id of ['1', UUID, '企业-甲', 'Café 1', creditCode(3), 'x'.repeat(256)]) expect(anyIdProblem(id)).toBeUndefined();
    expect(anyIdProblem('')).toMatch(/empty/);
    expect(anyIdProblem('a\u0000b')).toMatch(/control/);
    expect(anyIdProblem('x'.repeat(257))).toMatch(/256/);
  });
});
