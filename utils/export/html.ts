/**
 * HTML that travels: the reader copy with its claims marked, and the
 * bundle's index.html. No DOM needed (runs in the library page and in Node),
 * no scripts, and a Content-Security-Policy that forbids scripts, every
 * network request and every form post (`form-action 'none'`), so a copy
 * opened from disk shows only what it holds; forms in a saved article are
 * taken out (the tags go, their text stays).
 */
import createDOMPurify from 'dompurify';
import { pageOf, quoteOf, type Annotation } from '../annotation';
import { areaOf } from '../pdf/area';
import type { CaptureRecord, PageRecord } from '../db';
import { groupFingerprint } from '../evidence/keys';
import { shownCopy } from '../store/copy-choice';
import { decodeEntities } from '../search/html-text';
import { escapeHtml, type BundleArticle } from './portable';
import { ex, exportLang, exportTime, type ExportLang } from './i18n';

export const CSP = "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; media-src data:; font-src data:; form-action 'none'; base-uri 'none'";

const HL: Record<string, string> = { yellow: '#ffe066', green: '#8ce99a', blue: '#a5d8ff', pink: '#fcc2d7', purple: '#d0bfff' };

const MARK_CSS = `
body { font: 17px/1.6 Georgia, 'Noto Serif', 'DejaVu Serif', serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; background: #fff; }
header.saqta { font: 14px/1.45 system-ui, sans-serif; border-bottom: 1px solid #d0d7de; margin-bottom: 1.5rem; padding-bottom: .75rem; color: #57606a; }
mark.saqta-claim { color: inherit; border-radius: 2px; }
${Object.entries(HL).map(([c, v]) => `mark.saqta-${c} { background: ${v}; }`).join('\n')}
img { max-width: 100%; height: auto; }
ol.saqta-claims { font: 15px/1.5 system-ui, sans-serif; }
img.saqta-area { border: 1px solid #8c959f; max-height: 24rem; margin-top: .3rem; }
.saqta-missing-image { display: block; padding: .6em; border: 1px dashed #8c959f; font: 14px/1.45 system-ui, sans-serif; color: #57606a; }
header.saqta .verify { display: block; margin-top: .4rem; }
@media (prefers-color-scheme: dark) { body { background: #15181c; color: #e6e9ed; } header.saqta, .saqta-missing-image { color: #a3acb6; } mark.saqta-claim { color: #111; } a { color: #6cb6ff; } }
`;

/** Remove what must never run or load in a copy opened from disk (defence in depth: the CSP forbids it too). */
export function stripActive(html: string): string {
  // One pass of removals can make a tag (`<me<link>ta http-equiv=refresh …>` → `<meta …>`): repeat until nothing changes.
  let out = html;
  for (let i = 0; i < 32; i++) {
    const next = stripOnce(out);
    if (next === out) return out;
    out = next;
  }
  // Still changing after 32 passes: a nesting built to exhaust us. Nothing of it survives as markup.
  return escapeHtml(out.replace(/<[^>]*>/g, ''));
}

/**
 * The article body of a file Saqta hands out (reader.html, the library's "HTML file"), as
 * DOMPurify serializes it (issue 24): parsed the way a browser will parse the file, everything
 * that runs, loads or navigates taken out; then `stripActive` over the serialized result. Without
 * a DOM (Node without one), `stripActive` alone.
 */
export function inertBody(html: string): string {
  const win = (globalThis as { window?: Window & typeof globalThis }).window;
  if (!win?.document || typeof win.DOMParser !== 'function') return stripActive(html);
  const purify = (inertPurifier ??= createDOMPurify(win));
  const clean = purify.sanitize(html, {
    FORBID_TAGS: ['script', 'iframe', 'object', 'embed', 'frame', 'frameset', 'applet', 'noscript', 'template', 'base', 'meta', 'link', 'form', 'input', 'button', 'select', 'textarea', 'option', 'portal'],
    FORBID_ATTR: ['action', 'formaction', 'ping', 'http-equiv', 'srcdoc'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|data:image\/(?:png|jpe?g|gif|webp|avif);|[^a-z]|[a-z+.-]+(?:[^a-z+.:-]|$))/i,
  }) as unknown as string;
  return stripActive(String(clean));
}
let inertPurifier: ReturnType<typeof createDOMPurify> | undefined;

