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
  | 'BAD_REQUEST'
  | 'BAD_SIGNATURE'
  | 'STALE_REQUEST'
  | 'STORE_LOCKED'
  | 'STORE_MISMATCH'
  | 'NOT_FOUND'
  | 'LOG_CORRUPT'
  | 'UNKNOWN_CHECKPOINT'
  | 'TRUST_CHANGED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const GRPC_STATUS: Readonly<Record<ErrorCode, status>> = {
  INGEST_REJECTED: status.INVALID_ARGUMENT,
  INGEST_WRONG_SITE: status.FAILED_PRECONDITION,
  INGEST_MIXED_SOURCES: status.FAILED_PRECONDITION,
  BAD_REQUEST: status.INVALID_ARGUMENT,
  BAD_SIGNATURE: status.UNAUTHENTICATED,
  STALE_REQUEST: status.UNAUTHENTICATED,
  STORE_LOCKED: status.FAILED_PRECONDITION,
  STORE_MISMATCH: status.FAILED_PRECONDITION,
  NOT_FOUND: status.NOT_FOUND,
  LOG_CORRUPT: status.DATA_LOSS,
  UNKNOWN_CHECKPOINT: status.FAILED_PRECONDITION,
  TRUST_CHANGED: status.FAILED_PRECONDITION,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL: status.INTERNAL,
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
