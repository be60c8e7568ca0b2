/**
 * `fedcredit model show V`'s Monitoring section (docs/design/monitoring.md 5.3): the last six
 * monitoring runs with that model, for the coordinator's operator only (a label holder's
 * operator would otherwise learn other banks' portfolio sizes; the coordinator refuses anyone
 * else ListRuns of every portfolio). Run id (8 characters), requester/portfolio, as-of, scored /
 * skipped / changed, the PSI and its level, per site the largest CSI, its feature and level.
 */
import { FedcreditError } from '../lib/errors.js';
import { call } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import { monitoringClient } from '../proto/clients.js';
import type { RunSummary__Output } from '../proto/gen/fedcredit/v1/RunSummary.js';

export const MODEL_SHOW_RUNS = 6;

/** The model's last runs, or undefined when the caller is not an operator (the section is left out). */
export async function monitoringRunsOf(coordinator: string, transport: Transport, modelVersion: string): Promise<RunSummary__Output[] | undefined> {
  if (transport.kind === 'insecure' || transport.material.identity.role !== 'operator') return undefined;
  const client = monitoringClient(coordinator, transport);
  try {
    const { runs } = await call(client, client.ListRuns, { portfolio: '', modelVersion, limit: MODEL_SHOW_RUNS });
    return runs;
  } catch (err) {
    // Another party's operator: the coordinator refuses it every portfolio's runs, so there is no section.
    if (err instanceof FedcreditError && (err.code === 'IDENTITY_MISMATCH' || err.code === 'ROLE_NOT_ALLOWED')) return undefined;
    throw err;
  } finally {
    client.close();
  }
}

export function describeMonitoringRuns(runs: readonly RunSummary__Output[]): string {
  if (runs.length === 0) return '\nMonitoring: no runs with this model yet';
  const rows = runs.map((r) => {
    const psi = r.psiLevel === 'insufficient' || r.psiLevel === '' ? `PSI ${r.psiLevel || '-'}` : `PSI ${r.psi.toFixed(3)} ${r.psiLevel}`;
    const csi = r.csiMax.map((c) => `${c.site} ${c.feature} ${c.csi.toFixed(3)} ${c.level}`).join(', ');
    return `  ${r.runId.slice(0, 8)}  ${`${r.requester}/${r.portfolio}`.padEnd(24)} ${r.asOf.padEnd(7)}  ${r.stage.padEnd(8)} ` +
      `scored ${r.scored} skipped ${r.skipped} changed ${r.changed}  ${psi}${csi ? `  CSI max: ${csi}` : ''}`;
  });
  return `\nMonitoring (last ${runs.length} runs):\n${rows.join('\n')}`;
}
