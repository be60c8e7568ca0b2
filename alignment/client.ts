/**
 * Client for the coordinator's RunAlignment stream: used by `fedcredit align`, the demo and tests.
 */
import * as grpc from '@grpc/grpc-js';
import { coordinatorAlignmentClient } from '../proto/clients.js';
import { fromServiceError } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import type { AlignmentProgress__Output } from '../proto/gen/fedcredit/v1/AlignmentProgress.js';
import type { AlignmentSummary__Output } from '../proto/gen/fedcredit/v1/AlignmentSummary.js';

export interface AlignmentRequest {
  sites?: string[];
  validationFraction?: number;
  splitSeed?: string;
  /** alignment/ids.ts; default: the one type every node holds. */
  idType?: 'credit-code' | 'any';
  idCase?: 'keep' | 'fold';
}

export function runAlignment(
  address: string,
  transport: Transport,
  request: AlignmentRequest,
  onProgress: (p: AlignmentProgress__Output) => void = () => undefined,
): Promise<AlignmentSummary__Output> {
  const client = coordinatorAlignmentClient(address, transport);
  return new Promise<AlignmentSummary__Output>((resolve, reject) => {
    let result: AlignmentSummary__Output | null = null;
    const stream = client.RunAlignment(
      { sites: request.sites ?? [], validationFraction: request.validationFraction ?? 0, splitSeed: request.splitSeed ?? '', idType: request.idType ?? '', idCase: request.idCase ?? '' },
      new grpc.Metadata(),
      { deadline: Date.now() + 60 * 60_000 },
    );
    stream.on('data', (p: AlignmentProgress__Output) => {
      if (p.result) result = p.result;
      onProgress(p);
    });
    stream.on('error', (err) => reject(fromServiceError(err, address)));
    stream.on('end', () => (result ? resolve(result) : reject(new Error(`${address} ended the alignment stream without a result`))));
  }).finally(() => client.close());
}
