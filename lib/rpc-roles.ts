/**
 * Who may call what: the one table of roles per RPC, applied to every service by
 * `addService` (lib/grpc.ts) before a handler runs. A method missing here does not compile
 * (the table's type is derived from the generated service definitions), and tests/security
 * calls every method with every role the table does not allow.
 *
 * Roles (certified by the federation CA, lib/federation-ca.ts):
 * - `coordinator`: the coordinator process; drives alignment and polls nodes.
 * - `site`: a data node process (tax, power, bank); registers, witnesses the log, relays PSI.
 * - `operator`: a person or tool at one party (`operator/tax`, `operator/coordinator`):
 *   ingests files, starts jobs, reads status; only at its own party.
 * - `requester`: a bank asking for scores; reaches the coordinator's query API only, never a node.
 * - `auditor`: reads the transparency log and the nodes' served records; nothing else.
 *
 * A rule per role says which callers of that role are allowed: `any` name, `self` (the name
 * must be the serving party's own, e.g. operator/tax at node tax), or `{ field }` (the name
 * must equal that request field: a node registers, cosigns and sends PSI messages only as itself).
 */
import { FedcreditError } from './errors.js';
import type { PartyIdentity, PartyRole } from './federation-ca.js';
import type { AlignmentDefinition, AlignmentHandlers } from '../proto/gen/fedcredit/v1/Alignment.js';
import type { CoordinatorDefinition, CoordinatorHandlers } from '../proto/gen/fedcredit/v1/Coordinator.js';
import type { DataNodeDefinition, DataNodeHandlers } from '../proto/gen/fedcredit/v1/DataNode.js';
import type { NodeAlignmentDefinition, NodeAlignmentHandlers } from '../proto/gen/fedcredit/v1/NodeAlignment.js';
import type { NodeAuditDefinition, NodeAuditHandlers } from '../proto/gen/fedcredit/v1/NodeAudit.js';
import type { TransparencyLogDefinition, TransparencyLogHandlers } from '../proto/gen/fedcredit/v1/TransparencyLog.js';
import type { BackupDefinition, BackupHandlers } from '../proto/gen/fedcredit/v1/Backup.js';
import type { TrainingDefinition, TrainingHandlers } from '../proto/gen/fedcredit/v1/Training.js';
import type { NodeTrainingDefinition, NodeTrainingHandlers } from '../proto/gen/fedcredit/v1/NodeTraining.js';
import type { ScoringDefinition, ScoringHandlers } from '../proto/gen/fedcredit/v1/Scoring.js';
import type { NodeScoringDefinition, NodeScoringHandlers } from '../proto/gen/fedcredit/v1/NodeScoring.js';
import type { MonitoringDefinition, MonitoringHandlers } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { NodeMonitoringDefinition, NodeMonitoringHandlers } from '../proto/gen/fedcredit/v1/NodeMonitoring.js';

export type Binding = 'any' | 'self' | { field: string };
export type RoleRule = Partial<Record<PartyRole, Binding>>;

interface ServiceDefinitions {
  Coordinator: CoordinatorDefinition;
  TransparencyLog: TransparencyLogDefinition;
  Alignment: AlignmentDefinition;
  DataNode: DataNodeDefinition;
  NodeAudit: NodeAuditDefinition;
  NodeAlignment: NodeAlignmentDefinition;
  Backup: BackupDefinition;
  Training: TrainingDefinition;
  NodeTraining: NodeTrainingDefinition;
  Scoring: ScoringDefinition;
  NodeScoring: NodeScoringDefinition;
  Monitoring: MonitoringDefinition;
  NodeMonitoring: NodeMonitoringDefinition;
}

export interface ServiceHandlers {
  Coordinator: CoordinatorHandlers;
  TransparencyLog: TransparencyLogHandlers;
  Alignment: AlignmentHandlers;
  DataNode: DataNodeHandlers;
  NodeAudit: NodeAuditHandlers;
  NodeAlignment: NodeAlignmentHandlers;
  Backup: BackupHandlers;
  Training: TrainingHandlers;
  NodeTraining: NodeTrainingHandlers;
  Scoring: ScoringHandlers;
  NodeScoring: NodeScoringHandlers;
  Monitoring: MonitoringHandlers;
  NodeMonitoring: NodeMonitoringHandlers;
}

