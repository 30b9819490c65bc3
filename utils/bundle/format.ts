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
export const FORMAT = 'saqta-bundle';
export const FORMAT_VERSION = '1.0.0';
export const MANIFEST = 'datapackage.json';

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
