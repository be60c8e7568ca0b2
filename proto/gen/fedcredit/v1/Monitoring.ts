// Original file: proto/fedcredit/v1/monitoring.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreatePortfolioRequest as _fedcredit_v1_CreatePortfolioRequest, CreatePortfolioRequest__Output as _fedcredit_v1_CreatePortfolioRequest__Output } from '../../fedcredit/v1/CreatePortfolioRequest.js';
import type { CreatePortfolioResponse as _fedcredit_v1_CreatePortfolioResponse, CreatePortfolioResponse__Output as _fedcredit_v1_CreatePortfolioResponse__Output } from '../../fedcredit/v1/CreatePortfolioResponse.js';
import type { GetReceiptRequest as _fedcredit_v1_GetReceiptRequest, GetReceiptRequest__Output as _fedcredit_v1_GetReceiptRequest__Output } from '../../fedcredit/v1/GetReceiptRequest.js';
import type { GetRunReportRequest as _fedcredit_v1_GetRunReportRequest, GetRunReportRequest__Output as _fedcredit_v1_GetRunReportRequest__Output } from '../../fedcredit/v1/GetRunReportRequest.js';
import type { ListPortfolioRequest as _fedcredit_v1_ListPortfolioRequest, ListPortfolioRequest__Output as _fedcredit_v1_ListPortfolioRequest__Output } from '../../fedcredit/v1/ListPortfolioRequest.js';
import type { ListPortfolioResponse as _fedcredit_v1_ListPortfolioResponse, ListPortfolioResponse__Output as _fedcredit_v1_ListPortfolioResponse__Output } from '../../fedcredit/v1/ListPortfolioResponse.js';
import type { ListPortfoliosRequest as _fedcredit_v1_ListPortfoliosRequest, ListPortfoliosRequest__Output as _fedcredit_v1_ListPortfoliosRequest__Output } from '../../fedcredit/v1/ListPortfoliosRequest.js';
import type { ListPortfoliosResponse as _fedcredit_v1_ListPortfoliosResponse, ListPortfoliosResponse__Output as _fedcredit_v1_ListPortfoliosResponse__Output } from '../../fedcredit/v1/ListPortfoliosResponse.js';
import type { ListRunsRequest as _fedcredit_v1_ListRunsRequest, ListRunsRequest__Output as _fedcredit_v1_ListRunsRequest__Output } from '../../fedcredit/v1/ListRunsRequest.js';
import type { ListRunsResponse as _fedcredit_v1_ListRunsResponse, ListRunsResponse__Output as _fedcredit_v1_ListRunsResponse__Output } from '../../fedcredit/v1/ListRunsResponse.js';
import type { MonitoringEvent as _fedcredit_v1_MonitoringEvent, MonitoringEvent__Output as _fedcredit_v1_MonitoringEvent__Output } from '../../fedcredit/v1/MonitoringEvent.js';
import type { MonitoringRunReport as _fedcredit_v1_MonitoringRunReport, MonitoringRunReport__Output as _fedcredit_v1_MonitoringRunReport__Output } from '../../fedcredit/v1/MonitoringRunReport.js';
import type { RunProgress as _fedcredit_v1_RunProgress, RunProgress__Output as _fedcredit_v1_RunProgress__Output } from '../../fedcredit/v1/RunProgress.js';
import type { ScoreReceipt as _fedcredit_v1_ScoreReceipt, ScoreReceipt__Output as _fedcredit_v1_ScoreReceipt__Output } from '../../fedcredit/v1/ScoreReceipt.js';
import type { StartRunRequest as _fedcredit_v1_StartRunRequest, StartRunRequest__Output as _fedcredit_v1_StartRunRequest__Output } from '../../fedcredit/v1/StartRunRequest.js';
import type { UpdatePortfolioRequest as _fedcredit_v1_UpdatePortfolioRequest, UpdatePortfolioRequest__Output as _fedcredit_v1_UpdatePortfolioRequest__Output } from '../../fedcredit/v1/UpdatePortfolioRequest.js';
import type { UpdatePortfolioResponse as _fedcredit_v1_UpdatePortfolioResponse, UpdatePortfolioResponse__Output as _fedcredit_v1_UpdatePortfolioResponse__Output } from '../../fedcredit/v1/UpdatePortfolioResponse.js';
import type { WatchClientMessage as _fedcredit_v1_WatchClientMessage, WatchClientMessage__Output as _fedcredit_v1_WatchClientMessage__Output } from '../../fedcredit/v1/WatchClientMessage.js';

