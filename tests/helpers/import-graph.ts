/**
 * The source tree's import graph, read with the TypeScript parser (not a regex), for the
 * structure test (tests/layout.test.ts). Every way one file can name another counts: static
 * imports, `import type`, `export ... from`, dynamic `import()` and `import('x').T` types;
 * a type-only import still ties two files together for a reader, so it is an edge too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One import: `from` names `to` (both repo-relative, `/`-separated) on `line` (1-based). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly line: number;
  readonly typeOnly: boolean;
}

/** Folders that are not product source: the tests, generated output, dependencies. */
const NOT_SOURCE = new Set(['tests', 'dist', 'node_modules', 'docs', '.git']);

/** Every .ts file of the product (tests excluded), repo-relative, sorted. */
export function sourceFiles(root: string = REPO_ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (dir === '' && (NOT_SOURCE.has(e.name) || e.name.startsWith('.'))) continue;
        walk(rel);
      } else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && dir !== '') {
        out.push(rel);
      }
    }
  };
  walk('');
  return out.sort();
}

/** The specifiers a file names, with their line and whether the import is type-only. */
function specifiers(file: string, text: string): { spec: string; line: number; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: { spec: string; line: number; typeOnly: boolean }[] = [];
  const add = (lit: ts.Node, typeOnly: boolean) => {
    if (ts.isStringLiteralLike(lit)) found.push({ spec: lit.text, line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const typeOnly = c !== undefined && (c.isTypeOnly || (c.name === undefined && c.namedBindings !== undefined && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier !== undefined) {
      add(n.moduleSpecifier, n.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      add(n.moduleReference.expression, n.isTypeOnly);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] !== undefined) {
      add(n.arguments[0], false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      add(n.argument.literal, true);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/**
 * Resolves a relative specifier the way NodeNext does for this repo (`./x.js` is `./x.ts`);
 * package imports and Node built-ins give undefined. A relative import of a file that does
 * not exist is an error: the graph would otherwise silently lose an edge.
 */
function resolve(root: string, from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const abs = path.resolve(root, path.dirname(from), spec);
  const candidates = [abs.replace(/\.js$/, '.ts'), abs, `${abs}.ts`, path.join(abs, 'index.ts')];
  for (const c of candidates) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return path.relative(root, c).split(path.sep).join('/');
  }
  throw new Error(`${from}: import '${spec}' names no file; fix the import`);
}

/** Every import between product source files. */
export function importEdges(root: string = REPO_ROOT, files: readonly string[] = sourceFiles(root)): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = fs.readFileSync(path.join(root, from), 'utf8');
    for (const s of specifiers(from, text)) {
      const to = resolve(root, from, s.spec);
      if (to !== undefined && to.endsWith('.ts')) edges.push({ from, to, line: s.line, typeOnly: s.typeOnly });
    }
  }
  return edges;
}

/** The top folder of a repo-relative path (`log/audit/verify.ts` is in `log`). */
export const topFolder = (file: string): string => file.split('/')[0]!;

/**
 * Import circles: the strongly connected components of more than one file (or a file that
 * imports itself), each with one cycle through it spelled out file by file (Tarjan).
 */
export function importCircles(edges: readonly ImportEdge[]): { files: string[]; cycle: ImportEdge[] }[] {
  const next = new Map<string, ImportEdge[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    next.get(e.from)!.push(e);
  }
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const e of next.get(v) ?? []) {
      if (!index.has(e.to)) {
        connect(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (onStack.has(e.to)) {
        low.set(v, Math.min(low.get(v)!, index.get(e.to)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      const selfLoop = (next.get(v) ?? []).some((e) => e.to === v);
      if (c.length > 1 || selfLoop) components.push(c.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) connect(v);
  return components.map((files) => ({ files, cycle: oneCycle(files, next) }));
}

/** A shortest cycle from the component's first file back to itself, inside the component. */
function oneCycle(files: readonly string[], next: Map<string, ImportEdge[]>): ImportEdge[] {
  const inside = new Set(files);
  const start = files[0]!;
  const via = new Map<string, ImportEdge>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const e of next.get(v) ?? []) {
      if (!inside.has(e.to)) continue;
      if (e.to === start) {
        const path: ImportEdge[] = [e];
        for (let w = v; w !== start; ) {
          const back = via.get(w)!;
          path.unshift(back);
          w = back.from;
        }
        return path;
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return [];
}

/** `from.ts:12 -> to.ts (type)`: one line a reader can follow to the import. */
export const describeEdge = (e: ImportEdge): string => `${e.from}:${e.line} -> ${e.to}${e.typeOnly ? ' (type-only)' : ''}`;
