/**
 * Errors every party can raise, with a stable code string that travels over gRPC.
 *
 * Callers and tests match on `code`, never on message text. Over the wire an error is a gRPC
 * status plus the code in trailing metadata (`fedcredit-error-code`); the message is meant for
 * a person and never carries a stack trace or a raw record.
 */
import { status } from '@grpc/grpc-js';

export type ErrorCode =
  | 'INGEST_REJECTED'
  | 'INGEST_WRONG_SITE'
  | 'INGEST_MIXED_SOURCES'
  | 'INGEST_DUPLICATE_FILE'
  | 'INGEST_COLUMN_CLASH'
  | 'TABLE_IN_USE'
  | 'MODEL_FEATURES_GONE'
  | 'ALIGNMENT_STALE'
  | 'BAD_REQUEST'
  | 'CONFIG_INVALID'
  | 'BAD_SIGNATURE'
  | 'STALE_REQUEST'
  | 'STORE_LOCKED'
  | 'STORE_MISMATCH'
  | 'NOT_FOUND'
  | 'LOG_CORRUPT'
  | 'UNKNOWN_CHECKPOINT'
  | 'TRUST_CHANGED'
  | 'ROLE_NOT_ALLOWED'
  | 'IDENTITY_MISMATCH'
  | 'TLS_MATERIAL'
  | 'CERT_REVOKED'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'OVERLOADED'
  | 'MESSAGE_TOO_LARGE'
  | 'TOO_MANY_STREAMS'
  | 'STREAM_IDLE'
  | 'INTERNAL'
  // Consent refusals (consent/verify.ts), one per reason a consented query is refused.
  | 'CONSENT_MALFORMED'
  | 'CONSENT_BAD_SIGNATURE'
  | 'CONSENT_KEY_NOT_BOUND'
  | 'CONSENT_EXPIRED'
  | 'CONSENT_NOT_YET_VALID'
  | 'CONSENT_WRONG_REQUESTER'
  | 'CONSENT_PURPOSE_NOT_COVERED'
  | 'CONSENT_SCOPE_NOT_COVERED'
  | 'CONSENT_REVOKED'
  | 'CONSENT_USES_EXHAUSTED'
  | 'CONSENT_REPLAYED'
  | 'UNKNOWN_ENTERPRISE'
  | 'CONSENT_NOT_REGISTERED'
  // Training (site/policy.ts, training/node.ts).
  | 'POLICY_REFUSED'
  | 'STALE_ATTEMPT'
  | 'LEASE_LOST'
  | 'SCORECARD_NO_BINS'
  // Scoring (scoring/coordinator.ts, scoring/node.ts).
  | 'MODEL_NOT_FOUND'
  | 'MODEL_KIND_NOT_SCORABLE'
  | 'TOO_FEW_SITES'
  | 'SHARE_MISSING'
  | 'QUERY_NOT_LOGGED'
  | 'MODEL_PURPOSE_MISMATCH'
  | 'EXPLANATION_TOO_LONG'
  | 'EXPLANATION_MALFORMED'
  | 'EXPLANATION_FORGED'
  | 'LOG_NOT_VERIFIED'
  | 'REGISTRATION_KEY_CONFLICT'
  | 'KEY_ROTATION_REFUSED'
  | 'NOT_REGISTERED'
  | 'REGISTRATION_NOT_CERTIFIED'
  | 'ID_TYPE_MISMATCH'
  // Post-loan monitoring (monitoring/, docs/design/monitoring.md).
  | 'PORTFOLIO_NOT_FOUND'
  | 'PORTFOLIO_ITEM_EXISTS'
  | 'INSTRUCTION_INVALID'
  | 'RUN_NOT_FOUND'
  | 'EVENT_CURSOR_INVALID'
  | 'REPLAY_UNKNOWN'
  | 'RUN_IN_PROGRESS'
  | 'WATCH_REPLACED'
  | 'JOB_NOT_RUNNING';

