/**
 * A training job's blobs at a site (training/model-kind.ts KindBlobs): large per-step bytes, such
 * as a boosted-trees level's ciphertext parts (docs/design/secureboost.md 4.7, "one blob per
 * level, deleted at the next level"), kept in their own sublevel of the node's store under
 * `jobId/name`, so that persisting the job record does not rewrite them. Every write is synced
 * (a step answers only after its blob is on disk). The job's blobs go when it finishes or aborts.
 */
import type { NodeStore } from '../site/store.js';
import type { KindBlobs } from './model-kind.js';

/** The sublevel of every job's blobs, for a caller that writes them in its own batch (training/node.ts). */
export function jobBlobSublevel(store: NodeStore) {
  return store.db.sublevel<string, Uint8Array>('trainblob', { valueEncoding: 'view' });
}

/** A blob's key in jobBlobSublevel. */
export function jobBlobKey(jobId: string, name: string): string {
  return `${jobId}/${name}`;
}

export function jobBlobs(store: NodeStore, jobId: string): KindBlobs {
  const db = jobBlobSublevel(store);
  const key = (name: string): string => jobBlobKey(jobId, name);
  return {
    put: async (name, bytes) => { await store.db.batch().put(key(name), bytes, { sublevel: db }).write({ sync: true }); },
    get: async (name) => db.get(key(name)),
    drop: async (prefix) => {
      const keys: string[] = [];
      for await (const k of db.keys({ gte: key(prefix), lt: `${key(prefix)}\uffff` })) keys.push(k);
      if (keys.length === 0) return;
      const batch = store.db.batch();
      for (const k of keys) batch.del(k, { sublevel: db });
      await batch.write({ sync: true });
    },
  };
}
