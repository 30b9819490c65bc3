import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../utils/format-bytes';
import { dateOrder, formatDateInput, parseDateInput } from '../../utils/library/date-input';
import kk from '../../public/_locales/kk/messages.json';

const KK = (['unitB', 'unitKB', 'unitMB', 'unitGB', 'unitTB'] as const).map((k) => (kk as Record<string, { message: string }>)[k]!.message) as [string, string, string, string, string];

describe('byte sizes in the reader’s language', () => {
  it('Kazakh units and decimal comma', () => {
    expect(formatBytes(1536 * 1024, 'kk', KK)).toBe('1,5\u00a0МБ');
    expect(formatBytes(3 * 1024 ** 3, 'kk', KK)).toBe('3,0\u00a0ГБ');
    expect(formatBytes(900, 'kk', KK)).toBe('900\u00a0Б');
    expect(formatBytes(2048, 'en', ['B', 'KB', 'MB', 'GB', 'TB'])).toBe('2.0\u00a0KB');
    expect(formatBytes(null, 'kk', KK)).toBe('—');
  });
});

describe('typed dates for the library filters', () => {
  it('day.month.year in Kazakh and Russian, ISO in English', () => {
    expect(dateOrder('kk')).toBe('dmy');
    expect(dateOrder('en')).toBe('ymd');
    expect(formatDateInput('2026-11-27', 'kk')).toBe('27.11.2026');
    expect(formatDateInput('2026-11-27', 'en')).toBe('2026-11-27');
    expect(parseDateInput('27.11.2026', 'kk')).toBe('2026-11-27');
    expect(parseDateInput('7/3/26', 'ru')).toBe('2026-03-07');
    expect(parseDateInput('2026-11-27', 'kk')).toBe('2026-11-27');
    expect(parseDateInput('2026-11-27', 'en')).toBe('2026-11-27');
    expect(parseDateInput('', 'kk')).toBe('');
  });
  it('refuses what is not a real date', () => {
    expect(parseDateInput('31.02.2026', 'kk')).toBeNull();
    expect(parseDateInput('29.02.2028', 'kk')).toBe('2028-02-29');
    expect(parseDateInput('11/27/2026', 'en')).toBeNull();
    expect(parseDateInput('03/07/2026', 'en')).toBeNull();
    expect(parseDateInput('27.11', 'kk')).toBeNull();
    expect(parseDateInput('abc', 'en')).toBeNull();
    expect(parseDateInput('13.13.2026', 'ru')).toBeNull();
  });
});

describe('number locales', () => {
  it('Kazakh falls back to Russian number formatting, not English', async () => {
    const { numberLocales } = await import('../../utils/format-bytes');
    expect(numberLocales('kk')).toEqual(['ru']);
    expect(numberLocales('en')).toEqual(['en']);
  });
});
