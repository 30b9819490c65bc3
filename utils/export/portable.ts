/**
 * What travels in every package Saqta writes (the .zip bundle, utils/bundle/format.ts,
 * and the WACZ, utils/wacz/): one article with its claims and captures, the
 * records stripped of local-only fields, file and folder names.
 */
import type { Annotation } from '../annotation';
import type { ArtifactRef, CaptureRecord, CheckRecord, PageRecord } from '../db';
import { fold } from '../search/fold';

/** The claims' file in every package Saqta writes (a .zip bundle, a WACZ). */
export const ANNOTATIONS = 'annotations.jsonld';

/** One article with everything that travels with it. */
export interface BundleArticle {
  page: PageRecord;
  annotations: Annotation[];
  captures: { record: CaptureRecord; files: { ref: ArtifactRef; data: Blob | Uint8Array }[] }[];
  /** The newest saved article HTML (sanitized by the save feature), if any: of the copy `shown` names. */
  articleHtml?: string;
  /** The capture whose article `articleHtml` is (utils/store/copy-choice.ts): the reader's own newest unless they chose a colleague's. */
  shown?: string;
  /** Check records of the live article (watching), written to checks.json (utils/watch/bundle.ts). */
  checks?: CheckRecord[];
  /** The cropped picture (PNG) of each area claim on a PDF's scanned page, by claim id (docs/pdf.md): shown with the claim in reader.html. */
  areaImages?: Map<string, Blob | Uint8Array>;
}

const EXT: Record<string, string> = {
  'text/html': 'html', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif',
  'image/svg+xml': 'svg', 'application/json': 'json', 'text/plain': 'txt', 'image/avif': 'avif',
};

export function extensionOf(mime: string): string {
  return EXT[mime.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}

/** A folder name that says which article it is, safe on every file system. */
export function articleDir(page: Pick<PageRecord, 'title' | 'url'>, index: number): string {
  let host = 'page';
  try {
    host = new URL(page.url).hostname.replace(/^www\./, '');
  } catch {
    /* keep "page" */
  }
  const slug = fold(page.title || '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'article';
  return `articles/${String(index + 1).padStart(3, '0')}-${host.replace(/[^a-z0-9.-]/gi, '')}-${slug}`;
}

/** File name of a bundle: what and when, e.g. saqta-tag-arrest-2026-06-24T1112Z.zip */
export function bundleFileName(what: string, when: Date, ext = 'zip'): string {
  const slug = fold(what).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'bundle';
  const stamp = when.toISOString().slice(0, 16).replace(/:/g, '').replace(/-(\d\d)T/, '-$1T');
  return `saqta-${slug}-${stamp}Z.${ext}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Strip the search index and other local-only fields from a page before it travels. */
export function portablePage(p: PageRecord & { terms?: unknown }): PageRecord {
  // The reader's choice of a colleague's copy is theirs: the file says which copy it shows another way (reader.html).
  const { terms: _t, chosenCopy: _c, ...rest } = p;
  return rest;
}

export function portableAnnotation(a: Annotation & { terms?: unknown }): Annotation {
  const { terms: _t, ...rest } = a;
  return rest;
}
