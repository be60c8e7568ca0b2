/**
 * The typed transport of model kinds (training/model-kind.ts): a step's payload is the kind's
 * own message in an Any, and both ends refuse one of another type or one that does not decode,
 * before the kind sees it; the registry names the kinds it knows; LR's scoring contribution is
 * its partial linear term (what scoring/node.ts asked the stored part for before kinds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getStoredPart, saveSiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { FedcreditError } from '../../lib/errors.js';
import { lrKind, partialTerm } from '../../models/lr/kind.js';
import { modelKind } from '../../models/registry.js';

describe('model kinds', () => {
  it('a step payload round-trips typed, and a payload of another type or garbage is refused', () => {
    const { codec } = lrKind;
    const any = codec.encode('Decrypted', { values: [1, 2, 2 ** 49] });
    expect(any.type_url).toBe('type.googleapis.com/fedcredit.models.lr.v1.Decrypted');
    expect(codec.decode('Decrypted', any, 't')['values']).toEqual([1, 2, 2 ** 49]);
    const wrongType = (() => { try { codec.decode('EpochResult', any, 't'); } catch (e) { return e; } return undefined; })();
    expect(wrongType).toBeInstanceOf(FedcreditError);
    expect((wrongType as FedcreditError).code).toBe('BAD_REQUEST');
    const garbage = { type_url: any.type_url, value: Buffer.from([0x0a, 0xff, 0xff, 0xff]) };
    expect(() => codec.decode('Decrypted', garbage, 't')).toThrow(/does not decode/);
    expect(() => codec.decode('Decrypted', null, 't')).toThrow(/no payload/);
  });

  it('every LR step names message types its .proto declares', () => {
    for (const [name, { request, response }] of Object.entries(lrKind.steps)) {
      expect(() => lrKind.codec.encode(request, {}), name).not.toThrow();
      expect(() => lrKind.codec.encode(response, {}), name).not.toThrow();
    }
  });

  it('the registry knows LR by default and refuses an unknown kind by name', async () => {
    expect((await modelKind('')).name).toBe('lr');
    await expect(modelKind('trees')).rejects.toThrow(/no model kind 'trees'.*known: lr, scorecard/);
  });

  it("LR's contribution is the part's partial linear term", () => {
    const part = {
      modelVersion: 'm1', site: 'bank', features: ['a', 'b'], featureIndexes: [1, 0], mean: [1, 0], std: [2, 0], clip: 8, weights: [0.5, -1], intercept: 0.25, baseline: 0.1,
    };
    const v = Float64Array.from([3, 5]);
    const { value, contributions } = lrKind.scoring.contribution(part, v);
    expect(value).toBeCloseTo(0.25 + 0.5 * 2 - 1 * 3, 12);
    expect([...contributions]).toEqual([1, -3]);
    expect(partialTerm(part, v).value).toBe(value);
    expect(lrKind.scoring.baseline(part)).toBe(0.1);
  });

  it('a part stored before kinds (no kind) reads as LR; a tagged part keeps its kind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-kind-part-'));
    const store = await NodeStore.open(dir, 'bank');
    try {
      const common = { jobId: 'j', site: 'bank', alignmentId: 'a', role: 'bank' as const, features: ['a'], featureIndexes: [0], mean: [0], std: [1], createdAt: '' };
      await saveSiteModel(store, { ...common, modelVersion: 'm1', clip: 8, weights: [1], baseline: 0 });
      await saveSiteModel(store, { ...common, modelVersion: 'm2', kind: 'one-weight', weight: 1, baseline: 0 });
      expect((await getStoredPart(store, 'm1'))?.kind).toBe('lr');
      expect((await getStoredPart(store, 'm2'))?.kind).toBe('one-weight');
      expect(await getStoredPart(store, 'm3')).toBeUndefined();
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
