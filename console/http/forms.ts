/**
 * Request bodies: urlencoded forms (read whole, at most 1 MiB: server.ts reads them before the
 * CSRF check), and streamed uploads: `limitedBody` for a PUT from live.js, `multipart` (busboy)
 * for the no-JavaScript POST fallback, neither ever buffering a file whole.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import { ConsoleError } from './errors.js';

export const MAX_FORM_BYTES = 1024 * 1024;

export function isUrlEncoded(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

export function isMultipart(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'multipart/form-data';
}

/** Reads an urlencoded body (refused past 1 MiB). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_FORM_BYTES) throw new ConsoleError('TOO_LARGE', 413, `a form is at most ${MAX_FORM_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new ConsoleError('TOO_LARGE', 413, `a form is at most ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The request body, erroring with TOO_LARGE once more than `max` bytes have come. */
export function limitedBody(req: IncomingMessage, max: number): Readable {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw new ConsoleError('TOO_LARGE', 413, `an upload is at most ${max} bytes (--max-upload)`);
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new ConsoleError('TOO_LARGE', 413, `an upload is at most ${max} bytes (--max-upload)`));
      else done(null, chunk);
    },
  });
  req.on('error', (err) => limit.destroy(err));
  return req.pipe(limit);
}

export interface MultipartFile {
  field: string;
  filename: string;
  mimeType: string;
  stream: Readable;
}

/**
 * Streams a multipart/form-data body: `onFile` gets each file as a stream (it must consume
 * it); text fields are collected and returned. At most one file, `max` bytes.
 */
export function multipart(req: IncomingMessage, max: number, onFile: (file: MultipartFile, fields: URLSearchParams) => Promise<void>): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const fields = new URLSearchParams();
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: max, fields: 50, fieldSize: 64 * 1024 } });
    } catch (err) {
      reject(new ConsoleError('BAD_REQUEST', 400, `not a multipart form: ${(err as Error).message}`));
      return;
    }
    const pending: Promise<void>[] = [];
    parser.on('field', (name, value) => fields.append(name, value));
    parser.on('file', (field, stream, info) => {
      stream.on('limit', () => stream.destroy(new ConsoleError('TOO_LARGE', 413, `an upload is at most ${max} bytes (--max-upload)`)));
      pending.push(onFile({ field, filename: info.filename ?? '', mimeType: info.mimeType, stream }, fields));
    });
    parser.on('error', (err) => reject(err));
    parser.on('close', () => { Promise.all(pending).then(() => resolve(fields), reject); });
    req.pipe(parser);
  });
}
