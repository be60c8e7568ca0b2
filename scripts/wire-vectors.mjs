/**
 * Writes the wire-format test vectors in tests/vectors/ (docs/wire-formats.md), once, from
 * fixed test-only keys, with the product's own code in dist/ (so `npm run build` first):
 *
 *   nice -n 19 npm run build && node scripts/wire-vectors.mjs
 *
 * Every byte string is lowercase hex. The keys are derived from public labels (SHA-256 of
 * "fedcredit wire-format test vector: <label>"): anyone can recompute them, so they must
 * never sign or seal anything real. tests/vectors/vectors.test.ts recomputes each vector with
 * our code and fails on any differing byte; docs/examples/python/check_vectors.py recomputes
 * them independently with Python's `cryptography`.
 *
 * The one thing our code cannot make deterministically is a sealed box (fresh ephemeral key and
 * random nonce by design): this script seals the explanation by the documented construction
 * from a fixed ephemeral key and nonce, and the test then requires our BoxOpener and
 * openExplanation to open it to the expected record, which they do only if every key, nonce,
 * AAD and MAC byte is what the product computes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
if (!fs.existsSync(path.join(root, 'dist', 'log', 'entries.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const { canonicalJson, encodeEntry, makeEntry } = await dist('log/entries.js');
const { hashWithDomain } = await dist('crypto/hash.js');
const { identityFromSeed } = await dist('crypto/identity.js');
const { x25519PublicKey, pairwiseSeed } = await dist('crypto/x25519.js');
const { grantConsent, encodeConsent, consentSigningBytes } = await dist('consent/record.js');
const { bindEnterpriseKey, encodeKeyBinding, keyBindingEntry } = await dist('consent/binding.js');
const { revokeConsent, encodeRevocation, revocationEntry } = await dist('consent/revocation.js');
const { keyBindingMessage, revocationMessage } = await dist('consent/signing.js');
const { signQuery, encodeSignedQuery, QUERY_TAG } = await dist('consent/signed-query.js');
const { consentHash, queryEntryTerms } = await dist('consent/terms.js');
const { sealingKeyMessage, signSealingKey, answerStatement, explanationBinding } = await dist('scoring/protocol.js');
const { encodeExplanationRecord, EXPLANATION_PLAINTEXT_BYTES, EXPLANATION_BOX_BYTES } = await dist('scoring/sealed-explanation.js');
const { hashLeaf, MemoryTree, inclusionProof } = await dist('log/merkle.js');
const { signCheckpoint, formatCheckpoint, cosignatureLine, cosignatureMessage, cosignatureKeyId } = await dist('log/checkpoint.js');
const { keyIdFor, SIG_TYPE_ED25519, addSignatureLines } = await dist('crypto/signed-note.js');
const { witnessKeyName } = await dist('log/entries.js');
const { encodeServedRecord, servedRecordMessage, recordDigest, GENESIS_PREV } = await dist('log/served-record.js');
const { registrationMessage } = await dist('registration/statement.js');
const { certifiedRegistrationMessage } = await dist('registration/cert.js');
const { keyRotationMessage } = await dist('registration/rotation.js');

const hex = (b) => Buffer.from(b).toString('hex');
const b64 = (b) => Buffer.from(b).toString('base64');
const utf8 = (s) => new TextEncoder().encode(s);
const seed = (label) => new Uint8Array(crypto.createHash('sha256').update(`fedcredit wire-format test vector: ${label}`).digest());
const ed = (label) => {
  const s = seed(label);
  const id = identityFromSeed(s);
  return { id, json: { label, seed: hex(s), publicKey: hex(id.publicKey) } };
};
const x = (label) => {
  const priv = seed(label);
  return { priv, pub: x25519PublicKey(priv), json: { label, privateKey: hex(priv), publicKey: hex(x25519PublicKey(priv)) } };
};

const NOTE = 'Test-only keys: derived from public labels, never use them for anything real.';
const out = {};

/* ------------------------------------------------------------ canonical JSON, domain hash */
{
  const cases = [
    { name: 'key order is UTF-16 code units, not code points (U+FF5E sorts after U+1F600)', value: { '\uff5e': 1, '\u{1f600}': 2, b: 3, a: 4, B: 5, '': 6 } },
    { name: 'nested objects and arrays, arrays keep their order', value: { z: [3, 1, 2, { y: true, x: null }], a: { c: 'c', b: 'b' } } },
    { name: 'strings: non-ASCII is not escaped, control characters and quote/backslash are', value: { name: '示例银行 Ünïcode', ctl: '\u0000\u0001\b\t\n\f\r\u001f\u007f"\\/', sep: '\u2028\u2029' } },
    { name: 'numbers: integers only in fedcredit records (ms times, counts); negative and zero', value: { t: 1767225600000, n: -7, z: 0, max: 9007199254740991 } },
  ];
  out['canonical-json'] = {
    doc: 'docs/wire-formats.md#canonical-json',
    cases: cases.map((c) => {
      const text = canonicalJson(c.value);
      return { name: c.name, input: JSON.stringify(c.value), canonical: text, canonicalUtf8: hex(utf8(text)) };
    }),
    domainHash: [
      { domain: 'fedcredit/consent/v1', parts: [] },
      { domain: 'fedcredit/sealed-box-binding/v1', parts: [hex(utf8('ab')), hex(utf8('c'))] },
      { domain: 'fedcredit/sealed-box-binding/v1', parts: [hex(utf8('a')), hex(utf8('bc'))] },
      { domain: 'fedcredit/score-explanation/v3', parts: ['', '00ff', hex(utf8('示例'))] },
    ].map((c) => ({ ...c, sha256: hex(hashWithDomain(c.domain, ...c.parts.map((p) => Buffer.from(p, 'hex')))) })),
  };
}

