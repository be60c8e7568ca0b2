/**
 * Three-party PSI against a plain intersection: edge cases, random sets in every ring order,
 * any delivery order, the agreed canonical order and split, and the refusals a party owes a
 * transport that delivers something wrong.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PsiParty,
  PsiProtocolError,
  type PsiEnvelope,
  type PsiMessage,
  type PsiPayloadSealer,
} from '../../alignment/psi.js';
import { runPsiInMemory } from '../../alignment/psi-in-memory.js';
import { creditCode, plainIntersection, randomSet, rng, RING, runSets } from './helpers.js';

type Ring = readonly [string, string, string];

async function expectCorrect(sets: Record<string, readonly string[]>, ring: Ring = RING) {
  const run = await runSets(sets, { ring });
  const expected = plainIntersection(...ring.map((s) => sets[s] ?? []));
  const reference = run.results.get(ring[0])!;
  for (const site of ring) {
    const r = run.results.get(site)!;
    expect(new Set(r.intersection)).toEqual(expected);
    expect(r.intersection).toHaveLength(expected.size);
    // One canonical order at every site, with the same fingerprint.
    expect(r.intersection).toEqual(reference.intersection);
    expect(r.alignmentDigest).toBe(reference.alignmentDigest);
    expect(r.stats.intersectionSize).toBe(expected.size);
    for (const s of ring) expect(r.stats.setSizes[s]).toBe(new Set(sets[s] ?? []).size);
  }
  return run;
}

const codes = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => creditCode(from + i));

describe('three-party PSI: each site gets the intersection as its own IDs', () => {
  it('all sets empty', async () => {
    await expectCorrect({ bank: [], tax: [], power: [] });
  });

  it('one set empty, whichever role it has', async () => {
    for (const empty of RING) {
      const sets: Record<string, string[]> = { bank: codes(0, 20), tax: codes(0, 20), power: codes(0, 20) };
      sets[empty] = [];
      await expectCorrect(sets);
    }
  });

  it('disjoint sets', async () => {
    await expectCorrect({ bank: codes(0, 30), tax: codes(30, 60), power: codes(60, 90) });
  });

  it('pairwise overlaps but no three-way overlap', async () => {
    await expectCorrect({ bank: codes(0, 20), tax: codes(10, 30), power: [...codes(20, 30), ...codes(0, 5)] });
  });

  it('identical sets', async () => {
    await expectCorrect({ bank: codes(0, 40), tax: codes(0, 40), power: codes(0, 40) });
  });

  it('one set inside another inside another', async () => {
    await expectCorrect({ bank: codes(0, 50), tax: codes(10, 40), power: codes(20, 30) });
    await expectCorrect({ bank: codes(20, 30), tax: codes(10, 40), power: codes(0, 50) });
  });

  it('one element each, shared or not', async () => {
    const x = creditCode(7);
    await expectCorrect({ bank: [x], tax: [x], power: [x] });
    await expectCorrect({ bank: [x], tax: [x], power: [creditCode(8)] });
  });

  it('duplicates inside a site are removed first and counted', async () => {
    const bank = [...codes(0, 10), ...codes(0, 4), creditCode(0)];
    const run = await expectCorrect({ bank, tax: codes(0, 10), power: codes(2, 12) });
    const stats = run.results.get('bank')!.stats;
    expect(stats).toMatchObject({ inputIds: 15, duplicatesRemoved: 5, setSizes: { bank: 10 } });
    expect(run.results.get('tax')!.stats.duplicatesRemoved).toBe(0);
  });

  it('random sets, every assignment of sites to roles (property)', async () => {
    const rings: Ring[] = [
      ['bank', 'tax', 'power'],
      ['tax', 'power', 'bank'],
      ['power', 'bank', 'tax'],
      ['bank', 'power', 'tax'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(...rings),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 5, max: 80 }),
        async (seed, ring, sizes, universe) => {
          const random = rng(seed);
          const sets: Record<string, string[]> = {};
          RING.forEach((site, i) => (sets[site] = randomSet(random, Math.max(universe, sizes[i]!), sizes[i]!)));
          await expectCorrect(sets, ring);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('works whatever order the transport delivers in, including before start()', async () => {
    const random = rng(99);
    const sets: Record<string, string[]> = {
      bank: randomSet(random, 60, 30),
      tax: randomSet(random, 60, 30),
      power: randomSet(random, 60, 30),
    };
    const parties = RING.map((site) => new PsiParty(site, sets[site]!, { session: 's', ring: RING }));
    const bySite = new Map(parties.map((p) => [p.site, p]));
    const pending: PsiMessage[] = [...(await parties[2]!.start()), ...(await parties[0]!.start())];
    const deliverOne = async () => {
      const [m] = pending.splice(Math.floor(random() * pending.length), 1);
      pending.push(...(await bySite.get(m!.to)!.receive(m!)));
    };
    // Both first messages are for the second site, which has not started yet.
    await deliverOne();
    await deliverOne();
    pending.push(...(await parties[1]!.start()));
    while (pending.length > 0) await deliverOne();
    const expected = plainIntersection(sets.bank!, sets.tax!, sets.power!);
    for (const p of parties) expect(new Set(p.result().intersection)).toEqual(expected);
  });
});

describe('agreed order and split', () => {
  const sets = { bank: codes(0, 200), tax: codes(50, 250), power: codes(20, 180) };

  it('the canonical order is the same at every site and is not the order of the IDs', async () => {
    const run = await runSets(sets);
    const order = run.results.get('bank')!.intersection;
    expect(order).toHaveLength(130);
    expect(order).not.toEqual([...order].sort());
    expect(run.results.get('tax')!.intersection).toEqual(order);
  });

  it('the split partitions the intersection identically at every site', async () => {
    const split = { seed: new Uint8Array(32).fill(7), validationFraction: 0.2 };
    const run = await runSets(sets, { split });
    const bank = run.results.get('bank')!;
    expect(bank.validation).toHaveLength(26);
    expect(new Set([...bank.train, ...bank.validation])).toEqual(new Set(bank.intersection));
    expect(bank.train.filter((id) => bank.validation.includes(id))).toEqual([]);
    for (const site of ['tax', 'power']) {
      expect(run.results.get(site)!.validation).toEqual(bank.validation);
      expect(run.results.get(site)!.train).toEqual(bank.train);
    }
    const other = await runSets(sets, { split: { seed: new Uint8Array(32).fill(8), validationFraction: 0.2 } });
    expect(new Set(other.results.get('bank')!.validation)).not.toEqual(new Set(bank.validation));
  });

  it('the same seed gives the same order and split in another run, whose keys and blinded values differ', async () => {
    const split = { seed: new Uint8Array(32).fill(9), validationFraction: 0.2 };
    const first = (await runSets(sets, { split })).results.get('bank')!;
    const second = (await runSets(sets, { split })).results.get('tax')!;
    expect(second.alignmentDigest).not.toBe(first.alignmentDigest);
    expect(second.intersection).toEqual(first.intersection);
    expect(second.validation).toEqual(first.validation);
    expect(second.train).toEqual(first.train);
  });

  it('rejects a weak seed or a fraction outside [0, 1]', () => {
    const ring = RING;
    expect(() => new PsiParty('bank', [], { session: 's', ring, split: { seed: new Uint8Array(8), validationFraction: 0.2 } })).toThrow(
      /at least 16 bytes/,
    );
    expect(() => new PsiParty('bank', [], { session: 's', ring, split: { seed: new Uint8Array(16), validationFraction: 1.5 } })).toThrow(
      /validationFraction/,
    );
  });
});

/** AES-256-GCM with one key per ordered pair of sites, the envelope as associated data. */
function testSealer(): PsiPayloadSealer {
  const key = (e: PsiEnvelope) => crypto.createHash('sha256').update(`${e.from}->${e.to}`).digest();
  const aad = (e: PsiEnvelope) => Buffer.from(JSON.stringify([e.session, e.from, e.to, e.kind]));
  return {
    async seal(e, payload) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key(e), iv).setAAD(aad(e));
      return Buffer.concat([iv, c.update(payload), c.final(), c.getAuthTag()]);
    },
    async open(e, sealed) {
      const d = crypto.createDecipheriv('aes-256-gcm', key(e), sealed.subarray(0, 12)).setAAD(aad(e));
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return new Uint8Array(Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]));
    },
  };
}

