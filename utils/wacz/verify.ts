/**
 * `npm run verify` for a WACZ: the ZIP (every entry's size and CRC-32), the
 * datapackage and its digest, every file's SHA-256, every CDXJ entry against
 * its WARC record (offset, length, target URI, date, payload digest), and —
 * for Saqta's own WACZ — every artifact against its capture record and every
 * claim's quote against its saved article. Pure; reads by ranges.
 */
import { checkLines } from '../watch/bundle';
import { quoteOf } from '../annotation';
import { htmlToText, normalizeText } from '../search/html-text';
import { BundleError } from '../zip/errors';
import { count, verifyBundle, type VerifyLine, type VerifyOptions, type VerifyReport } from '../bundle/verify';
import { listArchive, type ByteSource } from '../zip/archive';
import { checkRecords, readWacz } from './read';
import { isSaqtaWacz, readSaqtaContents, type SaqtaContents } from './saqta';
import { cleanSavedHtml } from '../extract/clean-html';

/**
 * Saved HTML in a Saqta WACZ that holds what could run or load (issue 25): import keeps it byte for byte (its hash is
 * the proof) and cleans it each time it is shown, so verify says so as a warning, and the two agree.
 */
async function activeHtmlLines(contents: SaqtaContents, win: (Window & typeof globalThis) | undefined): Promise<VerifyLine[]> {
  if (!win) return [{ level: 'warn', message: 'Saved HTML not checked for active content (no DOM given).' }];
  const out: VerifyLine[] = [];
  let checked = 0;
  for (const a of contents.articles) {
    for (const c of a.captures) {
      for (const f of c.files) {
        if ((f.ref.kind !== 'article' && f.ref.kind !== 'snapshot') || !/html/i.test(f.ref.mime)) continue;
        checked++;
        const r = cleanSavedHtml(f.ref.kind, f.bytes ? new TextDecoder().decode(f.bytes) : await f.data.text(), win);
        if (r.removed.length) out.push({ level: 'warn', file: f.path, message: `The saved ${f.ref.kind} holds parts that could run or load (${r.removed.join(', ')}): Saqta keeps it as it is (its SHA-256 is the one its capture record lists) and cleans it each time it is shown; do not open it from the unzipped folder.` });
      }
    }
  }
  if (!out.length && checked) out.push({ level: 'ok', message: `${checked} saved HTML ${checked === 1 ? 'copy holds' : 'copies hold'} nothing that runs or loads.` });
  return out;
}

interface VerifyWaczOptions {
  /** The DOM that checks saved HTML for active content (jsdom's in Node). */
  window?: Window & typeof globalThis;
  /** More checks over the read package (utils/evidence/check.ts: signature and timestamps). */
  evidence?(read: Awaited<ReturnType<typeof readWacz>>): Promise<VerifyLine[]>;
}

