/**
 * Plaintext mode reads residues from the bytes gRPC hands it: Buffers that are views into a
 * larger pool at any offset (Buffer#slice does not copy), not arrays of their own.
 */
import { describe, expect, it } from 'vitest';
import { PlainEngine } from '../../models/lr/plain-engine.js';

describe('PlainEngine', () => {
  it('reads residues from a Buffer view into a larger pool at an odd offset', async () => {
    const engine = new PlainEngine();
    const [chunk] = await engine.encrypt({} as never, Float64Array.of(1, 2, 3));
    const pool = Buffer.alloc(8192 + 3);
    Buffer.from(chunk!).copy(pool, 3);
    const view = pool.subarray(3, 3 + chunk!.length);
    const [sum] = await engine.sum({} as never, [[view]], Float64Array.of(10, 20, 30));
    expect([...(await engine.decrypt({} as never, [Buffer.from(sum!)], 3))[0]!]).toEqual([11, 22, 33]);
  });
});
