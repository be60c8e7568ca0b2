/**
 * Shared fixtures for the PSI tests: valid credit codes (GB 32100-2015, both check characters)
 * from integers, seeded random sets with chosen overlaps, and a plain intersection to compare
 * against.
 */
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../../schema/credit-code.js';
import { PsiParty, type PsiBlinder, type PsiPartyOptions } from '../../alignment/psi.js';
import { runPsiInMemory, type PsiInMemoryRun } from '../../alignment/psi-in-memory.js';

/** The n-th valid credit code: distinct n give distinct codes (n < 31^8). */
export function creditCode(n: number): string {
  let body = '';
  let v = n;
  for (let i = 0; i < 8; i++) {
    body = CREDIT_CODE_ALPHABET[v % 31]! + body;
    v = Math.floor(v / 31);
  }
  // The org-code check digit is 0-9 or X; X is in the alphabet, so the code stays valid.
  return makeCreditCode({ authority: '9', entityType: '1', division: '110105', orgBody: body });
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random subset of codes 0..universe-1 of the given size. */
export function randomSet(random: () => number, universe: number, size: number): string[] {
  const picked = new Set<number>();
  while (picked.size < size) picked.add(Math.floor(random() * universe));
  return [...picked].map(creditCode);
}

export function plainIntersection(...sets: readonly (readonly string[])[]): Set<string> {
  const [first, ...rest] = sets;
  const others = rest.map((s) => new Set(s));
  return new Set((first ?? []).filter((id) => others.every((s) => s.has(id))));
}

export const RING = ['bank', 'tax', 'power'] as const;

export interface RunOptions extends Partial<Omit<PsiPartyOptions, 'ring'>> {
  readonly ring?: readonly [string, string, string];
  readonly blinder?: PsiBlinder;
  readonly recordPayloads?: boolean;
}

/** Run the protocol over the sets given per site name. */
export async function runSets(sets: Readonly<Record<string, readonly string[]>>, opts: RunOptions = {}): Promise<PsiInMemoryRun> {
  const ring = opts.ring ?? RING;
  const parties = ring.map(
    (site) =>
      new PsiParty(site, sets[site] ?? [], {
        session: opts.session ?? 'job-1',
        ring,
        ...(opts.blinder ? { blinder: opts.blinder } : {}),
        ...(opts.split ? { split: opts.split } : {}),
        ...(opts.sealer ? { sealer: opts.sealer } : {}),
        ...(opts.idRule ? { idRule: opts.idRule } : {}),
      }),
  );
  return runPsiInMemory(parties, { recordPayloads: opts.recordPayloads ?? true });
}
