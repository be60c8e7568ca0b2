/**
 * Online backup and restore of a party's stores (node or coordinator), one protocol for both.
 *
 * A backup is taken while the party runs: every LevelDB database of the party is read through
 * an explicit snapshot, all snapshots opened in the same tick, so the backup is one consistent
 * point in time even while appends and ingests continue. The party's key files are included
 * (a restored node must keep its identity, or the coordinator refuses it), so a backup file is
 * as secret as the keys: it is written 0600.
 *
 * Format (v1), all integers big-endian:
 *   "FCBK1\n" | u32 header length | header JSON (role, site, databases, files, createdAt)
 *   records: u8 1 | u16 database index | u32 key length | key | u32 value length | value
 *   files:   u8 2 | u16 name length | name | u32 length | bytes
 *   end:     u8 0 | u64 record count | 32-byte SHA-256 of everything before it
 * A restore verifies the checksum over the whole file before it writes anything.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';

const MAGIC = Buffer.from('FCBK1\n', 'latin1');
const RECORD = 1;
const FILE = 2;
const END = 0;
const RESTORE_BATCH = 10_000;

export interface BackupHeader {
  format: 'fedcredit-backup';
  version: 1;
  role: string;
  site?: string;
  createdAt: string;
  /** Database folders relative to the data dir, in record index order. */
  databases: string[];
  files: string[];
}

/** A running party's databases (relative folder name and the open database) and key files. */
export interface BackupSource {
  role: string;
  site?: string;
  dataDir: string;
  /** Any open LevelDB; it is read raw (bytes), whatever encodings its owner uses. */
  databases: { name: string; db: { snapshot(): { close(): Promise<void> } } }[];
  files: string[];
}

type RawDb = Level<Uint8Array, Uint8Array>;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/**
 * Stream a consistent backup of `source` as chunks (for a file or a gRPC stream). The caller
 * decides where the bytes go; nothing is written to the party's own folder.
 */
