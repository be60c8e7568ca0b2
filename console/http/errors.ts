/**
 * Failures the console itself raises (not the party's server): an HTTP status and a stable
 * code shown on the error page, like the codes of lib/errors.ts that gRPC errors carry.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { FedcreditError } from '../../lib/errors.js';

export type ConsoleErrorCode = 'CSRF_REFUSED' | 'TOO_LARGE' | 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_REQUEST' | 'METHOD_NOT_ALLOWED' | 'BUSY';

export class ConsoleError extends Error {
  override name = 'ConsoleError';
  constructor(readonly code: ConsoleErrorCode, readonly httpStatus: number, message: string) {
    super(message);
  }
}

/** The HTTP status for a party's error: refused calls are 403, missing items 404, an unreachable party 502. */
export function httpStatusOf(err: FedcreditError): number {
  const s = (err.detail as { grpcStatus?: number } | undefined)?.grpcStatus ?? err.grpcStatus;
  switch (s) {
    case grpcStatus.PERMISSION_DENIED: case grpcStatus.UNAUTHENTICATED: return 403;
    case grpcStatus.NOT_FOUND: return 404;
    case grpcStatus.INVALID_ARGUMENT: case grpcStatus.FAILED_PRECONDITION: case grpcStatus.OUT_OF_RANGE: return 400;
    case grpcStatus.ALREADY_EXISTS: case grpcStatus.ABORTED: return 409;
    case grpcStatus.RESOURCE_EXHAUSTED: return 429;
    case grpcStatus.UNAVAILABLE: case grpcStatus.DEADLINE_EXCEEDED: return 502;
    default: return 500;
  }
}
