/**
 * The coordinator's Prometheus gauges and training progress (issue 17). Labels are health
 * words and training stage names (the fixed set in proto/fedcredit/v1/training.proto), never a
 * job's data, a site's record or an enterprise id.
 */
import type * as grpc from '@grpc/grpc-js';
import type { PartyOps } from '../lib/party-ops.js';
import type { CoordinatorLog } from '../log/service.js';
import type { TrainingHandlers } from '../proto/gen/fedcredit/v1/Training.js';
import type { TrainingProgress } from '../proto/gen/fedcredit/v1/TrainingProgress.js';
import type { NodeRegistry } from '../registration/registry.js';
import type { ModelRegistry } from '../training/model-registry.js';
import type { RunDriverOptions } from '../monitoring/run-driver.js';

export function addCoordinatorGauges(ops: PartyOps, src: { transparencyLog: CoordinatorLog; registry: NodeRegistry; models: ModelRegistry }): void {
  ops.gauge('fedcredit_log_size', 'Entries in the transparency log', () => src.transparencyLog.store.size);
  ops.gauge('fedcredit_log_append_writes', 'Synced writes of log entries since the coordinator started (one fsync each; concurrent appends share one)', () => src.transparencyLog.store.appendStats.writes);
  ops.gauge('fedcredit_log_appended_bytes', 'Bytes of log entries appended since the coordinator started', () => src.transparencyLog.store.appendStats.bytes);
  ops.gauge('fedcredit_registered_nodes', 'Registered data nodes, by their last polled health', async () => {
    const byHealth: Record<string, number> = {};
    for (const n of await src.registry.list()) {
      const { health } = src.registry.healthOf(n.site);
      byHealth[health] = (byHealth[health] ?? 0) + 1;
    }
    return byHealth;
  }, 'health');
  ops.gauge('fedcredit_models', 'Models trained and stored', async () => (await src.models.list()).length);
}

/** The Training service, counting the progress it streams (stages, epochs) and the jobs being followed. */
export function trainingWithMetrics(handlers: TrainingHandlers, ops: PartyOps): TrainingHandlers {
  const progress = ops.counter('fedcredit_training_progress_total', 'Training progress messages streamed to operators, by stage (accepted, started, prepared, epoch, retrying, finished)', ['stage']);
  let following = 0;
  let lastEpoch = 0;
  ops.gauge('fedcredit_training_streams', 'Training jobs an operator is following right now (RunTraining streams open)', () => following);
  ops.gauge('fedcredit_training_last_epoch', 'The last epoch any training job reported', () => lastEpoch);
  const run = handlers.RunTraining as grpc.handleServerStreamingCall<unknown, TrainingProgress>;
  return {
    ...handlers,
    RunTraining: ((stream: grpc.ServerWritableStream<unknown, TrainingProgress>) => {
      following++;
      let open = true;
      const closed = () => {
        if (open) following--;
        open = false;
      };
      for (const event of ['finish', 'close', 'cancelled', 'error']) stream.once(event, closed);
      const write = stream.write.bind(stream) as (p: TrainingProgress) => boolean;
      (stream as { write: (p: TrainingProgress) => boolean }).write = (p) => {
        if (p.stage) progress.inc({ stage: p.stage });
        if (p.stage === 'epoch' && typeof p.epoch === 'number') lastEpoch = p.epoch;
        return write(p);
      };
      run(stream);
    }) as TrainingHandlers['RunTraining'],
  };
}

type RunObservation = Parameters<NonNullable<RunDriverOptions['observe']>>[0];

/**
 * Post-loan monitoring's counters (docs/design/monitoring.md 5.3). Labels are outcomes, codes,
 * event kinds and model versions: never a requester, a portfolio or an enterprise.
 */
export function monitoringMetrics(ops: PartyOps, wire?: () => { toNodes: number; fromNodes: number }): (o: RunObservation) => void {
  if (wire) ops.gauge('fedcredit_monitoring_stream_bytes', 'Payload bytes of re-scoring batches sent to and answered by the nodes since the coordinator started, by direction (to_nodes, from_nodes)', () => ({ to_nodes: wire().toNodes, from_nodes: wire().fromNodes }), 'direction');
  const runs = ops.counter('fedcredit_monitoring_runs_total', 'Monitoring runs ended, by outcome (finished, failed)', ['outcome']);
  const rescored = ops.counter('fedcredit_monitoring_rescored_total', 'Enterprises re-scored by monitoring runs', []);
  const skipped = ops.counter('fedcredit_monitoring_skipped_total', 'Enterprises a monitoring run skipped, by reason (an error code)', ['reason']);
  const events = ops.counter('fedcredit_monitoring_events_total', 'Monitoring events written for the banks, by kind (change, skip, resumed)', ['kind']);
  let lastSeconds = 0;
  const psi = new Map<string, number>();
  ops.gauge('fedcredit_monitoring_last_run_seconds', 'How long the last monitoring run took', () => lastSeconds);
  ops.gauge('fedcredit_monitoring_psi_max', 'PSI of the scores in the last finished run of each model (0 while too few items)', () => Object.fromEntries(psi), 'model');
  return (o) => {
    if (o.kind === 'batch') {
      if (o.scored > 0) rescored.inc({}, o.scored);
      for (const code of o.skipped) skipped.inc({ reason: code });
      for (const e of o.events) events.inc({ kind: e.kind });
      return;
    }
    runs.inc({ outcome: o.outcome });
    lastSeconds = o.seconds;
    if (o.outcome === 'finished') psi.set(o.model, o.psi ?? 0);
  };
}
