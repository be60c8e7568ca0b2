/**
 * How large a request message each RPC accepts, enforced before the message is buffered.
 *
 * Why: every server used to accept 64 MiB per message for every method, and grpc-js buffers a
 * whole message before any handler sees it. 75 `Score` calls carrying 30 MB "consents" took
 * the coordinator from 139 MB to a heap-limit crash (issue 12), although an honest ScoreRequest
 * is two records of at most 16 KiB each (consent/fields.ts MAX_RECORD_BYTES).
 *
 * The limit of a call is its method's honest maximum (RECEIVE_LIMITS), and only for callers whose
 * role may call the method at all (lib/rpc-roles.ts); every other call gets DEFAULT_RECEIVE_BYTES.
 * It is applied by a server interceptor (receiveLimitInterceptor) that lowers the call's frame
 * decoder limit as the call starts, before its first byte is read: grpc-js reads the 5-byte
 * length prefix of each message and refuses one over the limit there (RESOURCE_EXHAUSTED),
 * so an oversized message is never assembled in memory. grpc-js has only a server-wide option
 * (`grpc.max_receive_message_length`), kept at the largest method limit as a second bound.
 */
import http2 from 'node:http2';
import type * as grpc from '@grpc/grpc-js';
import { ruleFor } from './rpc-roles.js';
import { callerIdentity, type CallWithAuth } from './tls.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Every method not listed: control calls, consent records, score queries, registrations,
 * cosignatures. The largest of these is a ScoreRequest: a consent and a signed query of at
 * most 16 KiB each, a 32-byte key and its 64-byte signature, a model version.
 */
export const DEFAULT_RECEIVE_BYTES = 64 * KiB;

/** The largest message any method accepts: a PSI set or a training vector over ~1-2 million enterprises. */
export const MAX_RECEIVE_BYTES = 64 * MiB;

/** Methods whose honest messages are larger than DEFAULT_RECEIVE_BYTES, by gRPC path. */
export const RECEIVE_LIMITS: Readonly<Record<string, number>> = {
  // A PSI message is a whole blinded set (32-byte points per enterprise), relayed as one message.
  '/fedcredit.v1.Alignment/RelayPsiMessage': MAX_RECEIVE_BYTES,
  '/fedcredit.v1.NodeAlignment/DeliverPsiMessage': MAX_RECEIVE_BYTES,
  // Training steps carry vectors (ciphertexts, residues) over every aligned sample; every step
  // of every model kind travels as Step (it was one method per LR step, each at this limit).
  ...Object.fromEntries(['StartTraining', 'Step', 'FinishTraining']
    .map((m) => [`/fedcredit.v1.NodeTraining/${m}`, MAX_RECEIVE_BYTES])),
  // Carries the alignment-job entry (at most MAX_ENTRY_BYTES, 64 KiB: log/entries.ts) and its index.
  '/fedcredit.v1.NodeAlignment/CommitAlignment': 128 * KiB,
  // Uploads stream 1 MiB chunks (node/upload.ts) plus a little framing.
  '/fedcredit.v1.DataNode/IngestFile': 2 * MiB,
  // A share batch: up to 128 share requests of ~34 KiB and up to 4096 carried log entries of
  // at most 16 MiB together (scoring/share-batches.ts MAX_CARRIED_BYTES).
  '/fedcredit.v1.NodeScoring/ComputeShares': 32 * MiB,
  // A leaf-chain ciphertext (scoring/leaf-chain.ts): ~1.7 MB at N = 16384, sealed.
  '/fedcredit.v1.NodeScoring/ChainHop': 8 * MiB,
  // Post-loan monitoring (docs/design/monitoring.md; not served yet). A portfolio update: up to
  // 1,000 adds of an honest ~1.6 KB (consent ~1.2 KB, instruction, signature) and 1,000 removes
  // of ~0.4 KB, ~2 MB; a bank whose consents are larger sends fewer per call.
  '/fedcredit.v1.Monitoring/UpdatePortfolio': 4 * MiB,
  // From the coordinator, like a share batch: the items (or a batch of up to 16,384 rescore
  // slots) and the log entries the node has not read, at most 16 MiB of them.
  '/fedcredit.v1.NodeMonitoring/StoreItems': 32 * MiB,
  '/fedcredit.v1.NodeMonitoring/Rescore': 32 * MiB,
};

