import { describe, expect, it } from 'vitest';
import { citation, citationSource, archiveLinkOf, type CitationLabels } from '../../utils/cite';
import type { Annotation } from '../../utils/annotation';
import type { CaptureRecord, PageRecord } from '../../utils/db';

const labels: CitationLabels = {
  published: 'published $1',
  captured: 'Captured $1',
  hash: 'SHA-256 of the $1: $2',
  archive: 'Archived copy: $1',
  notSaved: 'Not saved in Saqta yet',
  page: 'p. $1',
  area: 'Area on page $1',
  kinds: { snapshot: 'archival snapshot', raw: 'source HTML', article: 'saved article' },
};
const claim = {
  id: 'urn:uuid:1',
  pageId: 'p1',
  target: { source: 'https://news.example/a', selector: [{ type: 'TextQuoteSelector', exact: 'The minister *denied* it', prefix: '', suffix: '' }] },
  body: { tags: [], note: '', color: 'yellow' },
  created: '2026-11-27T13:00:00.000Z',
  modified: '2026-11-27T13:00:00.000Z',
  anchor: 'anchored',
} as Annotation;
const page = { id: 'p1', url: 'https://news.example/a?utm_source=x', title: 'Budget [draft]', siteName: 'Example News', byline: 'A. Writer', publishedTime: '2026-06-24T11:12:00+05:00' } as PageRecord;
const hash = 'ab'.repeat(32);
const capture = {
  id: 'c1',
  pageId: 'p1',
  url: 'https://news.example/a',
  capturedAt: '2026-11-27T13:43:27.183Z',
  artifacts: [
    { kind: 'article', blobId: 'b0', sha256: 'cd'.repeat(32), size: 1, mime: 'text/html' },
    { kind: 'snapshot', blobId: 'b1', sha256: hash, size: 1, mime: 'text/html' },
  ],
} as CaptureRecord;

describe('citations', () => {
  it('plain text: quote, title, site, author, publication date, URL, capture time in UTC, the snapshot hash', () => {
    const text = citation(citationSource(claim, page, capture), 'text', 'en', labels);
    expect(text).toBe(
      `“The minister *denied* it”\n— Budget [draft], Example News, A. Writer, published June 24, 2026. https://news.example/a\nCaptured 2026-11-27 13:43 UTC. SHA-256 of the archival snapshot: ${hash}\n`,
    );
  });

  it('Markdown: a block quote, escaped title, the URL and hash as code', () => {
    const md = citation(citationSource(claim, page, capture), 'markdown', 'en', labels);
    expect(md.startsWith('> The minister \\*denied\\* it\n\n— *Budget \\[draft\\]*, Example News')).toBe(true);
    expect(md).toContain('<https://news.example/a>');
    expect(md).toContain(`\`${hash}\``);
  });

  it('Kazakh and Russian take « » and a numeric Kazakh date', () => {
    const kk = citation(citationSource(claim, page, capture), 'text', 'kk', { ...labels, published: 'жарияланған күні $1' });
    expect(kk.startsWith('«The minister *denied* it»')).toBe(true);
    expect(kk).toMatch(/жарияланған күні 24\.06\.2026/);
    expect(citation(citationSource(claim, page, capture), 'text', 'ru', labels).startsWith('«')).toBe(true);
  });

  it('a page never saved: no capture time or hash, and no "not saved yet" pasted into the draft; an archive link is added when a capture has one', () => {
    const text = citation(citationSource(claim, page, null), 'text', 'en', labels);
    expect(text).toContain('https://news.example/a?utm_source=x');
    expect(text).not.toContain('Not saved in Saqta yet');
    expect(text).toBe('“The minister *denied* it”\n— Budget [draft], Example News, A. Writer, published June 24, 2026. https://news.example/a?utm_source=x\n');
    expect(text).not.toContain('SHA-256');
    expect(archiveLinkOf(capture)).toBeUndefined();
    const archived = { ...capture, archiveUrl: 'https://archive.example/wacz#x' };
    expect(citation(citationSource(claim, page, archived), 'text', 'en', labels)).toContain('Archived copy: https://archive.example/wacz#x');
  });

  it('the canonical URL, and on a page not saved yet the author, date and canonical URL the page states', () => {
    const withCanonical = { ...page, canonicalUrl: 'https://news.example/canonical' } as PageRecord;
    expect(citation(citationSource(claim, withCanonical, capture), 'text', 'en', labels)).toContain('https://news.example/canonical\n');
    const bare = { id: 'p1', url: 'https://news.example/a?utm_source=x', title: 'Budget [draft]' } as PageRecord;
    const live = { byline: 'A. Writer', publishedTime: '2026-06-24T11:12:00+05:00', canonicalUrl: 'https://news.example/a', siteName: 'Example News' };
    expect(citation(citationSource(claim, bare, null, live), 'text', 'en', labels)).toBe(
      '“The minister *denied* it”\n— Budget [draft], Example News, A. Writer, published June 24, 2026. https://news.example/a\n',
    );
    // The toolbar (live) and the library (saved) give the same citation of a saved page.
    expect(citation(citationSource(claim, page, capture, live), 'text', 'en', labels)).toBe(citation(citationSource(claim, page, capture), 'text', 'en', labels));
  });

  it('a PDF claim says its page; an area claim says which page instead of a quote', () => {
    const pdfPage = { id: 'p2', url: 'https://court.example/ruling.pdf', title: 'Ruling 12/2026' } as PageRecord;
    const onPage2 = { ...claim, target: { source: 'https://court.example/ruling.pdf', selector: [...claim.target.selector, { type: 'PageSelector', index: 1, label: '2' }] } } as Annotation;
    expect(citation(citationSource(onPage2, pdfPage, null), 'text', 'en', labels)).toBe('“The minister *denied* it”\n— Ruling 12/2026, p. 2. https://court.example/ruling.pdf\n');
    expect(citation(citationSource(onPage2, pdfPage, null), 'markdown', 'en', labels)).toContain('— *Ruling 12/2026*, p. 2. <https://court.example/ruling.pdf>');
    const area = {
      ...claim,
      target: {
        source: 'https://court.example/ruling.pdf',
        selector: [
          { type: 'FragmentSelector', conformsTo: 'http://tools.ietf.org/rfc/rfc3778', value: 'page=3&viewrect=10,10,100,50' },
          { type: 'PageSelector', index: 2, label: '3' },
        ],
      },
    } as Annotation;
    expect(citation(citationSource(area, pdfPage, null), 'text', 'kk', { ...labels, page: '$1-бет', area: '$1-беттегі аймақ' })).toBe('[3-беттегі аймақ]\n— Ruling 12/2026, 3-бет. https://court.example/ruling.pdf\n');
    // A web page's claim has no page.
    expect(citation(citationSource(claim, page, null), 'text', 'en', labels)).not.toContain('p. ');
  });
});
