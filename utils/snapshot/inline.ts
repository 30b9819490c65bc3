/**
 * The background half of an archival snapshot: fetch every resource the page
 * half listed, inline it as a data: URL, inline stylesheets (with their
 * @imports, images and fonts), inline frames as srcdoc, and put the proof
 * header on top. Pure: fetching is injected, so Node tests run it on fixtures.
 */
import { FRAME, RES, SHEET, type PageSnapshot } from './types';

export interface Fetched {
  bytes: Uint8Array;
  /** MIME type without parameters. */
  mime: string;
  /** The HTTP exchange as the background saw it (recorded as WARC request/response on export; utils/wacz/capture.ts). */
  http?: HttpInfo;
}

export interface HttpInfo {
  /** After redirects. */
  url: string;
  status: number;
  statusText: string;
  /** Response headers as received (the body is decoded: see utils/wacz/capture.ts). */
  headers: [string, string][];
  /** Request headers known to have been sent. */
  requestHeaders: [string, string][];
  /** ISO time the response came. */
  date: string;
}

/** Fetch a URL's bytes (the background: host permissions, cache first); null when it fails. */
export type Fetcher = (url: string, init?: FetchInit) => Promise<Fetched | null>;

/**
 * How to fetch: with the browser's cookies only when the page itself could have read the answer
 * (its own origin). Another origin's answer the page loaded without being able to read it (an
 * image, a style, a webmail feed in resource timing) is fetched without credentials (issue 24),
 * so a save never carries another site's private answer.
 */
export interface FetchInit {
  credentials: 'include' | 'omit';
}

/** The credentials mode for re-fetching `url` for a page at `pageUrl`: cookies for the page's own origin only. */
export function credentialsFor(url: string, pageUrl: string): FetchInit {
  try {
    return { credentials: new URL(url).origin === new URL(pageUrl).origin ? 'include' : 'omit' };
  } catch {
    return { credentials: 'omit' };
  }
}

interface SnapshotHeader {
  url: string;
  finalUrl?: string;
  title: string;
  capturedAt: string;
  browser: string;
  extensionVersion: string;
}

interface InlineStats {
  resources: number;
  failed: string[];
}

const MAX_RESOURCE = 25 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

