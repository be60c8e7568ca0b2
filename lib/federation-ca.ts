/**
 * The federation's own certificate authority: `fedcredit init` makes one CA and, per party, a
 * key and a certificate naming the party's role and name, so every gRPC connection can be
 * mutual TLS and every RPC can check who is calling (lib/rpc-roles.ts).
 *
 * Keys are ECDSA P-256 with SHA-256 signatures: the curve every OpenSSL build Node links
 * supports for TLS 1.3 and 1.2 client and server authentication. (Ed25519 certificates would
 * match the parties' signing keys, but gRPC stacks outside Node handle them unevenly; an
 * agency's proxy or load balancer must be able to read these certificates too.)
 *
 * A party's identity is one URI subject alternative name, `fedcredit:role/<role>/<name>`
 * (e.g. `fedcredit:role/site/tax`); servers also carry DNS and IP names for hostname checks.
 * Node's crypto verifies certificates but cannot issue them, hence `@peculiar/x509`.
 */
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
// Must load before @peculiar/x509: its DI container checks for the Reflect metadata API.
// tsyringe, under @peculiar/x509, needs the Reflect metadata API loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { FedcreditError } from './errors.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// Node's WebCrypto is a complete provider; the library's parameter type is the DOM's Crypto.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const PARTY_ROLES = ['coordinator', 'site', 'operator', 'requester', 'auditor'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];
/** Roles that serve gRPC (their certificates carry serverAuth and host names); the others are clients only. */
export const SERVER_ROLES: readonly PartyRole[] = ['coordinator', 'site'];
/** Party names: lowercase letters, digits, '-' (site names follow registration/statement.ts). */
export const PARTY_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const IDENTITY_URI_PREFIX = 'fedcredit:role/';

export interface PartyIdentity {
  role: PartyRole;
  name: string;
}

export function identityUri(p: PartyIdentity): string {
  return `${IDENTITY_URI_PREFIX}${p.role}/${p.name}`;
}

/** `fedcredit:role/site/tax` back to { role: 'site', name: 'tax' }, or undefined if it is not one. */
export function parseIdentityUri(uri: string): PartyIdentity | undefined {
  if (!uri.startsWith(IDENTITY_URI_PREFIX)) return undefined;
  const [role, name, ...rest] = uri.slice(IDENTITY_URI_PREFIX.length).split('/');
  if (rest.length > 0 || !role || !name || !PARTY_NAME.test(name)) return undefined;
  return (PARTY_ROLES as readonly string[]).includes(role) ? { role: role as PartyRole, name } : undefined;
}

export const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  certPem: string;
  keys: CryptoKeyPair;
  cert: x509.X509Certificate;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export function newKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

export function keyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, unique per CA). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

