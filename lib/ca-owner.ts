/**
 * What the CA owner does after `fedcredit init`: sign a party's certificate request
 * (lib/cert-request.ts), revoke a certificate, and re-sign the revocation list
 * (lib/revocation.ts). The CA key stays in `<federation>/ca/`; federation.json, the public
 * who-is-who, records each party's current certificate (serial, fingerprint, end date).
 *
 * The revocation list is written to `ca/crl.pem` and copied into every party folder the CA
 * owner holds under `parties/` (the test federation; on real hosts the owner copies `ca/crl.pem`
 * to each party's TLS folder, README "Certificates").
 */
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FedcreditError } from './errors.js';
import { checkCertificateRequest } from './cert-request.js';
import {
  identityUri, issueCertificate, loadCertificateAuthority, SERVER_ROLES, TLS_FILES, type CertificateAuthority, type FederationDescription,
  type FederationParty, type PartyIdentity,
} from './federation-ca.js';
import { issueRevocationList, normalSerial, readRevocationList, REVOCATION_FILE, type RevokedCertificate } from './revocation.js';

const CA_DIR = 'ca';

export async function loadFederationCa(federationDir: string): Promise<CertificateAuthority> {
  const caDir = path.join(federationDir, CA_DIR);
  const keyFile = path.join(caDir, 'ca.key');
  if (!fs.existsSync(keyFile)) {
    throw new FedcreditError('NOT_FOUND', `${keyFile} does not exist: pass the federation folder made by \`fedcredit init\` (the CA owner's copy, with ca/ca.key)`);
  }
  return loadCertificateAuthority(fs.readFileSync(path.join(caDir, TLS_FILES.ca), 'utf8'), fs.readFileSync(keyFile, 'utf8'));
}

function readDescription(federationDir: string): FederationDescription {
  const file = path.join(federationDir, 'federation.json');
  if (!fs.existsSync(file)) throw new FedcreditError('NOT_FOUND', `${file} does not exist: pass the federation folder made by \`fedcredit init\``);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FederationDescription;
}

