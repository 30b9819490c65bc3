/** Libraries for the team-sync tests: claims and a saved copy made through the store, as the extension makes them. */
import { SaqtaDB } from '../../utils/db';
import { createAnnotation } from '../../utils/store/annotations';
import { storeCapture } from '../../utils/store/captures';
import { pageKeys } from '../../utils/url';
import type { PageInfo } from '../../utils/messages';

export const ARTICLE = 'https://news.example.kz/2026/11/report';

export function pageInfo(url = ARTICLE, title = 'Court hearing postponed'): PageInfo {
  return { keys: pageKeys(url), title };
}

export async function claim(db: SaqtaDB, exact: string, opts: { url?: string; tags?: string[]; note?: string } = {}) {
  const { annotation } = await createAnnotation(
    db,
    pageInfo(opts.url),
    [
      { type: 'TextQuoteSelector', exact, prefix: 'before ', suffix: ' after' },
      { type: 'TextPositionSelector', start: 10, end: 10 + exact.length },
    ],
    { tags: opts.tags ?? [], note: opts.note ?? '', color: 'yellow' },
  );
  return annotation;
}

export async function saveCopy(db: SaqtaDB, url = ARTICLE, html = '<article><p>The hearing was postponed to December.</p></article>') {
  const { capture } = await storeCapture(db, {
    page: pageInfo(url),
    meta: { title: 'Court hearing postponed', siteName: 'news.example.kz' },
    url,
    finalUrl: url,
    capturedAt: new Date().toISOString(),
    browser: 'test',
    extensionVersion: '0.1.0',
    artifacts: [
      { kind: 'article', bytes: new TextEncoder().encode(html), mime: 'text/html' },
      { kind: 'snapshot', bytes: new TextEncoder().encode(`<!doctype html><html><body>${html}</body></html>`), mime: 'text/html' },
    ],
  });
  return capture;
}

let n = 0;
export function freshDb(who: string): SaqtaDB {
  return new SaqtaDB(`team-${who}-${++n}-${Math.random().toString(36).slice(2)}`);
}

/** A member's signing key, made as the install makes it (utils/evidence/keys.ts: ECDSA P-384, private key non-extractable). */
export async function newSigner() {
  const { createKeyRecord } = await import('../../utils/evidence/keys');
  const k = await createKeyRecord(crypto.subtle);
  return { privateKey: k.privateKey, spki: k.spki, fingerprint: k.fingerprint };
}

let win: (Window & typeof globalThis) | null = null;
/** The sync's sanitizer in Node: the save-time cleaner over jsdom's DOM (the extension: offscreen document / event page). */
export async function cleanInNode(articles: import('../../utils/export/records').ParsedArticle[]): Promise<void> {
  const { JSDOM } = await import('jsdom');
  const { cleanPartArticles } = await import('../../utils/team/clean');
  const { cleanSavedHtml } = await import('../../utils/extract/clean-html');
  win ??= new JSDOM('').window as unknown as Window & typeof globalThis;
  await cleanPartArticles(articles, async (kind, html) => cleanSavedHtml(kind, html, win!));
}
