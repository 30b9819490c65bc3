/**
 * Verify a bundle without Saqta: the archive, the manifest, every file's
 * size and SHA-256, the capture records' hashes, the annotation JSON-LD,
 * and that every claim's quote occurs in its saved article (text
 * normalized: white space, quote marks and dashes unified). Returns a
 * report; `ok` is false on any failure, and each line names its file.
 */
import { quoteOf } from '../annotation';
import { htmlToText, normalizeText } from '../search/html-text';
import { BundleError } from './errors';
import { fileProblems, readArchive, readContents } from './read';
import type { ByteSource } from './zip-read';
import { checkLines } from '../watch/bundle';

export interface VerifyLine {
  level: 'ok' | 'warn' | 'fail';
  file?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  lines: VerifyLine[];
}

export async function verifyBundle(input: ByteSource | Uint8Array): Promise<VerifyReport> {
  const lines: VerifyLine[] = [];
  const fail = (e: unknown) => {
    if (e instanceof BundleError) lines.push({ level: 'fail', file: e.file, message: e.message });
    else lines.push({ level: 'fail', message: e instanceof Error ? e.message : String(e) });
  };
  let read;
  try {
    read = await readArchive(input);
  } catch (e) {
    fail(e);
    return { ok: false, lines };
  }
  const { manifest, files } = read;
  lines.push({ level: 'ok', file: 'datapackage.json', message: `${manifest.format.name} ${manifest.format.version}, made ${manifest.created} by ${manifest.software}, ${manifest.resources.length} files listed.` });
  const problems = fileProblems(manifest, files);
  problems.forEach(fail);
  if (!problems.length) lines.push({ level: 'ok', message: `Every file is present, with the size and SHA-256 the manifest lists; no extra files.` });
  let contents;
  try {
    contents = readContents(files);
  } catch (e) {
    fail(e);
    return { ok: false, lines };
  }
  lines.push({ level: 'ok', file: 'annotations.jsonld', message: `${contents.claims.length} W3C Web Annotations, ${contents.articles.length} articles; capture records match their artifacts.` });
  let found = 0;
  for (const article of contents.articles) {
    const claims = contents.claims.filter((c) => c.pageId === article.page.id);
    if (!claims.length) continue;
    const saved = [...article.captures].reverse().flatMap((c) => c.files).find((f) => f.ref.kind === 'article' || f.ref.kind === 'snapshot');
    if (!saved) {
      lines.push({ level: 'warn', file: `${article.dir}/page.json`, message: `No saved copy of “${article.page.title}”: ${claims.length} quotes cannot be checked against the article.` });
      continue;
    }
    const text = normalizeText(htmlToText(await saved.data.text()));
    const name = saved.path;
    for (const c of claims) {
      const exact = normalizeText(quoteOf({ target: { source: c.source, selector: c.selector } })?.exact ?? '');
      if (text.includes(exact)) found++;
      else lines.push({ level: 'fail', file: name, message: `The quote of claim ${c.id} (“${exact.slice(0, 80)}${exact.length > 80 ? '…' : ''}”) does not occur in ${name}.` });
    }
  }
  if (found) lines.push({ level: 'ok', message: `${found} quotes found in their saved articles.` });
  for (const article of contents.articles) {
    lines.push(...checkLines(article.checks, `${article.dir}/checks.json`, article.page.id, new Set(article.captures.map((c) => c.record.id))));
  }
  return { ok: !lines.some((l) => l.level === 'fail'), lines };
}

export function formatReport(r: VerifyReport, name: string): string {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const out = [`Saqta bundle check: ${name}`, ...r.lines.map((l) => `${mark[l.level]} ${l.file ? `${l.file}: ` : ''}${l.message}`)];
  const fails = r.lines.filter((l) => l.level === 'fail').length;
  out.push(r.ok ? 'RESULT: the bundle is intact.' : `RESULT: ${fails} problem${fails === 1 ? '' : 's'} found; do not trust this bundle as it is.`);
  return out.join('\n');
}
