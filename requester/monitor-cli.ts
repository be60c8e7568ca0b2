/**
 * `fedcredit monitor ...`: a bank's post-loan monitoring (issue 21, docs/design/monitoring.md
 * section 7): its portfolios (create, add, remove, list), the stream of changes (watch), and
 * runs (run, runs, report). Wires the Monitoring service (proto/clients.ts) to the command
 * line; the protocol is in monitoring/ (instructions signed here with the bank's query-signing
 * key, monitoring/instruction.ts; the watch client monitoring/requester.ts).
 *
 * `remove` signs a remove instruction, which names the consent's id and hash: it reads the
 * consents the bank added (--consent / --consents), as `add` does, and picks each --enterprise's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { emit, positiveInt, runCommand, waitForSignal } from '../lib/cli-output.js';
import { parseConsent } from '../consent/verify.js';
import type { Consent } from '../consent/record.js';
import { FedcreditError, isErrorCode } from '../lib/errors.js';
import { call, fromServiceError } from '../lib/grpc.js';
import { resolveTransport, withTransportOptions, type Transport, type TransportFlags } from '../lib/tls.js';
import { monitoringClient } from '../proto/clients.js';
import { loadExistingRequesterKeys } from '../scoring/requester-keys.js';
import { signSealingKey } from '../scoring/protocol.js';
import { addItems, ITEMS_PER_CALL, sendPortfolioUpdate, signItem, type PortfolioItemUpdate } from '../monitoring/portfolio-update.js';
import { checkPortfolioName } from '../monitoring/portfolio-store.js';
import { rescoreReceiptFile, WatchSession, type WatchedEvent } from '../monitoring/requester.js';
import type { MonitoringClient } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { PortfolioItemResult__Output } from '../proto/gen/fedcredit/v1/PortfolioItemResult.js';
import type { PortfolioItem__Output } from '../proto/gen/fedcredit/v1/PortfolioItem.js';
import type { RunProgress__Output } from '../proto/gen/fedcredit/v1/RunProgress.js';

export { ITEMS_PER_CALL };
const WARNINGS = ['none', 'blue', 'yellow', 'red'];
const STATUSES = ['active', 'skipped', 'removed'];

type Flags = TransportFlags & { coordinator: string; keys?: string; json?: boolean };

function keysDir(flags: Flags): string {
  const dir = flags.keys ?? flags.tls ?? process.env['FEDCREDIT_TLS'];
  if (!dir) throw new FedcreditError('BAD_REQUEST', 'say where the requester keys are: --keys DIR (default: the --tls folder)');
  return dir;
}

function common(c: Command, keys = false): Command {
  withTransportOptions(c).requiredOption('--coordinator <host:port>', 'the coordinator').option('--json', 'print as JSON');
  return keys ? c.option('--keys <dir>', 'folder of the bank\'s query-signing and sealing keys (default: the --tls folder)') : c;
}

/** A portfolio name argument: refused by the parser (usage error, exit 1) naming the rule. */
function portfolioName(name: string): string {
  try {
    checkPortfolioName(name);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return name;
}

/** A client, closed after the body. */
/** `who`: 'requester' (a bank's command) or 'any' (run, runs, report: also the coordinator's operator). */
async function withClient<T>(flags: Flags, body: (client: MonitoringClient, transport: Transport) => Promise<T>, who: 'requester' | 'any' = 'requester'): Promise<T> {
  const transport = resolveTransport(flags, who === 'requester' ? { expectRole: 'requester' } : {});
  const client = monitoringClient(flags.coordinator, transport);
  try {
    return await body(client, transport);
  } finally {
    client.close();
  }
}

function bankName(transport: Transport): string {
  if (transport.kind !== 'tls') throw new FedcreditError('BAD_REQUEST', 'monitoring needs --tls: a portfolio belongs to the bank its certificate names');
  return transport.material.identity.name;
}

/** The consents named by --consent FILE... and --consents DIR (its *.json files), parsed; refuses an unreadable one naming it. */
export function readConsents(files: readonly string[] | undefined, dir: string | undefined): { file: string; text: string; consent: Consent }[] {
  const all = [...(files ?? [])];
  if (dir !== undefined) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'is not a folder (use --consent FILE for a file)' : 'cannot be read';
      throw new FedcreditError('NOT_FOUND', `--consents ${dir} ${why}: pass the folder holding the consents (*.json) the enterprises signed for this bank`);
    }
    if (names.length === 0) throw new FedcreditError('NOT_FOUND', `--consents ${dir} holds no *.json consent files`);
    all.push(...names.map((n) => path.join(dir, n)));
  }
  if (all.length === 0) throw new FedcreditError('BAD_REQUEST', 'name the consents: --consent FILE... or --consents DIR');
  return all.map((file) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8').trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder (use --consents DIR for a folder)' : `cannot be read (${code ?? String(err)}: check its permissions)`;
      throw new FedcreditError('NOT_FOUND', `consent file ${file} ${why}: pass the files the enterprises signed for this bank (\`fedcredit consent grant --purpose loan-monitoring --out FILE\` writes one)`);
    }
    const parsed = parseConsent(text);
    if (!parsed.ok) throw new FedcreditError('BAD_REQUEST', `${file} is not a consent: ${parsed.message}`);
    return { file, text, consent: parsed.value };
  });
}

