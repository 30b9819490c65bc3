/**
 * Typed dates for the library's From/To filters. Chromium draws
 * `<input type="date">` in the browser's locale and has no Kazakh pattern for
 * it (a kk browser shows "mm/dd/yyyy"), so the filters are text fields with
 * the reader's own pattern: day.month.year in Kazakh and Russian, ISO
 * year-month-day in English. ISO is accepted in every language.
 */

type DateOrder = 'dmy' | 'ymd';

/** The day order of the interface language. */
export function dateOrder(lang: string): DateOrder {
  return /^(kk|ru)\b/i.test(lang) ? 'dmy' : 'ymd';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' → the text shown in the field ("27.11.2026" or "2026-11-27"). */
export function formatDateInput(iso: string | undefined, lang: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!m) return '';
  return dateOrder(lang) === 'dmy' ? `${m[3]}.${m[2]}.${m[1]}` : `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * What the reader typed → 'YYYY-MM-DD'; '' for an empty field; null when it
 * is not a real date. Separators . / - and spaces; a two-digit year is 20xx.
 */
export function parseDateInput(text: string, lang: string): string | null {
  const s = text.trim();
  if (!s) return '';
  const parts = s.split(/\s*[./\-\s]\s*/);
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
  let y: number, mo: number, d: number;
  if (parts[0]!.length === 4) [y, mo, d] = parts.map(Number) as [number, number, number];
  // Day first only where the language writes it so (English "03/07/2026" is ambiguous: refused).
  else if (dateOrder(lang) === 'dmy') [d, mo, y] = parts.map(Number) as [number, number, number];
  else return null;
  if (parts[2]!.length === 2 && parts[0]!.length !== 4) y += 2000;
  if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return null;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
}
