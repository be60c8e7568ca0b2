/**
 * The Backup gRPC service (proto/fedcredit/v1/backup.proto), the same for nodes and the
 * coordinator, and its client: `fedcredit node backup` / `coordinator backup` stream a
 * running party's consistent snapshot into a local file.
 */
import type * as grpc from '@grpc/grpc-js';
import * as grpcJs from '@grpc/grpc-js';
import { backupChunks, writeBackupFile, type BackupSource } from './backup.js';
import { backupClient } from '../proto/clients.js';
import { fromServiceError, toServiceError } from '../lib/grpc.js';
import type { ExpectedPeer, Transport } from '../lib/tls.js';
import type { BackupHandlers } from '../proto/gen/fedcredit/v1/Backup.js';
import type { BackupChunk, BackupChunk__Output } from '../proto/gen/fedcredit/v1/BackupChunk.js';
import type { BackupRequest__Output } from '../proto/gen/fedcredit/v1/BackupRequest.js';

export function backupHandlers(source: () => BackupSource, log: (line: string) => void): BackupHandlers {
  return {
    Backup: (call: grpc.ServerWritableStream<BackupRequest__Output, BackupChunk>) => {
      void (async () => {
        let bytes = 0;
        for await (const data of backupChunks(source())) {
          bytes += data.length;
          if (!call.write({ data: Buffer.from(data) })) await new Promise<void>((resolve) => call.once('drain', () => resolve()));
        }
        call.end();
        log(`backup streamed (${bytes} bytes)`);
      })().catch((err: unknown) => call.emit('error', toServiceError(err, log)));
    },
  };
}

/** Stream a running party's backup into `file`. */
export async function fetchBackup(address: string, transport: Transport, peer: ExpectedPeer, file: string): Promise<{ bytes: number }> {
  const client = backupClient(address, transport, peer);
  try {
    const stream = client.Backup({}, new grpcJs.Metadata(), { deadline: Date.now() + 60 * 60_000 });
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of stream as AsyncIterable<BackupChunk__Output>) yield chunk.data;
      } catch (err) {
        throw fromServiceError(err, address);
      }
    }
    return await writeBackupFile(chunks(), file);
  } finally {
    client.close();
  }
}
