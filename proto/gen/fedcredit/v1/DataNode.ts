// Original file: proto/fedcredit/v1/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Catalogue as _fedcredit_v1_Catalogue, Catalogue__Output as _fedcredit_v1_Catalogue__Output } from '../../fedcredit/v1/Catalogue.js';
import type { GetCatalogueRequest as _fedcredit_v1_GetCatalogueRequest, GetCatalogueRequest__Output as _fedcredit_v1_GetCatalogueRequest__Output } from '../../fedcredit/v1/GetCatalogueRequest.js';
import type { GetNodeStatusRequest as _fedcredit_v1_GetNodeStatusRequest, GetNodeStatusRequest__Output as _fedcredit_v1_GetNodeStatusRequest__Output } from '../../fedcredit/v1/GetNodeStatusRequest.js';
import type { GetPolicyRequest as _fedcredit_v1_GetPolicyRequest, GetPolicyRequest__Output as _fedcredit_v1_GetPolicyRequest__Output } from '../../fedcredit/v1/GetPolicyRequest.js';
import type { GetRecordCountsRequest as _fedcredit_v1_GetRecordCountsRequest, GetRecordCountsRequest__Output as _fedcredit_v1_GetRecordCountsRequest__Output } from '../../fedcredit/v1/GetRecordCountsRequest.js';
import type { HealthRequest as _fedcredit_v1_HealthRequest, HealthRequest__Output as _fedcredit_v1_HealthRequest__Output } from '../../fedcredit/v1/HealthRequest.js';
import type { HealthResponse as _fedcredit_v1_HealthResponse, HealthResponse__Output as _fedcredit_v1_HealthResponse__Output } from '../../fedcredit/v1/HealthResponse.js';
import type { IngestChunk as _fedcredit_v1_IngestChunk, IngestChunk__Output as _fedcredit_v1_IngestChunk__Output } from '../../fedcredit/v1/IngestChunk.js';
import type { IngestReport as _fedcredit_v1_IngestReport, IngestReport__Output as _fedcredit_v1_IngestReport__Output } from '../../fedcredit/v1/IngestReport.js';
import type { ListIngestsRequest as _fedcredit_v1_ListIngestsRequest, ListIngestsRequest__Output as _fedcredit_v1_ListIngestsRequest__Output } from '../../fedcredit/v1/ListIngestsRequest.js';
import type { ListIngestsResponse as _fedcredit_v1_ListIngestsResponse, ListIngestsResponse__Output as _fedcredit_v1_ListIngestsResponse__Output } from '../../fedcredit/v1/ListIngestsResponse.js';
import type { ListTablesRequest as _fedcredit_v1_ListTablesRequest, ListTablesRequest__Output as _fedcredit_v1_ListTablesRequest__Output } from '../../fedcredit/v1/ListTablesRequest.js';
import type { ListTablesResponse as _fedcredit_v1_ListTablesResponse, ListTablesResponse__Output as _fedcredit_v1_ListTablesResponse__Output } from '../../fedcredit/v1/ListTablesResponse.js';
import type { NodeOperatorStatus as _fedcredit_v1_NodeOperatorStatus, NodeOperatorStatus__Output as _fedcredit_v1_NodeOperatorStatus__Output } from '../../fedcredit/v1/NodeOperatorStatus.js';
import type { NodePolicy as _fedcredit_v1_NodePolicy, NodePolicy__Output as _fedcredit_v1_NodePolicy__Output } from '../../fedcredit/v1/NodePolicy.js';
import type { RecordCounts as _fedcredit_v1_RecordCounts, RecordCounts__Output as _fedcredit_v1_RecordCounts__Output } from '../../fedcredit/v1/RecordCounts.js';

export interface DataNodeClient extends grpc.Client {
  GetCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  GetCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  GetCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  GetCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  getCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  getCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  getCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  getCatalogue(argument: _fedcredit_v1_GetCatalogueRequest, callback: grpc.requestCallback<_fedcredit_v1_Catalogue__Output>): grpc.ClientUnaryCall;
  
  GetNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  GetNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  GetNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  GetNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  getNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  getNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  getNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  getNodeStatus(argument: _fedcredit_v1_GetNodeStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_NodeOperatorStatus__Output>): grpc.ClientUnaryCall;
  
  GetPolicy(argument: _fedcredit_v1_GetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _fedcredit_v1_GetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _fedcredit_v1_GetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _fedcredit_v1_GetPolicyRequest, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _fedcredit_v1_GetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _fedcredit_v1_GetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _fedcredit_v1_GetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _fedcredit_v1_GetPolicyRequest, callback: grpc.requestCallback<_fedcredit_v1_NodePolicy__Output>): grpc.ClientUnaryCall;
  
  GetRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  GetRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  GetRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  GetRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  getRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  getRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  getRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  getRecordCounts(argument: _fedcredit_v1_GetRecordCountsRequest, callback: grpc.requestCallback<_fedcredit_v1_RecordCounts__Output>): grpc.ClientUnaryCall;
  