function stripOnce(html: string): string {
  return html
    .replace(/<(script|iframe|object|embed|frame|frameset|applet|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|iframe|object|embed|frame|base|meta|link)\b[^>]*>/gi, '')
    .replace(/<\/?(form|input|button|select|textarea|option|optgroup|datalist|fieldset|legend|output)\b[^>]*>/gi, '')
    .replace(/\s(on[a-z]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/\s(action|formaction)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/\s(href|src|xlink:href)\s*=\s*("\s*javascript:[^"]*"|'\s*javascript:[^']*'|javascript:[^\s>]+)/gi, '');
}

/** Body content of an HTML document (or the fragment itself). */
function bodyOf(html: string): string {
  const m = /<body\b[^>]*>([\s\S]*?)(<\/body>|$)/i.exec(html);
  return m ? m[1]! : html.replace(/<head\b[\s\S]*?<\/head>/i, '').replace(/<\/?html\b[^>]*>/gi, '').replace(/<!doctype[^>]*>/i, '');
}

/**
 * Wrap each claim's quote in <mark> inside the HTML's text. Quotes are found
 * in the text with white space collapsed (prefix first, to pick the right
 * occurrence); a quote that spans elements is marked piece by piece.
 * Returns the HTML and the ids of claims that were not found (orphans).
 */
/** JavaScript's `\s`, by UTF-16 code unit (a regex per character made the collapsed text most of markClaims' time). */
const isSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

export function markClaims(html: string, annotations: Annotation[]): { html: string; missing: string[] } {
  const parts = html.split(/(<[^>]*>)/);
  // Text of each part (tags contribute nothing; script/style content is skipped).
  let text = '';
  const starts: number[] = [];
  let skip = false;
  const decoded: string[] = [];
  for (const part of parts) {
    starts.push(text.length);
    if (part.startsWith('<')) {
      decoded.push('');
      if (/^<(script|style)\b/i.test(part)) skip = true;
      else if (/^<\/(script|style)\b/i.test(part)) skip = false;
      continue;
    }
    const d = skip ? '' : decodeEntities(part);
    decoded.push(d);
    text += d;
  }
  // Collapsed-whitespace view of the text with a map back: runs of non-space are copied whole,
  // each run of whitespace becomes one space (none at the start).
  const pieces: string[] = [];
  const map: number[] = [];
  let lastSpace = true;
  let run = -1;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      if (run >= 0) pieces.push(text.slice(run, i));
      run = -1;
      if (lastSpace) continue;
      pieces.push(' ');
      lastSpace = true;
    } else {
      if (run < 0) run = i;
      lastSpace = false;
    }
    map.push(i);
  }
  if (run >= 0) pieces.push(text.slice(run));
  const flat = pieces.join('');
  map.push(text.length);
  const squash = (s: string) => s.replace(/\s+/g, ' ');
  const ranges: { start: number; end: number; a: Annotation }[] = [];
  const missing: string[] = [];
  for (const a of annotations) {
    const q = quoteOf(a);
    const exact = q ? squash(q.exact).trim() : '';
    if (!exact) continue;
    let at = -1;
    const prefix = q ? squash(q.prefix).trimStart() : '';
    if (prefix) {
      const p = flat.indexOf(prefix + exact);
      if (p >= 0) at = p + prefix.length;
      else {
        const p2 = flat.indexOf(`${prefix.trimEnd()} ${exact}`);
        if (p2 >= 0) at = p2 + prefix.trimEnd().length + 1;
      }
    }
    if (at < 0) at = flat.indexOf(exact);
    if (at < 0) {
      missing.push(a.id);
      continue;
    }
    ranges.push({ start: map[at]!, end: map[at + exact.length - 1]! + 1, a });
  }
  ranges.sort((x, y) => x.start - y.start);
  const out: string[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    if (part.startsWith('<') || !decoded[k]) {
      out.push(part);
      continue;
    }
    const s0 = starts[k]!;
    const d = decoded[k]!;
    const cuts = new Set<number>([0, d.length]);
    for (const r of ranges) {
      if (r.end <= s0 || r.start >= s0 + d.length) continue;
      cuts.add(Math.max(0, r.start - s0));
      cuts.add(Math.min(d.length, r.end - s0));
    }
    const sorted = [...cuts].sort((x, y) => x - y);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const from = sorted[i]!;
      const to = sorted[i + 1]!;
      const piece = escapeHtml(d.slice(from, to));
      const r = ranges.find((rr) => rr.start <= s0 + from && rr.end >= s0 + to);
      out.push(r ? `<mark class="saqta-claim saqta-${r.a.body.color}" data-claim="${escapeHtml(r.a.id)}" title="${escapeHtml(r.a.body.tags.join(', '))}">${piece}</mark>` : piece);
    }
  }
  return { html: out.join(''), missing };
}

