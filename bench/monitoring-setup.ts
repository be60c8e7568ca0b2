/**
 * The federation the monitoring benchmark re-scores (bench/monitoring.ts), built before any
 * clock starts: simulated records for N enterprises ingested into three node stores (offline,
 * as an operator's first load), a synthetic LR model split into each site's part (re-scoring
 * cost does not depend on how the weights were trained), the enterprises' keys bound at the
 * coordinator (logged key bindings every node reads), and one `loan-monitoring` consent per
 * enterprise naming the bank. Nothing here is timed except as setup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateIdentity } from '../crypto/identity.js';
import { bindEnterpriseKey, encodeConsent, encodeKeyBinding, grantConsent } from '../consent/verify.js';
import { initFederation } from '../lib/init-cli.js';
import { DEFAULT_SCORE_SCALE } from '../scoring/score-scale.js';
import { writeTrustedRegistrars } from '../scoring/protocol.js';
import { RECORD_KINDS, type Site } from '../schema/site-schema.js';
import { ingestFile } from '../node/ingest.js';
import { saveSiteModel } from '../site/model-store.js';
import { NodeStore } from '../site/store.js';
import { generateFederation } from '../sim/generate.js';
import { loadRequesterKeys, type RequesterKeys } from '../scoring/requester-keys.js';
import { ModelRegistry } from '../training/model-registry.js';
import { DEFAULT_PARAMS } from '../training/schedule.js';
import { featureDataWindow } from '../features/index.js';
import { scoringClient } from '../proto/clients.js';
import { call } from '../lib/grpc.js';
import { FedcreditError } from '../lib/errors.js';
import type { Transport } from '../lib/tls.js';

export const BENCH_SITES: Site[] = ['tax', 'power', 'bank'];
const FILES: Record<Site, (keyof typeof RECORD_KINDS)[]> = { tax: ['tax_rating', 'vat_filing'], power: ['power_bill'], bank: ['loan', 'repayment'] };
export const BENCH_MODEL = 'm1';

export interface MonitoringBenchData {
  readonly federation: string;
  readonly coordinatorDir: string;
  nodeDir(site: Site): string;
  /** Every enterprise any site holds, in credit-code order. */
  readonly subjects: readonly string[];
  readonly requesterKeys: RequesterKeys;
  readonly registrar: ReturnType<typeof generateIdentity>;
  readonly dataWindow: { from: string; to: string };
}

/** Records, model parts, the model entry and trusted registrars on disk; no party runs yet. */
export async function prepareMonitoringData(dir: string, enterprises: number, say: (line: string) => void): Promise<MonitoringBenchData> {
  const federation = path.join(dir, 'federation');
  await initFederation({ out: federation, sites: BENCH_SITES, requesters: ['bank-a'], auditors: ['auditor-1'] });
  let t = performance.now();
  await generateFederation({ enterprises, seed: 'bench-monitoring', outDir: path.join(dir, 'sites') });
  say(`  simulated ${enterprises} enterprises in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const registrar = generateIdentity();
  const nodeDir = (site: Site) => path.join(dir, `node-${site}`);
  const subjects = new Set<string>();
  const windows: { from: string; to: string }[] = [];
  t = performance.now();
  for (const site of BENCH_SITES) {
    const store = await NodeStore.open(nodeDir(site), site);
    try {
      for (const [i, kind] of FILES[site].entries()) {
        await ingestFile(store, path.join(dir, 'sites', site, RECORD_KINDS[kind].fileName), { skipFeatures: i < FILES[site].length - 1 });
      }
      const meta = await store.getMeta();
      windows.push(featureDataWindow(site, meta.asOf!));
      const names = (meta.catalogue ?? []).map((f) => f.name);
      for await (const id of store.features.keys()) subjects.add(id);
      await saveSiteModel(store, {
        modelVersion: BENCH_MODEL, jobId: 'bench', site, alignmentId: 'bench', role: site === 'bank' ? 'bank' : 'passive', features: names,
        featureIndexes: names.map((_, i) => i), mean: names.map(() => 0), std: names.map(() => 1), clip: 5,
        weights: names.map((_, i) => (i % 2 === 0 ? 0.05 : -0.05)), ...(site === 'bank' ? { intercept: -3 } : {}), baseline: 0, createdAt: new Date().toISOString(),
      });
    } finally {
      await store.close();
    }
    writeTrustedRegistrars(nodeDir(site), [registrar.publicKey]);
  }
  say(`  ingested every site's records and stored the model parts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const coordinatorDir = path.join(dir, 'coordinator');
  const models = await ModelRegistry.open(coordinatorDir);
  await models.put({
    modelVersion: BENCH_MODEL, jobId: 'bench', alignmentId: 'bench', purpose: 'credit-scoring',
    sites: BENCH_SITES.map((s) => ({ site: s, role: s === 'bank' ? 'bank' : 'passive', featureCount: 1 })),
    params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, metrics: {}, createdAt: new Date().toISOString(),
  });
  await models.close();
  writeTrustedRegistrars(coordinatorDir, [registrar.publicKey]);
  fs.mkdirSync(path.join(dir, 'requester-keys'), { recursive: true });
  return {
    federation, coordinatorDir, nodeDir, subjects: [...subjects].sort(), registrar,
    requesterKeys: loadRequesterKeys(path.join(dir, 'requester-keys')),
    dataWindow: { from: windows.map((w) => w.from).sort()[0]!, to: windows.map((w) => w.to).sort().at(-1)! },
  };
}

/**
 * Binds every enterprise's key at the running coordinator (logged key bindings, `inFlight` at
 * once so the log's group commit batches them) and grants each a `loan-monitoring` consent for
 * the bank: twelve months of monitoring over a year and a month.
 */
export async function grantMonitoringConsents(
  data: MonitoringBenchData, coordinator: string, operator: Transport, say: (line: string) => void, inFlight = 64,
): Promise<string[]> {
  const client = scoringClient(coordinator, operator);
  const requesterKey = Buffer.from(data.requesterKeys.identity.publicKey).toString('hex');
  const consents: string[] = new Array(data.subjects.length);
  const t = performance.now();
  let next = 0;
  try {
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < data.subjects.length) {
        const i = next++;
        const subject = data.subjects[i]!;
        const enterprise = generateIdentity();
        const record = encodeKeyBinding(bindEnterpriseKey(data.registrar, subject, enterprise.publicKey, Date.now() - 60_000));
        // The coordinator limits each caller's calls per second (lib/call-limits.ts): a refusal says when to retry.
        for (;;) {
          try {
            await call(client, client.SubmitConsentRecord, { record });
            break;
          } catch (err) {
            if (!(err instanceof FedcreditError) || err.code !== 'RATE_LIMITED') throw err;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
        consents[i] = encodeConsent(grantConsent(enterprise, {
          subject, requester: { name: 'bank-a', key: requesterKey }, dataHolders: BENCH_SITES,
          purpose: 'loan-monitoring', operations: ['score', 'explain'], validForMs: 400 * 86_400_000, maxUses: 12, dataWindow: data.dataWindow,
        }, { issuedAt: Date.now() - 60_000 }));
        if (i > 0 && i % 20_000 === 0) say(`    ${i} enterprise keys bound...`);
      }
    }));
  } finally {
    client.close();
  }
  say(`  bound ${data.subjects.length} enterprise keys and granted their consents in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return consents;
}
