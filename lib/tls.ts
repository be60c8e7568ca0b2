/**
 * Transport security for every gRPC connection, decided in one place: a party either holds
 * TLS material from `fedcredit init` (mutual TLS: it proves its certified role and name, and
 * checks the peer's against the federation CA) or was started with `--insecure` by name, in
 * which case nothing is authenticated and the role checks of lib/rpc-roles.ts cannot hold.
 *
 * Only proto/clients.ts and lib/grpc.ts turn a Transport into gRPC credentials.
 *
 * A server is authenticated by its certified identity (the URI `fedcredit:role/<role>/<name>`),
 * not by the address dialled, as in SPIFFE: a node's address comes from its (logged, signed)
 * registration and may change, while the coordinator must reach exactly the certified site
 * `tax` there. Certificates still carry DNS and IP names so standard TLS tools can connect.
 */
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { FedcreditError } from './errors.js';
import { DAY_MS, parseIdentityUri, TLS_FILES, type PartyIdentity, type PartyRole } from './federation-ca.js';
import { RevocationList } from './revocation.js';

export interface TlsMaterial {
  /** The folder it was read from (for messages). */
  dir: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  /** Role and name this party's certificate names. */
  identity: PartyIdentity;
  /** The CA's revocation list from the folder's crl.pem (lib/revocation.ts), checked on every connection. */
  revocation: RevocationList;
}

export type Transport = { kind: 'tls'; material: TlsMaterial } | { kind: 'insecure' };

export const INSECURE: Transport = { kind: 'insecure' };

/** Where `serve` commands look when neither --tls nor FEDCREDIT_TLS is given: `<data>/tls`. */
export const DEFAULT_TLS_SUBDIR = 'tls';
export const TLS_ENV = 'FEDCREDIT_TLS';

export const INSECURE_WARNING =
  'WARNING: --insecure: this party uses no TLS. Connections are neither encrypted nor authenticated, ' +
  'and role checks cannot hold: any caller may call any RPC. Use it only on a throwaway test machine; ' +
  'create certificates with `fedcredit init` and pass --tls DIR instead.';

/** The single fedcredit identity a certificate's subjectAltName names, or undefined (never a guess). */
export function identityFromSubjectAltName(subjectAltName: string | undefined): PartyIdentity | undefined {
  const uris = (subjectAltName ?? '').split(', ').filter((n) => n.startsWith('URI:')).map((n) => n.slice(4));
  const ids = uris.filter((u) => u.startsWith('fedcredit:'));
  // Two fedcredit URIs would let a party claim either; a certificate must name exactly one.
  return ids.length === 1 ? parseIdentityUri(ids[0]!) : undefined;
}

/** Reads and checks a party's TLS folder: files present, key private, certificate issued by the CA and in date. */
export function loadTlsMaterial(dir: string): TlsMaterial {
  const read = (file: string): Buffer => {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) throw new FedcreditError('TLS_MATERIAL', `${p} is missing: pass the party's folder from \`fedcredit init\` (it holds ${Object.values(TLS_FILES).join(', ')})`);
    return fs.readFileSync(p);
  };
  const ca = read(TLS_FILES.ca);
  const cert = read(TLS_FILES.cert);
  const key = read(TLS_FILES.key);
  const keyPath = path.join(dir, TLS_FILES.key);
  const mode = fs.statSync(keyPath).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new FedcreditError('TLS_MATERIAL', `${keyPath} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${keyPath}\``);
  }
  let caCert: X509Certificate;
  let own: X509Certificate;
  try {
    caCert = new X509Certificate(ca);
    own = new X509Certificate(cert);
  } catch (err) {
    throw new FedcreditError('TLS_MATERIAL', `${dir}: cannot parse ${TLS_FILES.ca} or ${TLS_FILES.cert}: ${(err as Error).message}`);
  }
  if (!own.checkIssued(caCert) || !own.verify(caCert.publicKey)) {
    throw new FedcreditError('TLS_MATERIAL', `${path.join(dir, TLS_FILES.cert)} was not issued by the CA in ${TLS_FILES.ca}`);
  }
  const now = Date.now();
  if (Date.parse(own.validTo) < now || Date.parse(own.validFrom) > now) {
    const expired = Date.parse(own.validTo) < now;
    throw new FedcreditError('TLS_MATERIAL', `${path.join(dir, TLS_FILES.cert)} is valid only from ${own.validFrom} to ${own.validTo}; issue a new one` +
      (expired ? `: it has expired, so this party will not start. Run \`fedcredit tls renew --tls ${dir}\`, have the CA owner sign the request, then \`fedcredit tls install --tls ${dir}\`` : ''));
  }
  const identity = identityFromSubjectAltName(own.subjectAltName);
  if (!identity) throw new FedcreditError('TLS_MATERIAL', `${path.join(dir, TLS_FILES.cert)} names no fedcredit role (URI fedcredit:role/<role>/<name>)`);
  return { dir, ca, cert, key, identity, revocation: RevocationList.open(dir, ca) };
}

