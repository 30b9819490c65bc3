/**
 * The page-side half of the text fingerprint (fingerprint.ts): the raw text
 * of the page's leaf paragraphs long enough to count, longest first. DOM
 * reads only (one querySelectorAll, one `closest` and one `textContent` per
 * block, no layout); no normalizing, no hashing: the always-on content
 * script sends this list and the background finishes (`fingerprintOf`).
 * Kept apart so the content script's bundle holds neither the normalizer
 * nor SHA-256.
 */

/** Paragraphs shorter than this are not article text (captions, buttons, bylines). */
export const MIN_PARAGRAPH = 80;

const BLOCKS = 'p, li, blockquote, dd, td';

export function fingerprintCandidates(root: ParentNode): string[] {
  // Normalizing only shortens text: blocks whose raw text is under the minimum can never count.
  return leafTexts(root, BLOCKS, MIN_PARAGRAPH).sort((a, b) => b.length - a.length);
}

const DIGEST_BLOCKS = 'p, li, blockquote, dd, td, h1, h2, h3, h4, h5, h6, figcaption, pre';
/** Blocks shorter than this (buttons, dates, counters) are left out of the digest. */
const DIGEST_MIN = 20;

/** The page-side half of the revisit digest (fingerprint.ts `textDigest`): raw text of the leaf text blocks, in order. */
export function digestCandidates(root: ParentNode): string[] {
  return leafTexts(root, DIGEST_BLOCKS, DIGEST_MIN);
}

/**
 * The raw text of the leaf blocks matching `selector` (no text counted twice),
 * at least `min` characters long, in document order. An element is not a leaf
 * when another block's nearest block ancestor is it: one upward `closest` per
 * block instead of a subtree query per block.
 */
function leafTexts(root: ParentNode, selector: string, min: number): string[] {
  const all = root.querySelectorAll(selector);
  const inner = new Set<Element>();
  for (const el of all) {
    const up = el.parentElement?.closest(selector);
    if (up) inner.add(up);
  }
  const out: string[] = [];
  for (const el of all) {
    if (inner.has(el)) continue;
    const t = el.textContent ?? '';
    if (t.length >= min) out.push(t);
  }
  return out;
}

/**
 * At most `max` characters of a candidate list, whole entries, in its order:
 * what a content script sends (a page with megabytes of text does not make a
 * megabyte message; the fingerprint's longest paragraphs come first).
 */
export function capped(list: string[], max = 1 << 20): string[] {
  let total = 0;
  const out: string[] = [];
  for (const t of list) {
    if (total + t.length > max) break;
    total += t.length;
    out.push(t);
  }
  return out;
}
