import { describe, expect, it } from 'vitest';
import { authorOf, liveMetaOf } from '../../utils/extract/meta';

const doc = (head: string, body = '') => new DOMParser().parseFromString(`<!doctype html><html><head>${head}</head><body>${body}</body></html>`, 'text/html');

describe('what an open page states about itself (citations before a save)', () => {
  it('author, date, site and canonical URL', () => {
    const d = doc(
      `<title>Budget</title><meta name="author" content="Мәншүк Асаутай"><meta property="og:site_name" content="Азаттық радиосы">
       <meta property="article:published_time" content="2026-06-24T11:12:00+05:00"><link rel="canonical" href="https://news.example.kz/a/1.html">`,
    );
    expect(liveMetaOf(d)).toEqual({ title: 'Budget', siteName: 'Азаттық радиосы', byline: 'Мәншүк Асаутай', publishedTime: '2026-06-24T11:12:00+05:00', canonicalUrl: 'https://news.example.kz/a/1.html' });
  });
  it('an author from JSON-LD or rel=author; a profile URL is not a name', () => {
    expect(authorOf(doc(`<meta property="article:author" content="https://facebook.com/x"><script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"A. Writer"},{"name":"B. Editor"}]}</script>`))).toBe('A. Writer, B. Editor');
    expect(authorOf(doc('', '<a rel="author" href="/a">  C.   Reporter </a>'))).toBe('C. Reporter');
    expect(authorOf(doc('<meta property="article:author" content="https://facebook.com/x">'))).toBeUndefined();
  });
});
