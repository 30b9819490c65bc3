import { describe, expect, it } from 'vitest';
import { normalizeUrl, pageKeys } from '../../utils/url';

describe('normalizeUrl', () => {
  it('drops tracking parameters, fragments, www and trailing slashes', () => {
    expect(normalizeUrl('https://www.Azattyq.org/a/33.html?utm_source=fb&utm_medium=x&fbclid=abc#comments')).toBe(
      'azattyq.org/a/33.html',
    );
    expect(normalizeUrl('https://example.com/news/story/?gclid=1')).toBe('example.com/news/story');
  });

  it('keeps parameters that select the document, sorted', () => {
    expect(normalizeUrl('https://example.com/read?page=2&id=7&utm_campaign=z')).toBe('example.com/read?id=7&page=2');
  });

  it('treats index.html as the folder', () => {
    expect(normalizeUrl('http://127.0.0.1:8080/seed/index.html')).toBe(normalizeUrl('http://127.0.0.1:8080/seed/'));
  });

  it('keeps non-default ports apart and leaves non-web URLs alone', () => {
    expect(normalizeUrl('http://127.0.0.1:8080/a')).not.toBe(normalizeUrl('http://127.0.0.1:9090/a'));
    expect(normalizeUrl('chrome://extensions/')).toBe('chrome://extensions/');
    expect(normalizeUrl('not a url')).toBe('not a url');
  });
});

describe('pageKeys', () => {
  it('resolves a relative canonical link against the page URL', () => {
    const keys = pageKeys('https://mirror.example/x/y?utm_source=t', '/a/33.html');
    expect(keys.canonicalUrl).toBe('https://mirror.example/a/33.html');
    expect(keys.normalizedCanonical).toBe('mirror.example/a/33.html');
    expect(keys.normalizedUrl).toBe('mirror.example/x/y');
  });
});