/** Sends adds or removes 1,000 a call (monitoring/portfolio-update.ts); progress on stderr when there is more than one call. */
function update(client: MonitoringClient, portfolio: string, items: readonly PortfolioItemUpdate[]): Promise<PortfolioItemResult__Output[]> {
  return sendPortfolioUpdate(client, portfolio, items, (sent, total, refused) => process.stderr.write(`portfolio ${portfolio}: ${sent}/${total} sent, ${refused} refused so far\n`));
}

function reportResults(flags: Flags, portfolio: string, verb: string, results: readonly PortfolioItemResult__Output[]): void {
  const refused = results.filter((r) => !r.ok);
  emit(Boolean(flags.json), { portfolio, results: results.map((r) => ({ subject: r.subject, ok: r.ok, ...(r.ok ? { logIndex: Number(r.logIndex) } : { code: r.code, message: r.message }) })) }, () => [
    `portfolio ${portfolio}: ${results.length - refused.length} of ${results.length} ${verb}`,
    ...refused.map((r) => `  ${r.subject}: refused [${r.code}] ${r.message}`),
  ].join('\n'));
  if (refused.length > 0) {
    process.stderr.write(`error [${refused[0]!.code}]: ${refused.length} of ${results.length} refused (listed above): fix each as its message says and run the command again for those\n`);
    process.exitCode = 1;
  }
}

function itemLine(i: PortfolioItem__Output): string {
  const last = i.last ? `${i.last.points} points, grade ${i.last.grade}, warning ${i.last.warning} (as of ${i.last.asOf})` : 'not re-scored yet';
  return `  ${i.subject}  ${i.status.padEnd(8)}  ${last}; consent ${i.consentId}, ${i.usesLeft} months left`;
}

/** The line of an events file with this id, or an error saying what is there instead. */
function findEvent(file: string, id: string): WatchedEvent {
  if (!/^[1-9]\d*$/.test(id)) throw new FedcreditError('BAD_REQUEST', `--event must be an event id (a positive whole number), got '${id.slice(0, 24)}'`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new FedcreditError('NOT_FOUND', `--events ${file} cannot be read (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (err as NodeJS.ErrnoException).code ?? String(err)}): pass the file \`fedcredit monitor watch --out\` writes`);
  }
  for (const l of text.split('\n')) {
    if (!l.includes(`"eventId":"${id}"`)) continue;
    const line = JSON.parse(l) as WatchedEvent;
    if (line.eventId === id) return line;
  }
  throw new FedcreditError('NOT_FOUND', `${file} holds no event ${id}`);
}

