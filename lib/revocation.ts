/**
 * Certificate revocation: the federation CA signs an X.509 v2 CRL (RFC 5280 §5) listing the
 * serials of party certificates it withdrew, and every party keeps a copy as `crl.pem` in its
 * TLS folder. A standard CRL rather than a list of our own: @peculiar/x509 issues one, OpenSSL
 * (`openssl crl -text`) and any agency tooling read it, and its signature is the CA's own.
 *
 * The check runs in our code, on every call, not in OpenSSL's handshake (Node's `crl` option):
 * a handshake failure reaches the caller as a bare UNAVAILABLE, while a revoked caller must get
 * UNAUTHENTICATED with the stable code CERT_REVOKED (lib/grpc.ts), and a client must be able
 * to say which server it refused (lib/tls.ts). The file is re-read when it changes, looked at
 * at most once per RELOAD_CHECK_MS, so a new list takes effect within a second without restarts.
 *
 * A party without `crl.pem` revokes nothing (federations made before revocation existed). A
 * list that is not signed by the party's CA, or older than the one loaded (a replayed list that
 * would un-revoke), is refused: at start-up the party does not start, later it keeps the list
 * it had and warns. Deleting the file keeps the last list too: revocation is never undone by
 * losing a file.
 */
import { verify, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { FedcreditError } from './errors.js';
import { DAY_MS, SIGNING, type CertificateAuthority } from './federation-ca.js';

/** The file a party's TLS folder and the CA folder keep the revocation list in. */
export const REVOCATION_FILE = 'crl.pem';
/** How long after a file change at most before the new list applies. */
export const RELOAD_CHECK_MS = 1_000;
/** A list's nextUpdate: `fedcredit ca crl` re-signs it before then; a stale list still applies, with a warning. */
export const CRL_VALIDITY_DAYS = 90;

export interface RevokedCertificate {
  /** Lowercase hex, no leading zeros (lib/revocation.ts normalSerial). */
  serial: string;
  revokedAt: Date;
}

/** Serials as OpenSSL prints them (`4F0A..`) and as a CRL stores them (`00a1..`) compare equal. */
export function normalSerial(hex: string): string {
  const s = hex.toLowerCase().replace(/[^0-9a-f]/g, '').replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** Issues the CA's list of revoked serials (RFC 5280 §5.1), valid CRL_VALIDITY_DAYS from now. */
export async function issueRevocationList(ca: CertificateAuthority, revoked: readonly RevokedCertificate[], now = new Date()): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subject,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + CRL_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING,
    signingKey: ca.keys.privateKey,
    entries: revoked.map((r) => ({ serialNumber: r.serial.length % 2 === 0 ? r.serial : `0${r.serial}`, revocationDate: r.revokedAt })),
  });
  // RFC 7468 §5's label, which OpenSSL (`openssl crl`) reads; the library's own is `CRL`.
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

export interface ParsedRevocationList {
  revoked: RevokedCertificate[];
  thisUpdate: Date;
  nextUpdate: Date | undefined;
}

