// @vitest-environment node
/**
 * The faster paths of export and import (issue 18) give what the slower ones
 * gave: the reader copy marks the same claims at the same places whatever the
 * whitespace, and an import reads every artifact back byte for byte whether
 * its WARC file was kept in memory (small, the usual case) or read by range
 * from the archive (large).
 */
import { describe, expect, it } from 'vitest';
import { Blob as NodeBlob } from 'node:buffer';
import { SaqtaDB } from '../../utils/db';
import { sha256Hex } from '../../utils/bundle/read';
import { markClaims } from '../../utils/export/html';
import { concatBytes, listEntries } from '../../utils/zip/read';
import { collectArticles, selectionPages } from '../../utils/export/collect';
import { importBytes } from '../../utils/import/import';
import { writeWacz } from '../../utils/wacz/write';
import type { Annotation } from '../../utils/annotation';
import { withChecks } from '../../utils/store/watch';
import type { CheckRecord } from '../../utils/watch/record';
import { seedLibrary, htmlWindow, HOSTILE_ARTICLE_HTML } from './bundle-helpers';

let seed = 7;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;

/** markClaims' collapsed text as it was built before (a regex per character): the reference. */
function flatBefore(text: string): { flat: string; map: number[] } {
  let flat = '';
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ws = /\s/.test(text[i]!);
    if (ws && (flat.endsWith(' ') || flat === '')) continue;
    flat += ws ? ' ' : text[i];
    map.push(i);
  }
  map.push(text.length);
  return { flat, map };
}

const claim = (id: string, exact: string, prefix = ''): Annotation => ({
  id, pageId: 'p', target: { source: 'https://x.example/', selector: [{ type: 'TextQuoteSelector', exact, prefix, suffix: '' }] },
  body: { tags: ['t'], note: '', color: 'yellow' }, created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', anchor: 'anchored',
});

