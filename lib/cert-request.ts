/**
 * Certificates the party asks for: the party makes its own TLS key and a PKCS#10 request
 * (RFC 2986) naming its identity, the CA owner checks and signs the request, and the party
 * installs the certificate next to the key, which never left its folder.
 *
 * The request carries what a certificate binds today (lib/federation-ca.ts): one URI subject
 * alternative name `fedcredit:role/<role>/<name>` and, for servers, DNS and IP names. Nothing
 * else is bound in the certificate: a node's identity and sealing keys are bound to its site by
 * the TLS key's signature over its registration (registration/cert.ts), which works unchanged
 * with a certificate issued from a request. The CA copies no extension from the request; it
 * sets key usages and validity itself.
 *
 *   <dir>/request.key   the new private key (0600), until `fedcredit tls install` makes it tls.key
 *   <dir>/request.csr   the request to give the CA owner (public)
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { X509Certificate, createHash, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { FedcreditError } from './errors.js';
import {
  identityUri, keyPem, KEY_ALGORITHM, newKeyPair, parseIdentityUri, SERVER_ROLES, SIGNING, TLS_FILES, type PartyIdentity,
} from './federation-ca.js';

export const REQUEST_FILES = { key: 'request.key', csr: 'request.csr' } as const;

/** Every server also answers on loopback, as `fedcredit init` certifies (lib/init-cli.ts). */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** RFC 1123 host names: labels of letters, digits and inner hyphens. */
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export interface CertificateRequest {
  keyPem: string;
  csrPem: string;
}

/** A new P-256 key and a request, signed by it, for `party` (hosts only for servers, loopback added). */
export async function createCertificateRequest(party: PartyIdentity, hosts: readonly string[] = []): Promise<CertificateRequest> {
  const server = SERVER_ROLES.includes(party.role);
  if (!server && hosts.length > 0) throw new FedcreditError('BAD_REQUEST', `a ${party.role} is a client only: --host applies to coordinator and site certificates`);
  for (const h of hosts) checkHost(h);
  if (parseIdentityUri(identityUri(party)) === undefined) {
    throw new FedcreditError('BAD_REQUEST', `party name '${party.name}' must be lowercase letters, digits or '-' (at most 63), e.g. bank-b`);
  }
  const names: x509.JsonGeneralName[] = [{ type: 'url', value: identityUri(party) }];
  for (const h of server ? [...new Set([...hosts, ...LOOPBACK_HOSTS])] : []) names.push({ type: net.isIP(h) ? 'ip' : 'dns', value: h });
  const keys = await newKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${party.role} ${party.name}, O=fedcredit`,
    keys,
    signingAlgorithm: SIGNING,
    extensions: [new x509.SubjectAlternativeNameExtension(names)],
  });
  return { keyPem: keyPem(keys.privateKey), csrPem: csr.toString('pem') };
}

/** Writes request.key (0600, never over an existing one) and request.csr into the party's folder (0700). */
export function writeCertificateRequest(dir: string, request: CertificateRequest): { key: string; csr: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const key = path.join(dir, REQUEST_FILES.key);
  const csr = path.join(dir, REQUEST_FILES.csr);
  if (fs.existsSync(key)) {
    throw new FedcreditError('BAD_REQUEST', `${key} exists: a request is pending. Install its certificate (\`fedcredit tls install --tls ${dir}\`) or delete ${key} and ${csr} to start over`);
  }
  fs.writeFileSync(key, request.keyPem, { mode: 0o600, flag: 'wx' });
  fs.writeFileSync(csr, request.csrPem, { mode: 0o644 });
  return { key, csr };
}

export interface CheckedRequest {
  identity: PartyIdentity;
  /** DNS names and IP addresses (servers only). */
  hosts: string[];
  publicKey: webcrypto.CryptoKey;
}

/**
 * The CA owner's check of a request before signing: it parses, its signature verifies with the
 * key it carries (the requester holds that key), the key is P-256, it names exactly one
 * well-formed fedcredit identity of a known role, and host names only for a server role.
 * Throws BAD_REQUEST saying what is wrong.
 */
export async function checkCertificateRequest(pem: string, source: string): Promise<CheckedRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `${source} is not a PKCS#10 certificate request (${(err as Error).message}); give the request.csr that \`fedcredit tls request\` wrote`);
  }
  const algorithm = csr.publicKey.algorithm as { name?: string; namedCurve?: string };
  if (algorithm.name !== KEY_ALGORITHM.name || algorithm.namedCurve !== KEY_ALGORITHM.namedCurve) {
    throw new FedcreditError('BAD_REQUEST', `${source}: the key is ${algorithm.name ?? '?'} ${algorithm.namedCurve ?? ''}, but the federation uses ECDSA P-256 keys; make the request with \`fedcredit tls request\``);
  }
  let signed = false;
  try {
    signed = await csr.verify();
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `${source}: its signature cannot be checked (${(err as Error).message})`);
  }
  if (!signed) throw new FedcreditError('BAD_REQUEST', `${source}: its signature does not verify with the key it carries; it was altered or made without that key. Ask the party for a new request`);
  const san = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  const uris = names.filter((n) => n.type === 'url');
  if (uris.length !== 1) throw new FedcreditError('BAD_REQUEST', `${source} names ${uris.length} URIs; a request must name exactly one identity fedcredit:role/<role>/<name>`);
  const identity = parseIdentityUri(uris[0]!.value);
  if (!identity) {
    throw new FedcreditError('BAD_REQUEST', `${source} names '${uris[0]!.value}', not an identity fedcredit:role/<role>/<name> with a known role and a name of lowercase letters, digits or '-'`);
  }
  const hosts: string[] = [];
  for (const n of names) {
    if (n.type === 'url') continue;
    if (n.type !== 'dns' && n.type !== 'ip') throw new FedcreditError('BAD_REQUEST', `${source} asks for a ${n.type} name '${n.value}'; only the identity URI and host names are certified`);
    checkHost(n.value);
    hosts.push(n.value);
  }
  if (hosts.length > 0 && !SERVER_ROLES.includes(identity.role)) {
    throw new FedcreditError('BAD_REQUEST', `${source}: a ${identity.role} is a client only and cannot be certified for hosts (${hosts.join(', ')})`);
  }
  const publicKey = await csr.publicKey.export(KEY_ALGORITHM, ['verify']);
  return { identity, hosts, publicKey };
}

