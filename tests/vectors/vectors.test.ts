/**
 * The wire-format test vectors (tests/vectors/*.json, docs/wire-formats.md), recomputed with
 * our own code: any byte that differs fails. The vectors are what other languages' integrators
 * test against, so a change in our bytes must show here before it reaches them. Written once by
 * scripts/wire-vectors.mjs; never regenerate them to make this pass unless the format change is
 * intended, versioned, and documented.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, decodeEntry, encodeEntry, makeEntry, witnessKeyName, type JsonValue } from '../../log/entries.js';
import { hashWithDomain } from '../../crypto/hash.js';
import { identityFromSeed, verifySignature } from '../../crypto/identity.js';
import { pairwiseSeed, x25519PublicKey } from '../../crypto/x25519.js';
import { BoxOpener, type SealedBoxBinding } from '../../crypto/sealed-box.js';
import { consentSignatureValid, consentSigningBytes, encodeConsent, grantConsent, parseConsent, type ConsentBody } from '../../consent/record.js';
import { bindEnterpriseKey, encodeKeyBinding, keyBindingEntry } from '../../consent/binding.js';
import { encodeRevocation, revocationEntry, revocationSignatureValid, revokeConsent, parseRevocation } from '../../consent/revocation.js';
import { keyBindingMessage, revocationMessage, type KeyBindingStatement, type RevocationStatement } from '../../consent/signing.js';
import { encodeSignedQuery, parseSignedQuery, QUERY_TAG, signedQueryValid, signingBytes, signQuery, type SignedQueryBody } from '../../consent/signed-query.js';
import { consentHash } from '../../consent/terms.js';
import { answerStatement, explanationBinding, sealingKeyMessage, sealingKeyValid, signSealingKey } from '../../scoring/protocol.js';
import { encodeExplanationRecord, openExplanation, EXPLANATION_BOX_BYTES } from '../../scoring/sealed-explanation.js';
import { hashLeaf, inclusionProof, MemoryTree } from '../../log/merkle.js';
import { cosignatureKeyId, cosignatureLine, cosignatureMessage, formatCheckpoint, openCheckpoint, signCheckpoint, verifyCosignatures } from '../../log/checkpoint.js';
import { addSignatureLines, keyIdFor, SIG_TYPE_ED25519 } from '../../crypto/signed-note.js';
import { verifyReceipt } from '../../log/audit/receipt.js';
import { FedcreditError } from '../../lib/errors.js';
import { registrationMessage } from '../../registration/statement.js';
import { certifiedRegistrationMessage } from '../../registration/cert.js';
import { keyRotationMessage, verifyKeyRotation } from '../../registration/rotation.js';
import { encodeServedRecord, recordDigest, servedRecordMessage, verifyServedRecords, type ServedRecord } from '../../log/served-record.js';

const dir = path.dirname(new URL(import.meta.url).pathname);

/* The shapes scripts/wire-vectors.mjs writes (all byte strings lowercase hex). */
interface EdKey { label: string; seed: string; publicKey: string }
interface XKey { label: string; privateKey: string; publicKey: string }
interface CanonicalVectors { cases: { name: string; input: string; canonical: string; canonicalUtf8: string }[]; domainHash: { domain: string; parts: string[]; sha256: string }[] }
interface ConsentVectors {
  keys: { enterprise: EdKey; registrar: EdKey; requester: EdKey };
  keyBinding: { statement: KeyBindingStatement; message: string; record: string; logEntry: string };
  consent: { unsigned: ConsentBody; signingBytes: string; signature: string; record: string; consentHash: string };
  revocation: { statement: RevocationStatement; message: string; signature: string; record: string; logEntry: string };
}
interface QueryVectors { keys: { requester: EdKey }; tag: string; unsigned: SignedQueryBody; signingBytes: string; signature: string; record: string }
interface SealingKeyVectors { keys: { requester: EdKey; requesterSealing: XKey }; requesterName: string; message: string; signature: string }
interface LogVectors {
  keys: { log: EdKey; witness: EdKey };
  entries: { text: string; bytes: string; leafHash: string }[];
  treeSize: number; rootHash: string;
  inclusion: { index: number; treeSize: number; proof: string[] };
  checkpoint: {
    origin: string; text: string; logKeyName: string; logKeyId: string; signedNote: string; witnessName: string;
    cosignatureTime: string; cosignatureKeyId: string; cosignatureMessage: string; cosignedNote: string;
  };
  answer: { fields: Omit<Parameters<typeof answerStatement>[0], 'entry'>; statement: string; signature: string };
  receipt: unknown;
}
interface ServedVectors { keys: { site: EdKey }; records: { record: ServedRecord; bytes: string; message: string; signature: string; digest: string }[] }
interface RegistrationVectors {
  keys: { site: EdKey; siteAfterRotation: EdKey; siteSealing: XKey };
  registration: { fields: { site: string; address: string; identityKey: string; sealingKey: string; time: number }; message: string; signature: string; certifiedMessage: string };
  rotation: { fields: { site: string; previousIdentityKey: string; identityKey: string; sealingKey: string; rotatedAt: number }; message: string; previousKeySignature: string };
}
interface ExplanationVectors {
  keys: { requesterSealing: XKey; siteSealing: XKey; ephemeral: XKey };
  inputs: { site: string; requesterName: string; logIndex: number; queryId: string; nonce: string;
    explanation: { site: string; model: string; covered: boolean; reasons: { feature: string; direction: 'increases-risk'; rank: number }[] } };
  record: string; macKey: { context: string; key: string }; macDigest: string; mac: string; plaintext: string;
  box: { binding: SealedBoxBinding; bindingDigest: string }; sealedBox: string; boxBytes: number;
}
const load = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as T;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const identity = (k: EdKey) => {
  const id = identityFromSeed(unhex(k.seed));
  expect(hex(id.publicKey), `public key of ${k.label}`).toBe(k.publicKey);
  return id;
};

