/**
 * The language of exported files (reader.html, index.html, claims.md): the
 * reader's interface language (en, kk or ru), passed by whoever exports.
 * Pure: the strings are read from locales/export.json (and the colour names
 * from locales/core.json) at build time, so the builders run the same in the
 * library page and in Node.
 */
import strings from '../../locales/export.json';
import core from '../../locales/core.json';
import colleague from '../../locales/colleague.json';
import pdf from '../../locales/pdf2.json';

export type ExportLang = 'en' | 'kk' | 'ru';
type Entry = { en: string; kk: string; ru: string };

/** One of ours for any language tag ("kk-KZ" → kk); English otherwise. */
export function exportLang(lang?: string): ExportLang {
  const base = (lang ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'kk' || base === 'ru' ? base : 'en';
}

/** A string of locales/export.json (or a colour name, `color_<c>`) with $1, $2… filled in. */
export function ex(lang: ExportLang, key: string, ...subs: string[]): string {
  const entry = ((strings as Record<string, Entry>)[key] ?? (core as Record<string, Entry>)[key] ?? (colleague as Record<string, Entry>)[key] ?? (pdf as Record<string, Entry>)[key]) as Entry | undefined;
  const text = entry ? entry[lang] : key;
  return text.replace(/\$(\d)/g, (m, n: string) => subs[Number(n) - 1] ?? m);
}

/** A time for people, in UTC and saying so: "27.11.2026, 13:43 UTC" (kk, ru), "27 Nov 2026, 13:43 UTC" (en). */
/** Made once: a DateTimeFormat costs more to build than a thousand dates cost to format. */
let enDate: Intl.DateTimeFormat | undefined;

export function exportTime(iso: string, lang: ExportLang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.valueOf())) return iso;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())} UTC`;
  // Kazakh and Russian write day.month.year; built by hand, since Chromium's ICU
  // has no Kazakh date patterns (it falls back to "2026-11-27").
  if (lang !== 'en') return `${p2(d.getUTCDate())}.${p2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}, ${time}`;
  try {
    enDate ??= new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
    return `${enDate.format(d)}, ${time}`;
  } catch {
    return `${iso.slice(0, 10)}, ${time}`;
  }
}
