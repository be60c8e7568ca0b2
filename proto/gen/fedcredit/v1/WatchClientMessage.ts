// Original file: proto/fedcredit/v1/monitoring.proto

import type { WatchStart as _fedcredit_v1_WatchStart, WatchStart__Output as _fedcredit_v1_WatchStart__Output } from '../../fedcredit/v1/WatchStart.js';
import type { WatchAck as _fedcredit_v1_WatchAck, WatchAck__Output as _fedcredit_v1_WatchAck__Output } from '../../fedcredit/v1/WatchAck.js';

export interface WatchClientMessage {
  'start'?: (_fedcredit_v1_WatchStart | null);
  'ack'?: (_fedcredit_v1_WatchAck | null);
  'message'?: "start"|"ack";
}

export interface WatchClientMessage__Output {
  'start'?: (_fedcredit_v1_WatchStart__Output | null);
  'ack'?: (_fedcredit_v1_WatchAck__Output | null);
  'message'?: "start"|"ack";
}