/* ------------------------------------------------------------ keys shared by the vectors */
const enterprise = ed('enterprise identity (Ed25519)');
const registrar = ed('registrar identity (Ed25519)');
const requester = ed('requester identity (Ed25519)');
const logKey = ed('coordinator log key (Ed25519)');
const witness = ed('bank witness key (Ed25519)');
const siteIdentity = ed('site power identity key (Ed25519)');
const requesterSealing = x('requester sealing key (X25519)');
const siteSealing = x('site power sealing key (X25519)');
const ephemeral = x('site power ephemeral key (X25519)');
const REQUESTER = 'acme-bank';
const SUBJECT = '91350100M000100Y43';
const T0 = 1767225600000; // 2026-01-01T00:00:00Z

/* ------------------------------------------------------------ consent records */
const binding = bindEnterpriseKey(registrar.id, SUBJECT, enterprise.id.publicKey, T0 - 86_400_000);
const consent = grantConsent(enterprise.id, {
  subject: SUBJECT, requester: { name: REQUESTER, key: hex(requester.id.publicKey) }, dataHolders: ['tax', 'power', 'bank'], purpose: 'credit-assessment',
  operations: ['score', 'explain'], dataWindow: { from: '2023-01', to: '2025-12' }, validForMs: 30 * 86_400_000, maxUses: 5,
}, { issuedAt: T0, consentId: '0f8c2b1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', nonce: '00112233445566778899aabbccddeeff' });
const revocation = revokeConsent(enterprise.id, consent, T0 + 3_600_000);
{
  const { signature: _s, ...unsigned } = consent;
  const bindingStatement = { subject: binding.subject, enterpriseKey: binding.enterpriseKey, registrarKey: binding.registrarKey, issuedAt: binding.issuedAt };
  out['consent'] = {
    doc: 'docs/wire-formats.md#consent-records', note: NOTE,
    keys: { enterprise: enterprise.json, registrar: registrar.json, requester: requester.json },
    keyBinding: {
      statement: bindingStatement,
      message: hex(keyBindingMessage(bindingStatement)),
      record: encodeKeyBinding(binding),
      logEntry: hex(encodeEntry(keyBindingEntry(binding))),
    },
    consent: {
      unsigned,
      signingBytes: hex(consentSigningBytes(unsigned)),
      signature: consent.signature,
      record: encodeConsent(consent),
      consentHash: consentHash(consent),
    },
    revocation: {
      statement: { consentId: revocation.consentId, subject: revocation.subject, signerKey: revocation.signerKey, revokedAt: revocation.revokedAt },
      message: hex(revocationMessage(revocation)),
      signature: revocation.signature,
      record: encodeRevocation(revocation),
      logEntry: hex(encodeEntry(revocationEntry(revocation))),
    },
  };
}

