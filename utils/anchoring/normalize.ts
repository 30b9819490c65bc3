/**
 * Text as a reader sees it. Two levels, both pure:
 *
 * - **display text** (`TextMap.text`, what selectors store): runs of white
 *   space (including NBSP and the other Unicode spaces) folded to one ASCII
 *   space; soft hyphens and zero-width characters dropped. Quote marks stay as
 *   printed, so a stored quote reads like the page.
 * - **match key** (`keyOf`): the display text with typographic quotes, dashes
 *   and apostrophes folded to ASCII and letters lower-cased, *one code unit for
 *   one code unit*, so offsets in the key are offsets in the display text.
 *   Matching always compares keys.
 */

/** Characters a reader does not see: soft hyphen, zero-width space/joiners, word joiner, BOM, bidi marks. */
export function isInvisible(code: number): boolean {
  return (
    code === 0x00ad ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    code === 0xfeff
  );
}

/** White space a reader sees as a gap (ASCII, NBSP and the Unicode spaces). */
export function isSpace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const KEY_FOLD: Record<string, string> = {
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u00ab': '"', '\u00bb': '"',
  '\u2033': '"', '\u301d': '"', '\u301e': '"', '\uff02': '"',
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2039': "'", '\u203a': "'",
  '\u2032': "'", '\u02bc': "'", '\uff07': "'", '`': "'", '\u00b4': "'",
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-',
  '\u2212': '-', '\ufe58': '-', '\ufe63': '-', '\uff0d': '-',
};

const NEEDS_UNIT_LOOP = /[\u03a3\ud800-\udfff]/;
const FOLDED = new RegExp(`[${Object.keys(KEY_FOLD).join('')}]`, 'g');

/**
 * The match key of display text: same length, quotes/dashes folded, lower case.
 * (A character whose lower case has another length is kept as is.)
 */
export function keyOf(display: string): string {
  // Fast path, same result: lower-case the whole string at once when that is
  // one unit for one unit (no character grows, no surrogate pair, which the
  // per-unit loop leaves as is, and no capital sigma, whose whole-string lower
  // case depends on its neighbours), then fold quotes and dashes.
  if (!NEEDS_UNIT_LOOP.test(display)) {
    const lower = display.toLowerCase();
    if (lower.length === display.length) return lower.replace(FOLDED, (c) => KEY_FOLD[c]!);
  }
  let out = '';
  for (let i = 0; i < display.length; i++) {
    const c = display[i];
    const f = KEY_FOLD[c];
    if (f) {
      out += f;
      continue;
    }
    const l = c.toLowerCase();
    out += l.length === 1 ? l : c;
  }
  return out;
}

/**
 * Display text of a string (white space folded, invisibles dropped), trimmed
 * unless `trim` is false. Selector strings made by other tools go through this
 * before matching.
 */
export function displayOf(s: string, trim = true): string {
  let out = '';
  let space = false;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (isInvisible(code)) continue;
    if (isSpace(code)) {
      space = true;
      continue;
    }
    if (space && (out.length > 0 || !trim)) out += ' ';
    space = false;
    out += s[i];
  }
  if (space && !trim) out += ' ';
  return out;
}

/** `keyOf(displayOf(s))`: the form in which two strings are compared. */
export function normalizeText(s: string, trim = true): string {
  return keyOf(displayOf(s, trim));
}
