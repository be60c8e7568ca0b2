/**
 * The bank's signed monitoring instruction (monitoring/instruction.ts, docs/design/monitoring.md
 * section 1): what the coordinator, each node and the auditor accept as the bank's word that an
 * enterprise goes into (or leaves) a portfolio. Each refusal is INSTRUCTION_INVALID with a message
 * naming the field at fault, so a bank's engineer sees what to fix.
 */
import { describe, expect, it } from 'vitest';
import { FedcreditError } from '../../lib/errors.js';
import { consentHash } from '../../consent/terms.js';
import {
  encodeInstruction, INSTRUCTION_TAG, instructionSigningBytes, parseInstruction, signInstruction, verifyInstruction,
  type InstructionExpectation, type SignedInstruction,
} from '../../monitoring/instruction.js';
import { bank, bankIdentity, DAY, grant, NOW, OTHER_SUBJECT, otherBank, otherEnterprise } from '../consent/helpers.js';

const consent = grant({ purpose: 'loan-monitoring', maxUses: 12, validForMs: 400 * DAY });
const base: InstructionExpectation = { op: 'add', requester: bankIdentity.name, portfolio: 'sme-loans', consent, now: NOW };
const signed = signInstruction(bank, consent, { op: 'add', portfolio: 'sme-loans', time: NOW - 1000 });

/** The refusal verifyInstruction throws, or a failure if it accepts. */
function refusal(s: { text: string | Uint8Array; signature: Uint8Array }, expect: InstructionExpectation = base): FedcreditError {
  try {
    verifyInstruction(s, expect);
  } catch (err) {
    if (err instanceof FedcreditError) return err;
    throw err;
  }
  throw new Error('the instruction was accepted');
}

/** Re-signs an edited instruction text with the bank's key (so only the edit is at fault). */
function resigned(edit: (body: Record<string, unknown>) => void): SignedInstruction {
  const body = JSON.parse(signed.text) as Record<string, unknown>;
  edit(body);
  const text = encodeInstruction(body as never);
  return { text, signature: bank.sign(instructionSigningBytes(text)) };
}

