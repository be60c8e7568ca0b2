/**
 * `fedcredit score` (a requester bank asks for a consented joint score) and `fedcredit
 * requester keygen` (the bank's query-signing and sealing keys). `fedcredit consent submit`
 * (consent/cli.ts registers it from here) logs a key binding or a revocation.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { emit, runCommand } from '../lib/cli-output.js';
import { parseConsent, type ConsentOperation } from '../consent/verify.js';
import { FedcreditError } from '../lib/errors.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';
import { loadExistingRequesterKeys, loadRequesterKeys } from '../scoring/requester-keys.js';
import { ScoringSession } from '../scoring/requester.js';
import { registerCheckQueryCommand } from './check-query.js';

function keysDir(flags: TransportFlags & { keys?: string }): string {
  const dir = flags.keys ?? flags.tls ?? process.env['FEDCREDIT_TLS'];
  if (!dir) throw new FedcreditError('BAD_REQUEST', 'say where the requester keys are: --keys DIR (default: the --tls folder)');
  return dir;
}

/** The consent file's text, or an error naming the file and what to do (never a raw ENOENT). */
function readConsentFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FedcreditError('NOT_FOUND', `consent file ${file} does not exist: pass --consent with the file the enterprise signed for this bank (\`fedcredit consent grant --out FILE\` writes it)`);
    if (code === 'EISDIR') throw new FedcreditError('BAD_REQUEST', `--consent ${file} is a folder: pass the consent file itself`);
    throw new FedcreditError('BAD_REQUEST', `cannot read consent file ${file} (${code ?? String(err)}): check its permissions`);
  }
  if (text.length === 0) throw new FedcreditError('BAD_REQUEST', `consent file ${file} is empty: pass the file the enterprise signed for this bank`);
  return text;
}

export function registerScoreCommands(program: Command): void {
  withTransportOptions(program.command('score'))
    .description('ask the coordinator for a consented joint score of an enterprise (requester banks)')
    .requiredOption('--coordinator <host:port>', 'the coordinator')
    .requiredOption('--enterprise <id>', 'the enterprise\'s 18-character credit code (or its id as the nodes ingested it, in a federation aligned with --id-type any)')
    .requiredOption('--consent <file>', 'the consent the enterprise signed for this bank')
    .option('--model <version>', 'model version (default: the newest)')
    .option('--operation <op>', 'score (points, grade, warning, PD; reasons too if the consent grants explain) or explain (reasons only)', 'score')
    .option('--keys <dir>', 'folder of the bank\'s query-signing and sealing keys (default: the --tls folder)')
    .option('--out <file>', 'write the receipt (log index, inclusion proof, cosigned checkpoint) here')
    .option('--receipt-wait <ms>', 'how long to wait for a cosigned checkpoint covering the query', '30000')
    .option('--json', 'print the answer as JSON')
    .action((flags: TransportFlags & { coordinator: string; enterprise: string; consent: string; model?: string; keys?: string; out?: string; receiptWait: string; json?: boolean; operation: string }) => runCommand(async () => {
      if (flags.operation !== 'score' && flags.operation !== 'explain') throw new FedcreditError('BAD_REQUEST', `--operation must be score or explain, got '${flags.operation}'`);
      const operation: ConsentOperation = flags.operation;
      const transport = resolveTransport(flags, { expectRole: 'requester' });
      const consent = readConsentFile(flags.consent);
      const session = new ScoringSession(flags.coordinator, transport, loadExistingRequesterKeys(keysDir(flags)));
      try {
        const result = await session.score({ enterprise: flags.enterprise, consent, operation, ...(flags.model ? { model: flags.model } : {}) });
        const parsed = parseConsent(consent);
        const explainGranted = parsed.ok && parsed.value.scope.operations.includes('explain');
        const receipt = flags.out ? await session.receipt(result, Number(flags.receiptWait)) : undefined;
        if (receipt && flags.out) fs.writeFileSync(flags.out, `${JSON.stringify(receipt, null, 2)}\n`);
        const { entry: _entry, answerSignature, ...shown } = result;
        // Bytes as hex: JSON.stringify of a Uint8Array is an object of indices.
        emit(Boolean(flags.json), { ...shown, answerSignature: Buffer.from(answerSignature).toString('hex'), ...(flags.out ? { receipt: flags.out } : {}) }, () => [
          result.scored
            ? `${result.enterprise}: ${result.points} points, grade ${result.grade}, warning ${result.warning} (model ${result.model}, query ${result.queryId})`
            : `${result.enterprise}: explanations only (the query asked to explain, not to score; model ${result.model}, query ${result.queryId})`,
          `  coverage: ${result.coverage.map((c) => `${c.site} ${c.covered ? 'had records' : 'no records (population baseline)'}`).join('; ')}`,
          ...(explainGranted ? [] : ['  explanations: not granted by the consent (it does not include the explain operation)']),
          ...(explainGranted ? result.explanations : []).map((e) => `  ${e.site}: ${e.reasons.length ? e.reasons.map((r) => `${r.feature} (${r.direction})`).join(', ') : e.covered ? 'no risk-increasing factor' : 'no records'}`),
          `  logged as entry ${result.logIndex}${flags.out ? `; receipt ${flags.out} (check it with \`fedcredit audit receipt ${flags.out}\`)` : ''}`,
        ].join('\n'));
      } finally {
        session.close();
      }
    }));

  const requester = program.command('requester').description('a requester bank\'s keys');
  withTransportOptions(requester.command('keygen'))
    .description('create (or show) the bank\'s query-signing key and sealing key; prints NAME:KEYHEX for `consent grant --requester`')
    .option('--keys <dir>', 'folder for the keys (default: the --tls folder)')
    .option('--name <name>', 'the bank\'s federation name (default: from its certificate)')
    .option('--json', 'print as JSON')
    .action((flags: TransportFlags & { keys?: string; name?: string; json?: boolean }) => runCommand(async () => {
      const dir = keysDir(flags);
      const keys = loadRequesterKeys(dir);
      let name = flags.name;
      if (!name) {
        try {
          const t = resolveTransport(flags, { expectRole: 'requester' });
          if (t.kind === 'tls') name = t.material.identity.name;
        } catch { /* no certificate: the name must be given */ }
      }
      if (!name) throw new FedcreditError('BAD_REQUEST', 'give --name or --tls: consents must name the bank as its certificate does');
      const key = Buffer.from(keys.identity.publicKey).toString('hex');
      emit(Boolean(flags.json), { name, key, requester: `${name}:${key}`, sealingKey: Buffer.from(keys.sealing.publicKey).toString('hex'), dir }, () =>
        `requester ${name}: give the enterprise --requester ${name}:${key}\n  keys in ${dir} (requester-identity.pem, requester-sealing.key)`);
    }));
  registerCheckQueryCommand(requester);
}
