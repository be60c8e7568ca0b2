// Original file: proto/fedcredit/v1/monitoring.proto

import type { MonitoringItem as _fedcredit_v1_MonitoringItem, MonitoringItem__Output as _fedcredit_v1_MonitoringItem__Output } from '../../fedcredit/v1/MonitoringItem.js';
import type { Long } from '@grpc/proto-loader';

export interface ItemsBatch {
  'seq'?: (number | string | Long);
  'requester'?: (string);
  'portfolio'?: (string);
  'items'?: (_fedcredit_v1_MonitoringItem)[];
  'entriesFrom'?: (number | string | Long);
  'entries'?: (Buffer | Uint8Array | string)[];
  'checkpoint'?: (string);
}

export interface ItemsBatch__Output {
  'seq': (string);
  'requester': (string);
  'portfolio': (string);
  'items': (_fedcredit_v1_MonitoringItem__Output)[];
  'entriesFrom': (string);
  'entries': (Buffer)[];
  'checkpoint': (string);
}
