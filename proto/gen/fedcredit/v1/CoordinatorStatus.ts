// Original file: proto/fedcredit/v1/coordinator.proto

import type { WitnessState as _fedcredit_v1_WitnessState, WitnessState__Output as _fedcredit_v1_WitnessState__Output } from '../../fedcredit/v1/WitnessState.js';
import type { CoordinatorAlarm as _fedcredit_v1_CoordinatorAlarm, CoordinatorAlarm__Output as _fedcredit_v1_CoordinatorAlarm__Output } from '../../fedcredit/v1/CoordinatorAlarm.js';
import type { NodeCounts as _fedcredit_v1_NodeCounts, NodeCounts__Output as _fedcredit_v1_NodeCounts__Output } from '../../fedcredit/v1/NodeCounts.js';
import type { Long } from '@grpc/proto-loader';

export interface CoordinatorStatus {
  'logSize'?: (number | string | Long);
  'finalSize'?: (number | string | Long);
  'finalAgeMs'?: (number | string | Long);
  'witnesses'?: (_fedcredit_v1_WitnessState)[];
  'alarms'?: (_fedcredit_v1_CoordinatorAlarm)[];
  'nodes'?: (_fedcredit_v1_NodeCounts | null);
  'quorum'?: (number);
}

export interface CoordinatorStatus__Output {
  'logSize': (string);
  'finalSize': (string);
  'finalAgeMs': (string);
  'witnesses': (_fedcredit_v1_WitnessState__Output)[];
  'alarms': (_fedcredit_v1_CoordinatorAlarm__Output)[];
  'nodes': (_fedcredit_v1_NodeCounts__Output | null);
  'quorum': (number);
}