export type ServiceName = keyof ServiceDefinitions;

/**
 * Services whose contract (proto, role rows) is fixed but that no server serves yet: every
 * party answers them UNIMPLEMENTED. Post-loan monitoring (docs/design/monitoring.md) lands in
 * steps, the contract first; its rows below are the design's, so the handlers are written
 * against them. tests/security/roles.test.ts checks that these are indeed served nowhere, and
 * calls every method of every other service with every role: take a service out of this set in
 * the commit that serves it, and those checks then cover it.
 */
export const NOT_YET_SERVED: ReadonlySet<ServiceName> = new Set<ServiceName>([]);
/** The generated definitions carry a string index signature; keep only the named methods. */
type MethodsOf<D> = keyof { [K in keyof D as string extends K ? never : K]: D[K] };
export type RpcRoleTable = { readonly [S in ServiceName]: Readonly<Record<MethodsOf<ServiceDefinitions[S]>, RoleRule>> };

const LOG_READERS: RoleRule = { site: 'any', auditor: 'any', operator: 'self' };

export const RPC_ROLES: RpcRoleTable = {
  Coordinator: {
    Health: { coordinator: 'any', site: 'any', operator: 'any', requester: 'any', auditor: 'any' },
    RegisterNode: { site: { field: 'site' } },
    ListNodes: { operator: 'self' },
    // Only the coordinator's own operator (operator/coordinator) removes a site: logged, with its reason.
    RemoveNode: { operator: 'self' },
    // The operator's overview (the console's dashboard, alarms and log pages).
    GetCoordinatorStatus: { operator: 'self' },
  },
  TransparencyLog: {
    GetLogInfo: LOG_READERS,
    GetCheckpoint: LOG_READERS,
    GetConsistencyProof: LOG_READERS,
    GetInclusionProof: LOG_READERS,
    GetEntries: LOG_READERS,
    SubmitCosignature: { site: { field: 'site' } },
  },
  Alignment: {
    RunAlignment: { operator: 'self' },
    RelayPsiMessage: { site: { field: 'from' } },
    ListAlignments: { operator: 'self', auditor: 'any' },
  },
  DataNode: {
    Health: { coordinator: 'any', operator: 'self' },
    GetCatalogue: { coordinator: 'any', operator: 'self' },
    GetRecordCounts: { coordinator: 'any', operator: 'self' },
    IngestFile: { operator: 'self' },
    GetNodeStatus: { operator: 'self' },
    ListTables: { operator: 'self' },
    ListIngests: { operator: 'self' },
    GetPolicy: { operator: 'self' },
  },
  NodeAudit: {
    GetServedRecords: { auditor: 'any', operator: 'self' },
    GetWitnessStatus: { operator: 'self' },
  },
  NodeAlignment: {
    JoinAlignment: { coordinator: 'any' },
    DeliverPsiMessage: { coordinator: 'any' },
    CommitAlignment: { coordinator: 'any' },
    AbortAlignment: { coordinator: 'any' },
    DescribeIds: { coordinator: 'any', operator: 'self' },
  },
  // A backup holds the party's stores and keys: only that party's own operator may take one.
  Backup: {
    Backup: { operator: 'self' },
  },
  // Training jobs: started by the coordinator's operator; node steps driven by the coordinator only.
  Training: {
    RunTraining: { operator: 'self' },
    ListModels: { operator: 'self' },
    // The coordinator's operator, and the operator of the model's label holder (the bank, which
    // computed the report): checked against the stored model in training/model-access.ts.
    GetModel: { operator: 'any' },
    // Job records as the coordinator's operator's console lists them (no key material).
    ListJobs: { operator: 'self' },
  },
  NodeTraining: {
    StartTraining: { coordinator: 'any' },
    // One step of the job's model kind (training/model-kind.ts).
    Step: { coordinator: 'any' },
    FinishTraining: { coordinator: 'any' },
    AbortTraining: { coordinator: 'any' },
  },
  // Consented scoring: requesters reach the coordinator's query API only; nodes answer the coordinator only.
  Scoring: {
    Score: { requester: 'any' },
    ScoreStream: { requester: 'any' },
    // Only the caller's own query entries are returned (scoring/coordinator.ts).
    GetReceipt: { requester: 'any' },
    // Key bindings and revocations are self-authenticating (registrar's or enterprise's signature).
    SubmitConsentRecord: { operator: 'self', requester: 'any' },
    // Only entries whose requester is the caller's certified name (scoring/requester-entries.ts).
    ListRequesterEntries: { requester: 'any' },
    // No metric in the answer: a bank that is not the label holder learns no AUC.
    ListQueryableModels: { requester: 'any' },
  },
  NodeScoring: {
    ComputeShares: { coordinator: 'any' },
    GetScoringStats: { operator: 'self' },
    ChainHop: { coordinator: 'any' },
  },
  // Post-loan monitoring (docs/design/monitoring.md, section 1): a requester reaches its own
  // portfolios only (the handlers check the TLS name against the portfolio's requester); the
  // coordinator's operator starts and reads runs, and lists portfolios (counts only).
  Monitoring: {
    CreatePortfolio: { requester: 'any' },
    UpdatePortfolio: { requester: 'any' },
    ListPortfolios: { requester: 'any', operator: 'self' },
    ListPortfolio: { requester: 'any' },
    // A requester: its own portfolio, at most one run a day.
    StartRun: { operator: 'self', requester: 'any' },
    ListRuns: { operator: 'self', requester: 'any' },
    GetRunReport: { operator: 'self', requester: 'any' },
    Watch: { requester: 'any' },
    // Only the caller's own rescore entries, as Scoring.GetReceipt.
    GetRescoreReceipt: { requester: 'any' },
  },
  // Nodes re-score for the coordinator only; a node's drift figures with their bins are its own operator's.
  NodeMonitoring: {
    StoreItems: { coordinator: 'any' },
    Rescore: { coordinator: 'any' },
    FinishRun: { coordinator: 'any' },
    GetDriftStatus: { operator: 'self' },
  },
};