/* ------------------------------------------------------------ signed query, sealing key */
const QUERY_ID = 'q-0001-wire-vector';
const query = signQuery(requester.id, REQUESTER, {
  queryId: QUERY_ID, consentId: consent.consentId, subject: SUBJECT, purpose: 'credit-assessment', operation: 'score', sites: ['tax', 'power', 'bank'],
}, T0 + 60_000);
{
  const { signature: _s, ...unsigned } = query;
  out['signed-query'] = {
    doc: 'docs/wire-formats.md#signed-query', note: NOTE,
    keys: { requester: requester.json },
    tag: QUERY_TAG,
    unsigned,
    signingBytes: hex(utf8(`${QUERY_TAG}\n${canonicalJson(unsigned)}`)),
    signature: query.signature,
    record: encodeSignedQuery(query),
  };
  out['sealing-key'] = {
    doc: 'docs/wire-formats.md#requester-sealing-key', note: NOTE,
    keys: { requester: requester.json, requesterSealing: requesterSealing.json },
    requesterName: REQUESTER,
    message: hex(sealingKeyMessage(REQUESTER, requester.id.publicKey, requesterSealing.pub)),
    signature: hex(signSealingKey(requester.id, REQUESTER, requesterSealing.pub)),
  };
}

/* ------------------------------------------------------------ log entry, tree, checkpoint, answer, receipt */
const queryEntry = makeEntry('query', {
  queryId: QUERY_ID, requester: REQUESTER, subject: SUBJECT, consentId: consent.consentId, purpose: 'credit-assessment', model: 'm3', sites: ['bank', 'power', 'tax'],
  ...queryEntryTerms(consent), time: T0 + 60_123,
});
const entries = [encodeEntry(keyBindingEntry(binding)), encodeEntry(revocationEntry(revocation)), encodeEntry(queryEntry)];
// The query is logged last in this vector; the revocation entry sits before it only to give the tree three leaves.
const LOG_INDEX = 2;
const ORIGIN = 'fedcredit.local/log';
const tree = new MemoryTree(entries.map((e) => hashLeaf(e)));
const checkpointBody = { origin: ORIGIN, size: tree.size, rootHash: tree.root(), extensions: [] };
const logSigner = { name: ORIGIN, publicKey: logKey.id.publicKey, sign: (m) => logKey.id.sign(m) };
const signedCheckpoint = signCheckpoint(checkpointBody, logSigner);
const witnessName = witnessKeyName('bank');
const COSIGNED_AT = 1767225700n;
const cosignLine = cosignatureLine(formatCheckpoint(checkpointBody), { name: witnessName, publicKey: witness.id.publicKey, sign: (m) => witness.id.sign(m) }, COSIGNED_AT);
const cosigned = addSignatureLines(signedCheckpoint, [cosignLine]);
const proof = await inclusionProof(tree, LOG_INDEX, tree.size);
const answer = {
  queryId: QUERY_ID, logIndex: LOG_INDEX, entry: entries[LOG_INDEX], points: 612, grade: 'B', warning: 'none', model: 'm3',
  coverage: [{ site: 'bank', covered: true }, { site: 'power', covered: true }, { site: 'tax', covered: false }],
};
const answerBytes = answerStatement(answer);
const answerSignature = logKey.id.sign(answerBytes);
out['log'] = {
  doc: 'docs/wire-formats.md#log-entries-and-the-merkle-tree', note: NOTE,
  keys: { log: logKey.json, witness: witness.json },
  entries: entries.map((e) => ({ text: new TextDecoder().decode(e), bytes: hex(e), leafHash: hex(hashLeaf(e)) })),
  treeSize: tree.size,
  rootHash: hex(tree.root()),
  inclusion: { index: LOG_INDEX, treeSize: tree.size, proof: proof.map(hex) },
  checkpoint: {
    origin: ORIGIN,
    text: formatCheckpoint(checkpointBody),
    logKeyName: ORIGIN,
    logKeyId: keyIdFor(ORIGIN, SIG_TYPE_ED25519, logKey.id.publicKey).toString(16).padStart(8, '0'),
    signedNote: signedCheckpoint,
    witnessName,
    cosignatureTime: COSIGNED_AT.toString(),
    cosignatureKeyId: cosignatureKeyId(witnessName, witness.id.publicKey).toString(16).padStart(8, '0'),
    cosignatureMessage: hex(cosignatureMessage(formatCheckpoint(checkpointBody), COSIGNED_AT)),
    cosignedNote: cosigned,
  },
  answer: {
    fields: { ...answer, entry: undefined },
    statement: hex(answerBytes),
    signature: hex(answerSignature),
  },
  receipt: {
    v: 1, kind: 'fedcredit-score-receipt', queryId: QUERY_ID, requester: REQUESTER, enterprise: SUBJECT,
    answer: { points: answer.points, grade: answer.grade, warning: answer.warning, model: answer.model, coverage: answer.coverage, signature: hex(answerSignature) },
    logIndex: LOG_INDEX, entry: b64(entries[LOG_INDEX]), treeSize: tree.size, inclusionProof: proof.map(b64), checkpoint: cosigned,
  },
};

