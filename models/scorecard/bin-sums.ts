/**
 * Packing a passive site's bin sums (issue 15, performance): several bins per encrypted inner
 * product, in mixed radix, so the site computes a third as many plaintext x ciphertext
 * products as it has bins.
 *
 * Why: a bin sum is the engine's masked inner product of [[y]] with a plaintext column
 * (crypto/bfv-coeff.ts), and what costs is turning each column chunk into NTT form (~5 ms in
 * SEAL's WASM per 8192 samples) and the multiply (~2.5 ms): profiled, 87% of the 5.4 s that 36
 * bins of 100k enterprises took in one thread. One product per bin made 360 bins ~50 s.
 *
 * How: bins with counts c_1, c_2, ... go into one column with the value M_b = prod_{a<b}(c_a + 1)
 * on the rows of bin b (a row in two bins of the group, from two characteristics, gets the sum).
 * The inner product with the 0/1 labels is S = sum_b e_b M_b with 0 <= e_b <= c_b, so
 * S < prod_b (c_b + 1), and a group is closed before that product would pass t/2: S is exact
 * mod t, a non-negative residue, and the digits e_b = floor(S / M_b) mod (c_b + 1) are the
 * bins' event counts, each decoded exactly (every value below 2^53). With bins of ~8,000 at
 * 80,000 training enterprises a group holds 3 bins; with 3,000 enterprises, 4.
 *
 * What changes for privacy: nothing a party may learn. The site still masks each sum with a
 * uniform R mod t, so the coordinator decrypts values uniform mod t (now one per group instead
 * of one per bin: it learns the number of groups, less than the number of bins); the site learns
 * exactly the per-bin counts it learned before. Plaintext coefficients grow from 1 to at most
 * t/2 / (c + 1) < 2^37, which the noise budget carries (the level-1 modulus leaves ~2^79 above
 * the message; tests/scorecard/bin-sums.test.ts decrypts packed sums through the real kernel).
 */
import { shareFeatures, type HeEngine, type KeyRef } from '../../crypto/bfv-engine.js';
import { BFV_PLAIN_MODULUS, randomResidues } from '../../crypto/bfv-fixed.js';
import { FedcreditError } from '../../lib/errors.js';

/** Product of (count + 1) a group must stay at or below: the packed sum is then exact and below t/2. */
export const PACK_LIMIT = Math.floor(BFV_PLAIN_MODULUS / 2);

/** One bin in a group: characteristic j, its bin b, the bin's training count and its radix weight. */
export interface PackedBin { readonly j: number; readonly b: number; readonly count: number; readonly weight: number }

/** Group the bins (characteristic-major, in order) so that each group's product of (count + 1) stays within PACK_LIMIT. */
export function packBins(counts: readonly (readonly number[])[], limit = PACK_LIMIT): PackedBin[][] {
  const groups: PackedBin[][] = [];
  let group: PackedBin[] = [];
  let product = 1;
  counts.forEach((bins, j) => bins.forEach((count, b) => {
    if (!Number.isInteger(count) || count < 0 || count + 1 > limit) throw new FedcreditError('INTERNAL', `bin sums: bin ${b} of characteristic ${j} holds ${count} rows; it cannot be packed`);
    if (group.length > 0 && product * (count + 1) > limit) {
      groups.push(group);
      group = [];
      product = 1;
    }
    group.push({ j, b, count, weight: product });
    product *= count + 1;
  }));
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The plaintext columns, group-major (group g, sample i at g * n + i), as residues mod t. */
export function packedColumns(groups: readonly PackedBin[][], trainBins: readonly Int32Array[], n: number): Float64Array {
  const out = new Float64Array(groups.length * n);
  groups.forEach((group, g) => {
    const base = g * n;
    for (const { j, b, weight } of group) {
      const bins = trainBins[j]!;
      for (let i = 0; i < n; i++) if (bins[i] === b) out[base + i]! += weight;
    }
  });
  return out;
}

/** Each characteristic's event counts from the groups' exact sums (non-negative, below PACK_LIMIT). */
export function unpackSums(groups: readonly PackedBin[][], sums: readonly number[], shape: readonly (readonly number[])[]): number[][] {
  if (sums.length !== groups.length) throw new FedcreditError('BAD_REQUEST', `${sums.length} decrypted bin sums for ${groups.length} packed groups`);
  const events = shape.map((bins) => new Array<number>(bins.length).fill(0));
  groups.forEach((group, g) => {
    const s = sums[g]!;
    if (!Number.isInteger(s) || s < 0 || s > PACK_LIMIT) throw new FedcreditError('BAD_REQUEST', `packed bin sum ${g} is ${s}, outside [0, ${PACK_LIMIT}]: the decrypted value or its mask is wrong`);
    for (const { j, b, count, weight } of group) {
      const e = Math.floor(s / weight) % (count + 1);
      events[j]![b] = e;
    }
    const back = group.reduce((acc, { j, b, weight }) => acc + events[j]![b]! * weight, 0);
    if (back !== s) throw new FedcreditError('BAD_REQUEST', `packed bin sum ${g} is ${s}, which no event counts within the bins' sizes give: the decrypted value or its mask is wrong`);
  });
  return events;
}

/**
 * A passive site's masked, packed bin sums of the encrypted labels `y` (chunks of the engine's
 * size over the n training rows): one share per group, and the masks the site keeps.
 */
export async function maskedBinSums(engine: HeEngine, keys: KeyRef, matrixId: string, counts: readonly (readonly number[])[], trainBins: readonly Int32Array[], n: number, y: readonly Uint8Array[]): Promise<{ shares: Uint8Array[]; masks: Float64Array; groups: PackedBin[][] }> {
  const groups = packBins(counts);
  const matrix = shareFeatures(matrixId, packedColumns(groups, trainBins, n), n, groups.length);
  const masks = randomResidues(groups.length);
  try {
    return { shares: await engine.maskedGradient(keys, matrix, 0, n, y, masks), masks, groups };
  } finally {
    await engine.forget(matrix.id);
  }
}
