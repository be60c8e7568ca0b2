/**
 * `fedcredit init`: creates a federation's CA and one TLS folder per party (lib/federation-ca.ts),
 * plus `federation.json`, the public description of who is who. Each party gets only its own
 * folder; the CA key stays with whoever runs init, ideally offline.
 *
 *   DIR/federation.json           parties, roles, hosts, certificate fingerprints (public)
 *   DIR/ca/ca.crt, ca/ca.key      the CA (key 0600, folder 0700: guard it; it certifies every role)
 *   DIR/parties/<party>/          ca.crt, tls.crt, tls.key (0600), crl.pem: pass it as --tls to that party
 *   DIR/ca/crl.pem                the CA's revocation list (lib/revocation.ts), copied into each party folder
 *
 * That is the whole test federation for the demo and tests. For real deployments a party makes its
 * own key and request (`fedcredit tls request`, lib/cert-request.ts) and the CA owner signs it with
 * `fedcredit init --sign REQ` (the same as `fedcredit ca sign`, lib/ca-owner.ts).
 */
import { createHash, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, runCommand } from './cli-output.js';
import { certificateRecord, publishRevocationList, signRequest } from './ca-owner.js';
import { issueRevocationList, REVOCATION_FILE } from './revocation.js';
import { FedcreditError } from './errors.js';
import {
  createCertificateAuthority, identityUri, issueConsoleCertificate, issuePartyCertificate, loadCertificateAuthority, PARTY_NAME, TLS_FILES,
  writeCertificateAuthority, writePartyFolder, type CertificateAuthority, type FederationDescription, type FederationParty, type PartyIdentity,
} from './federation-ca.js';

export interface InitOptions {
  out: string;
  sites?: string[];
  requesters?: string[];
  auditors?: string[];
  coordinatorHost?: string;
  /** Extra hosts per site node, e.g. { tax: ['10.0.0.2'] }. */
  siteHosts?: Record<string, string[]>;
  days?: number;
  federation?: string;
  /** Hosts of web consoles: one HTTPS certificate for them (plus loopback) in DIR/consoles/. */
  consoles?: string[];
}

// The description's types live with the CA (lib/federation-ca.ts), which lib/ca-owner.ts also updates.
export type { FederationDescription, FederationParty } from './federation-ca.js';

/** Every server also answers on loopback, so a party can be checked from its own machine. */
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

function fingerprint(pem: string): { sha256: string; notAfter: string } {
  const { sha256, notAfter } = certificateRecord(pem);
  return { sha256, notAfter };
}

/** Which parties init certifies, with their folder names; refuses duplicates and bad names. */
export function plannedParties(opts: InitOptions): { identity: PartyIdentity; folder: string; hosts?: string[] }[] {
  const sites = opts.sites ?? ['tax', 'power', 'bank'];
  const coordinatorHosts = [...new Set([opts.coordinatorHost ?? '127.0.0.1', ...LOOPBACK])];
  const plan = [
    { identity: { role: 'coordinator', name: 'coordinator' } as PartyIdentity, folder: 'coordinator', hosts: coordinatorHosts },
    { identity: { role: 'operator', name: 'coordinator' } as PartyIdentity, folder: 'coordinator-operator' },
    ...sites.flatMap((site) => [
      { identity: { role: 'site', name: site } as PartyIdentity, folder: site, hosts: [...new Set([...(opts.siteHosts?.[site] ?? []), ...LOOPBACK])] },
      { identity: { role: 'operator', name: site } as PartyIdentity, folder: `${site}-operator` },
    ]),
    ...(opts.requesters ?? []).map((name) => ({ identity: { role: 'requester', name } as PartyIdentity, folder: name })),
    ...(opts.auditors ?? ['auditor-1']).map((name) => ({ identity: { role: 'auditor', name } as PartyIdentity, folder: name })),
  ];
  const seen = new Set<string>();
  for (const p of plan) {
    if (!PARTY_NAME.test(p.identity.name)) {
      throw new FedcreditError('BAD_REQUEST', `party name '${p.identity.name}' must be lowercase letters, digits or '-' (e.g. tax, bank-a, auditor-1)`);
    }
    if (seen.has(p.folder)) throw new FedcreditError('BAD_REQUEST', `two parties would share the folder parties/${p.folder}; give them distinct names`);
    seen.add(p.folder);
  }
  return plan;
}

