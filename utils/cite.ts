/**
 * Citations of claims, as a journalist pastes them into a draft: the quote,
 * then title, site, author, publication date, the URL, and the proof — when
 * the page was captured and the SHA-256 of the capture's archival snapshot
 * (the archive link too, once a capture has one). Plain text or Markdown;
 * the quotation marks, labels and dates follow the reader's language.
 * Pure: the caller passes the localized labels (utils/ext/cite.ts).
 */
import { pageOf, quoteOf, type Annotation } from './annotation';
import { areaOf } from './pdf/area';
import type { ArtifactKind, CaptureRecord, PageRecord } from './db';
import { formatDate } from './format-date';

export type CitationFormat = 'text' | 'markdown';

interface CitationSource {
  quote: string;
  /** A PDF claim's page label (its `PageSelector`: "2"). */
  page?: string;
  /** An area claim (a rectangle on a scanned PDF page) has no quote: its page number is said instead. */
  areaPage?: number;
  title: string;
  site?: string;
  author?: string;
  /** ISO 8601, as the page stated it. */
  published?: string;
  url: string;
  /** ISO 8601 UTC. */
  capturedAt?: string;
  sha256?: string;
  /** Which artifact the hash is of. */
  hashOf?: ArtifactKind;
  /** A link to the capture in a web archive (WACZ exports; not yet). */
  archiveUrl?: string;
}

/** Localized label templates ($1 is the value). */
export interface CitationLabels {
  published: string;
  captured: string;
  /** "SHA-256 of the $1" style; $1 = the artifact's name, $2 = the hash. */
  hash: string;
  archive: string;
  notSaved: string;
  /** "p. $1": a PDF claim's page. */
  page: string;
  /** "Area on page $1": an area claim, in place of a quote. */
  area: string;
  /** Names of artifact kinds, for `hash`. */
  kinds: Partial<Record<ArtifactKind, string>>;
}

/** The artifact whose hash stands for a capture: the page as shown, else the server's HTML, else the article. */
const HASH_ORDER: ArtifactKind[] = ['snapshot', 'raw', 'article'];

/**
 * The archive link of a capture. Captures have none yet: WACZ exports will
 * give each capture a place in an archive, and this is where it is read.
 */
export function archiveLinkOf(capture: CaptureRecord | null | undefined): string | undefined {
  const withLink = capture as (CaptureRecord & { archiveUrl?: string }) | null | undefined;
  return withLink?.archiveUrl || undefined;
}

/** What the open page states about itself (the toolbar on a page not saved yet: utils/extract/meta.ts liveMetaOf). */
export type LiveMeta = Partial<Pick<PageRecord, 'title' | 'siteName' | 'byline' | 'publishedTime' | 'canonicalUrl'>>;

/**
 * The one source of every citation (toolbar, side panel, reader, library):
 * the saved page's facts, else what the open page states; the canonical URL
 * when the page names one, else the captured address.
 */
export function citationSource(a: Annotation, page: PageRecord | null | undefined, capture: CaptureRecord | null | undefined, live: LiveMeta = {}): CitationSource {
  const art = capture ? HASH_ORDER.map((k) => capture.artifacts.find((x) => x.kind === k)).find((x) => !!x) : undefined;
  const pageSel = pageOf(a);
  const area = areaOf(a);
  return {
    quote: quoteOf(a)?.exact ?? '',
    page: pageSel ? (pageSel.label ?? String(pageSel.index + 1)) : area ? String(area.page) : undefined,
    areaPage: !quoteOf(a) && area ? area.page : undefined,
    title: page?.title || live.title || '',
    site: page?.siteName || live.siteName || undefined,
    author: page?.byline || live.byline || undefined,
    published: page?.publishedTime || live.publishedTime || undefined,
    url: page?.canonicalUrl || live.canonicalUrl || capture?.url || page?.url || a.target.source,
    capturedAt: capture?.capturedAt,
    sha256: art?.sha256,
    hashOf: art?.kind,
    archiveUrl: archiveLinkOf(capture),
  };
}

const sub = (template: string, ...values: string[]) => template.replace(/\$(\d)/g, (_, n) => values[Number(n) - 1] ?? '');

/** Quotation marks of a language: « » for Kazakh and Russian, “ ” otherwise. */
export function quoteMarks(lang: string): [string, string] {
  return /^(kk|ru)\b/i.test(lang) ? ['«', '»'] : ['“', '”'];
}

/** A date in the reader's language (Kazakh numeric: Chromium's ICU has no Kazakh month names). */
function citeDate(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.valueOf())) return iso;
  const dateOnly = /^\d{4}-\d\d-\d\d$/.test(iso);
  const offset = /([+-]\d\d:\d\d)$/.exec(iso)?.[1];
  // Kazakh: the numeric date every Saqta view writes (utils/format-date.ts; ICUs differ on "kk").
  if (lang === 'kk') return formatDate(iso, lang, dateOnly ? 'UTC' : offset ?? 'UTC');
  const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric' };
  try {
    return d.toLocaleDateString(lang, { ...opts, timeZone: dateOnly ? 'UTC' : offset ?? 'UTC' });
  } catch {
    return d.toLocaleDateString(lang, { ...opts, timeZone: 'UTC' });
  }
}

/** A capture time in UTC, unambiguous in every language: 2026-11-27 13:43 UTC. */
export function utcStamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.valueOf())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function citation(src: CitationSource, format: CitationFormat, lang: string, labels: CitationLabels): string {
  const [open, close] = quoteMarks(lang);
  const md = format === 'markdown';
  const title = src.title ? (md ? `*${mdEscape(src.title)}*` : src.title) : '';
  const esc = (s: string) => (md ? mdEscape(s) : s);
  const source = [title, src.site && esc(src.site), src.author && esc(src.author), src.published && sub(labels.published, citeDate(src.published, lang)), src.page && sub(labels.page, src.page)]
    .filter(Boolean)
    .join(', ');
  const url = md ? `<${src.url}>` : src.url;
  const proof: string[] = [];
  // No capture: the citation says nothing of one (a pasted "not saved yet" would be wrong by the time it is read).
  if (src.capturedAt) proof.push(sub(labels.captured, utcStamp(src.capturedAt)));
  if (src.sha256) {
    const kind = (src.hashOf && labels.kinds[src.hashOf]) || src.hashOf || '';
    proof.push(sub(labels.hash, kind, md ? `\`${src.sha256}\`` : src.sha256));
  }
  if (src.archiveUrl) proof.push(sub(labels.archive, md ? `<${src.archiveUrl}>` : src.archiveUrl));
  // An area claim: "[Area on page 3]" where a quote would stand (the picture is in the saved copy).
  if (src.areaPage !== undefined && !src.quote) {
    const area = `[${sub(labels.area, String(src.areaPage))}]`;
    return md ? `${mdEscape(area)}\n\n— ${source ? `${source}. ` : ''}${url}${proof.length ? `  \n${proof.join('. ')}` : ''}\n` : `${area}\n— ${source ? `${source}. ` : ''}${url}\n${proof.length ? `${proof.join('. ')}\n` : ''}`;
  }
  if (md) {
    const quote = src.quote.split(/\r?\n/).map((l) => `> ${mdEscape(l)}`).join('\n');
    return `${quote}\n\n— ${source ? `${source}. ` : ''}${url}${proof.length ? `  \n${proof.join('. ')}` : ''}\n`;
  }
  return `${open}${src.quote}${close}\n— ${source ? `${source}. ` : ''}${url}\n${proof.length ? `${proof.join('. ')}\n` : ''}`;
}

function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}