export async function verifyWacz(src: ByteSource, opts: VerifyWaczOptions = {}): Promise<VerifyReport> {
  const lines: VerifyLine[] = [];
  let read;
  try {
    read = await readWacz(src);
  } catch (e) {
    lines.push({ level: 'fail', file: e instanceof BundleError ? e.file : undefined, message: e instanceof Error ? e.message : String(e) });
    return { ok: false, lines };
  }
  const fail = (p: { file?: string; message: string }) => lines.push({ level: 'fail', file: p.file, message: p.message });
  const { pkg, files, cdx } = read;
  const warcs = [...files.keys()].filter((n) => n.startsWith('archive/'));
  lines.push({ level: 'ok', message: `ZIP: ${count(files.size, 'file')}, each with its size and CRC-32; ${count(warcs.length, 'WARC file')} stored uncompressed.` });
  if (pkg) lines.push({ level: 'ok', file: 'datapackage.json', message: `WACZ ${pkg.wacz_version}, made ${pkg.created ?? '?'} by ${pkg.software ?? '?'}, ${pkg.resources?.length ?? 0} files listed.` });
  read.problems.forEach(fail);
  if (!read.problems.length) lines.push({ level: 'ok', message: 'Every file is listed with its size and SHA-256, none is missing or extra; datapackage-digest.json holds the hash of datapackage.json; the index is sorted.' });
  const recordProblems = await checkRecords(read);
  recordProblems.forEach(fail);
  if (!recordProblems.length) lines.push({ level: 'ok', file: [...new Set(cdx.map((e) => e.file))].join(', ') || undefined, message: `${cdx.length === 1 ? '1 index entry matches its WARC record' : `${cdx.length} index entries match their WARC records`} (offset, length, target URI, date, payload SHA-256).` });
  if (isSaqtaWacz(read)) {
    const problems: { file?: string; message: string }[] = [];
    const contents = await readSaqtaContents(read, problems);
    problems.forEach(fail);
    const artifacts = contents.articles.reduce((s, a) => s + a.captures.reduce((t, c) => t + c.files.length, 0), 0);
    if (!problems.length) lines.push({ level: 'ok', file: 'annotations.jsonld', message: `${count(contents.claims.length, 'W3C Web Annotation')}, ${count(contents.articles.length, 'article')}; ${count(artifacts, 'saved artifact')} read from their WARC records with the SHA-256 their capture records list.` });
    lines.push(...(await activeHtmlLines(contents, opts.window)));
    const ids = new Set(contents.articles.map((a) => a.page.id));
    for (const c of contents.claims) if (!c.pageId || !ids.has(c.pageId)) fail({ file: 'annotations.jsonld', message: `claim ${c.id} belongs to no article of the package` });
    let found = 0;
    for (const article of contents.articles) {
      const claims = contents.claims.filter((c) => c.pageId === article.page.id);
      if (!claims.length) continue;
      const newest = [...article.captures].reverse().flatMap((c) => c.files);
      const saved = newest.find((f) => f.ref.kind === 'article') ?? newest.find((f) => f.ref.kind === 'snapshot');
      if (!saved) {
        lines.push({ level: 'warn', file: `${article.dir}/page.json`, message: `No saved copy of “${article.page.title}”: ${claims.length} quotes cannot be checked against the article.` });
        continue;
      }
      const text = normalizeText(htmlToText(await saved.data.text()));
      for (const c of claims) {
        const exact = normalizeText(quoteOf({ target: { source: c.source, selector: c.selector } })?.exact ?? '');
        if (text.includes(exact)) found++;
        else fail({ file: saved.path, message: `The quote of claim ${c.id} (“${exact.slice(0, 80)}${exact.length > 80 ? '…' : ''}”) does not occur in the saved article of “${article.page.title}”.` });
      }
    }
    for (const article of contents.articles) {
      if (article.checks !== undefined) lines.push(...checkLines(article.checks, `${article.dir}/checks.json`, article.page.id, new Set(article.captures.map((c) => c.record.id))));
    }
    if (found) lines.push({ level: 'ok', message: found === 1 ? '1 quote found in its saved article.' : `${found} quotes found in their saved articles.` });
  }
  if (opts.evidence) lines.push(...(await opts.evidence(read)));
  // What was checked, file by file (the differential test compares it with what unzip and Python extract).
  const listing = [...files].map(([path, f]) => ({ path, bytes: f.size, sha256: f.sha256 })).sort((a, b) => (a.path < b.path ? -1 : 1));
  return { ok: !lines.some((l) => l.level === 'fail'), lines, files: listing };
}

/** Is this ZIP a WACZ (WARC files under archive/, or a datapackage digest)? */
export function looksLikeWacz(names: string[]): boolean {
  return names.some((n) => /^archive\/[^/]+\.warc(\.gz)?$/.test(n)) || names.includes('datapackage-digest.json');
}

/** A .wacz or an older Saqta .zip bundle: each with its own checks. */
export async function verifyAny(src: ByteSource, opts: VerifyWaczOptions & VerifyOptions = {}): Promise<VerifyReport & { kind: 'wacz' | 'bundle' }> {
  let names: string[] = [];
  try {
    names = (await listArchive(src)).map((e) => e.name);
  } catch {
    /* the bundle check reports what is wrong with the ZIP */
  }
  if (looksLikeWacz(names)) return { ...(await verifyWacz(src, opts)), kind: 'wacz' };
  return { ...(await verifyBundle(src, opts)), kind: 'bundle' };
}
