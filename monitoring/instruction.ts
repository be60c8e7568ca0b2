/**
 * The bank's signed instruction to add an enterprise to a monitoring portfolio or remove it
 * (docs/design/monitoring.md, section 1). Why: the coordinator holds the consents it relays,
 * so it must not be able to put an enterprise into a bank's portfolio by itself and re-score
 * it under a consent it happens to hold. Every add and remove is signed by the requester's
 * query-signing key, the key the consent names (`requester.key`), and logged verbatim in the
 * `portfolio-change` entry, so nodes and the auditor check it as the coordinator does.
 *
 * Instruction (canonical JSON, log/entries.ts canonicalJson; its exact text is what travels in
 * `PortfolioAdd.instruction` / `PortfolioRemove.instruction` and, as hex, in the log entry):
 *
 *     { op: "add"|"remove", requester, portfolio, subject, consentId, consentHash, time }
 *
 * `consentHash` is consent/terms.ts consentHash of the consent's canonical text; `time` is ms
 * since the epoch. Signed bytes: INSTRUCTION_TAG, "\n", the text (domain tag first, as every
 * signed record in consent/): Ed25519 under the consent's requester.key.
 *
 * verifyInstruction refuses with INSTRUCTION_INVALID and a message naming the field at fault.
 * Not checked here: the consent itself (signature, key binding, revocation, validity: the
 * party's ledger does that) and whether the caller is the requester (the TLS name, the caller's).
 */
import { verifySignature, type Identity } from '../crypto/identity.js';
import { FedcreditError } from '../lib/errors.js';
import { canonicalJson, PORTFOLIO_NAME, type JsonValue } from '../log/entries.js';
import { canonicalTextProblem, CONSENT_ID, FieldReader, fromHex, readRecord, recordValue, type Parsed } from '../consent/fields.js';
import { REQUESTER_NAME, type Consent } from '../consent/record.js';
import { consentHash } from '../consent/terms.js';
import { DEFAULT_CLOCK_SKEW_MS } from '../consent/verify.js';

export const INSTRUCTION_TAG = 'fedcredit monitoring instruction v1';

export const INSTRUCTION_OPS = ['add', 'remove'] as const;
export type InstructionOp = (typeof INSTRUCTION_OPS)[number];

export interface Instruction {
  readonly op: InstructionOp;
  /** The bank's certified name, as its consents name it. */
  readonly requester: string;
  readonly portfolio: string;
  readonly subject: string;
  readonly consentId: string;
  /** Hex SHA-256 of the consent's canonical text (consent/terms.ts). */
  readonly consentHash: string;
  /** ms since the epoch, when the bank signed it. */
  readonly time: number;
}

/** An instruction as it travels: its canonical text and the bank's signature over the tagged text. */
export interface SignedInstruction {
  readonly text: string;
  readonly signature: Uint8Array;
}

const SHA256_HEX = 64;
const MAX_TIME = 8.64e15;

/** The bytes the bank signs: the tag, a newline, the instruction's canonical text. */
export function instructionSigningBytes(text: string): Uint8Array {
  return new TextEncoder().encode(`${INSTRUCTION_TAG}\n${text}`);
}

export function encodeInstruction(instruction: Instruction): string {
  return canonicalJson(instruction as unknown as JsonValue);
}

/**
 * The bank signs an instruction about one consent of its own with its query-signing key (the
 * key the consent names as requester.key). Throws RangeError when the instruction would not
 * parse, or when the key is not the consent's requester key (no one could verify it).
 */
export function signInstruction(
  requester: Identity, consent: Consent, terms: { op: InstructionOp; portfolio: string; time?: number },
): SignedInstruction {
  const instruction: Instruction = {
    op: terms.op, requester: consent.requester.name, portfolio: terms.portfolio, subject: consent.subject,
    consentId: consent.consentId, consentHash: consentHash(consent), time: terms.time ?? Date.now(),
  };
  const text = encodeInstruction(instruction);
  const parsed = parseInstruction(text);
  if (!parsed.ok) throw new RangeError(`cannot sign this instruction: ${parsed.message}`);
  if (Buffer.from(requester.publicKey).toString('hex') !== consent.requester.key) {
    throw new RangeError(`cannot sign this instruction: the signing key is not the consent's requester key ${consent.requester.key.slice(0, 16)}...; sign with the query-signing key the consent names`);
  }
  return { text, signature: requester.sign(instructionSigningBytes(text)) };
}

