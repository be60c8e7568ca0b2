/**
 * The model kinds a process knows (training/model-kind.ts): the built-in ones (LR) plus the
 * modules named in FEDCREDIT_MODEL_KIND_MODULES (comma-separated paths or specifiers; each
 * default-exports a ModelKind, or exports `kinds`, an array of them). Every process that trains
 * or scores loads them the first time it needs a kind, so a coordinator and its nodes know the
 * same kinds as long as they run with the same variable. A kind is added as one folder and, until
 * it is built in, one module named here: no transport or role code changes (models/README.md).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FedcreditError } from '../lib/errors.js';
import type { ModelKind } from '../training/model-kind.js';
import { lrKind } from './lr/kind.js';
import { scorecardKind } from './scorecard/kind.js';
import { treesKind } from './trees/kind.js';
import { fusionKind } from './fusion/kind.js';

export const DEFAULT_MODEL_KIND = 'lr';
export const MODEL_KIND_MODULES_ENV = 'FEDCREDIT_MODEL_KIND_MODULES';

let loaded: Promise<Map<string, ModelKind>> | undefined;

function isKind(v: unknown): v is ModelKind {
  return v !== null && typeof v === 'object' && typeof (v as ModelKind).name === 'string' && typeof (v as ModelKind).openSite === 'function';
}

async function load(): Promise<Map<string, ModelKind>> {
  const kinds = new Map<string, ModelKind>([[lrKind.name, lrKind], [scorecardKind.name, scorecardKind], [treesKind.name, treesKind], [fusionKind.name, fusionKind]]);
  const modules = (process.env[MODEL_KIND_MODULES_ENV] ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of modules) {
    const specifier = m.startsWith('.') || path.isAbsolute(m) ? pathToFileURL(path.resolve(m)).href : m;
    let mod: { default?: unknown; kinds?: unknown };
    try {
      mod = (await import(specifier)) as { default?: unknown; kinds?: unknown };
    } catch (err) {
      throw new FedcreditError('INTERNAL', `${MODEL_KIND_MODULES_ENV}: cannot load model kind module '${m}' (${(err as Error).message}); fix the path or unset the variable`);
    }
    const found = [mod.default, ...(Array.isArray(mod.kinds) ? mod.kinds : [])].filter(isKind);
    if (found.length === 0) throw new FedcreditError('INTERNAL', `${MODEL_KIND_MODULES_ENV}: module '${m}' exports no model kind (default export or \`kinds\`)`);
    for (const k of found) {
      if (kinds.has(k.name) && kinds.get(k.name) !== k) throw new FedcreditError('INTERNAL', `${MODEL_KIND_MODULES_ENV}: model kind '${k.name}' is defined twice (module '${m}')`);
      kinds.set(k.name, k);
    }
  }
  return kinds;
}

/** Every kind this process knows. */
export function modelKinds(): Promise<Map<string, ModelKind>> {
  loaded ??= load();
  return loaded;
}

/** The kind named `name` ("" means the default, LR); NOT_FOUND names the known ones. */
export async function modelKind(name: string | undefined): Promise<ModelKind> {
  const kinds = await modelKinds();
  const wanted = name || DEFAULT_MODEL_KIND;
  const kind = kinds.get(wanted);
  if (!kind) {
    throw new FedcreditError('NOT_FOUND', `no model kind '${wanted.slice(0, 40)}' in this process; known: ${[...kinds.keys()].join(', ')} (a kind outside the built-ins must be named in ${MODEL_KIND_MODULES_ENV} for every process)`);
  }
  return kind;
}
