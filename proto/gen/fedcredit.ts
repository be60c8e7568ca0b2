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
import type { DataNodeClient as _fedcredit_v1_DataNodeClient, DataNodeDefinition as _fedcredit_v1_DataNodeDefinition } from './fedcredit/v1/DataNode.js';
import type { DescribeIdsRequest as _fedcredit_v1_DescribeIdsRequest, DescribeIdsRequest__Output as _fedcredit_v1_DescribeIdsRequest__Output } from './fedcredit/v1/DescribeIdsRequest.js';
import type { DescribeIdsResponse as _fedcredit_v1_DescribeIdsResponse, DescribeIdsResponse__Output as _fedcredit_v1_DescribeIdsResponse__Output } from './fedcredit/v1/DescribeIdsResponse.js';
import type { EntriesResponse as _fedcredit_v1_EntriesResponse, EntriesResponse__Output as _fedcredit_v1_EntriesResponse__Output } from './fedcredit/v1/EntriesResponse.js';
import type { FeatureDescription as _fedcredit_v1_FeatureDescription, FeatureDescription__Output as _fedcredit_v1_FeatureDescription__Output } from './fedcredit/v1/FeatureDescription.js';
import type { FeatureStatus as _fedcredit_v1_FeatureStatus, FeatureStatus__Output as _fedcredit_v1_FeatureStatus__Output } from './fedcredit/v1/FeatureStatus.js';
import type { FeatureTransforms as _fedcredit_v1_FeatureTransforms, FeatureTransforms__Output as _fedcredit_v1_FeatureTransforms__Output } from './fedcredit/v1/FeatureTransforms.js';
import type { FinishTrainingRequest as _fedcredit_v1_FinishTrainingRequest, FinishTrainingRequest__Output as _fedcredit_v1_FinishTrainingRequest__Output } from './fedcredit/v1/FinishTrainingRequest.js';
import type { FinishTrainingResponse as _fedcredit_v1_FinishTrainingResponse, FinishTrainingResponse__Output as _fedcredit_v1_FinishTrainingResponse__Output } from './fedcredit/v1/FinishTrainingResponse.js';
import type { GetCatalogueRequest as _fedcredit_v1_GetCatalogueRequest, GetCatalogueRequest__Output as _fedcredit_v1_GetCatalogueRequest__Output } from './fedcredit/v1/GetCatalogueRequest.js';
import type { GetCheckpointRequest as _fedcredit_v1_GetCheckpointRequest, GetCheckpointRequest__Output as _fedcredit_v1_GetCheckpointRequest__Output } from './fedcredit/v1/GetCheckpointRequest.js';
import type { GetEntriesRequest as _fedcredit_v1_GetEntriesRequest, GetEntriesRequest__Output as _fedcredit_v1_GetEntriesRequest__Output } from './fedcredit/v1/GetEntriesRequest.js';
import type { GetLogInfoRequest as _fedcredit_v1_GetLogInfoRequest, GetLogInfoRequest__Output as _fedcredit_v1_GetLogInfoRequest__Output } from './fedcredit/v1/GetLogInfoRequest.js';
import type { GetModelRequest as _fedcredit_v1_GetModelRequest, GetModelRequest__Output as _fedcredit_v1_GetModelRequest__Output } from './fedcredit/v1/GetModelRequest.js';
import type { GetNodeStatusRequest as _fedcredit_v1_GetNodeStatusRequest, GetNodeStatusRequest__Output as _fedcredit_v1_GetNodeStatusRequest__Output } from './fedcredit/v1/GetNodeStatusRequest.js';
import type { GetReceiptRequest as _fedcredit_v1_GetReceiptRequest, GetReceiptRequest__Output as _fedcredit_v1_GetReceiptRequest__Output } from './fedcredit/v1/GetReceiptRequest.js';
import type { GetRecordCountsRequest as _fedcredit_v1_GetRecordCountsRequest, GetRecordCountsRequest__Output as _fedcredit_v1_GetRecordCountsRequest__Output } from './fedcredit/v1/GetRecordCountsRequest.js';
import type { GetScoringStatsRequest as _fedcredit_v1_GetScoringStatsRequest, GetScoringStatsRequest__Output as _fedcredit_v1_GetScoringStatsRequest__Output } from './fedcredit/v1/GetScoringStatsRequest.js';
import type { GetServedRecordsRequest as _fedcredit_v1_GetServedRecordsRequest, GetServedRecordsRequest__Output as _fedcredit_v1_GetServedRecordsRequest__Output } from './fedcredit/v1/GetServedRecordsRequest.js';
import type { GetWitnessStatusRequest as _fedcredit_v1_GetWitnessStatusRequest, GetWitnessStatusRequest__Output as _fedcredit_v1_GetWitnessStatusRequest__Output } from './fedcredit/v1/GetWitnessStatusRequest.js';
import type { HealthRequest as _fedcredit_v1_HealthRequest, HealthRequest__Output as _fedcredit_v1_HealthRequest__Output } from './fedcredit/v1/HealthRequest.js';
import type { HealthResponse as _fedcredit_v1_HealthResponse, HealthResponse__Output as _fedcredit_v1_HealthResponse__Output } from './fedcredit/v1/HealthResponse.js';
import type { InclusionProofRequest as _fedcredit_v1_InclusionProofRequest, InclusionProofRequest__Output as _fedcredit_v1_InclusionProofRequest__Output } from './fedcredit/v1/InclusionProofRequest.js';
import type { IngestChunk as _fedcredit_v1_IngestChunk, IngestChunk__Output as _fedcredit_v1_IngestChunk__Output } from './fedcredit/v1/IngestChunk.js';
import type { IngestManifestEntry as _fedcredit_v1_IngestManifestEntry, IngestManifestEntry__Output as _fedcredit_v1_IngestManifestEntry__Output } from './fedcredit/v1/IngestManifestEntry.js';
import type { IngestOptions as _fedcredit_v1_IngestOptions, IngestOptions__Output as _fedcredit_v1_IngestOptions__Output } from './fedcredit/v1/IngestOptions.js';
import type { IngestProgress as _fedcredit_v1_IngestProgress, IngestProgress__Output as _fedcredit_v1_IngestProgress__Output } from './fedcredit/v1/IngestProgress.js';
import type { IngestReport as _fedcredit_v1_IngestReport, IngestReport__Output as _fedcredit_v1_IngestReport__Output } from './fedcredit/v1/IngestReport.js';
import type { JoinAlignmentRequest as _fedcredit_v1_JoinAlignmentRequest, JoinAlignmentRequest__Output as _fedcredit_v1_JoinAlignmentRequest__Output } from './fedcredit/v1/JoinAlignmentRequest.js';
import type { JoinAlignmentResponse as _fedcredit_v1_JoinAlignmentResponse, JoinAlignmentResponse__Output as _fedcredit_v1_JoinAlignmentResponse__Output } from './fedcredit/v1/JoinAlignmentResponse.js';
import type { ListAlignmentsRequest as _fedcredit_v1_ListAlignmentsRequest, ListAlignmentsRequest__Output as _fedcredit_v1_ListAlignmentsRequest__Output } from './fedcredit/v1/ListAlignmentsRequest.js';
import type { ListModelsRequest as _fedcredit_v1_ListModelsRequest, ListModelsRequest__Output as _fedcredit_v1_ListModelsRequest__Output } from './fedcredit/v1/ListModelsRequest.js';
import type { ListNodesRequest as _fedcredit_v1_ListNodesRequest, ListNodesRequest__Output as _fedcredit_v1_ListNodesRequest__Output } from './fedcredit/v1/ListNodesRequest.js';
import type { LogInfo as _fedcredit_v1_LogInfo, LogInfo__Output as _fedcredit_v1_LogInfo__Output } from './fedcredit/v1/LogInfo.js';
import type { ModelInfo as _fedcredit_v1_ModelInfo, ModelInfo__Output as _fedcredit_v1_ModelInfo__Output } from './fedcredit/v1/ModelInfo.js';
import type { ModelList as _fedcredit_v1_ModelList, ModelList__Output as _fedcredit_v1_ModelList__Output } from './fedcredit/v1/ModelList.js';
import type { NodeAlignmentClient as _fedcredit_v1_NodeAlignmentClient, NodeAlignmentDefinition as _fedcredit_v1_NodeAlignmentDefinition } from './fedcredit/v1/NodeAlignment.js';
import type { NodeAuditClient as _fedcredit_v1_NodeAuditClient, NodeAuditDefinition as _fedcredit_v1_NodeAuditDefinition } from './fedcredit/v1/NodeAudit.js';
import type { NodeList as _fedcredit_v1_NodeList, NodeList__Output as _fedcredit_v1_NodeList__Output } from './fedcredit/v1/NodeList.js';
import type { NodeOperatorStatus as _fedcredit_v1_NodeOperatorStatus, NodeOperatorStatus__Output as _fedcredit_v1_NodeOperatorStatus__Output } from './fedcredit/v1/NodeOperatorStatus.js';
import type { NodeScoringClient as _fedcredit_v1_NodeScoringClient, NodeScoringDefinition as _fedcredit_v1_NodeScoringDefinition } from './fedcredit/v1/NodeScoring.js';
import type { NodeStatus as _fedcredit_v1_NodeStatus, NodeStatus__Output as _fedcredit_v1_NodeStatus__Output } from './fedcredit/v1/NodeStatus.js';
import type { NodeTrainingClient as _fedcredit_v1_NodeTrainingClient, NodeTrainingDefinition as _fedcredit_v1_NodeTrainingDefinition } from './fedcredit/v1/NodeTraining.js';
import type { PeerKeys as _fedcredit_v1_PeerKeys, PeerKeys__Output as _fedcredit_v1_PeerKeys__Output } from './fedcredit/v1/PeerKeys.js';
import type { Preprocessing as _fedcredit_v1_Preprocessing, Preprocessing__Output as _fedcredit_v1_Preprocessing__Output } from './fedcredit/v1/Preprocessing.js';
import type { ProofResponse as _fedcredit_v1_ProofResponse, ProofResponse__Output as _fedcredit_v1_ProofResponse__Output } from './fedcredit/v1/ProofResponse.js';
import type { PsiEnvelope as _fedcredit_v1_PsiEnvelope, PsiEnvelope__Output as _fedcredit_v1_PsiEnvelope__Output } from './fedcredit/v1/PsiEnvelope.js';
import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from './fedcredit/v1/QueryRefusal.js';
import type { RecordCount as _fedcredit_v1_RecordCount, RecordCount__Output as _fedcredit_v1_RecordCount__Output } from './fedcredit/v1/RecordCount.js';
import type { RecordCounts as _fedcredit_v1_RecordCounts, RecordCounts__Output as _fedcredit_v1_RecordCounts__Output } from './fedcredit/v1/RecordCounts.js';
import type { RefusalCount as _fedcredit_v1_RefusalCount, RefusalCount__Output as _fedcredit_v1_RefusalCount__Output } from './fedcredit/v1/RefusalCount.js';
import type { RegisterNodeRequest as _fedcredit_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _fedcredit_v1_RegisterNodeRequest__Output } from './fedcredit/v1/RegisterNodeRequest.js';
import type { RegisterNodeResponse as _fedcredit_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _fedcredit_v1_RegisterNodeResponse__Output } from './fedcredit/v1/RegisterNodeResponse.js';
import type { RelayAck as _fedcredit_v1_RelayAck, RelayAck__Output as _fedcredit_v1_RelayAck__Output } from './fedcredit/v1/RelayAck.js';
import type { RemoveNodeRequest as _fedcredit_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _fedcredit_v1_RemoveNodeRequest__Output } from './fedcredit/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _fedcredit_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _fedcredit_v1_RemoveNodeResponse__Output } from './fedcredit/v1/RemoveNodeResponse.js';
import type { RequesterSealingKey as _fedcredit_v1_RequesterSealingKey, RequesterSealingKey__Output as _fedcredit_v1_RequesterSealingKey__Output } from './fedcredit/v1/RequesterSealingKey.js';
import type { RowProblem as _fedcredit_v1_RowProblem, RowProblem__Output as _fedcredit_v1_RowProblem__Output } from './fedcredit/v1/RowProblem.js';
import type { RunAlignmentRequest as _fedcredit_v1_RunAlignmentRequest, RunAlignmentRequest__Output as _fedcredit_v1_RunAlignmentRequest__Output } from './fedcredit/v1/RunAlignmentRequest.js';
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
import type { SiteSetSize as _fedcredit_v1_SiteSetSize, SiteSetSize__Output as _fedcredit_v1_SiteSetSize__Output } from './fedcredit/v1/SiteSetSize.js';
import type { StartTrainingRequest as _fedcredit_v1_StartTrainingRequest, StartTrainingRequest__Output as _fedcredit_v1_StartTrainingRequest__Output } from './fedcredit/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _fedcredit_v1_StartTrainingResponse, StartTrainingResponse__Output as _fedcredit_v1_StartTrainingResponse__Output } from './fedcredit/v1/StartTrainingResponse.js';
import type { SubmitCosignatureRequest as _fedcredit_v1_SubmitCosignatureRequest, SubmitCosignatureRequest__Output as _fedcredit_v1_SubmitCosignatureRequest__Output } from './fedcredit/v1/SubmitCosignatureRequest.js';
import type { SubmitCosignatureResponse as _fedcredit_v1_SubmitCosignatureResponse, SubmitCosignatureResponse__Output as _fedcredit_v1_SubmitCosignatureResponse__Output } from './fedcredit/v1/SubmitCosignatureResponse.js';
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
import type { WitnessAlarm as _fedcredit_v1_WitnessAlarm, WitnessAlarm__Output as _fedcredit_v1_WitnessAlarm__Output } from './fedcredit/v1/WitnessAlarm.js';
import type { WitnessInfo as _fedcredit_v1_WitnessInfo, WitnessInfo__Output as _fedcredit_v1_WitnessInfo__Output } from './fedcredit/v1/WitnessInfo.js';
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
      DataNode: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_DataNodeClient> & { service: _fedcredit_v1_DataNodeDefinition }
      DescribeIdsRequest: MessageTypeDefinition<_fedcredit_v1_DescribeIdsRequest, _fedcredit_v1_DescribeIdsRequest__Output>
      DescribeIdsResponse: MessageTypeDefinition<_fedcredit_v1_DescribeIdsResponse, _fedcredit_v1_DescribeIdsResponse__Output>
      EntriesResponse: MessageTypeDefinition<_fedcredit_v1_EntriesResponse, _fedcredit_v1_EntriesResponse__Output>
      FeatureDescription: MessageTypeDefinition<_fedcredit_v1_FeatureDescription, _fedcredit_v1_FeatureDescription__Output>
      FeatureStatus: MessageTypeDefinition<_fedcredit_v1_FeatureStatus, _fedcredit_v1_FeatureStatus__Output>
      FeatureTransforms: MessageTypeDefinition<_fedcredit_v1_FeatureTransforms, _fedcredit_v1_FeatureTransforms__Output>
      FinishTrainingRequest: MessageTypeDefinition<_fedcredit_v1_FinishTrainingRequest, _fedcredit_v1_FinishTrainingRequest__Output>
      FinishTrainingResponse: MessageTypeDefinition<_fedcredit_v1_FinishTrainingResponse, _fedcredit_v1_FinishTrainingResponse__Output>
      GetCatalogueRequest: MessageTypeDefinition<_fedcredit_v1_GetCatalogueRequest, _fedcredit_v1_GetCatalogueRequest__Output>
      GetCheckpointRequest: MessageTypeDefinition<_fedcredit_v1_GetCheckpointRequest, _fedcredit_v1_GetCheckpointRequest__Output>
      GetEntriesRequest: MessageTypeDefinition<_fedcredit_v1_GetEntriesRequest, _fedcredit_v1_GetEntriesRequest__Output>
      GetLogInfoRequest: MessageTypeDefinition<_fedcredit_v1_GetLogInfoRequest, _fedcredit_v1_GetLogInfoRequest__Output>
      GetModelRequest: MessageTypeDefinition<_fedcredit_v1_GetModelRequest, _fedcredit_v1_GetModelRequest__Output>
      GetNodeStatusRequest: MessageTypeDefinition<_fedcredit_v1_GetNodeStatusRequest, _fedcredit_v1_GetNodeStatusRequest__Output>
      GetReceiptRequest: MessageTypeDefinition<_fedcredit_v1_GetReceiptRequest, _fedcredit_v1_GetReceiptRequest__Output>
      GetRecordCountsRequest: MessageTypeDefinition<_fedcredit_v1_GetRecordCountsRequest, _fedcredit_v1_GetRecordCountsRequest__Output>
      GetScoringStatsRequest: MessageTypeDefinition<_fedcredit_v1_GetScoringStatsRequest, _fedcredit_v1_GetScoringStatsRequest__Output>
      GetServedRecordsRequest: MessageTypeDefinition<_fedcredit_v1_GetServedRecordsRequest, _fedcredit_v1_GetServedRecordsRequest__Output>
      GetWitnessStatusRequest: MessageTypeDefinition<_fedcredit_v1_GetWitnessStatusRequest, _fedcredit_v1_GetWitnessStatusRequest__Output>
      HealthRequest: MessageTypeDefinition<_fedcredit_v1_HealthRequest, _fedcredit_v1_HealthRequest__Output>
      HealthResponse: MessageTypeDefinition<_fedcredit_v1_HealthResponse, _fedcredit_v1_HealthResponse__Output>
      InclusionProofRequest: MessageTypeDefinition<_fedcredit_v1_InclusionProofRequest, _fedcredit_v1_InclusionProofRequest__Output>
      IngestChunk: MessageTypeDefinition<_fedcredit_v1_IngestChunk, _fedcredit_v1_IngestChunk__Output>
      IngestManifestEntry: MessageTypeDefinition<_fedcredit_v1_IngestManifestEntry, _fedcredit_v1_IngestManifestEntry__Output>
      IngestOptions: MessageTypeDefinition<_fedcredit_v1_IngestOptions, _fedcredit_v1_IngestOptions__Output>
      IngestProgress: MessageTypeDefinition<_fedcredit_v1_IngestProgress, _fedcredit_v1_IngestProgress__Output>
      IngestReport: MessageTypeDefinition<_fedcredit_v1_IngestReport, _fedcredit_v1_IngestReport__Output>
      JoinAlignmentRequest: MessageTypeDefinition<_fedcredit_v1_JoinAlignmentRequest, _fedcredit_v1_JoinAlignmentRequest__Output>
      JoinAlignmentResponse: MessageTypeDefinition<_fedcredit_v1_JoinAlignmentResponse, _fedcredit_v1_JoinAlignmentResponse__Output>
      ListAlignmentsRequest: MessageTypeDefinition<_fedcredit_v1_ListAlignmentsRequest, _fedcredit_v1_ListAlignmentsRequest__Output>
      ListModelsRequest: MessageTypeDefinition<_fedcredit_v1_ListModelsRequest, _fedcredit_v1_ListModelsRequest__Output>
      ListNodesRequest: MessageTypeDefinition<_fedcredit_v1_ListNodesRequest, _fedcredit_v1_ListNodesRequest__Output>
      LogInfo: MessageTypeDefinition<_fedcredit_v1_LogInfo, _fedcredit_v1_LogInfo__Output>
      ModelInfo: MessageTypeDefinition<_fedcredit_v1_ModelInfo, _fedcredit_v1_ModelInfo__Output>
      ModelList: MessageTypeDefinition<_fedcredit_v1_ModelList, _fedcredit_v1_ModelList__Output>
      NodeAlignment: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeAlignmentClient> & { service: _fedcredit_v1_NodeAlignmentDefinition }
      NodeAudit: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeAuditClient> & { service: _fedcredit_v1_NodeAuditDefinition }
      NodeList: MessageTypeDefinition<_fedcredit_v1_NodeList, _fedcredit_v1_NodeList__Output>
      NodeOperatorStatus: MessageTypeDefinition<_fedcredit_v1_NodeOperatorStatus, _fedcredit_v1_NodeOperatorStatus__Output>
      NodeScoring: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeScoringClient> & { service: _fedcredit_v1_NodeScoringDefinition }
      NodeStatus: MessageTypeDefinition<_fedcredit_v1_NodeStatus, _fedcredit_v1_NodeStatus__Output>
      NodeTraining: SubtypeConstructor<typeof grpc.Client, _fedcredit_v1_NodeTrainingClient> & { service: _fedcredit_v1_NodeTrainingDefinition }
      PeerKeys: MessageTypeDefinition<_fedcredit_v1_PeerKeys, _fedcredit_v1_PeerKeys__Output>
      Preprocessing: MessageTypeDefinition<_fedcredit_v1_Preprocessing, _fedcredit_v1_Preprocessing__Output>
      ProofResponse: MessageTypeDefinition<_fedcredit_v1_ProofResponse, _fedcredit_v1_ProofResponse__Output>
      PsiEnvelope: MessageTypeDefinition<_fedcredit_v1_PsiEnvelope, _fedcredit_v1_PsiEnvelope__Output>
      QueryRefusal: MessageTypeDefinition<_fedcredit_v1_QueryRefusal, _fedcredit_v1_QueryRefusal__Output>
      RecordCount: MessageTypeDefinition<_fedcredit_v1_RecordCount, _fedcredit_v1_RecordCount__Output>
      RecordCounts: MessageTypeDefinition<_fedcredit_v1_RecordCounts, _fedcredit_v1_RecordCounts__Output>
      RefusalCount: MessageTypeDefinition<_fedcredit_v1_RefusalCount, _fedcredit_v1_RefusalCount__Output>
      RegisterNodeRequest: MessageTypeDefinition<_fedcredit_v1_RegisterNodeRequest, _fedcredit_v1_RegisterNodeRequest__Output>
      RegisterNodeResponse: MessageTypeDefinition<_fedcredit_v1_RegisterNodeResponse, _fedcredit_v1_RegisterNodeResponse__Output>
      RelayAck: MessageTypeDefinition<_fedcredit_v1_RelayAck, _fedcredit_v1_RelayAck__Output>
      RemoveNodeRequest: MessageTypeDefinition<_fedcredit_v1_RemoveNodeRequest, _fedcredit_v1_RemoveNodeRequest__Output>
      RemoveNodeResponse: MessageTypeDefinition<_fedcredit_v1_RemoveNodeResponse, _fedcredit_v1_RemoveNodeResponse__Output>
      RequesterSealingKey: MessageTypeDefinition<_fedcredit_v1_RequesterSealingKey, _fedcredit_v1_RequesterSealingKey__Output>
      RowProblem: MessageTypeDefinition<_fedcredit_v1_RowProblem, _fedcredit_v1_RowProblem__Output>
      RunAlignmentRequest: MessageTypeDefinition<_fedcredit_v1_RunAlignmentRequest, _fedcredit_v1_RunAlignmentRequest__Output>
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
      SiteSetSize: MessageTypeDefinition<_fedcredit_v1_SiteSetSize, _fedcredit_v1_SiteSetSize__Output>
      StartTrainingRequest: MessageTypeDefinition<_fedcredit_v1_StartTrainingRequest, _fedcredit_v1_StartTrainingRequest__Output>
      StartTrainingResponse: MessageTypeDefinition<_fedcredit_v1_StartTrainingResponse, _fedcredit_v1_StartTrainingResponse__Output>
      SubmitCosignatureRequest: MessageTypeDefinition<_fedcredit_v1_SubmitCosignatureRequest, _fedcredit_v1_SubmitCosignatureRequest__Output>
      SubmitCosignatureResponse: MessageTypeDefinition<_fedcredit_v1_SubmitCosignatureResponse, _fedcredit_v1_SubmitCosignatureResponse__Output>
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
      WitnessAlarm: MessageTypeDefinition<_fedcredit_v1_WitnessAlarm, _fedcredit_v1_WitnessAlarm__Output>
      WitnessInfo: MessageTypeDefinition<_fedcredit_v1_WitnessInfo, _fedcredit_v1_WitnessInfo__Output>
      WitnessStatus: MessageTypeDefinition<_fedcredit_v1_WitnessStatus, _fedcredit_v1_WitnessStatus__Output>
    }
  }
  google: {
    protobuf: {
      Any: MessageTypeDefinition<_google_protobuf_Any, _google_protobuf_Any__Output>
    }
  }
}