describe('wire-format vectors: canonical JSON and domain-separated hashing', () => {
  const v = load<CanonicalVectors>('canonical-json');
  it.each(v.cases)('$name', (c) => {
    const text = canonicalJson(JSON.parse(c.input) as JsonValue);
    expect(text).toBe(c.canonical);
    expect(hex(utf8(text))).toBe(c.canonicalUtf8);
  });
  it('hashWithDomain', () => {
    for (const c of v.domainHash) {
      expect(hex(hashWithDomain(c.domain, ...c.parts.map(unhex)))).toBe(c.sha256);
    }
    // The vector's point: ("ab","c") and ("a","bc") differ.
    expect(v.domainHash[1]!.sha256).not.toBe(v.domainHash[2]!.sha256);
  });
});

describe('wire-format vectors: consent records', () => {
  const v = load<ConsentVectors>('consent');
  const enterprise = identity(v.keys.enterprise);
  const registrar = identity(v.keys.registrar);

  it('key binding: message, signature, record, log entry', () => {
    const s = v.keyBinding.statement as KeyBindingStatement;
    expect(hex(keyBindingMessage(s))).toBe(v.keyBinding.message);
    const b = bindEnterpriseKey(registrar, s.subject, unhex(s.enterpriseKey), s.issuedAt);
    expect(encodeKeyBinding(b)).toBe(v.keyBinding.record);
    expect(hex(encodeEntry(keyBindingEntry(b)))).toBe(v.keyBinding.logEntry);
  });

  it('consent: signing bytes, signature, record, hash', () => {
    const unsigned = v.consent.unsigned as ConsentBody;
    expect(hex(consentSigningBytes(unsigned))).toBe(v.consent.signingBytes);
    const c = grantConsent(enterprise, {
      subject: unsigned.subject, requester: unsigned.requester, dataHolders: unsigned.dataHolders, purpose: unsigned.purpose, sources: unsigned.scope.sources,
      operations: unsigned.scope.operations, dataWindow: unsigned.scope.dataWindow, validForMs: unsigned.validUntil - unsigned.issuedAt, maxUses: unsigned.maxUses,
    }, { issuedAt: unsigned.issuedAt, consentId: unsigned.consentId, nonce: unsigned.nonce });
    expect(c.signature).toBe(v.consent.signature);
    expect(encodeConsent(c)).toBe(v.consent.record);
    expect(consentHash(c)).toBe(v.consent.consentHash);
    expect(crypto.createHash('sha256').update(v.consent.record as string).digest('hex')).toBe(v.consent.consentHash);
    const parsed = parseConsent(v.consent.record);
    expect(parsed.ok && consentSignatureValid(parsed.value)).toBe(true);
  });

  it('revocation: message, signature, record, log entry', () => {
    const s = v.revocation.statement as RevocationStatement;
    expect(hex(revocationMessage(s))).toBe(v.revocation.message);
    const r = revokeConsent(enterprise, { consentId: s.consentId, subject: s.subject }, s.revokedAt);
    expect(r.signature).toBe(v.revocation.signature);
    expect(encodeRevocation(r)).toBe(v.revocation.record);
    expect(hex(encodeEntry(revocationEntry(r)))).toBe(v.revocation.logEntry);
    const parsed = parseRevocation(v.revocation.record);
    expect(parsed.ok && revocationSignatureValid(parsed.value)).toBe(true);
  });
});

