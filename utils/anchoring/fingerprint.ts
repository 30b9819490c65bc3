/**
 * A text fingerprint of an article, for page identity on mirrors that change
 * every URL and every byte of chrome but keep the article's words: SHA-256 of
 * the normalized text of its five longest paragraphs (in length order, so
 * reordered widgets do not matter). Cheap enough for every page load.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { normalizeText } from './normalize';
import { digestCandidates, fingerprintCandidates, MIN_PARAGRAPH } from './fingerprint-candidates';

export { digestCandidates, fingerprintCandidates };

const PARAGRAPHS = 5;

/** `fp1:` + 32 hex characters, or null when the page has too little article text. */
export function textFingerprint(root: ParentNode): string | null {
  return fingerprintOf(fingerprintCandidates(root));
}

/**
 * The fingerprint from `fingerprintCandidates`' list (raw texts, longest
 * first). The always-on content script sends that list and the background
 * calls this (normalizing and hashing off the page's main thread); the
 * highlighter calls `textFingerprint`, the same function over the same list.
 */
export function fingerprintOf(raw: readonly string[]): string | null {
  // Normalizing only shortens text: the rest are normalized longest first, only until no shorter one
  // could enter the five.
  const texts = new Set<string>();
  let chosen: string[] = [];
  for (const r of [...raw].filter((r) => typeof r === 'string').sort((a, b) => b.length - a.length)) {
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

/**
 * A digest of ALL the text blocks of a page, in order (the fingerprint above
 * keeps only the five longest paragraphs, so it survives edits — that is its
 * job). Revisit detection compares this first: one querySelectorAll and
 * `textContent` reads (no layout), one SHA-256; only when it differs from the
 * digest known for the saved copy does the background extract and compare
 * the article. `td1:` + 32 hex characters, or null without text.
 */
export function textDigest(root: ParentNode): string | null {
  return digestOf(digestCandidates(root));
}

/** The digest from `digestCandidates`' list (the content script sends it; the background hashes). */
export function digestOf(raw: readonly string[]): string | null {
  const parts = raw.filter((t) => typeof t === 'string').map((t) => normalizeText(t));
  if (!parts.length) return null;
  return `td1:${bytesToHex(sha256(utf8ToBytes(parts.join('\n')))).slice(0, 32)}`;
}
