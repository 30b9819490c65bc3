// @vitest-environment node
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { snapshotDocument } from '../../utils/snapshot/serialize';
import { inlineSnapshot, type Fetcher } from '../../utils/snapshot/inline';

import { SEED } from '../paths';
const ORIGIN = 'http://127.0.0.1:8080';
const MIME: Record<string, string> = { '.png': 'image/png', '.svg': 'image/svg+xml', '.css': 'text/css', '.woff2': 'font/woff2' };

/** Serves /seed/* from the fixture folder, like the background's fetch would. */
const fetched: string[] = [];
const fetcher: Fetcher = async (url) => {
  fetched.push(url);
  const u = new URL(url);
  if (u.origin !== ORIGIN || !u.pathname.startsWith('/seed/')) return null;
  const file = join(SEED, decodeURIComponent(u.pathname.slice('/seed/'.length)));
  if (!existsSync(file)) return null;
  return { bytes: new Uint8Array(readFileSync(file)), mime: MIME[extname(file)] ?? 'application/octet-stream' };
};
const header = { url: `${ORIGIN}/seed/index.html`, title: 'T', capturedAt: '2026-11-25T17:00:00.000Z', browser: 'Chromium 142', extensionVersion: '0.1.0' };
const quiet = () => new VirtualConsole();

describe('archival snapshot', () => {
  it('makes the seed page one self-contained file: styles and images inlined, scripts gone, header on top', async () => {
    const dom = new JSDOM(readFileSync(join(SEED, 'index.html'), 'utf8'), { url: `${ORIGIN}/seed/index.html`, virtualConsole: quiet() });
    const doc = dom.window.document;
    // The site's lazy loader has run on the live page.
    doc.querySelectorAll('img[data-src]').forEach((img) => img.setAttribute('src', img.getAttribute('data-src')!));
    const snap = snapshotDocument(doc);
    expect(snap.resources).toContain(`${ORIGIN}/seed/img/akylbekova-2021.png`);
    expect(snap.resources).toContain(`${ORIGIN}/seed/img/lazy-roundtable.png`);
    const { html, stats } = await inlineSnapshot(snap, fetcher, header);
    expect(stats.failed).toEqual([]);

    const out = new JSDOM(html).window.document;
    expect(out.querySelectorAll('script').length).toBe(0);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(out.querySelectorAll('link[rel~=stylesheet]').length).toBe(0);
    // The site's stylesheet is in the file.
    expect([...out.querySelectorAll('style')].map((s) => s.textContent).join('')).toMatch(/\.site-header|\.article/);
    // Every image is a data: URL, the late-loaded ones included.
    const imgs = [...out.querySelectorAll('img')];
    expect(imgs.length).toBeGreaterThanOrEqual(7);
    for (const img of imgs) expect(img.getAttribute('src')).toMatch(/^data:image\/(png|svg\+xml);base64,/);
    expect(imgs.every((i) => !i.hasAttribute('srcset'))).toBe(true);
    // Header: a comment above <html> and meta tags.
    expect(html.split('\n')[1]).toBe('<!--');
    expect(html).toContain(`URL: ${ORIGIN}/seed/index.html`);
    expect(out.querySelector('meta[name="saqta:captured-at"]')?.getAttribute('content')).toBe(header.capturedAt);
    expect(out.querySelector('meta[name="saqta:browser"]')?.getAttribute('content')).toBe('Chromium 142');
    expect(out.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toContain("default-src 'none'");
    // The form posts nowhere; the comment box's text stays.
    expect(out.querySelector('form')?.hasAttribute('action')).toBe(false);
    // The text is all there.
    expect(out.body.textContent).toContain('Егер бұл мәселелерді біз көтермесек');
  });

  it('neutralizes scripts, handlers, javascript: URLs, meta refresh; keeps shadow roots, frames and form values', async () => {
    const dom = new JSDOM(
      `<!doctype html><html><head><meta http-equiv="refresh" content="0;url=http://evil/"><base href="${ORIGIN}/seed/">
       <link rel="preload" href="x.js" as="script"><style>.box{background:url(img/logo.svg)}</style></head>
       <body onload="alert(1)"><a href="javascript:alert(2)" onclick="x()">bad</a><a href="other.html">rel</a>
       <div id="host"></div><iframe id="f"></iframe><form action="http://evil/post"><input name="q" value="">
       <input type="password" value="secret"></form><div style="background-image:url('img/related-un.png')">bg</div>
       <script>window.x=1</script><noscript><img src="http://evil/track.gif"></noscript></body></html>`,
      { url: `${ORIGIN}/seed/page.html`, virtualConsole: quiet() },
    );
    const doc = dom.window.document;
    const root = doc.getElementById('host')!.attachShadow({ mode: 'open' });
    root.innerHTML = '<style>p{color:red}</style><p>inside the shadow</p>';
    const frameDoc = (doc.getElementById('f') as HTMLIFrameElement).contentDocument!;
    frameDoc.body.innerHTML = '<p>inside the frame "quoted" &amp; more</p>';
    (doc.querySelector('input[name=q]') as HTMLInputElement).value = 'typed by the reader';

    const { html } = await inlineSnapshot(snapshotDocument(doc), fetcher, header);
    const out = new JSDOM(html).window.document;
    expect(html).not.toMatch(/javascript:|onclick|onload|refresh|<script|<base|preload|evil/i);
    expect(out.querySelector('a[href$="other.html"]')?.getAttribute('href')).toBe(`${ORIGIN}/seed/other.html`);
    const tpl = out.querySelector('#host > template[shadowrootmode="open"]') as HTMLTemplateElement;
    expect(tpl.content.textContent).toContain('inside the shadow');
    expect(tpl.content.querySelector('style')?.textContent).toContain('color');
    const srcdoc = out.querySelector('iframe')!.getAttribute('srcdoc')!;
    expect(srcdoc).toContain('inside the frame "quoted" &amp; more');
    expect(out.querySelector('input[name=q]')?.getAttribute('value')).toBe('typed by the reader');
    expect(out.querySelector('input[type=password]')?.getAttribute('value')).toBe('');
    expect(out.querySelector('div[style]')?.getAttribute('style')).toMatch(/url\(data:image\/png;base64,/);
    expect([...out.querySelectorAll('style')].map((s) => s.textContent).join('')).toMatch(/url\("data:image\/svg\+xml;base64,/);
  });
});
