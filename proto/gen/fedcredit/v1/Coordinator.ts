// Original file: proto/fedcredit/v1/coordinator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CoordinatorStatus as _fedcredit_v1_CoordinatorStatus, CoordinatorStatus__Output as _fedcredit_v1_CoordinatorStatus__Output } from '../../fedcredit/v1/CoordinatorStatus.js';
import type { GetCoordinatorStatusRequest as _fedcredit_v1_GetCoordinatorStatusRequest, GetCoordinatorStatusRequest__Output as _fedcredit_v1_GetCoordinatorStatusRequest__Output } from '../../fedcredit/v1/GetCoordinatorStatusRequest.js';
import type { HealthRequest as _fedcredit_v1_HealthRequest, HealthRequest__Output as _fedcredit_v1_HealthRequest__Output } from '../../fedcredit/v1/HealthRequest.js';
import type { HealthResponse as _fedcredit_v1_HealthResponse, HealthResponse__Output as _fedcredit_v1_HealthResponse__Output } from '../../fedcredit/v1/HealthResponse.js';
import type { ListNodesRequest as _fedcredit_v1_ListNodesRequest, ListNodesRequest__Output as _fedcredit_v1_ListNodesRequest__Output } from '../../fedcredit/v1/ListNodesRequest.js';
import type { NodeList as _fedcredit_v1_NodeList, NodeList__Output as _fedcredit_v1_NodeList__Output } from '../../fedcredit/v1/NodeList.js';
import type { RegisterNodeRequest as _fedcredit_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _fedcredit_v1_RegisterNodeRequest__Output } from '../../fedcredit/v1/RegisterNodeRequest.js';
import type { RegisterNodeResponse as _fedcredit_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _fedcredit_v1_RegisterNodeResponse__Output } from '../../fedcredit/v1/RegisterNodeResponse.js';
import type { RemoveNodeRequest as _fedcredit_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _fedcredit_v1_RemoveNodeRequest__Output } from '../../fedcredit/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _fedcredit_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _fedcredit_v1_RemoveNodeResponse__Output } from '../../fedcredit/v1/RemoveNodeResponse.js';

export interface CoordinatorClient extends grpc.Client {
  GetCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  GetCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  GetCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  GetCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  getCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  getCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  getCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  getCoordinatorStatus(argument: _fedcredit_v1_GetCoordinatorStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_CoordinatorStatus__Output>): grpc.ClientUnaryCall;
  
  Health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _fedcredit_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _fedcredit_v1_HealthRequest, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  
  ListNodes(argument: _fedcredit_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _fedcredit_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _fedcredit_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _fedcredit_v1_ListNodesRequest, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _fedcredit_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _fedcredit_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _fedcredit_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _fedcredit_v1_ListNodesRequest, callback: grpc.requestCallback<_fedcredit_v1_NodeList__Output>): grpc.ClientUnaryCall;
  
  RegisterNode(argument: _fedcredit_v1_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _fedcredit_v1_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _fedcredit_v1_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _fedcredit_v1_RegisterNodeRequest, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _fedcredit_v1_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _fedcredit_v1_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _fedcredit_v1_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _fedcredit_v1_RegisterNodeRequest, callback: grpc.requestCallback<_fedcredit_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveNode(argument: _fedcredit_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _fedcredit_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _fedcredit_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _fedcredit_v1_RemoveNodeRequest, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _fedcredit_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _fedcredit_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _fedcredit_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _fedcredit_v1_RemoveNodeRequest, callback: grpc.requestCallback<_fedcredit_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface CoordinatorHandlers extends grpc.UntypedServiceImplementation {
  GetCoordinatorStatus: grpc.handleUnaryCall<_fedcredit_v1_GetCoordinatorStatusRequest__Output, _fedcredit_v1_CoordinatorStatus>;
  
  Health: grpc.handleUnaryCall<_fedcredit_v1_HealthRequest__Output, _fedcredit_v1_HealthResponse>;
  
  ListNodes: grpc.handleUnaryCall<_fedcredit_v1_ListNodesRequest__Output, _fedcredit_v1_NodeList>;
  
  RegisterNode: grpc.handleUnaryCall<_fedcredit_v1_RegisterNodeRequest__Output, _fedcredit_v1_RegisterNodeResponse>;
  
  RemoveNode: grpc.handleUnaryCall<_fedcredit_v1_RemoveNodeRequest__Output, _fedcredit_v1_RemoveNodeResponse>;
  
}

export interface CoordinatorDefinition extends grpc.ServiceDefinition {
  GetCoordinatorStatus: MethodDefinition<_fedcredit_v1_GetCoordinatorStatusRequest, _fedcredit_v1_CoordinatorStatus, _fedcredit_v1_GetCoordinatorStatusRequest__Output, _fedcredit_v1_CoordinatorStatus__Output>
  Health: MethodDefinition<_fedcredit_v1_HealthRequest, _fedcredit_v1_HealthResponse, _fedcredit_v1_HealthRequest__Output, _fedcredit_v1_HealthResponse__Output>
  ListNodes: MethodDefinition<_fedcredit_v1_ListNodesRequest, _fedcredit_v1_NodeList, _fedcredit_v1_ListNodesRequest__Output, _fedcredit_v1_NodeList__Output>
  RegisterNode: MethodDefinition<_fedcredit_v1_RegisterNodeRequest, _fedcredit_v1_RegisterNodeResponse, _fedcredit_v1_RegisterNodeRequest__Output, _fedcredit_v1_RegisterNodeResponse__Output>
  RemoveNode: MethodDefinition<_fedcredit_v1_RemoveNodeRequest, _fedcredit_v1_RemoveNodeResponse, _fedcredit_v1_RemoveNodeRequest__Output, _fedcredit_v1_RemoveNodeResponse__Output>
}