describe('reader copy marks', () => {
  it('mark the same claims at the same places as before, across every kind of whitespace', () => {
    const spaces = [' ', '  ', '\n', '\t', '\u00a0', '\u2009', '\u3000', '\ufeff', '\r\n ', '\u2028'];
    const words = ['Тоқаев', 'Astana', 'сапар', 'news', 'Еуроодақ', 'x'];
    for (let round = 0; round < 40; round++) {
      const n = 5 + Math.floor(random() * 30);
      const tokens = Array.from({ length: n }, () => pick(words));
      const seps = Array.from({ length: n + 1 }, () => (random() < 0.7 ? pick(spaces) : pick(spaces) + pick(spaces)));
      const text = seps[0] + tokens.map((w, i) => w + seps[i + 1]).join('');
      const html = `<p>${text.slice(0, Math.floor(text.length / 2))}</p><p>${text.slice(Math.floor(text.length / 2))}</p>`;
      const from = Math.floor(random() * (n - 2));
      const exact = tokens.slice(from, from + 2).join(' ');
      const out = markClaims(html, [claim('c1', exact), claim('c2', 'absent words')]);
      expect(out.missing).toEqual(['c2']);
      // Where the mark starts and ends in the text, by the reference map.
      const plain = text.replace(/\s+/g, ' ');
      expect(out.html).toContain('data-claim="c1"');
      const marked = [...out.html.matchAll(/<mark[^>]*>([^<]*)<\/mark>/g)].map((m) => m[1]).join('');
      const { flat, map } = flatBefore(text);
      const at = flat.indexOf(exact);
      expect(at).toBeGreaterThanOrEqual(0);
      const expected = text.slice(map[at]!, map[at + exact.length - 1]! + 1);
      expect(marked.replace(/&nbsp;|&#160;/g, '\u00a0')).toBe(expected.replace(/[<>&]/g, ''));
      expect(plain.includes(exact)).toBe(true);
    }
  });
});

describe('WACZ import reads artifacts from memory and by range alike', () => {
  it('takes back a small and a 5 MB artifact byte for byte', async () => {
    const src = await seedLibrary();
    // The article without a capture gets one with a large screenshot: its own WARC file.
    const captured = new Set((await src.captures.toArray()).map((c) => c.pageId));
    const page = (await src.pages.toArray()).find((p) => !captured.has(p.id))!;
    const big = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) new DataView(big.buffer).setUint32(i, (random() * 2 ** 32) >>> 0);
    const capId = 'urn:uuid:00000000-0000-4000-8000-0000000000c9';
    const ref = { kind: 'screenshot' as const, blobId: 'blob-big', sha256: sha256Hex(big), size: big.length, mime: 'image/png' };
    await src.captures.add({ id: capId, pageId: page.id, url: page.url, finalUrl: page.url, capturedAt: '2026-06-26T10:00:00.000Z', browser: 'Chromium 156', extensionVersion: '0.1.0', artifacts: [ref] });
    await src.blobs.add({ id: 'blob-big', pageId: page.id, captureId: capId, kind: 'screenshot', sha256: ref.sha256, size: big.length, mime: 'image/png', data: new NodeBlob([big], { type: 'image/png' }) as unknown as Blob });
    const { pageIds } = await selectionPages(src, { kind: 'all' });
    const chunks: Uint8Array[] = [];
    await writeWacz(collectArticles(src, pageIds), { title: 't', created: new Date('2026-06-27T08:00:00Z'), software: 'Saqta test', total: pageIds.length }, (c) => void chunks.push(c));
    const bytes = concatBytes(chunks);
    const warcs = (await listEntries(bytes)).filter((e) => e.name.startsWith('archive/'));
    // One WARC file above the size kept in memory, one below it.
    expect(warcs.some((e) => e.size > 4 * 1024 * 1024)).toBe(true);
    expect(warcs.some((e) => e.size < 64 * 1024)).toBe(true);
    const db = new SaqtaDB(`speed-import-${Math.random()}`);
    const summary = await importBytes(db, bytes, { window: await htmlWindow() });
    expect(summary.captures.added).toBe(2);
    const hashes = async (d: SaqtaDB) => (await Promise.all((await d.blobs.toArray()).map(async (b) => `${b.id}:${sha256Hex(new Uint8Array(await b.data.arrayBuffer()))}`))).sort();
    expect(await hashes(db)).toEqual(await hashes(src));
    expect(await hashes(db)).toContain(`blob-big:${ref.sha256}`);
  });
});

describe('WACZ import cleans saved HTML from the bytes it checked', () => {
  it('keeps a hostile saved copy byte for byte, with a note (cleaned when shown), and a clean one unchanged', async () => {
    const src = await seedLibrary();
    const art = (await src.blobs.get('blob-article'))!;
    const hostile = new TextEncoder().encode(HOSTILE_ARTICLE_HTML);
    await src.blobs.update('blob-article', { data: new NodeBlob([hostile], { type: 'text/html' }) as unknown as Blob, sha256: sha256Hex(hostile), size: hostile.length });
    const cap = (await src.captures.get(art.captureId))!;
    await src.captures.update(cap.id, { artifacts: cap.artifacts.map((a) => (a.blobId === 'blob-article' ? { ...a, sha256: sha256Hex(hostile), size: hostile.length } : a)) });
    const { pageIds } = await selectionPages(src, { kind: 'all' });
    const chunks: Uint8Array[] = [];
    await writeWacz(collectArticles(src, pageIds), { title: 't', created: new Date('2026-06-27T08:00:00Z'), software: 'Saqta test', total: pageIds.length }, (c) => void chunks.push(c));
    const db = new SaqtaDB(`speed-clean-${Math.random()}`);
    const summary = await importBytes(db, concatBytes(chunks), { window: await htmlWindow() });
    // Issue 25: import does not change what it imports (the hash stays its capture record's); it says what is there.
    expect(summary.notes?.map((n) => n.key)).toContain('truthNoteCleanOnShow');
    const stored = (await db.blobs.get('blob-article'))!;
    expect(sha256Hex(new Uint8Array(await stored.data.arrayBuffer()))).toBe(sha256Hex(hostile));
    expect(stored.sha256).toBe(sha256Hex(hostile));
    // The screenshot (not HTML) is kept byte for byte.
    const shot = (await db.blobs.get('blob-shot'))!;
    expect(sha256Hex(new Uint8Array(await shot.data.arrayBuffer()))).toBe((await src.blobs.get('blob-shot'))!.sha256);
  });
});

describe('what an export collects', () => {
  it('reads each article once, with the same check records in the same order as withChecks', async () => {
    const db = await seedLibrary();
    const pages = await db.pages.toArray();
    const check = (id: string, pageId: string, at: string) => ({ id, pageId, url: 'https://x.example/', at, via: 'watch', outcome: 'same', prevHash: null, hash: id }) as unknown as CheckRecord;
    // Out of order, two at the same time: the [pageId+at] index orders them by time, then id.
    await db.checks.bulkAdd([check('c3', pages[0]!.id, '2026-06-02T00:00:00Z'), check('c2', pages[0]!.id, '2026-06-01T00:00:00Z'), check('c1', pages[0]!.id, '2026-06-02T00:00:00Z'), check('d1', pages[1]!.id, '2026-05-01T00:00:00Z')]);
    const ids = pages.map((p) => p.id);
    const batched = [];
    for await (const a of collectArticles(db, ids, undefined, { checks: true })) batched.push(a);
    const one = [];
    for await (const a of withChecks(db, collectArticles(db, ids))) one.push(a);
    expect(batched.map((a) => a.checks?.map((c) => c.id))).toEqual(one.map((a) => a.checks?.map((c) => c.id)));
    expect(batched.map((a) => a.checks?.map((c) => c.id))).toEqual([['c2', 'c1', 'c3'], ['d1']]);
    // The newest saved copy is read once: its bytes are handed to the writers with its text.
    const saved = batched.find((a) => a.captures.length)!;
    const art = saved.captures.at(-1)!.files.find((f) => f.ref.kind === 'article')!;
    expect(art.data).toBeInstanceOf(Uint8Array);
    expect(saved.articleHtml).toBe(new TextDecoder().decode(art.data as Uint8Array));
    expect(sha256Hex(art.data as Uint8Array)).toBe(art.ref.sha256);
  });
});