/** Reads an instruction from its text or bytes (form only, no signature). Never throws. */
export function parseInstruction(input: string | Uint8Array): Parsed<Instruction> {
  const raw = recordValue(input, 'instruction');
  if (!raw.ok) return raw;
  const parsed = readRecord((): Instruction => {
    const r = FieldReader.of(raw.value.value, 'instruction');
    const op = r.string('op', /^(add|remove)$/, `one of ${INSTRUCTION_OPS.join(', ')}`) as InstructionOp;
    const requester = r.string('requester', REQUESTER_NAME, 'a name of 1-128 printable characters');
    const portfolio = r.string('portfolio', PORTFOLIO_NAME, `a portfolio name (${PORTFOLIO_NAME.source})`);
    const subject = r.subject('subject');
    const consentId = r.string('consentId', CONSENT_ID, 'a lowercase UUID');
    const hash = r.hex('consentHash', SHA256_HEX, 'a SHA-256 hash');
    const time = r.int('time', 0, MAX_TIME, 'a time in ms since the epoch');
    r.done();
    return { op, requester, portfolio, subject, consentId, consentHash: hash, time };
  });
  if (!parsed.ok) return parsed;
  const problem = canonicalTextProblem(raw.value.text, encodeInstruction(parsed.value), 'instruction');
  return problem ? { ok: false, message: problem } : parsed;
}

export interface InstructionExpectation {
  /** What the request asks: an add or a remove. */
  readonly op: InstructionOp;
  /** The caller's certified name (the TLS name), which must be the instruction's and the consent's requester. */
  readonly requester: string;
  readonly portfolio: string;
  /** The consent the instruction is about: the one added, or the stored item's for a remove. */
  readonly consent: Consent;
  /** ms since the epoch. */
  readonly now: number;
  /** How far the bank's clock may run ahead (default consent/verify.ts DEFAULT_CLOCK_SKEW_MS). */
  readonly clockSkewMs?: number;
  /**
   * The time of the newest instruction already applied to this item (a remove's, say): an
   * instruction not newer is refused, so an old add cannot be replayed after the bank removed
   * the enterprise.
   */
  readonly after?: number;
}

const invalid = (message: string): FedcreditError => new FedcreditError('INSTRUCTION_INVALID', `${message}; sign the instruction again for this request`);

/**
 * Checks an instruction against the request it comes with and its signature under the
 * consent's requester key. Returns the instruction; throws INSTRUCTION_INVALID naming the field.
 */
export function verifyInstruction(signed: { text: string | Uint8Array; signature: Uint8Array }, expect: InstructionExpectation): Instruction {
  const parsed = parseInstruction(signed.text);
  if (!parsed.ok) throw invalid(parsed.message);
  const i = parsed.value;
  const c = expect.consent;
  if (i.op !== expect.op) throw invalid(`instruction.op is ${i.op}, but this request is a${expect.op === 'add' ? 'n' : ''} ${expect.op}`);
  if (i.requester !== expect.requester) throw invalid(`instruction.requester is '${i.requester}', but the caller is '${expect.requester}'`);
  if (i.requester !== c.requester.name) throw invalid(`instruction.requester is '${i.requester}', but the consent names requester '${c.requester.name}'`);
  if (i.portfolio !== expect.portfolio) throw invalid(`instruction.portfolio is '${i.portfolio}', but this request is for portfolio '${expect.portfolio}'`);
  if (i.subject !== c.subject) throw invalid(`instruction.subject is ${i.subject}, but the consent is about ${c.subject}`);
  if (i.consentId !== c.consentId) throw invalid(`instruction.consentId is ${i.consentId}, but the consent is ${c.consentId}`);
  if (i.consentHash !== consentHash(c)) throw invalid(`instruction.consentHash does not match consent ${c.consentId} (it names another text of the consent)`);
  const skew = expect.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (i.time > expect.now + skew) throw invalid(`instruction.time ${new Date(i.time).toISOString()} is in the future (now ${new Date(expect.now).toISOString()}); check the bank's clock`);
  if (expect.after !== undefined && i.time <= expect.after) {
    throw invalid(`instruction.time ${new Date(i.time).toISOString()} is not after the item's last instruction (${new Date(expect.after).toISOString()}): an old instruction cannot be used again`);
  }
  // A parsed consent's requester.key is 64 lowercase hex characters (consent/record.ts); verifySignature refuses any other length.
  const key = fromHex(c.requester.key);
  const text = typeof signed.text === 'string' ? signed.text : new TextDecoder().decode(signed.text);
  if (!verifySignature(key, instructionSigningBytes(text), signed.signature)) {
    throw invalid(`instruction signature does not verify under the consent's requester key ${c.requester.key.slice(0, 16)}...`);
  }
  return i;
}
