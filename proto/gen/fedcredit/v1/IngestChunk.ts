// Original file: proto/fedcredit/v1/node.proto

import type { IngestOptions as _fedcredit_v1_IngestOptions, IngestOptions__Output as _fedcredit_v1_IngestOptions__Output } from '../../fedcredit/v1/IngestOptions.js';

export interface IngestChunk {
  'options'?: (_fedcredit_v1_IngestOptions | null);
  'data'?: (Buffer | Uint8Array | string);
}

export interface IngestChunk__Output {
  'options': (_fedcredit_v1_IngestOptions__Output | null);
  'data': (Buffer);
}
