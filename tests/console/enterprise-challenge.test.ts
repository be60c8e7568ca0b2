/**
 * The enterprise's sign-in (docs/design/console.md 3.3): only the key the registrar bound
 * (newest binding, trusted registrar) answers a pending, unexpired challenge of THIS console,
 * once; and a sign-in signature is never a consent or a revocation signature, nor the reverse
 * (domain line `fedcredit console sign-in v1`).
 */
import { describe, expect, it } from 'vitest';
import { bindEnterpriseKey, keyBindingEntry, revokeConsent, revocationSignatureValid, type KeyBinding } from '../../consent/verify.js';
import { consentSignatureValid, consentSigningBytes } from '../../consent/record.js';
import { revocationMessage } from '../../consent/signing.js';
import { challengeText, parseChallengeToken, signChallenge, signInResponseValid, SIGN_IN_DOMAIN } from '../../consent/sign-in.js';
import { EnterpriseChallenges, CHALLENGE_TTL_MS, PER_ADDRESS_PER_MINUTE } from '../../console/security/enterprise-challenge.js';
import { identityFromSeed, verifySignature } from '../../crypto/identity.js';
import { DAY, NOW, OTHER_SUBJECT, SUBJECT, enterprise, grant, otherEnterprise, registrar, stranger } from '../consent/helpers.js';

const ORIGIN = 'https://console.coord.example:7443';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function bindingsSource(bindings: { index: number; binding: KeyBinding }[]) {
  return async (subject: string) => bindings
    .filter((b) => b.binding.subject === subject)
    .sort((a, b) => b.index - a.index)
    .map((b) => { const e = keyBindingEntry(b.binding); return { index: b.index, kind: e.kind, body: e.body }; });
}

function setup(opts: { origin?: string; bindings?: { index: number; binding: KeyBinding }[]; trusted?: string[] } = {}) {
  let now = NOW;
  const challenges = new EnterpriseChallenges({
    origin: opts.origin ?? ORIGIN,
    trustedRegistrars: opts.trusted ?? [hex(registrar.publicKey)],
    bindings: bindingsSource(opts.bindings ?? [
      { index: 3, binding: bindEnterpriseKey(registrar, SUBJECT, enterprise.publicKey, NOW - 30 * DAY) },
      { index: 4, binding: bindEnterpriseKey(registrar, OTHER_SUBJECT, otherEnterprise.publicKey, NOW - 30 * DAY) },
    ]),
    now: () => now,
  });
  return { challenges, advance: (ms: number) => { now += ms; } };
}

function created(challenges: EnterpriseChallenges, subject = SUBJECT, address = '127.0.0.1') {
  const c = challenges.create(subject, address);
  if (!c.ok) throw new Error(c.message);
  return c;
}

