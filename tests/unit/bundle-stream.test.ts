// @vitest-environment node
/**
 * Import at scale: the archive is read by slices (never whole), progress is
 * reported in two phases, a cancel at any point changes nothing, the batch
 * merge keeps the one-by-one rules (duplicates inside one import, search
 * terms of merged claims), and every refusal reads in en, kk and ru.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { BundleError, refusalText, type RefusalKey } from '../../utils/zip/errors';
import { importBytes, importSource } from '../../utils/import/import';
import { memorySource, type ByteSource } from '../../utils/zip/read';
import { seedLibrary, exportBytes, dump, htmlWindow } from './bundle-helpers';
import { createAnnotation } from '../../utils/store/annotations';
import { pageKeys } from '../../utils/url';
import strings from '../../locales/bundle.json';
import { search } from '../../utils/search/query';

/** A source that records every read. */
function counting(bytes: Uint8Array): ByteSource & { reads: { offset: number; length: number }[] } {
  const inner = memorySource(bytes);
  const reads: { offset: number; length: number }[] = [];
  return { size: inner.size, reads, read: (offset, length) => (reads.push({ offset, length }), inner.read(offset, length)) };
}

/** A library of `n` articles, each with a small saved article, a screenshot of `kb` KB of random bytes (stored, not deflated) and 2 claims. */
async function bigLibrary(n: number, kb: number): Promise<SaqtaDB> {
  const { randomBytes } = await import('node:crypto');
  const { Blob: NodeBlob } = await import('node:buffer');
  const { sha256Hex } = await import('../../utils/bundle/read');
  const db = new SaqtaDB(`big-${Math.random()}`);
  for (let i = 0; i < n; i++) {
    const url = `https://news.example/a/${i}`;
    const text = `Мақала ${i}: Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен барды, ${i}-хабар.`;
    const html = new TextEncoder().encode(`<article><p>${text}</p></article>`);
    const png = new Uint8Array(randomBytes(kb * 1024));
    const a = await createAnnotation(db, { keys: pageKeys(url), title: `Мақала ${i}`, lang: 'kk' }, [{ type: 'TextQuoteSelector', exact: text.slice(0, 30), prefix: '', suffix: '' }], { tags: [`тег ${i % 3}`], note: '', color: 'yellow' });
    await createAnnotation(db, { keys: pageKeys(url), title: `Мақала ${i}` }, [{ type: 'TextQuoteSelector', exact: text.slice(30), prefix: '', suffix: '' }], { tags: ['ортақ'], note: 'n', color: 'blue' });
    const cap = { id: `urn:uuid:cap-${i}`, pageId: a.page.id, url, finalUrl: url, capturedAt: '2026-06-24T11:12:00.000Z', browser: 'test', extensionVersion: '0.1.0', artifacts: [
      { kind: 'article' as const, blobId: `blob-${i}`, sha256: sha256Hex(html), size: html.length, mime: 'text/html' },
      { kind: 'screenshot' as const, blobId: `shot-${i}`, sha256: sha256Hex(png), size: png.length, mime: 'image/png' },
    ] };
    await db.captures.add(cap);
    await db.blobs.add({ id: `blob-${i}`, pageId: a.page.id, captureId: cap.id, kind: 'article', sha256: cap.artifacts[0]!.sha256, size: html.length, mime: 'text/html', data: new NodeBlob([html], { type: 'text/html' }) as unknown as Blob });
    await db.blobs.add({ id: `shot-${i}`, pageId: a.page.id, captureId: cap.id, kind: 'screenshot', sha256: cap.artifacts[1]!.sha256, size: png.length, mime: 'image/png', data: new NodeBlob([png], { type: 'image/png' }) as unknown as Blob });
  }
  return db;
}

