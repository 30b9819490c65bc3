/**
 * Export glue for the library page: stream a WACZ (utils/wacz/write.ts) from the database into a
 * Blob built from chunks (the browser can keep big Blobs on disk), then hand
 * it to the browser as a download. The single-file exports (HTML, Markdown,
 * JSON-LD) are built the same way from the export layer, utils/export/.
 */
import type { SaqtaDB } from '../../utils/db';
import { writeWacz } from '../../utils/wacz/write';
import { collectArticles, selectionPages, type Selection } from '../../utils/export/collect';
import { bundleFileName, portableAnnotation } from '../../utils/export/portable';
import { readerFile } from '../../utils/export/html';
import { claimsMarkdown } from '../../utils/export/markdown';
import { toCollection } from '../../utils/export/jsonld';
import { newId } from '../../utils/annotation';
import { exportEvidence } from '../../utils/ext/evidence';

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Chunks become Blob parts; every 8 MiB they are folded into one Blob so the page holds little. */
class BlobSink {
  private parts: BlobPart[] = [];
  private pending: Uint8Array[] = [];
  private size = 0;
  push = (chunk: Uint8Array) => {
    this.pending.push(chunk);
    this.size += chunk.length;
    if (this.size > 8 * 1024 * 1024) this.fold();
  };
  private fold() {
    if (this.pending.length) this.parts = [new Blob([...this.parts, ...(this.pending as BlobPart[])])];
    this.pending = [];
    this.size = 0;
  }
  blob(type: string) {
    this.fold();
    return new Blob(this.parts, { type });
  }
}

/**
 * The WACZ of a selection as a Blob, exactly as the Export buttons write it
 * (signed, time-stamped when timestamps are on), without the download: the
 * bundle benchmark (bench/page/bundle.ts) times this.
 */
export async function buildWacz(
  db: SaqtaDB,
  sel: Selection,
  software: string,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal | undefined,
  label: { title: string; lang: string },
): Promise<{ blob: Blob; created: Date }> {
  const { pageIds, only } = await selectionPages(db, sel);
  const created = new Date();
  const sink = new BlobSink();
  // With each article's watch check records (as utils/store/watch.ts withChecks adds them, one query per batch).
  // Signed with the install's key, and time-stamped when timestamps are on (utils/ext/evidence.ts).
  await writeWacz(collectArticles(db, pageIds, only, { checks: true }), { title: label.title, lang: label.lang, created, software, total: pageIds.length, signal, onProgress, digestFields: exportEvidence }, sink.push);
  return { blob: sink.blob('application/wacz'), created };
}

export async function exportWacz(
  db: SaqtaDB,
  sel: Selection,
  what: string,
  software: string,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
  /** The WACZ's title and language (the reader's). */
  label: { title: string; lang: string } = { title: `Saqta: ${what}`, lang: 'en' },
): Promise<{ name: string; size: number }> {
  const { blob, created } = await buildWacz(db, sel, software, onProgress, signal, label);
  const name = bundleFileName(what, created, 'wacz');
  download(blob, name);
  return { name, size: blob.size };
}

/** One article as a self-contained HTML file: claims marked, saved images inlined, Saqta's words in `lang`. */
export async function exportArticleHtml(db: SaqtaDB, pageId: string, lang = 'en'): Promise<string> {
  for await (const a of collectArticles(db, [pageId])) {
    const name = bundleFileName(a.page.title, new Date(), 'html');
    download(new Blob([await readerFile({ ...a, annotations: a.annotations.map(portableAnnotation) }, lang)], { type: 'text/html' }), name);
    return name;
  }
  throw new Error('This article is no longer in the library.');
}

export async function exportAllClaims(db: SaqtaDB, format: 'md' | 'jsonld', label: { title: string; lang: string } = { title: 'Saqta: all claims', lang: 'en' }): Promise<string> {
  const created = new Date();
  const ids = (await db.pages.orderBy('createdAt').primaryKeys()) as string[];
  const articles = [];
  for await (const a of collectArticles(db, ids)) {
    if (a.annotations.length) articles.push({ page: a.page, annotations: a.annotations.map(portableAnnotation), captures: a.captures });
  }
  const name = bundleFileName('all claims', created, format);
  const text =
    format === 'md'
      ? claimsMarkdown(articles, label.title, created.toISOString(), label.lang)
      : JSON.stringify(toCollection(articles.flatMap((a) => a.annotations), label.title, newId()), null, 2);
  download(new Blob([text], { type: format === 'md' ? 'text/markdown' : 'application/ld+json' }), name);
  return name;
}