describe('wire-format vectors: the signed query and the sealing-key message', () => {
  it('signed query: signing bytes, signature, record', () => {
    const v = load<QueryVectors>('signed-query');
    const requester = identity(v.keys.requester);
    const u = v.unsigned as SignedQueryBody;
    expect(v.tag).toBe(QUERY_TAG);
    expect(hex(utf8(`${QUERY_TAG}\n${canonicalJson(u as unknown as JsonValue)}`))).toBe(v.signingBytes);
    expect(hex(signingBytes(u))).toBe(v.signingBytes);
    const q = signQuery(requester, u.requester.name, { queryId: u.queryId, consentId: u.consentId, subject: u.subject, purpose: u.purpose, operation: u.operation, sites: u.sites }, u.issuedAt);
    expect(q.signature).toBe(v.signature);
    expect(verifySignature(requester.publicKey, unhex(v.signingBytes), unhex(v.signature))).toBe(true);
    expect(encodeSignedQuery(q)).toBe(v.record);
    const parsed = parseSignedQuery(v.record);
    expect(parsed.ok && signedQueryValid(parsed.value)).toBe(true);
  });

  it('requester sealing key: message and signature', () => {
    const v = load<SealingKeyVectors>('sealing-key');
    const requester = identity(v.keys.requester);
    const sealing = unhex(v.keys.requesterSealing.publicKey);
    expect(hex(x25519PublicKey(unhex(v.keys.requesterSealing.privateKey)))).toBe(hex(sealing));
    expect(hex(sealingKeyMessage(v.requesterName, requester.publicKey, sealing))).toBe(v.message);
    expect(hex(signSealingKey(requester, v.requesterName, sealing))).toBe(v.signature);
    expect(sealingKeyValid(v.requesterName, hex(requester.publicKey), sealing, unhex(v.signature))).toBe(true);
  });
});

