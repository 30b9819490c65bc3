import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../utils/bounded-map';

describe('BoundedMap', () => {
  it('keeps at most its weight, the least recently read going first, and nothing heavier than one value may be', () => {
    const m = new BoundedMap<string, string>(10, 6, (v) => v.length);
    m.set('a', 'aaaa');
    m.set('b', 'bbbb');
    expect(m.get('a')).toBe('aaaa'); // now b is the least recently read
    m.set('c', 'cccc'); // 12 > 10: b goes
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe('aaaa');
    expect(m.get('c')).toBe('cccc');
    m.set('d', 'ddddddd'); // heavier than 6: not kept, nothing pushed out
    expect(m.get('d')).toBeUndefined();
    expect(m.size).toBe(2);
    m.set('a', 'a'); // replaced: its old weight is given back
    m.set('e', 'eeeee'); // 1 + 4 + 5 = 10: all kept
    expect(m.size).toBe(3);
    m.delete('e');
    m.clear();
    expect(m.size).toBe(0);
  });
});
