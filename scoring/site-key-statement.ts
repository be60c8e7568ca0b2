/**
 * How a requester learns a site's X25519 sealing key without trusting the coordinator, to
 * check the MAC on the site's explanations (scoring/sealed-explanation.ts: the MAC key is the
 * agreement of this key with the requester's sealing key).
 *
 * The coordinator relays everything between sites and requesters, and writes the log that
 * carries node registrations: a key it relays or logs could be its own. What it cannot make is
 * a certificate from the federation CA naming `fedcredit:role/site/<name>` (lib/federation-ca.ts),
 * and the requester already holds that CA in its TLS folder. So each node makes, once at
 * start, a statement "site <name> authenticates explanations with X25519 key K", signed with its TLS
 * key (ECDSA P-256, SHA-256, IEEE P1363 encoding), and sends it with its certificate beside
 * every explanation. The requester checks the certificate against its CA (issuer, signature,
 * dates, the single fedcredit URI naming this site) and the statement's signature, once per
 * distinct statement, and then takes K as the site's key.
 *
 * Using the TLS key for a second kind of signature is safe here: TLS 1.3 signs only messages
 * that start with 64 bytes of 0x20 (RFC 8446 §4.4.3), a statement starts with its tag.
 *
 * Without TLS (`--insecure`) there is no CA: the node sends the statement unsigned and the
 * requester takes the key as given; nothing is authenticated in that mode anyway.
 */
import crypto, { X509Certificate } from 'node:crypto';
import { FedcreditError } from '../lib/errors.js';
import { identityFromSubjectAltName, type Transport } from '../lib/tls.js';

const TAG = 'fedcredit site explanation key v2 (x25519)';

interface Statement {
  readonly v: 2;
  readonly site: string;
  /** Hex X25519 sealing key (the one the node registered). */
  readonly key: string;
  /** The node's certificate (PEM), '' without TLS. */
  readonly certificate: string;
  /** Base64 ECDSA P-256 signature by the certificate's key over statementBytes, '' without TLS. */
  readonly signature: string;
}

function statementBytes(site: string, keyHex: string): Uint8Array {
  return new TextEncoder().encode(`${TAG}\nsite ${site}\nkey ${keyHex}\n`);
}

/** The node's statement of its explanation key (its sealing key), signed with its TLS key when it has one. */
export function siteKeyStatement(site: string, sealingPublicKey: Uint8Array, transport: Transport): Uint8Array {
  const key = Buffer.from(sealingPublicKey).toString('hex');
  let certificate = '';
  let signature = '';
  if (transport.kind === 'tls') {
    certificate = transport.material.cert.toString('utf8');
    signature = crypto.sign('sha256', statementBytes(site, key), { key: transport.material.key, dsaEncoding: 'ieee-p1363' }).toString('base64');
  }
  const statement: Statement = { v: 2, site, key, certificate, signature };
  return new TextEncoder().encode(JSON.stringify(statement));
}

/**
 * The requester's side: the X25519 sealing key a site's statement certifies, checked against the
 * federation CA in the requester's TLS folder. Verified statements are remembered (bounded).
 */
export class SiteKeyVerifier {
  readonly #ca: X509Certificate | undefined;
  readonly #known = new Map<string, { site: string; key: Uint8Array; validTo: number }>();
  /** Per site, the statement bytes last verified (a copy) and what they proved. */
  readonly #last = new Map<string, { bytes: Buffer; key: Uint8Array; validTo: number }>();

  constructor(transport: Transport) {
    this.#ca = transport.kind === 'tls' ? new X509Certificate(transport.material.ca) : undefined;
  }

  /** The sealing key `site` authenticates its explanations with; EXPLANATION_FORGED if the statement does not prove it. */
  keyFor(site: string, statement: Uint8Array): Uint8Array {
    // Each answer carries each site's statement (~1 KB): the one last verified for the site is
    // recognised by its exact bytes, without hashing them again.
    const last = this.#last.get(site);
    if (last && Buffer.compare(last.bytes, statement) === 0 && Date.now() <= last.validTo) return last.key;
    const id = crypto.createHash('sha256').update(statement).digest('base64');
    const known = this.#known.get(id);
    if (known && known.site === site && Date.now() <= known.validTo) {
      this.#remember(site, statement, known);
      return known.key;
    }
    const { key, validTo } = this.#verify(site, statement);
    if (this.#known.size >= 1024) this.#known.clear();
    this.#known.set(id, { site, key, validTo });
    this.#remember(site, statement, { key, validTo });
    return key;
  }

  #remember(site: string, statement: Uint8Array, verified: { key: Uint8Array; validTo: number }): void {
    if (this.#last.size >= 1024 && !this.#last.has(site)) this.#last.clear();
    this.#last.set(site, { bytes: Buffer.from(statement), key: verified.key, validTo: verified.validTo });
  }

  #verify(site: string, bytes: Uint8Array): { key: Uint8Array; validTo: number } {
    const forged = (why: string): never => {
      throw new FedcreditError('EXPLANATION_FORGED', `the key statement said to be from site ${site} does not hold (${why}); its explanation cannot be trusted`);
    };
    let s: Partial<Statement>;
    try {
      s = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Statement>;
    } catch {
      return forged(bytes.length === 0 ? 'none was sent: the site or the coordinator runs an older version' : 'it is not JSON');
    }
    if (s.v !== 2 || s.site !== site || typeof s.key !== 'string' || !/^[0-9a-f]{64}$/.test(s.key)) return forged(`it names site ${String(s.site).slice(0, 40)} or a malformed key`);
    // A low-order X25519 key passes here and fails when the MAC key is derived (EXPLANATION_FORGED there).
    const key = new Uint8Array(Buffer.from(s.key, 'hex'));
    if (!this.#ca) return { key, validTo: Number.POSITIVE_INFINITY };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(String(s.certificate));
    } catch {
      return forged('it carries no readable certificate');
    }
    if (!cert.checkIssued(this.#ca) || !cert.verify(this.#ca.publicKey)) forged('its certificate is not issued by the federation CA in this party\'s TLS folder');
    const now = Date.now();
    const validTo = Date.parse(cert.validTo);
    if (validTo < now || Date.parse(cert.validFrom) > now) forged(`its certificate is valid only from ${cert.validFrom} to ${cert.validTo}`);
    const who = identityFromSubjectAltName(cert.subjectAltName);
    if (who?.role !== 'site' || who.name !== site) forged(`its certificate is for ${who ? `${who.role}/${who.name}` : 'no fedcredit party'}, not site/${site}`);
    const ok = typeof s.signature === 'string' &&
      crypto.verify('sha256', statementBytes(site, s.key), { key: cert.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s.signature, 'base64'));
    if (!ok) forged('its signature does not verify under the certificate');
    return { key, validTo };
  }
}