export async function createCertificateAuthority(federation: string, opts: { days?: number } = {}): Promise<CertificateAuthority> {
  const keys = await newKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=fedcredit federation CA ${federation}, O=fedcredit`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (opts.days ?? 3650) * DAY_MS),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      // pathLength 0: the federation CA signs party certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keys, cert };
}

/** Loads a CA written by `writeCertificateAuthority` (to issue more party certificates later). */
export async function loadCertificateAuthority(certPem: string, keyPemText: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const privateKey = await importPrivateKey(keyPemText);
  const publicKey = await cert.publicKey.export(KEY_ALGORITHM, ['verify']);
  return { certPem, cert, keys: { privateKey, publicKey } };
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
}

export interface PartyCertificateOptions {
  /** DNS names and IP addresses the party serves on (servers only). */
  hosts?: string[];
  /** Servers (coordinator, site nodes) also act as clients; the others are clients only. */
  server?: boolean;
  days?: number;
  /** For tests of expiry: explicit validity. */
  notBefore?: Date;
  notAfter?: Date;
}

export async function issuePartyCertificate(ca: CertificateAuthority, party: PartyIdentity, opts: PartyCertificateOptions = {}): Promise<IssuedCertificate> {
  const keys = await newKeyPair();
  return { certPem: await issueCertificate(ca, party, keys.publicKey, opts), keyPem: keyPem(keys.privateKey) };
}

/**
 * A party certificate for a public key the CA never saw the private half of (lib/cert-request.ts
 * brings it from the party's own request). The CA alone decides the extensions: the request
 * contributes only the key, the identity URI and, for servers, the hosts.
 */
export async function issueCertificate(ca: CertificateAuthority, party: PartyIdentity, publicKey: CryptoKey, opts: PartyCertificateOptions = {}): Promise<string> {
  if (!PARTY_NAME.test(party.name)) {
    throw new FedcreditError('BAD_REQUEST', `party name '${party.name}' must be lowercase letters, digits or '-' (at most 63)`);
  }
  const now = Date.now();
  const names: x509.JsonGeneralName[] = [{ type: 'url', value: identityUri(party) }];
  for (const host of opts.server ? opts.hosts ?? [] : []) names.push({ type: net.isIP(host) ? 'ip' : 'dns', value: host });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${party.role} ${party.name}, O=fedcredit`,
    issuer: ca.cert.subject,
    notBefore: opts.notBefore ?? new Date(now - 60_000),
    notAfter: opts.notAfter ?? new Date(now + (opts.days ?? 365) * DAY_MS),
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(opts.server ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return cert.toString('pem');
}

/**
 * An HTTPS certificate for web consoles (`fedcredit init --consoles HOST,...`): serverAuth only,
 * the hosts as DNS or IP names, and no fedcredit identity URI, so no party accepts it as a peer
 * (lib/tls.ts requires one): it can serve a console to browsers and nothing else.
 */
export async function issueConsoleCertificate(ca: CertificateAuthority, hosts: readonly string[], opts: { days?: number } = {}): Promise<IssuedCertificate> {
  const keys = await newKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${hosts[0] ?? 'localhost'}, O=fedcredit console`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (opts.days ?? 365) * DAY_MS),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts.map((host) => ({ type: net.isIP(host) ? 'ip' : 'dns', value: host }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: keyPem(keys.privateKey) };
}

/** federation.json: the public description of who is who (lib/init-cli.ts writes it, lib/ca-owner.ts updates it). */
export interface FederationParty {
  role: PartyIdentity['role'];
  name: string;
  uri: string;
  /** The party's TLS folder, relative to the federation folder. */
  folder: string;
  hosts: string[];
  sha256: string;
  notAfter: string;
  /** The current certificate's serial (hex), what `fedcredit ca revoke` names. */
  serial?: string;
}

export interface FederationDescription {
  version: 1;
  federation: string;
  createdAt: string;
  ca: { certificate: string; sha256: string; notAfter: string };
  parties: FederationParty[];
}

/** Files of one party's TLS folder, as `fedcredit init` writes them and `--tls DIR` reads them. */
export const TLS_FILES = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;

/** Writes a party's folder: the CA certificate, its certificate (0644) and its key (0600), folder 0700. */
export function writePartyFolder(dir: string, caCertPem: string, issued: IssuedCertificate): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  fs.writeFileSync(path.join(dir, TLS_FILES.ca), caCertPem, { mode: 0o644 });
  fs.writeFileSync(path.join(dir, TLS_FILES.cert), issued.certPem, { mode: 0o644 });
  // flag 'wx': never overwrite a key in place; init refuses a folder that already has one.
  fs.writeFileSync(path.join(dir, TLS_FILES.key), issued.keyPem, { mode: 0o600, flag: 'wx' });
}

export function writeCertificateAuthority(dir: string, ca: CertificateAuthority): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  fs.writeFileSync(path.join(dir, TLS_FILES.ca), ca.certPem, { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'ca.key'), keyPem(ca.keys.privateKey), { mode: 0o600, flag: 'wx' });
}
