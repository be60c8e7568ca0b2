// Original file: proto/fedcredit/v1/backup.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BackupChunk as _fedcredit_v1_BackupChunk, BackupChunk__Output as _fedcredit_v1_BackupChunk__Output } from '../../fedcredit/v1/BackupChunk.js';
import type { BackupRequest as _fedcredit_v1_BackupRequest, BackupRequest__Output as _fedcredit_v1_BackupRequest__Output } from '../../fedcredit/v1/BackupRequest.js';

export interface BackupClient extends grpc.Client {
  Backup(argument: _fedcredit_v1_BackupRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_BackupChunk__Output>;
  Backup(argument: _fedcredit_v1_BackupRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_BackupChunk__Output>;
  backup(argument: _fedcredit_v1_BackupRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_BackupChunk__Output>;
  backup(argument: _fedcredit_v1_BackupRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_BackupChunk__Output>;
  
}

export interface BackupHandlers extends grpc.UntypedServiceImplementation {
  Backup: grpc.handleServerStreamingCall<_fedcredit_v1_BackupRequest__Output, _fedcredit_v1_BackupChunk>;
  
}

export interface BackupDefinition extends grpc.ServiceDefinition {
  Backup: MethodDefinition<_fedcredit_v1_BackupRequest, _fedcredit_v1_BackupChunk, _fedcredit_v1_BackupRequest__Output, _fedcredit_v1_BackupChunk__Output>
}
