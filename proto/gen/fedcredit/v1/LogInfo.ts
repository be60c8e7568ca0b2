// Original file: proto/fedcredit/v1/log.proto

import type { WitnessInfo as _fedcredit_v1_WitnessInfo, WitnessInfo__Output as _fedcredit_v1_WitnessInfo__Output } from '../../fedcredit/v1/WitnessInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface LogInfo {
  'origin'?: (string);
  'logPublicKey'?: (Buffer | Uint8Array | string);
  'witnesses'?: (_fedcredit_v1_WitnessInfo)[];
  'quorum'?: (number);
  'size'?: (number | string | Long);
}

export interface LogInfo__Output {
  'origin': (string);
  'logPublicKey': (Buffer);
  'witnesses': (_fedcredit_v1_WitnessInfo__Output)[];
  'quorum': (number);
  'size': (string);
}