describe('streamed import', () => {
  it('reads the archive by slices of at most 1 MiB and about once, with progress in two phases', async () => {
    const bytes = await exportBytes(await bigLibrary(3, 1500));
    expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
    const src = counting(bytes);
    const phases: string[] = [];
    const dst = new SaqtaDB(`dst-${Math.random()}`);
    const s = await importSource(dst, src, { window: await htmlWindow(), onProgress: (phase, done, total) => {
      expect(done).toBeLessThanOrEqual(total);
      if (phases.at(-1) !== phase) phases.push(phase);
    } });
    expect(s).toMatchObject({ pages: { added: 3 }, claims: { added: 6 }, captures: { added: 3 } });
    expect(phases).toEqual(['check', 'write']);
    // Only the tail (≤ 64 KiB + 22) may be bigger than a slice; everything together is read about once.
    const big = src.reads.filter((r) => r.length > 1024 * 1024 + 1024);
    expect(big.every((r) => r.offset >= bytes.length - 22 - 0xffff)).toBe(true);
    const total = src.reads.reduce((sum, r) => sum + Math.min(r.length, bytes.length - r.offset), 0);
    expect(total).toBeLessThan(bytes.length * 1.2);
    // The artifacts arrived whole.
    expect(await dst.blobs.count()).toBe(6);
    expect(src.reads.filter((r) => r.length >= 1024 * 1024).length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(await dump(dst)).blobs.map((b: { data: string; sha256: string }) => b.data === b.sha256)).toEqual(Array(6).fill(true));
  });

  it('a cancel at any progress step refuses with AbortError and leaves the library exactly as it was', async () => {
    const bytes = await exportBytes(await bigLibrary(4, 20));
    const target = await seedLibrary();
    const before = await dump(target);
    // Count the progress steps of a clean import into a copy.
    let steps = 0;
    await importBytes(await seedLibrary(), bytes, { onProgress: () => void steps++, window: await htmlWindow() });
    expect(steps).toBeGreaterThan(4);
    for (let k = 1; k <= steps; k++) {
      const abort = new AbortController();
      let n = 0;
      const err = await importBytes(target, bytes, { window: await htmlWindow(), signal: abort.signal, onProgress: () => void (++n === k && abort.abort()) }).then(() => null, (e: unknown) => e);
      expect(err, `cancel at step ${k}`).toMatchObject({ name: 'AbortError' });
      await target.settled();
      expect(await dump(target), `cancel at step ${k}`).toBe(before);
    }
    // And without a cancel it goes through.
    expect(await importBytes(target, bytes, { window: await htmlWindow() })).toMatchObject({ claims: { added: 8 } });
  });
});

describe('export speed choices', () => {
  it('stores already-compressed artifacts as they are and deflates text, and the result verifies', async () => {
    const { listEntries } = await import('../../utils/zip/read');
    const { verifyBundle } = await import('../../utils/bundle/verify');
    const bytes = await exportBytes(await bigLibrary(2, 64));
    const entries = await listEntries(bytes);
    const shots = entries.filter((e) => e.name.endsWith('screenshot.png'));
    expect(shots).toHaveLength(2);
    for (const e of shots) expect(e).toMatchObject({ method: 0, compressedSize: 64 * 1024 });
    const text = entries.filter((e) => /\.(html|json|jsonld|md)$/.test(e.name));
    expect(text.length).toBeGreaterThan(8);
    for (const e of text) expect(e.method, e.name).toBe(8);
    const index = entries.find((e) => e.name === 'index.html')!;
    expect(index.compressedSize).toBeLessThan(index.size);
    expect(await verifyBundle(bytes, { window: await htmlWindow() })).toMatchObject({ ok: true });
  });
});