describe('enterprise sign-in challenge', () => {
  it('the bound key signs in, once; the text is the domain line, origin, subject, nonce, expiry', async () => {
    const { challenges } = setup();
    const c = created(challenges);
    const text = challengeText(c.challenge);
    expect(text.split('\n')).toEqual([SIGN_IN_DOMAIN, `origin ${ORIGIN}`, `subject ${SUBJECT}`, `nonce ${c.challenge.nonce}`, `expires ${new Date(NOW + CHALLENGE_TTL_MS).toISOString()}`]);
    const parsed = parseChallengeToken(c.token);
    expect(parsed.ok && parsed.challenge).toEqual(c.challenge);
    const response = signChallenge(enterprise, c.challenge);
    expect(response).toMatch(/^v1\.[0-9a-f]{128}$/);
    expect(await challenges.verify(c.token, response)).toEqual({ ok: true, subject: SUBJECT, bindingIndex: 3 });
    // Used once: the same right answer again is refused.
    expect(await challenges.verify(c.token, response)).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
  });

  it('refuses a key not bound to the subject (another enterprise\'s bound key, a stranger\'s)', async () => {
    const { challenges } = setup();
    for (const signer of [otherEnterprise, stranger]) {
      const c = created(challenges);
      expect(await challenges.verify(c.token, signChallenge(signer, c.challenge))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    }
  });

  it('refuses the registrar\'s key: it binds keys, it does not speak for the enterprise', async () => {
    const { challenges } = setup();
    const c = created(challenges);
    expect(await challenges.verify(c.token, signChallenge(registrar, c.challenge))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses an expired challenge, and a wrong answer uses the challenge up', async () => {
    const { challenges, advance } = setup();
    const c = created(challenges);
    advance(CHALLENGE_TTL_MS + 1);
    expect(await challenges.verify(c.token, signChallenge(enterprise, c.challenge))).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
    const d = created(challenges);
    expect(await challenges.verify(d.token, signChallenge(stranger, d.challenge))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(await challenges.verify(d.token, signChallenge(enterprise, d.challenge))).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
  });

  it('refuses a challenge of another console (another origin), relayed or edited', async () => {
    const other = setup({ origin: 'https://evil.example:7443' });
    const mine = setup();
    const c = created(other.challenges);
    // Relayed: the other console's challenge, correctly signed, answered here.
    expect(await mine.challenges.verify(c.token, signChallenge(enterprise, c.challenge))).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
    // Edited: this console's nonce with another origin in the token.
    const d = created(mine.challenges);
    const edited = { ...d.challenge, origin: 'https://evil.example:7443' };
    const token = Buffer.from(challengeText(edited)).toString('base64url');
    expect(await mine.challenges.verify(token, signChallenge(enterprise, edited))).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
  });

  it('refuses a subject with no binding by a trusted registrar, and follows the newest binding', async () => {
    const untrusted = setup({ trusted: [hex(stranger.publicKey)] });
    const c = created(untrusted.challenges);
    expect(await untrusted.challenges.verify(c.token, signChallenge(enterprise, c.challenge))).toMatchObject({ ok: false, code: 'CONSENT_KEY_NOT_BOUND' });
    const newKey = identityFromSeed(new Uint8Array(32).fill(42));
    const rebound = setup({ bindings: [
      { index: 3, binding: bindEnterpriseKey(registrar, SUBJECT, enterprise.publicKey, NOW - 30 * DAY) },
      { index: 9, binding: bindEnterpriseKey(registrar, SUBJECT, newKey.publicKey, NOW - DAY) },
    ] });
    const d = created(rebound.challenges);
    expect(await rebound.challenges.verify(d.token, signChallenge(enterprise, d.challenge))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    const e = created(rebound.challenges);
    expect(await rebound.challenges.verify(e.token, signChallenge(newKey, e.challenge))).toMatchObject({ ok: true, bindingIndex: 9 });
  });

  it('limits challenges per address a minute and refuses malformed subjects', () => {
    const { challenges, advance } = setup();
    for (let i = 0; i < PER_ADDRESS_PER_MINUTE; i++) created(challenges, SUBJECT, '10.0.0.1');
    expect(challenges.create(SUBJECT, '10.0.0.1')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(challenges.create(SUBJECT, '10.0.0.2').ok).toBe(true);
    advance(60_001);
    expect(challenges.create(SUBJECT, '10.0.0.1').ok).toBe(true);
    expect(challenges.create(' B', '10.0.0.3')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});

describe('sign-in signatures are never consents or revocations, nor the reverse', () => {
  it('a sign-in signature does not verify as a consent or a revocation', async () => {
    const { challenges } = setup();
    const c = created(challenges);
    const signature = signChallenge(enterprise, c.challenge).slice(3);
    const consent = grant();
    expect(consentSignatureValid({ ...consent, signature })).toBe(false);
    const revocation = revokeConsent(enterprise, consent, NOW);
    expect(revocationSignatureValid({ ...revocation, signature })).toBe(false);
    // Nor over their messages with any field values: the signed bytes differ in their first line.
    const bytes = new TextEncoder().encode(challengeText(c.challenge));
    expect(verifySignature(enterprise.publicKey, consentSigningBytes(consent), Buffer.from(signature, 'hex'))).toBe(false);
    expect(verifySignature(enterprise.publicKey, revocationMessage(revocation), Buffer.from(signature, 'hex'))).toBe(false);
    expect(new TextDecoder().decode(consentSigningBytes(consent)).startsWith(`${SIGN_IN_DOMAIN}\n`)).toBe(false);
    expect(new TextDecoder().decode(revocationMessage(revocation)).startsWith(`${SIGN_IN_DOMAIN}\n`)).toBe(false);
    expect(new TextDecoder().decode(bytes).startsWith(`${SIGN_IN_DOMAIN}\n`)).toBe(true);
  });

  it('a consent\'s or a revocation\'s signature does not sign in', async () => {
    const { challenges } = setup();
    const consent = grant();
    const revocation = revokeConsent(enterprise, consent, NOW);
    for (const signature of [consent.signature, revocation.signature]) {
      const c = created(challenges);
      expect(signInResponseValid(c.challenge, `v1.${signature}`, enterprise.publicKey)).toBe(false);
      expect(await challenges.verify(c.token, `v1.${signature}`)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    }
  });
});