describe('wire-format vectors: log entries, tree, checkpoint, answer and receipt', () => {
  const v = load<LogVectors>('log');
  const logKey = identity(v.keys.log);
  const witness = identity(v.keys.witness);
  const cp = v.checkpoint;

  it('entries are canonical and hash to their RFC 9162 leaves; the tree has the stated root and proof', async () => {
    const tree = new MemoryTree();
    for (const e of v.entries) {
      const bytes = unhex(e.bytes);
      expect(new TextDecoder().decode(bytes)).toBe(e.text);
      const decoded = decodeEntry(bytes);
      if (!decoded.ok) throw new Error(decoded.reason);
      expect(hex(encodeEntry(makeEntry(decoded.entry.kind as 'query', decoded.entry.body)))).toBe(e.bytes);
      expect(hex(hashLeaf(bytes))).toBe(e.leafHash);
      expect(hex(crypto.createHash('sha256').update(Buffer.concat([Buffer.of(0), bytes])).digest())).toBe(e.leafHash);
      tree.append(hashLeaf(bytes));
    }
    expect(tree.size).toBe(v.treeSize);
    expect(hex(tree.root())).toBe(v.rootHash);
    expect((await inclusionProof(tree, v.inclusion.index, v.inclusion.treeSize)).map(hex)).toEqual(v.inclusion.proof);
  });

  it('checkpoint note and witness cosignature', () => {
    const body = { origin: cp.origin as string, size: v.treeSize as number, rootHash: unhex(v.rootHash), extensions: [] };
    expect(formatCheckpoint(body)).toBe(cp.text);
    expect(keyIdFor(cp.logKeyName, SIG_TYPE_ED25519, logKey.publicKey).toString(16).padStart(8, '0')).toBe(cp.logKeyId);
    const signed = signCheckpoint(body, { name: cp.logKeyName, publicKey: logKey.publicKey, sign: (m) => logKey.sign(m) });
    expect(signed).toBe(cp.signedNote);
    expect(cp.witnessName).toBe(witnessKeyName('bank'));
    const t = BigInt(cp.cosignatureTime);
    expect(hex(cosignatureMessage(cp.text, t))).toBe(cp.cosignatureMessage);
    expect(cosignatureKeyId(cp.witnessName, witness.publicKey).toString(16).padStart(8, '0')).toBe(cp.cosignatureKeyId);
    const line = cosignatureLine(cp.text, { name: cp.witnessName, publicKey: witness.publicKey, sign: (m) => witness.sign(m) }, t);
    expect(addSignatureLines(signed, [line])).toBe(cp.cosignedNote);
    expect(openCheckpoint(cp.cosignedNote, { origin: cp.origin, key: { name: cp.logKeyName, publicKey: logKey.publicKey } }).ok).toBe(true);
    expect(verifyCosignatures(cp.cosignedNote, [{ name: cp.witnessName, publicKey: witness.publicKey }]).valid.map((w) => w.name)).toEqual([cp.witnessName]);
  });

  it('signed answer statement and the receipt audit receipt accepts', () => {
    const f = v.answer.fields;
    const entry = unhex((v.entries)[f.logIndex]!.bytes);
    const statement = answerStatement({ ...f, entry } as Parameters<typeof answerStatement>[0]);
    expect(hex(statement)).toBe(v.answer.statement);
    expect(hex(logKey.sign(statement))).toBe(v.answer.signature);
    const check = verifyReceipt(v.receipt, { origin: cp.origin, logKey: logKey.publicKey, witnesses: [{ name: cp.witnessName, publicKey: witness.publicKey }] });
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
  });
});

describe('wire-format vectors: a node\'s served records', () => {
  it('record bytes, signed message, signature, chain digest; the auditor\'s check accepts them', () => {
    const v = load<ServedVectors>('served-record');
    const site = identity(v.keys.site);
    for (const r of v.records) {
      const bytes = encodeServedRecord(r.record);
      expect(hex(bytes)).toBe(r.bytes);
      expect(hex(servedRecordMessage(bytes))).toBe(r.message);
      expect(hex(site.sign(servedRecordMessage(bytes)))).toBe(r.signature);
      expect(recordDigest(bytes)).toBe(r.digest);
    }
    expect(v.records[1]!.record.prev).toBe(v.records[0]!.digest);
    const check = verifyServedRecords('power', site.publicKey, v.records.map((r) => ({ record: unhex(r.bytes), signature: unhex(r.signature) })));
    expect(check.problems).toEqual([]);
    expect(check.records.length).toBe(2);
  });
});

