// Original file: proto/fedcredit/v1/log.proto

import type { WitnessAlarm as _fedcredit_v1_WitnessAlarm, WitnessAlarm__Output as _fedcredit_v1_WitnessAlarm__Output } from '../../fedcredit/v1/WitnessAlarm.js';
import type { Long } from '@grpc/proto-loader';

export interface WitnessStatus {
  'cosignedSize'?: (number | string | Long);
  'cosignedRoot'?: (Buffer | Uint8Array | string);
  'alarms'?: (_fedcredit_v1_WitnessAlarm)[];
}

export interface WitnessStatus__Output {
  'cosignedSize': (string);
  'cosignedRoot': (Buffer);
  'alarms': (_fedcredit_v1_WitnessAlarm__Output)[];
}
