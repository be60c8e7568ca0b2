#!/usr/bin/env node
/**
 * The `fedcredit` command: one CLI with a subcommand per role.
 */
import { Command } from 'commander';
import { registerAuditCommands } from '../auditor/cli.js';
import { registerConsentCommands } from '../consent/cli.js';
import { registerAlignCommand } from '../alignment/cli.js';
import { registerTrainingCommands } from '../training/cli.js';
import { registerCoordinatorCommands } from '../coordinator/cli.js';
import { registerNodeCommands } from '../node/cli.js';
import { registerSimCommands } from '../sim/cli.js';
import { registerDemoCommand } from './demo.js';
import { registerScoreCommands } from '../requester/cli.js';
import { registerMonitorCommands } from '../requester/monitor-cli.js';
import { registerInitCommand } from '../lib/init-cli.js';
import { registerCertificateCommands } from '../lib/cert-cli.js';
import { registerConsoleCommands } from '../console/cli.js';
import { expandConsoleConfig } from '../console/config.js';
import { expandServeConfig } from '../lib/party-config.js';
import { FedcreditError } from '../lib/errors.js';
import { jsonRequested } from '../lib/cli-output.js';

const program = new Command();
program
  .name('fedcredit')
  .description('Privacy-preserving federated data exchange for enterprise credit scoring.\n' +
    'Data nodes keep raw records at their site; the coordinator aligns, trains and scores without seeing them.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  // A usage error (missing or invalid option) under --json is JSON on stdout too, like any other failure.
  .configureOutput({
    outputError: (text, write) => {
      if (jsonRequested()) process.stdout.write(`${JSON.stringify({ error: { code: 'BAD_REQUEST', message: text.replace(/^error: /, '').trim() } }, null, 2)}\n`);
      write(text);
    },
  });

registerInitCommand(program);
registerCertificateCommands(program);
registerNodeCommands(program);
registerCoordinatorCommands(program);
registerAuditCommands(program);
registerConsentCommands(program);
registerSimCommands(program);
registerAlignCommand(program);
registerScoreCommands(program);
registerMonitorCommands(program);
registerTrainingCommands(program);
registerDemoCommand(program);
registerConsoleCommands(program);

let argv: string[];
try {
  // `serve --config FILE`: the file's settings become flags ahead of the command line's own (lib/party-config.ts).
  argv = expandConsoleConfig(expandServeConfig(process.argv));
} catch (err) {
  if (!(err instanceof FedcreditError)) throw err;
  if (jsonRequested()) process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message } }, null, 2)}\n`);
  process.stderr.write(`error [${err.code}]: ${err.message}\n`);
  process.exit(1);
}
await program.parseAsync(argv);