export function eventText(e: WatchedEvent): string {
  const ev = e as WatchedEvent & { subject?: string; previous?: { grade: string; warning: string; points: number }; current?: { grade: string; warning: string; points: number }; direction?: string; skipCode?: string; runId: string; run?: { scored: number; skipped: number; changed: number } };
  const head = `#${e.eventId} ${e.kind}`;
  const errors = (e.errors ?? []).map((x) => `\n    ${x.site}: explanation refused [${x.code}] ${x.message}`).join('');
  const reasons = (e.explanations ?? []).filter((x) => x.reasons.length).map((x) => `\n    ${x.site}: ${x.reasons.map((r) => `${r.feature} (${r.direction})`).join(', ')}`).join('');
  switch (e.kind) {
    case 'change': return `${head} ${ev.subject}: grade ${ev.previous?.grade} -> ${ev.current?.grade}, warning ${ev.previous?.warning} -> ${ev.current?.warning} (${ev.direction}, ${ev.previous?.points} -> ${ev.current?.points} points)${reasons}${errors}`;
    case 'resumed': return `${head} ${ev.subject}: re-scored again: ${ev.current?.points} points, grade ${ev.current?.grade}, warning ${ev.current?.warning}${reasons}${errors}`;
    case 'skip': return `${head} ${ev.subject}: skipped [${ev.skipCode}]`;
    default: return `${head} run ${ev.runId}: ${ev.run?.scored ?? 0} scored, ${ev.run?.skipped ?? 0} skipped, ${ev.run?.changed ?? 0} changed`;
  }
}

const progressText = (p: RunProgress__Output): string => `run ${p.runId}: ${p.stage}, batch ${p.batchesDone}/${p.batches}, ${p.scored} scored, ${p.skipped} skipped, ${p.changed} changed (${p.elapsedSeconds.toFixed(1)} s)`;