function docShell(lang: string | undefined, title: string, body: string, ui: ExportLang): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang ?? ui)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Saqta">
<title>${escapeHtml(title)}</title>
<style>${MARK_CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function claimList(annotations: Annotation[], missing: Set<string>, lang: ExportLang, areas: Map<string, string> = new Map()): string {
  if (!annotations.length) return '';
  const items = annotations.map((a) => {
    // A PDF's area claim (a rectangle on a scanned page) has no quote: its page and its cropped picture.
    const area = quoteOf(a) ? null : areaOf(a);
    const q = quoteOf(a)?.exact ?? (area ? ex(lang, 'pdfAreaOnPage', String(area.page)) : '');
    const page = pageOf(a);
    const pageNo = page ? ` <small class="saqta-page">(${escapeHtml(ex(lang, 'pdfPageNo', page.label ?? String(page.index + 1)))})</small>` : '';
    const pic = area && areas.get(a.id) ? `<br><img class="saqta-area" src="${escapeHtml(areas.get(a.id)!)}" alt="${escapeHtml(ex(lang, 'pdfAreaPicture', String(area.page)))}">` : '';
    const tags = a.body.tags.map((t) => `<span class="tag">#${escapeHtml(t)}</span>`).join(' ');
    return `<li id="${escapeHtml(a.id)}"><mark class="saqta-claim saqta-${a.body.color}">${escapeHtml(q)}</mark>${pageNo}${missing.has(a.id) ? ` <em>${escapeHtml(ex(lang, 'exp_notFound'))}</em>` : ''}${pic}${tags ? `<br>${tags}` : ''}${a.body.note ? `<br><small>${escapeHtml(a.body.note)}</small>` : ''}</li>`;
  });
  return `<h2>${escapeHtml(ex(lang, 'exp_claims'))}</h2>\n<ol class="saqta-claims">${items.join('\n')}</ol>`;
}

type ReaderArticle = Pick<BundleArticle, 'page' | 'annotations' | 'articleHtml' | 'captures' | 'shown' | 'areaImages'>;

/**
 * The capture an export shows (its article, its time): the one `shown` names (collect.ts, which applies
 * the reader's choice), else the rule of utils/store/copy-choice.ts without a choice.
 */
export function shownCapture(article: Pick<BundleArticle, 'captures' | 'shown'>): BundleArticle['captures'][number]['record'] | undefined {
  const records = article.captures.map((c) => c.record);
  return (article.shown ? records.find((r) => r.id === article.shown) : undefined) ?? shownCopy(records);
}

/** "Copy captured by Aigerim, a team colleague, key 3F2A 9C01 … (not confirmed by you)" for a colleague's copy; '' for the reader's own. */
export function copyByline(record: Pick<CaptureRecord, 'author'> | undefined, lang: ExportLang): string {
  const by = record?.author;
  if (!by) return '';
  const key = by.fingerprint ? groupFingerprint(by.fingerprint) : ex(lang, 'exp_copyNoKey');
  return ex(lang, 'exp_copyBy', by.name, key, ex(lang, by.unconfirmed ? 'exp_copyKeyUnconfirmed' : 'exp_copyKeyConfirmed'));
}

interface ReaderOptions {
  /** The reader's language (en, kk, ru) for Saqta's own words in the file; English if absent. */
  lang?: string;
  /** A line added under the header. */
  note?: string;
  /** Saved image bytes as data: URLs, by the URL the article's <img src> names (`imageSources`). */
  images?: Map<string, string>;
  /** Area claims' pictures as data: URLs, by claim id (`areaSources`). */
  areas?: Map<string, string>;
}

/** Base64 of bytes, in slices (no call with millions of arguments). */
function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * The saved images of an article as data: URLs, by source URL: the bytes the
 * save stored (every capture; the newest wins), so a copy opened from disk
 * shows them under its own policy (img-src data:) without the network.
 */
async function imageSources(article: Pick<BundleArticle, 'captures'>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { files } of article.captures) {
    for (const { ref, data } of files) {
      if (ref.kind !== 'image' || !ref.sourceUrl) continue;
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
      const mime = (ref.mime || 'application/octet-stream').split(';')[0]!.trim();
      if (!/^image\/[a-z0-9.+-]+$/i.test(mime)) continue;
      out.set(ref.sourceUrl, `data:${mime};base64,${base64(bytes)}`);
    }
  }
  return out;
}

/**
 * Point every <img> at its saved bytes; an image that was not saved becomes
 * its alt text (the file's policy would block the live URL anyway), and
 * srcset/sizes go (they would name live URLs).
 */
