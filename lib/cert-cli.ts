/**
 * `fedcredit tls ...` (a party: request, renew, install, status) and `fedcredit ca ...` (the CA
 * owner: sign, revoke, crl). The party's private key never leaves its folder; the CA owner sees
 * only the request (lib/cert-request.ts, lib/ca-owner.ts, README "Certificates").
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, positiveInt, runCommand } from './cli-output.js';
import { FedcreditError } from './errors.js';
import { refreshRevocationList, revokeCertificate } from './ca-owner.js';
import {
  certifiedNames, createCertificateRequest, installCertificate, REQUEST_FILES, writeCertificateRequest,
} from './cert-request.js';
import { DAY_MS, PARTY_ROLES, TLS_FILES, type PartyRole } from './federation-ca.js';
import { signAndWrite } from './init-cli.js';
import { normalSerial, readRevocationList, REVOCATION_FILE } from './revocation.js';
import { RENEW_WARNING_DAYS } from './tls.js';

function repeat(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)];
}

function role(value: string): PartyRole {
  if (!(PARTY_ROLES as readonly string[]).includes(value)) throw new FedcreditError('BAD_REQUEST', `--role must be one of ${PARTY_ROLES.join(', ')}, not '${value}'`);
  return value as PartyRole;
}

function nextSteps(dir: string, csr: string): string {
  return [
    `Give ${csr} to the CA owner (it holds no secret). The key ${path.join(dir, REQUEST_FILES.key)} (mode 0600) stays here.`,
    `The CA owner runs \`fedcredit ca sign ${path.basename(csr)} --dir <federation>\` and sends back the certificate, ca.crt and ${REVOCATION_FILE};`,
    `then run \`fedcredit tls install --tls ${dir} --cert <certificate> --ca ca.crt --crl ${REVOCATION_FILE}\`.`,
  ].join('\n');
}

export function registerCertificateCommands(program: Command): void {
  const tls = program.command('tls').description('this party\'s TLS certificate: make a key and request, renew, install, check');

  tls.command('request')
    .description('make this party\'s own TLS key (never leaves DIR) and a certificate request for the CA owner')
    .requiredOption('--party <name>', 'the party\'s name (lowercase letters, digits, -), e.g. tax or bank-b')
    .requiredOption('--role <role>', `its role: ${PARTY_ROLES.join(', ')}`)
    .requiredOption('--out <dir>', 'the party\'s TLS folder (created 0700); request.key and request.csr are written there')
    .option('--host <host>', 'DNS name or IP address a server (coordinator, site) is dialled on (repeatable; loopback is always added)', repeat, [])
    .option('--json', 'print as JSON')
    .action((flags: { party: string; role: string; out: string; host: string[]; json?: boolean }) => runCommand(async () => {
      const request = await createCertificateRequest({ role: role(flags.role), name: flags.party }, flags.host);
      const written = writeCertificateRequest(flags.out, request);
      emit(Boolean(flags.json), { request: written.csr, key: written.key }, () => `request for ${flags.role}/${flags.party}: ${written.csr}\n${nextSteps(flags.out, written.csr)}`);
    }));

  tls.command('renew')
    .description('make a new key and a request for the same identity and hosts as the current certificate (install the signed one before it expires)')
    .requiredOption('--tls <dir>', 'this party\'s TLS folder (holds tls.crt)')
    .option('--host <host>', 'replace the certified hosts (repeatable); default: the current certificate\'s', repeat)
    .option('--json', 'print as JSON')
    .action((flags: { tls: string; host?: string[]; json?: boolean }) => runCommand(async () => {
      const certFile = path.join(flags.tls, TLS_FILES.cert);
      if (!fs.existsSync(certFile)) throw new FedcreditError('TLS_MATERIAL', `${certFile} is missing: renew needs the current certificate; for a first one run \`fedcredit tls request\``);
      const current = certifiedNames(fs.readFileSync(certFile));
      if (!current.identity) throw new FedcreditError('TLS_MATERIAL', `${certFile} names no fedcredit identity`);
      // A new key each time: a key that may have leaked lives no longer than one certificate.
      const request = await createCertificateRequest(current.identity, flags.host ?? current.hosts);
      const written = writeCertificateRequest(flags.tls, request);
      const daysLeft = Math.floor((current.validTo.getTime() - Date.now()) / DAY_MS);
      emit(Boolean(flags.json), { request: written.csr, key: written.key, currentSerial: normalSerial(current.serial), currentValidTo: current.validTo.toISOString(), daysLeft }, () => [
        `renewal request for ${current.identity!.role}/${current.identity!.name} (current certificate ${normalSerial(current.serial)} ends ${current.validTo.toISOString()}, ${daysLeft} days left): ${written.csr}`,
        nextSteps(flags.tls, written.csr),
        'The current key and certificate keep working until you install the new one and restart the party.',
      ].join('\n'));
    }));

  tls.command('install')
    .description('install the certificate the CA owner signed: checks it is from the CA and for the pending request.key, which becomes tls.key')
    .requiredOption('--tls <dir>', 'this party\'s TLS folder (where `tls request` or `tls renew` wrote request.key)')
    .option('--cert <file>', 'the signed certificate (default: <dir>/request.crt)')
    .option('--ca <file>', 'the federation CA certificate (default: <dir>/ca.crt)')
    .option('--crl <file>', `the CA's revocation list to install as ${REVOCATION_FILE}`)
    .option('--json', 'print as JSON')
    .action((flags: { tls: string; cert?: string; ca?: string; crl?: string; json?: boolean }) => runCommand(async () => {
      const certFile = flags.cert ?? path.join(flags.tls, 'request.crt');
      const caFile = flags.ca ?? path.join(flags.tls, TLS_FILES.ca);
      for (const f of [certFile, caFile, ...(flags.crl ? [flags.crl] : [])]) {
        if (!fs.existsSync(f)) throw new FedcreditError('NOT_FOUND', `${f} does not exist: pass --cert (the certificate the CA owner signed), --ca (ca/ca.crt) and --crl (ca/${REVOCATION_FILE})`);
      }
      const caPem = fs.readFileSync(caFile);
      if (flags.crl) readRevocationList(fs.readFileSync(flags.crl), caPem, flags.crl);
      const installed = installCertificate(flags.tls, fs.readFileSync(certFile), caPem);
      if (flags.crl) {
        const tmp = path.join(flags.tls, `.${REVOCATION_FILE}.new`);
        fs.copyFileSync(flags.crl, tmp);
        fs.renameSync(tmp, path.join(flags.tls, REVOCATION_FILE));
      }
      if (certFile === path.join(flags.tls, 'request.crt')) fs.rmSync(certFile);
      const who = `${installed.identity.role}/${installed.identity.name}`;
      emit(Boolean(flags.json), { party: who, serial: normalSerial(installed.serial), validTo: installed.validTo.toISOString(), folder: flags.tls, caSha256: installed.caSha256 }, () =>
        `installed the certificate of ${who} in ${flags.tls}: serial ${normalSerial(installed.serial)}, valid until ${installed.validTo.toISOString()}.\n` +
        `CA ${installed.caSha256}: check it against the ca.sha256 the CA owner published in federation.json, over a channel you trust.\n` +
        'Restart the party to use it. Once it runs, the CA owner may revoke the previous certificate (`fedcredit ca revoke <serial>`).');
    }));

  tls.command('status')
    .description('show this party\'s certificate: identity, serial, days left, whether the CA\'s list revokes it')
    .requiredOption('--tls <dir>', 'this party\'s TLS folder')
    .option('--json', 'print as JSON')
    .action((flags: { tls: string; json?: boolean }) => runCommand(async () => {
      const certFile = path.join(flags.tls, TLS_FILES.cert);
      if (!fs.existsSync(certFile)) throw new FedcreditError('TLS_MATERIAL', `${certFile} is missing`);
      const names = certifiedNames(fs.readFileSync(certFile));
      const crlFile = path.join(flags.tls, REVOCATION_FILE);
      const crl = fs.existsSync(crlFile) ? readRevocationList(fs.readFileSync(crlFile), fs.readFileSync(path.join(flags.tls, TLS_FILES.ca)), crlFile) : undefined;
      const serial = normalSerial(names.serial);
      const daysLeft = Math.floor((names.validTo.getTime() - Date.now()) / DAY_MS);
      const status = {
        party: names.identity ? `${names.identity.role}/${names.identity.name}` : null, serial, validTo: names.validTo.toISOString(), daysLeft,
        renewSoon: daysLeft < RENEW_WARNING_DAYS, revoked: crl ? crl.revoked.some((r) => r.serial === serial) : false,
        revocationList: crl ? { revoked: crl.revoked.length, thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate?.toISOString() ?? null } : null,
        pendingRequest: fs.existsSync(path.join(flags.tls, REQUEST_FILES.key)),
      };
      emit(Boolean(flags.json), status, () => [
        `${status.party ?? 'no fedcredit identity'}: serial ${serial}, valid until ${status.validTo} (${daysLeft} days${status.renewSoon ? ': renew now, `fedcredit tls renew`' : ''})`,
        status.revoked ? 'REVOKED by the federation CA: peers refuse this certificate; request a new one' : 'not revoked',
        crl ? `revocation list: ${crl.revoked.length} revoked, issued ${status.revocationList!.thisUpdate}` : `no ${REVOCATION_FILE} in ${flags.tls}: this party revokes nothing; install the CA's list`,
        ...(status.pendingRequest ? [`a request is pending (${REQUEST_FILES.csr}); install its certificate with \`fedcredit tls install\``] : []),
      ].join('\n'));
    }));

  const ca = program.command('ca').description('the CA owner: sign certificate requests, revoke certificates, re-sign the revocation list');

  ca.command('sign')
    .description('check a party\'s certificate request (role, name, signature) and issue its certificate with the federation CA')
    .argument('<request>', 'the request.csr a party made with `fedcredit tls request` or `tls renew`')
    .requiredOption('--dir <federation>', 'the federation folder from `fedcredit init` (holds ca/ca.key and federation.json)')
    .option('--add', 'the party is new to federation.json and joins the federation')
    .option('--days <n>', 'validity in days', positiveInt('--days'), 365)
    .option('--out <file>', 'where to write the certificate (default: request.crt next to the request)')
    .option('--json', 'print as JSON')
    .action((request: string, flags: { dir: string; add?: boolean; days: number; out?: string; json?: boolean }) => runCommand(async () => {
      await signAndWrite(flags.dir, request, { add: Boolean(flags.add), days: flags.days, ...(flags.out ? { out: flags.out } : {}) }, Boolean(flags.json));
    }));

  ca.command('revoke')
    .description(`revoke a certificate: add it to the CA's revocation list (ca/${REVOCATION_FILE}) and copy the list into every party folder under parties/`)
    .argument('<serial-or-cert>', 'the certificate\'s serial in hex (federation.json, `fedcredit tls status`) or its file')
    .requiredOption('--dir <federation>', 'the federation folder from `fedcredit init`')
    .option('--json', 'print as JSON')
    .action((target: string, flags: { dir: string; json?: boolean }) => runCommand(async () => {
      const r = await revokeCertificate(flags.dir, target);
      emit(Boolean(flags.json), r, () => [
        `${r.alreadyRevoked ? 'already revoked' : 'revoked'}: serial ${r.serial}${r.party ? ` (${r.party.role}/${r.party.name}'s current certificate)` : ''}; the list now holds ${r.revokedCount}`,
        `written to ${r.publishedTo.map((d) => path.join(d, REVOCATION_FILE)).join(', ')}`,
        `Copy ${path.join(flags.dir, 'ca', REVOCATION_FILE)} into every party's TLS folder elsewhere; each reloads it within a second.`,
      ].join('\n'));
    }));

  ca.command('crl')
    .description(`re-sign the revocation list with a new validity (do this before its nextUpdate) and copy it into the party folders`)
    .requiredOption('--dir <federation>', 'the federation folder from `fedcredit init`')
    .option('--json', 'print as JSON')
    .action((flags: { dir: string; json?: boolean }) => runCommand(async () => {
      const r = await refreshRevocationList(flags.dir);
      emit(Boolean(flags.json), r, () => `re-signed the revocation list (${r.revokedCount} revoked) into ${r.publishedTo.length} folders; copy ca/${REVOCATION_FILE} to the parties elsewhere`);
    }));
}
