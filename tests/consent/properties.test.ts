/**
 * Properties of the signed records (fast-check): every one-byte change to a signed consent,
 * revocation or key binding fails verification without throwing; the canonical encoding does
 * not depend on field order; arbitrary input is refused as malformed, never thrown on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consentSigningBytes, encodeConsent, encodeKeyBinding, encodeRevocation, keyBindingProblem, parseConsent, parseKeyBinding,
  parseRevocation, revocationSignatureValid, revokeConsent, verifyConsent,
} from '../../consent/verify.js';
import { canonicalJson, type JsonValue } from '../../log/entries.js';
import { binding, enterprise, grant, ledgerWithBindings, NOW, query, registrar } from './helpers.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Changes one byte of `bytes` at `index` (mod length) by XOR with a non-zero `delta`. */
function mutate(bytes: Uint8Array, index: number, delta: number): Uint8Array {
  const out = bytes.slice();
  const i = index % out.length;
  out[i] = out[i]! ^ delta;
  return out;
}

const oneByteChange = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }));

/** The same JSON value with object keys in a random order at every level. */
function shuffleKeys(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rand));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(() => rand() - 0.5);
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rand)]));
}

describe('consent records under mutation', () => {
  const consent = grant();
  const bytes = utf8(encodeConsent(consent));

  it('the honest consent verifies', async () => {
    const ledger = await ledgerWithBindings();
    expect(await verifyConsent(bytes, ledger.context(query()))).toMatchObject({ ok: true });
  });

  it('any one-byte change to a signed consent fails verification and never throws', async () => {
    const ledger = await ledgerWithBindings();
    await fc.assert(fc.asyncProperty(oneByteChange, async ([index, delta]) => {
      const verdict = await verifyConsent(mutate(bytes, index, delta), ledger.context(query()));
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(['CONSENT_MALFORMED', 'CONSENT_BAD_SIGNATURE']).toContain(verdict.code);
    }), { numRuns: 1500 });
  });

  it('every single-byte position is covered: exhaustive XOR 0x01 over the whole consent', async () => {
    const ledger = await ledgerWithBindings();
    for (let i = 0; i < bytes.length; i++) {
      expect((await verifyConsent(mutate(bytes, i, 1), ledger.context(query()))).ok, `byte ${i}`).toBe(false);
    }
  });

  it('any one-byte change to a signed revocation fails to parse or to verify, and never throws', () => {
    const rev = utf8(encodeRevocation(revokeConsent(enterprise, consent, NOW)));
    fc.assert(fc.property(oneByteChange, ([index, delta]) => {
      const parsed = parseRevocation(mutate(rev, index, delta));
      expect(parsed.ok && revocationSignatureValid(parsed.value)).toBe(false);
    }), { numRuns: 1500 });
  });

  it('any one-byte change to a key binding fails to parse or to verify, and never throws', () => {
    const b = utf8(encodeKeyBinding(binding));
    fc.assert(fc.property(oneByteChange, ([index, delta]) => {
      const parsed = parseKeyBinding(mutate(b, index, delta));
      expect(parsed.ok && keyBindingProblem(parsed.value, [registrar.publicKey]) === undefined).toBe(false);
    }), { numRuns: 1500 });
  });

  it('arbitrary JSON values and strings are refused as malformed, never thrown on', async () => {
    const ledger = await ledgerWithBindings();
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.string(), fc.uint8Array({ maxLength: 300 })), async (input) => {
      const verdict = await verifyConsent(input, ledger.context(query()));
      expect(verdict).toMatchObject({ ok: false, code: 'CONSENT_MALFORMED' });
    }), { numRuns: 500 });
  });

  it('a consent with any one field replaced by an arbitrary JSON value is refused, never thrown on', async () => {
    const ledger = await ledgerWithBindings();
    const json = JSON.parse(encodeConsent(consent)) as Record<string, unknown>;
    const keys = Object.keys(json);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...keys), fc.jsonValue(), async (key, value) => {
      fc.pre(JSON.stringify(value) !== JSON.stringify(json[key]));
      const verdict = await verifyConsent({ ...json, [key]: value }, ledger.context(query()));
      expect(verdict.ok).toBe(false);
    }), { numRuns: 500 });
  });
});

describe('canonical encoding', () => {
  it('field order is irrelevant: same bytes, same signed bytes', () => {
    const consent = grant();
    const canonical = encodeConsent(consent);
    fc.assert(fc.property(fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), (stream) => {
      const it = stream[Symbol.iterator]();
      const shuffled = shuffleKeys(JSON.parse(canonical), () => it.next().value as number);
      const parsed = parseConsent(shuffled);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(encodeConsent(parsed.value)).toBe(canonical);
      expect(Buffer.from(consentSigningBytes(parsed.value)).equals(Buffer.from(consentSigningBytes(consent)))).toBe(true);
      // As text, only the canonical spelling is accepted.
      const text = JSON.stringify(shuffled);
      expect(parseConsent(text).ok).toBe(text === canonical);
    }), { numRuns: 200 });
  });

  it('the canonical text is what the file holds, with or without one trailing newline', () => {
    const text = encodeConsent(grant());
    expect(parseConsent(text).ok).toBe(true);
    expect(parseConsent(`${text}\n`).ok).toBe(true);
    expect(parseConsent(`${text}\n\n`).ok).toBe(false);
    expect(parseConsent(` ${text}`).ok).toBe(false);
    expect(text).toBe(canonicalJson(JSON.parse(text) as JsonValue));
  });
});
