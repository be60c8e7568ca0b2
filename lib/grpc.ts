/**
 * gRPC plumbing shared by every role: loading the `fedcredit.v1` package from `proto/`,
 * wrapping handlers so failures become a status plus a stable error code (never a stack
 * trace), and promise-returning client calls with deadlines.
 */
import { CallLimiter } from './call-limits.js';
import type { CallObserver } from './party-ops.js';
import { MAX_RECEIVE_BYTES, receiveLimitInterceptor } from './message-limits.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { FedcreditError, isErrorCode } from './errors.js';
import type { PartyIdentity } from './federation-ca.js';
import { checkCaller, type ServiceHandlers, type ServiceName } from './rpc-roles.js';
import { callerIdentity, callerSerial, certificateExpiryWarning, revokedMessage, serverCredentials, type CallWithAuth, type Transport } from './tls.js';
import type { RevocationList } from './revocation.js';
import type { ProtoGrpcType } from '../proto/gen/fedcredit.js';

export type FedcreditProto = ProtoGrpcType;

export const ERROR_CODE_METADATA_KEY = 'fedcredit-error-code';
/** Default deadline for a unary call; long-running work uses its own. */
export const DEFAULT_DEADLINE_MS = 30_000;
/** Largest message a party sends or accepts; each method's own receive limit is in lib/message-limits.ts. */
export const MAX_MESSAGE_BYTES = MAX_RECEIVE_BYTES;

/** The repository's `proto/` folder, found from this module whether it runs from `dist/` or from source. */
export function protoDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'proto', 'fedcredit.proto');
    if (fs.existsSync(candidate)) return path.join(dir, 'proto');
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the proto/ folder next to the fedcredit installation; reinstall the package');
}

let loaded: FedcreditProto | undefined;
let loadedDefinition: protoLoader.PackageDefinition | undefined;

/** The loaded package's descriptors (lib/json-numbers.ts reads field types from them). */
export function protoDefinition(): protoLoader.PackageDefinition {
  loadProto();
  return loadedDefinition!;
}

export function loadProto(): FedcreditProto {
  if (loaded) return loaded;
  const dir = protoDir();
  // fedcredit.proto imports every service file, so one load brings the whole package.
  const definition = protoLoader.loadSync('fedcredit.proto', {
    includeDirs: [dir], longs: String, enums: String, defaults: true, oneofs: true,
  });
  loadedDefinition = definition;
  loaded = grpc.loadPackageDefinition(definition) as unknown as FedcreditProto;
  return loaded;
}

export const channelOptions: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  // A party that restarts is dialled again within a second: grpc-js's default backoff grows to
  // 120 s, and a channel backing off fails every call at once ("No connection established"),
  // so a client's retries after a coordinator's restart kept failing for seconds to minutes.
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

/**
 * The stable code and caller-safe message of any thrown value: a FedcreditError's own, or
 * INTERNAL with a reference to the party's log, where the stack goes (never to the caller).
 */
export function safeError(err: unknown, log?: (line: string) => void): FedcreditError {
  if (err instanceof FedcreditError) return err;
  const ref = Math.random().toString(36).slice(2, 10);
  log?.(`internal error ref=${ref}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return new FedcreditError('INTERNAL', `internal error (ref ${ref}; see the party's log)`);
}

/** Turn any thrown value into a ServiceError-shaped object safe to send: code, message, no stack. */
export function toServiceError(err: unknown, log?: (line: string) => void): Partial<grpc.StatusObject> {
  const safe = safeError(err, log);
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, safe.code);
  return { code: safe.grpcStatus, details: `${safe.code}: ${safe.message}`, metadata };
}

/** Wrap an async unary handler so every outcome reaches the caller as a response or a clean status. */
export function unary<Req, Res>(
  handler: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
  log?: (line: string) => void,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err, log)),
    );
  };
}

