/**
 * Pipes an upload from the browser to the node's `DataNode.IngestFile` (docs/design/console.md
 * 4.2): the request body (PUT from live.js, or the file part of a multipart POST) is read as a
 * stream and sent on in chunks of at most 64 KiB, with backpressure both ways, so the console
 * never holds a file whole and its memory does not grow with the file. The node spools, checks
 * every row and commits the whole file or nothing; if the browser goes away or the upload is
 * too large, the call is cancelled and the node stores nothing.
 *
 * State kept here, in memory: the upload being sent (for the progress events) and the last 20
 * results (the result page), so a restart forgets them; the node's ingest history is the record.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { FedcreditError } from '../../../lib/errors.js';
import { fromServiceError } from '../../../lib/grpc.js';
import type { IngestOptions } from '../../../proto/gen/fedcredit/v1/IngestOptions.js';
import type { IngestReport__Output } from '../../../proto/gen/fedcredit/v1/IngestReport.js';
import { ConsoleError } from '../../http/errors.js';
import type { RequestContext } from '../../http/router.js';

export const CHUNK_BYTES = 64 * 1024;
/** A large file is validated and committed before the node answers. */
const UPLOAD_DEADLINE_MS = 30 * 60_000;
const KEPT_RESULTS = 20;

export interface IngestResult {
  id: string;
  fileName: string;
  committed: boolean;
  rows: number;
  kind: string;
  seconds: number;
  enterprises: number;
  features: number;
  problems: { line: number; column: string; problem: string }[];
  errorCode?: string;
  errorMessage?: string;
  finishedMs: number;
}

export interface UploadState {
  fileName: string;
  sent: number;
  /** From Content-Length (PUT); 0 when unknown (multipart). */
  total: number;
  startedMs: number;
  result?: IngestResult;
}

let current: UploadState | undefined;
const results = new Map<string, IngestResult>();

/** The upload being sent or the last one finished (progress events). */
export function currentUpload(): UploadState | undefined {
  return current;
}

export function ingestResult(id: string): IngestResult | undefined {
  return results.get(id);
}

const KINDS = new Set(['', 'vat_filing', 'tax_rating', 'power_bill', 'loan', 'repayment', 'features']);
const ENCODINGS = new Set(['', 'utf8', 'gbk', 'gb18030']);
const ID_FORMATS = new Set(['', 'credit-code', 'any']);

/** The ingest options from the form fields (`node ingest`'s flags); the node checks them again. */
export function uploadOptions(ctx: RequestContext, fields: URLSearchParams, fileName: string, size: number): IngestOptions {
  const field = (name: string, max = 100) => (fields.get(name) ?? '').trim().slice(0, max);
  const oneOf = (name: string, allowed: Set<string>) => {
    const v = field(name);
    if (!allowed.has(v)) throw new ConsoleError('BAD_REQUEST', 400, ctx.t('node.upload.badOption', { name, value: v.slice(0, 40) }));
    return v;
  };
  const base = path.basename(fileName.replace(/\\/g, '/')).slice(0, 200);
  if (base === '') throw new ConsoleError('BAD_REQUEST', 400, ctx.t('node.upload.noFile'));
  return {
    fileName: base,
    kind: oneOf('kind', KINDS),
    table: field('table', 32),
    idColumn: field('id_column'),
    labelColumn: field('label_column'),
    idFormat: oneOf('id_format', ID_FORMATS),
    delimiter: field('delimiter', 10),
    encoding: oneOf('encoding', ENCODINGS),
    skipFeatures: false,
    categorical: [],
    integer: [],
    size,
  };
}

function remember(result: IngestResult): IngestResult {
  results.set(result.id, result);
  for (const id of results.keys()) {
    if (results.size <= KEPT_RESULTS) break;
    results.delete(id);
  }
  return result;
}

/**
 * Sends `body` to the node as one IngestFile call and waits for its report. Never throws for
 * the node's refusal: that is a result with the node's error code and message. Throws (and
 * cancels the call) when the body itself fails (too large, the browser went away).
 */
export async function pipeToNode(ctx: RequestContext, body: Readable, options: IngestOptions, total: number): Promise<IngestResult> {
  if (current && current.result === undefined) {
    body.resume();
    throw new ConsoleError('BUSY', 409, `${current.fileName} is being uploaded; wait for it to finish`);
  }
  const state: UploadState = { fileName: options.fileName ?? '', sent: 0, total, startedMs: ctx.now() };
  current = state;
  const id = randomBytes(12).toString('hex');
  const release = await ctx.clients.slot();
  const client = ctx.clients.dataNode;
  let answered = false;
  let bodyError: unknown;
  try {
    const report = await new Promise<IngestReport__Output>((resolve, reject) => {
      const call = client.IngestFile(new grpc.Metadata(), { deadline: Date.now() + UPLOAD_DEADLINE_MS }, (err, res) => {
        answered = true;
        if (err) reject(fromServiceError(err, ctx.options.target));
        else if (!res) reject(new FedcreditError('INTERNAL', 'the node answered the upload with no report'));
        else resolve(res);
      });
      const send = async () => {
        let first = true;
        const write = (data: Buffer) => {
          const ok = call.write(first ? { options, data } : { data });
          first = false;
          // A failed call never drains: its error or status ends the wait too.
          return ok ? undefined : new Promise<void>((r) => { call.once('drain', () => r()); call.once('error', () => r()); call.once('status', () => r()); });
        };
        for await (const chunk of body as AsyncIterable<Buffer>) {
          for (let off = 0; off < chunk.length && !answered; off += CHUNK_BYTES) {
            const piece = chunk.subarray(off, off + CHUNK_BYTES);
            state.sent += piece.length;
            const wait = write(piece);
            if (wait) await wait;
          }
          if (answered) break;
        }
        // An empty file still sends its options so the node can say what is wrong with it.
        if (first) write(Buffer.alloc(0));
        call.end();
      };
      send().catch((err: unknown) => {
        // The body failed (too large, browser gone): cancel, so the node removes its spool and stores nothing.
        bodyError = err;
        call.cancel();
        reject(err);
      });
    });
    return (state.result = remember({
      id, fileName: report.fileName, committed: report.committed, rows: Number(report.rows), kind: report.kind, seconds: report.seconds,
      enterprises: Number(report.enterprises), features: Number(report.featuresPerEnterprise),
      problems: report.problems.map((p) => ({ line: Number(p.line), column: p.column, problem: p.problem })), finishedMs: ctx.now(),
    }));
  } catch (caught) {
    // A cancelled call answers CANCELLED: the body's own failure is what went wrong.
    const err = bodyError ?? caught;
    if (bodyError !== undefined || !(err instanceof FedcreditError) || !answered) {
      state.result = { id, fileName: state.fileName, committed: false, rows: 0, kind: '', seconds: 0, enterprises: 0, features: 0, problems: [], errorCode: err instanceof ConsoleError || err instanceof FedcreditError ? err.code : 'INTERNAL', errorMessage: (err as Error).message, finishedMs: ctx.now() };
      throw err;
    }
    // The node refused the file (or could not be reached): show its code and message.
    return (state.result = remember({
      id, fileName: state.fileName, committed: false, rows: 0, kind: '', seconds: 0, enterprises: 0, features: 0, problems: [],
      errorCode: err.code, errorMessage: err.message, finishedMs: ctx.now(),
    }));
  } finally {
    body.resume();
    release();
  }
}