export async function initFederation(opts: InitOptions): Promise<FederationDescription> {
  const plan = plannedParties(opts);
  if (fs.existsSync(opts.out) && fs.readdirSync(opts.out).length > 0) {
    throw new FedcreditError('BAD_REQUEST', `${opts.out} is not empty: init never overwrites a CA or a key; choose a new folder`);
  }
  fs.mkdirSync(opts.out, { recursive: true, mode: 0o700 });
  fs.chmodSync(opts.out, 0o700);
  const federation = opts.federation ?? path.basename(path.resolve(opts.out));
  const ca = await createCertificateAuthority(federation);
  writeCertificateAuthority(path.join(opts.out, 'ca'), ca);
  fs.mkdirSync(path.join(opts.out, 'parties'), { mode: 0o700 });
  const description: FederationDescription = {
    version: 1, federation, createdAt: new Date().toISOString(),
    ca: { certificate: 'ca/ca.crt', ...fingerprint(ca.certPem) }, parties: await issueParties(opts, ca, plan),
  };
  writeDescription(opts.out, description);
  publishRevocationList(opts.out, await issueRevocationList(ca, []));
  if (opts.consoles && opts.consoles.length > 0) await writeConsoleCertificate(opts.out, ca, opts.consoles, opts.days);
  return description;
}

/** Where `init --consoles` writes the consoles' HTTPS certificate, key and SPKI pin. */
export const CONSOLE_CERT_DIR = 'consoles';

/**
 * `init --consoles HOST,...`: an HTTPS certificate for `fedcredit console serve --https-cert`,
 * signed by the federation CA, for the hosts and loopback; `spki.txt` holds the base64 SHA-256 of
 * its public key, which browser tests pin (Chromium's --ignore-certificate-errors-spki-list).
 */
export async function writeConsoleCertificate(out: string, ca: CertificateAuthority, hosts: readonly string[], days?: number): Promise<{ dir: string; spki: string }> {
  const dir = path.join(out, CONSOLE_CERT_DIR);
  const issued = await issueConsoleCertificate(ca, [...new Set([...hosts, ...LOOPBACK])], days ? { days } : {});
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, 'https.crt'), issued.certPem, { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'https.key'), issued.keyPem, { mode: 0o600, flag: 'wx' });
  const spki = createHash('sha256').update(createPublicKey(issued.certPem).export({ type: 'spki', format: 'der' })).digest('base64');
  fs.writeFileSync(path.join(dir, 'spki.txt'), `${spki}\n`, { mode: 0o644 });
  return { dir, spki };
}

/**
 * `init --add`: certifies, with the federation's existing CA, the parties of `opts` that
 * federation.json does not list yet (a site joining later); existing parties are left alone.
 */
export async function addParties(opts: InitOptions): Promise<{ description: FederationDescription; added: FederationParty[] }> {
  const file = path.join(opts.out, 'federation.json');
  if (!fs.existsSync(file)) throw new FedcreditError('NOT_FOUND', `${file} does not exist: create the federation first with \`fedcredit init --out ${opts.out}\``);
  const description = JSON.parse(fs.readFileSync(file, 'utf8')) as FederationDescription;
  const known = new Map(description.parties.map((p) => [p.folder, `${p.role}/${p.name}`]));
  const plan = plannedParties(opts).filter((p) => {
    const existing = known.get(path.join('parties', p.folder));
    if (existing !== undefined && existing !== `${p.identity.role}/${p.identity.name}`) {
      throw new FedcreditError('BAD_REQUEST', `parties/${p.folder} already holds ${existing}; give ${p.identity.role} ${p.identity.name} another name`);
    }
    const selfKeyed = description.parties.find((q) => q.role === p.identity.role && q.name === p.identity.name && q.folder === '');
    if (selfKeyed) {
      throw new FedcreditError('BAD_REQUEST', `${p.identity.role}/${p.identity.name} already has a certificate from its own request; renew it with \`fedcredit tls renew\` and \`fedcredit ca sign\``);
    }
    return existing === undefined;
  });
  const caDir = path.join(opts.out, 'ca');
  const ca = await loadCertificateAuthority(fs.readFileSync(path.join(caDir, TLS_FILES.ca), 'utf8'), fs.readFileSync(path.join(caDir, 'ca.key'), 'utf8'));
  const added = await issueParties(opts, ca, plan);
  const updated = { ...description, parties: [...description.parties, ...added] };
  writeDescription(opts.out, updated);
  // The new folders get the CA's current revocation list, as the others have it.
  const crl = path.join(caDir, REVOCATION_FILE);
  publishRevocationList(opts.out, fs.existsSync(crl) ? fs.readFileSync(crl, 'utf8') : await issueRevocationList(ca, []));
  return { description: updated, added };
}

