/**
 * The node policy floor `treesMinCell` (docs/design/secureboost.md section 9): each site refuses
 * a boosted-trees job whose minCellCount is under its own floor (default 20), with BAD_REQUEST
 * naming the parameter and the flag, before anything is stored (training/node.ts calls the kind's
 * checkSitePolicy on the decoded start payload, right after the start decodes).
 */
import { describe, expect, it } from 'vitest';
import { treesKind } from '../../models/trees/kind.js';
import { treeParams } from '../../models/trees/params.js';
import { DEFAULT_POLICY, DEFAULT_TREES_MIN_CELL, parsePolicy } from '../../site/policy.js';
import { FedcreditError } from '../../lib/errors.js';

const start = (minCellCount: number) => treesKind.codec.decode('JobStart', treesKind.codec.encode('JobStart', { publicKey: Buffer.from('k'), params: { ...treeParams({ minCellCount, jobSeed: 1 }) } }), 'test');

function refusal(fn: () => void): FedcreditError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FedcreditError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('treesMinCell, the site floor on minCellCount', () => {
  it('defaults to 20: a job under it is refused with BAD_REQUEST naming the parameter; 20 and more pass', () => {
    expect(DEFAULT_TREES_MIN_CELL).toBe(20);
    const check = treesKind.checkSitePolicy!;
    const err = refusal(() => check(start(19), DEFAULT_POLICY, 'tax'));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/site tax refuses minCellCount 19 \(--min-cell\): its policy's treesMinCell is 20/);
    expect(() => check(start(20), DEFAULT_POLICY, 'tax')).not.toThrow();
    expect(() => check(start(50), DEFAULT_POLICY, 'tax')).not.toThrow();
  });

  it('follows the policy file: a floor of 1 lets the exactness tests run, a floor of 50 refuses the default 20', () => {
    const check = treesKind.checkSitePolicy!;
    expect(() => check(start(1), parsePolicy('{"treesMinCell":1}', 'p.json'), 'bank')).not.toThrow();
    const err = refusal(() => check(start(20), parsePolicy('{"treesMinCell":50}', 'p.json'), 'power'));
    expect(err.message).toMatch(/site power refuses minCellCount 20 .*treesMinCell is 50 \(p\.json\)/);
  });

  it('refuses a malformed floor in the policy file', () => {
    for (const bad of ['0', '2.5', '"20"', '-1']) {
      expect(() => parsePolicy(`{"treesMinCell":${bad}}`, 'p.json')).toThrow(/'treesMinCell' must be a whole number from 1 to 100000/);
    }
  });
});
