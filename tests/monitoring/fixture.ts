/**
 * A monitoring federation for tests, on tests/scoring/fixture.ts (nodes as real processes, the
 * coordinator in this process): the model m1 marked for general credit scoring (so it serves
 * `loan-monitoring`), the coordinator restarted with the test's monitoring options, bank-a's
 * Monitoring client over its own mutual-TLS certificate, and helpers to consent, sign
 * instructions and run.
 */
import * as grpc from '@grpc/grpc-js';
import { call } from '../../lib/grpc.js';
import { monitoringClient } from '../../proto/clients.js';
import type { MonitoringClient } from '../../proto/gen/fedcredit/v1/Monitoring.js';
import type { RunProgress__Output } from '../../proto/gen/fedcredit/v1/RunProgress.js';
import { signSealingKey } from '../../scoring/protocol.js';
import { signInstruction } from '../../monitoring/instruction.js';
import type { Consent } from '../../consent/verify.js';
import type { CoordinatorMonitoringOptions } from '../../coordinator/monitoring.js';
import type { CoordinatorOptions } from '../../coordinator/server.js';
import { MODEL, scoringFixture, SITES, type ScoringFixture } from '../scoring/fixture.js';
import { until } from '../helpers/wait.js';

export const DAY = 86_400_000;

export interface MonitoringFixture {
  readonly fx: ScoringFixture;
  client(): MonitoringClient;
  /** A consent for loan-monitoring of bank-a over every site (the enterprise's key registered first). */
  consent(subject: string, o?: { validUntilMs?: number; maxUses?: number }): Promise<Consent>;
  add(portfolio: string, consents: readonly Consent[]): Promise<{ subject: string; ok: boolean; code: string; logIndex: string }[]>;
  createPortfolio(name: string): Promise<void>;
  /** StartRun over gRPC; resolves with every progress message. */
  startRun(portfolio: string, asOf?: string): Promise<RunProgress__Output[]>;
  /** Waits until the coordinator knows every site's as-of month (from the health poll). */
  asOfKnown(): Promise<void>;
  /** `extra`: further coordinator options (e.g. `http` for its metrics endpoint). */
  restart(monitoring: CoordinatorMonitoringOptions, extra?: Partial<CoordinatorOptions>): Promise<void>;
  stop(): Promise<void>;
}

export async function monitoringFixture(name: string, monitoring: CoordinatorMonitoringOptions, opts: { enterprises?: number; driftReference?: boolean } = {}): Promise<MonitoringFixture> {
  const fx = await scoringFixture(name, opts);
  const m1 = await fx.coordinator.models.get(MODEL);
  await fx.coordinator.models.put({ ...m1!, purpose: 'credit-scoring' });
  let client: MonitoringClient | undefined;
  const keys = fx.requesterKeys;
  const mf: MonitoringFixture = {
    fx,
    client() {
      client ??= monitoringClient(fx.coordinator.address, fx.fed.as('bank-a'));
      return client;
    },
    async consent(subject, o = {}) {
      await fx.register(subject);
      const issuedAt = Date.now() - 60_000;
      return fx.grant(subject, { purpose: 'loan-monitoring', maxUses: o.maxUses ?? 12, validForMs: (o.validUntilMs ?? Date.now() + 30 * DAY) - issuedAt }, issuedAt);
    },
    async createPortfolio(portfolio) {
      const c = mf.client();
      await call(c, c.CreatePortfolio, {
        portfolio, modelVersion: MODEL, sealingKey: Buffer.from(keys.sealing.publicKey),
        sealingKeySignature: Buffer.from(signSealingKey(keys.identity, 'bank-a', keys.sealing.publicKey)), schedule: '',
      });
    },
    async add(portfolio, consents) {
      const c = mf.client();
      const res = await call(c, c.UpdatePortfolio, {
        portfolio, removes: [],
        adds: consents.map((k) => {
          const i = signInstruction(keys.identity, k, { op: 'add', portfolio });
          return { consent: fx.consentText(k), instruction: Buffer.from(i.text), signature: Buffer.from(i.signature) };
        }),
      });
      return res.results.map((r) => ({ subject: r.subject, ok: r.ok, code: r.code, logIndex: r.logIndex }));
    },
    startRun(portfolio, asOf = '') {
      const c = mf.client();
      return new Promise((resolve, reject) => {
        const seen: RunProgress__Output[] = [];
        const s = c.StartRun({ portfolio, asOf, reason: 'test' });
        s.on('data', (p: RunProgress__Output) => seen.push(p));
        s.on('error', (e: grpc.ServiceError) => reject(e));
        s.on('end', () => resolve(seen));
      });
    },
    async asOfKnown() {
      await until(() => SITES.every((s) => fx.coordinator.monitoring.siteAsOf(s) !== undefined), 'every site\'s as-of month from its health');
    },
    async restart(options, extra = {}) {
      client?.close();
      client = undefined;
      await fx.restartCoordinator({ ...extra, monitoring: options });
    },
    async stop() {
      client?.close();
      await fx.stop();
    },
  };
  await mf.restart(monitoring);
  return mf;
}
