// Lists the product's exports by who imports them (issue 13: drop code nothing in the product
// uses). Run from the repo: `node scripts/unused-exports.mjs` (needs only the typescript
// devDependency). Each line: kind, file:line, name, importers. Kinds:
//   UNUSED         nothing imports it and its own file does not use it: drop it, or say why not
//   own-file-only  used in its own file only: the code lives, the `export` is not needed
//   tests-only / bench-only / bench+tests-only   only tests or benchmarks import it
// Named imports, `export ... from`, `export *`, namespace imports, dynamic `import()` (with
// destructuring) and `import('x').T` types count. Worker files loaded by URL (Piscina) show
// their default export as UNUSED: their header says they are workers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['dist', 'node_modules', 'docs', 'scripts']);
const walk = (dir, out = []) => {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!dir && (SKIP.has(e.name) || e.name.startsWith('.'))) continue;
      walk(rel, out);
    } else if (dir && rel.endsWith('.ts') && !rel.endsWith('.d.ts')) out.push(rel);
  }
  return out;
};
const resolve = (from, spec) => {
  if (!spec.startsWith('.')) return undefined;
  const abs = path.resolve(root, path.dirname(from), spec);
  for (const c of [abs.replace(/\.js$/, '.ts'), `${abs}.ts`, path.join(abs, 'index.ts')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return path.relative(root, c).split(path.sep).join('/');
  }
  return undefined;
};

const files = walk('');
const exportsOf = new Map(); // file -> Map(name -> line)
const uses = new Map(); // "file#name" -> Set(importer)
const wholeModuleUsed = new Set();
const texts = new Map();
for (const f of files) {
  const text = fs.readFileSync(path.join(root, f), 'utf8');
  texts.set(f, text);
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.ES2022, true);
  const ex = new Map();
  exportsOf.set(f, ex);
  const lineOf = (n) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const use = (target, name) => {
    const k = `${target}#${name}`;
    if (!uses.has(k)) uses.set(k, new Set());
    uses.get(k).add(f);
  };
  const visit = (n) => {
    const exported = ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && n.parent === sf) {
      const isDefault = (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (ts.isVariableStatement(n)) {
        for (const d of n.declarationList.declarations) if (ts.isIdentifier(d.name)) ex.set(d.name.text, lineOf(d));
      } else if (isDefault) ex.set('default', lineOf(n));
      else if (n.name) ex.set(n.name.text, lineOf(n));
    }
    if (ts.isExportDeclaration(n)) {
      const target = n.moduleSpecifier ? resolve(f, n.moduleSpecifier.text) : undefined;
      if (n.exportClause && ts.isNamedExports(n.exportClause)) {
        for (const e of n.exportClause.elements) {
          ex.set(e.name.text, lineOf(e));
          if (target) use(target, (e.propertyName ?? e.name).text);
        }
      } else if (target) wholeModuleUsed.add(target);
    }
    if (ts.isImportDeclaration(n) && n.importClause) {
      const target = resolve(f, n.moduleSpecifier.text);
      const c = n.importClause;
      if (target) {
        if (c.name) use(target, 'default');
        if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) wholeModuleUsed.add(target);
        else if (c.namedBindings) for (const e of c.namedBindings.elements) use(target, (e.propertyName ?? e.name).text);
      }
    }
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      const target = resolve(f, n.arguments[0].text);
      if (target) {
        let p = n.parent;
        if (ts.isAwaitExpression(p)) p = p.parent;
        if (ts.isVariableDeclaration(p) && ts.isObjectBindingPattern(p.name)) {
          for (const e of p.name.elements) use(target, (e.propertyName ?? e.name).getText(sf));
        } else wholeModuleUsed.add(target);
      }
    }
    if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      const target = resolve(f, n.argument.literal.text);
      if (target && n.qualifier) use(target, ts.isIdentifier(n.qualifier) ? n.qualifier.text : n.qualifier.left.getText(sf));
      else if (target) wholeModuleUsed.add(target);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

const area = (f) => (f.startsWith('tests/') ? 'tests' : f.startsWith('bench/') ? 'bench' : 'product');
const rows = [];
for (const [f, ex] of exportsOf) {
  if (area(f) === 'tests' || f.startsWith('proto/gen/') || wholeModuleUsed.has(f)) continue;
  for (const [name, line] of ex) {
    const importers = [...(uses.get(`${f}#${name}`) ?? [])].filter((u) => u !== f);
    const areas = new Set(importers.map(area));
    let kind;
    if (importers.length === 0) {
      const own = name === 'default' ? 0 : (texts.get(f).match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length;
      kind = own > 1 ? 'own-file-only' : 'UNUSED';
    } else if (areas.has('product') || (area(f) === 'bench' && areas.has('bench'))) continue;
    else kind = `${[...areas].sort().join('+')}-only`;
    rows.push(`${kind}\t${f}:${line}\t${name}\t${importers.sort().join(',')}`);
  }
}
console.log(rows.sort().join('\n'));
