/**
 * storedConsent (consent/record.ts): a consent a party verified when it stored it (a monitoring
 * item) is read back without a second Ed25519 check, and the object it gives passes through
 * parseConsent as itself, so a run's checks (verifyConsentTerms) do not parse or verify it again.
 * Its other checks still run: a malformed or non-canonical text is refused.
 */
import { describe, expect, it } from 'vitest';
import { encodeConsent, grantConsent, parseConsent, storedConsent, consentSignatureValid } from '../../consent/verify.js';
import { consentHash, storedConsentHash } from '../../consent/terms.js';
import { enterprise, NOW, terms } from './helpers.js';

describe('storedConsent', () => {
  const text = encodeConsent(grantConsent(enterprise, { ...terms, validForMs: 86_400_000, maxUses: 3 }, { issuedAt: NOW }));

  it('reads the same consent parseConsent reads, and parseConsent gives that object back as it is', () => {
    const stored = storedConsent(text);
    const fresh = parseConsent(text);
    expect(stored.ok && fresh.ok).toBe(true);
    if (!stored.ok || !fresh.ok) return;
    expect(stored.value).toEqual(fresh.value);
    expect(Object.isFrozen(stored.value)).toBe(true);
    expect(parseConsent(stored.value)).toEqual({ ok: true, value: stored.value });
    expect(parseConsent(stored.value).ok && (parseConsent(stored.value) as { value: unknown }).value).toBe(stored.value);
    expect(consentSignatureValid(stored.value)).toBe(true);
  });

  it('reads consents of every shape (Chinese requester name, several operations, sources) as the full parse does, key order included', () => {
    for (const extra of [{ operations: ['score', 'explain'] as const }, { sources: ['tax'] }, {}]) {
      const c = grantConsent(enterprise, { ...terms, ...extra, requester: { ...terms.requester, name: '招商银行 深圳分行' }, validForMs: 86_400_000, maxUses: 12 }, { issuedAt: NOW });
      const t = encodeConsent(c);
      const stored = storedConsent(t);
      const fresh = parseConsent(t);
      expect(stored.ok && fresh.ok).toBe(true);
      if (!stored.ok || !fresh.ok) return;
      expect(JSON.stringify(stored.value)).toBe(JSON.stringify(fresh.value));
      expect(encodeConsent(stored.value)).toBe(t);
    }
    // A field of the wrong type or an extra field takes the full parse, which refuses it.
    expect(storedConsent(text.replace('"maxUses":3', '"maxUses":3.5')).ok).toBe(false);
    expect(storedConsent(text.replace('"maxUses":3', '"maxUses":3,"x":1')).ok).toBe(false);
    expect(storedConsent(text.replace('"purpose":"', '"purpose":"x')).ok).toBe(false);
  });

  it('still refuses a malformed or non-canonical text', () => {
    expect(storedConsent('{"v":1}').ok).toBe(false);
    expect(storedConsent(` ${text}`).ok).toBe(false);
    expect(storedConsent(text.replace('"maxUses":3', '"maxUses":"3"')).ok).toBe(false);
  });

  it('an unfrozen look-alike object is parsed afresh, not trusted', () => {
    const fresh = parseConsent(text);
    if (!fresh.ok) throw new Error(fresh.message);
    const copy = JSON.parse(JSON.stringify(fresh.value)) as typeof fresh.value;
    const again = parseConsent(copy);
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.value).not.toBe(copy);
  });
});

describe('storedKeyBinding', () => {
  it('takes a binding from the ledger\'s own store as verified (frozen), while the same text from the wire is still checked', async () => {
    const { bindEnterpriseKey, keyBindingProblem, parseKeyBinding, storedKeyBinding } = await import('../../consent/verify.js');
    const { identityFromSeed } = await import('../../crypto/identity.js');
    const registrar = identityFromSeed(new Uint8Array(32).fill(7));
    const good = bindEnterpriseKey(registrar, '91350100M000100Y43', enterprise.publicKey, NOW);
    // A signature that does not verify: the wire path refuses it; only the store path trusts it.
    const forged = JSON.parse(JSON.stringify({ ...good, signature: good.signature.replace(/^../, good.signature.startsWith('00') ? '11' : '00') })) as unknown;
    const wire = parseKeyBinding(forged);
    expect(wire.ok && keyBindingProblem(wire.value, [registrar.publicKey])).toMatch(/does not verify/);
    const stored = storedKeyBinding(forged);
    expect(stored.ok && Object.isFrozen(stored.value)).toBe(true);
    expect(stored.ok && keyBindingProblem(stored.value, [registrar.publicKey])).toBeUndefined();
    // The registrar must still be trusted.
    expect(stored.ok && keyBindingProblem(stored.value, [identityFromSeed(new Uint8Array(32).fill(8)).publicKey])).toMatch(/does not trust/);
  });

  it('storedConsentHash of a stored text is consentHash of its consent (with a trailing newline too, which parseConsent accepts)', () => {
    for (const extra of [{ operations: ['score', 'explain'] as const }, { requester: { ...terms.requester, name: '招商银行 深圳分行' } }, {}]) {
      const t = encodeConsent(grantConsent(enterprise, { ...terms, ...extra, validForMs: 86_400_000, maxUses: 12 }, { issuedAt: NOW }));
      for (const stored of [t, `${t}\n`]) {
        const parsed = parseConsent(stored);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(storedConsentHash(stored)).toBe(consentHash(parsed.value));
      }
    }
  });
});
