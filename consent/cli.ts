/**
 * `fedcredit consent ...`: the enterprise's tools. keygen makes its signing key (and, given the
 * registrar's key, the registrar's binding of that key to its credit code), grant signs a
 * consent for one bank, revoke withdraws one, show prints any consent record.
 *
 * Records follow the Kantara Consent Receipt v1.1 / ISO/IEC TS 27560 fields (consent/record.ts);
 * consent is specific and separate per requester and purpose as PIPL Art. 23 requires, and
 * withdrawable at any time (PIPL Art. 15). `fedcredit registrar ...` (consent/registrar-cli.ts)
 * is the registrar's side, for the demo and for registrars running fedcredit's tools.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline/promises';
import type { Command } from 'commander';
import { emit, runCommand } from '../lib/cli-output.js';
import {
  bindEnterpriseKey, encodeConsent, encodeKeyBinding, encodeRevocation, grantConsent, keyBindingEntry, MAX_USES_LIMIT, OPERATIONS,
  parseConsent, PURPOSES, revokeConsent, revocationEntry, type ConsentOperation, type ConsentPurpose, type RequesterIdentity,
} from './verify.js';
import { FedcreditError } from '../lib/errors.js';
import { describeConsent, describeRevocation } from './describe.js';
import { checkKeySubject, createKeyFile, readKeyFile, readRecordFile, writeRecordFile } from './key-files.js';
import { intBetween, month, operationList, purpose, requester, siteList, subject } from './options.js';
import { registerRegistrarCommands } from './registrar-cli.js';
import { showRecord } from './show.js';
import { parseChallengeToken, signChallenge } from './sign-in.js';
import { submitConsentRecord } from '../scoring/requester.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';

const DAY_MS = 86_400_000;
/** Five years: a consent should last no longer than its purpose needs (PIPL Art. 19). */
const MAX_VALID_DAYS = 1830;

