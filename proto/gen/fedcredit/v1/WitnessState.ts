// Original file: proto/fedcredit/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface WitnessState {
  'site'?: (string);
  'cosignedSize'?: (number | string | Long);
  'cosignedMs'?: (number | string | Long);
  'lagEntries'?: (number | string | Long);
}

export interface WitnessState__Output {
  'site': (string);
  'cosignedSize': (string);
  'cosignedMs': (string);
  'lagEntries': (string);
}
