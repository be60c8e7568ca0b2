/**
 * Loads the RFC 9162 vectors from transparency-dev/merkle that live in ../shared beside the
 * repository (CI clones it the same way).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VECTOR_DIR = path.resolve(repoRoot, '../shared/vectors/rfc9162');

export interface InclusionVector {
  readonly file: string;
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly root: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly proof: Uint8Array[];
  readonly wantErr: boolean;
}

export interface ConsistencyVector {
  readonly file: string;
  readonly size1: number;
  readonly size2: number;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: Uint8Array[];
  readonly wantErr: boolean;
}

function jsonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return jsonFiles(p);
    return d.name.endsWith('.json') ? [p] : [];
  });
}

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

function read(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function proofOf(v: unknown): Uint8Array[] {
  return Array.isArray(v) ? v.map((s) => b64(String(s))) : [];
}

export function inclusionVectors(): InclusionVector[] {
  return jsonFiles(path.join(VECTOR_DIR, 'inclusion')).map((file) => {
    const j = read(file);
    return {
      file: path.relative(VECTOR_DIR, file),
      leafIdx: Number(j['leafIdx']),
      treeSize: Number(j['treeSize']),
      root: b64(String(j['root'])),
      leafHash: b64(String(j['leafHash'])),
      proof: proofOf(j['proof']),
      wantErr: j['wantErr'] === true,
    };
  });
}

export function consistencyVectors(): ConsistencyVector[] {
  return jsonFiles(path.join(VECTOR_DIR, 'consistency')).map((file) => {
    const j = read(file);
    return {
      file: path.relative(VECTOR_DIR, file),
      size1: Number(j['size1']),
      size2: Number(j['size2']),
      root1: b64(String(j['root1'])),
      root2: b64(String(j['root2'])),
      proof: proofOf(j['proof']),
      wantErr: j['wantErr'] === true,
    };
  });
}

export function rootVectors(): { leaves: Uint8Array[]; roots: Uint8Array[] } {
  const j = read(path.join(VECTOR_DIR, 'roots.json'));
  const hex = (s: unknown): Uint8Array => new Uint8Array(Buffer.from(String(s), 'hex'));
  return {
    leaves: (j['leafInputsHex'] as unknown[]).map(hex),
    roots: (j['rootHashesHexBySize'] as unknown[]).map(hex),
  };
}