export function inlineImages(html: string, images: Map<string, string>, lang: ExportLang): string {
  return html.replace(/<img\b[^>]*>/gi, (tag) => {
    const src = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    const url = src ? decodeEntities(src[1] ?? src[2] ?? src[3] ?? '') : '';
    const data = url.startsWith('data:') ? url : images.get(url);
    if (!data) {
      const alt = /\salt\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
      const text = alt ? decodeEntities(alt[1] ?? alt[2] ?? '') : '';
      return `<span class="saqta-missing-image">${escapeHtml(text || ex(lang, 'exp_imageNotSaved'))}</span>`;
    }
    const rest = tag
      .replace(/^<img\b/i, '')
      .replace(/\/?>$/, '')
      .replace(/\s(src|srcset|sizes|data-src|data-srcset)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');
    return `<img src="${escapeHtml(data)}" data-source="${escapeHtml(url)}"${rest}>`;
  });
}

/** The reader copy of one article as a self-contained HTML file with its claims marked. */
export function readerHtml(article: ReaderArticle, options: ReaderOptions | string = {}): string {
  const opts = typeof options === 'string' ? { note: options } : options;
  const lang = exportLang(opts.lang);
  const note = opts.note ?? '';
  const { page, annotations } = article;
  // The copy shown is the reader's own newest unless they chose a colleague's (collect.ts); its time is that copy's,
  // never a colleague's later one, and a colleague's copy says whose it is and their key (issue 23).
  const shown = shownCapture(article);
  const captured = shown?.capturedAt;
  const by = copyByline(shown, lang);
  const header = `<header class="saqta"><strong lang="${escapeHtml(page.lang ?? 'und')}" dir="auto">${escapeHtml(page.title)}</strong><br><a href="${escapeHtml(page.url)}" rel="noreferrer">${escapeHtml(page.url)}</a><br>${captured ? `<time datetime="${escapeHtml(captured)}">${escapeHtml(ex(lang, 'exp_saved', exportTime(captured, lang)))}</time>` : escapeHtml(ex(lang, 'exp_noCopy'))}${by ? `<br><span class="saqta-copy-by">${escapeHtml(by)}</span>` : ''}${note ? `<br>${escapeHtml(note)}` : ''}</header>`;
  if (!article.articleHtml) return docShell(lang, page.title, header + claimList(annotations, new Set(), lang, opts.areas), lang);
  // Area claims mark no text: they are not "not found".
  const { html, missing } = markClaims(inertBody(bodyOf(article.articleHtml)), annotations.filter((a) => quoteOf(a) || !areaOf(a)));
  return docShell(lang, page.title, `${header}\n<article lang="${escapeHtml(page.lang ?? 'und')}" dir="auto">${inlineImages(html, opts.images ?? new Map(), lang)}</article>\n${claimList(annotations, new Set(missing), lang, opts.areas)}`, lang);
}

/** Area claims' pictures as data: URLs (PNG only), by claim id. */
async function areaSources(article: Pick<BundleArticle, 'areaImages'>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [id, data] of article.areaImages ?? []) {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
    const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (PNG.every((b, i) => bytes[i] === b)) out.set(id, `data:image/png;base64,${base64(bytes)}`);
  }
  return out;
}

/** readerHtml with the saved images inlined: the file a bundle and the library's "HTML file" hold. */
export async function readerFile(article: ReaderArticle, lang?: string): Promise<string> {
  return readerHtml(article, { lang, images: await imageSources(article), areas: await areaSources(article) });
}

/** index.html of a bundle: every article, its claims and files, as links that work from the unzipped folder. */
export function indexHtml(
  title: string,
  created: string,
  software: string,
  articles: { page: PageRecord; dir: string; annotations: Annotation[]; files: string[] }[],
  uiLang?: string,
): string {
  const lang = exportLang(uiLang);
  const body = articles
    .map(({ page, dir, annotations, files }) => {
      const links = files.map((f) => `<a href="${escapeHtml(encodeURI(f))}">${escapeHtml(f.slice(dir.length + 1))}</a>`).join(' · ');
      return `<section>
<h2 lang="${escapeHtml(page.lang ?? 'und')}" dir="auto"><a href="${escapeHtml(encodeURI(`${dir}/reader.html`))}">${escapeHtml(page.title || page.url)}</a></h2>
<p class="meta">${escapeHtml(page.siteName ?? '')} <a href="${escapeHtml(page.url)}" rel="noreferrer">${escapeHtml(page.url)}</a></p>
<p class="files">${links}</p>
${claimList(annotations, new Set(), lang)}
</section>`;
    })
    .join('\n');
  const verify = ex(lang, 'exp_verifyHow', '<code>npm install</code>', `<code>npm run verify -- ${escapeHtml(ex(lang, 'exp_bundleZip'))}</code>`);
  return docShell(
    undefined,
    title,
    `<header class="saqta"><strong>${escapeHtml(title)}</strong><br>${escapeHtml(software)} · <time datetime="${escapeHtml(created)}">${escapeHtml(exportTime(created, lang))}</time><br>${escapeHtml(ex(lang, 'exp_files'))} <a href="annotations.jsonld">annotations.jsonld</a> · <a href="claims.md">claims.md</a> · <a href="datapackage.json">datapackage.json</a><br><small class="verify">${verify}</small></header>\n${body}`,
    lang,
  );
}