export async function* backupChunks(source: BackupSource): AsyncGenerator<Uint8Array> {
  // Snapshots first, all in one synchronous run, so every database is read at the same instant.
  const snapshots = source.databases.map(({ db }) => (db as unknown as RawDb).snapshot());
  const hash = createHash('sha256');
  const emit = (buf: Buffer): Buffer => {
    hash.update(buf);
    return buf;
  };
  try {
    const header: BackupHeader = {
      format: 'fedcredit-backup', version: 1, role: source.role, ...(source.site ? { site: source.site } : {}),
      createdAt: new Date().toISOString(), databases: source.databases.map((d) => d.name), files: source.files,
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    yield emit(Buffer.concat([MAGIC, u32(headerBytes.length), headerBytes]));
    let records = 0;
    for (const [index, { db }] of source.databases.entries()) {
      const parts: Buffer[] = [];
      let size = 0;
      const raw = db as unknown as RawDb;
      for await (const [key, value] of raw.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer', snapshot: snapshots[index] })) {
        const head = Buffer.alloc(7);
        head.writeUInt8(RECORD, 0);
        head.writeUInt16BE(index, 1);
        head.writeUInt32BE(key.length, 3);
        parts.push(head, Buffer.from(key), u32(value.length), Buffer.from(value));
        size += 11 + key.length + value.length;
        records++;
        if (size > 1 << 20) {
          yield emit(Buffer.concat(parts));
          parts.length = 0;
          size = 0;
        }
      }
      if (parts.length > 0) yield emit(Buffer.concat(parts));
    }
    for (const name of source.files) {
      const bytes = fs.readFileSync(path.join(source.dataDir, name));
      const nameBytes = Buffer.from(name, 'utf8');
      const head = Buffer.alloc(3);
      head.writeUInt8(FILE, 0);
      head.writeUInt16BE(nameBytes.length, 1);
      yield emit(Buffer.concat([head, nameBytes, u32(bytes.length), bytes]));
    }
    const end = Buffer.alloc(9);
    end.writeUInt8(END, 0);
    end.writeBigUInt64BE(BigInt(records), 1);
    emit(end);
    yield Buffer.concat([end, hash.digest()]);
  } finally {
    await Promise.all(snapshots.map((s) => s.close()));
  }
}

/** Write a backup stream to `file` (0600), via a temporary name so a failed backup leaves no file. */
export async function writeBackupFile(chunks: AsyncIterable<Uint8Array>, file: string): Promise<{ bytes: number }> {
  const tmp = `${file}.partial`;
  const out = fs.createWriteStream(tmp, { mode: 0o600 });
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    fs.renameSync(tmp, file);
    return { bytes };
  } catch (err) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

interface ParsedBackup {
  header: BackupHeader;
  records: { db: number; key: Buffer; value: Buffer }[];
  files: { name: string; bytes: Buffer }[];
}

function bad(file: string, what: string): FedcreditError {
  return new FedcreditError('BAD_REQUEST', `${file} is not a usable fedcredit backup: ${what}`);
}

/** Parse and verify a backup file completely; throws a clear error for anything damaged. */
export function readBackupFile(file: string): ParsedBackup {
  const data = fs.readFileSync(file);
  if (data.length < MAGIC.length + 4 + 9 + 32 || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw bad(file, 'wrong magic or too short');
  const body = data.subarray(0, data.length - 32);
  if (!createHash('sha256').update(body).digest().equals(data.subarray(data.length - 32))) {
    throw bad(file, 'checksum mismatch (the file is truncated or was changed)');
  }
  let at = MAGIC.length;
  const headerLength = data.readUInt32BE(at);
  at += 4;
  let header: BackupHeader;
  try {
    header = JSON.parse(data.subarray(at, at + headerLength).toString('utf8')) as BackupHeader;
  } catch {
    throw bad(file, 'header is not JSON');
  }
  if (header.format !== 'fedcredit-backup' || header.version !== 1) throw bad(file, `unsupported format ${String(header.format)} v${String(header.version)}`);
  at += headerLength;
  const records: ParsedBackup['records'] = [];
  const files: ParsedBackup['files'] = [];
  for (;;) {
    if (at >= body.length) throw bad(file, 'no end marker');
    const type = data.readUInt8(at);
    if (type === END) {
      const count = Number(data.readBigUInt64BE(at + 1));
      if (count !== records.length || at + 9 !== body.length) throw bad(file, `record count ${records.length} does not match the end marker (${count})`);
      return { header, records, files };
    }
    if (type === RECORD) {
      const db = data.readUInt16BE(at + 1);
      const keyLength = data.readUInt32BE(at + 3);
      const key = data.subarray(at + 7, at + 7 + keyLength);
      const valueLength = data.readUInt32BE(at + 7 + keyLength);
      const value = data.subarray(at + 11 + keyLength, at + 11 + keyLength + valueLength);
      if (db >= header.databases.length) throw bad(file, `record for unknown database ${db}`);
      records.push({ db, key, value });
      at += 11 + keyLength + valueLength;
    } else if (type === FILE) {
      const nameLength = data.readUInt16BE(at + 1);
      const name = data.subarray(at + 3, at + 3 + nameLength).toString('utf8');
      const length = data.readUInt32BE(at + 3 + nameLength);
      if (path.basename(name) !== name) throw bad(file, `file name '${name}' is not a plain name`);
      files.push({ name, bytes: data.subarray(at + 7 + nameLength, at + 7 + nameLength + length) });
      at += 7 + nameLength + length;
    } else {
      throw bad(file, `unknown record type ${type} at byte ${at}`);
    }
  }
}

/**
 * Restore a backup into `dataDir`, which must not hold a store yet (restoring over a live or
 * existing store would mix two histories). Everything is verified before the first write.
 */
export async function restoreBackup(file: string, dataDir: string): Promise<{ header: BackupHeader; records: number }> {
  const parsed = readBackupFile(file);
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new FedcreditError('BAD_REQUEST', `${dataDir} is not empty; restore into an empty or new folder (stop the party and move its folder aside first)`);
  }
  // Restore beside the target and rename at the end: a failed restore leaves no half-filled folder.
  const staging = `${dataDir.replace(/[\\/]+$/, '')}.restoring-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
  try {
    for (const [index, name] of parsed.header.databases.entries()) {
      const db = new Level<Buffer, Buffer>(path.join(staging, name), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      try {
        const mine = parsed.records.filter((r) => r.db === index);
        for (let i = 0; i < mine.length; i += RESTORE_BATCH) {
          const batch = db.batch();
          for (const r of mine.slice(i, i + RESTORE_BATCH)) batch.put(r.key, r.value);
          await batch.write({ sync: true });
        }
      } finally {
        await db.close();
      }
    }
    for (const f of parsed.files) fs.writeFileSync(path.join(staging, f.name), f.bytes, { mode: 0o600 });
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.renameSync(staging, dataDir);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { header: parsed.header, records: parsed.records.length };
}
