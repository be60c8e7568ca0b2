// Original file: proto/fedcredit/v1/coordinator.proto

import type { NodeStatus as _fedcredit_v1_NodeStatus, NodeStatus__Output as _fedcredit_v1_NodeStatus__Output } from '../../fedcredit/v1/NodeStatus.js';

export interface NodeList {
  'nodes'?: (_fedcredit_v1_NodeStatus)[];
}

export interface NodeList__Output {
  'nodes': (_fedcredit_v1_NodeStatus__Output)[];
}