/** Days before a certificate's end at which every server warns on start-up. */
export const RENEW_WARNING_DAYS = 30;

/** The start-up warning for a certificate with under RENEW_WARNING_DAYS left, or undefined. */
export function certificateExpiryWarning(transport: Transport, now = Date.now()): string | undefined {
  if (transport.kind === 'insecure') return undefined;
  const { dir, cert } = transport.material;
  const validTo = Date.parse(new X509Certificate(cert).validTo);
  const days = (validTo - now) / DAY_MS;
  if (days >= RENEW_WARNING_DAYS) return undefined;
  return `WARNING: this party's certificate (${path.join(dir, TLS_FILES.cert)}) expires on ${new Date(validTo).toISOString()}, in ${Math.max(0, Math.floor(days))} days; ` +
    `after that it will not start and its peers refuse it. Renew now: \`fedcredit tls renew --tls ${dir}\`, have the CA owner sign the request, then \`fedcredit tls install --tls ${dir}\` and restart`;
}

/** The message a party refuses a revoked peer with; it leads with the code so clients can read it back (lib/grpc.ts). */
export function revokedMessage(who: string, serial: string | undefined, dir: string): string {
  return `CERT_REVOKED: the certificate of ${who} (serial ${serial ?? '?'}) is revoked by the federation CA (${path.join(dir, 'crl.pem')}); ` +
    'that party must have a new certificate signed (`fedcredit tls request`, then `fedcredit ca sign`)';
}

/** Server credentials: with TLS, a client certificate from the federation CA is required. */
export function serverCredentials(transport: Transport): grpc.ServerCredentials {
  if (transport.kind === 'insecure') return grpc.ServerCredentials.createInsecure();
  const { ca, key, cert } = transport.material;
  return grpc.ServerCredentials.createSsl(ca, [{ private_key: key, cert_chain: cert }], true);
}

/** What a client expects the server to be: its role, and its name when the caller knows it. */
export interface ExpectedPeer {
  role: PartyRole;
  name?: string;
}

/**
 * Channel credentials: the server must present a certificate from the federation CA naming the
 * expected role, and name when known (a requester cannot pose as the coordinator, nor site
 * power as site tax). Use with `channelOptionsFor`.
 */
export function channelCredentials(transport: Transport, expect: ExpectedPeer): grpc.ChannelCredentials {
  if (transport.kind === 'insecure') return grpc.credentials.createInsecure();
  const { ca, key, cert, revocation, dir } = transport.material;
  return grpc.credentials.createSsl(ca, key, cert, {
    checkServerIdentity: (host, peer) => {
      const id = identityFromSubjectAltName(peer.subjectaltname);
      if (!id || id.role !== expect.role || (expect.name !== undefined && id.name !== expect.name)) {
        const want = `${expect.role}${expect.name ? `/${expect.name}` : ''}`;
        return new Error(`${host} presented ${id ? `${id.role}/${id.name}` : 'a certificate with no fedcredit role'}, expected ${want}`);
      }
      // Checked at every handshake: a revoked server is refused at the next connection.
      if (revocation.isRevoked(peer.serialNumber)) return new Error(revokedMessage(`${id.role}/${id.name} at ${host}`, peer.serialNumber, dir));
      return undefined;
    },
  });
}

/**
 * Channel options for a client of `expect`: the TLS server name is the expected identity as a
 * DNS-style name, so SNI never carries an IP address (RFC 6066 §3) and no hostname is matched.
 */
export function channelOptionsFor(transport: Transport, base: grpc.ChannelOptions, expect: ExpectedPeer): grpc.ChannelOptions {
  if (transport.kind === 'insecure') return base;
  return { ...base, 'grpc.ssl_target_name_override': `${expect.name ?? 'any'}.${expect.role}.fedcredit` };
}

/** The caller's certified identity on a server call, or undefined (insecure transport). */
export interface CallWithAuth {
  getAuthContext(): { sslPeerCertificate?: tls.PeerCertificate } | null;
}

export function callerIdentity(call: CallWithAuth): PartyIdentity | undefined {
  return callerCertificate(call).identity;
}

/** The serial of the caller's certificate (hex), for the revocation check; undefined without TLS. */
export function callerSerial(call: CallWithAuth): string | undefined {
  return callerCertificate(call).serial;
}

interface CallerCertificate {
  identity: PartyIdentity | undefined;
  serial: string | undefined;
}

