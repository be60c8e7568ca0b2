// Original file: proto/fedcredit/v1/monitoring.proto

import type { ItemAck as _fedcredit_v1_ItemAck, ItemAck__Output as _fedcredit_v1_ItemAck__Output } from '../../fedcredit/v1/ItemAck.js';
import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from '../../fedcredit/v1/QueryRefusal.js';
import type { Long } from '@grpc/proto-loader';

export interface ItemsAck {
  'seq'?: (number | string | Long);
  'items'?: (_fedcredit_v1_ItemAck)[];
  'failure'?: (_fedcredit_v1_QueryRefusal | null);
  'logSize'?: (number | string | Long);
}

export interface ItemsAck__Output {
  'seq': (string);
  'items': (_fedcredit_v1_ItemAck__Output)[];
  'failure': (_fedcredit_v1_QueryRefusal__Output | null);
  'logSize': (string);
}
