/**
 * Byte sizes for people: "1.5 MB", "1,5 МБ". Units step by 1024; the unit
 * names come from the caller (the interface language's, see
 * components/format-bytes.ts) and the number is formatted for the language.
 */
export type UnitNames = [b: string, kb: string, mb: string, gb: string, tb: string];

/**
 * Locales for Intl number formatting. Chromium's ICU says it supports "kk"
 * but has no Kazakh number symbols (it prints "3.3"); Kazakh writes numbers
 * as Russian does ("3,3", "1 234"), so Kazakh numbers are formatted as Russian.
 */
export function numberLocales(lang: string): string[] {
  return /^kk\b/i.test(lang) ? ['ru'] : [lang];
}

export function formatBytes(n: number | null | undefined, lang: string, units: UnitNames, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  let num: string;
  try {
    num = new Intl.NumberFormat(numberLocales(lang), { maximumFractionDigits: i ? digits : 0, minimumFractionDigits: i ? digits : 0 }).format(v);
  } catch {
    num = v.toFixed(i ? digits : 0);
  }
  return `${num}\u00a0${units[i]}`;
}