function callerCertificate(call: CallWithAuth): CallerCertificate {
  // grpc-js builds the whole peer-certificate object on every getAuthContext(), and both the
  // role guard (lib/grpc.ts) and handlers ask. The certificate is fixed for a connection
  // (HTTP/2 forbids TLS renegotiation), so it is read once per HTTP/2 session when grpc-js's
  // call shows it, else once per call.
  const owner: object = sessionOf(call) ?? call;
  const known = callers.get(owner);
  if (known !== undefined) return known;
  const cert = call.getAuthContext()?.sslPeerCertificate;
  const read: CallerCertificate = { identity: cert ? identityFromSubjectAltName(cert.subjectaltname) : undefined, serial: cert?.serialNumber };
  callers.set(owner, read);
  return read;
}

const callers = new WeakMap<object, CallerCertificate>();

/**
 * The HTTP/2 session a grpc-js server call runs on (ServerUnaryCallImpl.call -> ... ->
 * BaseServerInterceptingCall.stream.session), or undefined when grpc-js's shape differs.
 */
function sessionOf(call: object): object | undefined {
  let inner: unknown = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 8 && typeof inner === 'object' && inner !== null; depth++) {
    const session = (inner as { stream?: { session?: unknown } }).stream?.session;
    if (typeof session === 'object' && session !== null) return session;
    inner = (inner as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

export interface TransportFlags {
  tls?: string;
  insecure?: boolean;
}

/**
 * The transport a command runs with: `--tls DIR`, else $FEDCREDIT_TLS, else `<data>/tls` for a
 * party with a data folder; `--insecure` only when asked for by name, with a warning each time.
 */
export function resolveTransport(flags: TransportFlags, opts: { dataDir?: string; expectRole?: PartyRole; expectName?: string; exampleFolder?: string } = {}): Transport {
  if (flags.insecure) {
    if (flags.tls) throw new FedcreditError('BAD_REQUEST', 'pass either --tls DIR or --insecure, not both');
    process.stderr.write(`${INSECURE_WARNING}\n`);
    return INSECURE;
  }
  const fromData = opts.dataDir ? path.join(opts.dataDir, DEFAULT_TLS_SUBDIR) : undefined;
  const dir = flags.tls ?? process.env[TLS_ENV] ?? (fromData && fs.existsSync(fromData) ? fromData : undefined);
  if (!dir) {
    throw new FedcreditError('TLS_MATERIAL',
      `no TLS material: pass --tls DIR (this party's folder from \`fedcredit init\`, e.g. ${opts.exampleFolder ?? 'fed/parties/tax'}), set ${TLS_ENV}` +
      `${fromData ? `, or put it in ${fromData}` : ''}; --insecure runs without TLS (test machines only)`);
  }
  const material = loadTlsMaterial(dir);
  const { role, name } = material.identity;
  if ((opts.expectRole && role !== opts.expectRole) || (opts.expectName && name !== opts.expectName)) {
    throw new FedcreditError('TLS_MATERIAL', `${dir} holds the certificate of ${role}/${name}, but this command runs as ${opts.expectRole ?? role}/${opts.expectName ?? name}`);
  }
  return { kind: 'tls', material };
}

/** Commander options every networked command shares. */
export const TLS_OPTION_HELP = {
  tls: `this party's TLS folder from \`fedcredit init\` (ca.crt, tls.crt, tls.key); default $${TLS_ENV}, or <data>/${DEFAULT_TLS_SUBDIR} for serve`,
  insecure: 'run without TLS: no encryption, no authentication, no role checks (test machines only; warns on every start)',
};

/** A server's certificate must be for the role it runs as (and the site it serves). */
export function requireIdentity(transport: Transport, expect: ExpectedPeer): void {
  if (transport.kind === 'insecure') return;
  const { role, name } = transport.material.identity;
  if (role !== expect.role || (expect.name !== undefined && name !== expect.name)) {
    throw new FedcreditError('TLS_MATERIAL', `${transport.material.dir} holds the certificate of ${role}/${name}, but this party runs as ${expect.role}${expect.name ? `/${expect.name}` : ''}`);
  }
}

/** For start-up log lines: what protects this party's connections. */
export function describeTransport(transport: Transport): string {
  if (transport.kind === 'insecure') return 'INSECURE: no TLS, no role checks';
  return `mutual TLS as ${transport.material.identity.role}/${transport.material.identity.name}`;
}

/** Adds `--tls DIR` and `--insecure` to a command that opens gRPC connections. */
export function withTransportOptions<C extends { option(flags: string, description: string): C }>(command: C): C {
  return command.option('--tls <dir>', TLS_OPTION_HELP.tls).option('--insecure', TLS_OPTION_HELP.insecure);
}

/** The TLS folder of one party inside a federation folder made by `fedcredit init`. */
export function partyFolder(federationDir: string, party: string): string {
  return path.join(federationDir, 'parties', party);
}

/** Mutual TLS as one party of a federation folder (the demo, tests and tools that hold several). */
export function partyTransport(federationDir: string, party: string): Transport {
  return { kind: 'tls', material: loadTlsMaterial(partyFolder(federationDir, party)) };
}
