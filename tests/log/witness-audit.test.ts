/**
 * Witness cosigning (c2sp.org/tlog-cosignature) and the auditor's verification over an
 * in-memory RFC 9162 tree: the honest path through several checkpoints, and each refusal or
 * finding with the reason it gives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryTree, consistencyProof, hashLeaf, inclusionProof } from '../../log/merkle.js';
import { formatCheckpoint, signCheckpoint } from '../../log/checkpoint.js';
import type { Checkpoint } from '../../log/checkpoint.js';
import { addSignatureLines } from '../../crypto/signed-note.js';
import { Witness } from '../../log/witness.js';
import { auditLog } from '../../log/audit/verify-update.js';
import { decodeEntry, encodeEntry } from '../../log/entries.js';
import { identity, utf8 } from './helpers.js';

const ORIGIN = 'fedcredit.test/log';
const logKey = identity(ORIGIN);
const log = { origin: ORIGIN, key: logKey };
const witnesses = ['tax', 'power', 'bank'].map((n) => identity(`node-${n}.test/witness`));

function makeLog(n: number) {
  const items = Array.from({ length: n }, (_, i) => encodeEntry({ v: 1, kind: 'query', body: { i } }));
  const tree = new MemoryTree(items.map(hashLeaf));
  const checkpointAt = (size: number): Checkpoint => ({ origin: ORIGIN, size, rootHash: tree.rootAt(size), extensions: [] });
  const noteAt = (size: number) => signCheckpoint(checkpointAt(size), logKey);
  return { items, tree, checkpointAt, noteAt };
}

describe('witness', () => {
  it('cosigns a growing log, refusing rollback, bad signatures and wrong proofs', async () => {
    const { tree, noteAt } = makeLog(20);
    const w = new Witness({ log, identity: witnesses[0]!, now: () => 1_700_000_000n });
    expect(w.cosign(noteAt(0), []).ok).toBe(true);
    const first = w.cosign(noteAt(5), []);
    expect(first.ok).toBe(true);
    expect(first.ok && first.cosignature).toMatch(/^— node-tax\.test\/witness [A-Za-z0-9+/]+=*\n$/);
    expect(w.cosign(noteAt(12), await consistencyProof(tree, 5, 12)).ok).toBe(true);
    expect(w.state?.size).toBe(12);

    expect(w.cosign(noteAt(8), [])).toMatchObject({ ok: false, code: 'ROLLBACK', reason: 'checkpoint size 8 is smaller than the already cosigned size 12' });
    const wrongProof = w.cosign(noteAt(20), await consistencyProof(tree, 11, 20));
    expect(wrongProof).toMatchObject({ ok: false, code: 'INCONSISTENT' });
    expect(!wrongProof.ok && wrongProof.reason).toMatch(/^inconsistent checkpoint: size 20 root \S+ does not extend size 12 root \S+ \(/);
    const forged = signCheckpoint({ origin: ORIGIN, size: 20, rootHash: tree.rootAt(20), extensions: [] }, identity(ORIGIN, 'attacker'));
    expect(w.cosign(forged, await consistencyProof(tree, 12, 20))).toMatchObject({ ok: false, code: 'BAD_CHECKPOINT' });
    expect(w.cosign('garbage', [])).toMatchObject({ ok: false, code: 'BAD_CHECKPOINT' });
    expect(w.state?.size).toBe(12);

    // State survives a restart through the caller's storage.
    const restarted = new Witness({ log, identity: witnesses[0]!, state: w.state! });
    expect(restarted.cosign(noteAt(20), await consistencyProof(tree, 12, 20)).ok).toBe(true);
  });
});

describe('auditor', () => {
  async function cosigned(noteAt: (s: number) => string, tree: MemoryTree, from: number, to: number, who = witnesses) {
    let note = noteAt(to);
    for (const id of who) {
      const w = new Witness({ log, identity: id, now: () => 1_700_000_100n, ...(from > 0 ? { state: { origin: ORIGIN, size: from, rootHash: tree.rootAt(from), extensions: [] } } : {}) });
      const r = w.cosign(note, await consistencyProof(tree, from, to));
      if (!r.ok) throw new Error(r.reason);
      note = addSignatureLines(note, [r.cosignature]);
    }
    return note;
  }

  it('accepts an honest update, by full recomputation and by inclusion proofs', async () => {
    const { items, tree, checkpointAt, noteAt } = makeLog(30);
    const note = await cosigned(noteAt, tree, 10, 30);
    const full = auditLog({
      log, trusted: checkpointAt(10), newCheckpoint: note, witnesses, quorum: 3,
      consistencyProof: await consistencyProof(tree, 10, 30),
      entries: { start: 0, items },
      checkEntry: (_i, e) => { const d = decodeEntry(e); return d.ok ? undefined : d.reason; },
    });
    expect(full).toMatchObject({ ok: true, findings: [] });
    expect(full.checkpoint?.size).toBe(30);

    const proofs = await Promise.all(items.slice(10).map((_, i) => inclusionProof(tree, 10 + i, 30)));
    const incremental = auditLog({
      log, trusted: checkpointAt(10), newCheckpoint: note, witnesses, quorum: 2,
      consistencyProof: await consistencyProof(tree, 10, 30),
      entries: { start: 10, items: items.slice(10), inclusionProofs: proofs },
    });
    expect(incremental.findings).toEqual([]);
  });

  it('reports every problem it finds, each with a reason', async () => {
    const { items, tree, checkpointAt, noteAt } = makeLog(30);
    let note = await cosigned(noteAt, tree, 10, 30, witnesses.slice(0, 1));
    // A known witness's real cosignature, but of another checkpoint: it must not verify here.
    const elsewhere = await cosigned(noteAt, tree, 10, 29, witnesses.slice(1, 2));
    note = addSignatureLines(note, [elsewhere.trimEnd().split('\n').at(-1)!]);
    const tampered = items.slice(10).map((e, i) => (i === 3 ? utf8('{"v":1,"kind":"query","body":{"i":999}}') : e));
    tampered[5] = utf8('{ "v": 1 }');
    const proofs = await Promise.all(items.slice(10).map((_, i) => inclusionProof(tree, 10 + i, 30)));
    const report = auditLog({
      log, trusted: checkpointAt(10), newCheckpoint: note, witnesses, quorum: 2,
      consistencyProof: (await consistencyProof(tree, 9, 30)),
      entries: { start: 10, items: tampered, inclusionProofs: proofs },
      checkEntry: (_i, e) => { const d = decodeEntry(e); return d.ok ? undefined : d.reason; },
    });
    const codes = report.findings.map((f) => f.code);
    expect(report.ok).toBe(false);
    expect(codes).toContain('BAD_COSIGNATURE');
    expect(codes).toContain('QUORUM_NOT_MET');
    expect(codes).toContain('INCONSISTENT');
    expect(report.findings.filter((f) => f.code === 'ENTRY_NOT_INCLUDED').map((f) => f.index)).toEqual([13, 15]);
    // Entry 13's keys are out of canonical order, entry 15 is not an envelope at all.
    expect(report.findings.filter((f) => f.code === 'BAD_ENTRY').map((f) => f.index)).toEqual([13, 15]);
    expect(report.findings.find((f) => f.code === 'QUORUM_NOT_MET')!.message).toBe(
      '1 of 2 required witness cosignatures verify (valid: node-tax.test/witness)',
    );
  });

  it('flags rollback, missing entry evidence and an unsigned checkpoint', async () => {
    const { items, checkpointAt, noteAt } = makeLog(12);
    const rollback = auditLog({ log, trusted: checkpointAt(12), newCheckpoint: noteAt(8), witnesses: [], quorum: 0, consistencyProof: [], entries: { start: 8, items: [] } });
    expect(rollback.findings.map((f) => f.code)).toEqual(['ROLLBACK']);
    const noProofs = auditLog({ log, trusted: checkpointAt(12), newCheckpoint: noteAt(12), witnesses: [], quorum: 0, consistencyProof: [], entries: { start: 10, items: items.slice(10) } });
    expect(noProofs.findings.map((f) => f.code)).toEqual(['NO_ENTRY_EVIDENCE']);
    const unsigned = auditLog({ log, newCheckpoint: `${ORIGIN}\n12\n${Buffer.from(new Uint8Array(32)).toString('base64')}\n`, witnesses: [], quorum: 0, consistencyProof: [], entries: { start: 0, items } });
    expect(unsigned).toMatchObject({ ok: false, findings: [{ code: 'BAD_CHECKPOINT' }] });
  });
});

describe('hostile input', () => {
  it('random byte changes to a cosigned checkpoint never pass a witness or an auditor, and never throw', async () => {
    const { items, tree, noteAt } = makeLog(9);
    const w = new Witness({ log, identity: witnesses[1]!, now: () => 1n });
    const honest = w.cosign(noteAt(9), []);
    if (!honest.ok) throw new Error(honest.reason);
    const note = utf8(addSignatureLines(noteAt(9), [honest.cosignature]));
    const proof = await consistencyProof(tree, 4, 9);
    const trusted = { origin: ORIGIN, size: 4, rootHash: tree.rootAt(4), extensions: [] };
    const trusted9 = { origin: ORIGIN, size: 9, rootHash: tree.rootAt(9), extensions: [] };
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const mutated = note.slice();
        mutated[at % mutated.length]! ^= xor;
        const fresh = new Witness({ log, identity: witnesses[0]!, state: trusted });
        const verdict = fresh.cosign(mutated, proof);
        const report = auditLog({ log, trusted, newCheckpoint: mutated, witnesses: [witnesses[1]!], quorum: 1, consistencyProof: proof, entries: { start: 0, items } });
        // The witness checks only the log's signature, so a change confined to the cosignature
        // line may pass it, but never with a different checkpoint; the auditor needs both.
        if (verdict.ok) expect(formatCheckpoint(verdict.checkpoint)).toBe(formatCheckpoint(trusted9));
        expect(report.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('entry envelope', () => {
  it('is canonical: sorted keys, no whitespace, one byte string per entry', () => {
    const bytes = encodeEntry({ v: 1, kind: 'consent-revocation', body: { z: 1, a: { y: [1, 'x', null, true], b: 'é' } } });
    expect(new TextDecoder().decode(bytes)).toBe('{"body":{"a":{"b":"é","y":[1,"x",null,true]},"z":1},"kind":"consent-revocation","v":1}');
    expect(decodeEntry(bytes)).toMatchObject({ ok: true, entry: { kind: 'consent-revocation' } });
  });

  it.each([
    ['whitespace', '{"body":{}, "kind":"query","v":1}', /canonical/],
    ['unsorted keys', '{"kind":"query","body":{},"v":1}', /canonical/],
    ['unknown field', '{"body":{},"extra":1,"kind":"query","v":1}', /unknown fields: extra/],
    ['version 2', '{"body":{},"kind":"query","v":2}', /version 2/],
    ['bad kind', '{"body":{},"kind":"Query!","v":1}', /kind/],
    ['array body', '{"body":[],"kind":"query","v":1}', /body/],
    ['not JSON', '{"body":', /not UTF-8 JSON/],
  ])('refuses %s', (_what, text, reason) => {
    const d = decodeEntry(utf8(text));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(reason);
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => encodeEntry({ v: 1, kind: 'query', body: { x: Number.NaN } })).toThrow(TypeError);
    expect(() => encodeEntry({ v: 1, kind: 'query', body: { x: 2 ** 60 } })).toThrow(/2\^53/);
    expect(() => encodeEntry({ v: 1, kind: 'query', body: { x: new Date(0) as unknown as string } })).toThrow(/plain objects/);
  });
});
