/**
 * `fedcredit node tables [--data DIR]`, `node tables drop NAME@V`, `node tables rollback NAME@V`:
 * the operator's view of a node's named, versioned feature tables (node/tables.ts). They open
 * the store, so the node must be stopped (its LevelDB lock says so otherwise). A drop or roll
 * back that would take a feature from a stored model is refused unless --force.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, runCommand } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';
import { listSiteModels } from '../site/model-store.js';
import { NodeStore } from '../site/store.js';
import { activeTables, dropTableVersion, listTableVersions, rollbackTable } from './tables.js';

async function withStore<T>(dataDir: string | undefined, f: (store: NodeStore) => Promise<T>): Promise<T> {
  if (dataDir === undefined) throw new FedcreditError('BAD_REQUEST', 'say which node: --data DIR (the node\'s data folder)');
  // Never create a store here: a mistyped folder would list nothing rather than say so.
  if (!fs.existsSync(path.join(dataDir, 'store'))) throw new FedcreditError('NOT_FOUND', `${dataDir} holds no node store; pass the node's --data folder`);
  const store = await NodeStore.open(dataDir);
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

export function registerTableCommands(node: Command): void {
  const tables = node.command('tables')
    .description('list the node\'s feature tables and their versions (which is active, which models use their columns); the node must be stopped')
    .option('--data <dir>', 'the node\'s data folder')
    .option('--json', 'print as JSON')
    .action((flags: { data?: string; json?: boolean }) => runCommand(() => withStore(flags.data, async (store) => {
      const [versions, active, models] = await Promise.all([listTableVersions(store), activeTables(store), listSiteModels(store)]);
      // A model records the table versions it was trained on through its alignment (alignment/node.ts).
      const trainedOn = new Map<string, Record<string, number>>();
      for (const m of models) trainedOn.set(m.modelVersion, (await store.alignments.get(m.alignmentId))?.tables ?? {});
      const rows = versions.map((v) => ({
        table: `${v.name}@${v.version}`, active: active[v.name] === v.version, file: v.fileName, sha256: v.sha256, committedAt: v.committedAt, rows: v.rows,
        labels: v.hasLabels, columns: v.catalogue.map((f) => f.name),
        usedBy: models.filter((m) => m.features.some((f) => v.catalogue.some((c) => c.name === f))).map((m) => m.modelVersion),
        trainedOnBy: models.filter((m) => trainedOn.get(m.modelVersion)?.[v.name] === v.version).map((m) => m.modelVersion),
      }));
      emit(Boolean(flags.json), { tables: rows }, () => rows.length === 0 ? 'this node holds no feature table' : rows.map((r) =>
        `${r.active ? '*' : ' '} ${r.table.padEnd(16)} ${r.committedAt.slice(0, 19)}  ${String(r.rows).padStart(8)} rows  ${r.file} (sha256 ${r.sha256.slice(0, 12)}...)` +
        `${r.labels ? '  labels' : ''}\n    columns: ${r.columns.join(', ')}` +
        `${r.trainedOnBy.length > 0 ? `\n    models trained on this version: ${r.trainedOnBy.join(', ')}` : ''}` +
        `${r.usedBy.length > 0 ? `\n    models using its columns: ${r.usedBy.join(', ')}` : ''}`).join('\n') +
        '\n(* active: joined by id into the node\'s catalogue)');
    })));

  const change = (verb: 'drop' | 'rollback', what: string) => tables.command(`${verb} <table@version>`)
    .description(what)
    .option('--force', 'even if a stored model would lose features (it then refuses every query with MODEL_FEATURES_GONE)')
    // --data and --json are the `tables` command's own options (commander parses them there, before or after the subcommand).
    .action((ref: string, _flags: unknown, command: Command) => runCommand(() => {
      const flags = command.optsWithGlobals<{ data?: string; force?: boolean; json?: boolean }>();
      return withStore(flags.data, async (store) => {
      const result = verb === 'drop' ? await dropTableVersion(store, ref, Boolean(flags.force)) : await rollbackTable(store, ref, Boolean(flags.force));
      emit(Boolean(flags.json), { [verb]: ref, ...result }, () => `${verb === 'drop' ? 'dropped' : 'rolled back to'} ${ref}; active: ${Object.entries(result.active).sort(([a], [b]) => a.localeCompare(b)).map(([n, v]) => `${n}@${v}`).join(', ') || 'none'}` +
        (result.brokenModels.length > 0 ? `\nmodels that can no longer score: ${result.brokenModels.join('; ')}` : ''));
      });
    }));
  change('drop', 'delete one version of a table (dropping the active version takes the table out of the catalogue)');
  change('rollback', 'make an older version of a table the active one');
}
