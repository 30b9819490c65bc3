// @vitest-environment jsdom
/**
 * Issue 24: nothing Saqta hands out runs. The snapshot policy is parsed (HTML and CSP), not
 * matched; reader.html and the "HTML file" are built from DOMPurify output, so the
 * `<me<link>ta http-equiv=refresh …>` nesting never becomes a redirect; Markdown quotes are text.
 */
import { describe, expect, it } from 'vitest';
import { carriesPolicy, parseCsp, policyIsInert, withPolicy } from '../../utils/snapshot/policy';
import { SNAPSHOT_CSP } from '../../utils/snapshot/types';
import { inertBody, readerHtml, stripActive } from '../../utils/export/html';
import { claimsMarkdown } from '../../utils/export/markdown';

const parser = new DOMParser();
const ours = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}"><title>t</title></head><body><p>hi</p></body></html>`;

describe('the snapshot policy, parsed', () => {
  it('accepts Saqta’s own snapshot and parses directives, not substrings', () => {
    expect(carriesPolicy(ours, parser)).toBe(true);
    expect(parseCsp("default-src 'none'; script-src https://x").get('script-src')).toEqual(['https://x']);
    expect(policyIsInert(SNAPSHOT_CSP)).toBe(true);
    // "default-src 'none'" and "form-action 'none'" only as another directive's values: not a policy.
    expect(policyIsInert("img-src default-src 'none' form-action 'none'")).toBe(false);
    expect(policyIsInert("default-src 'none'; form-action 'none'; script-src-elem *")).toBe(false);
    expect(policyIsInert("default-src 'none'; form-action 'none'; img-src https:")).toBe(false);
  });

  it('is not fooled by a policy in a comment, the wrong attribute order, a later meta or a refresh', () => {
    const fakes = [
      `<!DOCTYPE html><html><head><!-- <meta http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}"> --><script>fetch('http://127.0.0.1:9/x')</script></head><body></body></html>`,
      `<!DOCTYPE html><html><head><script src="http://127.0.0.1:9/a.js"></script><meta http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}"></head></html>`,
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}"></head><body><meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/"></body></html>`,
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="img-src default-src 'none' form-action 'none'"></head></html>`,
      `<title><meta http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}"></title><script>alert(1)</script>`,
    ];
    for (const f of fakes) expect(carriesPolicy(f, parser), f).toBe(false);
    // Reordered attributes are still the same element to a parser.
    expect(carriesPolicy(ours.replace(`http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}"`, `content="${SNAPSHOT_CSP}" http-equiv="content-security-policy"`), parser)).toBe(true);
    // Saqta's own snapshots put their saqta:* facts (metas without http-equiv) and the title first: still carrying it.
    expect(carriesPolicy(ours.replace('<head>', '<head><meta name="saqta:url" content="https://x.example/">'), parser)).toBe(true);
    expect(carriesPolicy(ours.replace('<head>', '<head><link rel="stylesheet" href="http://127.0.0.1:9/a.css">'), parser)).toBe(false);
    // Without a parser, nothing is taken as carrying it.
    expect(carriesPolicy(ours, undefined)).toBe(false);
  });

  it('withPolicy inserts Saqta’s policy first in <head> with the parser and drops meta refresh', () => {
    for (const f of [`<html><head><script>alert(1)</script></head><body><meta http-equiv=refresh content="0;url=http://127.0.0.1:9/"><p>x</p></body></html>`, '<p>bare</p>']) {
      const out = withPolicy(f, parser)!;
      expect(carriesPolicy(out, parser)).toBe(true);
      const doc = parser.parseFromString(out, 'text/html');
      expect(doc.head.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toBe(SNAPSHOT_CSP);
      expect(doc.querySelector('meta[http-equiv=refresh]')).toBeNull();
    }
    expect(withPolicy(ours, parser)).toBe(ours);
  });
});

describe('reader.html and the HTML file', () => {
  const nested = '<p>Text</p><me<link>ta http-equiv=refresh content="0;url=http://127.0.0.1:9/steal"><scr<script>x</script>ipt>alert(1)</script>';
  it('the one-pass nesting never becomes a working tag (stripActive alone, and through DOMPurify)', () => {
    for (const out of [stripActive(nested), inertBody(nested)]) {
      const doc = parser.parseFromString(`<body>${out}</body>`, 'text/html');
      expect(doc.querySelector('meta, script, link'), out).toBeNull();
      expect(out).not.toMatch(/<meta|<script/i);
    }
    const page = readerHtml({ page: { id: 'p', url: 'https://x.example/', title: 'T', normalizedUrl: 'x', aliases: [], createdAt: '', updatedAt: '' }, annotations: [], captures: [], articleHtml: `<html><body>${nested}</body></html>` } as never);
    const doc = parser.parseFromString(page, 'text/html');
    expect([...doc.querySelectorAll('meta[http-equiv]')].map((m) => m.getAttribute('http-equiv')!.toLowerCase())).toEqual(['content-security-policy']);
    expect(doc.querySelector('script, link')).toBeNull();
  });
});

describe('claims.md', () => {
  it('a quote holding an image or a link stays text', () => {
    const md = claimsMarkdown(
      [{ page: { id: 'p', url: 'https://x.example/', title: 'T' } as never, captures: [], annotations: [{ id: 'urn:uuid:1', created: '2026-01-01T00:00:00Z', body: { tags: [], note: '![n](http://127.0.0.1:9/n.png)', color: 'yellow' }, target: { source: 'https://x.example/', selector: [{ type: 'TextQuoteSelector', exact: 'see ![x](http://127.0.0.1:9/q.png) and [l](http://127.0.0.1:9/) <img src=http://127.0.0.1:9/h.png>', prefix: '', suffix: '' }] } } as never] }],
      'T',
      '2026-01-01T00:00:00Z',
    );
    expect(md).not.toMatch(/(^|[^\\])!\[/m);
    expect(md).not.toMatch(/(^|[^\\])\]\(/m);
    expect(md).not.toMatch(/(^|[^\\])<img/m);
    expect(md).toContain('> see \\!\\[x\\]\\(http://127.0.0.1:9/q.png\\)');
  });
});
