/**
 * C2SP signed-note, tlog-checkpoint and tlog-cosignature: the Go reference note byte for byte,
 * round trips, every malformed variant refused with a reason, and random byte changes never
 * verify and never throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addSignatureLines,
  ed25519IdentityFromSeed,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  keyIdFor,
  parseNote,
  signNote,
  verifyNote,
} from '../../crypto/signed-note.js';
import {
  cosignatureLine,
  cosignatureVerifier,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCosignatures,
} from '../../log/checkpoint.js';
import { hashLeaf, rootFromLeafHashes } from '../../log/merkle.js';
import { identity, utf8 } from './helpers.js';

// golang.org/x/mod/sumdb/note's documented example key and note.
const GO_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_PUB = Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64').subarray(1);
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed note', () => {
  it('reproduces the Go reference note and key ID byte for byte', () => {
    const peter = ed25519IdentityFromSeed('PeterNeumann', new Uint8Array(GO_SEED));
    expect(Buffer.from(peter.publicKey)).toEqual(GO_PUB);
    expect(keyIdFor('PeterNeumann', 0x01, peter.publicKey)).toBe(0xc74f20a3);
    expect(signNote(GO_TEXT, [ed25519NoteSigner(peter)])).toBe(GO_NOTE);
    const verdict = verifyNote(GO_NOTE, [ed25519NoteVerifier('PeterNeumann', new Uint8Array(GO_PUB))]);
    expect(verdict.ok).toBe(true);
    expect(verifyNote(GO_NOTE.replace('cryptography', 'cryptographY'), [ed25519NoteVerifier('PeterNeumann', new Uint8Array(GO_PUB))])).toMatchObject({
      ok: false,
      code: 'BAD_SIGNATURE',
    });
  });

  it('round-trips text with blank lines and several signers; unknown keys are ignored', () => {
    const a = identity('a.example/log');
    const b = identity('b.example/other');
    const text = 'line one\n\nline three after a blank\n';
    const note = signNote(text, [ed25519NoteSigner(a), ed25519NoteSigner(b)]);
    const parsed = parseNote(note);
    expect(parsed.ok && parsed.note.text).toBe(text);
    const verdict = verifyNote(note, [ed25519NoteVerifier(a.name, a.publicKey)]);
    expect(verdict.ok && verdict.verified.map((s) => s.name)).toEqual([a.name]);
    // Same name, different key: a different key ID, so it is an unknown key, not a bad signature.
    const impostor = identity(a.name, 'impostor');
    expect(verifyNote(note, [ed25519NoteVerifier(a.name, impostor.publicKey)])).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
    expect(verifyNote(note, [])).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
  });

  const valid = signNote('hello\n', [ed25519NoteSigner(identity('k.example'))]);
  const sigB64 = valid.split(' ').at(-1)!.trim();
  const malformed: [string, string | Uint8Array, RegExp][] = [
    ['no final newline', valid.slice(0, -1), /end with a newline/],
    ['no blank line', 'hello\n— k.example AAAA\n', /no blank line/],
    ['no signatures', 'hello\n\n', /no signature lines/],
    ['hyphen instead of em dash', valid.replace('—', '-'), /em dash/],
    ['missing space after dash', valid.replace('— ', '—'), /em dash/],
    ['extra field', valid.replace(` ${sigB64}`, ` x ${sigB64}`), /exactly/],
    ['plus in key name', valid.replace('k.example', 'k+example'), /space or '\+'/],
    ['non-breaking space in key name', valid.replace('k.example', 'k\u00a0example'), /space/],
    ['bad base64', valid.replace(sigB64, '!!!!'), /base64/],
    ['unpadded base64', valid.replace(sigB64, sigB64.replace(/=+$/, '')), /base64/],
    ['signature too short', valid.replace(sigB64, 'AAAA'), /shorter/],
    ['control character', valid.replace('hello', 'hel\tlo'), /control character U\+0009/],
    ['carriage return', valid.replace('hello\n', 'hello\r\n'), /control character U\+000D/],
    ['invalid UTF-8', Uint8Array.from([...Buffer.from(valid)].map((x, i) => (i === 0 ? 0xff : x))), /UTF-8/],
    ['lone surrogate', valid.replace('hello', 'hel\ud800lo'), /surrogate/],
    ['trailing garbage line', `${valid}junk\n`, /signature line 2/],
    ['too many signatures', `hello\n\n${`— k.example ${sigB64}\n`.repeat(101)}`, /limit 100/],
  ];
  it.each(malformed)('refuses %s with a reason', (_what, note, reason) => {
    const parsed = parseNote(note);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
    const verdict = verifyNote(note, [ed25519NoteVerifier('k.example', identity('k.example').publicKey)]);
    expect(verdict).toMatchObject({ ok: false, code: 'MALFORMED_NOTE' });
  });

  it('random byte changes never verify and never throw', () => {
    const log = identity('log.example/fedcredit');
    const verifiers = [ed25519NoteVerifier(log.name, log.publicKey)];
    const note = utf8(signNote('log.example/fedcredit\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n', [ed25519NoteSigner(log)]));
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        (changes) => {
          const mutated = note.slice();
          for (const { at, value } of changes) mutated[at % mutated.length] = value;
          if (Buffer.from(mutated).equals(Buffer.from(note))) return;
          let verdict;
          expect(() => (verdict = verifyNote(mutated, verifiers))).not.toThrow();
          expect(verdict!).toMatchObject({ ok: false });
          expect(() => openCheckpoint(mutated, { origin: log.name, key: log })).not.toThrow();
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('checkpoint', () => {
  const log = identity('fedcredit.example/log');
  const root = rootFromLeafHashes(['a', 'b', 'c'].map((s) => hashLeaf(utf8(s))));
  const cp = { origin: log.name, size: 3, rootHash: root, extensions: [] };

  it('round-trips and checks origin', () => {
    const note = signCheckpoint(cp, log);
    expect(note.startsWith(`${log.name}\n3\n${Buffer.from(root).toString('base64')}\n\n— ${log.name} `)).toBe(true);
    const opened = openCheckpoint(note, { origin: log.name, key: log });
    expect(opened.ok && opened.checkpoint.size).toBe(3);
    expect(opened.ok && Buffer.from(opened.checkpoint.rootHash)).toEqual(Buffer.from(root));
    expect(openCheckpoint(note, { origin: 'other.example/log', key: log })).toMatchObject({ ok: false, code: 'WRONG_ORIGIN' });
    const withExt = signCheckpoint({ ...cp, extensions: ['ext line'] }, log);
    const openedExt = openCheckpoint(withExt, { origin: log.name, key: log });
    expect(openedExt.ok && openedExt.checkpoint.extensions).toEqual(['ext line']);
  });

  const rootB64 = Buffer.from(root).toString('base64');
  const bodies: [string, string, RegExp][] = [
    ['two lines', `${log.name}\n3\n`, /at least/],
    ['empty origin', `\n3\n${rootB64}\n`, /origin line is empty/],
    ['leading zero size', `${log.name}\n03\n${rootB64}\n`, /leading zeroes/],
    ['negative size', `${log.name}\n-3\n${rootB64}\n`, /decimal/],
    ['huge size', `${log.name}\n18446744073709551615\n${rootB64}\n`, /2\^53/],
    ['short root', `${log.name}\n3\nAAAA\n`, /3 bytes, want 32/],
    ['root not base64', `${log.name}\n3\n${rootB64.replace(/.$/, '*')}\n`, /base64/],
    ['empty extension line', `${log.name}\n3\n${rootB64}\nx\n\ny\n`, /extension line 2 is empty/],
  ];
  it.each(bodies)('refuses a body with %s', (_what, body, reason) => {
    const parsed = parseCheckpoint(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
    // Signed by the right key, still refused: the log's signature does not make a bad body good.
    const signed = signNote(body.endsWith('\n\n') ? body : body, [ed25519NoteSigner(log)]);
    const opened = openCheckpoint(signed, { origin: log.name, key: log });
    expect(opened.ok).toBe(false);
  });

  it('cosignatures: verify, count once, bind the checkpoint and the timestamp', () => {
    const note = signCheckpoint(cp, log);
    const w1 = identity('w1.example/witness');
    const w2 = identity('w2.example/witness');
    const text = `${note.split('\n\n')[0]}\n`;
    const cosigned = addSignatureLines(note, [cosignatureLine(text, w1, 1_700_000_000n), cosignatureLine(text, w2, 1_700_000_001n), cosignatureLine(text, w1, 1_700_000_002n)]);
    const report = verifyCosignatures(cosigned, [w1, w2]);
    expect(report.valid).toEqual([
      { name: w1.name, timestamp: 1_700_000_000n },
      { name: w2.name, timestamp: 1_700_000_001n },
    ]);
    expect(report.invalid).toEqual([]);
    // The log's own signature is still there and still verifies among cosignatures.
    expect(openCheckpoint(cosigned, { origin: log.name, key: log }).ok).toBe(true);
    // A cosignature is not a plain Ed25519 note signature (different key ID, different message).
    expect(verifyNote(cosigned, [ed25519NoteVerifier(w1.name, w1.publicKey)])).toMatchObject({ ok: false, code: 'UNKNOWN_KEY' });
    // Moved to another checkpoint, it fails.
    const other = signCheckpoint({ ...cp, size: 4 }, log);
    const line = cosignatureLine(text, w1, 5n);
    expect(verifyCosignatures(addSignatureLines(other, [line]), [w1]).invalid).toHaveLength(1);
    // Timestamp changed: the signature no longer verifies.
    const v = cosignatureVerifier(w1.name, w1.publicKey);
    const sig = parseNote(addSignatureLines(note, [line]));
    const raw = sig.ok ? sig.note.signatures[1]!.signature.slice() : new Uint8Array();
    expect(v.verify(utf8(text), raw)).toBe(true);
    raw[7]! ^= 1;
    expect(v.verify(utf8(text), raw)).toBe(false);
  });
});