/* ------------------------------------------------------------ a node's served records (two, chained) */
{
  const first = { v: 1, seq: 0, site: 'power', what: 'query', requester: REQUESTER, logIndex: LOG_INDEX, entryHash: hex(hashLeaf(entries[LOG_INDEX])), time: T0 + 60_200, prev: GENESIS_PREV };
  const firstBytes = encodeServedRecord(first);
  const second = { ...first, seq: 1, logIndex: 3, entryHash: hex(hashLeaf(utf8('{"placeholder":true}'))), time: T0 + 61_000, prev: recordDigest(firstBytes) };
  out['served-record'] = {
    doc: 'docs/wire-formats.md#served-records', note: NOTE,
    keys: { site: siteIdentity.json },
    records: [first, second].map((r) => {
      const bytes = encodeServedRecord(r);
      return { record: r, bytes: hex(bytes), message: hex(servedRecordMessage(bytes)), signature: hex(siteIdentity.id.sign(servedRecordMessage(bytes))), digest: recordDigest(bytes) };
    }),
  };
}

/* ------------------------------------------------------------ node registration and key rotation */
{
  const newIdentity = ed('site power identity key after rotation (Ed25519)');
  const reg = { site: 'power', address: '10.0.0.7:7201', identityPublicKey: siteIdentity.id.publicKey, sealingPublicKey: siteSealing.pub, timestampMs: T0 - 3_600_000 };
  const rot = { site: 'power', previousIdentityKey: siteIdentity.id.publicKey, identityKey: newIdentity.id.publicKey, sealingKey: siteSealing.pub, rotatedAtMs: T0 + 7_200_000 };
  out['registration'] = {
    doc: 'docs/wire-formats.md#node-registrations-and-key-rotations', note: NOTE,
    keys: { site: siteIdentity.json, siteAfterRotation: newIdentity.json, siteSealing: siteSealing.json },
    registration: {
      fields: { site: reg.site, address: reg.address, identityKey: hex(reg.identityPublicKey), sealingKey: hex(reg.sealingPublicKey), time: reg.timestampMs },
      message: hex(registrationMessage(reg)),
      signature: hex(siteIdentity.id.sign(registrationMessage(reg))),
      certifiedMessage: hex(certifiedRegistrationMessage(reg)),
    },
    rotation: {
      fields: { site: rot.site, previousIdentityKey: hex(rot.previousIdentityKey), identityKey: hex(rot.identityKey), sealingKey: hex(rot.sealingKey), rotatedAt: rot.rotatedAtMs },
      message: hex(keyRotationMessage(rot)),
      previousKeySignature: hex(siteIdentity.id.sign(keyRotationMessage(rot))),
    },
  };
}

