import Dexie from 'dexie';
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { createAnnotation } from '../../utils/store/annotations';
import { findPage } from '../../utils/store/pages';
import { search } from '../../utils/search/query';
import { blobToStore, knownBlob, recordKeys } from '../../utils/lock/envelope';
import { errorResult } from '../../utils/background/errors';
import { LockedError, type Keyring } from '../../utils/lock/middleware';
import { pageKeys } from '../../utils/url';
import { claimsTagged } from '../../utils/store/tag-ids';

const q = (exact: string) => [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }];
const URL1 = 'https://www.azattyq.org/a/canary-url-33000001.html';

/** Every stored row of every table, read without Saqta's middleware, as one string (UTF-8 of JSON and raw bytes). */
async function rawDump(name: string): Promise<string> {
  const raw = new Dexie(name);
  await raw.open();
  let out = '';
  for (const t of raw.tables) {
    for (const row of await t.toArray()) {
      out += JSON.stringify(row, (_k, v) => (ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1') : v));
    }
  }
  raw.close();
  return out;
}

let name: string;
let keyring: Keyring;
let db: SaqtaDB;

beforeEach(async () => {
  name = `lock-${Math.random()}`;
  keyring = { state: 'open', keys: recordKeys(crypto.getRandomValues(new Uint8Array(32))) };
  db = new SaqtaDB(name, keyring);
  await createAnnotation(db, { keys: pageKeys(URL1), title: 'Canarytitle Ақылбековамен сұхбат', lang: 'kk' }, q('Қазақстан президенті canaryquote'), {
    tags: ['canarytag'], note: 'canarynote', color: 'yellow',
  });
  await createAnnotation(db, { keys: pageKeys('https://rus.azattyq.org/a/2.html'), title: 'Ёлка на площади', lang: 'ru' }, q('Жители всё ещё ждут ответа'), {
    tags: ['ответ'], note: '', color: 'blue',
  });
});

describe('the locked library at rest', () => {
  it('stores no quote, note, tag, title, URL or search term in clear', async () => {
    const dump = await rawDump(name);
    for (const canary of ['canaryquote', 'canarynote', 'canarytag', 'canarytitle', 'Canarytitle', 'canary-url', 'azattyq', 'ақылбековамен', 'aqylbekovamen', 'Жители']) {
      expect(dump.toLowerCase()).not.toContain(canary.toLowerCase());
    }
  });

  it('finds pages by URL, claims by tag, and searches by word and prefix, as without the lock', async () => {
    expect((await findPage(db, pageKeys(URL1)))?.title).toMatch(/^Canarytitle/);
    expect(await (await claimsTagged(db, ['canarytag'])).count()).toBe(1);
    expect((await search(db, 'canaryquo')).hits.map((h) => h.kind)).toEqual(['claim']);
    expect((await search(db, 'Aqylbekova')).hits.map((h) => [h.kind, h.snippet.match])).toEqual([['page', 'Ақылбековамен']]);
    expect((await search(db, 'елка')).hits[0]).toMatchObject({ kind: 'page', snippet: { match: 'Ёлка' } });
    expect((await search(db, 'canarytag')).hits[0]).toMatchObject({ field: 'tag' });
    // anyOf and orderBy on a keyed index are answered from the opened rows, in plain order.
    expect((await db.tags.where('key').anyOf(['ответ', 'canarytag', 'nope']).toArray()).map((t) => t.name).sort()).toEqual(['canarytag', 'ответ']);
    expect(await db.pages.orderBy('siteName').uniqueKeys()).toEqual([]);
    expect((await db.pages.where('normalizedUrl').anyOf([pageKeys(URL1).normalizedUrl]).toArray()).length).toBe(1);
  });

  it('keeps Blobs and bytes', async () => {
    await db.blobs.put({ id: 'b1', pageId: 'p', captureId: 'c', kind: 'article', sha256: '', size: 3, mime: 'text/html', data: new Blob(['canaryblob'], { type: 'text/html' }) });
    expect(await rawDump(name)).not.toContain('canaryblob');
    const b = await db.blobs.get('b1');
    expect(await b!.data.text()).toBe('canaryblob');
    expect(b!.data.type).toBe('text/html');
  });

  it('seals a large saved copy (WebCrypto, the transaction kept) beside small records, and reads it back', async () => {
    const bytes = new Uint8Array(256 << 10).map((_, i) => (i * 2654435761) >>> 24);
    bytes.set(new TextEncoder().encode('canarybigblob'), 100_000);
    await db.transaction('rw', db.blobs, db.captures, async () => {
      await db.blobs.bulkAdd([
        { id: 'big', pageId: 'p', captureId: 'c', kind: 'snapshot', sha256: '', size: bytes.length, mime: 'text/html', data: knownBlob(bytes, 'text/html') },
        { id: 'small', pageId: 'p', captureId: 'c', kind: 'article', sha256: '', size: 5, mime: 'text/plain', data: knownBlob(new TextEncoder().encode('canarysmallblob'), 'text/plain') },
      ]);
      // The same transaction goes on after the native seal.
      await db.captures.add({ id: 'c', pageId: 'p', url: 'https://canary-capture.example/', finalUrl: 'https://canary-capture.example/', capturedAt: '2026-12-05T00:00:00Z', browser: 'x', extensionVersion: '0', artifacts: [] });
    });
    const dump = await rawDump(name);
    for (const canary of ['canarybigblob', 'canarysmallblob', 'canary-capture', Buffer.from('canarybigblob').toString('base64').slice(0, 12)]) expect(dump).not.toContain(canary);
    const [big, small] = await db.blobs.bulkGet(['big', 'small']);
    expect(new Uint8Array(await big!.data.arrayBuffer())).toEqual(bytes);
    expect(await small!.data.text()).toBe('canarysmallblob');
    expect((await db.blobs.get('big'))!.size).toBe(bytes.length);
    expect((await db.captures.get('c'))!.url).toBe('https://canary-capture.example/');
  });

  it("a save's artifacts with the lock open: no Blob is built, the sealed bytes read back whole; a stand-in is never stored with the lock off", async () => {
    const bytes = new TextEncoder().encode('canarystandin '.repeat(3000));
    const data = blobToStore(bytes, 'text/html', keyring);
    expect(data.size).toBe(0);
    await db.blobs.add({ id: 's1', pageId: 'p', captureId: 'c', kind: 'snapshot', sha256: '', size: bytes.length, mime: 'text/html', data });
    expect(await rawDump(name)).not.toContain('canarystandin');
    expect(new Uint8Array(await (await db.blobs.get('s1'))!.data.arrayBuffer())).toEqual(bytes);
    // Made while open, written after the lock went off (only a wipe does that): refused, nothing written.
    const late = blobToStore(bytes, 'text/html', keyring);
    keyring.state = 'off';
    const refused = await db.blobs.add({ id: 's2', pageId: 'p', captureId: 'c', kind: 'snapshot', sha256: '', size: bytes.length, mime: 'text/html', data: late }).catch((e: unknown) => e);
    expect(String(refused)).toMatch(/nothing was stored/);
    // Told to the reader as a failed write (translated), not as an English internal error.
    expect(errorResult(refused)).toMatchObject({ ok: false, error: { code: 'storage-failed' } });
    keyring.state = 'open';
    expect(await db.blobs.get('s2')).toBeUndefined();
    // With the lock off from the start, a real Blob.
    expect(blobToStore(bytes, 'text/html', { state: 'off' }).size).toBe(bytes.length);
  });

  it('while locked, refuses every read and write of the library and changes nothing', async () => {
    const before = await rawDump(name);
    keyring.state = 'locked';
    keyring.keys = undefined;
    await expect(db.annotations.toArray()).rejects.toThrow(LockedError);
    await expect(search(db, 'canaryquote')).rejects.toThrow();
    await expect(db.tags.put({ id: 'x', name: 'new', key: 'new', created: '' })).rejects.toThrow();
    expect(await rawDump(name)).toBe(before);
  });

  it('control: the same writes with the lock off are readable in the dump (the scan can see them)', async () => {
    const plain = new SaqtaDB(`plain-${Math.random()}`, { state: 'off' });
    await createAnnotation(plain, { keys: pageKeys(URL1), title: 'Canarytitle', lang: 'kk' }, q('canaryquote'), { tags: ['canarytag'], note: 'canarynote', color: 'yellow' });
    const dump = await rawDump(plain.name);
    for (const canary of ['canaryquote', 'canarynote', 'canarytag', 'Canarytitle', 'canary-url']) expect(dump).toContain(canary);
  });

  it('a wrong key opens nothing', async () => {
    keyring.keys = recordKeys(new Uint8Array(32));
    await expect(db.annotations.toArray()).rejects.toThrow();
  });
});
