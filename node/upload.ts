/**
 * Client side of IngestFile: streams a local export to a running node in 1 MiB chunks, so an
 * operator can ingest while the node serves (LevelDB allows one process per store).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { dataNodeClient } from '../proto/clients.js';
import { fromServiceError } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import type { IngestReport__Output } from '../proto/gen/fedcredit/v1/IngestReport.js';
import type { IngestOptions } from './ingest-report.js';

const CHUNK_BYTES = 1024 * 1024;
/** Uploads get a generous deadline: a large file is validated and committed before the answer. */
const UPLOAD_DEADLINE_MS = 30 * 60_000;

/** `transport`: the operator's (operator/<site>); `site`, when known, is the node the operator expects. */
export async function uploadFile(address: string, transport: Transport, filePath: string, options: IngestOptions = {}, site?: string): Promise<IngestReport__Output> {
  const client = dataNodeClient(address, transport, site);
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
      });
      input.on('error', (err) => {
        stream.cancel();
        reject(err);
      });
    });
  } finally {
    client.close();
  }
}
