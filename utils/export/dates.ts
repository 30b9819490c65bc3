/**
 * Dates in a bundle are ISO 8601 date-times (what Saqta writes:
 * `toISOString()`). `Date.parse` alone is far too lenient — it takes
 * "03/04/2019 10:00" (month or day first?) and "1" (the year 2001) — so
 * import reads only ISO 8601: a full date-time with a zone is kept (in UTC,
 * as Saqta stores it), a date without time or a time without zone is read as
 * UTC and noted, anything else is not a date.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

interface IsoDate {
  /** The same instant as Saqta stores it (`toISOString()`). */
  iso: string;
  /** The text differed from that (another zone, no time, no zone, fewer digits). */
  changed: boolean;
  /** It had no zone (or no time): read as UTC. */
  assumedUtc: boolean;
}

export function parseIsoDate(v: unknown): IsoDate | null {
  if (typeof v !== 'string' || v.length > 40) return null;
  const m = ISO.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const [Y, M, D, H, MI, S] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (M < 1 || M > 12 || D < 1 || H > 23 || MI > 59 || S > 59) return null;
  const days = new Date(Date.UTC(Y, M, 0)).getUTCDate();
  if (D > days) return null;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(Y, M - 1, D, H, MI, S, ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2) || '0');
    if (zh > 14 || zm > 59) return null;
    t -= sign * (zh * 60 + zm) * 60_000;
  }
  if (!Number.isFinite(t) || Y < 1000) return null;
  const iso = new Date(t).toISOString();
  return { iso, changed: iso !== v, assumedUtc: !zone };
}