/** Read the fedcredit error back out of a client-side gRPC failure. */
export function fromServiceError(err: unknown, target: string): FedcreditError {
  const e = err as Partial<grpc.ServiceError>;
  const details = e.details ?? (err instanceof Error ? err.message : String(err));
  // grpc-js itself refuses an oversized message (lib/message-limits.ts): no metadata, the code leads the details.
  const codeValue = e.metadata?.get(ERROR_CODE_METADATA_KEY)[0] ?? (e.code === grpc.status.RESOURCE_EXHAUSTED && details.startsWith('MESSAGE_TOO_LARGE: ') ? 'MESSAGE_TOO_LARGE' : undefined);
  const code = typeof codeValue === 'string' && isErrorCode(codeValue) ? codeValue : undefined;
  if (code) {
    const message = details.startsWith(`${code}: `) ? details.slice(code.length + 2) : details;
    return new FedcreditError(code, message, { grpcStatus: e.code });
  }
  // This client refused a revoked server in the handshake (lib/tls.ts channelCredentials).
  const revoked = details.indexOf('CERT_REVOKED: ');
  if (revoked >= 0) return new FedcreditError('CERT_REVOKED', `${target}: ${details.slice(revoked + 'CERT_REVOKED: '.length)}`, { grpcStatus: e.code });
  if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED) {
    return new FedcreditError('UNAVAILABLE', `${target} is not reachable: ${unreachableReason(details)}`, { grpcStatus: e.code });
  }
  return new FedcreditError('INTERNAL', `${target} failed: ${details}`, { grpcStatus: e.code });
}

/**
 * grpc-js's connection failure text, without its empty "Resolution note:" tail, and what to
 * do about it: the operator learns whether the name, the port or the party is the problem.
 */
export function unreachableReason(details: string): string {
  const text = details.replace(/\s*Resolution note:\s*$/, '').replace(/^No connection established\. Last error: (Error: )?/, '').replace(/\.$/, '');
  const hint = /ECONNREFUSED/.test(text) ? 'nothing listens there: check that the party is running and that the port is the one it printed at start-up'
    : /Name resolution failed|ENOTFOUND|EAI_AGAIN/.test(text) ? 'the host name does not resolve: check its spelling, or use the IP address'
      : /ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|Deadline/i.test(text) ? 'no answer in time: check that the host is up and that a firewall lets the port through'
        : 'check that the party is running and reachable at this address (and its TLS certificate, if the log says so)';
  return `${text}; ${hint}`;
}

/**
 * A generated client method. Its overloads end with the (request, callback) form, which is the
 * one TypeScript infers from; at run time it is always called with metadata and options too.
 */