describe('wire-format vectors: node registration and key rotation', () => {
  it('registration message, its signature and certified form; rotation message signed by the previous key', () => {
    const v = load<RegistrationVectors>('registration');
    const site = identity(v.keys.site);
    const next = identity(v.keys.siteAfterRotation);
    const f = v.registration.fields;
    const reg = { site: f.site, address: f.address, identityPublicKey: unhex(f.identityKey), sealingPublicKey: unhex(f.sealingKey), timestampMs: f.time };
    expect(hex(registrationMessage(reg))).toBe(v.registration.message);
    expect(hex(site.sign(registrationMessage(reg)))).toBe(v.registration.signature);
    expect(hex(certifiedRegistrationMessage(reg))).toBe(v.registration.certifiedMessage);
    const r = v.rotation.fields;
    expect(r.identityKey).toBe(hex(next.publicKey));
    const rot = { site: r.site, previousIdentityKey: unhex(r.previousIdentityKey), identityKey: unhex(r.identityKey), sealingKey: unhex(r.sealingKey), rotatedAtMs: r.rotatedAt };
    expect(hex(keyRotationMessage(rot))).toBe(v.rotation.message);
    expect(hex(site.sign(keyRotationMessage(rot)))).toBe(v.rotation.previousKeySignature);
    expect(verifyKeyRotation(rot, unhex(v.rotation.previousKeySignature))).toBe(true);
  });
});

describe('wire-format vectors: the sealed explanation (box v2, site MAC)', () => {
  const v = load<ExplanationVectors>('sealed-explanation');
  const k = v.keys;
  const requesterPrivate = unhex(k.requesterSealing.privateKey);
  const sitePrivate = unhex(k.siteSealing.privateKey);
  const sitePublic = unhex(k.siteSealing.publicKey);
  const requesterPublic = unhex(k.requesterSealing.publicKey);
  const i = v.inputs;

  it('record, MAC key (both directions), MAC digest, MAC, binding digest', () => {
    for (const key of [k.requesterSealing, k.siteSealing, k.ephemeral]) expect(hex(x25519PublicKey(unhex(key.privateKey)))).toBe(key.publicKey);
    expect(hex(encodeExplanationRecord(i.explanation))).toBe(v.record);
    expect(hex(pairwiseSeed(sitePrivate, requesterPublic, v.macKey.context))).toBe(v.macKey.key);
    expect(hex(pairwiseSeed(requesterPrivate, sitePublic, v.macKey.context))).toBe(v.macKey.key);
    const digest = hashWithDomain('fedcredit/score-explanation/v3', utf8(i.site), utf8(i.requesterName), utf8(String(i.logIndex)), utf8(i.queryId), unhex(v.record));
    expect(hex(digest)).toBe(v.macDigest);
    expect(crypto.createHmac('sha256', unhex(v.macKey.key)).update(digest).digest('hex')).toBe(v.mac);
    const b = explanationBinding(i.site, i.requesterName, i.logIndex, i.queryId);
    expect(b).toEqual(v.box.binding);
    expect(hex(hashWithDomain('fedcredit/sealed-box-binding/v1', utf8(b.purpose), utf8(b.sender), utf8(b.recipient), utf8(String(b.extra))))).toBe(v.box.bindingDigest);
    expect(v.boxBytes).toBe(EXPLANATION_BOX_BYTES);
  });

  it('our BoxOpener opens the box to the plaintext, and openExplanation accepts the MAC', () => {
    const box = unhex(v.sealedBox);
    expect(box.length).toBe(EXPLANATION_BOX_BYTES);
    const b = explanationBinding(i.site, i.requesterName, i.logIndex, i.queryId);
    expect(hex(new BoxOpener(requesterPrivate).open(box, b))).toBe(v.plaintext);
    const e = openExplanation(requesterPrivate, box, i.site, i.requesterName, i.logIndex, i.queryId, sitePublic);
    expect(e.model).toBe(i.explanation.model);
    expect(e.covered).toBe(true);
    expect(e.reasons.map((r) => r.feature)).toEqual((i.explanation.reasons).map((r) => r.feature));
  });

  it('a one-byte change anywhere in the box, or another query id, is refused (the vector can fail)', () => {
    const box = unhex(v.sealedBox);
    for (const at of [0, 1, 33, 45, 100, box.length - 1]) {
      const bad = box.slice();
      bad[at]! ^= 0x01;
      expect(() => openExplanation(requesterPrivate, bad, i.site, i.requesterName, i.logIndex, i.queryId, sitePublic)).toThrow(FedcreditError);
    }
    expect(() => openExplanation(requesterPrivate, box, i.site, i.requesterName, i.logIndex, 'q-0002-wire-vector', sitePublic)).toThrow(/does not open/);
  });
});