export function registerMonitorCommands(program: Command): void {
  const monitor = program.command('monitor').description('post-loan monitoring: a bank\'s portfolios of consented enterprises, re-scored monthly, and the changes pushed to it');
  const portfolio = monitor.command('portfolio').description('the bank\'s portfolios');

  common(portfolio.command('create').argument('<name>', 'portfolio name: 1-32 lowercase letters, digits and -', portfolioName), true)
    .description('create a portfolio for one model; explanations are sealed to the bank\'s sealing key')
    .requiredOption('--model <version>', 'the model to re-score with')
    .option('--schedule <cron>', 'its own run schedule, 5-field UTC cron (default: the coordinator\'s)')
    .action((name: string, flags: Flags & { model: string; schedule?: string }) => runCommand(() => withClient(flags, async (client, transport) => {
      const keys = loadExistingRequesterKeys(keysDir(flags));
      const signature = signSealingKey(keys.identity, bankName(transport), keys.sealing.publicKey);
      const r = await call(client, client.CreatePortfolio, { portfolio: name, modelVersion: flags.model, sealingKey: Buffer.from(keys.sealing.publicKey), sealingKeySignature: Buffer.from(signature), schedule: flags.schedule ?? '' });
      emit(Boolean(flags.json), { portfolio: r.portfolio, logIndex: Number(r.logIndex) }, () => `portfolio ${r.portfolio} created for model ${flags.model} (log entry ${r.logIndex}); add enterprises with \`fedcredit monitor portfolio add ${r.portfolio} --consents DIR\``);
    })));

  common(portfolio.command('add').argument('<name>', 'the portfolio', portfolioName), true)
    .description(`add enterprises under their loan-monitoring consents (each instruction signed with the bank's query-signing key; ${ITEMS_PER_CALL} per call)`)
    .option('--consent <files...>', 'consent files the enterprises signed for this bank (purpose loan-monitoring)')
    .option('--consents <dir>', 'a folder of consent files (*.json)')
    .action((name: string, flags: Flags & { consent?: string[]; consents?: string }) => runCommand(() => withClient(flags, async (client) => {
      const consents = readConsents(flags.consent, flags.consents);
      const keys = loadExistingRequesterKeys(keysDir(flags));
      const items = addItems(keys, name, consents.map((c) => ({ source: c.file, text: c.text, consent: c.consent })));
      reportResults(flags, name, 'added', await update(client, name, items));
    })));

  common(portfolio.command('remove').argument('<name>', 'the portfolio', portfolioName), true)
    .description('remove enterprises (a signed remove instruction each, naming the consent they were added under)')
    .requiredOption('--enterprise <codes...>', 'credit codes to remove')
    .option('--consent <files...>', 'the consent files the enterprises were added with')
    .option('--consents <dir>', 'the folder of consent files they were added with')
    .action((name: string, flags: Flags & { enterprise: string[]; consent?: string[]; consents?: string }) => runCommand(() => withClient(flags, async (client) => {
      const consents = readConsents(flags.consent, flags.consents);
      const keys = loadExistingRequesterKeys(keysDir(flags));
      const items = flags.enterprise.map((code) => {
        const c = consents.find((x) => x.consent.subject === code);
        if (!c) throw new FedcreditError('NOT_FOUND', `no consent of ${code} among the consents given: pass --consent FILE or --consents DIR with the consent it was added under (the remove instruction names it)`);
        const s = signItem(keys, c.consent, 'remove', name, c.file);
        return { removes: { subject: code, instruction: Buffer.from(s.text), signature: Buffer.from(s.signature) } };
      });
      reportResults(flags, name, 'removed', await update(client, name, items));
    })));

  common(portfolio.command('list').argument('[name]', 'a portfolio: its items (default: every portfolio, counts only)'))
    .description('the bank\'s portfolios, or one portfolio\'s items with their last re-score')
    .addOption(new Option('--warning <level>', 'only items whose last warning is this').choices(WARNINGS))
    .addOption(new Option('--status <status>', 'only items of this status').choices(STATUSES))
    .action((name: string | undefined, flags: Flags & { warning?: string; status?: string }) => runCommand(() => withClient(flags, async (client) => {
      if (name === undefined) {
        if (flags.warning || flags.status) throw new FedcreditError('BAD_REQUEST', '--warning and --status filter one portfolio\'s items: name the portfolio (`monitor portfolio list NAME --warning red`)');
        const r = await call(client, client.ListPortfolios, {});
        emit(Boolean(flags.json), { portfolios: r.portfolios }, () => r.portfolios.length === 0 ? 'no portfolios yet: create one with `fedcredit monitor portfolio create NAME --model V`'
          : r.portfolios.map((p) => `${p.requester}/${p.portfolio}: model ${p.modelVersion}, ${p.items} items (${p.active} active, ${p.skipped} skipped)${p.lastRunId ? `, last run ${p.lastRunId}` : ''}`).join('\n'));
        return;
      }
      checkPortfolioName(name);
      const items: PortfolioItem__Output[] = [];
      let pageToken = '';
      do {
        const r = await call(client, client.ListPortfolio, { portfolio: name, pageToken, pageSize: 1000, warning: flags.warning ?? '', status: flags.status ?? '' });
        items.push(...r.items);
        pageToken = r.nextPageToken;
      } while (pageToken);
      emit(Boolean(flags.json), { portfolio: name, items }, () => [`portfolio ${name}: ${items.length} items${flags.warning ? ` with warning ${flags.warning}` : ''}`, ...items.map(itemLine)].join('\n'));
    })));

  common(monitor.command('watch'), true)
    .summary('stream the portfolio\'s changes to the bank (exactly once with --out)')
    .description('stream the portfolio\'s changes (grade or warning changed, skipped, resumed, run finished), opening each explanation. ' +
      'With --out FILE: each event is appended to FILE as a JSON line and fsynced before it is acknowledged, and a restart resumes after the file\'s last event: every event once. ' +
      'Without --out: events are printed and acknowledged as they come, so an event printed just before a crash comes again (at least once). ' +
      'Reconnects after 1, 2, 4 .. 30 s when the stream breaks. One watcher per portfolio: starting another ends this one')
    .requiredOption('--portfolio <name>', 'the portfolio', portfolioName)
    .option('--out <file>', 'the events file (JSON lines); it is also where the watch resumes from')
    .action((flags: Flags & { portfolio: string; out?: string }) => runCommand(async () => {
      const transport = resolveTransport(flags, { expectRole: 'requester' });
      const keys = loadExistingRequesterKeys(keysDir(flags));
      const stop = new AbortController();
      void waitForSignal().then(() => stop.abort());
      const session = new WatchSession({
        coordinator: flags.coordinator, transport, keys, portfolio: flags.portfolio, signal: stop.signal,
        ...(flags.out ? { out: flags.out } : {}),
        onEvent: (e) => process.stdout.write(`${flags.json ? JSON.stringify(e) : eventText(e)}\n`),
        onNotice: (line) => process.stderr.write(`${line}\n`),
      });
      if (!flags.json) process.stderr.write(`watching ${flags.portfolio} at ${flags.coordinator}${flags.out ? `, writing ${flags.out} (resuming after event ${session.after ?? 0n})` : ''}; Ctrl-C to stop\n`);
      await session.run();
    }));

  common(monitor.command('receipt'))
    .summary('a change event\'s receipt, for `fedcredit audit receipt`')
    .description('the receipt of a change (or resumed) event of an events file: the coordinator\'s signed answer, the `rescore` entry and its inclusion proof in a cosigned checkpoint; check it with `fedcredit audit receipt FILE`')
    .requiredOption('--events <file>', 'the events file `fedcredit monitor watch --out` wrote')
    .requiredOption('--event <id>', 'the event\'s id (its eventId)')
    .option('--out <file>', 'write the receipt here (default: print it)')
    .option('--wait <ms>', 'how long to wait for a cosigned checkpoint covering the entry', positiveInt('--wait'), 30_000)
    .action((flags: Flags & { events: string; event: string; out?: string; wait: number }) => runCommand(() => withClient(flags, async (client, transport) => {
      const line = findEvent(flags.events, flags.event);
      const logIndex = (line as { logIndex?: number }).logIndex;
      if (logIndex === undefined) throw new FedcreditError('BAD_REQUEST', `event ${flags.event} is a ${line.kind} event, which has no re-score to receipt: pick a change or resumed event`);
      const r = await call(client, client.GetRescoreReceipt, { logIndex, waitMs: flags.wait }, flags.wait + 10_000);
      const receipt = rescoreReceiptFile(line, bankName(transport), {
        logIndex: Number(r.logIndex), entry: r.entry, treeSize: Number(r.treeSize), inclusionProof: r.inclusionProof, checkpoint: r.checkpoint,
      });
      if (flags.out) fs.writeFileSync(flags.out, `${JSON.stringify(receipt, null, 2)}\n`);
      emit(Boolean(flags.json) || !flags.out, receipt, () => `receipt of event ${flags.event} (entry ${logIndex}) written to ${flags.out}; check it with \`fedcredit audit receipt ${flags.out}\``);
    })));

  common(monitor.command('run'))
    .summary('start a run by hand and follow it')
    .description('start a run by hand and follow it (a bank: its own portfolio, at most one a day; the coordinator\'s operator: requester/NAME, or every portfolio due)')
    .option('--portfolio <name>', 'NAME (a bank\'s own) or requester/NAME (operator)')
    .option('--as-of <month>', 'the month (YYYY-MM) to re-score as of (default: the sites\' current month)')
    .option('--reason <text>', 'why, for the log', 'manual')
    .action((flags: Flags & { portfolio?: string; asOf?: string; reason: string }) => runCommand(() => withClient(flags, async (client) => {
      if (flags.asOf !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(flags.asOf)) throw new FedcreditError('BAD_REQUEST', `--as-of must be a month YYYY-MM, got '${flags.asOf}'`);
      const stream = client.StartRun({ portfolio: flags.portfolio ?? '', asOf: flags.asOf ?? '', reason: flags.reason });
      let last: RunProgress__Output | undefined;
      try {
        for await (const p of stream as AsyncIterable<RunProgress__Output>) {
          last = p;
          if (!flags.json) process.stderr.write(`${progressText(p)}\n`);
        }
      } catch (err) {
        throw fromServiceError(err, flags.coordinator);
      }
      if (!last) throw new FedcreditError('UNAVAILABLE', 'the coordinator ended the run\'s stream without any progress: ask `fedcredit monitor runs` whether it started');
      if (last.stage === 'failed') throw new FedcreditError(last.failure && isErrorCode(last.failure.code) ? last.failure.code : 'INTERNAL', `run ${last.runId} failed: ${last.failure?.message ?? 'no reason given'}`);
      emit(Boolean(flags.json), last, () => `${progressText(last!)}; the report: \`fedcredit monitor report ${last!.runId}\``);
    }, 'any')));

  common(monitor.command('runs'))
    .description('recent runs (a bank: its own portfolios\'; the operator: all)')
    .option('--portfolio <name>', 'only this portfolio\'s runs')
    .option('--model <version>', 'only this model\'s runs')
    .option('--limit <n>', 'at most this many (up to 100)', positiveInt('--limit'), 20)
    .action((flags: Flags & { portfolio?: string; model?: string; limit: number }) => runCommand(() => withClient(flags, async (client) => {
      const r = await call(client, client.ListRuns, { portfolio: flags.portfolio ?? '', modelVersion: flags.model ?? '', limit: Math.min(flags.limit, 100) });
      emit(Boolean(flags.json), { runs: r.runs }, () => r.runs.length === 0 ? 'no runs yet' : r.runs.map((x) =>
        `${x.runId}  ${x.requester}/${x.portfolio}  ${x.stage}  as of ${x.asOf}, ${x.scored} scored, ${x.skipped} skipped, ${x.changed} changed${x.psiLevel ? `, PSI ${x.psi.toFixed(3)} (${x.psiLevel})` : ''}`).join('\n'));
    }, 'any')));

  common(monitor.command('report').argument('<run>', 'the run id (`fedcredit monitor runs` lists them)'))
    .summary('a run\'s report')
    .description('a run\'s report: grades, warning transitions, skips by code, score drift (PSI) and each site\'s feature drift (CSI)')
    .action((run: string, flags: Flags) => runCommand(() => withClient(flags, async (client) => {
      const r = await call(client, client.GetRunReport, { runId: run });
      emit(Boolean(flags.json), r, () => [
        `run ${r.runId}: ${r.requester}/${r.portfolio}, model ${r.modelVersion}, ${r.trigger}; ${r.items} items, ${r.scored} scored, ${r.changed} changed`,
        `  skipped: ${r.skipped.length ? r.skipped.map((s) => `${s.code} ${s.count}`).join(', ') : 'none'}`,
        `  grades: ${r.grades.map((g) => `${g.grade} ${g.count}`).join(', ')}`,
        `  warnings (previous -> now): ${r.transitions.map((t) => `${t.from}->${t.to} ${t.belowMinCell ? '<10' : t.count}`).join(', ')}`,
        `  score drift: ${r.psi?.insufficient ? `insufficient${r.psi.note ? ` (${r.psi.note})` : ''}` : `PSI ${r.psi?.value.toFixed(3)} (${r.psi?.level})`}`,
        ...r.csi.map((s) => `  ${s.site}: ${s.state}${s.features.length ? ` ${s.features.map((f) => `${f.feature} ${f.csi} (${f.level})`).join(', ')}` : ''}`),
      ].join('\n'));
    }, 'any')));
}
