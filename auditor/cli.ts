/**
 * `fedcredit audit ...`: verify the federation's transparency log (log/audit/verify.ts) and list
 * its entries, all or those about one enterprise, as a table, CSV or JSON (log/audit/entries.ts,
 * auditor/entries-view.ts).
 */
import type { Command } from 'commander';
import { emit, positiveInt, runCommand } from '../lib/cli-output.js';
import { auditVerify, type AuditSummary } from '../log/audit/verify.js';
import { entriesAbout } from '../log/audit/entries.js';
import { FedcreditError } from '../lib/errors.js';
import { parseTimeFlag } from '../lib/cli-format.js';
import { entryRow, formatEntriesCsv, formatEntriesTable, KIND_WORDS, matchesFilter, type EntryFilter } from './entries-view.js';
import { verifyReceiptFile } from '../log/audit/receipt.js';
import { loadTrustedRegistrarsFile } from '../log/audit/trust.js';
import { TRUSTED_REGISTRARS_ENV } from '../scoring/protocol.js';
import { resolveTransport, withTransportOptions, type TransportFlags } from '../lib/tls.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('verify the transparency log as an auditor, or list the entries about an enterprise');

  withTransportOptions(audit.command('verify'))
    .description('verify the newest cosigned checkpoint, consistency with the last verified one, every new entry, and each node\'s served record')
    .requiredOption('--coordinator <host:port>', 'the coordinator whose log to verify')
    .requiredOption('--state <file>', 'the auditor\'s state file: pinned keys and the last verified checkpoint (created on first use)')
    .option('--quorum <n>', 'witness cosignatures required (default: every pinned witness)', positiveInt('--quorum'))
    .option('--trust <file>', 'JSON with the log key and witness keys to trust, instead of pinning them on first use')
    .option('--registrars <file>', `registrar keys trusted to bind enterprise keys (hex, one a line, as the federation's trusted-registrars; also ${TRUSTED_REGISTRARS_ENV})`)
    .option('--full', 're-check every entry and node record, not only those new since the saved state')
    .option('--json', 'print the report as JSON')
    .action((flags: TransportFlags & { coordinator: string; state: string; quorum?: number; trust?: string; registrars?: string; full?: boolean; json?: boolean }) => runCommand(async () => {
      const summary = await auditVerify({
        coordinator: flags.coordinator, transport: resolveTransport(flags), stateFile: flags.state, full: Boolean(flags.full),
        trustedRegistrars: loadTrustedRegistrarsFile(flags.registrars),
        ...(flags.quorum ? { quorum: flags.quorum } : {}), ...(flags.trust ? { trustFile: flags.trust } : {}),
      });
      emit(Boolean(flags.json), summary, () => formatAuditSummary(summary));
      if (!summary.ok) process.exitCode = 2;
    }));

  withTransportOptions(audit.command('entries'))
    .description('the log\'s entries as a table (time, kind, requester, enterprise), complete for the newest cosigned checkpoint; filter by enterprise, kind, requester and time')
    .requiredOption('--coordinator <host:port>', 'the coordinator whose log to read')
    .option('--enterprise <id>', 'only entries about this enterprise: its 18-character credit code (or its id as the nodes ingested it, in a federation aligned with --id-type any)')
    .option('--kind <kind>', `only entries of this kind: ${Object.keys(KIND_WORDS).join(', ')} (or its words, e.g. "score query")`)
    .option('--requester <name>', 'only entries asked for (or removed) by this party, e.g. bank-a')
    .option('--since <time>', 'from this time on (ISO-8601: 2026-12-04 or 2026-12-04T10:00:00Z)', parseTimeFlag('--since'))
    .option('--until <time>', 'before this time (a bare date includes that whole day)', parseTimeFlag('--until', true))
    .option('--state <file>', 'use the keys pinned by `audit verify` in this state file')
    .option('--csv', 'print CSV (RFC 4180): one row per entry with its whole body as JSON')
    .option('--json', 'print as JSON (every key in full)')
    .action((flags: TransportFlags & EntryFilter & { coordinator: string; state?: string; csv?: boolean; json?: boolean }) => runCommand(async () => {
      if (flags.csv && flags.json) throw new FedcreditError('BAD_REQUEST', 'pass --csv or --json, not both');
      if (flags.kind !== undefined && !Object.hasOwn(KIND_WORDS, flags.kind) && !Object.values(KIND_WORDS).includes(flags.kind.toLowerCase())) {
        throw new FedcreditError('BAD_REQUEST', `--kind '${flags.kind.slice(0, 40)}' is not an entry kind; use one of ${Object.keys(KIND_WORDS).join(', ')}`);
      }
      const result = await entriesAbout({
        coordinator: flags.coordinator, transport: resolveTransport(flags),
        ...(flags.enterprise !== undefined ? { enterprise: flags.enterprise } : {}), ...(flags.state ? { stateFile: flags.state } : {}),
      });
      const rows = result.entries.map(entryRow).filter((r) => matchesFilter(r, flags));
      if (flags.csv) {
        process.stdout.write(`${formatEntriesCsv(rows)}\r\n`);
        return;
      }
      emit(Boolean(flags.json), { ...result, shown: rows.length, entries: rows }, () => [
        `${rows.length} of ${result.entries.length} log entries${result.enterprise ? ` about ${result.enterprise}` : ''} (log size ${result.checkpointSize}, cosigned by ${result.cosignedBy.join(', ') || 'nobody'})${rows.length > 0 ? ':' : ''}`,
        ...(rows.length > 0 ? [formatEntriesTable(rows)] : []),
      ].join('\n'));
    }));

  audit.command('receipt')
    .description('check a score receipt offline: the query entry, its inclusion proof, the checkpoint signature and the witness cosignatures')
    .argument('<file>', 'the receipt `fedcredit score --out` wrote')
    .option('--trust <file>', 'JSON with the log key and witness keys to trust')
    .option('--state <file>', 'or: use the keys pinned by `audit verify` in this state file')
    .option('--quorum <n>', 'witness cosignatures required (default: every trusted witness)', positiveInt('--quorum'))
    .option('--json', 'print the check as JSON')
    .action((file: string, flags: { trust?: string; state?: string; quorum?: number; json?: boolean }) => runCommand(async () => {
      const check = verifyReceiptFile(file, { ...(flags.trust ? { trustFile: flags.trust } : {}), ...(flags.state ? { stateFile: flags.state } : {}), ...(flags.quorum ? { quorum: flags.quorum } : {}) });
      emit(Boolean(flags.json), check, () => (check.ok
        ? `receipt ${file}: valid: query ${check.queryId} is entry ${check.logIndex} of the log of size ${check.treeSize}, cosigned by ${check.cosignedBy.join(', ')}`
        : `receipt ${file}: INVALID\n${check.problems.map((p) => `  - ${p}`).join('\n')}`));
      if (!check.ok) process.exitCode = 2;
    }));
}

