/**
 * The WOE steps at a site (models/scorecard/kind-site.ts), replayed as a restarted coordinator
 * or node would replay them: bin sums are unmasked only for the attempt they were sent under
 * (STALE_ATTEMPT otherwise), a second ApplyBinSums answers "already", nothing is released twice,
 * and a site reopened from its saved state carries on with the same WOE and LR state. The
 * engine is the plaintext one (the arithmetic is the same; BFV runs in the transcript test).
 */
import { describe, expect, it } from 'vitest';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { openScorecardSite } from '../../models/scorecard/kind-site.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import { shareKeys } from '../../crypto/bfv-engine.js';
import type { FedcreditError } from '../../lib/errors.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import type { KindMessage, SiteInput, SiteIo, StepRef } from '../../training/model-kind.js';

const engine = new PlainEngine();
const n = 400;
const rows = Array.from({ length: n }, (_, i) => Float64Array.of((i * 37) % 101, i % 5 === 0 ? NaN : (i * 13) % 7));
const labels = rows.map((r) => (r[0]! > 70 ? 1 : r[0]! % 9 === 0 ? 1 : 0));
const start = { publicKey: Buffer.from('plaintext-mode'), ...DEFAULT_SCORECARD_PARAMS };

function input(role: 'bank' | 'passive'): SiteInput {
  return {
    jobId: 'trn-steps', site: role === 'bank' ? 'bank' : 'tax', role, bank: 'bank', passives: ['tax'], params: { ...DEFAULT_PARAMS, batchSize: 200 }, plaintext: true,
    start, train: rows, validation: rows.slice(0, 100), features: ['a', 'b'], raw: { train: rows, validation: rows.slice(0, 100) },
    ...(role === 'bank' ? { labels: { train: labels, validation: labels.slice(0, 100) } } : {}),
    engine: () => engine,
  };
}

/** Sealing is the transport's (tested elsewhere): here a sealed payload is its chunks. */
function io(): SiteIo & { persisted: number } {
  const box = {
    persisted: 0,
    seal: (_ref: StepRef, _label: string, to: string, chunks: readonly Uint8Array[]) => ({ to, chunks: [...chunks] }) as never,
    open: (_ref: StepRef, _label: string, _from: string, env: unknown) => (env as { chunks: Uint8Array[] }).chunks,
    persist: async () => { box.persisted++; },
    log: () => undefined,
  };
  return box;
}

const ref = (attempt: string): StepRef => ({ jobId: 'trn-steps', attempt, epoch: 0, step: 0 });
const refused = (p: Promise<unknown>) => p.then(() => undefined, (e: FedcreditError) => e);

describe('the WOE steps at a site', () => {
  it('unmask for the attempt sent only, once; survive a reopen; release nothing twice', async () => {
    const bank = await openScorecardSite(input('bank'), undefined);
    const labelsMsg = await bank.handle('EncryptLabels', ref('a1'), {}, io());
    const sealed = (labelsMsg['labels'] as KindMessage[])[0]!;

    const passiveIo = io();
    const tax = await openScorecardSite(input('passive'), undefined);
    expect(await refused(tax.handle('PartialLinear', ref('a1'), {}, passiveIo))).toMatchObject({ code: 'BAD_REQUEST' });
    // A first attempt whose answer was lost, then the attempt the coordinator keeps.
    await tax.handle('BinSums', ref('a0'), { labels: sealed }, passiveIo);
    const answer = await tax.handle('BinSums', ref('a1'), { labels: sealed }, passiveIo);
    expect(passiveIo.persisted).toBe(2);
    const shares = answer['shares'] as Uint8Array[];
    const values = (await engine.decrypt(shareKeys({ publicKey: start.publicKey }), shares, 1)).map((v) => v[0]!);

    // The values of a1 with a0's attempt id: refused, never misapplied.
    const stale = await refused(tax.handle('ApplyBinSums', ref('a0'), { values }, passiveIo));
    expect(stale?.code).toBe('STALE_ATTEMPT');
    expect(await tax.handle('ApplyBinSums', ref('a1'), { values }, passiveIo)).toEqual({ site: 'tax', already: false });
    expect(await tax.handle('ApplyBinSums', ref('a1'), { values }, passiveIo)).toEqual({ site: 'tax', already: true });
    const again = await refused(tax.handle('BinSums', ref('a2'), { labels: sealed }, passiveIo));
    expect(again?.message).toMatch(/already has its bin sums; nothing is released twice/);

    // The counts it unmasked are the true per-bin defaults, as the bank counts its own.
    const saved = tax.save() as { events: number[][]; lr: unknown };
    const total = labels.reduce((a, b) => a + b, 0);
    for (const e of saved.events) expect(e.reduce((a, b) => a + b, 0)).toBe(total);
    expect(saved.lr).toBeDefined();

    // Reopened from its saved state (a node restart): the same model, training can go on.
    const reopened = await openScorecardSite(input('passive'), JSON.parse(JSON.stringify(saved)));
    expect(JSON.stringify(reopened.save())).toBe(JSON.stringify(JSON.parse(JSON.stringify(saved))));
    const partial = await reopened.handle('PartialLinear', ref('a3'), {}, passiveIo);
    expect(partial).toBeDefined();
    for (const s of [bank, tax, reopened]) await s.close();
  });

  it('the bank refuses to sum labels over bins, a passive site refuses to encrypt labels', async () => {
    const bank = await openScorecardSite(input('bank'), undefined);
    const tax = await openScorecardSite(input('passive'), undefined);
    expect((await refused(bank.handle('BinSums', ref('a'), {}, io())))?.message).toMatch(/is the bank of job trn-steps: it bins its own labels/);
    expect((await refused(tax.handle('EncryptLabels', ref('a'), {}, io())))?.message).toMatch(/is not the bank of job trn-steps: it has no labels/);
  });
});
