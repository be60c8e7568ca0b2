/**
 * Monitoring's counters at the coordinator (coordinator/metrics.ts, design 5.3): what a run's
 * batches and end add, with no requester, portfolio or enterprise in any label.
 */
import { describe, expect, it } from 'vitest';
import { PartyOps } from '../../lib/party-ops.js';
import { monitoringMetrics } from '../../coordinator/metrics.js';

describe('monitoring metrics', () => {
  it('count re-scores, skips by code, events by kind and runs by outcome, and keep the last PSI per model', async () => {
    const ops = new PartyOps('coordinator', 'coordinator');
    const observe = monitoringMetrics(ops);
    observe({ kind: 'batch', scored: 40, skipped: ['CONSENT_EXPIRED', 'CONSENT_REVOKED', 'CONSENT_EXPIRED'], events: [{ kind: 'change' }, { kind: 'skip' }, { kind: 'skip' }] as never });
    observe({ kind: 'batch', scored: 2, skipped: [], events: [] });
    observe({ kind: 'end', outcome: 'finished', seconds: 12.5, psi: 0.31, model: 'm1' });
    observe({ kind: 'end', outcome: 'failed', seconds: 1, model: 'm2' });
    const text = await ops.registry.metrics();
    const line = (re: RegExp) => text.split('\n').find((l) => re.test(l));
    expect(line(/^fedcredit_monitoring_rescored_total\{/)).toMatch(/ 42$/);
    expect(line(/^fedcredit_monitoring_skipped_total\{.*reason="CONSENT_EXPIRED"/)).toMatch(/ 2$/);
    expect(line(/^fedcredit_monitoring_events_total\{.*kind="skip"/)).toMatch(/ 2$/);
    expect(line(/^fedcredit_monitoring_runs_total\{.*outcome="finished"/)).toMatch(/ 1$/);
    expect(line(/^fedcredit_monitoring_runs_total\{.*outcome="failed"/)).toMatch(/ 1$/);
    expect(line(/^fedcredit_monitoring_last_run_seconds\{/)).toMatch(/ 1$/);
    expect(line(/^fedcredit_monitoring_psi_max\{.*model="m1"/)).toMatch(/ 0\.31$/);
    expect(text).not.toMatch(/requester=|portfolio=|subject=/);
  });
});
