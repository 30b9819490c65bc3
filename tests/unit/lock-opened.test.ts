import { describe, expect, it } from 'vitest';
import { MISSING, OpenedRecords, openedRecords } from '../../utils/lock/opened';
import { recordKeys, seal } from '../../utils/lock/envelope';
import { SaqtaDB } from '../../utils/db';
import { createAnnotation, annotationsOf } from '../../utils/store/annotations';
import { findPage } from '../../utils/store/pages';
import type { Keyring } from '../../utils/lock/middleware';
import { pageKeys } from '../../utils/url';

const k = recordKeys(new Uint8Array(32).fill(7));

describe('records opened once while the lock is open', () => {
  it('answers a copy of the record opened from this very row, and nothing for a row written since', () => {
    const kept = new OpenedRecords();
    const row = seal(k, 'annotations', 'a1', { id: 'a1', note: 'x' });
    expect(kept.get('annotations', 'a1', row)).toBe(MISSING);
    const value = { id: 'a1', body: { note: 'x', tags: ['t'] }, at: new Date(5) };
    kept.put('annotations', 'a1', row, value);
    const got = kept.get('annotations', 'a1', row) as typeof value;
    expect(got).toEqual(value);
    expect(got).not.toBe(value);
    // What a caller does to its copy does not reach the next reader.
    got.body.tags.push('changed');
    expect((kept.get('annotations', 'a1', row) as typeof value).body.tags).toEqual(['t']);
    // The same record written again: a fresh nonce, so the old opening is not used.
    const rewritten = seal(k, 'annotations', 'a1', { id: 'a1', note: 'y' });
    expect(kept.get('annotations', 'a1', rewritten)).toBe(MISSING);
    // Another table, another key.
    expect(kept.get('pages', 'a1', row)).toBe(MISSING);
  });

  it('keeps no saved-copy bytes or keys, nothing over 256 KB, and at most 16 MB', () => {
    const kept = new OpenedRecords();
    const small = seal(k, 'blobs', 'b', { id: 'b' });
    kept.put('blobs', 'b', small, { id: 'b' });
    kept.put('keys', 'k', small, { id: 'k' });
    expect(kept.size).toBe(0);
    const big = new Uint8Array(300 << 10);
    kept.put('texts', 't', big, { pageId: 't' });
    expect(kept.size).toBe(0);
    const row = new Uint8Array(200 << 10);
    for (let i = 0; i < 200; i++) {
      row[0] = i & 0xff;
      row[1] = i >> 8;
      kept.put('texts', `t${i}`, row.slice(), { pageId: `t${i}` });
    }
    // 16 MB of 200 KB rows: the 81 newest, the oldest gone first.
    expect(kept.size).toBe(81);
    expect(kept.get('texts', 't0', row)).toBe(MISSING);
  });

  it('in the database: a claim changed by another page reads as changed; a new unlock starts with nothing kept', async () => {
    const name = `opened-${Math.random()}`;
    const dataKey = crypto.getRandomValues(new Uint8Array(32));
    const keyring: Keyring = { state: 'open', keys: recordKeys(dataKey) };
    const db = new SaqtaDB(name, keyring);
    const url = 'https://news.example/opened';
    const { annotation } = await createAnnotation(db, { keys: pageKeys(url), title: 'Opened', lang: 'en' }, [{ type: 'TextQuoteSelector', exact: 'a quote', prefix: '', suffix: '' }], { color: 'yellow', note: 'first', tags: [] });
    const page = (await findPage(db, pageKeys(url)))!;
    expect((await annotationsOf(db, page.id))[0]!.body.note).toBe('first');
    expect(openedRecords(keyring.keys!).size).toBeGreaterThan(0);
    // Another page's connection (its own middleware, the same key) writes the claim.
    const other = new SaqtaDB(name, keyring);
    await other.annotations.update(annotation.id, { 'body.note': 'second' } as never);
    other.close();
    expect((await annotationsOf(db, page.id))[0]!.body.note).toBe('second');
    expect((await db.annotations.get(annotation.id))!.body.note).toBe('second');
    // Lock, then unlock with the same data key (controller.ts makes a new key object): nothing opened before is kept for it.
    keyring.state = 'locked';
    keyring.keys = undefined;
    await expect(db.annotations.get(annotation.id)).rejects.toThrow(/locked/);
    keyring.state = 'open';
    keyring.keys = recordKeys(dataKey);
    expect(openedRecords(keyring.keys).size).toBe(0);
    expect((await db.annotations.get(annotation.id))!.body.note).toBe('second');
    // A scan (over 500 records: the search index's build, an export) keeps nothing; a read of a few does.
    const caps = Array.from({ length: 600 }, (_, i) => ({ id: `c${i}`, pageId: 'p', url: `https://news.example/${i}`, finalUrl: `https://news.example/${i}`, capturedAt: '2026-12-05T00:00:00Z', browser: 'x', extensionVersion: '0', artifacts: [] }));
    await db.captures.bulkAdd(caps);
    const before = openedRecords(keyring.keys).size;
    expect(await db.captures.toArray()).toHaveLength(600);
    expect(openedRecords(keyring.keys).size).toBe(before);
    expect((await db.captures.bulkGet(['c1', 'c2', 'c3'])).map((c) => c!.url)).toEqual(['https://news.example/1', 'https://news.example/2', 'https://news.example/3']);
    expect(openedRecords(keyring.keys).size).toBe(before + 3);
    db.close();
  });
});
