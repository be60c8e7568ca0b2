// Original file: proto/fedcredit/v1/node.proto

import type { TableVersionInfo as _fedcredit_v1_TableVersionInfo, TableVersionInfo__Output as _fedcredit_v1_TableVersionInfo__Output } from '../../fedcredit/v1/TableVersionInfo.js';

export interface ListTablesResponse {
  'tables'?: (_fedcredit_v1_TableVersionInfo)[];
}

export interface ListTablesResponse__Output {
  'tables': (_fedcredit_v1_TableVersionInfo__Output)[];
}
