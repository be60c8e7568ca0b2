/**
 * The transport plumbing stays in one place: only lib/tls.ts makes gRPC credentials and only
 * lib/grpc.ts adds services to a server (through the role guard). A service added any other
 * way would skip the role checks, and a client made any other way could skip mutual TLS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { protoDir } from '../../lib/grpc.js';

const ROOT = path.dirname(protoDir());
const PRODUCT_FOLDERS = ['auditor', 'bin', 'coordinator', 'consent', 'crypto', 'lib', 'node', 'sim', 'training', 'bench'];

function sources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push({ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  for (const f of PRODUCT_FOLDERS) walk(path.join(ROOT, f));
  return out;
}

describe('transport security is decided in one place', () => {
  const files = sources();

  it('reads the product sources', () => {
    expect(files.map((f) => f.file)).toContain(path.join('lib', 'grpc.ts'));
  });

  it('only lib/tls.ts creates gRPC channel or server credentials', () => {
    const offenders = files.filter((f) => f.file !== path.join('lib', 'tls.ts') && /\b(credentials\.create|ServerCredentials\.create)/.test(f.text));
    expect(offenders.map((f) => f.file)).toEqual([]);
  });

  it('only lib/grpc.ts adds a service to a server (every service goes through the role guard)', () => {
    const offenders = files.filter((f) => f.file !== path.join('lib', 'grpc.ts') && /\.addService\(/.test(f.text));
    expect(offenders.map((f) => f.file)).toEqual([]);
  });
});