export function registerConsentCommands(program: Command): void {
  const consent = program.command('consent').description('the enterprise\'s consent tools: keys, grant, revoke, show');

  consent.command('keygen')
    .description('create the enterprise\'s signing key in DIR (enterprise.key, owner-only; enterprise.json, public); with --registrar-key also the registrar\'s binding of the key to the credit code (binding.json)')
    .requiredOption('--out <dir>', 'folder for the key files (created owner-only)')
    .requiredOption('--subject <id>', 'the enterprise\'s 18-character unified social credit code (or its id as the nodes ingested it, in a federation aligned with --id-type any)', subject)
    .option('--registrar-key <file>', 'the registrar\'s private key file, to bind the new key right away (demo; a real registrar binds after checking the enterprise\'s papers)')
    .option('--json', 'print the result as JSON')
    .action((flags: { out: string; subject: string; registrarKey?: string; json?: boolean }) => runCommand(async () => {
      // Read the registrar key first: a failure then leaves no half-made key folder behind.
      const registrar = flags.registrarKey ? readKeyFile(flags.registrarKey, 'registrar key') : undefined;
      fs.mkdirSync(flags.out, { recursive: true, mode: 0o700 });
      const keyFile = path.join(flags.out, 'enterprise.key');
      const identity = createKeyFile(keyFile);
      const enterpriseKey = Buffer.from(identity.publicKey).toString('hex');
      const publicFile = path.join(flags.out, 'enterprise.json');
      writeRecordFile(publicFile, JSON.stringify({ subject: flags.subject, enterpriseKey }));
      const result: Record<string, unknown> = { subject: flags.subject, enterpriseKey, keyFile, publicFile };
      if (registrar) {
        const binding = bindEnterpriseKey(registrar, flags.subject, identity.publicKey);
        const bindingFile = path.join(flags.out, 'binding.json');
        writeRecordFile(bindingFile, encodeKeyBinding(binding));
        Object.assign(result, { bindingFile, registrarKey: binding.registrarKey, logEntry: keyBindingEntry(binding) });
      }
      emit(Boolean(flags.json), result, () => [
        `enterprise key for ${flags.subject}: ${enterpriseKey}`,
        `  private key: ${keyFile} (owner-only; keep it safe: it signs consents in the enterprise's name)`,
        `  public:      ${publicFile}`,
        registrar
          ? `  bound by registrar ${String(result['registrarKey']).slice(0, 16)}...: ${String(result['bindingFile'])} (submit it to the federation's log)`
          : '  not bound yet: give the public key to the registrar (fedcredit registrar bind), or rerun with --registrar-key',
      ].join('\n'));
    }));

  consent.command('grant')
    .description('sign a consent letting one bank obtain a joint score about the enterprise (PIPL Art. 23 separate consent)')
    .requiredOption('--key <file>', 'the enterprise\'s private key (enterprise.key)')
    .requiredOption('--subject <id>', 'the enterprise\'s credit code (or its id as ingested, --id-type any federations)', subject)
    .requiredOption('--requester <name:keyhex>', 'the bank allowed to ask: its name and Ed25519 public key in hex, e.g. "Bank of Fuzhou:3b6a27bc..."', requester)
    .requiredOption('--holders <sites>', 'comma-separated data holders that may provide data, e.g. tax,power,bank', siteList('--holders'))
    .requiredOption('--purpose <purpose>', `one of ${PURPOSES.join(', ')}`, purpose)
    .requiredOption('--valid-days <n>', `days the consent is valid from now (1-${MAX_VALID_DAYS})`, intBetween('--valid-days', 1, MAX_VALID_DAYS))
    .requiredOption('--max-uses <n>', `queries the consent covers (1-${MAX_USES_LIMIT})`, intBetween('--max-uses', 1, MAX_USES_LIMIT))
    .requiredOption('--out <file>', 'where to write the signed consent (given to the bank)')
    .option('--sources <sites>', 'data holders whose data may be used (default: all holders)', siteList('--sources'))
    .option('--operations <ops>', `comma-separated, of ${OPERATIONS.join(', ')} (default: score)`, operationList)
    .option('--data-from <YYYY-MM>', 'first month of records that may be used (default: 35 months before this one; each site reads up to 24 months before its features\' as-of month)', month('--data-from'))
    .option('--data-to <YYYY-MM>', 'last month of records that may be used (default: this month)', month('--data-to'))
    .option('--json', 'print the consent as JSON')
    .action((flags: GrantFlags) => runCommand(async () => {
      const identity = readKeyFile(flags.key, 'enterprise key');
      checkKeySubject(flags.key, identity, flags.subject);
      const issuedAt = Date.now();
      let dataWindow: { from: string; to: string } | undefined;
      if (flags.dataFrom || flags.dataTo) {
        const now = new Date(issuedAt);
        const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
        dataWindow = { from: flags.dataFrom ?? flags.dataTo ?? thisMonth, to: flags.dataTo ?? thisMonth };
      }
      const consent = grantConsent(identity, {
        subject: flags.subject, requester: flags.requester, dataHolders: flags.holders, purpose: flags.purpose,
        validForMs: flags.validDays * DAY_MS, maxUses: flags.maxUses,
        ...(flags.sources ? { sources: flags.sources } : {}), ...(flags.operations ? { operations: flags.operations } : {}),
        ...(dataWindow ? { dataWindow } : {}),
      }, { issuedAt });
      writeRecordFile(flags.out, encodeConsent(consent));
      emit(Boolean(flags.json), consent, () => [
        ...describeConsent(consent),
        `written to ${flags.out}: give it to ${consent.requester.name}; withdraw it any time with \`fedcredit consent revoke\``,
      ].join('\n'));
    }));

  consent.command('revoke')
    .description('withdraw a consent: sign a revocation to submit to the federation\'s log (every node then refuses the consent)')
    .requiredOption('--key <file>', 'the enterprise\'s private key (the one that signed the consent, or its registered successor)')
    .requiredOption('--consent <file>', 'the consent to withdraw')
    .requiredOption('--out <file>', 'where to write the signed revocation')
    .option('--json', 'print the revocation and its log entry as JSON')
    .action((flags: { key: string; consent: string; out: string; json?: boolean }) => runCommand(async () => {
      const identity = readKeyFile(flags.key, 'enterprise key');
      const parsed = parseConsent(readRecordFile(flags.consent, 'consent'));
      if (!parsed.ok) throw new FedcreditError('CONSENT_MALFORMED', `${flags.consent}: ${parsed.message}`);
      const revocation = revokeConsent(identity, parsed.value);
      writeRecordFile(flags.out, encodeRevocation(revocation));
      const otherKey = revocation.signerKey !== parsed.value.signerKey;
      emit(Boolean(flags.json), { revocation, logEntry: revocationEntry(revocation) }, () => [
        ...describeRevocation(revocation),
        ...(otherKey ? [`  note: signed with another key than the consent's; it takes effect only where that key is registered for ${revocation.subject}`] : []),
        `written to ${flags.out}: submit it to the federation's log; nodes refuse the consent once they see it`,
      ].join('\n'));
    }));

  consent.command('show')
    .description('print a consent, revocation or key binding and check its signature')
    .argument('<file>', 'a consent, revocation or binding file')
    .option('--registrar <keyhex>', 'for a binding: also check it is signed by this registrar key')
    .option('--json', 'print the record and the check as JSON')
    .action((file: string, flags: { registrar?: string; json?: boolean }) => runCommand(async () => {
      const shown = showRecord(readRecordFile(file, 'record'), flags.registrar);
      emit(Boolean(flags.json), { kind: shown.kind, record: shown.record, signature: shown.signature }, () => [
        ...shown.lines,
        `  signature:    ${shown.signature.ok ? 'valid' : 'INVALID'} (${shown.signature.detail})`,
      ].join('\n'));
      if (!shown.signature.ok) process.exitCode = 2;
    }));

  registerConsentSubmit(consent);
  registerConsentSignIn(consent);
  registerRegistrarCommands(program);
}