export function formatAuditSummary(s: AuditSummary): string {
  const kinds = Object.entries(s.entriesByKind).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const lines = [
    `audit of log ${s.origin} (key ${s.logKey.slice(0, 16)}...)`,
    ...s.notices.map((n) => `  note: ${n}`),
  ];
  if (s.checkpoint) {
    lines.push(
      `  checkpoint: size ${s.checkpoint.size}, root ${s.checkpoint.root}`,
      `  cosigned by ${s.checkpoint.cosignedBy.length} witnesses (${s.checkpoint.cosignedBy.join(', ') || 'none'}); quorum ${s.checkpoint.quorum}`,
      s.previousSize > 0 ? `  append-only since the checkpoint verified before (size ${s.previousSize})` : '  verified from the empty tree',
      `  ${s.newEntries} new entries: ${kinds}; ${s.signaturesChecked} entry signatures verified; root recomputed`,
      ...s.identityChanges.map((c) => `  node identity: entry ${c.index} ${c.kind} of ${c.site}${c.from ? ` from key ${c.from}` : ''}${c.to ? ` to key ${c.to}` : ''}${c.reason ? ` by ${c.by ?? 'operator'}: "${c.reason}"` : ''}`),
      `  node records (new since the last audit) matching the log: ${Object.entries(s.nodeRecords).map(([site, n]) => `${site} ${n}`).join(', ') || 'none'}${s.pendingRecords ? ` (${s.pendingRecords} newer than the checkpoint, checked next time)` : ''}`,
    );
  }
  lines.push(s.ok ? `  OK: no findings (${s.seconds.toFixed(2)} s)${s.stateSaved ? '; state saved' : ''}` : `  FAILED: ${s.findings.length} finding${s.findings.length === 1 ? '' : 's'} (${s.seconds.toFixed(2)} s); state not advanced`);
  for (const f of s.findings) lines.push(`  [${f.code}] ${f.message}`);
  return lines.join('\n');
}
