import { describe, expect, it } from 'vitest';
import { artifactLabelKey } from '../../utils/artifact-label';

describe('what a saved file is called', () => {
  it('names the page’s files by MIME type, not by "image"', () => {
    expect(artifactLabelKey({ kind: 'resource', mime: 'text/css' })).toBe('artifactStylesheet');
    expect(artifactLabelKey({ kind: 'image', mime: 'text/css' })).toBe('artifactStylesheet');
    expect(artifactLabelKey({ kind: 'resource', mime: 'text/javascript; charset=utf-8' })).toBe('artifactScript');
    expect(artifactLabelKey({ kind: 'resource', mime: 'application/javascript' })).toBe('artifactScript');
    expect(artifactLabelKey({ kind: 'resource', mime: 'font/woff2' })).toBe('artifactFont');
    expect(artifactLabelKey({ kind: 'resource', mime: 'application/font-woff' })).toBe('artifactFont');
    expect(artifactLabelKey({ kind: 'resource', mime: 'image/svg+xml' })).toBe('artifactImage');
    expect(artifactLabelKey({ kind: 'image', mime: 'image/png' })).toBe('artifactImage');
    expect(artifactLabelKey({ kind: 'resource', mime: 'text/html' })).toBe('artifactHtmlFile');
    expect(artifactLabelKey({ kind: 'resource', mime: 'application/octet-stream' })).toBe('artifactOtherFile');
    expect(artifactLabelKey({ kind: 'resource', mime: '' })).toBe('artifactOtherFile');
  });
  it('names the capture’s own files by what they are', () => {
    expect(artifactLabelKey({ kind: 'snapshot', mime: 'text/html' })).toBe('artifactSnapshot');
    expect(artifactLabelKey({ kind: 'raw', mime: 'text/html' })).toBe('artifactRaw');
    expect(artifactLabelKey({ kind: 'article', mime: 'text/html' })).toBe('artifactArticle');
    expect(artifactLabelKey({ kind: 'screenshot', mime: 'image/png' })).toBe('artifactScreenshot');
  });
});
