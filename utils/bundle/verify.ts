/**
 * Verify a bundle without Saqta: the archive, the manifest, every file's
 * size and SHA-256, the capture records' hashes, the annotation JSON-LD,
 * and that every claim's quote occurs in its saved article (text
 * normalized: white space, quote marks and dashes unified). Returns a
 * report; `ok` is false on any failure, and each line names its file.
 */
import { quoteOf } from '../annotation';
import { htmlToText, normalizeText } from '../search/html-text';
import { BundleError } from '../zip/errors';
import { fileProblems, readArchive, readContents } from './read';
import { type Files, type ParsedArticle } from '../export/records';
import { cleanSavedHtml, cleanSnapshotHtml } from '../extract/clean-html';
import type { ByteSource } from '../zip/read';
import { checkLines } from '../watch/bundle';

export interface VerifyLine {
  level: 'ok' | 'warn' | 'fail';
  file?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  lines: VerifyLine[];
  /** Every file of the archive with its size and SHA-256, when the archive could be read. */
  files?: { path: string; bytes: number; sha256: string }[];
}

export interface VerifyOptions {
  /** The window whose DOM checks saved HTML (jsdom's in Node); without one the HTML check is reported as not done. */
  window?: Window & typeof globalThis;
}

/** Every file verify found in the archive (the differential test compares it with what unzip extracts). */
export async function verifyBundle(input: ByteSource | Uint8Array, opts: VerifyOptions = {}): Promise<VerifyReport> {
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
  const listing = [...files].map(([path, f]) => ({ path, bytes: f.size, sha256: f.sha256 })).sort((a, b) => (a.path < b.path ? -1 : 1));
  lines.push({ level: 'ok', file: 'datapackage.json', message: `${manifest.format.name} ${manifest.format.version}, made ${manifest.created} by ${manifest.software}, ${count(manifest.resources.length, 'file')} listed.` });
  const problems = await fileProblems(manifest, files);
  problems.forEach(fail);
  if (!problems.length) lines.push({ level: 'ok', message: `Every file is present, with the size and SHA-256 the manifest lists; no extra files.` });
  let contents;
  try {
    contents = await readContents(files);
  } catch (e) {
    fail(e);
    return { ok: false, lines, files: listing };
  }
  await checkHtml(contents.articles, files, lines, opts.window);
  lines.push({ level: 'ok', file: 'annotations.jsonld', message: `${count(contents.claims.length, 'W3C Web Annotation')}, ${count(contents.articles.length, 'article')}; capture records match their artifacts.` });
  let found = 0;
  for (const article of contents.articles) {
    const claims = contents.claims.filter((c) => c.pageId === article.page.id);
    if (!claims.length) continue;
    const saved = [...article.captures].reverse().flatMap((c) => c.files).find((f) => f.ref.kind === 'article' || f.ref.kind === 'snapshot');
    if (!saved) {
      lines.push({ level: 'warn', file: `${article.dir}/page.json`, message: `No saved copy of “${article.page.title}”: ${count(claims.length, 'quote')} cannot be checked against the article.` });
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
  if (found) lines.push({ level: 'ok', message: found === 1 ? '1 quote found in its saved article.' : `${found} quotes found in their saved articles.` });
  for (const article of contents.articles) {
    lines.push(...checkLines(article.checks, `${article.dir}/checks.json`, article.page.id, new Set(article.captures.map((c) => c.record.id))));
  }
  return { ok: !lines.some((l) => l.level === 'fail'), lines, files: listing };
}

/**
 * Saved HTML with active content (scripts, handlers, javascript: links, meta
 * refresh, forms posting somewhere): Saqta never writes it, import removes
 * it, and it must not be opened from the unzipped folder. The same checks as
 * import (clean-html.ts): article copies and snapshots, and the index and
 * reader pages Saqta writes beside them.
 */
async function checkHtml(articles: ParsedArticle[], files: Files, lines: VerifyLine[], win?: Window & typeof globalThis): Promise<void> {
  if (!win) {
    lines.push({ level: 'warn', message: 'Saved HTML was not checked for active content (no DOM available).' });
    return;
  }
  let checked = 0;
  let bad = 0;
  const report = (file: string, removed: string[]) =>
    ++bad && lines.push({ level: 'fail', file, message: `${file} holds active content Saqta never writes (${removed.join(', ')}): import removes it; do not open this file from the unzipped folder.` });
  for (const a of articles) {
    for (const c of a.captures) {
      for (const f of c.files) {
        if ((f.ref.kind !== 'article' && f.ref.kind !== 'snapshot') || !/html/i.test(f.ref.mime)) continue;
        checked++;
        const r = cleanSavedHtml(f.ref.kind, await f.data.text(), win);
        if (r.removed.length) report(f.path, r.removed);
      }
    }
  }
  for (const [path, f] of files) {
    if (!f.bytes || !path.endsWith('.html')) continue;
    checked++;
    const r = cleanSnapshotHtml(new TextDecoder().decode(f.bytes), win);
    if (r.removed.length) report(path, r.removed);
  }
  if (!bad) lines.push({ level: 'ok', message: `${checked} HTML files hold no scripts, handlers, script links, refreshes or form posts.` });
}

/** "1 article", "2 articles": English, like the rest of the command's output. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatReport(r: VerifyReport, name: string): string {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const out = [`Saqta bundle check: ${name}`, ...r.lines.map((l) => `${mark[l.level]} ${l.file ? `${l.file}: ` : ''}${l.message}`)];
  const fails = r.lines.filter((l) => l.level === 'fail').length;
  out.push(r.ok ? 'RESULT: the bundle is intact.' : `RESULT: ${fails} problem${fails === 1 ? '' : 's'} found; do not trust this bundle as it is.`);
  return out.join('\n');
}
