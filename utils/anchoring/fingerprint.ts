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

const BLOCKS = 'p, li, blockquote, dd, td';

/** `fp1:` + 32 hex characters, or null when the page has too little article text. */
export function textFingerprint(root: ParentNode): string | null {
  const all = root.querySelectorAll(BLOCKS);
  // Leaf blocks only: an element is not a leaf when another block's nearest block ancestor is it
  // (one upward `closest` per block instead of a subtree query per block).
  const inner = new Set<Element>();
  for (const el of all) {
    const up = el.parentElement?.closest(BLOCKS);
    if (up) inner.add(up);
  }
  // Normalizing only shortens text: blocks whose raw text is under the minimum are skipped unread,
  // and the rest are normalized longest first, only until no shorter one could enter the five.
  const raw: string[] = [];
  for (const el of all) {
    if (inner.has(el)) continue;
    const t = el.textContent ?? '';
    if (t.length >= MIN_PARAGRAPH) raw.push(t);
  }
  raw.sort((a, b) => b.length - a.length);
  const texts = new Set<string>();
  let chosen: string[] = [];
  for (const r of raw) {
    if (chosen.length === PARAGRAPHS && r.length < chosen[PARAGRAPHS - 1].length) break;
    const t = normalizeText(r);
    if (t.length < MIN_PARAGRAPH || texts.has(t)) continue;
    texts.add(t);
    chosen = [...texts].sort(longestFirst).slice(0, PARAGRAPHS);
  }
  if (chosen.length === 0) return null;
  return `fp1:${bytesToHex(sha256(utf8ToBytes(chosen.join('\n')))).slice(0, 32)}`;
}

function longestFirst(a: string, b: string): number {
  return b.length - a.length || (a < b ? -1 : 1);
}

const DIGEST_BLOCKS = 'p, li, blockquote, dd, td, h1, h2, h3, h4, h5, h6, figcaption, pre';
/** Blocks shorter than this (buttons, dates, counters) are left out of the digest. */
const DIGEST_MIN = 20;

/**
 * A digest of ALL the text blocks of a page, in order (the fingerprint above
 * keeps only the five longest paragraphs, so it survives edits — that is its
 * job). Revisit detection compares this first: one querySelectorAll and
 * `textContent` reads (no layout), one SHA-256; only when it differs from the
 * digest known for the saved copy does the background extract and compare
 * the article. `td1:` + 32 hex characters, or null without text.
 */
export function textDigest(root: ParentNode): string | null {
  const all = root.querySelectorAll(DIGEST_BLOCKS);
  // Leaf blocks only (no text counted twice), found with one upward `closest` per block.
  const inner = new Set<Element>();
  for (const el of all) {
    const up = el.parentElement?.closest(DIGEST_BLOCKS);
    if (up) inner.add(up);
  }
  const parts: string[] = [];
  for (const el of all) {
    if (inner.has(el)) continue;
    const t = el.textContent ?? '';
    if (t.length >= DIGEST_MIN) parts.push(normalizeText(t));
  }
  if (!parts.length) return null;
  return `td1:${bytesToHex(sha256(utf8ToBytes(parts.join('\n')))).slice(0, 32)}`;
}
