/**
 * Export glue for the library page: stream a bundle from the database into a
 * Blob built from chunks (the browser can keep big Blobs on disk), then hand
 * it to the browser as a download. The single-file exports (HTML, Markdown,
 * JSON-LD) are built the same way from the pure modules in utils/bundle/.
 */
import type { SaqtaDB } from '../../utils/db';
import { writeBundle } from '../../utils/bundle/write';
import { collectArticles, selectionPages, type Selection } from '../../utils/bundle/collect';
import { bundleFileName, portableAnnotation } from '../../utils/bundle/format';
import { readerHtml } from '../../utils/bundle/html';
import { claimsMarkdown } from '../../utils/bundle/markdown';
import { toCollection } from '../../utils/bundle/jsonld';
import { newId } from '../../utils/annotation';
import { withChecks } from '../../utils/store/watch';

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

export async function exportBundle(
  db: SaqtaDB,
  sel: Selection,
  what: string,
  software: string,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<{ name: string; size: number }> {
  const { pageIds, only } = await selectionPages(db, sel);
  const created = new Date();
  const sink = new BlobSink();
  await writeBundle(withChecks(db, collectArticles(db, pageIds, only)), { title: `Saqta: ${what}`, created, software, total: pageIds.length, signal, onProgress }, sink.push);
  const blob = sink.blob('application/zip');
  const name = bundleFileName(what, created);
  download(blob, name);
  return { name, size: blob.size };
}

export async function exportArticleHtml(db: SaqtaDB, pageId: string): Promise<string> {
  for await (const a of collectArticles(db, [pageId])) {
    const name = bundleFileName(a.page.title, new Date(), 'html');
    download(new Blob([readerHtml({ ...a, annotations: a.annotations.map(portableAnnotation) })], { type: 'text/html' }), name);
    return name;
  }
  throw new Error('This article is no longer in the library.');
}

export async function exportAllClaims(db: SaqtaDB, format: 'md' | 'jsonld'): Promise<string> {
  const created = new Date();
  const ids = (await db.pages.orderBy('createdAt').primaryKeys()) as string[];
  const articles = [];
  for await (const a of collectArticles(db, ids)) {
    if (a.annotations.length) articles.push({ page: a.page, annotations: a.annotations.map(portableAnnotation), captures: a.captures });
  }
  const name = bundleFileName('all claims', created, format);
  const text =
    format === 'md'
      ? claimsMarkdown(articles, 'Saqta: all claims', created.toISOString())
      : JSON.stringify(toCollection(articles.flatMap((a) => a.annotations), 'Saqta: all claims', newId()), null, 2);
  download(new Blob([text], { type: format === 'md' ? 'text/markdown' : 'application/ld+json' }), name);
  return name;
}