export interface MonitoringClient extends grpc.Client {
  CreatePortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  CreatePortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  CreatePortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  CreatePortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  createPortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  createPortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  createPortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  createPortfolio(argument: _fedcredit_v1_CreatePortfolioRequest, callback: grpc.requestCallback<_fedcredit_v1_CreatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  
  GetRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  GetRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  GetRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  GetRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getRescoreReceipt(argument: _fedcredit_v1_GetReceiptRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  
  GetRunReport(argument: _fedcredit_v1_GetRunReportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  GetRunReport(argument: _fedcredit_v1_GetRunReportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  GetRunReport(argument: _fedcredit_v1_GetRunReportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  GetRunReport(argument: _fedcredit_v1_GetRunReportRequest, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  getRunReport(argument: _fedcredit_v1_GetRunReportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  getRunReport(argument: _fedcredit_v1_GetRunReportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  getRunReport(argument: _fedcredit_v1_GetRunReportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  getRunReport(argument: _fedcredit_v1_GetRunReportRequest, callback: grpc.requestCallback<_fedcredit_v1_MonitoringRunReport__Output>): grpc.ClientUnaryCall;
  
  ListPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  ListPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  ListPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  ListPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  listPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  listPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  listPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  listPortfolio(argument: _fedcredit_v1_ListPortfolioRequest, callback: grpc.requestCallback<_fedcredit_v1_ListPortfolioResponse__Output>): grpc.ClientUnaryCall;
  
  ListPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  ListPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  ListPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  ListPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  listPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  listPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  listPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  listPortfolios(argument: _fedcredit_v1_ListPortfoliosRequest, callback: grpc.requestCallback<_fedcredit_v1_ListPortfoliosResponse__Output>): grpc.ClientUnaryCall;
  
  ListRuns(argument: _fedcredit_v1_ListRunsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _fedcredit_v1_ListRunsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _fedcredit_v1_ListRunsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _fedcredit_v1_ListRunsRequest, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _fedcredit_v1_ListRunsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _fedcredit_v1_ListRunsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _fedcredit_v1_ListRunsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _fedcredit_v1_ListRunsRequest, callback: grpc.requestCallback<_fedcredit_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  
  StartRun(argument: _fedcredit_v1_StartRunRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_RunProgress__Output>;
  StartRun(argument: _fedcredit_v1_StartRunRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_RunProgress__Output>;
  startRun(argument: _fedcredit_v1_StartRunRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_RunProgress__Output>;
  startRun(argument: _fedcredit_v1_StartRunRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_RunProgress__Output>;
  
  UpdatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  UpdatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  UpdatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  UpdatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  updatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  updatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  updatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  updatePortfolio(argument: _fedcredit_v1_UpdatePortfolioRequest, callback: grpc.requestCallback<_fedcredit_v1_UpdatePortfolioResponse__Output>): grpc.ClientUnaryCall;
  
  Watch(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_WatchClientMessage, _fedcredit_v1_MonitoringEvent__Output>;
  Watch(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_WatchClientMessage, _fedcredit_v1_MonitoringEvent__Output>;
  watch(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_WatchClientMessage, _fedcredit_v1_MonitoringEvent__Output>;
  watch(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_WatchClientMessage, _fedcredit_v1_MonitoringEvent__Output>;
  
}

export interface MonitoringHandlers extends grpc.UntypedServiceImplementation {
  CreatePortfolio: grpc.handleUnaryCall<_fedcredit_v1_CreatePortfolioRequest__Output, _fedcredit_v1_CreatePortfolioResponse>;
  
  GetRescoreReceipt: grpc.handleUnaryCall<_fedcredit_v1_GetReceiptRequest__Output, _fedcredit_v1_ScoreReceipt>;
  
  GetRunReport: grpc.handleUnaryCall<_fedcredit_v1_GetRunReportRequest__Output, _fedcredit_v1_MonitoringRunReport>;
  
  ListPortfolio: grpc.handleUnaryCall<_fedcredit_v1_ListPortfolioRequest__Output, _fedcredit_v1_ListPortfolioResponse>;
  
  ListPortfolios: grpc.handleUnaryCall<_fedcredit_v1_ListPortfoliosRequest__Output, _fedcredit_v1_ListPortfoliosResponse>;
  
  ListRuns: grpc.handleUnaryCall<_fedcredit_v1_ListRunsRequest__Output, _fedcredit_v1_ListRunsResponse>;
  
  StartRun: grpc.handleServerStreamingCall<_fedcredit_v1_StartRunRequest__Output, _fedcredit_v1_RunProgress>;
  
  UpdatePortfolio: grpc.handleUnaryCall<_fedcredit_v1_UpdatePortfolioRequest__Output, _fedcredit_v1_UpdatePortfolioResponse>;
  
  Watch: grpc.handleBidiStreamingCall<_fedcredit_v1_WatchClientMessage__Output, _fedcredit_v1_MonitoringEvent>;
  
}

export interface MonitoringDefinition extends grpc.ServiceDefinition {
  CreatePortfolio: MethodDefinition<_fedcredit_v1_CreatePortfolioRequest, _fedcredit_v1_CreatePortfolioResponse, _fedcredit_v1_CreatePortfolioRequest__Output, _fedcredit_v1_CreatePortfolioResponse__Output>
  GetRescoreReceipt: MethodDefinition<_fedcredit_v1_GetReceiptRequest, _fedcredit_v1_ScoreReceipt, _fedcredit_v1_GetReceiptRequest__Output, _fedcredit_v1_ScoreReceipt__Output>
  GetRunReport: MethodDefinition<_fedcredit_v1_GetRunReportRequest, _fedcredit_v1_MonitoringRunReport, _fedcredit_v1_GetRunReportRequest__Output, _fedcredit_v1_MonitoringRunReport__Output>
  ListPortfolio: MethodDefinition<_fedcredit_v1_ListPortfolioRequest, _fedcredit_v1_ListPortfolioResponse, _fedcredit_v1_ListPortfolioRequest__Output, _fedcredit_v1_ListPortfolioResponse__Output>
  ListPortfolios: MethodDefinition<_fedcredit_v1_ListPortfoliosRequest, _fedcredit_v1_ListPortfoliosResponse, _fedcredit_v1_ListPortfoliosRequest__Output, _fedcredit_v1_ListPortfoliosResponse__Output>
  ListRuns: MethodDefinition<_fedcredit_v1_ListRunsRequest, _fedcredit_v1_ListRunsResponse, _fedcredit_v1_ListRunsRequest__Output, _fedcredit_v1_ListRunsResponse__Output>
  StartRun: MethodDefinition<_fedcredit_v1_StartRunRequest, _fedcredit_v1_RunProgress, _fedcredit_v1_StartRunRequest__Output, _fedcredit_v1_RunProgress__Output>
  UpdatePortfolio: MethodDefinition<_fedcredit_v1_UpdatePortfolioRequest, _fedcredit_v1_UpdatePortfolioResponse, _fedcredit_v1_UpdatePortfolioRequest__Output, _fedcredit_v1_UpdatePortfolioResponse__Output>
  Watch: MethodDefinition<_fedcredit_v1_WatchClientMessage, _fedcredit_v1_MonitoringEvent, _fedcredit_v1_WatchClientMessage__Output, _fedcredit_v1_MonitoringEvent__Output>
}
