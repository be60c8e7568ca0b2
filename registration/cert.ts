/**
 * The federation CA's word on a node's registration. A node-registration entry is signed by
 * the node's own Ed25519 identity key, which proves only that whoever made the entry holds
 * that key: a coordinator can mint a key pair and register a "power" of its own. So the node
 * also signs the registration with its TLS key and puts its TLS certificate in the entry; the
 * certificate, issued by the federation CA (lib/federation-ca.ts), names the site
 * (`fedcredit:role/site/<site>`), and its key's signature binds the identity and sealing keys
 * to that site. Anyone holding the CA certificate (every party's `ca.crt`) re-checks it; the
 * coordinator cannot forge it without the CA key.
 *
 * The TLS key signs a text of its own (a context line before registration/statement.ts's text), so
 * the signature cannot be replayed as the identity key's or in any other protocol.
 */
import { sign, verify, X509Certificate } from 'node:crypto';
import { FedcreditError } from '../lib/errors.js';
import { identityFromSubjectAltName, type TlsMaterial, type Transport } from '../lib/tls.js';
import { registrationMessage, type NodeRegistration } from './statement.js';

export interface RegistrationCertification {
  /** The node's TLS certificate (DER), issued by the federation CA for `site/<site>`. */
  readonly certificate: Uint8Array;
  /** ECDSA (SHA-256, DER) by the certificate's key over certifiedRegistrationMessage. */
  readonly signature: Uint8Array;
}

export function certifiedRegistrationMessage(r: NodeRegistration): Uint8Array {
  const context = new TextEncoder().encode('fedcredit node registration, certified by the TLS key v1\n');
  const body = registrationMessage(r);
  const out = new Uint8Array(context.length + body.length);
  out.set(context);
  out.set(body, context.length);
  return out;
}

/** The node's certification of its own registration, with the TLS key and certificate it runs with. */
export function certifyRegistration(r: NodeRegistration, material: TlsMaterial): RegistrationCertification {
  return {
    certificate: new Uint8Array(new X509Certificate(material.cert).raw),
    signature: new Uint8Array(sign('sha256', certifiedRegistrationMessage(r), material.key)),
  };
}

/**
 * Why the CA does not certify this registration, or undefined when it does: the certificate
 * must be issued and signed by `caPem`, valid at the registration's time, name exactly the
 * registering site, and its key must have signed the registration.
 */
export function registrationCertificationProblem(r: NodeRegistration, c: RegistrationCertification | undefined, caPem: string | Buffer): string | undefined {
  if (!c || c.certificate.length === 0 || c.signature.length === 0) return `the registration of site ${r.site} carries no certificate from the federation CA`;
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(c.certificate);
    ca = new X509Certificate(caPem);
  } catch (err) {
    return `the certificate in the registration of site ${r.site} does not parse: ${(err as Error).message}`;
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return `the certificate in the registration of site ${r.site} is not issued by this federation's CA`;
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!(r.timestampMs >= from && r.timestampMs <= to)) return `the certificate of site ${r.site} was not valid at the registration's time`;
  const who = identityFromSubjectAltName(cert.subjectAltName);
  if (who?.role !== 'site' || who.name !== r.site) return `the certificate in the registration names ${who ? `${who.role}/${who.name}` : 'no fedcredit party'}, not site/${r.site}`;
  let signed = false;
  try {
    signed = verify('sha256', certifiedRegistrationMessage(r), cert.publicKey, c.signature);
  } catch (err) {
    return `the certificate's signature on the registration of site ${r.site} is malformed: ${(err as Error).message}`;
  }
  return signed ? undefined : `the registration of site ${r.site} is not signed by the key of the certificate it carries`;
}

/** A peer's keys as the coordinator hands them to a node for a job, with the registration they came from. */
export interface CertifiedPeer {
  site: string;
  address: string;
  identityPublicKey: Uint8Array;
  sealingPublicKey: Uint8Array;
  registrationTimeMs: string | number;
  tlsCertificate: Uint8Array;
  tlsSignature: Uint8Array;
}

/**
 * Refuses (REGISTRATION_NOT_CERTIFIED, naming the site) a job whose peer keys the federation
 * CA does not vouch for: the coordinator fills them from its own registry, and a sealing key
 * of its own choosing would let it open what a node seals for that peer. Without TLS (test
 * machines only) there is no CA to ask, as in scoring. A registration whose certificate the CA
 * has since revoked (lib/revocation.ts) is refused the same way.
 */
export function requireCertifiedPeers(peers: readonly CertifiedPeer[], transport: Transport, job: string): void {
  if (transport.kind !== 'tls') return;
  for (const p of peers) {
    const timestampMs = Number(p.registrationTimeMs);
    const registration: NodeRegistration = { site: p.site, address: p.address, identityPublicKey: p.identityPublicKey, sealingPublicKey: p.sealingPublicKey, timestampMs };
    const certified = registrationCertificationProblem(registration, { certificate: p.tlsCertificate, signature: p.tlsSignature }, transport.material.ca);
    // A certificate the CA revoked since the registration no longer vouches for its keys.
    const problem = certified ?? (transport.material.revocation.isRevoked(new X509Certificate(p.tlsCertificate).serialNumber)
      ? `the certificate site ${p.site} registered with is revoked by the federation CA (crl.pem)` : undefined);
    if (problem !== undefined) {
      throw new FedcreditError('REGISTRATION_NOT_CERTIFIED', `${job}: the keys the coordinator gives for peer ${p.site} are not certified by the federation CA (${problem}); nothing was stored. Restart node ${p.site} so it registers again, then retry; if it persists, the coordinator is not to be trusted with this job`);
    }
  }
}
