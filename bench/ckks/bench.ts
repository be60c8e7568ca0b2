/**
 * CKKS benchmarks: for each named parameter set (bench/ckks/ckks.ts), the median time to encrypt
 * and decrypt one full ciphertext, values encrypted per second on one core, the wire size of a
 * ciphertext with and without SEAL's zstd and after compactForDecryption, and the cost of the
 * operations vertical LR uses (multiplyPlain, sumSlots), so the protocol code can choose between
 * rotation slot sums and decrypt-then-sum of masked values by measurement.
 *
 * Each figure is the median of several repetitions (bench/report.ts explains why). About 5 s
 * on a shared 2-core machine.
 */
import { fileURLToPath } from 'node:url';
import { CKKS_PARAM_SETS, CkksContext, publicKeyMaterial } from './ckks.js';
import type { CkksParamSetName } from './ckks.js';
import { formatBenchTable, median } from '../report.js';
import type { BenchRow } from '../report.js';

export interface BenchCkksOptions {
  readonly paramSets?: readonly CkksParamSetName[];
  /** Repetitions of encrypt / decrypt; slot sums run a third as often (they are slower). */
  readonly repetitions?: number;
}

export async function benchCkks(options: BenchCkksOptions = {}): Promise<BenchRow[]> {
  const paramSets = options.paramSets ?? (Object.keys(CKKS_PARAM_SETS) as CkksParamSetName[]);
  const repetitions = options.repetitions ?? 25;
  const rows: BenchRow[] = [];
  for (const name of paramSets) rows.push(...(await benchParamSet(name, repetitions)));
  return rows;
}

async function benchParamSet(name: CkksParamSetName, repetitions: number): Promise<BenchRow[]> {
  const set = CKKS_PARAM_SETS[name];
  const keyHolder = await CkksContext.create(name);
  const party = await CkksContext.create(name);
  const zstd = await CkksContext.create(name, { compression: 'zstd' });
  try {
    const keygenStart = performance.now();
    const keys = keyHolder.generateKeys();
    const keygenMs = performance.now() - keygenStart;
    party.loadKeys(publicKeyMaterial(keys));
    zstd.loadKeys({ publicKey: keys.publicKey });
    const values = Float64Array.from({ length: set.slots }, () => 200 * Math.random() - 100);
    const weights = Float64Array.from({ length: set.slots }, () => 2 * Math.random() - 1);

    const ciphertexts: Uint8Array[] = [];
    const encryptMs = timeEach(repetitions, () => ciphertexts.push(party.encrypt(values)));
    const decryptMs = timeEach(repetitions, (i) => keyHolder.decrypt(ciphertexts[i]!));
    const multiplyMs = timeEach(repetitions, (i) => party.multiplyPlain(ciphertexts[i]!, weights));
    const sumMs = timeEach(Math.max(3, Math.ceil(repetitions / 3)), (i) => party.sumSlots(ciphertexts[i]!));
    const bytes = ciphertexts[0]!.length;
    const zstdBytes = zstd.encrypt(values).length;
    const compactBytes = party.compactForDecryption(ciphertexts[0]!).length;

    const note = `N=${set.polyModulusDegree}, q=[${set.coeffModulusBits.join(',')}], scale 2^${set.scaleBits}, ${set.slots} slots, 128-bit`;
    const row = (metric: string, value: number, unit: string, extra?: string): BenchRow => ({
      area: 'ckks', metric: `${name} ${metric}`, value, unit, ...(extra === undefined ? {} : { note: extra }),
    });
    const encrypt = median(encryptMs);
    const decrypt = median(decryptMs);
    return [
      row('encrypt', encrypt, 'ms/ciphertext', note),
      row('decrypt', decrypt, 'ms/ciphertext'),
      row('encrypt throughput', set.slots / (encrypt / 1000), 'values/s/core'),
      row('decrypt throughput', set.slots / (decrypt / 1000), 'values/s/core'),
      row('ciphertext size', bytes, 'bytes', 'fresh, uncompressed (the default)'),
      row('ciphertext size zstd', zstdBytes, 'bytes', `${(100 * (1 - zstdBytes / bytes)).toFixed(0)}% smaller; opt-in, own storage only`),
      row('ciphertext size compacted', compactBytes, 'bytes', 'compactForDecryption: last level, uncompressed'),
      row('multiplyPlain + rescale', median(multiplyMs), 'ms/ciphertext', 'including load and save'),
      row('sumSlots', median(sumMs), 'ms/ciphertext', `${Math.log2(set.slots)} rotations with Galois keys`),
      row('key generation', keygenMs, 'ms', 'secret, public, relinearization and Galois keys'),
      row('public key size', keys.publicKey.length, 'bytes', 'seeded'),
      row('Galois keys size', keys.galoisKeys?.length ?? 0, 'bytes', 'seeded, power-of-two steps'),
    ];
  } finally {
    keyHolder.dispose();
    party.dispose();
    zstd.dispose();
  }
}

function timeEach(count: number, fn: (i: number) => unknown): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    fn(i);
    times.push(performance.now() - start);
  }
  return times;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${formatBenchTable(await benchCkks())}\n`);
}
