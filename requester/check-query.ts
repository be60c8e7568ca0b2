/**
 * `fedcredit requester check-query FILE`: checks a signed query offline against its consent and
 * the bank's own keys (consent/query-check.ts), so an integrator writing its own client can
 * find a wrong field or byte without sending the query: every query the coordinator refuses is
 * logged as a refusal about the enterprise. Contacts nobody; reads the key folder, never
 * creates keys in it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { identityFromPem } from '../crypto/identity.js';
import { checkSignedQuery } from '../consent/query-check.js';
import { emit, runCommand } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';

function readInput(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new FedcreditError('BAD_REQUEST', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check the path`);
  }
}

export function registerCheckQueryCommand(requester: Command): void {
  requester.command('check-query <file>')
    .description('check a signed query (JSON file) offline against the consent and your keys; nothing is sent, so nothing is logged as a refusal')
    .option('--consent <file>', 'the consent the query is for (checks id, subject, requester, purpose, operation, sites, validity, the enterprise\'s signature)')
    .option('--keys <dir>', 'your key folder: checks requester.key is its requester-identity.pem')
    .option('--name <name>', 'your federation name (your certificate\'s): checks requester.name')
    .option('--signed-bytes <file>', 'the exact bytes your code signed: shows the first byte where they differ from what must be signed')
    .option('--json', 'print the report as JSON (with the bytes to sign, hex)')
    .action((file: string, flags: { consent?: string; keys?: string; name?: string; signedBytes?: string; json?: boolean }) => runCommand(async () => {
      let requesterKey: Uint8Array | undefined;
      if (flags.keys) {
        const pem = path.join(flags.keys, 'requester-identity.pem');
        if (!fs.existsSync(pem)) throw new FedcreditError('BAD_REQUEST', `${pem} does not exist: give the folder \`fedcredit requester keygen\` wrote your keys to`);
        requesterKey = identityFromPem(fs.readFileSync(pem, 'utf8')).publicKey;
      }
      const report = checkSignedQuery(readInput(file, 'query').toString('utf8'), {
        ...(flags.consent ? { consent: readInput(flags.consent, 'consent').toString('utf8') } : {}),
        ...(requesterKey ? { requesterKey } : {}),
        ...(flags.name !== undefined ? { requesterName: flags.name } : {}),
        ...(flags.signedBytes ? { signedBytes: new Uint8Array(readInput(flags.signedBytes, 'signed bytes')) } : {}),
      });
      const failed = report.checks.filter((c) => !c.ok).length;
      emit(Boolean(flags.json), report, () => [
        ...report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`),
        failed === 0
          ? `the query passes every offline check${flags.consent ? '' : ' (give --consent to check it against the consent too)'}; revocations, uses and replays are checked only by the federation. Nothing was sent.`
          : `${failed} problem${failed === 1 ? '' : 's'}; nothing was sent, so nothing was logged.`,
      ].join('\n'));
      if (failed > 0) process.exitCode = 1;
    }));
}
