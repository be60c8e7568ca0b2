/**
 * The coordinator console's reads: each a unary call through the kind's clients (deadline,
 * concurrency limit, error mapping: console/clients.ts), checked by the coordinator against
 * lib/rpc-roles.ts as the CLI's are. Pages never hold a store of their own.
 */
import { html, type Html, type HtmlValue } from '../../http/html.js';
import type { RequestContext } from '../../http/router.js';
import type { NodeStatus__Output } from '../../../proto/gen/fedcredit/v1/NodeStatus.js';
import type { CoordinatorStatus__Output } from '../../../proto/gen/fedcredit/v1/CoordinatorStatus.js';
import type { HealthResponse__Output } from '../../../proto/gen/fedcredit/v1/HealthResponse.js';
import type { LogInfo__Output } from '../../../proto/gen/fedcredit/v1/LogInfo.js';
import type { CheckpointResponse__Output } from '../../../proto/gen/fedcredit/v1/CheckpointResponse.js';
import type { JobSummary__Output } from '../../../proto/gen/fedcredit/v1/JobSummary.js';
import type { AlignmentSummary__Output } from '../../../proto/gen/fedcredit/v1/AlignmentSummary.js';
import type { RunSummary__Output } from '../../../proto/gen/fedcredit/v1/RunSummary.js';
import type { MonitoringRunReport__Output } from '../../../proto/gen/fedcredit/v1/MonitoringRunReport.js';

export async function listNodes(ctx: RequestContext): Promise<NodeStatus__Output[]> {
  const c = ctx.clients.coordinator;
  return (await ctx.clients.call(c, c.ListNodes, {})).nodes;
}

export async function coordinatorHealth(ctx: RequestContext): Promise<HealthResponse__Output> {
  const c = ctx.clients.coordinator;
  return ctx.clients.call(c, c.Health, {});
}

export async function coordinatorStatus(ctx: RequestContext): Promise<CoordinatorStatus__Output> {
  const c = ctx.clients.coordinator;
  return ctx.clients.call(c, c.GetCoordinatorStatus, {});
}

export async function logInfo(ctx: RequestContext): Promise<LogInfo__Output> {
  const c = ctx.clients.log;
  return ctx.clients.call(c, c.GetLogInfo, {});
}

export async function checkpoints(ctx: RequestContext): Promise<CheckpointResponse__Output> {
  const c = ctx.clients.log;
  return ctx.clients.call(c, c.GetCheckpoint, {});
}

export async function listJobs(ctx: RequestContext, req: { limit?: number; jobId?: string } = {}): Promise<JobSummary__Output[]> {
  const c = ctx.clients.training;
  return (await ctx.clients.call(c, c.ListJobs, { limit: req.limit ?? 0, jobId: req.jobId ?? '' })).jobs;
}

export async function listAlignments(ctx: RequestContext): Promise<AlignmentSummary__Output[]> {
  const c = ctx.clients.alignment;
  return (await ctx.clients.call(c, c.ListAlignments, {})).alignments;
}

export async function listRuns(ctx: RequestContext, limit = 100): Promise<RunSummary__Output[]> {
  const c = ctx.clients.monitoring;
  return (await ctx.clients.call(c, c.ListRuns, { portfolio: '', modelVersion: '', limit })).runs;
}

export async function runReport(ctx: RequestContext, runId: string): Promise<MonitoringRunReport__Output> {
  const c = ctx.clients.monitoring;
  return ctx.clients.call(c, c.GetRunReport, { runId });
}

/** A uint64 field (a string on the wire, --longs=String) as a number of milliseconds or a count. */
export const num = (v: string | number | undefined): number => Number(v ?? 0);

/** A message key built from a value the server sent (a stage, a level), or the value itself when the catalogue has none. */
export function word(ctx: RequestContext, prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  return ctx.t.has(key) ? ctx.t(key) : value;
}

/** Label/value rows as a two-column table (the layout's table.data); falsy rows are left out. */
export function facts(rows: readonly (readonly [string, HtmlValue] | false | null | undefined)[]): Html {
  const shown = rows.filter((r): r is readonly [string, HtmlValue] => Boolean(r));
  return html`<table class="data facts"><tbody>${shown.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`)}</tbody></table>`;
}
