// Original file: proto/fedcredit/v1/log.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetServedRecordsRequest as _fedcredit_v1_GetServedRecordsRequest, GetServedRecordsRequest__Output as _fedcredit_v1_GetServedRecordsRequest__Output } from '../../fedcredit/v1/GetServedRecordsRequest.js';
import type { GetWitnessStatusRequest as _fedcredit_v1_GetWitnessStatusRequest, GetWitnessStatusRequest__Output as _fedcredit_v1_GetWitnessStatusRequest__Output } from '../../fedcredit/v1/GetWitnessStatusRequest.js';
import type { ServedRecordsResponse as _fedcredit_v1_ServedRecordsResponse, ServedRecordsResponse__Output as _fedcredit_v1_ServedRecordsResponse__Output } from '../../fedcredit/v1/ServedRecordsResponse.js';
import type { WitnessStatus as _fedcredit_v1_WitnessStatus, WitnessStatus__Output as _fedcredit_v1_WitnessStatus__Output } from '../../fedcredit/v1/WitnessStatus.js';

export interface NodeAuditClient extends grpc.Client {
  GetServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  GetServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  GetServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  GetServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  getServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  getServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  getServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  getServedRecords(argument: _fedcredit_v1_GetServedRecordsRequest, callback: grpc.requestCallback<_fedcredit_v1_ServedRecordsResponse__Output>): grpc.ClientUnaryCall;
  
  GetWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  GetWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  GetWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  GetWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  getWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  getWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  getWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  getWitnessStatus(argument: _fedcredit_v1_GetWitnessStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_WitnessStatus__Output>): grpc.ClientUnaryCall;
  
}

export interface NodeAuditHandlers extends grpc.UntypedServiceImplementation {
  GetServedRecords: grpc.handleUnaryCall<_fedcredit_v1_GetServedRecordsRequest__Output, _fedcredit_v1_ServedRecordsResponse>;
  
  GetWitnessStatus: grpc.handleUnaryCall<_fedcredit_v1_GetWitnessStatusRequest__Output, _fedcredit_v1_WitnessStatus>;
  
}

export interface NodeAuditDefinition extends grpc.ServiceDefinition {
  GetServedRecords: MethodDefinition<_fedcredit_v1_GetServedRecordsRequest, _fedcredit_v1_ServedRecordsResponse, _fedcredit_v1_GetServedRecordsRequest__Output, _fedcredit_v1_ServedRecordsResponse__Output>
  GetWitnessStatus: MethodDefinition<_fedcredit_v1_GetWitnessStatusRequest, _fedcredit_v1_WitnessStatus, _fedcredit_v1_GetWitnessStatusRequest__Output, _fedcredit_v1_WitnessStatus__Output>
}