function dataUrl(f: Fetched): string {
  return `data:${f.mime || 'application/octet-stream'};base64,${toBase64(f.bytes)}`;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const escapeComment = (s: string) => s.replace(/--/g, '‐‐');

/** Memoized fetches (a font used by ten rules is fetched once), as data: URLs. */
class Cache {
  private urls = new Map<string, Promise<string>>();
  private texts = new Map<string, Promise<string | null>>();
  failed: string[] = [];
  constructor(private fetcher: Fetcher) {}

  dataUrl(url: string): Promise<string> {
    if (/^data:/i.test(url)) return Promise.resolve(url);
    let p = this.urls.get(url);
    if (!p) {
      p = this.fetcher(url)
        .catch(() => null)
        .then((f) => {
          if (!f || f.bytes.length > MAX_RESOURCE) {
            this.failed.push(url);
            return '';
          }
          return dataUrl(f);
        });
      this.urls.set(url, p);
    }
    return p;
  }

  text(url: string): Promise<string | null> {
    let p = this.texts.get(url);
    if (!p) {
      p = this.fetcher(url)
        .catch(() => null)
        .then((f) => {
          if (!f) {
            this.failed.push(url);
            return null;
          }
          return new TextDecoder().decode(f.bytes);
        });
      this.texts.set(url, p);
    }
    return p;
  }
}

function absolute(url: string, base: string): string | null {
  try {
    return new URL(url, base).href;
  } catch {
    return null;
  }
}

const URL_RE = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^'")\s][^)]*?))\s*\)/gi;
const IMPORT_RE = /@import\s+(?:url\(\s*)?["']?([^"')\s;]+)["']?\s*\)?\s*([^;]*);/gi;

/** Replace async matches of a global regexp. */
async function replaceAsync(s: string, re: RegExp, fn: (...m: string[]) => Promise<string>): Promise<string> {
  const parts: Promise<string>[] = [];
  let last = 0;
  for (const m of s.matchAll(re)) {
    parts.push(Promise.resolve(s.slice(last, m.index)));
    parts.push(fn(...(m as unknown as string[])));
    last = m.index! + m[0].length;
  }
  parts.push(Promise.resolve(s.slice(last)));
  return (await Promise.all(parts)).join('');
}

/** A stylesheet made self-contained: @imports inlined, url()s as data: URLs. */
async function inlineCss(css: string, base: string, cache: Cache, depth = 0): Promise<string> {
  let out = await replaceAsync(css, IMPORT_RE, async (_m, href, media) => {
    const abs = absolute(href, base);
    if (!abs || depth > 4) return '';
    const text = await cache.text(abs);
    if (text === null) return '';
    const inner = await inlineCss(text, abs, cache, depth + 1);
    return media?.trim() ? `@media ${media.trim()} {\n${inner}\n}` : inner;
  });
  out = await replaceAsync(out, URL_RE, async (m, dq, sq, bare) => {
    const raw = (dq ?? sq ?? bare ?? '').trim();
    if (!raw || raw.startsWith('#') || /^data:/i.test(raw)) return m;
    const abs = absolute(raw, base);
    if (!abs || !/^https?:/i.test(abs)) return 'url("")';
    const data = await cache.dataUrl(abs);
    return `url("${data}")`;
  });
  // A stylesheet must not close its own <style>.
  return out.replace(/<\/(style)/gi, '<\\/$1');
}

async function inlineOne(snap: PageSnapshot, cache: Cache): Promise<string> {
  const [res, sheets, frames] = await Promise.all([
    Promise.all(snap.resources.map((u) => cache.dataUrl(u))),
    Promise.all(
      snap.sheets.map(async (s) => {
        const text = s.text ?? (s.href ? await cache.text(s.href) : null) ?? '';
        return inlineCss(text, s.base, cache);
      }),
    ),
    Promise.all(snap.frames.map((f) => inlineOne(f, cache))),
  ]);
  let html = snap.html;
  html = html.replace(new RegExp(`/\\*${SHEET}(\\d+)\\*/`, 'g'), (_m, i) => sheets[Number(i)] ?? '');
  html = html.replace(new RegExp(`${FRAME}(\\d+)`, 'g'), (_m, i) => escapeAttr(frames[Number(i)] ?? ''));
  html = html.replace(new RegExp(`${RES}(\\d+)`, 'g'), (_m, i) => res[Number(i)] ?? '');
  return html;
}

/** The proof header: a comment above <html> and <meta name="saqta:*"> in <head>. */
function withHeader(html: string, h: SnapshotHeader): string {
  const lines = [
    'Archived with Saqta — https://github.com/saqta',
    `URL: ${h.url}`,
    ...(h.finalUrl && h.finalUrl !== h.url ? [`Final URL: ${h.finalUrl}`] : []),
    `Title: ${h.title}`,
    `Captured: ${h.capturedAt}`,
    `Browser: ${h.browser}`,
    `Saqta: ${h.extensionVersion}`,
    'Scripts, event handlers and form actions were removed; every resource is inlined.',
  ];
  const comment = `<!--\n${lines.map((l) => `  ${escapeComment(l)}`).join('\n')}\n-->\n`;
  const metas = [
    ['saqta:url', h.url],
    ['saqta:final-url', h.finalUrl ?? h.url],
    ['saqta:captured-at', h.capturedAt],
    ['saqta:browser', h.browser],
    ['saqta:extension-version', h.extensionVersion],
  ]
    .map(([n, v]) => `<meta name="${n}" content="${escapeAttr(v)}">`)
    .join('');
  const doctype = /^<!DOCTYPE[^>]*>\s*/i.exec(html)?.[0] ?? '';
  let rest = html.slice(doctype.length);
  rest = /<head[^>]*>/i.test(rest) ? rest.replace(/<head[^>]*>/i, (m) => `${m}${metas}`) : `${metas}${rest}`;
  return `${doctype.trim() || '<!DOCTYPE html>'}\n${comment}${rest}`;
}

/** The finished, self-contained snapshot file. */
export async function inlineSnapshot(
  snap: PageSnapshot,
  fetcher: Fetcher,
  header: SnapshotHeader,
): Promise<{ html: string; stats: InlineStats }> {
  const cache = new Cache(fetcher);
  const html = await inlineOne(snap, cache);
  return {
    html: withHeader(html, header),
    stats: { resources: snap.resources.length, failed: [...new Set(cache.failed)] },
  };
}
