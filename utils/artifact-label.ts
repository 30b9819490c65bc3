/**
 * What a saved file is, for people: the locale key naming an artifact of a
 * capture. The capture's own files (article, snapshot, source, screenshot)
 * by their kind; the files the page loaded (images and resources) by their
 * MIME type — a style sheet is not an "Image". Pure (the caller translates).
 */
import type { ArtifactKind } from './db';

const KIND_KEY: Partial<Record<ArtifactKind, string>> = {
  article: 'artifactArticle',
  snapshot: 'artifactSnapshot',
  raw: 'artifactRaw',
  screenshot: 'artifactScreenshot',
};

/** The locale key of an artifact's label. */
export function artifactLabelKey(a: { kind: ArtifactKind | string; mime?: string }): string {
  const own = KIND_KEY[a.kind as ArtifactKind];
  if (own) return own;
  const mime = (a.mime ?? '').toLowerCase().split(';')[0]!.trim();
  if (mime.startsWith('image/')) return 'artifactImage';
  if (mime === 'text/css') return 'artifactStylesheet';
  if (/(java|ecma)script|^text\/jsx?$|^application\/(x-)?js$/.test(mime)) return 'artifactScript';
  if (mime.startsWith('font/') || /font|woff|opentype|truetype/.test(mime)) return 'artifactFont';
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'artifactHtmlFile';
  if (mime.startsWith('video/') || mime.startsWith('audio/')) return 'artifactMedia';
  if (mime === 'application/json' || mime.endsWith('+json')) return 'artifactData';
  return 'artifactOtherFile';
}
