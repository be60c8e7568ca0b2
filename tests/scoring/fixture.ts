/**
 * A scoring federation for tests: simulated records ingested into three node stores, a pooled
 * plaintext logistic regression trained by the test (a fixture: the real model comes from
 * federated training) and split into each site's SiteModel part, a model entry at the
 * coordinator, a registrar trusted by every party, enterprises with registered keys, and a
 * requester bank with its keys. Nodes run as real processes; the coordinator runs in this
 * process so tests can observe what it sees.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { identityFromSeed, type Identity } from '../../crypto/identity.js';
import { startCoordinator, type CoordinatorOptions, type RunningCoordinator } from '../../coordinator/server.js';
import { ModelRegistry } from '../../training/model-registry.js';
import type { ScoringObservation } from '../../scoring/coordinator.js';
import { bindEnterpriseKey, encodeConsent, encodeKeyBinding, grantConsent, type Consent, type ConsentTerms } from '../../consent/verify.js';
import { fitPreprocessing, transformRows } from '../../preprocessing/fit.js';
import { LEGACY_PREPROCESSING } from '../../preprocessing/spec.js';
import { predictLogit, trainLogReg } from '../../models/lr/plain-logreg.js';
import { RECORD_KINDS, type Site } from '../../schema/site-schema.js';
import { writeTrustedRegistrars } from '../../scoring/protocol.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { ingestFile } from '../../node/ingest.js';
import { saveSiteModel, type SiteModel } from '../../site/model-store.js';
import { bytesToFloat64, NodeStore } from '../../site/store.js';
import { featureDataWindow } from '../../features/index.js';
import { generateFederation } from '../../sim/generate.js';
import { loadRequesterKeys, type RequesterKeys } from '../../scoring/requester-keys.js';
import { ScoringSession, submitConsentRecord } from '../../scoring/requester.js';
import { DEFAULT_SCORE_SCALE } from '../../scoring/score-scale.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { until } from '../helpers/wait.js';
import { freePort } from '../../lib/party-processes.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { referenceFrom, REFERENCE_MIN_CELL } from '../../monitoring/drift.js';
import { scoreBinsOf } from '../../evaluation/curves.js';
import { DEFAULT_MIN_CELL_SIZE } from '../../evaluation/model-evaluation.js';
import { pointsFromLogit } from '../../scoring/score-scale.js';

export const SITES: Site[] = ['tax', 'power', 'bank'];
const FILES: Record<Site, (keyof typeof RECORD_KINDS)[]> = { tax: ['tax_rating', 'vat_filing'], power: ['power_bill'], bank: ['loan', 'repayment'] };
export const MODEL = 'm1';
/** m1 again, with the bank's feature names longer than an explanation holds ('m-1': ordered before m1, so never the latest). */
export const LONG_NAMES_MODEL = 'm-1';
export const DAY = 86_400_000;

export interface PooledModel {
  /** Joint logit the pooled model gives an enterprise (baseline for a site without records). */
  logit(id: string): number;
  /** Each site's partial term for an enterprise (what must never reach the coordinator). */
  partial(site: Site, id: string): number;
}

export interface ScoringFixture {
  dir: string;
  fed: TestFederation;
  coordinator: RunningCoordinator;
  nodes: Map<Site, SpawnedParty>;
  observed: ScoringObservation[];
  registrar: Identity;
  requesterKeys: RequesterKeys;
  session: ScoringSession;
  pooled: PooledModel;
  /** Enterprises every site holds, and some held by only some sites. */
  inAll: string[];
  partial: string[];
  /** The months the sites' features read (the union of their windows): what fx.grant consents to unless told. */
  dataWindow: { from: string; to: string };
  enterpriseKey(subject: string): Identity;
  /** Registers the enterprise's key (a logged key binding) if not yet done. */
  register(subject: string): Promise<void>;
  grant(subject: string, overrides?: Partial<ConsentTerms>, issuedAt?: number, signer?: Identity): Consent;
  consentText(c: Consent): string;
  /** Starts a node process; `extraArgs` are added to `node serve` (e.g. a --policy file). */
  startNode(site: Site, extraArgs?: readonly string[]): Promise<SpawnedParty>;
  restartCoordinator(extra: Partial<CoordinatorOptions>): Promise<void>;
  stop(): Promise<void>;
}