function writeDescription(federationDir: string, description: FederationDescription): void {
  const file = path.join(federationDir, 'federation.json');
  fs.writeFileSync(`${file}.new`, `${JSON.stringify(description, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(`${file}.new`, file);
}

/** Fingerprint, end date and serial of a certificate, as federation.json records them. */
export function certificateRecord(pem: string): { sha256: string; notAfter: string; serial: string } {
  const cert = new X509Certificate(pem);
  return { sha256: createHash('sha256').update(cert.raw).digest('hex'), notAfter: new Date(cert.validTo).toISOString(), serial: normalSerial(cert.serialNumber) };
}

export interface SignOptions {
  /** The party is new to federation.json: the CA owner confirms it joins. */
  add?: boolean;
  days?: number;
}

export interface SignedRequest {
  certPem: string;
  party: FederationParty;
  /** The party was already in federation.json (a renewal or a re-key). */
  renewal: boolean;
}

/**
 * Checks a request (lib/cert-request.ts) and the CA owner's policy, then issues the certificate:
 * a party federation.json lists may renew; a new one needs `add`, and a federation has one
 * coordinator. Records the new certificate in federation.json.
 */
export async function signRequest(federationDir: string, csrPem: string, source: string, opts: SignOptions = {}): Promise<SignedRequest> {
  const description = readDescription(federationDir);
  const checked = await checkCertificateRequest(csrPem, source);
  const { identity } = checked;
  const who = `${identity.role}/${identity.name}`;
  const index = description.parties.findIndex((p) => p.role === identity.role && p.name === identity.name);
  if (index < 0 && !opts.add) {
    throw new FedcreditError('BAD_REQUEST', `${source} asks for ${who}, which federation.json does not list; if this party joins the federation, sign again with --add`);
  }
  if (index < 0 && identity.role === 'coordinator' && description.parties.some((p) => p.role === 'coordinator')) {
    throw new FedcreditError('BAD_REQUEST', `${source} asks for a second coordinator (${who}); a federation has one coordinator`);
  }
  const ca = await loadFederationCa(federationDir);
  const certPem = await issueCertificate(ca, identity, checked.publicKey, {
    server: SERVER_ROLES.includes(identity.role), hosts: checked.hosts, ...(opts.days ? { days: opts.days } : {}),
  });
  const before = index >= 0 ? description.parties[index] : undefined;
  const party: FederationParty = {
    ...identity, uri: identityUri(identity),
    // A party that made its own key keeps its folder on its own host: the CA holds none for it.
    folder: before?.folder ?? '',
    hosts: checked.hosts, ...certificateRecord(certPem),
  };
  const parties = [...description.parties];
  if (index >= 0) parties[index] = party;
  else parties.push(party);
  writeDescription(federationDir, { ...description, parties });
  return { certPem, party, renewal: index >= 0 };
}

function crlPath(federationDir: string): string {
  return path.join(federationDir, CA_DIR, REVOCATION_FILE);
}

/** The CA's current list (empty when it has none yet). */
export function currentRevocations(federationDir: string): RevokedCertificate[] {
  const file = crlPath(federationDir);
  if (!fs.existsSync(file)) return [];
  return readRevocationList(fs.readFileSync(file), fs.readFileSync(path.join(federationDir, CA_DIR, TLS_FILES.ca)), file).revoked;
}

/** Writes ca/crl.pem and a copy in each party folder under parties/, each by an atomic rename. */
export function publishRevocationList(federationDir: string, pem: string): string[] {
  const targets = [path.join(federationDir, CA_DIR)];
  const parties = path.join(federationDir, 'parties');
  if (fs.existsSync(parties)) {
    for (const entry of fs.readdirSync(parties, { withFileTypes: true })) if (entry.isDirectory()) targets.push(path.join(parties, entry.name));
  }
  for (const dir of targets) {
    const tmp = path.join(dir, `.${REVOCATION_FILE}.new`);
    fs.writeFileSync(tmp, pem, { mode: 0o644 });
    fs.renameSync(tmp, path.join(dir, REVOCATION_FILE));
  }
  return targets;
}

/** The serial a revoke target names: a certificate file (which must be this CA's) or a hex serial. */
function serialOf(target: string, caPem: Buffer): string {
  if (fs.existsSync(target)) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(fs.readFileSync(target));
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `${target} is not a certificate (${(err as Error).message}); pass a tls.crt or a serial in hex`);
    }
    if (!cert.checkIssued(new X509Certificate(caPem))) throw new FedcreditError('BAD_REQUEST', `${target} was not issued by this federation's CA; nothing to revoke`);
    return normalSerial(cert.serialNumber);
  }
  if (!/^[0-9a-f:]{1,64}$/i.test(target)) {
    throw new FedcreditError('BAD_REQUEST', `'${target}' is neither a certificate file nor a serial in hex (see \`fedcredit tls status\` or federation.json)`);
  }
  return normalSerial(target);
}

export interface Revocation {
  serial: string;
  /** The party federation.json records with this certificate, if any. */
  party: PartyIdentity | undefined;
  alreadyRevoked: boolean;
  revokedCount: number;
  publishedTo: string[];
}

/** Adds a certificate to the CA's revocation list, re-signs it and publishes it. */
export async function revokeCertificate(federationDir: string, target: string): Promise<Revocation> {
  const ca = await loadFederationCa(federationDir);
  const serial = serialOf(target, Buffer.from(ca.certPem));
  const list = currentRevocations(federationDir);
  const alreadyRevoked = list.some((r) => r.serial === serial);
  const next = alreadyRevoked ? list : [...list, { serial, revokedAt: new Date() }];
  const publishedTo = publishRevocationList(federationDir, await issueRevocationList(ca, next));
  const known = readDescription(federationDir).parties.find((p) => p.serial !== undefined && normalSerial(p.serial) === serial);
  return { serial, party: known ? { role: known.role, name: known.name } : undefined, alreadyRevoked, revokedCount: next.length, publishedTo };
}

/** Re-signs the current list with a new validity (before its nextUpdate), and publishes it. */
export async function refreshRevocationList(federationDir: string): Promise<{ revokedCount: number; publishedTo: string[] }> {
  const ca = await loadFederationCa(federationDir);
  const list = currentRevocations(federationDir);
  return { revokedCount: list.length, publishedTo: publishRevocationList(federationDir, await issueRevocationList(ca, list)) };
}
