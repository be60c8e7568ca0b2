// Original file: proto/fedcredit/v1/scoring.proto

import type { RequesterEntry as _fedcredit_v1_RequesterEntry, RequesterEntry__Output as _fedcredit_v1_RequesterEntry__Output } from '../../fedcredit/v1/RequesterEntry.js';
import type { Long } from '@grpc/proto-loader';

export interface RequesterEntries {
  'entries'?: (_fedcredit_v1_RequesterEntry)[];
  'nextPageToken'?: (string);
  'treeSize'?: (number | string | Long);
}

export interface RequesterEntries__Output {
  'entries': (_fedcredit_v1_RequesterEntry__Output)[];
  'nextPageToken': (string);
  'treeSize': (string);
}