export async function scoringFixture(name: string, opts: {
  enterprises?: number; nodeArgs?: readonly string[];
  /**
   * Drift references, as training makes them (post-loan monitoring's PSI and CSI): each part's
   * `driftReference` from training/node.ts's referenceFrom over the training rows, and m1's
   * evaluation report's `scoreBins` from scoreBinsOf over the pooled model's points. The
   * fixture has no validation split: the points are the training rows' (the same firms).
   */
  driftReference?: boolean;
} = {}): Promise<ScoringFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fedcredit-${name}-`));
  await generateFederation({ enterprises: opts.enterprises ?? 300, seed: `scoring-${name}`, outDir: path.join(dir, 'sites') });
  const fed = await testFederation(dir);
  const nodeDir = (site: Site) => path.join(dir, `node-${site}`);

  // Records into each site's own store (offline ingest), then the test's pooled model.
  const vectors = new Map<Site, Map<string, Float64Array>>();
  const names = new Map<Site, string[]>();
  const windows: { from: string; to: string }[] = [];
  const labels = new Map<string, number>();
  for (const site of SITES) {
    const store = await NodeStore.open(nodeDir(site), site);
    try {
      for (const [i, kind] of FILES[site].entries()) {
        await ingestFile(store, path.join(dir, 'sites', site, RECORD_KINDS[kind].fileName), { skipFeatures: i < FILES[site].length - 1 });
      }
      const meta = await store.getMeta();
      names.set(site, (meta.catalogue ?? []).map((f) => f.name));
      windows.push(featureDataWindow(site, meta.asOf!));
      const m = new Map<string, Float64Array>();
      for await (const [id, bytes] of store.features.iterator()) m.set(id, bytesToFloat64(bytes));
      vectors.set(site, m);
      if (site === 'bank') for await (const [id, y] of store.labels.iterator()) labels.set(id, Number(y));
    } finally {
      await store.close();
    }
  }
  const dataWindow = { from: windows.map((w) => w.from).sort()[0]!, to: windows.map((w) => w.to).sort().at(-1)! };
  const inAll = [...vectors.get('bank')!.keys()].filter((id) => labels.has(id) && SITES.every((s) => vectors.get(s)!.has(id))).sort();
  const rows = inAll.map((id) => Float64Array.from(SITES.flatMap((s) => [...vectors.get(s)!.get(id)!])));
  // A feature undefined for an enterprise is NaN in its vector. The parts written below carry no
  // preprocessing, so the nodes score them as parts from before it: the mean fill, standardized.
  const legacy = fitPreprocessing(rows, rows[0]!.length, LEGACY_PREPROCESSING);
  const standardizer = { mean: Float64Array.from(legacy.columns, (c) => c.mean), std: Float64Array.from(legacy.columns, (c) => c.std) };
  const model = trainLogReg(transformRows(legacy, rows), inAll.map((id) => labels.get(id)!), { epochs: 200 });
  const parts = new Map<Site, SiteModel>();
  let offset = 0;
  for (const site of SITES) {
    const n = names.get(site)!.length;
    const idx = [...Array(n).keys()];
    const mean = idx.map((i) => standardizer.mean[offset + i]!);
    const std = idx.map((i) => standardizer.std[offset + i]!);
    const weights = idx.map((i) => model.weights[offset + i]!);
    const term = (v: Float64Array) => idx.reduce((acc, i) => acc + (Number.isNaN(v[i]!) ? 0 : weights[i]! * (v[i]! - mean[i]!) / (std[i]! > 0 ? std[i]! : 1)), site === 'bank' ? model.bias : 0);
    const baseline = inAll.reduce((acc, id) => acc + term(vectors.get(site)!.get(id)!), 0) / inAll.length;
    parts.set(site, {
      modelVersion: MODEL, jobId: 'test-fixture', site, alignmentId: 'test-fixture', role: site === 'bank' ? 'bank' : 'passive',
      features: names.get(site)!, featureIndexes: idx, mean, std, clip: 1e9, weights,
      ...(site === 'bank' ? { intercept: model.bias } : {}), baseline, createdAt: new Date().toISOString(),
      ...(opts.driftReference ? { driftReference: names.get(site)!.map((f, j) => referenceFrom(Float64Array.from(inAll, (id) => vectors.get(site)!.get(id)![j]!), f, REFERENCE_MIN_CELL)) } : {}),
    });
    offset += n;
  }
  const partialOf = (site: Site, id: string): number => {
    const p = parts.get(site)!;
    const v = vectors.get(site)!.get(id);
    if (!v) return p.baseline;
    return p.featureIndexes.reduce((acc, i, f) => acc + (Number.isNaN(v[i]!) ? 0 : p.weights[f]! * (v[i]! - p.mean[f]!) / (p.std[f]! > 0 ? p.std[f]! : 1)), p.intercept ?? 0);
  };
  const pooled: PooledModel = { partial: partialOf, logit: (id) => SITES.reduce((acc, s) => acc + partialOf(s, id), 0) };
  // Sanity: the split equals the pooled model on an enterprise every site holds.
  const probe = inAll[0]!;
  const direct = predictLogit(model, transformRows(legacy, [rows[0]!])[0]!); // rows[0] is probe's
  if (Math.abs(direct - pooled.logit(probe)) > 1e-9) throw new Error(`fixture: split model ${pooled.logit(probe)} != pooled ${direct}`);
  for (const site of SITES) {
    const store = await NodeStore.open(nodeDir(site), site);
    await saveSiteModel(store, parts.get(site)!);
    // The same model with the bank's feature names too long for an explanation box (scoring/sealed-explanation.ts).
    const part = parts.get(site)!;
    await saveSiteModel(store, { ...part, modelVersion: LONG_NAMES_MODEL, features: site === 'bank' ? part.features.map((f) => `${f}_${'x'.repeat(64)}`) : part.features });
    await store.close();
  }
  const coordinatorDir = path.join(dir, 'coordinator');
  const registry = await ModelRegistry.open(coordinatorDir);
  await registry.put({
    modelVersion: MODEL, jobId: 'test-fixture', alignmentId: 'test-fixture', purpose: 'credit-assessment',
    sites: SITES.map((s) => ({ site: s, role: s === 'bank' ? 'bank' : 'passive', featureCount: names.get(s)!.length })),
    params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, createdAt: new Date().toISOString(),
    metrics: opts.driftReference ? { report: { scoreBins: scoreBinsOf(Float64Array.from(inAll, (id) => pointsFromLogit(pooled.logit(id))), DEFAULT_MIN_CELL_SIZE) } } : {},
  });
  await registry.put({
    modelVersion: LONG_NAMES_MODEL, jobId: 'test-fixture-long-names', alignmentId: 'test-fixture', purpose: 'credit-assessment',
    sites: SITES.map((s) => ({ site: s, role: s === 'bank' ? 'bank' : 'passive', featureCount: names.get(s)!.length })),
    params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, metrics: {}, createdAt: new Date().toISOString(),
  });
  // A bank-only model: one site's answer alone would be its partial term in the clear.
  await registry.put({
    modelVersion: 'm0', jobId: 'test-fixture-bank-only', alignmentId: 'test-fixture', purpose: 'credit-assessment',
    sites: [{ site: 'bank', role: 'bank', featureCount: names.get('bank')!.length }], params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, metrics: {}, createdAt: new Date().toISOString(),
  });
  await registry.close();

  const registrar = identityFromSeed(new Uint8Array(32).fill(7));
  for (const d of [coordinatorDir, ...SITES.map(nodeDir)]) writeTrustedRegistrars(d, [registrar.publicKey]);

  const observed: ScoringObservation[] = [];
  const coordinatorOptions = (extra: Partial<CoordinatorOptions> = {}, port = 0): CoordinatorOptions => ({
    dataDir: coordinatorDir, transport: fed.as('coordinator'), log: () => undefined, port, checkpointIntervalMs: 200,
    onScoring: (o) => observed.push(o), resumeTraining: false, ...extra,
  });
  // Below the ephemeral range (freePort): restartCoordinator listens on it again, and a port from
  // listen(0) can be taken by an outgoing connection while the coordinator is down.
  let coordinator = await startCoordinator(coordinatorOptions({}, await freePort()));
  const nodes = new Map<Site, SpawnedParty>();
  const startNode = (site: Site, extraArgs: readonly string[] = []) => spawnParty(`node ${site}`, [
    'node', 'serve', '--site', site, '--data', nodeDir(site), '--port', '0', '--coordinator', coordinator.address, ...fed.tls(site), ...extraArgs,
  ]);
  for (const site of SITES) nodes.set(site, await startNode(site, opts.nodeArgs));
  let listed: { site: string; address: string }[] = [];
  await until(async () => {
    listed = await coordinator.registry.list();
    return SITES.every((s) => listed.some((n) => n.site === s && n.address === nodes.get(s)!.address));
  }, 'every node to register at its address', { detail: () => JSON.stringify(listed.map((n) => [n.site, n.address])) });

  const requesterKeys = loadRequesterKeys(path.join(dir, 'requester-keys'));
  const session = new ScoringSession(coordinator.address, fed.as('bank-a'), requesterKeys);
  const registered = new Set<string>();
  const enterpriseKey = (subject: string) => identityFromSeed(new Uint8Array(Buffer.from(subject.padEnd(32, '#').slice(0, 32), 'latin1')));
  const fixture: ScoringFixture = {
    dir, fed, coordinator, nodes, observed, registrar, requesterKeys, session, pooled,
    inAll, dataWindow,
    partial: [...new Set([...vectors.get('tax')!.keys(), ...vectors.get('power')!.keys(), ...vectors.get('bank')!.keys()])].filter((id) => !inAll.includes(id)).sort(),
    enterpriseKey,
    async register(subject) {
      if (registered.has(subject)) return;
      const binding = bindEnterpriseKey(registrar, subject, enterpriseKey(subject).publicKey, Date.now() - DAY);
      await submitConsentRecord(fixture.coordinator.address, fed.as('coordinator-operator'), encodeKeyBinding(binding));
      registered.add(subject);
    },
    grant(subject, overrides = {}, issuedAt = Date.now() - 60_000, signer = enterpriseKey(subject)) {
      return grantConsent(signer, {
        subject, requester: { name: 'bank-a', key: Buffer.from(requesterKeys.identity.publicKey).toString('hex') },
        dataHolders: SITES, purpose: 'credit-assessment', operations: ['score', 'explain'], validForMs: 30 * DAY, maxUses: 5, dataWindow, ...overrides,
      }, { issuedAt });
    },
    consentText: (c) => encodeConsent(c),
    startNode,
    async restartCoordinator(extra) {
      const port = coordinator.port;
      await coordinator.stop();
      coordinator = await startCoordinator(coordinatorOptions(extra, port));
      fixture.coordinator = coordinator;
    },
    async stop() {
      session.close();
      await Promise.all([...nodes.values()].map((n) => n.stop()));
      await coordinator.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}
