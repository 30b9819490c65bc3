/**
 * Search keys for Kazakh, Russian and English text: one key for every
 * spelling a reader may type.
 *
 * - Case folding that knows Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) and the
 *   Turkic dotted/dotless i (İ ı).
 * - Russian ё is е.
 * - Kazakh Cyrillic and the official 2021 Kazakh Latin alphabet fold to the
 *   same key: Ақылбекова and Aqylbekova are both `aqylbekova`, Қазақстан and
 *   Qazaqstan both `qazaqstan`. Diacritics are dropped after transliteration
 *   (Ä→a, Ğ→g, Ñ→n, Ö→o, Ū/Ü→u, Ş→sh, Ç→ch), so readers who type without
 *   them still find the text; the price is a few extra matches (ш and с are
 *   different keys, sh and s, but ә and а share one).
 *
 * Pure: no DOM, no browser. `foldWithMap` also returns, for each folded
 * character, the index of the source character it came from, so a match in
 * the key can be shown in the original text.
 */

/** Lower-case Cyrillic (Kazakh and Russian) to the 2021 Kazakh Latin alphabet, diacritics already folded. */
const CYRILLIC: Record<string, string> = {
  а: 'a', ә: 'a', б: 'b', в: 'v', г: 'g', ғ: 'g', д: 'd', е: 'e', ё: 'e', ж: 'j', з: 'z',
  и: 'i', й: 'i', і: 'i', к: 'k', қ: 'q', л: 'l', м: 'm', н: 'n', ң: 'n', о: 'o', ө: 'o',
  п: 'p', р: 'r', с: 's', т: 't', у: 'u', ұ: 'u', ү: 'u', ф: 'f', х: 'h', һ: 'h', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'shsh', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
  // Letters of neighbouring alphabets that turn up in Kazakh and Russian text.
  ў: 'u', ї: 'i', є: 'e', ґ: 'g',
};

/** Latin letters whose diacritic is a separate sound in Kazakh Latin and folds to a digraph. */
const LATIN: Record<string, string> = {
  ş: 'sh', ç: 'ch', ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l',
};

const COMBINING = /[\u0300-\u036f]/;

/** Fold one character (already lower-cased); returns '' for characters that vanish. */
function foldChar(ch: string): string {
  const cyr = CYRILLIC[ch];
  if (cyr !== undefined) return cyr;
  const lat = LATIN[ch];
  if (lat !== undefined) return lat;
  const base = ch.normalize('NFD');
  if (base.length > 1 || COMBINING.test(base)) {
    const stripped = [...base].filter((c) => !COMBINING.test(c)).join('');
    return LATIN[stripped] ?? CYRILLIC[stripped] ?? stripped;
  }
  return ch;
}

const cache = new Map<string, string>();

function foldCodePoint(cp: string): string {
  let out = cache.get(cp);
  if (out === undefined) {
    // toLowerCase maps İ to "i̇" (i + combining dot), which foldChar strips.
    out = [...cp.toLowerCase()].map(foldChar).join('');
    // Apostrophes of the 2017 Latin alphabet (a', g') and soft signs vanish.
    if (out === "'" || out === '’' || out === 'ʼ' || out === '\u0307') out = '';
    cache.set(cp, out);
  }
  return out;
}

/** The search key of a text. */
export function fold(text: string): string {
  let out = '';
  for (const cp of text) out += foldCodePoint(cp);
  return out;
}

/** The key, and for each of its UTF-16 units the UTF-16 index in `text` it came from. */
export function foldWithMap(text: string): { folded: string; map: number[] } {
  let folded = '';
  const map: number[] = [];
  let i = 0;
  for (const cp of text) {
    const f = foldCodePoint(cp);
    for (let k = 0; k < f.length; k++) map.push(i);
    folded += f;
    i += cp.length;
  }
  map.push(i);
  return { folded, map };
}

let segmenter: Intl.Segmenter | undefined;

/** Word-like segments of a text, in order (Intl.Segmenter, locale-neutral). */
export function words(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/** Longest token kept in the index (longer words are cut: a prefix still finds them). */
const MAX_TERM = 32;

/** The distinct folded words of a text: what the index stores. */
export function terms(text: string): string[] {
  const set = new Set<string>();
  for (const w of words(text)) {
    const f = fold(w).slice(0, MAX_TERM);
    if (f) set.add(f);
  }
  return [...set];
}
