/**
 * The import graph of the extension's source, read with the TypeScript
 * compiler's parser (already a dependency, no other tool needed): which file
 * imports which (type imports and re-exports included), which names each file
 * exports, and which of those names some file imports. Used by the
 * conventions test for the rules "no import cycle" and "no export nothing
 * imports".
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const SOURCE_DIRS = ['entrypoints', 'components', 'utils'];
/** Folders whose imports count as uses of an export (tests, bench, scripts). */
export const USER_DIRS = ['tests', 'bench', 'scripts'];

const EXTS = ['.ts', '.tsx', '.mts', '.js', '.mjs'];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const isCode = (f: string) => /\.(m?ts|tsx|mjs)$/.test(f) && !f.endsWith('.d.ts');

export interface FileInfo {
  /** Path relative to the root, with forward slashes. */
  file: string;
  /** Files imported statically (import, import type, export … from). */
  imports: Set<string>;
  /** Files imported with import() (lazy loading: not part of cycles). */
  lazy: Set<string>;
  /** Names this file exports itself ('default' for a default export). */
  exports: Set<string>;
  /** `export * from` targets. */
  starFrom: string[];
}

export interface Graph {
  root: string;
  files: Map<string, FileInfo>;
  /** file → names some other file imports from it ('*' = all of them). */
  used: Map<string, Set<string>>;
}

function resolveSpec(root: string, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const bare = spec.replace(/\?.*$/, '');
  const base = resolve(root, dirname(from), bare);
  const stem = base.replace(/\.(js|mjs)$/, '');
  const tries = [base, ...EXTS.map((e) => stem + e), ...EXTS.map((e) => join(base, 'index' + e))];
  for (const t of tries) {
    if (existsSync(t) && statSync(t).isFile()) return relative(root, t).split('\\').join('/');
  }
  return null;
}

const hasExport = (n: ts.Node) =>
  ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const hasDefault = (n: ts.Node) =>
  ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

function bindingNames(name: ts.BindingName, out: Set<string>) {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

export function readGraph(root: string): Graph {
  const files = new Map<string, FileInfo>();
  const used = new Map<string, Set<string>>();
  const use = (file: string, name: string) => {
    let s = used.get(file);
    if (!s) used.set(file, (s = new Set()));
    s.add(name);
  };
  const all = [...SOURCE_DIRS, ...USER_DIRS].flatMap((d) => walk(join(root, d))).filter(isCode);
  for (const abs of all) {
    const file = relative(root, abs).split('\\').join('/');
    const text = readFileSync(abs, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const info: FileInfo = { file, imports: new Set(), lazy: new Set(), exports: new Set(), starFrom: [] };
    files.set(file, info);
    const target = (spec: ts.Expression | undefined) =>
      spec && ts.isStringLiteral(spec) ? resolveSpec(root, file, spec.text) : null;

    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st)) {
        const to = target(st.moduleSpecifier);
        if (!to) continue;
        info.imports.add(to);
        const c = st.importClause;
        if (!c) { use(to, '*'); continue; } // side-effect import
        if (c.name) use(to, 'default');
        const nb = c.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) use(to, '*');
        else if (nb) for (const el of nb.elements) use(to, (el.propertyName ?? el.name).text);
      } else if (ts.isExportDeclaration(st)) {
        const to = target(st.moduleSpecifier);
        if (st.moduleSpecifier && to) {
          info.imports.add(to);
          if (!st.exportClause) info.starFrom.push(to);
          else if (ts.isNamespaceExport(st.exportClause)) { use(to, '*'); info.exports.add(st.exportClause.name.text); }
          else for (const el of st.exportClause.elements) { use(to, (el.propertyName ?? el.name).text); info.exports.add(el.name.text); }
        } else if (st.exportClause && ts.isNamedExports(st.exportClause)) {
          for (const el of st.exportClause.elements) info.exports.add(el.name.text);
        }
      } else if (ts.isExportAssignment(st)) {
        info.exports.add('default');
      } else if (hasExport(st)) {
        if (hasDefault(st)) info.exports.add('default');
        else if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bindingNames(d.name, info.exports);
        else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) && st.name && ts.isIdentifier(st.name)) info.exports.add(st.name.text);
      }
    }
    // import('…') anywhere, import('…').Name in types, and vi.mock('…') in tests.
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const to = target(n.arguments[0]);
        if (to) { info.lazy.add(to); use(to, '*'); }
      } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
        const to = target(n.argument.literal as ts.Expression);
        if (to) {
          info.imports.add(to);
          if (n.qualifier) use(to, ts.isIdentifier(n.qualifier) ? n.qualifier.text : n.qualifier.left.getText(sf));
          else use(to, '*');
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  // Names asked of a file that re-exports with `export *` are asked of its sources.
  let changed = true;
  while (changed) {
    changed = false;
    for (const info of files.values()) {
      const asked = used.get(info.file);
      if (!asked || !info.starFrom.length) continue;
      for (const from of info.starFrom) {
        for (const name of asked) {
          if (name !== '*' && info.exports.has(name)) continue;
          const s = used.get(from) ?? new Set<string>();
          if (!s.has(name)) { s.add(name); used.set(from, s); changed = true; }
        }
      }
    }
  }
  return { root, files, used };
}

const inSource = (f: string) => SOURCE_DIRS.some((d) => f.startsWith(d + '/')) && isCode(f);

/** Import cycles (strongly connected components of more than one file, or a file importing itself) among the source folders. */
export function cycles(g: Graph): string[][] {
  const nodes = [...g.files.keys()].filter(inSource).sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let i = 0;
  const strong = (v: string) => {
    index.set(v, i); low.set(v, i); i++;
    stack.push(v); on.add(v);
    for (const w of [...g.files.get(v)!.imports].filter(inSource).sort()) {
      if (!index.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || g.files.get(v)!.imports.has(v)) out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strong(v);
  return out;
}

/** One concrete loop through a cycle, for the message: a → b → … → a. */
export function loopIn(g: Graph, comp: string[]): string[] {
  const inComp = new Set(comp);
  const start = comp[0];
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of [...g.files.get(v)!.imports].filter(inSource).sort()) {
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0])!);
        return [...path, start];
      }
      if (inComp.has(w) && !seen.has(w)) { seen.add(w); prev.set(w, v); queue.push(w); }
    }
  }
  return comp;
}

/**
 * WXT's entry files: their default export is read by WXT itself.
 * entrypoints/<name>.ts(x) and entrypoints/<name>/index.ts(x) or main.ts(x).
 */
const isEntry = (f: string) => /^entrypoints\/[^/]+\.(ts|tsx)$|^entrypoints\/[^/]+\/(index|main)\.(ts|tsx)$/.test(f);

/** Exports of the source folders that no file (source, test, bench or script) imports: `file: name`. */
export function unusedExports(g: Graph): string[] {
  const out: string[] = [];
  for (const info of g.files.values()) {
    if (!inSource(info.file)) continue;
    const asked = g.used.get(info.file) ?? new Set<string>();
    if (asked.has('*')) continue;
    for (const name of [...info.exports].sort()) {
      if (asked.has(name)) continue;
      if (name === 'default' && isEntry(info.file)) continue;
      out.push(`${info.file}: ${name}`);
    }
  }
  return out.sort();
}
