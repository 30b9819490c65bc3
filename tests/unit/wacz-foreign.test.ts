// @vitest-environment node
/**
 * WACZ files other tools really made (tests/fixtures/wacz/, with their
 * licences): Saqta's verify passes them, and import makes each page a saved
 * copy — the archived HTML, the article extracted from it, its images from
 * the archive — that the library finds and the reader can open and annotate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaqtaDB } from '../../utils/db';
import { importBytes } from '../../utils/import/import';
import { htmlWindow } from './bundle-helpers';
import { memorySource } from '../../utils/zip/read';
import { verifyAny } from '../../utils/wacz/verify';
import { createAnnotation } from '../../utils/store/annotations';
import { pageKeys } from '../../utils/url';
import { fixture, WACZ_FIXTURES } from '../paths';

const bytes = (name: string) => new Uint8Array(readFileSync(fixture(join(WACZ_FIXTURES, name))));
const textOf = async (b: Blob) => new TextDecoder().decode(new Uint8Array(await b.arrayBuffer()));

beforeAll(() => {
  // The library page parses archived HTML with its DOMParser; here jsdom plays that part (its documents have a window for DOMPurify).
  (globalThis as Record<string, unknown>).DOMParser = class {
    parseFromString(html: string) {
      return new JSDOM(html).window.document;
    }
  };
});

describe('WACZ made by other tools', () => {
  it('verify passes an ArchiveWeb.page WACZ and a Browsertrix crawl packed by py-wacz (compressed index)', async () => {
    for (const [name, software, entries] of [
      ['archiveweb-page-example.wacz', 'ArchiveWeb.page 0.8.1', 14],
      ['browsertrix-py-wacz-example.wacz', 'py-wacz 0.4.0', 2],
    ] as const) {
      const r = await verifyAny(memorySource(bytes(name)));
      expect(r.kind).toBe('wacz');
      expect(r.lines.filter((l) => l.level === 'fail')).toEqual([]);
      const all = r.lines.map((l) => l.message).join('\n');
      expect(all).toContain(software);
      expect(all).toContain(`${entries} index entries match their WARC records`);
    }
  });

  it('imports the ArchiveWeb.page capture as a saved copy with the article extracted from the archived HTML', async () => {
    const db = new SaqtaDB(`foreign-${Math.random()}`);
    const summary = await importBytes(db, bytes('archiveweb-page-example.wacz'), { window: await htmlWindow() });
    expect(summary.pages.added).toBe(1);
    expect(summary.captures.added).toBe(1);
    const [page] = await db.pages.toArray();
    expect(page).toMatchObject({ url: 'https://webrecorder.net/', title: 'Webrecorder', savedAt: '2022-09-16T19:15:07.215Z' });
    const [capture] = await db.captures.toArray();
    expect(capture!.browser).toBe('Imported from a WACZ made by Webrecorder ArchiveWeb.page 0.8.1, using warcio.js 1.5.1');
    const kinds = capture!.artifacts.map((a) => a.kind);
    expect(kinds).toContain('raw');
    expect(kinds).toContain('article');
    const article = await textOf((await db.blobs.get(capture!.artifacts.find((a) => a.kind === 'article')!.blobId))!.data);
    expect(article).toContain('suite of open source tools and packages');
    // The article's images come from the archive too.
    expect(capture!.artifacts.filter((a) => a.kind === 'image').map((a) => a.sourceUrl)).toContain('https://webrecorder.net/assets/tools/awp-icon.png');
    expect(article).not.toMatch(/<script/i);
    // The reader can annotate it: a claim on its text joins the imported page.
    const claim = await createAnnotation(db, { keys: pageKeys(page!.url), title: page!.title }, [{ type: 'TextQuoteSelector', exact: 'suite of open source tools and packages', prefix: '', suffix: '' }], { tags: ['imported'], note: '', color: 'yellow' });
    expect(claim.page.id).toBe(page!.id);
    // Importing the same file again adds nothing.
    const again = await importBytes(db, bytes('archiveweb-page-example.wacz'), { window: await htmlWindow() });
    expect(again.pages.added + again.captures.added).toBe(0);
  });

  it('imports the Browsertrix page, reading its compressed index, with the text of the archived page', async () => {
    const db = new SaqtaDB(`foreign-bt-${Math.random()}`);
    const summary = await importBytes(db, bytes('browsertrix-py-wacz-example.wacz'), { window: await htmlWindow() });
    expect(summary.pages.added).toBe(1);
    const [page] = await db.pages.toArray();
    expect(page).toMatchObject({ url: 'https://example.com/', title: 'Example Domain' });
    const [capture] = await db.captures.toArray();
    const art = capture!.artifacts.find((a) => a.kind === 'article')!;
    expect(await textOf((await db.blobs.get(art.blobId))!.data)).toContain('This domain is for use in illustrative examples');
  });
});