/* ------------------------------------------------------------ sealed explanation (box v2 + site MAC) */
{
  const SITE = 'power';
  const explanation = { site: SITE, model: 'm3', covered: true, reasons: [{ feature: 'arrears_months_12m', direction: 'increases-risk', rank: 1 }, { feature: '用电量下降', direction: 'increases-risk', rank: 2 }] };
  const record = encodeExplanationRecord(explanation);
  const MAC_KEY_CONTEXT = 'fedcredit/score-explanation-mac/v1';
  const shared = crypto.diffieHellman({ privateKey: xPrivate(siteSealing.priv), publicKey: xPublic(requesterSealing.pub) });
  const [lo, hi] = Buffer.compare(siteSealing.pub, requesterSealing.pub) < 0 ? [siteSealing.pub, requesterSealing.pub] : [requesterSealing.pub, siteSealing.pub];
  const macSalt = hashWithDomain('fedcredit/pairwise-seed/v1', lo, hi);
  const macInfo = hashWithDomain('fedcredit/pairwise-seed/v1', utf8(MAC_KEY_CONTEXT));
  const macKey = pairwiseSeed(siteSealing.priv, requesterSealing.pub, MAC_KEY_CONTEXT);
  const macDigest = hashWithDomain('fedcredit/score-explanation/v3', utf8(SITE), utf8(REQUESTER), utf8(String(LOG_INDEX)), utf8(QUERY_ID), record);
  const mac = crypto.createHmac('sha256', macKey).update(macDigest).digest();
  const plaintext = new Uint8Array(EXPLANATION_PLAINTEXT_BYTES);
  plaintext.set(record, 0);
  plaintext.set(mac, record.length);

  const nonce = seed('sealed box nonce').subarray(0, 12);
  const boxShared = crypto.diffieHellman({ privateKey: xPrivate(ephemeral.priv), publicKey: xPublic(requesterSealing.pub) });
  const aesKey = Buffer.from(crypto.hkdfSync('sha256', boxShared, Buffer.concat([ephemeral.pub, requesterSealing.pub]), Buffer.from('fedcredit/sealed-box/v2'), 32));
  const header = Buffer.concat([Buffer.of(0x02), ephemeral.pub, nonce]);
  const b = explanationBinding(SITE, REQUESTER, LOG_INDEX, QUERY_ID);
  const bindingDigest = hashWithDomain('fedcredit/sealed-box-binding/v1', utf8(b.purpose), utf8(b.sender), utf8(b.recipient), utf8(b.extra));
  const aad = Buffer.concat([header, bindingDigest]);
  const cipher = crypto.createCipheriv('aes-256-gcm', aesKey, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const box = Buffer.concat([header, body, cipher.getAuthTag()]);
  if (box.length !== EXPLANATION_BOX_BYTES) throw new Error(`box is ${box.length} bytes, expected ${EXPLANATION_BOX_BYTES}`);
  out['sealed-explanation'] = {
    doc: 'docs/wire-formats.md#sealed-explanation', note: NOTE,
    keys: { requesterSealing: requesterSealing.json, siteSealing: siteSealing.json, ephemeral: ephemeral.json },
    inputs: { site: SITE, requesterName: REQUESTER, logIndex: LOG_INDEX, queryId: QUERY_ID, explanation, nonce: hex(nonce) },
    record: hex(record),
    macKey: { sharedSecret: hex(shared), salt: hex(macSalt), info: hex(macInfo), context: MAC_KEY_CONTEXT, key: hex(macKey) },
    macDigest: hex(macDigest),
    mac: hex(mac),
    plaintext: hex(plaintext),
    box: { sharedSecret: hex(boxShared), hkdfSalt: hex(Buffer.concat([ephemeral.pub, requesterSealing.pub])), aesKey: hex(aesKey), header: hex(header), binding: b, bindingDigest: hex(bindingDigest), aad: hex(aad) },
    sealedBox: hex(box),
    boxBytes: EXPLANATION_BOX_BYTES,
  };
}

function xPrivate(raw) {
  return crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]), format: 'der', type: 'pkcs8' });
}
function xPublic(raw) {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

const dir = path.join(root, 'tests', 'vectors');
fs.mkdirSync(dir, { recursive: true });
for (const [name, value] of Object.entries(out)) {
  fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote tests/vectors/${name}.json`);
}
