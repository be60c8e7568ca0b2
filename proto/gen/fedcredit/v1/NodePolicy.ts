// Original file: proto/fedcredit/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface NodePolicy {
  'policyJson'?: (string);
  'file'?: (string);
  'loadedMs'?: (number | string | Long);
}

export interface NodePolicy__Output {
  'policyJson': (string);
  'file': (string);
  'loadedMs': (string);
}