async function issueParties(opts: InitOptions, ca: CertificateAuthority, plan: ReturnType<typeof plannedParties>): Promise<FederationParty[]> {
  const parties: FederationParty[] = [];
  for (const p of plan) {
    const server = p.hosts !== undefined;
    const issued = await issuePartyCertificate(ca, p.identity, { server, ...(p.hosts ? { hosts: p.hosts } : {}), ...(opts.days ? { days: opts.days } : {}) });
    const folder = path.join('parties', p.folder);
    writePartyFolder(path.join(opts.out, folder), ca.certPem, issued);
    parties.push({ ...p.identity, uri: identityUri(p.identity), folder, hosts: p.hosts ?? [], ...certificateRecord(issued.certPem) });
  }
  return parties;
}

function writeDescription(dir: string, description: FederationDescription): void {
  fs.writeFileSync(path.join(dir, 'federation.json'), `${JSON.stringify(description, null, 2)}\n`, { mode: 0o644 });
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function siteHost(value: string, previous: Record<string, string[]> = {}): Record<string, string[]> {
  const [site, hosts] = value.split('=');
  if (!site || !hosts) throw new FedcreditError('BAD_REQUEST', `--site-host takes SITE=HOST[,HOST], e.g. tax=10.0.0.2, not '${value}'`);
  return { ...previous, [site]: [...(previous[site] ?? []), ...list(hosts)] };
}

export function registerInitCommand(program: Command): void {
  program.command('init')
    .description('create a federation: its certificate authority and, per party, a TLS key and certificate naming its role')
    .requiredOption('--out <dir>', 'new folder for the federation (must not exist or be empty)')
    .option('--sites <a,b,c>', 'data node sites', list, ['tax', 'power', 'bank'])
    .option('--requesters <a,b>', 'requesters (banks that ask for scores)', list, [])
    .option('--auditors <a,b>', 'auditors', list, ['auditor-1'])
    .option('--coordinator-host <host>', 'DNS name or IP address parties dial the coordinator on', '127.0.0.1')
    .option('--site-host <site=host>', 'DNS name or IP address a site node is dialled on (repeatable)', siteHost)
    .option('--days <n>', 'validity of party certificates in days', (v) => Number.parseInt(v, 10), 365)
    .option('--add', 'add the listed parties that DIR/federation.json lacks, certified by its existing CA (a site joining later); with --sign, accept a party new to federation.json')
    .option('--sign <request>', 'sign a party\'s certificate request (request.csr from `fedcredit tls request`) with the CA in --out; same as `fedcredit ca sign`')
    .option('--cert-out <file>', 'with --sign: where to write the certificate (default: request.crt next to the request)')
    .option('--consoles <hosts>', 'also issue an HTTPS certificate for web consoles on these hosts (and loopback) in DIR/consoles/', list)
    .option('--json', 'print federation.json')
    .addHelpText('after', '\nGive each party only its folder under parties/ and start it with --tls <that folder>. Keep ca/ca.key offline.')
    .action((flags: { out: string; sites: string[]; requesters: string[]; auditors: string[]; coordinatorHost: string; siteHost?: Record<string, string[]>; days: number; consoles?: string[]; add?: boolean; sign?: string; certOut?: string; json?: boolean }, command: Command) => runCommand(async () => {
      if (!(flags.days > 0)) throw new FedcreditError('BAD_REQUEST', '--days must be a positive number of days');
      if (flags.sign) {
        await signAndWrite(flags.out, flags.sign, { add: Boolean(flags.add), days: flags.days, ...(flags.certOut ? { out: flags.certOut } : {}) }, Boolean(flags.json));
        return;
      }
      const opts: InitOptions = {
        out: flags.out, sites: flags.sites, requesters: flags.requesters, auditors: flags.auditors,
        coordinatorHost: flags.coordinatorHost, days: flags.days, ...(flags.siteHost ? { siteHosts: flags.siteHost } : {}),
        ...(flags.consoles ? { consoles: flags.consoles } : {}),
      };
      if (flags.add) {
        // Only the lists given on the command line: --add must not also add the default sites.
        const given = (key: string, value: string[]) => (command.getOptionValueSource(key) === 'cli' ? value : []);
        const { description, added } = await addParties({
          ...opts, sites: given('sites', flags.sites), requesters: given('requesters', flags.requesters), auditors: given('auditors', flags.auditors),
        });
        emit(Boolean(flags.json), description, () => added.length === 0 ? `every listed party already has a certificate in ${flags.out}` : [
          `added to federation ${description.federation} in ${flags.out}:`,
          ...added.map((p) => `  ${p.folder.padEnd(32)} ${`${p.role}/${p.name}`.padEnd(24)} ${p.hosts.length ? `serves as ${p.hosts.join(', ')}` : 'client only'}`),
        ].join('\n'));
        return;
      }
      const fed = await initFederation(opts);
      emit(Boolean(flags.json), fed, () => [
        `federation ${fed.federation} in ${flags.out}: CA ${fed.ca.sha256.slice(0, 16)}... (ca/ca.key: keep it offline; it can certify any role)`,
        ...fed.parties.map((p) => `  ${p.folder.padEnd(32)} ${`${p.role}/${p.name}`.padEnd(24)} ${p.hosts.length ? `serves as ${p.hosts.join(', ')}` : 'client only'}`),
        'Give each party only its own folder (tls.key is mode 0600) and start it with --tls <folder>.',
        ...(flags.consoles ? [`  ${CONSOLE_CERT_DIR}/https.crt, https.key: HTTPS for consoles on ${flags.consoles.join(', ')} (console serve --https-cert/--https-key)`] : []),
      ].join('\n'));
    }));
}

/** `init --sign` and `ca sign`: signs a request file and writes the certificate (default request.crt beside it). */
export async function signAndWrite(federationDir: string, requestFile: string, opts: { add: boolean; days?: number; out?: string }, json: boolean): Promise<void> {
  if (!fs.existsSync(requestFile)) throw new FedcreditError('NOT_FOUND', `${requestFile} does not exist: pass the request.csr the party made with \`fedcredit tls request\``);
  const signed = await signRequest(federationDir, fs.readFileSync(requestFile, 'utf8'), requestFile, { add: opts.add, ...(opts.days ? { days: opts.days } : {}) });
  const out = opts.out ?? path.join(path.dirname(requestFile), 'request.crt');
  fs.writeFileSync(out, signed.certPem, { mode: 0o644 });
  const { party } = signed;
  emit(json, { certificate: out, renewal: signed.renewal, ...party }, () => [
    `signed ${party.role}/${party.name} (${signed.renewal ? 'renewal' : 'new party'}): serial ${party.serial}, valid until ${party.notAfter}${party.hosts.length ? `, serves as ${party.hosts.join(', ')}` : ''}`,
    `  certificate: ${out}`,
    `Give the party ${out}, ca/ca.crt and ca/${REVOCATION_FILE}; it runs \`fedcredit tls install --tls <its folder> --cert <file> --ca ca.crt --crl ${REVOCATION_FILE}\`.`,
  ].join('\n'));
}
