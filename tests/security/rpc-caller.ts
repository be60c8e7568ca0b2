/**
 * Calls any method of any fedcredit service with raw bytes-level control (request, identity,
 * TLS credentials), so the security tests can call every RPC the same way whatever its
 * streaming shape, and read back the gRPC status and the stable error code.
 */
import * as grpc from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY, channelOptions, loadProto } from '../../lib/grpc.js';

export interface CallOutcome {
  /** gRPC status code (0 = OK). */
  code: number;
  /** The fedcredit error code from the trailer, if the server sent one. */
  errorCode: string | undefined;
  details: string;
}

export interface ServiceMethod {
  service: string;
  method: string;
  definition: grpc.MethodDefinition<object, unknown>;
}

/** Every method of every service in the loaded fedcredit.v1 package. */
export function allServiceMethods(): ServiceMethod[] {
  const pkg = loadProto().fedcredit.v1 as unknown as Record<string, { service?: grpc.ServiceDefinition }>;
  return Object.entries(pkg).flatMap(([service, value]) => {
    if (typeof value !== 'function' || !value.service) return [];
    return Object.entries(value.service).map(([method, definition]) => ({ service, method, definition: definition as grpc.MethodDefinition<object, unknown> }));
  });
}

function outcome(err: grpc.ServiceError | null): CallOutcome {
  if (!err) return { code: 0, errorCode: undefined, details: '' };
  const value = err.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  return { code: err.code, errorCode: typeof value === 'string' ? value : undefined, details: err.details ?? err.message };
}

export function callMethod(
  address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions, m: ServiceMethod, request: object = {}, deadlineMs = 5_000,
): Promise<CallOutcome> {
  const client = new grpc.Client(address, credentials, { ...channelOptions, ...options });
  const def = m.definition;
  const callOptions = { deadline: Date.now() + deadlineMs };
  return new Promise<CallOutcome>((resolve) => {
    const done = (err: grpc.ServiceError | null) => resolve(outcome(err));
    if (!def.requestStream && !def.responseStream) {
      client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, new grpc.Metadata(), callOptions, (err) => done(err));
    } else if (def.requestStream && !def.responseStream) {
      const stream = client.makeClientStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, new grpc.Metadata(), callOptions, (err) => done(err));
      stream.end();
    } else {
      const stream = def.requestStream
        ? client.makeBidiStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, new grpc.Metadata(), callOptions)
        : client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, request, new grpc.Metadata(), callOptions);
      if (def.requestStream) (stream as grpc.ClientDuplexStream<object, unknown>).end();
      stream.on('data', () => undefined);
      stream.on('error', (err: grpc.ServiceError) => done(err));
      stream.on('end', () => done(null));
    }
  }).finally(() => client.close());
}