describe('monitoring instruction', () => {
  it('round trip: signed by the bank, parsed and verified, as text or bytes', () => {
    const i = verifyInstruction(signed, base);
    expect(i).toEqual({
      op: 'add', requester: bankIdentity.name, portfolio: 'sme-loans', subject: consent.subject, consentId: consent.consentId,
      consentHash: consentHash(consent), time: NOW - 1000,
    });
    expect(verifyInstruction({ text: new TextEncoder().encode(signed.text), signature: signed.signature }, base)).toEqual(i);
    expect(parseInstruction(signed.text)).toEqual({ ok: true, value: i });
    // Canonical JSON, keys sorted, and the signed bytes are the domain tag, LF, then that text.
    expect(signed.text.startsWith('{"consentHash":')).toBe(true);
    expect(new TextDecoder().decode(instructionSigningBytes(signed.text))).toBe(`${INSTRUCTION_TAG}\n${signed.text}`);
    expect(INSTRUCTION_TAG).toBe('fedcredit monitoring instruction v1');
  });

  it('a remove verifies against the stored consent', () => {
    const remove = signInstruction(bank, consent, { op: 'remove', portfolio: 'sme-loans', time: NOW });
    expect(verifyInstruction(remove, { ...base, op: 'remove' }).op).toBe('remove');
  });

  it('a flipped byte in the text or the signature is refused', () => {
    const text = signed.text.replace('sme-loans', 'sme-loanz');
    const e1 = refusal({ text, signature: signed.signature });
    expect(e1.code).toBe('INSTRUCTION_INVALID');
    // The text now names another portfolio than the request: the first field at fault is named.
    expect(e1.message).toMatch(/instruction\.portfolio is 'sme-loanz'/);
    const sig = Uint8Array.from(signed.signature);
    sig[7]! ^= 0x01;
    const e2 = refusal({ text: signed.text, signature: sig });
    expect(e2.code).toBe('INSTRUCTION_INVALID');
    expect(e2.message).toMatch(/instruction signature does not verify under the consent's requester key/);
    // A flipped byte in the signed text itself (time), signature kept: the signature fails.
    const e3 = refusal({ text: signed.text.replace(`"time":${NOW - 1000}`, `"time":${NOW - 1001}`), signature: signed.signature });
    expect(e3.message).toMatch(/signature does not verify/);
  });

  it('a signature by another key than the consent\'s requester key is refused', () => {
    const forged = { text: signed.text, signature: otherBank.sign(instructionSigningBytes(signed.text)) };
    expect(refusal(forged)).toMatchObject({ code: 'INSTRUCTION_INVALID', message: expect.stringMatching(/signature does not verify under the consent's requester key/) });
    // And the signer refuses to sign with a key the consent does not name.
    expect(() => signInstruction(otherBank, consent, { op: 'add', portfolio: 'sme-loans', time: NOW })).toThrow(/not the consent's requester key/);
  });

  it('an instruction for another op than the request is refused', () => {
    expect(refusal(signed, { ...base, op: 'remove' })).toMatchObject({ code: 'INSTRUCTION_INVALID', message: expect.stringMatching(/instruction\.op is add, but this request is a remove/) });
  });

  it('an instruction whose consentHash is another consent\'s is refused', () => {
    const other = grant({ purpose: 'loan-monitoring', maxUses: 6, validForMs: 400 * DAY });
    const s = resigned((b) => { b['consentHash'] = consentHash(other); });
    expect(refusal(s)).toMatchObject({ code: 'INSTRUCTION_INVALID', message: expect.stringMatching(/instruction\.consentHash does not match consent/) });
  });

  it('an instruction about another consent id, subject, portfolio or requester is refused, naming the field', () => {
    const other = grant({ subject: OTHER_SUBJECT, purpose: 'loan-monitoring', maxUses: 6, validForMs: 400 * DAY }, NOW - DAY, otherEnterprise);
    expect(refusal(resigned((b) => { b['consentId'] = other.consentId; })).message).toMatch(/instruction\.consentId/);
    expect(refusal(resigned((b) => { b['subject'] = OTHER_SUBJECT; })).message).toMatch(/instruction\.subject/);
    expect(refusal(signed, { ...base, portfolio: 'retail' }).message).toMatch(/instruction\.portfolio/);
    expect(refusal(signed, { ...base, requester: 'bank-b' }).message).toMatch(/instruction\.requester is 'Bank of Fuzhou', but the caller is 'bank-b'/);
  });

  it('a time far in the future is refused; within the clock skew it is accepted', () => {
    const future = signInstruction(bank, consent, { op: 'add', portfolio: 'sme-loans', time: NOW + 10 * DAY });
    expect(refusal(future)).toMatchObject({ code: 'INSTRUCTION_INVALID', message: expect.stringMatching(/instruction\.time .* is in the future/) });
    const nearly = signInstruction(bank, consent, { op: 'add', portfolio: 'sme-loans', time: NOW + 60_000 });
    expect(verifyInstruction(nearly, base).time).toBe(NOW + 60_000);
  });

  it('an instruction not newer than the item\'s last one is refused (no replay of an old add after a remove)', () => {
    expect(refusal(signed, { ...base, after: NOW - 1000 }).message).toMatch(/instruction\.time .* is not after the item's last instruction/);
    expect(verifyInstruction(signed, { ...base, after: NOW - 1001 }).time).toBe(NOW - 1000);
  });

  it('malformed instructions are refused with the field named', () => {
    const cases: [string, RegExp][] = [
      ['not json', /instruction is not UTF-8 JSON/],
      [signed.text.replace('"op":"add"', '"op":"create"'), /instruction\.op must be one of add, remove/],
      [signed.text.replace('"portfolio":"sme-loans"', '"portfolio":"SME loans"'), /instruction\.portfolio must be a portfolio name/],
      [signed.text.replace(/"consentHash":"[0-9a-f]+"/, '"consentHash":"abc"'), /instruction\.consentHash must be a SHA-256 hash/],
      [signed.text.replace(/,"time":\d+/, ''), /instruction\.time is missing/],
      [signed.text.replace('{', '{"score":700,'), /unknown fields: score/],
      [signed.text.replace('{', '{ '), /not in canonical form/],
    ];
    for (const [text, message] of cases) {
      const e = refusal({ text, signature: signed.signature });
      expect(e.code, text).toBe('INSTRUCTION_INVALID');
      expect(e.message, text).toMatch(message);
      expect(parseInstruction(text).ok).toBe(false);
    }
  });
});
