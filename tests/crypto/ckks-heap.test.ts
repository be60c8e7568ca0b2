/**
 * 10,000 encrypt/decrypt cycles on ckks-4096 with a flat WASM heap: the evidence that every
 * SEAL object is deleted. About 40 s on a shared 2-core machine (public-key encryption is
 * ~3 ms at N = 4096 in WASM), so it has a file of its own that runs in parallel with the rest.
 */
import { describe, expect, it } from 'vitest';

// node-seal does not expose its WASM memory; capture it as the module is instantiated so the
// test watches the heap itself, not just the process RSS. Must run before any create().
const wasmMemories: { buffer: ArrayBuffer }[] = [];
type Instantiate = (...args: unknown[]) => Promise<{ instance: { exports: Record<string, unknown> } }>;
const wasm = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate; Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;
const originalInstantiate = wasm.instantiate;
wasm.instantiate = async (...args: unknown[]) => {
  const result = await originalInstantiate(...args);
  for (const value of Object.values(result.instance.exports)) if (value instanceof wasm.Memory) wasmMemories.push(value);
  return result;
};

import { CKKS_PARAM_SETS, CkksContext } from '../../bench/ckks/ckks.js';

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('WASM heap over 10,000 encrypt/decrypt cycles (ckks-4096)', () => {
  it('stays flat after warm-up', async () => {
    const ctx = await CkksContext.create('ckks-4096');
    try {
      ctx.generateKeys({ galoisKeys: false, relinKeys: false });
      expect(wasmMemories.length).toBeGreaterThan(0);
      const heap = () => wasmMemories.at(-1)!.buffer.byteLength;
      const v = Float64Array.from({ length: 2048 }, () => 200 * Math.random() - 100);
      const cycle = () => ctx.decrypt(ctx.encrypt(v), 1);
      for (let i = 0; i < 200; i++) cycle();
      const heapBefore = heap();
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      for (let i = 0; i < 10_000; i++) cycle();
      const ms = performance.now() - started;
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      console.log(`10k cycles: ${(ms / 1000).toFixed(1)} s, WASM heap ${heapBefore} -> ${heap()} bytes, RSS +${(rssGrowth / 2 ** 20).toFixed(1)} MiB`);
      // One leaked 64 KB ciphertext per cycle would grow the heap by 640 MB.
      expect(heap()).toBe(heapBefore);
      // RSS also holds V8 garbage (10k x 131 KB of ciphertext bytes churned): a loose bound.
      expect(rssGrowth).toBeLessThan(128 * 2 ** 20);
      expect(maxAbsDiff(ctx.decrypt(ctx.encrypt(v)), v)).toBeLessThan(CKKS_PARAM_SETS['ckks-4096'].typicalError * 5);
    } finally {
      ctx.dispose();
    }
  });
});