type UnaryMethod<Req, Res> = (request: Req, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;
type FullUnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;

/** Call a unary method with a deadline; resolves with the response or rejects with a FedcreditError. */
export async function call<Req, Res>(
  client: grpc.Client,
  method: UnaryMethod<Req, Res>,
  request: Req,
  deadlineMs = DEFAULT_DEADLINE_MS,
  opts: { retryWhenBusy?: boolean } = {},
): Promise<Res> {
  const deadline = Date.now() + deadlineMs;
  const once = () => new Promise<Res>((resolve, reject) => {
    const full = method as unknown as FullUnaryMethod<Req, Res>;
    full.call(client, request, new grpc.Metadata(), { deadline }, (err, response) => {
      if (err) reject(fromServiceError(err, client.getChannel().getTarget()));
      else if (response === undefined) reject(new FedcreditError('INTERNAL', 'empty response'));
      else resolve(response);
    });
  });
  return opts.retryWhenBusy === false ? once() : retryWhenBusy(deadline, once);
}

/**
 * A party that says it is busy (RATE_LIMITED or OVERLOADED: lib/call-limits.ts) is asked again
 * after the wait it names, up to `deadline` (ms since the epoch): well-behaved clients back
 * off instead of failing.
 */
export async function retryWhenBusy<T>(deadline: number, once: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once();
    } catch (err) {
      const busy = err instanceof FedcreditError && (err.code === 'RATE_LIMITED' || err.code === 'OVERLOADED');
      if (!busy || attempt >= 8) throw err;
      const hinted = /retry in (\d+) ms/.exec(err.message);
      const waitMs = Math.max(hinted ? Number(hinted[1]) : 0, 25 * 2 ** attempt);
      if (Date.now() + waitMs >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** Listens with the party's transport: mutual TLS (client certificates required) or, by name, insecure. */
export function startServer(server: grpc.Server, address: string, transport: Transport): Promise<number> {
  const expiring = certificateExpiryWarning(transport);
  if (expiring) process.stderr.write(`${expiring}\n`);
  return new Promise((resolve, reject) => {
    server.bindAsync(address, serverCredentials(transport), (err, port) => {
      if (err) reject(new FedcreditError('UNAVAILABLE', `cannot listen on ${address}: ${err.message}`));
      else resolve(port);
    });
  });
}

export function stopServer(server: grpc.Server, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A server whose every call gets its method's receive limit before its first byte is read
 * (lib/message-limits.ts); the server-wide option is only the ceiling. `transport` says whether
 * callers are certified (their role then decides whether a method's raised limit applies).
 */
export function newServer(transport?: Transport, log?: (line: string) => void): grpc.Server {
  return new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    interceptors: [receiveLimitInterceptor(transport !== undefined && transport.kind !== 'insecure', log)],
  });
}

/**
 * Adds a fedcredit service whose every method first checks the caller's certified role against
 * lib/rpc-roles.ts; a refusal is PERMISSION_DENIED with ROLE_NOT_ALLOWED or IDENTITY_MISMATCH,
 * and the handler never runs. Insecure servers have no certified callers, so nothing is checked
 * (their start-up warning says so).
 */
export function addService<S extends ServiceName>(
  server: grpc.Server, service: S, handlers: ServiceHandlers[S], transport: Transport, log?: (line: string) => void,
  limiter: CallLimiter = new CallLimiter(),
): void {
  const observe = CALL_OBSERVERS.get(server);
  const definition = loadProto().fedcredit.v1[service].service as grpc.ServiceDefinition;
  const implementation = handlers as grpc.UntypedServiceImplementation;
  const guarded: grpc.UntypedServiceImplementation = {};
  const self = transport.kind === 'insecure' ? undefined : transport.material.identity;
  const revocation = transport.kind === 'insecure' ? undefined : { list: transport.material.revocation, dir: transport.material.dir };
  for (const [method, def] of Object.entries(definition)) {
    const handler = implementation[method];
    if (!handler) throw new Error(`${service}.${method} has no handler`);
    const guardedHandler = guardHandler(service, method, def, handler, self, limiter, log, revocation);
    guarded[method] = observe ? observedHandler(service, method, def, guardedHandler, observe) : guardedHandler;
  }
  server.addService(definition, guarded);
}

/** Per server: who hears of every answered call (lib/party-ops.ts metrics). */
const CALL_OBSERVERS = new WeakMap<grpc.Server, CallObserver>();

/** Every call the services added to `server` after this answer is reported to `observer`. */
export function observeServerCalls(server: grpc.Server, observer: CallObserver): void {
  CALL_OBSERVERS.set(server, observer);
}

const STATUS_NAMES = new Map<number, string>(Object.entries(grpc.status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]));
const statusName = (code: number | undefined | null): string => STATUS_NAMES.get(code ?? grpc.status.OK) ?? String(code);

/** Times a call from arrival to its final status, refusals by the guard included. */
function observedHandler(
  service: string, method: string, def: grpc.MethodDefinition<unknown, unknown>, handler: grpc.UntypedHandleCall, observe: CallObserver,
): grpc.UntypedHandleCall {
  const started = () => {
    const t0 = process.hrtime.bigint();
    let done = false;
    return (code: number | undefined | null) => {
      if (done) return;
      done = true;
      observe(service, method, statusName(code), Number(process.hrtime.bigint() - t0) / 1e9);
    };
  };
  if (def.responseStream) {
    const streaming = handler as grpc.handleServerStreamingCall<unknown, unknown>;
    return (call: grpc.ServerWritableStream<unknown, unknown>) => {
      const finish = started();
      call.once('finish', () => finish(grpc.status.OK));
      call.once('cancelled', () => finish(grpc.status.CANCELLED));
      call.once('error', (err: Partial<grpc.StatusObject>) => finish(err.code ?? grpc.status.UNKNOWN));
      streaming(call);
    };
  }
  const withStatus = (callback: grpc.sendUnaryData<unknown>, finish: (code: number | undefined | null) => void): grpc.sendUnaryData<unknown> => (err, value) => {
    finish(err ? (err.code ?? grpc.status.UNKNOWN) : grpc.status.OK);
    callback(err, value);
  };
  if (def.requestStream) {
    const clientStreaming = handler as grpc.handleClientStreamingCall<unknown, unknown>;
    return (call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => clientStreaming(call, withStatus(callback, started()));
  }
  const unaryHandler = handler as grpc.handleUnaryCall<unknown, unknown>;
  return (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => unaryHandler(call, withStatus(callback, started()));
}

const STREAM_ADMISSION = Symbol('fedcredit stream request admission');

/**
 * For a handler reading a stream of requests: admits one more request through the limiter its
 * call passed (the caller's rate and the server's in-flight cap), so a stream is no way around
 * the limits. Returns the release for when that request is answered; throws RATE_LIMITED or
 * OVERLOADED.
 */
export function admitStreamRequest(call: object): () => void {
  const admit = (call as Record<symbol, (() => () => void) | undefined>)[STREAM_ADMISSION];
  if (!admit) throw new Error('admitStreamRequest: this call did not come through addService');
  return admit();
}

const STREAM_IDLE_MS = Symbol('fedcredit stream idle limit');

/** How long a request stream that came through addService may stay idle (lib/call-limits.ts streamIdleMs). */
export function streamIdleMsOf(call: object): number | undefined {
  return (call as Record<symbol, number | undefined>)[STREAM_IDLE_MS];
}

/**
 * Every call passes the limiter (lib/call-limits.ts), then, on TLS servers, the role check;
 * only then does the handler run. The limiter's slot is released when the call ends.
 */
function guardHandler(
  service: string, method: string, def: grpc.MethodDefinition<unknown, unknown>, handler: grpc.UntypedHandleCall,
  self: PartyIdentity | undefined, limiter: CallLimiter, log?: (line: string) => void,
  revocation?: { list: RevocationList; dir: string },
): grpc.UntypedHandleCall {
  /** A status to refuse the call with, or the release function of its admitted slot. */
  const admit = (call: CallWithAuth & { request?: unknown; getPeer(): string }): { status: Partial<grpc.StatusObject> } | { release: () => void } => {
    const caller = self ? callerIdentity(call) : undefined;
    const key = caller ? `${caller.role}/${caller.name}` : call.getPeer();
    // Every call, before any limit or handler: a certificate revoked since the connection opened is refused too.
    if (revocation && revocation.list.isRevoked(callerSerial(call))) {
      const who = caller ? `${caller.role}/${caller.name}` : 'the caller';
      log?.(`refused ${service}.${method} from ${who}: CERT_REVOKED`);
      const message = revokedMessage(who, callerSerial(call), revocation.dir);
      return { status: toServiceError(new FedcreditError('CERT_REVOKED', message.slice('CERT_REVOKED: '.length))) };
    }
    let release: () => void;
    try {
      release = limiter.admit(key, caller?.role);
      if (def.requestStream) {
        // One caller holds at most its share of open streams (TOO_MANY_STREAMS), each closed when idle.
        let closeStream: () => void;
        try {
          closeStream = limiter.openStream(key);
        } catch (err) {
          release();
          throw err;
        }
        const callRelease = release;
        release = () => {
          closeStream();
          callRelease();
        };
        const fields = call as unknown as Record<symbol, unknown>;
        // Each request of a request stream passes the same limits (admitStreamRequest).
        fields[STREAM_ADMISSION] = () => limiter.admit(key, caller?.role);
        fields[STREAM_IDLE_MS] = limiter.streamIdleMs;
      }
    } catch (err) {
      return { status: toServiceError(err) };
    }
    if (self) {
      const err = checkCaller(service, method, caller, self, call.request);
      if (err) {
        release();
        log?.(`refused ${service}.${method} from ${caller ? `${caller.role}/${caller.name}` : 'an uncertified caller'}: ${err.code}`);
        return { status: toServiceError(err) };
      }
    }
    return { release };
  };
  const releasing = (release: () => void, callback: grpc.sendUnaryData<unknown>): grpc.sendUnaryData<unknown> => (err, value) => {
    release();
    callback(err, value);
  };
  if (def.responseStream) {
    const streaming = handler as grpc.handleServerStreamingCall<unknown, unknown>;
    return (call: grpc.ServerWritableStream<unknown, unknown>) => {
      const admitted = admit(call);
      if ('status' in admitted) {
        call.emit('error', admitted.status);
        return;
      }
      for (const event of ['finish', 'close', 'cancelled', 'error']) call.once(event, admitted.release);
      streaming(call);
    };
  }
  if (def.requestStream) {
    const clientStreaming = handler as grpc.handleClientStreamingCall<unknown, unknown>;
    return (call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const admitted = admit(call);
      if ('status' in admitted) callback(admitted.status);
      else clientStreaming(call, releasing(admitted.release, callback));
    };
  }
  const unaryHandler = handler as grpc.handleUnaryCall<unknown, unknown>;
  return (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
    const admitted = admit(call);
    if ('status' in admitted) callback(admitted.status);
    else unaryHandler(call, releasing(admitted.release, callback));
  };
}