describe('sealing hook', () => {
  it('carries sealed payloads end to end and refuses one relabelled by the relay', async () => {
    const sets = { bank: codes(0, 10), tax: codes(0, 10), power: codes(5, 15) };
    const run = await runSets(sets, { sealer: testSealer() });
    expect(run.results.get('power')!.intersection).toHaveLength(5);
    // On the wire: IV + n points + tag, so the relay learns n and nothing else.
    expect(run.transcript.every((m) => (m.bytes - 28) % 32 === 0)).toBe(true);

    const sealer = testSealer();
    const parties = RING.map((site) => new PsiParty(site, sets[site], { session: 's', ring: RING, sealer }));
    const [first] = await parties[0]!.start(); // leader-set-1 to tax
    await expect(parties[1]!.receive({ ...first!, kind: 'third-set-1', from: 'power' })).rejects.toMatchObject({
      code: 'BAD_PAYLOAD',
    });
  });
});

describe('refusals', () => {
  const ring = RING;
  const make = (site: string, ids: string[] = codes(0, 3)) => new PsiParty(site, ids, { session: 'job', ring });

  it('rejects malformed IDs, naming the position and the problem', () => {
    expect(() => make('bank', [creditCode(1), 'not-a-code'])).toThrow(/ID 1: a credit code has 18 characters/);
    expect(() => make('bank', [creditCode(1).toLowerCase()])).toThrow(/ID 0: .*upper case/);
  });

  it('rejects a ring without the site or with repeats', () => {
    expect(() => new PsiParty('bank', [], { session: 'j', ring: ['tax', 'power', 'x'] })).toThrow(RangeError);
    expect(() => new PsiParty('bank', [], { session: 'j', ring: ['bank', 'bank', 'tax'] })).toThrow(RangeError);
  });

  it('refuses wrong session, recipient, sender, kind, duplicates and bad payloads', async () => {
    const tax = make('tax');
    const good: PsiMessage = { session: 'job', from: 'bank', to: 'tax', kind: 'leader-set-1', payload: new Uint8Array(64) };
    const code = async (m: PsiMessage) => {
      try {
        await tax.receive(m);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(PsiProtocolError);
        return (e as PsiProtocolError).code;
      }
    };
    expect(await code({ ...good, session: 'other' })).toBe('WRONG_SESSION');
    expect(await code({ ...good, to: 'power' })).toBe('WRONG_RECIPIENT');
    expect(await code({ ...good, from: 'power' })).toBe('UNEXPECTED_MESSAGE');
    expect(await code({ ...good, kind: 'second-set-2' })).toBe('UNEXPECTED_MESSAGE');
    expect(await code({ ...good, kind: 'no-such-kind' as 'leader-set-1' })).toBe('UNEXPECTED_MESSAGE');
    expect(await code({ ...good, payload: new Uint8Array(33) })).toBe('BAD_PAYLOAD');
    expect(await code({ ...good, kind: 'second-set-3', payload: new Uint8Array(64) })).toBe('BAD_PAYLOAD'); // 2 != 3 own
    expect(await code({ ...good, kind: 'overlap-padded' })).toBe('UNEXPECTED_MESSAGE'); // before third-set-1
    expect(await code(good)).toBe('accepted');
    expect(await code(good)).toBe('DUPLICATE_MESSAGE');
    expect(() => tax.result()).toThrow(/has not finished/);
  });

  it('refuses a low-order point instead of blinding it', async () => {
    const tax = make('tax');
    await tax.start();
    const lowOrder = new Uint8Array(32); // u = 0
    await expect(
      tax.receive({ session: 'job', from: 'bank', to: 'tax', kind: 'leader-set-1', payload: lowOrder }),
    ).rejects.toThrow(/low-order/);
  });

  it('the in-memory relay wants exactly three distinct parties that can all finish', async () => {
    const a = make('bank');
    await expect(runPsiInMemory([a, make('tax')])).rejects.toThrow(/expected 3 parties/);
    await expect(runPsiInMemory([a, make('tax'), make('tax')])).rejects.toThrow(/two parties for site 'tax'/);
    const stranger = new PsiParty('power', codes(0, 3), { session: 'other-job', ring });
    await expect(runPsiInMemory([make('bank'), make('tax'), stranger])).rejects.toMatchObject({ code: 'WRONG_SESSION' });
  });

  it('start() runs once', async () => {
    const bank = make('bank');
    await bank.start();
    await expect(bank.start()).rejects.toMatchObject({ code: 'ALREADY_STARTED' });
  });
});