/** The rule for one method, or undefined if the table has none (the guard then refuses). */
export function ruleFor(service: string, method: string): RoleRule | undefined {
  const rules = (RPC_ROLES as unknown as Record<string, Record<string, RoleRule> | undefined>)[service];
  return rules && Object.hasOwn(rules, method) ? rules[method] : undefined;
}

/**
 * Whether `caller` may call service/method at the party `self`; the refusal to send if not.
 * `request` is the unary request (for field bindings); streaming methods have no field bindings.
 */
export function checkCaller(service: string, method: string, caller: PartyIdentity | undefined, self: PartyIdentity, request?: unknown): FedcreditError | undefined {
  const rpc = `${service}.${method}`;
  if (!caller) return new FedcreditError('ROLE_NOT_ALLOWED', `${rpc}: the caller's certificate names no fedcredit role`);
  const rule = ruleFor(service, method);
  const binding = rule?.[caller.role];
  if (!binding) {
    const allowed = Object.keys(rule ?? {}).join(', ') || 'nobody';
    return new FedcreditError('ROLE_NOT_ALLOWED', `${rpc} is not open to role ${caller.role} (${caller.name}); allowed: ${allowed}`);
  }
  if (binding === 'self' && caller.name !== self.name) {
    return new FedcreditError('IDENTITY_MISMATCH', `${rpc}: ${caller.role}/${caller.name} may act only at its own party, this is ${self.role}/${self.name}`);
  }
  if (typeof binding === 'object') {
    const value = request !== null && typeof request === 'object' ? (request as Record<string, unknown>)[binding.field] : undefined;
    if (value !== caller.name) {
      return new FedcreditError('IDENTITY_MISMATCH', `${rpc}: ${binding.field} '${String(value).slice(0, 64)}' is not the caller's certified name '${caller.name}'`);
    }
  }
  return undefined;
}
