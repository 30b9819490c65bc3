/**
 * Reading a saved copy in an extension page: the page, its claims and
 * captures through the background, the stored bytes straight from the
 * extension's own IndexedDB (blobs do not travel through runtime messages).
 * The article HTML is sanitized again here and its images point at blob:
 * URLs of the stored bytes — showing a copy makes no network request.
 */
import { getDb, type CaptureRecord, type PageRecord } from '../utils/db';
import type { Annotation } from '../utils/annotation';
import { send } from '../utils/ext/client';
import { sanitizeArticle } from '../utils/extract/sanitize';
import { cleanSnapshotHtml } from '../utils/extract/clean-html';
import { paragraphsOf } from '../utils/extract';
import { shownCopy } from '../utils/store/copy-choice';

export interface SavedCopy {
  page: PageRecord;
  annotations: Annotation[];
  /** Newest first. */
  captures: CaptureRecord[];
  capture: CaptureRecord;
  /** The article ready to show (a fragment of inert, sanitized nodes), or null if the save had none. */
  article: DocumentFragment | null;
  paragraphs: string[];
  /** blob: URLs of every artifact of the shown capture, by blob id (revoke with `release`). */
  urls: Map<string, string>;
}

/**
 * What the reader is given of a stored artifact: a saved page snapshot is cleaned when shown (issue 25: import keeps
 * an archive's bytes and hash as they are; utils/extract/clean-html.ts takes out whatever could run or load here).
 */
async function shownBlob(a: CaptureRecord['artifacts'][number], blob: Blob): Promise<Blob> {
  if (a.kind !== 'snapshot' || !/html/i.test(a.mime)) return blob;
  const r = cleanSnapshotHtml(await blob.text(), window);
  return r.removed.length ? new Blob([r.html], { type: a.mime }) : blob;
}

export async function blobOf(blobId: string): Promise<Blob | undefined> {
  return (await getDb().blobs.get(blobId))?.data;
}

async function articleHtml(capture: CaptureRecord): Promise<string | null> {
  const ref = capture.artifacts.find((a) => a.kind === 'article');
  if (!ref) return null;
  const blob = await blobOf(ref.blobId);
  return blob ? blob.text() : null;
}

/** Sanitized, inert article nodes with images swapped for stored blobs (missing ones become their alt text). */
function articleFragment(html: string, capture: CaptureRecord, urls: Map<string, string>, missingLabel: string): DocumentFragment {
  const clean = sanitizeArticle(html, window);
  const inert = new DOMParser().parseFromString(`<!doctype html><body>${clean}`, 'text/html');
  const bySource = new Map(capture.artifacts.filter((a) => a.kind === 'image' && a.sourceUrl).map((a) => [a.sourceUrl!, a.blobId]));
  for (const img of [...inert.querySelectorAll('img')]) {
    const src = img.getAttribute('src') ?? '';
    const blobId = bySource.get(src);
    const url = blobId ? urls.get(blobId) : undefined;
    if (url) {
      img.setAttribute('src', url);
      img.setAttribute('data-source', src);
    } else {
      const note = inert.createElement('span');
      note.className = 'missing-image';
      note.textContent = img.getAttribute('alt') || missingLabel;
      img.replaceWith(note);
    }
  }
  // Anything else that could load stays out (sanitizer already forbids most).
  inert.querySelectorAll('[src]:not(img)').forEach((el) => el.removeAttribute('src'));
  for (const a of inert.querySelectorAll('a[href]')) {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  }
  const frag = document.createDocumentFragment();
  for (const n of [...inert.body.childNodes]) frag.appendChild(document.importNode(n, true));
  return frag;
}

export async function loadCopy(pageId: string, captureId: string | null, missingLabel: string): Promise<SavedCopy | { error: string }> {
  const [view, list] = await Promise.all([send('page.byId', { pageId }), send('save.captures', { pageId })]);
  if (!view.ok) return { error: view.error.message };
  if (!list.ok) return { error: list.error.message };
  const captures = list.value.captures;
  // The version asked for, else the copy the reader uses: their own newest unless they chose a colleague's (issue 23).
  const capture = captures.find((c) => c.id === captureId) ?? shownCopy(captures, view.value.page?.chosenCopy);
  if (!view.value.page || !capture) return { error: 'not-found' };
  const urls = new Map<string, string>();
  await Promise.all(
    capture.artifacts.map(async (a) => {
      const blob = await blobOf(a.blobId);
      if (blob) urls.set(a.blobId, URL.createObjectURL(await shownBlob(a, blob)));
    }),
  );
  const html = await articleHtml(capture);
  const article = html === null ? null : articleFragment(html, capture, urls, missingLabel);
  const paragraphs = article ? paragraphsOf(article.cloneNode(true)) : [];
  return { page: view.value.page, annotations: view.value.annotations, captures, capture, article, paragraphs, urls };
}

/** Paragraphs of another capture's article (for "what changed"). */
export async function paragraphsOfCapture(capture: CaptureRecord): Promise<string[] | null> {
  const html = await articleHtml(capture);
  if (html === null) return null;
  const inert = new DOMParser().parseFromString(`<!doctype html><body>${sanitizeArticle(html, window)}`, 'text/html');
  return paragraphsOf(inert.body);
}

export function release(copy: SavedCopy): void {
  for (const u of copy.urls.values()) URL.revokeObjectURL(u);
}