interface GrantFlags {
  key: string;
  subject: string;
  requester: RequesterIdentity;
  holders: string[];
  purpose: ConsentPurpose;
  validDays: number;
  maxUses: number;
  out: string;
  sources?: string[];
  operations?: ConsentOperation[];
  dataFrom?: string;
  dataTo?: string;
  json?: boolean;
}

/** `fedcredit consent submit FILE --coordinator HOST:PORT`: log a key binding or revocation. */
function registerConsentSubmit(consent: Command): void {
  withTransportOptions(consent.command('submit'))
    .description('submit a key binding (registrar-signed) or a revocation (enterprise-signed) to the federation\'s log; every node applies it from the log')
    .argument('<file>', 'binding.json or a revocation file')
    .requiredOption('--coordinator <host:port>', 'the coordinator')
    .option('--json', 'print as JSON')
    .action((file: string, flags: TransportFlags & { coordinator: string; json?: boolean }) => runCommand(async () => {
      const res = await submitConsentRecord(flags.coordinator, resolveTransport(flags), fs.readFileSync(file, 'utf8').trim());
      emit(Boolean(flags.json), res, () => (res.isNew ? `logged ${res.kind} as entry ${res.logIndex}` : `the log already holds this ${res.kind}`));
    }));
}

/**
 * `fedcredit consent sign-in --key enterprise.key --challenge TOKEN`: sign a web console's
 * sign-in challenge (consent/sign-in.ts, docs/design/console.md 3.3). Shows the console's origin
 * and the credit code first and asks (unless --yes), since signing lets whoever holds that
 * console page read the enterprise's log entries and revoke its consents with further signatures.
 */
function registerConsentSignIn(consent: Command): void {
  consent.command('sign-in')
    .description('sign a web console\'s sign-in challenge with the enterprise\'s registered key; prints the response to paste into the console')
    .requiredOption('--key <file>', 'the enterprise\'s private key (enterprise.key, the one the registrar bound)')
    .requiredOption('--challenge <token>', 'the challenge token the console showed')
    .option('--yes', 'do not ask for confirmation')
    .action((flags: { key: string; challenge: string; yes?: boolean }) => runCommand(async () => {
      const parsed = parseChallengeToken(flags.challenge);
      if (!parsed.ok) throw new FedcreditError('BAD_REQUEST', parsed.message);
      const c = parsed.challenge;
      const identity = readKeyFile(flags.key, 'enterprise key');
      checkKeySubject(flags.key, identity, c.subject);
      if (c.expires <= Date.now()) throw new FedcreditError('BAD_REQUEST', `the challenge expired at ${new Date(c.expires).toISOString()}; ask the console for a new one`);
      process.stderr.write(`sign in to the console at ${c.origin}\n  as enterprise ${c.subject}\n  challenge expires ${new Date(c.expires).toISOString()}\n`);
      if (!flags.yes) {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        let answer: string;
        try {
          answer = await rl.question('Is this the console you opened yourself? Sign in [y/N] ');
        } finally {
          rl.close();
        }
        if (!/^y(es)?$/i.test(answer.trim())) throw new FedcreditError('BAD_REQUEST', 'not signed: you did not confirm (answer y, or pass --yes)');
      }
      process.stdout.write(`${signChallenge(identity, c)}\n`);
    }));
}
