import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fold, foldWithMap, terms, words } from '../../utils/search/fold';

describe('search folding', () => {
  it('folds Kazakh Cyrillic and 2021 Kazakh Latin to one key', () => {
    expect(fold('Ақылбекова')).toBe(fold('Aqylbekova'));
    expect(fold('АҚЫЛБЕКОВА')).toBe('aqylbekova');
    expect(fold('Қазақстан')).toBe(fold('Qazaqstan'));
    expect(fold('QAZAQSTAN')).toBe('qazaqstan');
    expect(fold('Әділет')).toBe(fold('Ädılet'));
    expect(fold('Ғалым')).toBe(fold('Ğalym'));
    expect(fold('Өскемен')).toBe(fold('Öskemen'));
    expect(fold('Ұлытау')).toBe(fold('Ūlytau'));
    expect(fold('Үкімет')).toBe(fold('Ükımet'));
    expect(fold('Шымкент')).toBe(fold('Şymkent'));
    expect(fold('Шымкент')).toBe(fold('Shymkent'));
    expect(fold('Шоқан')).toBe(fold('Şoqan'));
    expect(fold('Айгүл')).toBe(fold('Aigül'));
    expect(fold('жаңалық')).toBe(fold('jañalyq'));
    expect(fold('Һ')).toBe(fold('H'));
    expect(fold('Чарын')).toBe(fold('Çaryn'));
    // И and Й are İ in the 2021 alphabet, І is I/ı: all fold to i.
    expect(fold('ИЙІ')).toBe(fold('İİI'));
    expect(fold('ийі')).toBe(fold('iiı'));
  });

  it('folds the case of every Kazakh letter', () => {
    const upper = 'ӘҒҚҢӨҰҮҺІ';
    const lower = 'әғқңөұүһі';
    for (let i = 0; i < upper.length; i++) expect(fold(upper[i])).toBe(fold(lower[i]));
    expect(fold('ӘҒҚҢӨҰҮҺІ')).toBe('agqnouuhi');
  });

  it('treats Russian ё as е', () => {
    expect(fold('Ёлка')).toBe(fold('елка'));
    expect(fold('всё')).toBe(fold('все'));
    expect(fold('Пётр')).toBe(fold('ПЕТР'));
  });

  it('keeps distinct words distinct', () => {
    expect(fold('шал')).not.toBe(fold('сал'));
    expect(fold('қол')).not.toBe(fold('кол'));
    expect(fold('Brussels')).toBe('brussels');
  });

  it('maps every folded character back to its source', () => {
    const text = 'Роза Ақылбековамен, Щука';
    const { folded, map } = foldWithMap(text);
    expect(folded).toBe(fold(text));
    const at = folded.indexOf('aqylbekova');
    expect(text.slice(map[at], map[at + 'aqylbekova'.length])).toBe('Ақылбекова');
    const shch = folded.indexOf('shshuka');
    expect(text.slice(map[shch], map[shch + 7])).toBe('Щука');
  });

  it('segments words with Intl.Segmenter and indexes their keys', () => {
    expect(words('"Мақсат – кінәлау емес". Тоқаев, 22-23 маусым')).toEqual([
      'Мақсат', 'кінәлау', 'емес', 'Тоқаев', '22', '23', 'маусым',
    ]);
    expect(terms('Қазақстан – Еуроодақ; QAZAQSTAN')).toEqual(['qazaqstan', 'euroodaq']);
  });

  it('is idempotent and never longer than 4 units per code point (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const f = fold(s);
        expect(fold(f)).toBe(f);
        expect(f.length).toBeLessThanOrEqual([...s].length * 4 + 4);
        const { folded, map } = foldWithMap(s);
        expect(folded).toBe(f);
        expect(map.length).toBe(folded.length + 1);
      }),
    );
  });
});
