import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActiveTable as _fedcredit_v1_ActiveTable, ActiveTable__Output as _fedcredit_v1_ActiveTable__Output } from './fedcredit/v1/ActiveTable.js';
import type { AlignmentClient as _fedcredit_v1_AlignmentClient, AlignmentDefinition as _fedcredit_v1_AlignmentDefinition } from './fedcredit/v1/Alignment.js';
import type { AlignmentList as _fedcredit_v1_AlignmentList, AlignmentList__Output as _fedcredit_v1_AlignmentList__Output } from './fedcredit/v1/AlignmentList.js';
import type { AlignmentProgress as _fedcredit_v1_AlignmentProgress, AlignmentProgress__Output as _fedcredit_v1_AlignmentProgress__Output } from './fedcredit/v1/AlignmentProgress.js';
import type { AlignmentRef as _fedcredit_v1_AlignmentRef, AlignmentRef__Output as _fedcredit_v1_AlignmentRef__Output } from './fedcredit/v1/AlignmentRef.js';
import type { AlignmentSummary as _fedcredit_v1_AlignmentSummary, AlignmentSummary__Output as _fedcredit_v1_AlignmentSummary__Output } from './fedcredit/v1/AlignmentSummary.js';
import type { BackupClient as _fedcredit_v1_BackupClient, BackupDefinition as _fedcredit_v1_BackupDefinition } from './fedcredit/v1/Backup.js';
import type { BackupChunk as _fedcredit_v1_BackupChunk, BackupChunk__Output as _fedcredit_v1_BackupChunk__Output } from './fedcredit/v1/BackupChunk.js';
import type { BackupRequest as _fedcredit_v1_BackupRequest, BackupRequest__Output as _fedcredit_v1_BackupRequest__Output } from './fedcredit/v1/BackupRequest.js';
import type { Catalogue as _fedcredit_v1_Catalogue, Catalogue__Output as _fedcredit_v1_Catalogue__Output } from './fedcredit/v1/Catalogue.js';
import type { CheckpointResponse as _fedcredit_v1_CheckpointResponse, CheckpointResponse__Output as _fedcredit_v1_CheckpointResponse__Output } from './fedcredit/v1/CheckpointResponse.js';
import type { CommitAlignmentResponse as _fedcredit_v1_CommitAlignmentResponse, CommitAlignmentResponse__Output as _fedcredit_v1_CommitAlignmentResponse__Output } from './fedcredit/v1/CommitAlignmentResponse.js';
import type { ConsentRecordAck as _fedcredit_v1_ConsentRecordAck, ConsentRecordAck__Output as _fedcredit_v1_ConsentRecordAck__Output } from './fedcredit/v1/ConsentRecordAck.js';
import type { ConsentRecordSubmission as _fedcredit_v1_ConsentRecordSubmission, ConsentRecordSubmission__Output as _fedcredit_v1_ConsentRecordSubmission__Output } from './fedcredit/v1/ConsentRecordSubmission.js';
import type { ConsistencyProofRequest as _fedcredit_v1_ConsistencyProofRequest, ConsistencyProofRequest__Output as _fedcredit_v1_ConsistencyProofRequest__Output } from './fedcredit/v1/ConsistencyProofRequest.js';
import type { CoordinatorClient as _fedcredit_v1_CoordinatorClient, CoordinatorDefinition as _fedcredit_v1_CoordinatorDefinition } from './fedcredit/v1/Coordinator.js';
import type { CoordinatorAlarm as _fedcredit_v1_CoordinatorAlarm, CoordinatorAlarm__Output as _fedcredit_v1_CoordinatorAlarm__Output } from './fedcredit/v1/CoordinatorAlarm.js';
import type { CoordinatorStatus as _fedcredit_v1_CoordinatorStatus, CoordinatorStatus__Output as _fedcredit_v1_CoordinatorStatus__Output } from './fedcredit/v1/CoordinatorStatus.js';
import type { CreatePortfolioRequest as _fedcredit_v1_CreatePortfolioRequest, CreatePortfolioRequest__Output as _fedcredit_v1_CreatePortfolioRequest__Output } from './fedcredit/v1/CreatePortfolioRequest.js';
import type { CreatePortfolioResponse as _fedcredit_v1_CreatePortfolioResponse, CreatePortfolioResponse__Output as _fedcredit_v1_CreatePortfolioResponse__Output } from './fedcredit/v1/CreatePortfolioResponse.js';
import type { DataNodeClient as _fedcredit_v1_DataNodeClient, DataNodeDefinition as _fedcredit_v1_DataNodeDefinition } from './fedcredit/v1/DataNode.js';
import type { DescribeIdsRequest as _fedcredit_v1_DescribeIdsRequest, DescribeIdsRequest__Output as _fedcredit_v1_DescribeIdsRequest__Output } from './fedcredit/v1/DescribeIdsRequest.js';
import type { DescribeIdsResponse as _fedcredit_v1_DescribeIdsResponse, DescribeIdsResponse__Output as _fedcredit_v1_DescribeIdsResponse__Output } from './fedcredit/v1/DescribeIdsResponse.js';
import type { DriftBin as _fedcredit_v1_DriftBin, DriftBin__Output as _fedcredit_v1_DriftBin__Output } from './fedcredit/v1/DriftBin.js';
import type { DriftStatus as _fedcredit_v1_DriftStatus, DriftStatus__Output as _fedcredit_v1_DriftStatus__Output } from './fedcredit/v1/DriftStatus.js';
import type { EntriesResponse as _fedcredit_v1_EntriesResponse, EntriesResponse__Output as _fedcredit_v1_EntriesResponse__Output } from './fedcredit/v1/EntriesResponse.js';
import type { EventScore as _fedcredit_v1_EventScore, EventScore__Output as _fedcredit_v1_EventScore__Output } from './fedcredit/v1/EventScore.js';
import type { FeatureCsi as _fedcredit_v1_FeatureCsi, FeatureCsi__Output as _fedcredit_v1_FeatureCsi__Output } from './fedcredit/v1/FeatureCsi.js';
import type { FeatureDescription as _fedcredit_v1_FeatureDescription, FeatureDescription__Output as _fedcredit_v1_FeatureDescription__Output } from './fedcredit/v1/FeatureDescription.js';
import type { FeatureDrift as _fedcredit_v1_FeatureDrift, FeatureDrift__Output as _fedcredit_v1_FeatureDrift__Output } from './fedcredit/v1/FeatureDrift.js';
import type { FeatureStatus as _fedcredit_v1_FeatureStatus, FeatureStatus__Output as _fedcredit_v1_FeatureStatus__Output } from './fedcredit/v1/FeatureStatus.js';
import type { FeatureTransforms as _fedcredit_v1_FeatureTransforms, FeatureTransforms__Output as _fedcredit_v1_FeatureTransforms__Output } from './fedcredit/v1/FeatureTransforms.js';
import type { FinishRunRequest as _fedcredit_v1_FinishRunRequest, FinishRunRequest__Output as _fedcredit_v1_FinishRunRequest__Output } from './fedcredit/v1/FinishRunRequest.js';
import type { FinishRunResponse as _fedcredit_v1_FinishRunResponse, FinishRunResponse__Output as _fedcredit_v1_FinishRunResponse__Output } from './fedcredit/v1/FinishRunResponse.js';
import type { FinishTrainingRequest as _fedcredit_v1_FinishTrainingRequest, FinishTrainingRequest__Output as _fedcredit_v1_FinishTrainingRequest__Output } from './fedcredit/v1/FinishTrainingRequest.js';
import type { FinishTrainingResponse as _fedcredit_v1_FinishTrainingResponse, FinishTrainingResponse__Output as _fedcredit_v1_FinishTrainingResponse__Output } from './fedcredit/v1/FinishTrainingResponse.js';
import type { GetCatalogueRequest as _fedcredit_v1_GetCatalogueRequest, GetCatalogueRequest__Output as _fedcredit_v1_GetCatalogueRequest__Output } from './fedcredit/v1/GetCatalogueRequest.js';
import type { GetCheckpointRequest as _fedcredit_v1_GetCheckpointRequest, GetCheckpointRequest__Output as _fedcredit_v1_GetCheckpointRequest__Output } from './fedcredit/v1/GetCheckpointRequest.js';
import type { GetCoordinatorStatusRequest as _fedcredit_v1_GetCoordinatorStatusRequest, GetCoordinatorStatusRequest__Output as _fedcredit_v1_GetCoordinatorStatusRequest__Output } from './fedcredit/v1/GetCoordinatorStatusRequest.js';
import type { GetDriftStatusRequest as _fedcredit_v1_GetDriftStatusRequest, GetDriftStatusRequest__Output as _fedcredit_v1_GetDriftStatusRequest__Output } from './fedcredit/v1/GetDriftStatusRequest.js';
import type { GetEntriesRequest as _fedcredit_v1_GetEntriesRequest, GetEntriesRequest__Output as _fedcredit_v1_GetEntriesRequest__Output } from './fedcredit/v1/GetEntriesRequest.js';
import type { GetLogInfoRequest as _fedcredit_v1_GetLogInfoRequest, GetLogInfoRequest__Output as _fedcredit_v1_GetLogInfoRequest__Output } from './fedcredit/v1/GetLogInfoRequest.js';
import type { GetModelRequest as _fedcredit_v1_GetModelRequest, GetModelRequest__Output as _fedcredit_v1_GetModelRequest__Output } from './fedcredit/v1/GetModelRequest.js';
import type { GetNodeStatusRequest as _fedcredit_v1_GetNodeStatusRequest, GetNodeStatusRequest__Output as _fedcredit_v1_GetNodeStatusRequest__Output } from './fedcredit/v1/GetNodeStatusRequest.js';
import type { GetPolicyRequest as _fedcredit_v1_GetPolicyRequest, GetPolicyRequest__Output as _fedcredit_v1_GetPolicyRequest__Output } from './fedcredit/v1/GetPolicyRequest.js';
import type { GetReceiptRequest as _fedcredit_v1_GetReceiptRequest, GetReceiptRequest__Output as _fedcredit_v1_GetReceiptRequest__Output } from './fedcredit/v1/GetReceiptRequest.js';
import type { GetRecordCountsRequest as _fedcredit_v1_GetRecordCountsRequest, GetRecordCountsRequest__Output as _fedcredit_v1_GetRecordCountsRequest__Output } from './fedcredit/v1/GetRecordCountsRequest.js';
import type { GetRunReportRequest as _fedcredit_v1_GetRunReportRequest, GetRunReportRequest__Output as _fedcredit_v1_GetRunReportRequest__Output } from './fedcredit/v1/GetRunReportRequest.js';
import type { GetScoringStatsRequest as _fedcredit_v1_GetScoringStatsRequest, GetScoringStatsRequest__Output as _fedcredit_v1_GetScoringStatsRequest__Output } from './fedcredit/v1/GetScoringStatsRequest.js';
import type { GetServedRecordsRequest as _fedcredit_v1_GetServedRecordsRequest, GetServedRecordsRequest__Output as _fedcredit_v1_GetServedRecordsRequest__Output } from './fedcredit/v1/GetServedRecordsRequest.js';
import type { GetWitnessStatusRequest as _fedcredit_v1_GetWitnessStatusRequest, GetWitnessStatusRequest__Output as _fedcredit_v1_GetWitnessStatusRequest__Output } from './fedcredit/v1/GetWitnessStatusRequest.js';
import type { GradeCount as _fedcredit_v1_GradeCount, GradeCount__Output as _fedcredit_v1_GradeCount__Output } from './fedcredit/v1/GradeCount.js';
import type { HealthRequest as _fedcredit_v1_HealthRequest, HealthRequest__Output as _fedcredit_v1_HealthRequest__Output } from './fedcredit/v1/HealthRequest.js';
import type { HealthResponse as _fedcredit_v1_HealthResponse, HealthResponse__Output as _fedcredit_v1_HealthResponse__Output } from './fedcredit/v1/HealthResponse.js';
import type { InclusionProofRequest as _fedcredit_v1_InclusionProofRequest, InclusionProofRequest__Output as _fedcredit_v1_InclusionProofRequest__Output } from './fedcredit/v1/InclusionProofRequest.js';
import type { IngestChunk as _fedcredit_v1_IngestChunk, IngestChunk__Output as _fedcredit_v1_IngestChunk__Output } from './fedcredit/v1/IngestChunk.js';
import type { IngestManifestEntry as _fedcredit_v1_IngestManifestEntry, IngestManifestEntry__Output as _fedcredit_v1_IngestManifestEntry__Output } from './fedcredit/v1/IngestManifestEntry.js';
import type { IngestOptions as _fedcredit_v1_IngestOptions, IngestOptions__Output as _fedcredit_v1_IngestOptions__Output } from './fedcredit/v1/IngestOptions.js';
import type { IngestProgress as _fedcredit_v1_IngestProgress, IngestProgress__Output as _fedcredit_v1_IngestProgress__Output } from './fedcredit/v1/IngestProgress.js';
import type { IngestReport as _fedcredit_v1_IngestReport, IngestReport__Output as _fedcredit_v1_IngestReport__Output } from './fedcredit/v1/IngestReport.js';
import type { ItemAck as _fedcredit_v1_ItemAck, ItemAck__Output as _fedcredit_v1_ItemAck__Output } from './fedcredit/v1/ItemAck.js';
import type { ItemsAck as _fedcredit_v1_ItemsAck, ItemsAck__Output as _fedcredit_v1_ItemsAck__Output } from './fedcredit/v1/ItemsAck.js';
import type { ItemsBatch as _fedcredit_v1_ItemsBatch, ItemsBatch__Output as _fedcredit_v1_ItemsBatch__Output } from './fedcredit/v1/ItemsBatch.js';
import type { JobList as _fedcredit_v1_JobList, JobList__Output as _fedcredit_v1_JobList__Output } from './fedcredit/v1/JobList.js';
import type { JobSummary as _fedcredit_v1_JobSummary, JobSummary__Output as _fedcredit_v1_JobSummary__Output } from './fedcredit/v1/JobSummary.js';
import type { JoinAlignmentRequest as _fedcredit_v1_JoinAlignmentRequest, JoinAlignmentRequest__Output as _fedcredit_v1_JoinAlignmentRequest__Output } from './fedcredit/v1/JoinAlignmentRequest.js';
import type { JoinAlignmentResponse as _fedcredit_v1_JoinAlignmentResponse, JoinAlignmentResponse__Output as _fedcredit_v1_JoinAlignmentResponse__Output } from './fedcredit/v1/JoinAlignmentResponse.js';
import type { LastScore as _fedcredit_v1_LastScore, LastScore__Output as _fedcredit_v1_LastScore__Output } from './fedcredit/v1/LastScore.js';
import type { LeafChainHop as _fedcredit_v1_LeafChainHop, LeafChainHop__Output as _fedcredit_v1_LeafChainHop__Output } from './fedcredit/v1/LeafChainHop.js';
import type { LeafChainHopResponse as _fedcredit_v1_LeafChainHopResponse, LeafChainHopResponse__Output as _fedcredit_v1_LeafChainHopResponse__Output } from './fedcredit/v1/LeafChainHopResponse.js';
import type { ListAlignmentsRequest as _fedcredit_v1_ListAlignmentsRequest, ListAlignmentsRequest__Output as _fedcredit_v1_ListAlignmentsRequest__Output } from './fedcredit/v1/ListAlignmentsRequest.js';
import type { ListIngestsRequest as _fedcredit_v1_ListIngestsRequest, ListIngestsRequest__Output as _fedcredit_v1_ListIngestsRequest__Output } from './fedcredit/v1/ListIngestsRequest.js';
import type { ListIngestsResponse as _fedcredit_v1_ListIngestsResponse, ListIngestsResponse__Output as _fedcredit_v1_ListIngestsResponse__Output } from './fedcredit/v1/ListIngestsResponse.js';
import type { ListJobsRequest as _fedcredit_v1_ListJobsRequest, ListJobsRequest__Output as _fedcredit_v1_ListJobsRequest__Output } from './fedcredit/v1/ListJobsRequest.js';
import type { ListModelsRequest as _fedcredit_v1_ListModelsRequest, ListModelsRequest__Output as _fedcredit_v1_ListModelsRequest__Output } from './fedcredit/v1/ListModelsRequest.js';
import type { ListNodesRequest as _fedcredit_v1_ListNodesRequest, ListNodesRequest__Output as _fedcredit_v1_ListNodesRequest__Output } from './fedcredit/v1/ListNodesRequest.js';
import type { ListPortfolioRequest as _fedcredit_v1_ListPortfolioRequest, ListPortfolioRequest__Output as _fedcredit_v1_ListPortfolioRequest__Output } from './fedcredit/v1/ListPortfolioRequest.js';
import type { ListPortfolioResponse as _fedcredit_v1_ListPortfolioResponse, ListPortfolioResponse__Output as _fedcredit_v1_ListPortfolioResponse__Output } from './fedcredit/v1/ListPortfolioResponse.js';
import type { ListPortfoliosRequest as _fedcredit_v1_ListPortfoliosRequest, ListPortfoliosRequest__Output as _fedcredit_v1_ListPortfoliosRequest__Output } from './fedcredit/v1/ListPortfoliosRequest.js';
import type { ListPortfoliosResponse as _fedcredit_v1_ListPortfoliosResponse, ListPortfoliosResponse__Output as _fedcredit_v1_ListPortfoliosResponse__Output } from './fedcredit/v1/ListPortfoliosResponse.js';
import type { ListQueryableModelsRequest as _fedcredit_v1_ListQueryableModelsRequest, ListQueryableModelsRequest__Output as _fedcredit_v1_ListQueryableModelsRequest__Output } from './fedcredit/v1/ListQueryableModelsRequest.js';
import type { ListRequesterEntriesRequest as _fedcredit_v1_ListRequesterEntriesRequest, ListRequesterEntriesRequest__Output as _fedcredit_v1_ListRequesterEntriesRequest__Output } from './fedcredit/v1/ListRequesterEntriesRequest.js';
import type { ListRunsRequest as _fedcredit_v1_ListRunsRequest, ListRunsRequest__Output as _fedcredit_v1_ListRunsRequest__Output } from './fedcredit/v1/ListRunsRequest.js';
import type { ListRunsResponse as _fedcredit_v1_ListRunsResponse, ListRunsResponse__Output as _fedcredit_v1_ListRunsResponse__Output } from './fedcredit/v1/ListRunsResponse.js';
import type { ListTablesRequest as _fedcredit_v1_ListTablesRequest, ListTablesRequest__Output as _fedcredit_v1_ListTablesRequest__Output } from './fedcredit/v1/ListTablesRequest.js';
import type { ListTablesResponse as _fedcredit_v1_ListTablesResponse, ListTablesResponse__Output as _fedcredit_v1_ListTablesResponse__Output } from './fedcredit/v1/ListTablesResponse.js';
import type { LogInfo as _fedcredit_v1_LogInfo, LogInfo__Output as _fedcredit_v1_LogInfo__Output } from './fedcredit/v1/LogInfo.js';
import type { ModelDrift as _fedcredit_v1_ModelDrift, ModelDrift__Output as _fedcredit_v1_ModelDrift__Output } from './fedcredit/v1/ModelDrift.js';
import type { ModelInfo as _fedcredit_v1_ModelInfo, ModelInfo__Output as _fedcredit_v1_ModelInfo__Output } from './fedcredit/v1/ModelInfo.js';
import type { ModelList as _fedcredit_v1_ModelList, ModelList__Output as _fedcredit_v1_ModelList__Output } from './fedcredit/v1/ModelList.js';
import type { MonitoringClient as _fedcredit_v1_MonitoringClient, MonitoringDefinition as _fedcredit_v1_MonitoringDefinition } from './fedcredit/v1/Monitoring.js';
import type { MonitoringEvent as _fedcredit_v1_MonitoringEvent, MonitoringEvent__Output as _fedcredit_v1_MonitoringEvent__Output } from './fedcredit/v1/MonitoringEvent.js';
import type { MonitoringItem as _fedcredit_v1_MonitoringItem, MonitoringItem__Output as _fedcredit_v1_MonitoringItem__Output } from './fedcredit/v1/MonitoringItem.js';
import type { MonitoringRunReport as _fedcredit_v1_MonitoringRunReport, MonitoringRunReport__Output as _fedcredit_v1_MonitoringRunReport__Output } from './fedcredit/v1/MonitoringRunReport.js';
import type { NodeAlignmentClient as _fedcredit_v1_NodeAlignmentClient, NodeAlignmentDefinition as _fedcredit_v1_NodeAlignmentDefinition } from './fedcredit/v1/NodeAlignment.js';
import type { NodeAuditClient as _fedcredit_v1_NodeAuditClient, NodeAuditDefinition as _fedcredit_v1_NodeAuditDefinition } from './fedcredit/v1/NodeAudit.js';
import type { NodeCounts as _fedcredit_v1_NodeCounts, NodeCounts__Output as _fedcredit_v1_NodeCounts__Output } from './fedcredit/v1/NodeCounts.js';
import type { NodeList as _fedcredit_v1_NodeList, NodeList__Output as _fedcredit_v1_NodeList__Output } from './fedcredit/v1/NodeList.js';
import type { NodeMonitoringClient as _fedcredit_v1_NodeMonitoringClient, NodeMonitoringDefinition as _fedcredit_v1_NodeMonitoringDefinition } from './fedcredit/v1/NodeMonitoring.js';
import type { NodeOperatorStatus as _fedcredit_v1_NodeOperatorStatus, NodeOperatorStatus__Output as _fedcredit_v1_NodeOperatorStatus__Output } from './fedcredit/v1/NodeOperatorStatus.js';
import type { NodePolicy as _fedcredit_v1_NodePolicy, NodePolicy__Output as _fedcredit_v1_NodePolicy__Output } from './fedcredit/v1/NodePolicy.js';
import type { NodeScoringClient as _fedcredit_v1_NodeScoringClient, NodeScoringDefinition as _fedcredit_v1_NodeScoringDefinition } from './fedcredit/v1/NodeScoring.js';
import type { NodeStatus as _fedcredit_v1_NodeStatus, NodeStatus__Output as _fedcredit_v1_NodeStatus__Output } from './fedcredit/v1/NodeStatus.js';
import type { NodeTrainingClient as _fedcredit_v1_NodeTrainingClient, NodeTrainingDefinition as _fedcredit_v1_NodeTrainingDefinition } from './fedcredit/v1/NodeTraining.js';
import type { PeerKeys as _fedcredit_v1_PeerKeys, PeerKeys__Output as _fedcredit_v1_PeerKeys__Output } from './fedcredit/v1/PeerKeys.js';
import type { PortfolioAdd as _fedcredit_v1_PortfolioAdd, PortfolioAdd__Output as _fedcredit_v1_PortfolioAdd__Output } from './fedcredit/v1/PortfolioAdd.js';
import type { PortfolioItem as _fedcredit_v1_PortfolioItem, PortfolioItem__Output as _fedcredit_v1_PortfolioItem__Output } from './fedcredit/v1/PortfolioItem.js';
import type { PortfolioItemResult as _fedcredit_v1_PortfolioItemResult, PortfolioItemResult__Output as _fedcredit_v1_PortfolioItemResult__Output } from './fedcredit/v1/PortfolioItemResult.js';
import type { PortfolioRemove as _fedcredit_v1_PortfolioRemove, PortfolioRemove__Output as _fedcredit_v1_PortfolioRemove__Output } from './fedcredit/v1/PortfolioRemove.js';
import type { PortfolioSummary as _fedcredit_v1_PortfolioSummary, PortfolioSummary__Output as _fedcredit_v1_PortfolioSummary__Output } from './fedcredit/v1/PortfolioSummary.js';
import type { Preprocessing as _fedcredit_v1_Preprocessing, Preprocessing__Output as _fedcredit_v1_Preprocessing__Output } from './fedcredit/v1/Preprocessing.js';
import type { ProofResponse as _fedcredit_v1_ProofResponse, ProofResponse__Output as _fedcredit_v1_ProofResponse__Output } from './fedcredit/v1/ProofResponse.js';
import type { PsiBin as _fedcredit_v1_PsiBin, PsiBin__Output as _fedcredit_v1_PsiBin__Output } from './fedcredit/v1/PsiBin.js';
import type { PsiEnvelope as _fedcredit_v1_PsiEnvelope, PsiEnvelope__Output as _fedcredit_v1_PsiEnvelope__Output } from './fedcredit/v1/PsiEnvelope.js';
import type { PsiFigure as _fedcredit_v1_PsiFigure, PsiFigure__Output as _fedcredit_v1_PsiFigure__Output } from './fedcredit/v1/PsiFigure.js';
import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from './fedcredit/v1/QueryRefusal.js';
import type { QueryableGrade as _fedcredit_v1_QueryableGrade, QueryableGrade__Output as _fedcredit_v1_QueryableGrade__Output } from './fedcredit/v1/QueryableGrade.js';
import type { QueryableModel as _fedcredit_v1_QueryableModel, QueryableModel__Output as _fedcredit_v1_QueryableModel__Output } from './fedcredit/v1/QueryableModel.js';
import type { QueryableModels as _fedcredit_v1_QueryableModels, QueryableModels__Output as _fedcredit_v1_QueryableModels__Output } from './fedcredit/v1/QueryableModels.js';
import type { QueryableScale as _fedcredit_v1_QueryableScale, QueryableScale__Output as _fedcredit_v1_QueryableScale__Output } from './fedcredit/v1/QueryableScale.js';
import type { QueryableWarning as _fedcredit_v1_QueryableWarning, QueryableWarning__Output as _fedcredit_v1_QueryableWarning__Output } from './fedcredit/v1/QueryableWarning.js';
import type { RecordCount as _fedcredit_v1_RecordCount, RecordCount__Output as _fedcredit_v1_RecordCount__Output } from './fedcredit/v1/RecordCount.js';
import type { RecordCounts as _fedcredit_v1_RecordCounts, RecordCounts__Output as _fedcredit_v1_RecordCounts__Output } from './fedcredit/v1/RecordCounts.js';
import type { RefusalCount as _fedcredit_v1_RefusalCount, RefusalCount__Output as _fedcredit_v1_RefusalCount__Output } from './fedcredit/v1/RefusalCount.js';
import type { RegisterNodeRequest as _fedcredit_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _fedcredit_v1_RegisterNodeRequest__Output } from './fedcredit/v1/RegisterNodeRequest.js';
import type { RegisterNodeResponse as _fedcredit_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _fedcredit_v1_RegisterNodeResponse__Output } from './fedcredit/v1/RegisterNodeResponse.js';
import type { RelayAck as _fedcredit_v1_RelayAck, RelayAck__Output as _fedcredit_v1_RelayAck__Output } from './fedcredit/v1/RelayAck.js';
import type { RemoveNodeRequest as _fedcredit_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _fedcredit_v1_RemoveNodeRequest__Output } from './fedcredit/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _fedcredit_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _fedcredit_v1_RemoveNodeResponse__Output } from './fedcredit/v1/RemoveNodeResponse.js';
import type { RequesterEntries as _fedcredit_v1_RequesterEntries, RequesterEntries__Output as _fedcredit_v1_RequesterEntries__Output } from './fedcredit/v1/RequesterEntries.js';
import type { RequesterEntry as _fedcredit_v1_RequesterEntry, RequesterEntry__Output as _fedcredit_v1_RequesterEntry__Output } from './fedcredit/v1/RequesterEntry.js';
import type { RequesterSealingKey as _fedcredit_v1_RequesterSealingKey, RequesterSealingKey__Output as _fedcredit_v1_RequesterSealingKey__Output } from './fedcredit/v1/RequesterSealingKey.js';
import type { RescoreBatch as _fedcredit_v1_RescoreBatch, RescoreBatch__Output as _fedcredit_v1_RescoreBatch__Output } from './fedcredit/v1/RescoreBatch.js';
import type { RescoreBatchResponse as _fedcredit_v1_RescoreBatchResponse, RescoreBatchResponse__Output as _fedcredit_v1_RescoreBatchResponse__Output } from './fedcredit/v1/RescoreBatchResponse.js';
import type { RowProblem as _fedcredit_v1_RowProblem, RowProblem__Output as _fedcredit_v1_RowProblem__Output } from './fedcredit/v1/RowProblem.js';
import type { RunAlignmentRequest as _fedcredit_v1_RunAlignmentRequest, RunAlignmentRequest__Output as _fedcredit_v1_RunAlignmentRequest__Output } from './fedcredit/v1/RunAlignmentRequest.js';
import type { RunLogSpan as _fedcredit_v1_RunLogSpan, RunLogSpan__Output as _fedcredit_v1_RunLogSpan__Output } from './fedcredit/v1/RunLogSpan.js';
import type { RunProgress as _fedcredit_v1_RunProgress, RunProgress__Output as _fedcredit_v1_RunProgress__Output } from './fedcredit/v1/RunProgress.js';
import type { RunSummary as _fedcredit_v1_RunSummary, RunSummary__Output as _fedcredit_v1_RunSummary__Output } from './fedcredit/v1/RunSummary.js';
import type { RunTiming as _fedcredit_v1_RunTiming, RunTiming__Output as _fedcredit_v1_RunTiming__Output } from './fedcredit/v1/RunTiming.js';
import type { RunTrainingRequest as _fedcredit_v1_RunTrainingRequest, RunTrainingRequest__Output as _fedcredit_v1_RunTrainingRequest__Output } from './fedcredit/v1/RunTrainingRequest.js';
import type { ScoreReceipt as _fedcredit_v1_ScoreReceipt, ScoreReceipt__Output as _fedcredit_v1_ScoreReceipt__Output } from './fedcredit/v1/ScoreReceipt.js';
import type { ScoreRequest as _fedcredit_v1_ScoreRequest, ScoreRequest__Output as _fedcredit_v1_ScoreRequest__Output } from './fedcredit/v1/ScoreRequest.js';
import type { ScoreResponse as _fedcredit_v1_ScoreResponse, ScoreResponse__Output as _fedcredit_v1_ScoreResponse__Output } from './fedcredit/v1/ScoreResponse.js';
import type { ScoreStreamReply as _fedcredit_v1_ScoreStreamReply, ScoreStreamReply__Output as _fedcredit_v1_ScoreStreamReply__Output } from './fedcredit/v1/ScoreStreamReply.js';
import type { ScoringClient as _fedcredit_v1_ScoringClient, ScoringDefinition as _fedcredit_v1_ScoringDefinition } from './fedcredit/v1/Scoring.js';
import type { ScoringStats as _fedcredit_v1_ScoringStats, ScoringStats__Output as _fedcredit_v1_ScoringStats__Output } from './fedcredit/v1/ScoringStats.js';
import type { SealedPayload as _fedcredit_v1_SealedPayload, SealedPayload__Output as _fedcredit_v1_SealedPayload__Output } from './fedcredit/v1/SealedPayload.js';
import type { ServedRecord as _fedcredit_v1_ServedRecord, ServedRecord__Output as _fedcredit_v1_ServedRecord__Output } from './fedcredit/v1/ServedRecord.js';
import type { ServedRecordsResponse as _fedcredit_v1_ServedRecordsResponse, ServedRecordsResponse__Output as _fedcredit_v1_ServedRecordsResponse__Output } from './fedcredit/v1/ServedRecordsResponse.js';
import type { ShareBatch as _fedcredit_v1_ShareBatch, ShareBatch__Output as _fedcredit_v1_ShareBatch__Output } from './fedcredit/v1/ShareBatch.js';
import type { ShareBatchResponse as _fedcredit_v1_ShareBatchResponse, ShareBatchResponse__Output as _fedcredit_v1_ShareBatchResponse__Output } from './fedcredit/v1/ShareBatchResponse.js';
import type { ShareOutcome as _fedcredit_v1_ShareOutcome, ShareOutcome__Output as _fedcredit_v1_ShareOutcome__Output } from './fedcredit/v1/ShareOutcome.js';
import type { ShareRequest as _fedcredit_v1_ShareRequest, ShareRequest__Output as _fedcredit_v1_ShareRequest__Output } from './fedcredit/v1/ShareRequest.js';
import type { ShareResponse as _fedcredit_v1_ShareResponse, ShareResponse__Output as _fedcredit_v1_ShareResponse__Output } from './fedcredit/v1/ShareResponse.js';
import type { SiteAnswer as _fedcredit_v1_SiteAnswer, SiteAnswer__Output as _fedcredit_v1_SiteAnswer__Output } from './fedcredit/v1/SiteAnswer.js';
import type { SiteCsi as _fedcredit_v1_SiteCsi, SiteCsi__Output as _fedcredit_v1_SiteCsi__Output } from './fedcredit/v1/SiteCsi.js';
import type { SiteCsiMax as _fedcredit_v1_SiteCsiMax, SiteCsiMax__Output as _fedcredit_v1_SiteCsiMax__Output } from './fedcredit/v1/SiteCsiMax.js';
import type { SiteSetSize as _fedcredit_v1_SiteSetSize, SiteSetSize__Output as _fedcredit_v1_SiteSetSize__Output } from './fedcredit/v1/SiteSetSize.js';
import type { SlotRefusal as _fedcredit_v1_SlotRefusal, SlotRefusal__Output as _fedcredit_v1_SlotRefusal__Output } from './fedcredit/v1/SlotRefusal.js';
import type { StartRunRequest as _fedcredit_v1_StartRunRequest, StartRunRequest__Output as _fedcredit_v1_StartRunRequest__Output } from './fedcredit/v1/StartRunRequest.js';
import type { StartTrainingRequest as _fedcredit_v1_StartTrainingRequest, StartTrainingRequest__Output as _fedcredit_v1_StartTrainingRequest__Output } from './fedcredit/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _fedcredit_v1_StartTrainingResponse, StartTrainingResponse__Output as _fedcredit_v1_StartTrainingResponse__Output } from './fedcredit/v1/StartTrainingResponse.js';
import type { SubmitCosignatureRequest as _fedcredit_v1_SubmitCosignatureRequest, SubmitCosignatureRequest__Output as _fedcredit_v1_SubmitCosignatureRequest__Output } from './fedcredit/v1/SubmitCosignatureRequest.js';
import type { SubmitCosignatureResponse as _fedcredit_v1_SubmitCosignatureResponse, SubmitCosignatureResponse__Output as _fedcredit_v1_SubmitCosignatureResponse__Output } from './fedcredit/v1/SubmitCosignatureResponse.js';
import type { TableVersionInfo as _fedcredit_v1_TableVersionInfo, TableVersionInfo__Output as _fedcredit_v1_TableVersionInfo__Output } from './fedcredit/v1/TableVersionInfo.js';
import type { TrainingClient as _fedcredit_v1_TrainingClient, TrainingDefinition as _fedcredit_v1_TrainingDefinition } from './fedcredit/v1/Training.js';
import type { TrainingAck as _fedcredit_v1_TrainingAck, TrainingAck__Output as _fedcredit_v1_TrainingAck__Output } from './fedcredit/v1/TrainingAck.js';
import type { TrainingJobRef as _fedcredit_v1_TrainingJobRef, TrainingJobRef__Output as _fedcredit_v1_TrainingJobRef__Output } from './fedcredit/v1/TrainingJobRef.js';
import type { TrainingParams as _fedcredit_v1_TrainingParams, TrainingParams__Output as _fedcredit_v1_TrainingParams__Output } from './fedcredit/v1/TrainingParams.js';
import type { TrainingPeer as _fedcredit_v1_TrainingPeer, TrainingPeer__Output as _fedcredit_v1_TrainingPeer__Output } from './fedcredit/v1/TrainingPeer.js';
import type { TrainingProgress as _fedcredit_v1_TrainingProgress, TrainingProgress__Output as _fedcredit_v1_TrainingProgress__Output } from './fedcredit/v1/TrainingProgress.js';
import type { TrainingStep as _fedcredit_v1_TrainingStep, TrainingStep__Output as _fedcredit_v1_TrainingStep__Output } from './fedcredit/v1/TrainingStep.js';
import type { TrainingStepRef as _fedcredit_v1_TrainingStepRef, TrainingStepRef__Output as _fedcredit_v1_TrainingStepRef__Output } from './fedcredit/v1/TrainingStepRef.js';
import type { TrainingStepResult as _fedcredit_v1_TrainingStepResult, TrainingStepResult__Output as _fedcredit_v1_TrainingStepResult__Output } from './fedcredit/v1/TrainingStepResult.js';
import type { TransparencyLogClient as _fedcredit_v1_TransparencyLogClient, TransparencyLogDefinition as _fedcredit_v1_TransparencyLogDefinition } from './fedcredit/v1/TransparencyLog.js';
import type { UpdatePortfolioRequest as _fedcredit_v1_UpdatePortfolioRequest, UpdatePortfolioRequest__Output as _fedcredit_v1_UpdatePortfolioRequest__Output } from './fedcredit/v1/UpdatePortfolioRequest.js';
import type { UpdatePortfolioResponse as _fedcredit_v1_UpdatePortfolioResponse, UpdatePortfolioResponse__Output as _fedcredit_v1_UpdatePortfolioResponse__Output } from './fedcredit/v1/UpdatePortfolioResponse.js';
import type { WarningTransition as _fedcredit_v1_WarningTransition, WarningTransition__Output as _fedcredit_v1_WarningTransition__Output } from './fedcredit/v1/WarningTransition.js';
import type { WatchAck as _fedcredit_v1_WatchAck, WatchAck__Output as _fedcredit_v1_WatchAck__Output } from './fedcredit/v1/WatchAck.js';
import type { WatchClientMessage as _fedcredit_v1_WatchClientMessage, WatchClientMessage__Output as _fedcredit_v1_WatchClientMessage__Output } from './fedcredit/v1/WatchClientMessage.js';
import type { WatchStart as _fedcredit_v1_WatchStart, WatchStart__Output as _fedcredit_v1_WatchStart__Output } from './fedcredit/v1/WatchStart.js';
import type { WitnessAlarm as _fedcredit_v1_WitnessAlarm, WitnessAlarm__Output as _fedcredit_v1_WitnessAlarm__Output } from './fedcredit/v1/WitnessAlarm.js';
import type { WitnessInfo as _fedcredit_v1_WitnessInfo, WitnessInfo__Output as _fedcredit_v1_WitnessInfo__Output } from './fedcredit/v1/WitnessInfo.js';
import type { WitnessState as _fedcredit_v1_WitnessState, WitnessState__Output as _fedcredit_v1_WitnessState__Output } from './fedcredit/v1/WitnessState.js';
import type { WitnessStatus as _fedcredit_v1_WitnessStatus, WitnessStatus__Output as _fedcredit_v1_WitnessStatus__Output } from './fedcredit/v1/WitnessStatus.js';
import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from './google/protobuf/Any.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  fedcredit: {
    v1: {
      ActiveTable: MessageTypeDefinition<_fedcredit_v1_ActiveTable, _fedcredit_v1_ActiveTable__Output>
      Alignment: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_AlignmentClient> & { service: _fedcredit_v1_AlignmentDefinition }
      AlignmentList: MessageTypeDefinition<_fedcredit_v1_AlignmentList, _fedcredit_v1_AlignmentList__Output>
      AlignmentProgress: MessageTypeDefinition<_fedcredit_v1_AlignmentProgress, _fedcredit_v1_AlignmentProgress__Output>
      AlignmentRef: MessageTypeDefinition<_fedcredit_v1_AlignmentRef, _fedcredit_v1_AlignmentRef__Output>
      AlignmentSummary: MessageTypeDefinition<_fedcredit_v1_AlignmentSummary, _fedcredit_v1_AlignmentSummary__Output>
      Backup: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_BackupClient> & { service: _fedcredit_v1_BackupDefinition }
      BackupChunk: MessageTypeDefinition<_fedcredit_v1_BackupChunk, _fedcredit_v1_BackupChunk__Output>
      BackupRequest: MessageTypeDefinition<_fedcredit_v1_BackupRequest, _fedcredit_v1_BackupRequest__Output>
      Catalogue: MessageTypeDefinition<_fedcredit_v1_Catalogue, _fedcredit_v1_Catalogue__Output>
      CheckpointResponse: MessageTypeDefinition<_fedcredit_v1_CheckpointResponse, _fedcredit_v1_CheckpointResponse__Output>
      CommitAlignmentResponse: MessageTypeDefinition<_fedcredit_v1_CommitAlignmentResponse, _fedcredit_v1_CommitAlignmentResponse__Output>
      ConsentRecordAck: MessageTypeDefinition<_fedcredit_v1_ConsentRecordAck, _fedcredit_v1_ConsentRecordAck__Output>
      ConsentRecordSubmission: MessageTypeDefinition<_fedcredit_v1_ConsentRecordSubmission, _fedcredit_v1_ConsentRecordSubmission__Output>
      ConsistencyProofRequest: MessageTypeDefinition<_fedcredit_v1_ConsistencyProofRequest, _fedcredit_v1_ConsistencyProofRequest__Output>
      Coordinator: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_CoordinatorClient> & { service: _fedcredit_v1_CoordinatorDefinition }
      CoordinatorAlarm: MessageTypeDefinition<_fedcredit_v1_CoordinatorAlarm, _fedcredit_v1_CoordinatorAlarm__Output>
      CoordinatorStatus: MessageTypeDefinition<_fedcredit_v1_CoordinatorStatus, _fedcredit_v1_CoordinatorStatus__Output>
      CreatePortfolioRequest: MessageTypeDefinition<_fedcredit_v1_CreatePortfolioRequest, _fedcredit_v1_CreatePortfolioRequest__Output>
      CreatePortfolioResponse: MessageTypeDefinition<_fedcredit_v1_CreatePortfolioResponse, _fedcredit_v1_CreatePortfolioResponse__Output>
      DataNode: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_DataNodeClient> & { service: _fedcredit_v1_DataNodeDefinition }
      DescribeIdsRequest: MessageTypeDefinition<_fedcredit_v1_DescribeIdsRequest, _fedcredit_v1_DescribeIdsRequest__Output>
      DescribeIdsResponse: MessageTypeDefinition<_fedcredit_v1_DescribeIdsResponse, _fedcredit_v1_DescribeIdsResponse__Output>
      DriftBin: MessageTypeDefinition<_fedcredit_v1_DriftBin, _fedcredit_v1_DriftBin__Output>
      DriftStatus: MessageTypeDefinition<_fedcredit_v1_DriftStatus, _fedcredit_v1_DriftStatus__Output>
      EntriesResponse: MessageTypeDefinition<_fedcredit_v1_EntriesResponse, _fedcredit_v1_EntriesResponse__Output>
      EventScore: MessageTypeDefinition<_fedcredit_v1_EventScore, _fedcredit_v1_EventScore__Output>
      FeatureCsi: MessageTypeDefinition<_fedcredit_v1_FeatureCsi, _fedcredit_v1_FeatureCsi__Output>
      FeatureDescription: MessageTypeDefinition<_fedcredit_v1_FeatureDescription, _fedcredit_v1_FeatureDescription__Output>
      FeatureDrift: MessageTypeDefinition<_fedcredit_v1_FeatureDrift, _fedcredit_v1_FeatureDrift__Output>
      FeatureStatus: MessageTypeDefinition<_fedcredit_v1_FeatureStatus, _fedcredit_v1_FeatureStatus__Output>
      FeatureTransforms: MessageTypeDefinition<_fedcredit_v1_FeatureTransforms, _fedcredit_v1_FeatureTransforms__Output>
      FinishRunRequest: MessageTypeDefinition<_fedcredit_v1_FinishRunRequest, _fedcredit_v1_FinishRunRequest__Output>
      FinishRunResponse: MessageTypeDefinition<_fedcredit_v1_FinishRunResponse, _fedcredit_v1_FinishRunResponse__Output>
      FinishTrainingRequest: MessageTypeDefinition<_fedcredit_v1_FinishTrainingRequest, _fedcredit_v1_FinishTrainingRequest__Output>
      FinishTrainingResponse: MessageTypeDefinition<_fedcredit_v1_FinishTrainingResponse, _fedcredit_v1_FinishTrainingResponse__Output>
      GetCatalogueRequest: MessageTypeDefinition<_fedcredit_v1_GetCatalogueRequest, _fedcredit_v1_GetCatalogueRequest__Output>
      GetCheckpointRequest: MessageTypeDefinition<_fedcredit_v1_GetCheckpointRequest, _fedcredit_v1_GetCheckpointRequest__Output>
      GetCoordinatorStatusRequest: MessageTypeDefinition<_fedcredit_v1_GetCoordinatorStatusRequest, _fedcredit_v1_GetCoordinatorStatusRequest__Output>
      GetDriftStatusRequest: MessageTypeDefinition<_fedcredit_v1_GetDriftStatusRequest, _fedcredit_v1_GetDriftStatusRequest__Output>
      GetEntriesRequest: MessageTypeDefinition<_fedcredit_v1_GetEntriesRequest, _fedcredit_v1_GetEntriesRequest__Output>
      GetLogInfoRequest: MessageTypeDefinition<_fedcredit_v1_GetLogInfoRequest, _fedcredit_v1_GetLogInfoRequest__Output>
      GetModelRequest: MessageTypeDefinition<_fedcredit_v1_GetModelRequest, _fedcredit_v1_GetModelRequest__Output>
      GetNodeStatusRequest: MessageTypeDefinition<_fedcredit_v1_GetNodeStatusRequest, _fedcredit_v1_GetNodeStatusRequest__Output>
      GetPolicyRequest: MessageTypeDefinition<_fedcredit_v1_GetPolicyRequest, _fedcredit_v1_GetPolicyRequest__Output>
      GetReceiptRequest: MessageTypeDefinition<_fedcredit_v1_GetReceiptRequest, _fedcredit_v1_GetReceiptRequest__Output>
      GetRecordCountsRequest: MessageTypeDefinition<_fedcredit_v1_GetRecordCountsRequest, _fedcredit_v1_GetRecordCountsRequest__Output>
      GetRunReportRequest: MessageTypeDefinition<_fedcredit_v1_GetRunReportRequest, _fedcredit_v1_GetRunReportRequest__Output>
      GetScoringStatsRequest: MessageTypeDefinition<_fedcredit_v1_GetScoringStatsRequest, _fedcredit_v1_GetScoringStatsRequest__Output>
      GetServedRecordsRequest: MessageTypeDefinition<_fedcredit_v1_GetServedRecordsRequest, _fedcredit_v1_GetServedRecordsRequest__Output>
      GetWitnessStatusRequest: MessageTypeDefinition<_fedcredit_v1_GetWitnessStatusRequest, _fedcredit_v1_GetWitnessStatusRequest__Output>
      GradeCount: MessageTypeDefinition<_fedcredit_v1_GradeCount, _fedcredit_v1_GradeCount__Output>
      HealthRequest: MessageTypeDefinition<_fedcredit_v1_HealthRequest, _fedcredit_v1_HealthRequest__Output>
      HealthResponse: MessageTypeDefinition<_fedcredit_v1_HealthResponse, _fedcredit_v1_HealthResponse__Output>
      InclusionProofRequest: MessageTypeDefinition<_fedcredit_v1_InclusionProofRequest, _fedcredit_v1_InclusionProofRequest__Output>
      IngestChunk: MessageTypeDefinition<_fedcredit_v1_IngestChunk, _fedcredit_v1_IngestChunk__Output>
      IngestManifestEntry: MessageTypeDefinition<_fedcredit_v1_IngestManifestEntry, _fedcredit_v1_IngestManifestEntry__Output>
      IngestOptions: MessageTypeDefinition<_fedcredit_v1_IngestOptions, _fedcredit_v1_IngestOptions__Output>
      IngestProgress: MessageTypeDefinition<_fedcredit_v1_IngestProgress, _fedcredit_v1_IngestProgress__Output>
      IngestReport: MessageTypeDefinition<_fedcredit_v1_IngestReport, _fedcredit_v1_IngestReport__Output>
      ItemAck: MessageTypeDefinition<_fedcredit_v1_ItemAck, _fedcredit_v1_ItemAck__Output>
      ItemsAck: MessageTypeDefinition<_fedcredit_v1_ItemsAck, _fedcredit_v1_ItemsAck__Output>
      ItemsBatch: MessageTypeDefinition<_fedcredit_v1_ItemsBatch, _fedcredit_v1_ItemsBatch__Output>
      JobList: MessageTypeDefinition<_fedcredit_v1_JobList, _fedcredit_v1_JobList__Output>
      JobSummary: MessageTypeDefinition<_fedcredit_v1_JobSummary, _fedcredit_v1_JobSummary__Output>
      JoinAlignmentRequest: MessageTypeDefinition<_fedcredit_v1_JoinAlignmentRequest, _fedcredit_v1_JoinAlignmentRequest__Output>
      JoinAlignmentResponse: MessageTypeDefinition<_fedcredit_v1_JoinAlignmentResponse, _fedcredit_v1_JoinAlignmentResponse__Output>
      LastScore: MessageTypeDefinition<_fedcredit_v1_LastScore, _fedcredit_v1_LastScore__Output>
      LeafChainHop: MessageTypeDefinition<_fedcredit_v1_LeafChainHop, _fedcredit_v1_LeafChainHop__Output>
      LeafChainHopResponse: MessageTypeDefinition<_fedcredit_v1_LeafChainHopResponse, _fedcredit_v1_LeafChainHopResponse__Output>
      ListAlignmentsRequest: MessageTypeDefinition<_fedcredit_v1_ListAlignmentsRequest, _fedcredit_v1_ListAlignmentsRequest__Output>
      ListIngestsRequest: MessageTypeDefinition<_fedcredit_v1_ListIngestsRequest, _fedcredit_v1_ListIngestsRequest__Output>
      ListIngestsResponse: MessageTypeDefinition<_fedcredit_v1_ListIngestsResponse, _fedcredit_v1_ListIngestsResponse__Output>
      ListJobsRequest: MessageTypeDefinition<_fedcredit_v1_ListJobsRequest, _fedcredit_v1_ListJobsRequest__Output>
      ListModelsRequest: MessageTypeDefinition<_fedcredit_v1_ListModelsRequest, _fedcredit_v1_ListModelsRequest__Output>
      ListNodesRequest: MessageTypeDefinition<_fedcredit_v1_ListNodesRequest, _fedcredit_v1_ListNodesRequest__Output>
      ListPortfolioRequest: MessageTypeDefinition<_fedcredit_v1_ListPortfolioRequest, _fedcredit_v1_ListPortfolioRequest__Output>
      ListPortfolioResponse: MessageTypeDefinition<_fedcredit_v1_ListPortfolioResponse, _fedcredit_v1_ListPortfolioResponse__Output>
      ListPortfoliosRequest: MessageTypeDefinition<_fedcredit_v1_ListPortfoliosRequest, _fedcredit_v1_ListPortfoliosRequest__Output>
      ListPortfoliosResponse: MessageTypeDefinition<_fedcredit_v1_ListPortfoliosResponse, _fedcredit_v1_ListPortfoliosResponse__Output>
      ListQueryableModelsRequest: MessageTypeDefinition<_fedcredit_v1_ListQueryableModelsRequest, _fedcredit_v1_ListQueryableModelsRequest__Output>
      ListRequesterEntriesRequest: MessageTypeDefinition<_fedcredit_v1_ListRequesterEntriesRequest, _fedcredit_v1_ListRequesterEntriesRequest__Output>
      ListRunsRequest: MessageTypeDefinition<_fedcredit_v1_ListRunsRequest, _fedcredit_v1_ListRunsRequest__Output>
      ListRunsResponse: MessageTypeDefinition<_fedcredit_v1_ListRunsResponse, _fedcredit_v1_ListRunsResponse__Output>
      ListTablesRequest: MessageTypeDefinition<_fedcredit_v1_ListTablesRequest, _fedcredit_v1_ListTablesRequest__Output>
      ListTablesResponse: MessageTypeDefinition<_fedcredit_v1_ListTablesResponse, _fedcredit_v1_ListTablesResponse__Output>
      LogInfo: MessageTypeDefinition<_fedcredit_v1_LogInfo, _fedcredit_v1_LogInfo__Output>
      ModelDrift: MessageTypeDefinition<_fedcredit_v1_ModelDrift, _fedcredit_v1_ModelDrift__Output>
      ModelInfo: MessageTypeDefinition<_fedcredit_v1_ModelInfo, _fedcredit_v1_ModelInfo__Output>
      ModelList: MessageTypeDefinition<_fedcredit_v1_ModelList, _fedcredit_v1_ModelList__Output>
      Monitoring: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_MonitoringClient> & { service: _fedcredit_v1_MonitoringDefinition }
      MonitoringEvent: MessageTypeDefinition<_fedcredit_v1_MonitoringEvent, _fedcredit_v1_MonitoringEvent__Output>
      MonitoringItem: MessageTypeDefinition<_fedcredit_v1_MonitoringItem, _fedcredit_v1_MonitoringItem__Output>
      MonitoringRunReport: MessageTypeDefinition<_fedcredit_v1_MonitoringRunReport, _fedcredit_v1_MonitoringRunReport__Output>
      NodeAlignment: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeAlignmentClient> & { service: _fedcredit_v1_NodeAlignmentDefinition }
      NodeAudit: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeAuditClient> & { service: _fedcredit_v1_NodeAuditDefinition }
      NodeCounts: MessageTypeDefinition<_fedcredit_v1_NodeCounts, _fedcredit_v1_NodeCounts__Output>
      NodeList: MessageTypeDefinition<_fedcredit_v1_NodeList, _fedcredit_v1_NodeList__Output>
      NodeMonitoring: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeMonitoringClient> & { service: _fedcredit_v1_NodeMonitoringDefinition }
      NodeOperatorStatus: MessageTypeDefinition<_fedcredit_v1_NodeOperatorStatus, _fedcredit_v1_NodeOperatorStatus__Output>
      NodePolicy: MessageTypeDefinition<_fedcredit_v1_NodePolicy, _fedcredit_v1_NodePolicy__Output>
      NodeScoring: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeScoringClient> & { service: _fedcredit_v1_NodeScoringDefinition }
      NodeStatus: MessageTypeDefinition<_fedcredit_v1_NodeStatus, _fedcredit_v1_NodeStatus__Output>
      NodeTraining: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeTrainingClient> & { service: _fedcredit_v1_NodeTrainingDefinition }
      PeerKeys: MessageTypeDefinition<_fedcredit_v1_PeerKeys, _fedcredit_v1_PeerKeys__Output>
      PortfolioAdd: MessageTypeDefinition<_fedcredit_v1_PortfolioAdd, _fedcredit_v1_PortfolioAdd__Output>
      PortfolioItem: MessageTypeDefinition<_fedcredit_v1_PortfolioItem, _fedcredit_v1_PortfolioItem__Output>
      PortfolioItemResult: MessageTypeDefinition<_fedcredit_v1_PortfolioItemResult, _fedcredit_v1_PortfolioItemResult__Output>
      PortfolioRemove: MessageTypeDefinition<_fedcredit_v1_PortfolioRemove, _fedcredit_v1_PortfolioRemove__Output>
      PortfolioSummary: MessageTypeDefinition<_fedcredit_v1_PortfolioSummary, _fedcredit_v1_PortfolioSummary__Output>
      Preprocessing: MessageTypeDefinition<_fedcredit_v1_Preprocessing, _fedcredit_v1_Preprocessing__Output>
      ProofResponse: MessageTypeDefinition<_fedcredit_v1_ProofResponse, _fedcredit_v1_ProofResponse__Output>
      PsiBin: MessageTypeDefinition<_fedcredit_v1_PsiBin, _fedcredit_v1_PsiBin__Output>
      PsiEnvelope: MessageTypeDefinition<_fedcredit_v1_PsiEnvelope, _fedcredit_v1_PsiEnvelope__Output>
      PsiFigure: MessageTypeDefinition<_fedcredit_v1_PsiFigure, _fedcredit_v1_PsiFigure__Output>
      QueryRefusal: MessageTypeDefinition<_fedcredit_v1_QueryRefusal, _fedcredit_v1_QueryRefusal__Output>
      QueryableGrade: MessageTypeDefinition<_fedcredit_v1_QueryableGrade, _fedcredit_v1_QueryableGrade__Output>
      QueryableModel: MessageTypeDefinition<_fedcredit_v1_QueryableModel, _fedcredit_v1_QueryableModel__Output>
      QueryableModels: MessageTypeDefinition<_fedcredit_v1_QueryableModels, _fedcredit_v1_QueryableModels__Output>
      QueryableScale: MessageTypeDefinition<_fedcredit_v1_QueryableScale, _fedcredit_v1_QueryableScale__Output>
      QueryableWarning: MessageTypeDefinition<_fedcredit_v1_QueryableWarning, _fedcredit_v1_QueryableWarning__Output>
      RecordCount: MessageTypeDefinition<_fedcredit_v1_RecordCount, _fedcredit_v1_RecordCount__Output>
      RecordCounts: MessageTypeDefinition<_fedcredit_v1_RecordCounts, _fedcredit_v1_RecordCounts__Output>
      RefusalCount: MessageTypeDefinition<_fedcredit_v1_RefusalCount, _fedcredit_v1_RefusalCount__Output>
      RegisterNodeRequest: MessageTypeDefinition<_fedcredit_v1_RegisterNodeRequest, _fedcredit_v1_RegisterNodeRequest__Output>
      RegisterNodeResponse: MessageTypeDefinition<_fedcredit_v1_RegisterNodeResponse, _fedcredit_v1_RegisterNodeResponse__Output>
      RelayAck: MessageTypeDefinition<_fedcredit_v1_RelayAck, _fedcredit_v1_RelayAck__Output>
      RemoveNodeRequest: MessageTypeDefinition<_fedcredit_v1_RemoveNodeRequest, _fedcredit_v1_RemoveNodeRequest__Output>
      RemoveNodeResponse: MessageTypeDefinition<_fedcredit_v1_RemoveNodeResponse, _fedcredit_v1_RemoveNodeResponse__Output>
      RequesterEntries: MessageTypeDefinition<_fedcredit_v1_RequesterEntries, _fedcredit_v1_RequesterEntries__Output>
      RequesterEntry: MessageTypeDefinition<_fedcredit_v1_RequesterEntry, _fedcredit_v1_RequesterEntry__Output>
      RequesterSealingKey: MessageTypeDefinition<_fedcredit_v1_RequesterSealingKey, _fedcredit_v1_RequesterSealingKey__Output>
      RescoreBatch: MessageTypeDefinition<_fedcredit_v1_RescoreBatch, _fedcredit_v1_RescoreBatch__Output>
      RescoreBatchResponse: MessageTypeDefinition<_fedcredit_v1_RescoreBatchResponse, _fedcredit_v1_RescoreBatchResponse__Output>
      RowProblem: MessageTypeDefinition<_fedcredit_v1_RowProblem, _fedcredit_v1_RowProblem__Output>
      RunAlignmentRequest: MessageTypeDefinition<_fedcredit_v1_RunAlignmentRequest, _fedcredit_v1_RunAlignmentRequest__Output>
      RunLogSpan: MessageTypeDefinition<_fedcredit_v1_RunLogSpan, _fedcredit_v1_RunLogSpan__Output>
      RunProgress: MessageTypeDefinition<_fedcredit_v1_RunProgress, _fedcredit_v1_RunProgress__Output>
      RunSummary: MessageTypeDefinition<_fedcredit_v1_RunSummary, _fedcredit_v1_RunSummary__Output>
      RunTiming: MessageTypeDefinition<_fedcredit_v1_RunTiming, _fedcredit_v1_RunTiming__Output>
      RunTrainingRequest: MessageTypeDefinition<_fedcredit_v1_RunTrainingRequest, _fedcredit_v1_RunTrainingRequest__Output>
      ScoreReceipt: MessageTypeDefinition<_fedcredit_v1_ScoreReceipt, _fedcredit_v1_ScoreReceipt__Output>
      ScoreRequest: MessageTypeDefinition<_fedcredit_v1_ScoreRequest, _fedcredit_v1_ScoreRequest__Output>
      ScoreResponse: MessageTypeDefinition<_fedcredit_v1_ScoreResponse, _fedcredit_v1_ScoreResponse__Output>
      ScoreStreamReply: MessageTypeDefinition<_fedcredit_v1_ScoreStreamReply, _fedcredit_v1_ScoreStreamReply__Output>
      Scoring: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_ScoringClient> & { service: _fedcredit_v1_ScoringDefinition }
      ScoringStats: MessageTypeDefinition<_fedcredit_v1_ScoringStats, _fedcredit_v1_ScoringStats__Output>
      SealedPayload: MessageTypeDefinition<_fedcredit_v1_SealedPayload, _fedcredit_v1_SealedPayload__Output>
      ServedRecord: MessageTypeDefinition<_fedcredit_v1_ServedRecord, _fedcredit_v1_ServedRecord__Output>
      ServedRecordsResponse: MessageTypeDefinition<_fedcredit_v1_ServedRecordsResponse, _fedcredit_v1_ServedRecordsResponse__Output>
      ShareBatch: MessageTypeDefinition<_fedcredit_v1_ShareBatch, _fedcredit_v1_ShareBatch__Output>
      ShareBatchResponse: MessageTypeDefinition<_fedcredit_v1_ShareBatchResponse, _fedcredit_v1_ShareBatchResponse__Output>
      ShareOutcome: MessageTypeDefinition<_fedcredit_v1_ShareOutcome, _fedcredit_v1_ShareOutcome__Output>
      ShareRequest: MessageTypeDefinition<_fedcredit_v1_ShareRequest, _fedcredit_v1_ShareRequest__Output>
      ShareResponse: MessageTypeDefinition<_fedcredit_v1_ShareResponse, _fedcredit_v1_ShareResponse__Output>
      SiteAnswer: MessageTypeDefinition<_fedcredit_v1_SiteAnswer, _fedcredit_v1_SiteAnswer__Output>
      SiteCsi: MessageTypeDefinition<_fedcredit_v1_SiteCsi, _fedcredit_v1_SiteCsi__Output>
      SiteCsiMax: MessageTypeDefinition<_fedcredit_v1_SiteCsiMax, _fedcredit_v1_SiteCsiMax__Output>
      SiteSetSize: MessageTypeDefinition<_fedcredit_v1_SiteSetSize, _fedcredit_v1_SiteSetSize__Output>
      SlotRefusal: MessageTypeDefinition<_fedcredit_v1_SlotRefusal, _fedcredit_v1_SlotRefusal__Output>
      StartRunRequest: MessageTypeDefinition<_fedcredit_v1_StartRunRequest, _fedcredit_v1_StartRunRequest__Output>
      StartTrainingRequest: MessageTypeDefinition<_fedcredit_v1_StartTrainingRequest, _fedcredit_v1_StartTrainingRequest__Output>
      StartTrainingResponse: MessageTypeDefinition<_fedcredit_v1_StartTrainingResponse, _fedcredit_v1_StartTrainingResponse__Output>
      SubmitCosignatureRequest: MessageTypeDefinition<_fedcredit_v1_SubmitCosignatureRequest, _fedcredit_v1_SubmitCosignatureRequest__Output>
      SubmitCosignatureResponse: MessageTypeDefinition<_fedcredit_v1_SubmitCosignatureResponse, _fedcredit_v1_SubmitCosignatureResponse__Output>
      TableVersionInfo: MessageTypeDefinition<_fedcredit_v1_TableVersionInfo, _fedcredit_v1_TableVersionInfo__Output>
      Training: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_TrainingClient> & { service: _fedcredit_v1_TrainingDefinition }
      TrainingAck: MessageTypeDefinition<_fedcredit_v1_TrainingAck, _fedcredit_v1_TrainingAck__Output>
      TrainingJobRef: MessageTypeDefinition<_fedcredit_v1_TrainingJobRef, _fedcredit_v1_TrainingJobRef__Output>
      TrainingParams: MessageTypeDefinition<_fedcredit_v1_TrainingParams, _fedcredit_v1_TrainingParams__Output>
      TrainingPeer: MessageTypeDefinition<_fedcredit_v1_TrainingPeer, _fedcredit_v1_TrainingPeer__Output>
      TrainingProgress: MessageTypeDefinition<_fedcredit_v1_TrainingProgress, _fedcredit_v1_TrainingProgress__Output>
      TrainingStep: MessageTypeDefinition<_fedcredit_v1_TrainingStep, _fedcredit_v1_TrainingStep__Output>
      TrainingStepRef: MessageTypeDefinition<_fedcredit_v1_TrainingStepRef, _fedcredit_v1_TrainingStepRef__Output>
      TrainingStepResult: MessageTypeDefinition<_fedcredit_v1_TrainingStepResult, _fedcredit_v1_TrainingStepResult__Output>
      TransparencyLog: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_TransparencyLogClient> & { service: _fedcredit_v1_TransparencyLogDefinition }
      UpdatePortfolioRequest: MessageTypeDefinition<_fedcredit_v1_UpdatePortfolioRequest, _fedcredit_v1_UpdatePortfolioRequest__Output>
      UpdatePortfolioResponse: MessageTypeDefinition<_fedcredit_v1_UpdatePortfolioResponse, _fedcredit_v1_UpdatePortfolioResponse__Output>
      WarningTransition: MessageTypeDefinition<_fedcredit_v1_WarningTransition, _fedcredit_v1_WarningTransition__Output>
      WatchAck: MessageTypeDefinition<_fedcredit_v1_WatchAck, _fedcredit_v1_WatchAck__Output>
      WatchClientMessage: MessageTypeDefinition<_fedcredit_v1_WatchClientMessage, _fedcredit_v1_WatchClientMessage__Output>
      WatchStart: MessageTypeDefinition<_fedcredit_v1_WatchStart, _fedcredit_v1_WatchStart__Output>
      WitnessAlarm: MessageTypeDefinition<_fedcredit_v1_WitnessAlarm, _fedcredit_v1_WitnessAlarm__Output>
      WitnessInfo: MessageTypeDefinition<_fedcredit_v1_WitnessInfo, _fedcredit_v1_WitnessInfo__Output>
      WitnessState: MessageTypeDefinition<_fedcredit_v1_WitnessState, _fedcredit_v1_WitnessState__Output>
      WitnessStatus: MessageTypeDefinition<_fedcredit_v1_WitnessStatus, _fedcredit_v1_WitnessStatus__Output>
    }
  }
  google: {
    protobuf: {
      Any: MessageTypeDefinition<_google_protobuf_Any, _google_protobuf_Any__Output>
    }
  }
}

