/**
 * Client side of IngestFile: streams a local export to a running node in 1 MiB chunks, so an
 * operator can ingest while the node serves (LevelDB allows one process per store). Progress:
 * bytes sent while sending, then the node's own count of rows and bytes validated, asked for
 * twice a second (DataNode.GetNodeStatus) until the report comes back.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { dataNodeClient } from '../proto/clients.js';
import { call, fromServiceError } from '../lib/grpc.js';
import { longsAsNumbers } from '../lib/json-numbers.js';
import type { Transport } from '../lib/tls.js';
import type { IngestReport__Output } from '../proto/gen/fedcredit/v1/IngestReport.js';
import type { IngestOptions } from './ingest-report.js';
import type { ProgressSample } from '../lib/cli-format.js';

const PROGRESS_POLL_MS = 500;

const CHUNK_BYTES = 1024 * 1024;
/** Uploads get a generous deadline: a large file is validated and committed before the answer. */
const UPLOAD_DEADLINE_MS = 30 * 60_000;

/** `transport`: the operator's (operator/<site>); `site`, when known, is the node the operator expects. */
export async function uploadFile(
  address: string, transport: Transport, filePath: string, options: IngestOptions = {}, site?: string, onProgress?: (p: ProgressSample) => void,
): Promise<IngestReport__Output> {
  const client = dataNodeClient(address, transport, site);
  const size = fs.statSync(filePath).size;
  let sent = 0;
  let lines = 0;
  let poller: NodeJS.Timeout | undefined;
  let stopPolling = (): void => undefined;
  const pollNode = () => {
    if (!onProgress || poller) return;
    const status = dataNodeClient(address, transport, site);
    let asking = false;
    poller = setInterval(() => {
      if (asking) return;
      asking = true;
      call(status, status.GetNodeStatus, {}, 5_000).then((raw) => {
        const s = longsAsNumbers('NodeOperatorStatus', raw) as { ingest: ProgressSample | null };
        if (s.ingest) onProgress({ stage: s.ingest.stage, rows: s.ingest.rows, bytesDone: s.ingest.bytesDone, bytesTotal: s.ingest.bytesTotal });
      }, (err: unknown) => {
        // A node without GetNodeStatus (older) or a busy one: the upload goes on; say so once and stop asking.
        clearInterval(poller);
        process.stderr.write(`(no progress from the node: ${(err as Error).message})\n`);
      }).finally(() => {
        asking = false;
      });
    }, PROGRESS_POLL_MS);
    poller.unref();
    stopPolling = () => {
      clearInterval(poller);
      status.close();
    };
  };
  try {
    return await new Promise<IngestReport__Output>((resolve, reject) => {
      const stream = client.IngestFile(new grpc.Metadata(), { deadline: Date.now() + UPLOAD_DEADLINE_MS }, (err, report) => {
        if (err) reject(fromServiceError(err, address));
        else if (!report) reject(new Error('empty ingest report'));
        else resolve(report);
      });
      const input = fs.createReadStream(filePath, { highWaterMark: CHUNK_BYTES });
      let first = true;
      input.on('data', (data) => {
        sent += data.length;
        if (onProgress) {
          for (let i = (data as Buffer).indexOf(10); i !== -1; i = (data as Buffer).indexOf(10, i + 1)) lines++;
          onProgress({ stage: 'sending', rows: Math.max(lines - 1, 0), bytesDone: sent, bytesTotal: size });
        }
        const chunk = {
          data: data as Buffer,
          ...(first ? {
            options: {
              fileName: options.fileName ?? path.basename(filePath),
              kind: options.kind ?? '',
              idColumn: options.idColumn ?? '',
              labelColumn: options.labelColumn ?? '',
              idFormat: options.idFormat ?? '',
              skipFeatures: options.skipFeatures ?? false,
              delimiter: options.delimiter ?? '',
              encoding: options.encoding ?? '',
              categorical: options.categorical ?? [],
              integer: options.integer ?? [],
              table: options.table ?? '',
              size,
            },
          } : {}),
        };
        first = false;
        if (!stream.write(chunk)) {
          input.pause();
          stream.once('drain', () => input.resume());
        }
      });
      input.on('end', () => {
        // An empty file still sends its options so the node can say what is wrong with it.
        if (first) stream.write({ data: Buffer.alloc(0), options: { fileName: options.fileName ?? path.basename(filePath), kind: options.kind ?? '' } });
        stream.end();
        pollNode();
      });
      input.on('error', (err) => {
        stream.cancel();
        reject(err);
      });
    });
  } finally {
    stopPolling();
    client.close();
  }
}
