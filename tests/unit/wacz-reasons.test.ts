/**
 * Refusal reasons of a WACZ (issue 25): every code's template exists in en, kk and ru with the same
 * parameters, the English text is what `verify` prints, and a nested reason (a record read inside
 * an index check) is said whole in the reader's language.
 */
import { describe, expect, it } from 'vitest';
import strings from '../../locales/proof.json';
import { reasonText, sayIn, why } from '../../utils/wacz/reasons';
import { verifyChain } from '../../utils/watch/chain';

const params = (s: string) => [...new Set(s.match(/\$[1-9]/g) ?? [])].sort().join(',');

describe('WACZ refusal reasons', () => {
  const codes = Object.keys(strings).filter((k) => k.startsWith('waczWhy_'));
  it('every code says the same parameters in en, kk and ru, and kk/ru are not English', () => {
    expect(codes.length).toBeGreaterThan(50);
    for (const k of codes) {
      const t = (strings as Record<string, { en: string; kk: string; ru: string }>)[k]!;
      expect(params(t.kk), k).toBe(params(t.en));
      expect(params(t.ru), k).toBe(params(t.en));
      expect(t.kk, k).not.toBe(t.en);
      expect(t.ru, k).not.toBe(t.en);
    }
  });

  it('a nested reason is said whole in each language', () => {
    const inner = why('recordCap', [2 ** 30, 64 << 20]);
    const outer = why('recordAt', ['indexes/index.cdxj', 3, 120, 4000], inner.reason);
    expect(outer.message).toBe(`indexes/index.cdxj line 3 (offset 120, length 4000): its record is ${2 ** 30} bytes, more than the limit per record (${64 << 20})`);
    expect(reasonText(outer.reason, sayIn('kk'))).toBe(`indexes/index.cdxj, 3-жол (ығысу 120, ұзындық 4000): оның жазбасы ${2 ** 30} байт, бұл бір жазбаға шектеуден (${64 << 20}) көп`);
    expect(reasonText(outer.reason, sayIn('ru'))).toContain('больше предела на запись');
  });

  it('a broken check chain gives its reasons by code, one per problem', () => {
    const r = verifyChain([{ id: 'c1', pageId: 'p', at: '2026-01-01T00:00:00Z', prevHash: 'x', hash: 'y', outcome: 'unchanged' }], 'p');
    expect(r.reasons.map((x) => x.code)).toEqual(['chainHash', 'chainTail']);
    expect(r.reasons.map((x) => reasonText(x))).toEqual(r.problems);
    expect(reasonText(r.reasons[1]!, sayIn('kk'))).toContain('ең ескі тексеру жазбалары жойылған');
  });
});