describe('batch merge keeps the one-by-one rules', () => {
  it('dedupes within one import (same page + quote under two ids), merges tags into stored claims and keeps their search terms current', async () => {
    const db = await seedLibrary();
    const stored = (await db.annotations.toArray()).find((a) => a.body.color === 'yellow')!;
    const page = (await db.pages.get(stored.pageId))!;
    const item = (id: string, exact: string, tags: string[], text = '') => ({ id, uri: page.url, text, tags, target: [{ source: page.url, selector: [{ type: 'TextQuoteSelector', exact, prefix: '', suffix: '' }] }] });
    const file = {
      annotations: [
        item('h-1', 'Жаңа дәйек, бірінші рет', ['Жаңа']),
        item('h-2', 'Жаңа дәйек, бірінші рет', ['жаңа', 'екінші'], 'екінші жазба'),
        item('h-3', 'Біздің мақсатымыз – кінәлау емес', ['Zhetisu']),
        { ...item('h-4', 'Басқа сайттағы дәйек', []), uri: 'https://other.example/x', target: [{ source: 'https://other.example/x', selector: [{ type: 'TextQuoteSelector', exact: 'Басқа сайттағы дәйек', prefix: '', suffix: '' }] }] },
        { ...item('h-5', 'Сол сайттағы екінші дәйек', []), uri: 'https://other.example/x', target: [{ source: 'https://other.example/x', selector: [{ type: 'TextQuoteSelector', exact: 'Сол сайттағы екінші дәйек', prefix: '', suffix: '' }] }] },
      ],
    };
    const s = await importBytes(db, new TextEncoder().encode(JSON.stringify(file)));
    // h-2 merges into h-1 (added moments before in the same import); h-3 into the stored claim; h-4 and h-5 share one new page.
    expect(s).toEqual({ pages: { added: 1, merged: 0 }, claims: { added: 3, merged: 2, skipped: 0 }, captures: { added: 0, skipped: 0 }, tags: { added: 3 } });
    const all = await db.annotations.toArray();
    const fresh = all.filter((a) => a.target.selector.some((x) => x.type === 'TextQuoteSelector' && x.exact === 'Жаңа дәйек, бірінші рет'));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.body).toMatchObject({ tags: ['Жаңа', 'екінші'], note: 'екінші жазба' });
    const merged = (await db.annotations.get(stored.id))!;
    expect(merged.body.tags).toEqual(['дәйексөз', 'Zhetisu']);
    // Search finds the merged claim by its new tag (v50: tags are searched by name).
    expect((await search(db, 'zhetisu')).hits.map((h) => [h.id, h.field])).toContainEqual([stored.id, 'tag']);
    expect(await db.pages.where('normalizedUrl').equals('other.example/x').count()).toBe(1);
    // Importing the same file again changes nothing.
    expect(await importBytes(db, new TextEncoder().encode(JSON.stringify(file)))).toMatchObject({ pages: { added: 0 }, claims: { added: 0, merged: 0, skipped: 5 }, tags: { added: 0 } });
  });
});

describe('refusals in three languages', () => {
  const hostile = join(__dirname, '..', 'fixtures', 'hostile');
  const expected: Record<string, { code: string; imported?: unknown }> = JSON.parse(readFileSync(join(hostile, 'expected.json'), 'utf8'));

  it('every refusal text exists in en, kk and ru with the same parameters', () => {
    for (const [key, entry] of Object.entries(strings as Record<string, Record<string, string>>)) {
      const params = (s: string) => [...s.matchAll(/\$[1-9]/g)].map((m) => m[0]).sort();
      expect(params(entry.kk!), key).toEqual(params(entry.en!));
      expect(params(entry.ru!), key).toEqual(params(entry.en!));
      expect(entry.kk, key).not.toBe(entry.en);
      expect(entry.ru, key).not.toBe(entry.en);
    }
  });

  it('each hostile bundle is refused with a code, a text key and parameters that fill every language', async () => {
    const db = new SaqtaDB(`lang-${Math.random()}`);
    const keys = new Set<string>();
    for (const file of Object.keys(expected).filter((f) => !expected[f]!.imported)) {
      const err = await importBytes(db, new Uint8Array(readFileSync(join(hostile, file))), { window: await htmlWindow() }).then(() => null, (e: unknown) => e);
      expect(err, file).toBeInstanceOf(BundleError);
      const e = err as BundleError;
      keys.add(e.key);
      for (const lang of ['kk', 'ru'] as const) {
        const text = refusalText(e.key as RefusalKey, e.args, lang);
        expect(text, `${file} ${lang}`).not.toMatch(/\$[1-9]/);
        // File names and numbers travel as parameters, untranslated.
        for (const a of e.args) expect(text, `${file} ${lang}`).toContain(a);
      }
      expect(refusalText(e.key as RefusalKey, e.args, 'en')).toBe(e.prefixed ? e.message.slice(`${e.file}: `.length) : e.message);
    }
    expect(keys.size).toBeGreaterThan(35);
  });

  it('the Kazakh and Russian texts of a path refusal', () => {
    const args = ['"../../.bashrc"'];
    expect(refusalText('pathLeaves', args, 'kk')).toBe('"../../.bashrc" файлының жолы топтамадан тыс шығады (.., . немесе //); Saqta оны қабылдамайды.');
    expect(refusalText('pathLeaves', args, 'ru')).toBe('Путь файла "../../.bashrc" выходит за пределы архива (.., . или //); Saqta его не принимает.');
  });
});
