/**
 * Dates for people. Chromium's ICU has no long Kazakh month names (it prints
 * "2026 М06 24"), so Kazakh gets the numeric form it does have; a published
 * time is shown in the offset the page stated it in (11:12 +05:00 stays
 * 11:12), not converted to the reader's zone.
 */
import { uiLang } from '../utils/ext/i18n';

export function formatDateTime(iso: string, keepStatedOffset = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.valueOf())) return iso;
  const lang = uiLang();
  const offset = keepStatedOffset ? /([+-]\d\d:\d\d)$/.exec(iso)?.[1] : undefined;
  const style: Intl.DateTimeFormatOptions =
    lang === 'kk'
      ? { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }
      : { dateStyle: 'long', timeStyle: 'short' };
  try {
    return d.toLocaleString(lang, offset ? { ...style, timeZone: offset } : style);
  } catch {
    return d.toLocaleString(lang, style);
  }
}
