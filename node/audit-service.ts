/**
 * The NodeAudit gRPC service (proto/fedcredit/v1/log.proto): the node's signed record of
 * served requests and its witness status, for auditors. Records are metadata (what, for whom,
 * which log entry), never a record or a feature value.
 */
import { unary } from '../lib/grpc.js';
import { callerIdentity } from '../lib/tls.js';
import { FedcreditError } from '../lib/errors.js';
import type { NodeAuditHandlers } from '../proto/gen/fedcredit/v1/NodeAudit.js';
import type { ServedRecordBook } from '../log/served-book.js';
import type { WitnessLoop } from '../log/witness-loop.js';

export interface NodeAuditContext {
  readonly site: string;
  readonly identityPublicKey: Uint8Array;
  readonly book: ServedRecordBook;
  /** Absent when the node runs without a coordinator. */
  readonly witness: () => WitnessLoop | undefined;
  readonly log: (line: string) => void;
}

export function nodeAuditHandlers(ctx: NodeAuditContext): NodeAuditHandlers {
  return {
    GetServedRecords: unary(async (req, call) => {
      const from = Number(req.from);
      if (!Number.isSafeInteger(from) || from < 0) throw new FedcreditError('BAD_REQUEST', 'from must be a non-negative integer');
      const records = await ctx.book.list(from);
      const forOperator = callerIdentity(call)?.role === 'operator';
      return {
        site: ctx.site,
        identityPublicKey: Buffer.from(ctx.identityPublicKey),
                // The subjects beside each record are for the node's own operator (`node served --enterprise`);
        // an auditor finds them in the log entry the record names, and gets none here.
        records: records.map((r) => ({ record: Buffer.from(r.record), signature: Buffer.from(r.signature), subjects: forOperator ? r.subjects : [] })),
      };
    }, ctx.log),
    GetWitnessStatus: unary(async () => {
      const witness = ctx.witness();
      const cosigned = witness?.cosigned();
      return {
        cosignedSize: cosigned?.size ?? 0,
        cosignedRoot: Buffer.from(cosigned?.rootHash ?? new Uint8Array(0)),
        alarms: (await witness?.alarms() ?? []).map((a) => ({ code: a.code, reason: a.reason, timeMs: a.timeMs, checkpoint: a.checkpoint })),
      };
    }, ctx.log),
  };
}
