/**
 * The Saqta bundle format, version 1 (see README "Bundles" and docs/library.md).
 *
 *   datapackage.json         manifest: format, created, software, every file's path, bytes, sha256
 *   annotations.jsonld       W3C Web Annotation AnnotationCollection of every claim
 *   claims.md                the claims as Markdown (Obsidian-friendly)
 *   index.html               browse the unzipped bundle offline (no scripts)
 *   articles/<dir>/page.json the article record
 *   articles/<dir>/reader.html   the reader copy with the claims marked
 *   articles/<dir>/capture-<n>/capture.json + artifacts (snapshot.html, and as text: article.html.txt, raw.html.txt; screenshot.png, image-<k>.*)
 *                            (an HTML artifact is .html only when it carries Saqta's policy; artifacts are kept byte for byte)
 */
import type { Annotation } from '../annotation';
import type { ArtifactRef, CaptureRecord, CheckRecord, PageRecord } from '../db';
import { fold } from '../search/fold';

export const FORMAT = 'saqta-bundle';
export const FORMAT_VERSION = '1.0.0';
export const MANIFEST = 'datapackage.json';
export const ANNOTATIONS = 'annotations.jsonld';

export interface ManifestResource {
  name: string;
  path: string;
  /** Byte size of the file. */
  bytes: number;
  /** "sha256:" + 64 lower-case hex digits. */
  hash: string;
  mediatype: string;
}

export interface Manifest {
  profile: 'data-package';
  name: string;
  title: string;
  format: { name: typeof FORMAT; version: string };
  created: string;
  software: string;
  resources: ManifestResource[];
}

/** One article with everything that travels with it. */
export interface BundleArticle {
  page: PageRecord;
  annotations: Annotation[];
  captures: { record: CaptureRecord; files: { ref: ArtifactRef; data: Blob | Uint8Array }[] }[];
  /** The newest saved article HTML (sanitized by the save feature), if any. */
  articleHtml?: string;
  /** Check records of the live article (watching), written to checks.json (utils/watch/bundle.ts). */
  checks?: CheckRecord[];
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
  const { terms: _t, ...rest } = p;
  return rest;
}

export function portableAnnotation(a: Annotation & { terms?: unknown }): Annotation {
  const { terms: _t, ...rest } = a;
  return rest;
}