/** The request size limit of `path` for a caller of `role` (undefined: no certified role, e.g. insecure test servers). */
export function receiveLimitFor(path: string, role: string | undefined, secure: boolean): number {
  const raised = RECEIVE_LIMITS[path];
  if (raised === undefined) return DEFAULT_RECEIVE_BYTES;
  if (!secure) return raised;
  const [, service = '', method = ''] = /^\/fedcredit\.v1\.([^/]+)\/(.+)$/.exec(path) ?? [];
  // A caller the role table refuses anyway is refused with a small message, not after buffering a large one.
  const rule = ruleFor(service, method);
  return role !== undefined && rule?.[role as keyof typeof rule] !== undefined ? raised : DEFAULT_RECEIVE_BYTES;
}

/** The parts of grpc-js's BaseServerInterceptingCall (1.10+) that the limit is set on. */
interface DecodingCall {
  maxReceiveMessageSize?: number;
  stream?: http2.ServerHttp2Stream;
  decoder?: { maxReadMessageLength?: number; write?: (data: Buffer) => Buffer[] };
}

let warnedShape = false;

/**
 * A grpc-js server interceptor applying receiveLimitFor to each call. It must be the first
 * interceptor, so that the call it receives is grpc-js's own (the one holding the decoder).
 * A refusal is RESOURCE_EXHAUSTED whose details start with `MESSAGE_TOO_LARGE: ` (grpc-js sends
 * the status itself, without metadata; fromServiceError reads the code from the details).
 */
export function receiveLimitInterceptor(secure: boolean, log?: (line: string) => void): grpc.ServerInterceptor {
  return (method, call) => accept(method, call) as grpc.ServerInterceptingCall;
  function accept(method: grpc.ServerMethodDefinition<unknown, unknown>, call: grpc.ServerInterceptingCallInterface): grpc.ServerInterceptingCallInterface {
    const inner = call as unknown as DecodingCall;
    const decoder = inner.decoder;
    if (typeof inner.maxReceiveMessageSize !== 'number' || typeof decoder?.maxReadMessageLength !== 'number' || typeof decoder.write !== 'function') {
      if (!warnedShape) {
        warnedShape = true;
        log?.('WARNING: this grpc-js does not expose its frame decoder; per-method message limits fall back to the server-wide limit (lib/message-limits.ts)');
      }
      return call;
    }
    const role = secure ? callerIdentity(sessionCarrier(call))?.role : undefined;
    const limit = receiveLimitFor(method.path, role, secure);
    inner.maxReceiveMessageSize = limit;
    decoder.maxReadMessageLength = limit;
    const write = decoder.write.bind(decoder);
    let refused = false;
    decoder.write = (data: Buffer) => {
      // Whatever the caller still sends after the refusal is dropped unread.
      if (refused) return [];
      try {
        return write(data);
      } catch (err) {
        refused = true;
        // Once the status is out, RST_STREAM NO_ERROR asks the client to stop sending the rest
        // (RFC 9113 §8.1), so a refused 30 MB message costs neither side 30 MB of transfer.
        const stream = inner.stream;
        if (stream) setImmediate(() => { if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR); });
        // grpc-js turns this into RESOURCE_EXHAUSTED with the message as details.
        const got = /\((\d+) vs/.exec(err instanceof Error ? err.message : '')?.[1] ?? 'more';
        throw new Error(`MESSAGE_TOO_LARGE: ${method.path.slice(1)} accepts messages of at most ${limit} bytes${role ? ` from role ${role}` : ''}; this one is ${got} bytes. Send smaller messages (a consent record is at most 16 KiB)`);
      }
    };
    return call;
  }
}

/** callerIdentity caches by the HTTP/2 session it finds under `.call`; hand it grpc-js's call that way. */
function sessionCarrier(call: grpc.ServerInterceptingCallInterface): CallWithAuth {
  return { call, getAuthContext: () => call.getAuthContext() } as unknown as CallWithAuth;
}
