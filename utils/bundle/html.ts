/**
 * HTML that travels: the reader copy with its claims marked, and the
 * bundle's index.html. No DOM needed (runs in the library page and in Node),
 * no scripts, and a Content-Security-Policy that forbids scripts, every
 * network request and every form post (`form-action 'none'`), so a copy
 * opened from disk shows only what it holds; forms in a saved article are
 * taken out (the tags go, their text stays).
 */
import { quoteOf, type Annotation } from '../annotation';
import type { PageRecord } from '../db';
import { decodeEntities } from '../search/html-text';
import { escapeHtml, type BundleArticle } from './format';

export const CSP = "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; media-src data:; font-src data:; form-action 'none'; base-uri 'none'";

const HL: Record<string, string> = { yellow: '#ffe066', green: '#8ce99a', blue: '#a5d8ff', pink: '#fcc2d7', purple: '#d0bfff' };

export const MARK_CSS = `
body { font: 17px/1.6 Georgia, 'Noto Serif', 'DejaVu Serif', serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; background: #fff; }
header.saqta { font: 14px/1.45 system-ui, sans-serif; border-bottom: 1px solid #d0d7de; margin-bottom: 1.5rem; padding-bottom: .75rem; color: #57606a; }
mark.saqta-claim { color: inherit; border-radius: 2px; }
${Object.entries(HL).map(([c, v]) => `mark.saqta-${c} { background: ${v}; }`).join('\n')}
img { max-width: 100%; height: auto; }
ol.saqta-claims { font: 14px/1.45 system-ui, sans-serif; }
@media (prefers-color-scheme: dark) { body { background: #15181c; color: #e6e9ed; } mark.saqta-claim { color: #111; } a { color: #6cb6ff; } }
`;

/** Remove what must never run or load in a copy opened from disk (defence in depth: the CSP forbids it too). */
export function stripActive(html: string): string {
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
  // Collapsed-whitespace view of the text with a map back.
  let flat = '';
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ws = /\s/.test(text[i]!);
    if (ws && (flat.endsWith(' ') || flat === '')) continue;
    flat += ws ? ' ' : text[i];
    map.push(i);
  }
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

function docShell(lang: string | undefined, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang ?? 'und')}" dir="auto">
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

function claimList(annotations: Annotation[], missing: Set<string>): string {
  if (!annotations.length) return '';
  const items = annotations.map((a) => {
    const q = quoteOf(a)?.exact ?? '';
    const tags = a.body.tags.map((t) => `<span class="tag">#${escapeHtml(t)}</span>`).join(' ');
    return `<li id="${escapeHtml(a.id)}"><mark class="saqta-claim saqta-${a.body.color}">${escapeHtml(q)}</mark>${missing.has(a.id) ? ' <em>(not found in the saved text)</em>' : ''}${tags ? `<br>${tags}` : ''}${a.body.note ? `<br><small>${escapeHtml(a.body.note)}</small>` : ''}</li>`;
  });
  return `<h2>Claims</h2>\n<ol class="saqta-claims">${items.join('\n')}</ol>`;
}

/** The reader copy of one article as a self-contained HTML file with its claims marked. */
export function readerHtml(article: Pick<BundleArticle, 'page' | 'annotations' | 'articleHtml' | 'captures'>, note = ''): string {
  const { page, annotations } = article;
  const captured = article.captures.map((c) => c.record.capturedAt).sort().at(-1);
  const header = `<header class="saqta"><strong>${escapeHtml(page.title)}</strong><br><a href="${escapeHtml(page.url)}" rel="noreferrer">${escapeHtml(page.url)}</a><br>${captured ? `Saved ${escapeHtml(captured)}` : 'No saved copy: the claims as quoted.'}${note ? `<br>${escapeHtml(note)}` : ''}</header>`;
  if (!article.articleHtml) return docShell(page.lang, page.title, header + claimList(annotations, new Set()));
  const { html, missing } = markClaims(stripActive(bodyOf(article.articleHtml)), annotations);
  return docShell(page.lang, page.title, `${header}\n<article>${html}</article>\n${claimList(annotations, new Set(missing))}`);
}

/** index.html of a bundle: every article, its claims and files, as links that work from the unzipped folder. */
export function indexHtml(
  title: string,
  created: string,
  software: string,
  articles: { page: PageRecord; dir: string; annotations: Annotation[]; files: string[] }[],
): string {
  const body = articles
    .map(({ page, dir, annotations, files }) => {
      const links = files.map((f) => `<a href="${escapeHtml(encodeURI(f))}">${escapeHtml(f.slice(dir.length + 1))}</a>`).join(' · ');
      return `<section>
<h2><a href="${escapeHtml(encodeURI(`${dir}/reader.html`))}">${escapeHtml(page.title || page.url)}</a></h2>
<p class="meta">${escapeHtml(page.siteName ?? '')} <a href="${escapeHtml(page.url)}" rel="noreferrer">${escapeHtml(page.url)}</a></p>
<p class="files">${links}</p>
${claimList(annotations, new Set())}
</section>`;
    })
    .join('\n');
  return docShell(undefined, title, `<header class="saqta"><strong>${escapeHtml(title)}</strong><br>${escapeHtml(software)} · ${escapeHtml(created)}<br>Files: <a href="annotations.jsonld">annotations.jsonld</a> · <a href="claims.md">claims.md</a> · <a href="datapackage.json">datapackage.json</a> (check with <code>npm run verify</code>)</header>\n${body}`);
}
