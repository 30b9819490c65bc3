import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatStatedTime } from '../../utils/format-date';
import { formatDateInput, parseDateInput } from '../../utils/library/date-input';

describe('dates for people (one pattern: the filters’ and the display’s)', () => {
  const at = '2026-12-04T23:10:29.123Z';
  it('writes a date in the pattern the library’s date filters take back', () => {
    for (const lang of ['kk', 'ru', 'en']) {
      const shown = formatDate(at, lang, 'UTC');
      expect(parseDateInput(shown, lang)).toBe('2026-12-04');
      expect(shown).toBe(formatDateInput('2026-12-04', lang));
    }
    expect(formatDate(at, 'kk', 'UTC')).toBe('04.12.2026');
    expect(formatDate(at, 'en', 'UTC')).toBe('2026-12-04');
    // A bare date is that day in every zone.
    expect(formatDate('2026-06-24', 'en', 'America/Los_Angeles')).toBe('2026-06-24');
  });
  it('never writes 12/04/2026 or AM/PM, and names the zone once', () => {
    const en = formatDateTime(at, 'en', { seconds: true, zone: true, timeZone: 'UTC' });
    expect(en).toBe('2026-12-04 23:10:29 UTC');
    expect(formatDateTime(at, 'kk', { seconds: true, zone: true, timeZone: 'Asia/Almaty' })).toBe('05.12.2026, 04:10:29 UTC+05:00');
    expect(formatDateTime(at, 'ru', { timeZone: 'UTC' })).toBe('04.12.2026, 23:10');
    for (const s of [en, formatDateTime(at, 'en', { zone: true, timeZone: 'America/New_York' })]) {
      expect(s).not.toMatch(/\d\d\/\d\d\/\d{4}|AM|PM/);
      expect(s.match(/UTC/g)).toHaveLength(1);
    }
    expect(formatDateTime(at, 'en', { zone: true, timeZone: 'America/New_York' })).toBe('2026-12-04 18:10 UTC-05:00');
  });
  it('keeps a published time in the offset the page stated, and says which', () => {
    expect(formatStatedTime('2026-06-24T11:12:00+05:00', 'kk')).toBe('24.06.2026, 11:12 UTC+05:00');
    expect(formatStatedTime('2026-06-24T06:12:00Z', 'en')).toBe('2026-06-24 06:12 UTC');
    expect(formatStatedTime('2026-06-24', 'en')).toBe('2026-06-24');
  });
  it('gives back what it cannot read', () => {
    expect(formatDateTime('not a date', 'en')).toBe('not a date');
    expect(formatDate(undefined, 'en')).toBe('');
  });
});
