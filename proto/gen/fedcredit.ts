import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Catalogue as _fedcredit_v1_Catalogue, Catalogue__Output as _fedcredit_v1_Catalogue__Output } from './fedcredit/v1/Catalogue.js';
import type { CoordinatorClient as _fedcredit_v1_CoordinatorClient, CoordinatorDefinition as _fedcredit_v1_CoordinatorDefinition } from './fedcredit/v1/Coordinator.js';
import type { DataNodeClient as _fedcredit_v1_DataNodeClient, DataNodeDefinition as _fedcredit_v1_DataNodeDefinition } from './fedcredit/v1/DataNode.js';
import type { FeatureDescription as _fedcredit_v1_FeatureDescription, FeatureDescription__Output as _fedcredit_v1_FeatureDescription__Output } from './fedcredit/v1/FeatureDescription.js';
import type { GetCatalogueRequest as _fedcredit_v1_GetCatalogueRequest, GetCatalogueRequest__Output as _fedcredit_v1_GetCatalogueRequest__Output } from './fedcredit/v1/GetCatalogueRequest.js';
import type { GetRecordCountsRequest as _fedcredit_v1_GetRecordCountsRequest, GetRecordCountsRequest__Output as _fedcredit_v1_GetRecordCountsRequest__Output } from './fedcredit/v1/GetRecordCountsRequest.js';
import type { HealthRequest as _fedcredit_v1_HealthRequest, HealthRequest__Output as _fedcredit_v1_HealthRequest__Output } from './fedcredit/v1/HealthRequest.js';
import type { HealthResponse as _fedcredit_v1_HealthResponse, HealthResponse__Output as _fedcredit_v1_HealthResponse__Output } from './fedcredit/v1/HealthResponse.js';
import type { IngestChunk as _fedcredit_v1_IngestChunk, IngestChunk__Output as _fedcredit_v1_IngestChunk__Output } from './fedcredit/v1/IngestChunk.js';
import type { IngestOptions as _fedcredit_v1_IngestOptions, IngestOptions__Output as _fedcredit_v1_IngestOptions__Output } from './fedcredit/v1/IngestOptions.js';
import type { IngestReport as _fedcredit_v1_IngestReport, IngestReport__Output as _fedcredit_v1_IngestReport__Output } from './fedcredit/v1/IngestReport.js';
import type { ListNodesRequest as _fedcredit_v1_ListNodesRequest, ListNodesRequest__Output as _fedcredit_v1_ListNodesRequest__Output } from './fedcredit/v1/ListNodesRequest.js';
import type { NodeList as _fedcredit_v1_NodeList, NodeList__Output as _fedcredit_v1_NodeList__Output } from './fedcredit/v1/NodeList.js';
import type { NodeStatus as _fedcredit_v1_NodeStatus, NodeStatus__Output as _fedcredit_v1_NodeStatus__Output } from './fedcredit/v1/NodeStatus.js';
import type { RecordCount as _fedcredit_v1_RecordCount, RecordCount__Output as _fedcredit_v1_RecordCount__Output } from './fedcredit/v1/RecordCount.js';
import type { RecordCounts as _fedcredit_v1_RecordCounts, RecordCounts__Output as _fedcredit_v1_RecordCounts__Output } from './fedcredit/v1/RecordCounts.js';
import type { RegisterNodeRequest as _fedcredit_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _fedcredit_v1_RegisterNodeRequest__Output } from './fedcredit/v1/RegisterNodeRequest.js';
import type { RegisterNodeResponse as _fedcredit_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _fedcredit_v1_RegisterNodeResponse__Output } from './fedcredit/v1/RegisterNodeResponse.js';
import type { RowProblem as _fedcredit_v1_RowProblem, RowProblem__Output as _fedcredit_v1_RowProblem__Output } from './fedcredit/v1/RowProblem.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  fedcredit: {
    v1: {
      Catalogue: MessageTypeDefinition<_fedcredit_v1_Catalogue, _fedcredit_v1_Catalogue__Output>
      Coordinator: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_CoordinatorClient> & { service: _fedcredit_v1_CoordinatorDefinition }
      DataNode: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_DataNodeClient> & { service: _fedcredit_v1_DataNodeDefinition }
      FeatureDescription: MessageTypeDefinition<_fedcredit_v1_FeatureDescription, _fedcredit_v1_FeatureDescription__Output>
      GetCatalogueRequest: MessageTypeDefinition<_fedcredit_v1_GetCatalogueRequest, _fedcredit_v1_GetCatalogueRequest__Output>
      GetRecordCountsRequest: MessageTypeDefinition<_fedcredit_v1_GetRecordCountsRequest, _fedcredit_v1_GetRecordCountsRequest__Output>
      HealthRequest: MessageTypeDefinition<_fedcredit_v1_HealthRequest, _fedcredit_v1_HealthRequest__Output>
      HealthResponse: MessageTypeDefinition<_fedcredit_v1_HealthResponse, _fedcredit_v1_HealthResponse__Output>
      IngestChunk: MessageTypeDefinition<_fedcredit_v1_IngestChunk, _fedcredit_v1_IngestChunk__Output>
      IngestOptions: MessageTypeDefinition<_fedcredit_v1_IngestOptions, _fedcredit_v1_IngestOptions__Output>
      IngestReport: MessageTypeDefinition<_fedcredit_v1_IngestReport, _fedcredit_v1_IngestReport__Output>
      ListNodesRequest: MessageTypeDefinition<_fedcredit_v1_ListNodesRequest, _fedcredit_v1_ListNodesRequest__Output>
      NodeList: MessageTypeDefinition<_fedcredit_v1_NodeList, _fedcredit_v1_NodeList__Output>
      NodeStatus: MessageTypeDefinition<_fedcredit_v1_NodeStatus, _fedcredit_v1_NodeStatus__Output>
      RecordCount: MessageTypeDefinition<_fedcredit_v1_RecordCount, _fedcredit_v1_RecordCount__Output>
      RecordCounts: MessageTypeDefinition<_fedcredit_v1_RecordCounts, _fedcredit_v1_RecordCounts__Output>
      RegisterNodeRequest: MessageTypeDefinition<_fedcredit_v1_RegisterNodeRequest, _fedcredit_v1_RegisterNodeRequest__Output>
      RegisterNodeResponse: MessageTypeDefinition<_fedcredit_v1_RegisterNodeResponse, _fedcredit_v1_RegisterNodeResponse__Output>
      RowProblem: MessageTypeDefinition<_fedcredit_v1_RowProblem, _fedcredit_v1_RowProblem__Output>
    }
  }
}

