// Original file: proto/fedcredit/v1/scoring.proto

import type { Long } from '@grpc/proto-loader';

export interface ScoreReceipt {
  'logIndex'?: (number | string | Long);
  'entry'?: (Buffer | Uint8Array | string);
  'treeSize'?: (number | string | Long);
  'inclusionProof'?: (Buffer | Uint8Array | string)[];
  'checkpoint'?: (string);
}

export interface ScoreReceipt__Output {
  'logIndex': (string);
  'entry': (Buffer);
  'treeSize': (string);
  'inclusionProof': (Buffer)[];
  'checkpoint': (string);
}
