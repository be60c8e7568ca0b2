/**
 * Piscina worker for PSI blinding (see ./psi-blinder.ts for how it is located and when it is
 * used). One task is one chunk: a flat byte array in, a flat byte array out, transferred rather
 * than copied both ways, so a chunk of 4096 IDs costs two buffer moves, not 4096 objects.
 */
import { move } from 'piscina';
import { hashToCurve25519Batch } from './psi-hash.js';
import { blindPoints, randomSubgroupPoints } from './psi-x25519.js';

export type PsiWorkerTask =
  /** hash_to_curve every fixed-length ID, then apply the keys in order. */
  | { readonly op: 'hash-blind'; readonly keys: Uint8Array; readonly ids: Uint8Array; readonly idLength: number }
  /** apply the keys in order to 32-byte points. */
  | { readonly op: 'blind'; readonly keys: Uint8Array; readonly points: Uint8Array }
  /** fresh uniformly random subgroup points, to pad a set. */
  | { readonly op: 'random-points'; readonly count: number };

/** Pure function of the task, also called in-thread, so both paths compute the same bytes. */
export function runPsiTask(task: PsiWorkerTask): Uint8Array {
  switch (task.op) {
    case 'hash-blind':
      return blindPoints(task.keys, hashToCurve25519Batch(task.ids, task.idLength));
    case 'blind':
      return blindPoints(task.keys, task.points);
    case 'random-points':
      return randomSubgroupPoints(task.count);
    default:
      throw new TypeError(`psi worker: unknown task op ${JSON.stringify((task as { op?: unknown }).op)}`);
  }
}

export default function psiWorker(task: PsiWorkerTask): Uint8Array {
  const result = runPsiTask(task);
  // Hand the buffer back instead of structured-cloning it.
  return move(result) as Uint8Array;
}
