/**
 * A text fingerprint of an article, for page identity on mirrors that change
 * every URL and every byte of chrome but keep the article's words: SHA-256 of
 * the normalized text of its five longest paragraphs (in length order, so
 * reordered widgets do not matter). Cheap enough for every page load.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { normalizeText } from './normalize';

/** Paragraphs shorter than this are not article text (captions, buttons, bylines). */
const MIN_PARAGRAPH = 80;
const PARAGRAPHS = 5;

/** `fp1:` + 32 hex characters, or null when the page has too little article text. */
export function textFingerprint(root: ParentNode): string | null {
  const texts: string[] = [];
  for (const p of root.querySelectorAll('p, li, blockquote, dd, td')) {
    if (p.querySelector('p, li, blockquote, dd, td')) continue;
    const t = normalizeText(p.textContent ?? '');
    if (t.length >= MIN_PARAGRAPH) texts.push(t);
  }
  if (texts.length === 0) return null;
  const chosen = [...new Set(texts)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).slice(0, PARAGRAPHS);
  return `fp1:${bytesToHex(sha256(utf8ToBytes(chosen.join('\n')))).slice(0, 32)}`;
}