/** Parses a CRL and checks the CA signed it; throws TLS_MATERIAL saying what is wrong. */
export function readRevocationList(pem: string | Buffer, caCertPem: string | Buffer, source: string): ParsedRevocationList {
  let der: Buffer;
  let crl: x509.X509Crl;
  try {
    der = Buffer.from(pem.toString().replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    crl = new x509.X509Crl(der);
  } catch (err) {
    throw new FedcreditError('TLS_MATERIAL', `${source} is not a certificate revocation list (${(err as Error).message}); copy the CA's ca/${REVOCATION_FILE} again`);
  }
  const caKey = new X509Certificate(caCertPem).publicKey;
  const { tbs, signature } = splitSigned(der);
  let signed = false;
  try {
    signed = verify('sha256', tbs, caKey, signature);
  } catch (err) {
    throw new FedcreditError('TLS_MATERIAL', `${source}: its signature is malformed (${(err as Error).message}); copy the federation CA's ca/${REVOCATION_FILE} again`);
  }
  if (!signed) throw new FedcreditError('TLS_MATERIAL', `${source} is not signed by this party's CA (ca.crt); copy the federation CA's ca/${REVOCATION_FILE} again`);
  return {
    revoked: crl.entries.map((e) => ({ serial: normalSerial(e.serialNumber), revokedAt: e.revocationDate })),
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
  };
}

/**
 * The signed bytes and signature of a CertificateList (RFC 5280 §5.1: SEQUENCE { tbsCertList,
 * signatureAlgorithm, BIT STRING signature }), so the check stays synchronous on the call path.
 */
function splitSigned(der: Buffer): { tbs: Buffer; signature: Buffer } {
  const outer = derElement(der, 0);
  const tbs = derElement(der, outer.contentStart);
  const algorithm = derElement(der, tbs.end);
  const bits = derElement(der, algorithm.end);
  if (outer.tag !== 0x30 || tbs.tag !== 0x30 || bits.tag !== 0x03) throw new FedcreditError('TLS_MATERIAL', 'the revocation list is not a DER CertificateList');
  // The BIT STRING's first content byte counts unused bits (0 for a signature).
  return { tbs: der.subarray(tbs.start, tbs.end), signature: der.subarray(bits.contentStart + 1, bits.end) };
}

function derElement(der: Buffer, start: number): { tag: number; start: number; contentStart: number; end: number } {
  const tag = der[start];
  let len = der[start + 1];
  if (tag === undefined || len === undefined) throw new FedcreditError('TLS_MATERIAL', 'the revocation list is truncated');
  let contentStart = start + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new FedcreditError('TLS_MATERIAL', 'the revocation list has a bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[contentStart + i] ?? 0);
    contentStart += n;
  }
  const end = contentStart + len;
  if (end > der.length) throw new FedcreditError('TLS_MATERIAL', 'the revocation list is truncated');
  return { tag, start, contentStart, end };
}

/** One party's view of the CA's revocation list, re-read from its TLS folder when the file changes. */
export class RevocationList {
  private revoked = new Set<string>();
  private thisUpdateMs = 0;
  private seen = '';
  private checkedAt = 0;

  private constructor(readonly file: string, private readonly caCertPem: Buffer, private readonly warn: (line: string) => void) {}

  /** Loads `<dir>/crl.pem` if present; throws TLS_MATERIAL when it is present but not the CA's. */
  static open(dir: string, caCertPem: Buffer, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): RevocationList {
    const list = new RevocationList(path.join(dir, REVOCATION_FILE), caCertPem, warn);
    list.checkedAt = Date.now();
    const stat = statOf(list.file);
    if (stat !== undefined) {
      list.apply(readRevocationList(fs.readFileSync(list.file), caCertPem, list.file));
      list.seen = stat;
    }
    return list;
  }

  /** Whether the CA revoked the certificate with this serial (hex, any case or padding). */
  isRevoked(serialHex: string | undefined): boolean {
    this.refresh();
    return serialHex !== undefined && this.revoked.has(normalSerial(serialHex));
  }

  get size(): number {
    return this.revoked.size;
  }

  private refresh(): void {
    const now = Date.now();
    if (now - this.checkedAt < RELOAD_CHECK_MS) return;
    this.checkedAt = now;
    try {
      const stat = statOf(this.file);
      if (stat === undefined || stat === this.seen) return;
      this.seen = stat;
      this.apply(readRevocationList(fs.readFileSync(this.file), this.caCertPem, this.file));
    } catch (err) {
      this.warn(`WARNING: ${(err as Error).message}; still using the revocation list loaded before (${this.revoked.size} revoked)`);
    }
  }

  private apply(list: ParsedRevocationList): void {
    if (list.thisUpdate.getTime() < this.thisUpdateMs) {
      throw new FedcreditError('TLS_MATERIAL', `${this.file} is older (${list.thisUpdate.toISOString()}) than the list already loaded; copy the CA's newest ca/${REVOCATION_FILE}`);
    }
    if (list.nextUpdate && list.nextUpdate.getTime() < Date.now()) {
      this.warn(`WARNING: ${this.file} was due for renewal on ${list.nextUpdate.toISOString()}: it still applies, but ask the CA owner to run \`fedcredit ca crl\` and copy the new ${REVOCATION_FILE} here`);
    }
    this.thisUpdateMs = list.thisUpdate.getTime();
    this.revoked = new Set(list.revoked.map((r) => r.serial));
  }
}

/** A change marker for the file (size, mtime, inode: a rename over it changes the inode), or undefined if absent. */
function statOf(file: string): string | undefined {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