function checkHost(host: string): void {
  if (!net.isIP(host) && !DNS_NAME.test(host)) throw new FedcreditError('BAD_REQUEST', `'${host}' is neither an IP address nor a DNS name`);
}

/** The identity and hosts a party's current certificate names, to renew it as it is. */
export function certifiedNames(certPem: Buffer | string): { identity: PartyIdentity | undefined; hosts: string[]; serial: string; validTo: Date } {
  const cert = new X509Certificate(certPem);
  const parts = (cert.subjectAltName ?? '').split(', ');
  const identity = parts.filter((n) => n.startsWith('URI:fedcredit:')).map((n) => parseIdentityUri(n.slice(4)))[0];
  const hosts = parts.filter((n) => n.startsWith('DNS:') || n.startsWith('IP Address:')).map((n) => n.slice(n.indexOf(':') + 1))
    .filter((h) => !LOOPBACK_HOSTS.includes(h) && h !== '0:0:0:0:0:0:0:1');
  return { identity, hosts, serial: cert.serialNumber, validTo: new Date(cert.validTo) };
}

/** Whether the certificate is for this private key (their public keys match). */
export function certificateMatchesKey(certPem: Buffer | string, privateKeyPem: Buffer | string): boolean {
  const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const fromKey = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  return Buffer.compare(fromCert, fromKey) === 0;
}

/**
 * Installs a signed certificate into the party's folder: it must be from `caPem`, in date, and
 * for the pending request.key, which becomes tls.key (the old key is deleted: revoke the old
 * certificate once the party runs the new one). The running party uses it from its next start.
 */
export function installCertificate(dir: string, certPem: Buffer, caPem: Buffer): { serial: string; validTo: Date; identity: PartyIdentity; caSha256: string } {
  const requestKey = path.join(dir, REQUEST_FILES.key);
  if (!fs.existsSync(requestKey)) {
    throw new FedcreditError('BAD_REQUEST', `${requestKey} is missing: install goes into the folder where \`fedcredit tls request\` or \`tls renew\` made the key`);
  }
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(caPem);
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `cannot parse the certificate or the CA certificate: ${(err as Error).message}`);
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new FedcreditError('BAD_REQUEST', 'the certificate was not issued by the given CA certificate; ask the CA owner for ca/ca.crt too');
  if (Date.parse(cert.validTo) < Date.now()) throw new FedcreditError('BAD_REQUEST', `the certificate expired on ${cert.validTo}; ask the CA owner to sign the request again`);
  const keyPemText = fs.readFileSync(requestKey);
  if (!certificateMatchesKey(certPem, keyPemText)) {
    throw new FedcreditError('BAD_REQUEST', `the certificate is not for the key in ${requestKey}: it was signed for another request; give the CA owner ${path.join(dir, REQUEST_FILES.csr)}`);
  }
  const { identity, serial, validTo } = certifiedNames(certPem);
  if (!identity) throw new FedcreditError('BAD_REQUEST', 'the certificate names no fedcredit identity');
  const installedCa = path.join(dir, TLS_FILES.ca);
  if (fs.existsSync(installedCa) && !new X509Certificate(fs.readFileSync(installedCa)).raw.equals(ca.raw)) {
    throw new FedcreditError('BAD_REQUEST', `${installedCa} holds another CA than the one given: a new CA is a new federation; install into a new folder, or pass the ca.crt this party already trusts`);
  }
  const existing = path.join(dir, TLS_FILES.cert);
  if (fs.existsSync(existing)) {
    const before = certifiedNames(fs.readFileSync(existing)).identity;
    if (before && (before.role !== identity.role || before.name !== identity.name)) {
      throw new FedcreditError('BAD_REQUEST', `${dir} holds the certificate of ${before.role}/${before.name}; this one is for ${identity.role}/${identity.name}: install it in that party's own folder`);
    }
  }
  // Each file is replaced by a rename, so a reader never sees half a file.
  const replace = (file: string, content: Buffer, mode: number) => {
    const tmp = path.join(dir, `.${file}.new`);
    fs.writeFileSync(tmp, content, { mode });
    fs.renameSync(tmp, path.join(dir, file));
  };
  replace(TLS_FILES.ca, caPem, 0o644);
  replace(TLS_FILES.cert, certPem, 0o644);
  fs.renameSync(requestKey, path.join(dir, TLS_FILES.key));
  fs.rmSync(path.join(dir, REQUEST_FILES.csr), { force: true });
  return { serial, validTo, identity, caSha256: createHash('sha256').update(ca.raw).digest('hex') };
}