const GRPC_STATUS: Readonly<Record<ErrorCode, status>> = {
  INGEST_REJECTED: status.INVALID_ARGUMENT,
  INGEST_WRONG_SITE: status.FAILED_PRECONDITION,
  INGEST_MIXED_SOURCES: status.FAILED_PRECONDITION,
  INGEST_DUPLICATE_FILE: status.ALREADY_EXISTS,
  INGEST_COLUMN_CLASH: status.FAILED_PRECONDITION,
  TABLE_IN_USE: status.FAILED_PRECONDITION,
  MODEL_FEATURES_GONE: status.FAILED_PRECONDITION,
  ALIGNMENT_STALE: status.FAILED_PRECONDITION,
  BAD_REQUEST: status.INVALID_ARGUMENT,
  CONFIG_INVALID: status.INVALID_ARGUMENT,
  BAD_SIGNATURE: status.UNAUTHENTICATED,
  STALE_REQUEST: status.UNAUTHENTICATED,
  STORE_LOCKED: status.FAILED_PRECONDITION,
  STORE_MISMATCH: status.FAILED_PRECONDITION,
  NOT_FOUND: status.NOT_FOUND,
  LOG_CORRUPT: status.DATA_LOSS,
  UNKNOWN_CHECKPOINT: status.FAILED_PRECONDITION,
  TRUST_CHANGED: status.FAILED_PRECONDITION,
  ROLE_NOT_ALLOWED: status.PERMISSION_DENIED,
  IDENTITY_MISMATCH: status.PERMISSION_DENIED,
  TLS_MATERIAL: status.FAILED_PRECONDITION,
  // The peer's certificate is on the federation CA's revocation list (lib/revocation.ts): it needs a new one.
  CERT_REVOKED: status.UNAUTHENTICATED,
  UNAVAILABLE: status.UNAVAILABLE,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  OVERLOADED: status.RESOURCE_EXHAUSTED,
  // A request message over its method's size limit (lib/message-limits.ts): refused before it is buffered.
  MESSAGE_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  // A caller already holds its share of open request streams (lib/call-limits.ts).
  TOO_MANY_STREAMS: status.RESOURCE_EXHAUSTED,
  // A request stream with nothing sent or pending for its idle limit is closed; open a new one.
  STREAM_IDLE: status.DEADLINE_EXCEEDED,
  INTERNAL: status.INTERNAL,
  // The nodes of an alignment hold ids the job's id type does not fit (alignment/id-choice.ts).
  ID_TYPE_MISMATCH: status.FAILED_PRECONDITION,
  CONSENT_MALFORMED: status.INVALID_ARGUMENT,
  // Not proven to come from the enterprise (or not fresh): an authentication failure.
  CONSENT_BAD_SIGNATURE: status.UNAUTHENTICATED,
  CONSENT_KEY_NOT_BOUND: status.UNAUTHENTICATED,
  CONSENT_REPLAYED: status.UNAUTHENTICATED,
  // Authentic, but it does not permit this query: retrying unchanged cannot succeed.
  CONSENT_EXPIRED: status.PERMISSION_DENIED,
  CONSENT_WRONG_REQUESTER: status.PERMISSION_DENIED,
  CONSENT_PURPOSE_NOT_COVERED: status.PERMISSION_DENIED,
  CONSENT_SCOPE_NOT_COVERED: status.PERMISSION_DENIED,
  CONSENT_REVOKED: status.PERMISSION_DENIED,
  CONSENT_USES_EXHAUSTED: status.PERMISSION_DENIED,
  // The federation's state must change first (the consent's start, the enterprise's key registration).
  CONSENT_NOT_YET_VALID: status.FAILED_PRECONDITION,
  UNKNOWN_ENTERPRISE: status.FAILED_PRECONDITION,
  // What a requester is told for UNKNOWN_ENTERPRISE and CONSENT_KEY_NOT_BOUND alike (the log keeps which).
  CONSENT_NOT_REGISTERED: status.FAILED_PRECONDITION,
  // A node's local policy refuses the job: the operator there must change it first.
  POLICY_REFUSED: status.PERMISSION_DENIED,
  // A decryption for another try of a step: refused, never misapplied.
  STALE_ATTEMPT: status.ABORTED,
  // A training driver found its job's lease held by another driver: it stops, the other carries on.
  LEASE_LOST: status.ABORTED,
  // A scorecard site has no characteristic with two bins of the minimum size: more enterprises or a lower minimum.
  SCORECARD_NO_BINS: status.FAILED_PRECONDITION,
  MODEL_NOT_FOUND: status.NOT_FOUND,
  // A model kind whose scoring is not built yet (boosted trees until issue 16 task T4): score another model.
  MODEL_KIND_NOT_SCORABLE: status.FAILED_PRECONDITION,
  // Fewer than two sites could answer: a masked answer would reveal a single site's term.
  TOO_FEW_SITES: status.FAILED_PRECONDITION,
  // A site of the model did not answer: the other sites' masks do not cancel, no score.
  SHARE_MISSING: status.UNAVAILABLE,
  // A node was asked to serve a query the log does not hold at the index given.
  QUERY_NOT_LOGGED: status.FAILED_PRECONDITION,
  // The model was trained for another purpose than the consent's: ask with a model trained for it.
  MODEL_PURPOSE_MISMATCH: status.PERMISSION_DENIED,
  // An explanation would not fit the fixed box length: the site's feature names must change.
  EXPLANATION_TOO_LONG: status.FAILED_PRECONDITION,
  // An explanation box opened but is not one a site makes (length, record, padding).
  EXPLANATION_MALFORMED: status.DATA_LOSS,
  // An explanation box not sealed for this query, or not authenticated by the site it is said to come from.
  EXPLANATION_FORGED: status.UNAUTHENTICATED,
  // The log entries a node was given do not hash to a checkpoint it verified: it serves nothing from them.
  LOG_NOT_VERIFIED: status.FAILED_PRECONDITION,
  // A node-registration whose keys the federation CA does not certify for its site: not applied.
  REGISTRATION_NOT_CERTIFIED: status.PERMISSION_DENIED,
  // A site registered under another identity key: rotate with the old key, or the coordinator operator removes the site.
  REGISTRATION_KEY_CONFLICT: status.FAILED_PRECONDITION,
  // A key rotation not signed by the site's registered key.
  KEY_ROTATION_REFUSED: status.PERMISSION_DENIED,
  // The site has no registration at the coordinator (never registered, refused or removed).
  NOT_REGISTERED: status.NOT_FOUND,
  // The caller has no portfolio of that name: create it first (`fedcredit monitor portfolio create`).
  PORTFOLIO_NOT_FOUND: status.NOT_FOUND,
  // The enterprise is already in the portfolio: remove it first to add it under another consent.
  PORTFOLIO_ITEM_EXISTS: status.ALREADY_EXISTS,
  // A bank's monitoring instruction that does not parse, is not signed by the consent's requester key, or does not match the request: sign it again.
  INSTRUCTION_INVALID: status.UNAUTHENTICATED,
  // No monitoring run of that id (or none of the caller's): list runs with `fedcredit monitor runs`.
  RUN_NOT_FOUND: status.NOT_FOUND,
  // A Watch resume point past the newest stored event: resume from the last event id the client wrote.
  EVENT_CURSOR_INVALID: status.OUT_OF_RANGE,
  // A node was asked to replay a batch answer it has not stored (store restored from backup): start the run again as a new run.
  REPLAY_UNKNOWN: status.FAILED_PRECONDITION,
  // The portfolio has a monitoring run in progress (or a requester already ran one today): wait for it to finish (fedcredit monitor runs).
  RUN_IN_PROGRESS: status.FAILED_PRECONDITION,
  // Another client of the bank now watches this portfolio (one watcher per portfolio): this stream ends; stop the other client or reconnect to take over.
  WATCH_REPLACED: status.ALREADY_EXISTS,
  // Asked to follow a training job this coordinator is not driving (finished, failed or unknown): list jobs, or resume it (fedcredit train --resume).
  JOB_NOT_RUNNING: status.FAILED_PRECONDITION,
};

export class FedcreditError extends Error {
  override name = 'FedcreditError';
  readonly code: ErrorCode;
  /** Structured detail safe to show the caller (never raw records). */
  readonly detail: unknown;

  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message);
    this.code = code;
    this.detail = detail;
  }

  get grpcStatus(): status {
    return GRPC_STATUS[this.code];
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(GRPC_STATUS, value);
}
