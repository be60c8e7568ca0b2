/**
 * What the operator's console reads from its running node (docs/design/console.md 4.2, 5):
 * every feature table version (`DataNode.ListTables`, what `node tables` prints without stopping
 * the node), the ingest history a page at a time (`DataNode.ListIngests`) and the policy the
 * node runs with (`DataNode.GetPolicy`). Names, counts and the operator's own policy only: no
 * record and no feature value, like the rest of the DataNode service.
 */
import { FedcreditError } from '../lib/errors.js';
import type { ListIngestsResponse } from '../proto/gen/fedcredit/v1/ListIngestsResponse.js';
import type { ListTablesResponse } from '../proto/gen/fedcredit/v1/ListTablesResponse.js';
import type { NodePolicy } from '../proto/gen/fedcredit/v1/NodePolicy.js';
import { listSiteModels } from '../site/model-store.js';
import { DEFAULT_POLICY, type TrainingPolicy } from '../site/policy.js';
import { seqKey, type IngestManifestEntry, type NodeStore } from '../site/store.js';
import { activeTables, listTableVersions } from './tables.js';

export const MAX_INGEST_PAGE = 100;
const DEFAULT_INGEST_PAGE = 50;

/** Every stored table version with the models that use it (the same facts as `node tables --json`). */
export async function listTables(store: NodeStore): Promise<ListTablesResponse> {
  const [versions, active, models] = await Promise.all([listTableVersions(store), activeTables(store), listSiteModels(store)]);
  // A model records the table versions it was trained on through its alignment (alignment/node.ts).
  const trainedOn = new Map<string, Record<string, number>>();
  for (const m of models) trainedOn.set(m.modelVersion, (await store.alignments.get(m.alignmentId))?.tables ?? {});
  return {
    tables: versions.map((v) => ({
      name: v.name,
      version: v.version,
      active: active[v.name] === v.version,
      rows: v.rows,
      columns: v.catalogue.map((f) => f.name),
      ingestedAt: v.committedAt,
      fileName: v.fileName,
      sha256: v.sha256,
      hasLabels: v.hasLabels,
      trainedOnBy: models.filter((m) => trainedOn.get(m.modelVersion)?.[v.name] === v.version).map((m) => m.modelVersion),
      models: models.filter((m) => m.features.some((f) => v.catalogue.some((c) => c.name === f))).map((m) => m.modelVersion),
    })),
  };
}

/**
 * One page of the ingest manifest, oldest first. The token is the last entry's sequence number
 * (the manifest's own key), so a page stays right while ingests are added behind it.
 */
export async function listIngestsPage(store: NodeStore, pageToken: string, pageSize: number): Promise<ListIngestsResponse> {
  if (pageSize > MAX_INGEST_PAGE) throw new FedcreditError('BAD_REQUEST', `page_size ${pageSize} is above ${MAX_INGEST_PAGE}; ask for fewer and follow next_page_token`);
  if (pageToken !== '' && !/^\d{1,12}$/.test(pageToken)) throw new FedcreditError('BAD_REQUEST', `page_token '${pageToken.slice(0, 20)}' is not one this node gave; start again with an empty token`);
  const size = pageSize === 0 ? DEFAULT_INGEST_PAGE : pageSize;
  const page: IngestManifestEntry[] = [];
  // One more than asked for tells whether another page follows.
  const range = pageToken === '' ? { limit: size + 1 } : { gt: seqKey(Number(pageToken)), limit: size + 1 };
  for await (const entry of store.ingests.values(range)) page.push(entry);
  let total = 0;
  for await (const _key of store.ingests.keys()) total++;
  const more = page.length > size;
  const ingests = more ? page.slice(0, size) : page;
  const last = ingests[ingests.length - 1];
  return { ingests, nextPageToken: more && last ? String(last.seq) : '', total };
}

/** The effective policy (defaults filled in) as canonical JSON, and the file it came from. */
export function policyView(policy: TrainingPolicy, loadedMs: number): NodePolicy {
  const { source, ...rules } = policy;
  const sorted = Object.fromEntries(Object.entries(rules).sort(([a], [b]) => a.localeCompare(b)));
  return { policyJson: JSON.stringify(sorted), file: policy === DEFAULT_POLICY ? '' : source, loadedMs };
}
