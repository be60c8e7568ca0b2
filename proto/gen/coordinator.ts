import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CoordinatorClient as _fedcredit_v1_CoordinatorClient, CoordinatorDefinition as _fedcredit_v1_CoordinatorDefinition } from './fedcredit/v1/Coordinator.js';
import type { HealthRequest as _fedcredit_v1_HealthRequest, HealthRequest__Output as _fedcredit_v1_HealthRequest__Output } from './fedcredit/v1/HealthRequest.js';
import type { HealthResponse as _fedcredit_v1_HealthResponse, HealthResponse__Output as _fedcredit_v1_HealthResponse__Output } from './fedcredit/v1/HealthResponse.js';
import type { ListNodesRequest as _fedcredit_v1_ListNodesRequest, ListNodesRequest__Output as _fedcredit_v1_ListNodesRequest__Output } from './fedcredit/v1/ListNodesRequest.js';
import type { NodeList as _fedcredit_v1_NodeList, NodeList__Output as _fedcredit_v1_NodeList__Output } from './fedcredit/v1/NodeList.js';
import type { NodeStatus as _fedcredit_v1_NodeStatus, NodeStatus__Output as _fedcredit_v1_NodeStatus__Output } from './fedcredit/v1/NodeStatus.js';
import type { RegisterNodeRequest as _fedcredit_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _fedcredit_v1_RegisterNodeRequest__Output } from './fedcredit/v1/RegisterNodeRequest.js';
import type { RegisterNodeResponse as _fedcredit_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _fedcredit_v1_RegisterNodeResponse__Output } from './fedcredit/v1/RegisterNodeResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  fedcredit: {
    v1: {
      Coordinator: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_CoordinatorClient> & { service: _fedcredit_v1_CoordinatorDefinition }
      HealthRequest: MessageTypeDefinition<_fedcredit_v1_HealthRequest, _fedcredit_v1_HealthRequest__Output>
      HealthResponse: MessageTypeDefinition<_fedcredit_v1_HealthResponse, _fedcredit_v1_HealthResponse__Output>
      ListNodesRequest: MessageTypeDefinition<_fedcredit_v1_ListNodesRequest, _fedcredit_v1_ListNodesRequest__Output>
      NodeList: MessageTypeDefinition<_fedcredit_v1_NodeList, _fedcredit_v1_NodeList__Output>
      NodeStatus: MessageTypeDefinition<_fedcredit_v1_NodeStatus, _fedcredit_v1_NodeStatus__Output>
      RegisterNodeRequest: MessageTypeDefinition<_fedcredit_v1_RegisterNodeRequest, _fedcredit_v1_RegisterNodeRequest__Output>
      RegisterNodeResponse: MessageTypeDefinition<_fedcredit_v1_RegisterNodeResponse, _fedcredit_v1_RegisterNodeResponse__Output>
    }
  }
}

