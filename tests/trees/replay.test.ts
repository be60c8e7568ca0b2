/**
 * The transcript's replay row (docs/design/secureboost.md sections 4.2, 4.7 and 13) at the kind's
 * site side, in-process: a step re-sent with the same attempt answers the same bytes (the bank's
 * plan with its ciphertexts, a passive's masked shares and sealed masks), read back from the
 * persisted state after a restart too; a new attempt gets fresh masks. The seal is a stand-in
 * that frames the chunks (the real one is tested with the transport); the engine is the
 * plaintext one, whose shares are the sums plus the masks, so fresh masks show as new shares.
 */
import { describe, expect, it } from 'vitest';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { openTreesSite } from '../../models/trees/kind-site.js';
import { treeParams } from '../../models/trees/params.js';
import { frameCiphertexts, unframeCiphertexts } from '../../training/envelope.js';
import type { KindMessage, KindSite, KindState, SiteInput, SiteIo, StepRef } from '../../training/model-kind.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';

const N = 400;
const engine = new PlainEngine();
const params = treeParams({ trees: 2, depth: 2, bins: 8, minBinCount: 20, firstTreeBankOnly: false, earlyStoppingRounds: 0, jobSeed: 3 });

function rows(seed: number, features: number, n: number): Float64Array[] {
  let x = seed;
  const next = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => Float64Array.from({ length: features }, () => Math.round(next() * 100)));
}

function input(site: string, role: 'bank' | 'passive', seed: number): SiteInput {
  const train = rows(seed, 3, N);
  const validation = rows(seed + 1, 3, 100);
  return {
    jobId: 'trn-replay', site, role, bank: 'bank', passives: ['tax'], params: DEFAULT_PARAMS, plaintext: true,
    start: { publicKey: Buffer.from('plaintext-mode'), params: { ...params } }, train, validation, features: [`${site}_a`, `${site}_b`, `${site}_c`],
    raw: { train, validation },
    ...(role === 'bank' ? { labels: { train: train.map((r) => (r[0]! + r[1]! > 100 ? 1 : 0)), validation: validation.map((r) => (r[0]! > 50 ? 1 : 0)) } } : {}),
    engine: () => engine,
  };
}

function io(store: { state?: KindState }, site: () => KindSite): SiteIo {
  return {
    seal: (ref, label, to, chunks) => ({ jobId: ref.jobId, attempt: ref.attempt, from: 'x', to, kind: label, epoch: ref.epoch, step: ref.step, sealed: Buffer.from(frameCiphertexts(chunks)), signature: Buffer.alloc(0) }),
    open: (_ref, _label, _from, env) => unframeCiphertexts(new Uint8Array(env!.sealed), 'test'),
    persist: async () => { store.state = JSON.parse(JSON.stringify(site().save())) as KindState; },
    log: () => undefined,
  };
}

const ref = (attempt: string): StepRef => ({ jobId: 'trn-replay', attempt, epoch: 0, step: 0 });
const bytes = (m: KindMessage): string => JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));

describe('boosted trees: replayed steps', () => {
  it('answer the same bytes for the same attempt, also after a restart; a new attempt gets fresh masks', async () => {
    const bankStore: { state?: KindState } = {};
    const taxStore: { state?: KindState } = {};
    let bank = await openTreesSite(input('bank', 'bank', 1), undefined);
    let tax = await openTreesSite(input('tax', 'passive', 7), undefined);
    const bankIo = io(bankStore, () => bank);
    const taxIo = io(taxStore, () => tax);

    const plan = await bank.handle('LevelStart', ref('a1'), { tree: 0, level: 0 }, bankIo);
    expect(bytes(await bank.handle('LevelStart', ref('a1'), { tree: 0, level: 0 }, bankIo))).toBe(bytes(plan));
    const sealedPlan = (plan['perPassive'] as KindMessage[])[0]!;
    const shares = await tax.handle('BuildHistograms', ref('a1'), { tree: 0, level: 0, attempt: 'a1', plan: sealedPlan }, taxIo);
    expect((shares['shares'] as Uint8Array[]).length).toBeGreaterThan(0);
    expect(bytes(await tax.handle('BuildHistograms', ref('a1'), { tree: 0, level: 0, attempt: 'a1', plan: sealedPlan }, taxIo))).toBe(bytes(shares));

    // A restart: each site reopened from what it persisted answers the same bytes again.
    bank = await openTreesSite(input('bank', 'bank', 1), bankStore.state);
    tax = await openTreesSite(input('tax', 'passive', 7), taxStore.state);
    expect(bytes(await bank.handle('LevelStart', ref('a1'), { tree: 0, level: 0 }, bankIo))).toBe(bytes(plan));
    expect(bytes(await tax.handle('BuildHistograms', ref('a1'), { tree: 0, level: 0, attempt: 'a1', plan: sealedPlan }, taxIo))).toBe(bytes(shares));

    // A new attempt of the same level: fresh masks, so every share differs (sums + new masks).
    const again = await tax.handle('BuildHistograms', ref('a2'), { tree: 0, level: 0, attempt: 'a2', plan: sealedPlan }, taxIo);
    const before = (shares['shares'] as Uint8Array[]).map((b) => Buffer.from(b).toString('hex'));
    const after = (again['shares'] as Uint8Array[]).map((b) => Buffer.from(b).toString('hex'));
    expect(after).toHaveLength(before.length);
    expect(after.filter((h, k) => h === before[k])).toEqual([]);
  });
});
