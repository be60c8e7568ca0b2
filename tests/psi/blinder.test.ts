/**
 * Both places blinding can run: the Piscina pool (loading the compiled dist/alignment/psi-worker.js
 * when the tests run from TypeScript source) and the in-thread fallback. They must produce the
 * same bytes; the fallback must say why it was chosen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createPsiBlinder, resolvePsiWorkerUrl } from '../../alignment/psi-blinder.js';
import { generateBlindingKey } from '../../alignment/psi-x25519.js';
import { creditCode, plainIntersection, runSets } from './helpers.js';

const ids = Array.from({ length: 45 }, (_, i) => creditCode(i));
const idBytes = new Uint8Array(Buffer.from(ids.join(''), 'latin1'));
const keys = new Uint8Array([...generateBlindingKey(), ...generateBlindingKey()]);
const built = resolvePsiWorkerUrl();

describe('worker location', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psi-worker-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (rel: string, mtime: number) => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, '');
    fs.utimesSync(p, mtime, mtime);
    return pathToFileURL(p).href;
  };

  it('compiled code uses its sibling psi-worker.js, or says it is missing', () => {
    const here = file('dist/alignment/psi-blinder.js', 1000);
    expect(resolvePsiWorkerUrl(here)).toMatchObject({ url: undefined, reason: expect.stringMatching(/psi-worker\.js is missing/) });
    file('dist/alignment/psi-worker.js', 1000);
    expect(resolvePsiWorkerUrl(here).url?.href).toBe(pathToFileURL(path.join(dir, 'dist/alignment/psi-worker.js')).href);
  });

  it('source code uses dist/alignment/psi-worker.js only when it is built and not stale', () => {
    const here = file('alignment/psi-blinder.ts', 1000);
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    expect(resolvePsiWorkerUrl(here).reason).toMatch(/not built \(run npm run build\)/);
    for (const name of ['psi-worker', 'psi-hash', 'psi-x25519']) {
      file(`alignment/${name}.ts`, 2000);
      file(`dist/alignment/${name}.js`, 1500);
    }
    expect(resolvePsiWorkerUrl(here).reason).toMatch(/older than its source/);
    for (const name of ['psi-worker', 'psi-hash', 'psi-x25519']) file(`dist/alignment/${name}.js`, 3000);
    expect(resolvePsiWorkerUrl(here).url).toBeDefined();
  });

  it('falls back in-thread when asked for one thread, and says so', async () => {
    const blinder = createPsiBlinder({ threads: 1 });
    expect(blinder).toMatchObject({ mode: 'in-thread', threads: 1, reason: 'threads = 1 requested' });
    await blinder.close();
  });

  it('rejects nonsense options', () => {
    expect(() => createPsiBlinder({ threads: -1 })).toThrow(RangeError);
    expect(() => createPsiBlinder({ chunkSize: 0 })).toThrow(RangeError);
  });
});

describe.skipIf(built.url === undefined)(`worker pool (${built.reason})`, () => {
  const pool = createPsiBlinder({ threads: 2, chunkSize: 7 }); // small chunks: many tasks, a ragged last one
  const local = createPsiBlinder({ threads: 0, chunkSize: 7 });
  afterAll(async () => {
    await pool.close();
    await local.close();
  });

  it('is a pool, and computes exactly what the in-thread path computes', async () => {
    expect(pool.mode).toBe('worker-pool');
    const [a, b] = await Promise.all([pool.hashAndBlind(keys, idBytes, 18), local.hashAndBlind(keys, idBytes, 18)]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const [c, d] = await Promise.all([pool.blind(keys.subarray(0, 32), a), local.blind(keys.subarray(0, 32), a)]);
    expect(Buffer.from(c).equals(Buffer.from(d))).toBe(true);
    expect(a).toHaveLength(45 * 32);
    const padding = await pool.randomPoints(20);
    expect(padding).toHaveLength(20 * 32);
  });

  it('carries a whole PSI run', async () => {
    const sets = { bank: ids.slice(0, 30), tax: ids.slice(10, 45), power: ids.slice(5, 25) };
    const run = await runSets(sets, { blinder: pool });
    expect(new Set(run.results.get('tax')!.intersection)).toEqual(plainIntersection(sets.bank, sets.tax, sets.power));
  });
});

describe('a worker thread that dies', () => {
  const dying = new URL('./fixtures/dying-psi-worker.mjs', import.meta.url);

  it('fails the blinding call with an error that says so, not a hang', async () => {
    const blinder = createPsiBlinder({ threads: 2, chunkSize: 4, workerUrl: dying });
    try {
      const points = new Uint8Array(40 * 32);
      await expect(blinder.blind(keys.subarray(0, 32), points)).rejects.toThrow(
        /^PSI blinder: blind chunk \d+ of 10 failed: a PSI worker thread died: .*exited with code: 7/,
      );
      // The pool replaces the dead worker; the next call fails the same way rather than waiting.
      await expect(blinder.blind(keys.subarray(0, 32), points)).rejects.toThrow(/worker thread died/);
    } finally {
      await blinder.close();
    }
  });

  it('fails a whole three-party run mid-protocol, naming the party and its step', async () => {
    const blinder = createPsiBlinder({ threads: 2, chunkSize: 4, workerUrl: dying });
    try {
      const sets = { bank: ids.slice(0, 30), tax: ids.slice(10, 45), power: ids.slice(5, 25) };
      await expect(runSets(sets, { blinder })).rejects.toThrow(
        /^PsiParty\((bank|tax|power), \w+\): step '[\w-]+' failed: PSI blinder: blind chunk \d+ of \d+ failed: a PSI worker thread died/,
      );
    } finally {
      await blinder.close();
    }
  });
});
