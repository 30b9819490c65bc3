/**
 * Dates for people in the interface language: one pattern everywhere
 * (utils/format-date.ts) — day.month.year in Kazakh and Russian, ISO in
 * English, a 24-hour clock. A published time is shown in the offset the page
 * stated it in (11:12 UTC+05:00 stays 11:12), with that offset named.
 */
import { uiLang } from '../utils/ext/i18n';
import { formatDate as date, formatDateTime as dateTime, formatStatedTime, type DateTimeOptions } from '../utils/format-date';

export function formatDateTime(iso: string, keepStatedOffset = false, opts: DateTimeOptions = {}): string {
  return keepStatedOffset ? formatStatedTime(iso, uiLang()) : dateTime(iso, uiLang(), opts);
}

export function formatDate(iso: string | undefined | null): string {
  return date(iso, uiLang());
}
