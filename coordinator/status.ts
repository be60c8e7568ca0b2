/**
 * `Coordinator.GetCoordinatorStatus`: the coordinator operator's overview in one call (the
 * console's dashboard, /alarms and /log pages; docs/design/console.md section 5): the log's size
 * and its final (quorum-cosigned) size and age, each witness's last cosignature and lag, the
 * alarms the coordinator can see from where it stands, and how many nodes are up.
 *
 * What the coordinator sees is what it observes, so the alarms are observations, not verdicts:
 * - NODE_ALARM: a node's Health says ALARM (its log witness refused one of our checkpoints:
 *   a split view or rollback as that node sees it; the node's own status says which);
 * - NODE_UNREACHABLE, NODE_KEY_CONFLICT: the health poll (coordinator/registrations.ts);
 * - WITNESS_LAG: a witness has not cosigned for `lagAlarmMs` while the log grew past what it cosigned;
 * - FINAL_STALE: the log grew and no checkpoint covering it became final for `lagAlarmMs`.
 * A witness's last cosignature comes from this process's memory (log/service.ts
 * `witnessCosigned`) or from the final note's cosignature lines, whichever is newer, so after a
 * restart the witnesses outside the last quorum read as "none seen" until they cosign again.
 * `since_ms` is when this process first saw the alarm's condition (kept in memory).
 */
import { openCheckpoint, verifyCosignatures } from '../log/checkpoint.js';
import { witnessKeyName } from '../log/entries.js';
import type { CoordinatorLog } from '../log/service.js';
import type { NodeRegistry } from '../registration/registry.js';
import type { CoordinatorStatus } from '../proto/gen/fedcredit/v1/CoordinatorStatus.js';
import type { CoordinatorAlarm } from '../proto/gen/fedcredit/v1/CoordinatorAlarm.js';

/** How long a witness may stay silent (or the final size stay behind) before it is an alarm. */
export const DEFAULT_LAG_ALARM_MS = 60_000;

export interface StatusContext {
  registry: NodeRegistry;
  transparencyLog: CoordinatorLog;
  /** When this coordinator started (a witness that never cosigned lags from then). */
  startedAt: number;
  lagAlarmMs?: number;
  now?: () => number;
}

const DOWN_HEALTH: Record<string, string> = {
  UNREACHABLE: 'NODE_UNREACHABLE', KEY_CONFLICT: 'NODE_KEY_CONFLICT', KEY_MISMATCH: 'NODE_KEY_CONFLICT',
};

export class CoordinatorStatusView {
  /** Alarm key (code/site) -> when this process first saw it. */
  readonly #since = new Map<string, number>();

  constructor(private readonly ctx: StatusContext) {}

  async status(): Promise<CoordinatorStatus> {
    const { registry, transparencyLog: clog } = this.ctx;
    const now = this.ctx.now?.() ?? Date.now();
    const lagMs = this.ctx.lagAlarmMs ?? DEFAULT_LAG_ALARM_MS;
    const logSize = clog.store.size;
    const witnesses = await clog.witnessNodes();
    const cosigned = new Map(clog.witnessCosigned);
    let finalSize = 0;
    let finalMs = 0;
    const finalNote = await clog.store.latestCosignedCheckpoint();
    if (finalNote !== undefined) {
      const opened = openCheckpoint(finalNote, { origin: clog.origin, key: clog.logKey });
      if (opened.ok) {
        finalSize = opened.checkpoint.size;
        const report = verifyCosignatures(finalNote, witnesses.map((w) => ({ name: witnessKeyName(w.site), publicKey: w.publicKey })));
        for (const v of report.valid) {
          const site = witnesses.find((w) => witnessKeyName(w.site) === v.name)?.site;
          const timeMs = Number(v.timestamp) * 1000;
          finalMs = Math.max(finalMs, timeMs);
          if (site !== undefined && finalSize >= (cosigned.get(site)?.size ?? -1)) cosigned.set(site, { size: finalSize, timeMs: Math.max(timeMs, cosigned.get(site)?.timeMs ?? 0) });
        }
      }
    }
    const alarms: (CoordinatorAlarm & { key: string })[] = [];
    const alarm = (code: string, site: string, message: string) => alarms.push({ key: `${code}/${site}`, code, site, message });

    const witnessStates = witnesses.map((w) => {
      const seen = cosigned.get(w.site);
      const size = seen?.size ?? 0;
      const lag = Math.max(0, logSize - size);
      const silentSince = seen?.timeMs ?? this.ctx.startedAt;
      if (lag > 0 && now - silentSince >= lagMs) {
        alarm('WITNESS_LAG', w.site, seen
          ? `${w.site} last cosigned size ${size} ${Math.round((now - seen.timeMs) / 1000)} s ago; the log is at ${logSize} (${lag} entries behind)`
          : `${w.site} has cosigned no checkpoint since the coordinator started; the log is at ${logSize}`);
      }
      return { site: w.site, cosignedSize: String(size), cosignedMs: String(seen?.timeMs ?? 0), lagEntries: String(lag) };
    });
    if (logSize > finalSize && now - (finalMs || this.ctx.startedAt) >= lagMs) {
      alarm('FINAL_STALE', '', finalMs
        ? `the final checkpoint (size ${finalSize}) is ${Math.round((now - finalMs) / 1000)} s old and the log is at ${logSize}: the witness quorum is not cosigning`
        : `no checkpoint is final yet and the log is at ${logSize}: the witness quorum is not cosigning`);
    }

    const nodes = { up: 0, down: 0, unknown: 0 };
    for (const n of await registry.list()) {
      const h = registry.healthOf(n.site);
      const health = registry.keyConflict(n.site) ? 'KEY_CONFLICT' : h.health;
      if (health === 'UNKNOWN') nodes.unknown++;
      else if (health === 'SERVING' || health === 'ALARM') nodes.up++;
      else nodes.down++;
      if (health === 'ALARM') alarm('NODE_ALARM', n.site, `${n.site} reports ALARM: its log witness refused a checkpoint of this coordinator${h.lastError ? ` (${h.lastError})` : ''}; see \`fedcredit node status\` at ${n.site}`);
      else if (DOWN_HEALTH[health]) alarm(DOWN_HEALTH[health], n.site, `${n.site}: ${health}${h.lastError ? `: ${h.lastError}` : ''}`);
      else if (health !== 'SERVING' && health !== 'UNKNOWN') alarm('NODE_UNREACHABLE', n.site, `${n.site} answers ${health}${h.lastError ? `: ${h.lastError}` : ''}`);
    }

    // since_ms: first seen by this process; conditions that cleared are forgotten.
    const current = new Set(alarms.map((a) => a.key));
    for (const key of [...this.#since.keys()]) if (!current.has(key)) this.#since.delete(key);
    for (const a of alarms) if (!this.#since.has(a.key)) this.#since.set(a.key, now);
    return {
      logSize: String(logSize),
      finalSize: String(finalSize),
      finalAgeMs: String(finalMs ? Math.max(0, now - finalMs) : 0),
      witnesses: witnessStates,
      alarms: alarms.map(({ key, ...a }) => ({ ...a, sinceMs: String(this.#since.get(key) ?? now) })),
      nodes,
      quorum: await clog.quorum(),
    };
  }
}