  Health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _fedcredit_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _fedcredit_v1_HealthRequest, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _fedcredit_v1_HealthRequest, callback: grpc.requestCallback<_fedcredit_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  
  IngestFile(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  IngestFile(metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  IngestFile(options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  IngestFile(callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  ingestFile(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  ingestFile(metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  ingestFile(options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  ingestFile(callback: grpc.requestCallback<_fedcredit_v1_IngestReport__Output>): grpc.ClientWritableStream<_fedcredit_v1_IngestChunk>;
  
  ListIngests(argument: _fedcredit_v1_ListIngestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  ListIngests(argument: _fedcredit_v1_ListIngestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  ListIngests(argument: _fedcredit_v1_ListIngestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  ListIngests(argument: _fedcredit_v1_ListIngestsRequest, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  listIngests(argument: _fedcredit_v1_ListIngestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  listIngests(argument: _fedcredit_v1_ListIngestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  listIngests(argument: _fedcredit_v1_ListIngestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  listIngests(argument: _fedcredit_v1_ListIngestsRequest, callback: grpc.requestCallback<_fedcredit_v1_ListIngestsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTables(argument: _fedcredit_v1_ListTablesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  ListTables(argument: _fedcredit_v1_ListTablesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  ListTables(argument: _fedcredit_v1_ListTablesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  ListTables(argument: _fedcredit_v1_ListTablesRequest, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  listTables(argument: _fedcredit_v1_ListTablesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  listTables(argument: _fedcredit_v1_ListTablesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  listTables(argument: _fedcredit_v1_ListTablesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  listTables(argument: _fedcredit_v1_ListTablesRequest, callback: grpc.requestCallback<_fedcredit_v1_ListTablesResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DataNodeHandlers extends grpc.UntypedServiceImplementation {
  GetCatalogue: grpc.handleUnaryCall<_fedcredit_v1_GetCatalogueRequest__Output, _fedcredit_v1_Catalogue>;
  
  GetNodeStatus: grpc.handleUnaryCall<_fedcredit_v1_GetNodeStatusRequest__Output, _fedcredit_v1_NodeOperatorStatus>;
  
  GetPolicy: grpc.handleUnaryCall<_fedcredit_v1_GetPolicyRequest__Output, _fedcredit_v1_NodePolicy>;
  
  GetRecordCounts: grpc.handleUnaryCall<_fedcredit_v1_GetRecordCountsRequest__Output, _fedcredit_v1_RecordCounts>;
  
  Health: grpc.handleUnaryCall<_fedcredit_v1_HealthRequest__Output, _fedcredit_v1_HealthResponse>;
  
  IngestFile: grpc.handleClientStreamingCall<_fedcredit_v1_IngestChunk__Output, _fedcredit_v1_IngestReport>;
  
  ListIngests: grpc.handleUnaryCall<_fedcredit_v1_ListIngestsRequest__Output, _fedcredit_v1_ListIngestsResponse>;
  
  ListTables: grpc.handleUnaryCall<_fedcredit_v1_ListTablesRequest__Output, _fedcredit_v1_ListTablesResponse>;
  
}

export interface DataNodeDefinition extends grpc.ServiceDefinition {
  GetCatalogue: MethodDefinition<_fedcredit_v1_GetCatalogueRequest, _fedcredit_v1_Catalogue, _fedcredit_v1_GetCatalogueRequest__Output, _fedcredit_v1_Catalogue__Output>
  GetNodeStatus: MethodDefinition<_fedcredit_v1_GetNodeStatusRequest, _fedcredit_v1_NodeOperatorStatus, _fedcredit_v1_GetNodeStatusRequest__Output, _fedcredit_v1_NodeOperatorStatus__Output>
  GetPolicy: MethodDefinition<_fedcredit_v1_GetPolicyRequest, _fedcredit_v1_NodePolicy, _fedcredit_v1_GetPolicyRequest__Output, _fedcredit_v1_NodePolicy__Output>
  GetRecordCounts: MethodDefinition<_fedcredit_v1_GetRecordCountsRequest, _fedcredit_v1_RecordCounts, _fedcredit_v1_GetRecordCountsRequest__Output, _fedcredit_v1_RecordCounts__Output>
  Health: MethodDefinition<_fedcredit_v1_HealthRequest, _fedcredit_v1_HealthResponse, _fedcredit_v1_HealthRequest__Output, _fedcredit_v1_HealthResponse__Output>
  IngestFile: MethodDefinition<_fedcredit_v1_IngestChunk, _fedcredit_v1_IngestReport, _fedcredit_v1_IngestChunk__Output, _fedcredit_v1_IngestReport__Output>
  ListIngests: MethodDefinition<_fedcredit_v1_ListIngestsRequest, _fedcredit_v1_ListIngestsResponse, _fedcredit_v1_ListIngestsRequest__Output, _fedcredit_v1_ListIngestsResponse__Output>
  ListTables: MethodDefinition<_fedcredit_v1_ListTablesRequest, _fedcredit_v1_ListTablesResponse, _fedcredit_v1_ListTablesRequest__Output, _fedcredit_v1_ListTablesResponse__Output>
}
