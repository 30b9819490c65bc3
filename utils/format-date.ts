/**
 * Dates and times for people, one pattern everywhere a date is shown or typed
 * (the library's filters, its rows, the reader, Settings, the evidence sheet):
 * day.month.year in Kazakh and Russian, ISO year-month-day in English (never
 * "12/04/2026", which reads as 4 December in the US and 12 April elsewhere),
 * a 24-hour clock, and the zone named once ("UTC+05:00", or "UTC").
 * Pure: the caller passes the language (components/format-date.ts).
 */
import { dateOrder } from './library/date-input';

export interface DateTimeOptions {
  /** Show seconds (the evidence sheet). */
  seconds?: boolean;
  /** Name the zone after the time ("UTC+05:00"). */
  zone?: boolean;
  /** Shown in this IANA zone or ±hh:mm offset instead of the browser's. */
  timeZone?: string;
}

interface Parts {
  y: string;
  mo: string;
  d: string;
  h: string;
  mi: string;
  s: string;
  offset: string;
}

function partsOf(date: Date, timeZone?: string): Parts {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  });
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(date)) p[x.type] = x.value;
  const gmt = p.timeZoneName ?? 'GMT';
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour === '24' ? '00' : p.hour!, mi: p.minute!, s: p.second!, offset: /^GMT([+-]00:?00)?$/.test(gmt) ? 'UTC' : gmt.replace(/^GMT/, 'UTC') };
}

function safeParts(date: Date, timeZone?: string): Parts {
  // A stated offset (+05:00): the wall time there is UTC shifted by it (not every engine takes offsets as zones).
  const off = timeZone ? /^([+-])(\d\d):(\d\d)$/.exec(timeZone) : null;
  if (off) {
    const minutes = (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3]));
    const p = partsOf(new Date(date.valueOf() + minutes * 60_000), 'UTC');
    return { ...p, offset: minutes === 0 ? 'UTC' : `UTC${timeZone}` };
  }
  try {
    return partsOf(date, timeZone);
  } catch {
    return partsOf(date);
  }
}

const day = (p: Parts, lang: string) => (dateOrder(lang) === 'dmy' ? `${p.d}.${p.mo}.${p.y}` : `${p.y}-${p.mo}-${p.d}`);

/** A calendar date in the language's pattern: "05.12.2026" (kk, ru), "2026-12-05" (en). A bare YYYY-MM-DD stays that day. */
export function formatDate(iso: string | Date | undefined | null, lang: string, timeZone?: string): string {
  if (!iso) return '';
  const dateOnly = typeof iso === 'string' && /^\d{4}-\d\d-\d\d$/.test(iso);
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.valueOf())) return String(iso);
  return day(safeParts(d, dateOnly ? 'UTC' : timeZone), lang);
}

/** A date and a 24-hour time: "05.12.2026, 00:45" (kk, ru), "2026-12-05 00:45" (en); with the zone when asked. */
export function formatDateTime(iso: string | Date | undefined | null, lang: string, opts: DateTimeOptions = {}): string {
  if (!iso) return '';
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.valueOf())) return String(iso);
  const p = safeParts(d, opts.timeZone);
  const time = `${p.h}:${p.mi}${opts.seconds ? `:${p.s}` : ''}`;
  const sep = dateOrder(lang) === 'dmy' ? ', ' : ' ';
  return `${day(p, lang)}${sep}${time}${opts.zone ? ` ${p.offset}` : ''}`;
}

/**
 * A time as a page stated it (published 2026-06-24T11:12:00+05:00): shown in
 * that offset, with the offset named, not converted to the reader's zone. A
 * bare date stays a date; a time without an offset is shown in the reader's zone, named.
 */
export function formatStatedTime(iso: string, lang: string): string {
  if (/^\d{4}-\d\d-\d\d$/.test(iso)) return formatDate(iso, lang);
  const m = /(Z|[+-]\d\d:?\d\d)$/i.exec(iso);
  const offset = m ? (m[1]!.toUpperCase() === 'Z' ? 'UTC' : m[1]!.replace(/^([+-]\d\d)(\d\d)$/, '$1:$2')) : undefined;
  return formatDateTime(iso, lang, { zone: true, timeZone: offset === 'UTC' ? 'UTC' : offset });
}
