/**
 * A PDF shown as pages. At open, every page's box and its text as PDF.js reads
 * it (`getTextContent`, once per page, kept) are put in place: the text as a
 * plain, unpositioned, hidden layer (a span per text run, a <br> after a run
 * that ends a line — the same text, in the same order, as PDF.js's TextLayer
 * makes), which is all claims need to anchor in, so the whole document's text
 * is there from the start without laying a page out. A page's positioned
 * TextLayer and its canvas are made only when it comes near the screen; the
 * plain layer's elements then take the laid-out layer's positions (their
 * text nodes, where claims are anchored, stay), and the highlights show
 * there. Far pages are `content-visibility: auto`.
 * PDF.js's core is loaded here only (never in a content script); its worker,
 * character maps and standard fonts are extension files fetched on demand
 * (docs/pdf.md).
 */
import { GlobalWorkerOptions, getDocument, TextLayer, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist';
import type { TextContent } from 'pdfjs-dist/types/src/display/api';
import { browser } from 'wxt/browser';

const url = (path: string) => browser.runtime.getURL(path as '/pdf.html');

export interface OpenedPdf {
  pdf: PDFDocumentProxy;
  pages: HTMLElement[];
  /** Pages whose text layer holds no text (scanned images). */
  imageOnly: number[];
  /** Each page's text, a line per text run that ends a line (saved for the library's search). */
  texts: string[];
  /** Render a page to an image (the first page for the capture record). */
  snapshot(pageNumber: number, maxWidth: number): Promise<Blob | null>;
  /** Render an area of a page (PDF points from its top-left corner) to a PNG at most `maxWidth` px wide (an area claim's picture). */
  crop(area: { page: number; left: number; top: number; width: number; height: number }, maxWidth: number): Promise<Blob | null>;
  destroy(): void;
}

/** CSS pixels per PDF point at which pages are laid out (the width of the column, at most 1.5). */
function scaleFor(container: HTMLElement, width: number): number {
  const room = Math.max(320, Math.min(container.clientWidth || 900, 1100) - 32);
  return Math.min(1.5, room / width);
}

export async function openPdf(bytes: Uint8Array, container: HTMLElement): Promise<OpenedPdf> {
  GlobalWorkerOptions.workerSrc = url('/pdfjs/pdf.worker.min.mjs');
  const task = getDocument({
    // PDF.js transfers the buffer to its worker: give it a copy, the caller keeps the bytes.
    data: bytes.slice(),
    cMapUrl: url('/pdfjs/cmaps/'),
    cMapPacked: true,
    standardFontDataUrl: url('/pdfjs/standard_fonts/'),
    wasmUrl: url('/pdfjs/wasm/'),
    // No WebAssembly (the extension pages' CSP has no 'wasm-unsafe-eval'): JPX/JBIG2 decode in JS.
    useWasm: false,
    enableXfa: false,
    // Nothing from the network, ever: the bytes are all PDF.js gets.
    disableAutoFetch: true,
    disableStream: true,
  });
  const pdf = await task.promise;
  const pages: HTMLElement[] = [];
  const imageOnly: number[] = [];
  const texts: string[] = [];
  const painted = new Set<number>();
  const proxies = new Map<number, PDFPageProxy>();

  const contents = new Map<number, TextContent>();
  const laidOut = new Set<number>();

  /** The page's positioned text layer (PDF.js's TextLayer) in place of its plain one: only near the screen. */
  const layout = async (n: number) => {
    const box = pages[n - 1]!;
    const plain = box.querySelector<HTMLElement>('.textLayer[data-plain]');
    const content = contents.get(n);
    if (!plain || !content || laidOut.has(n)) return;
    laidOut.add(n);
    const scale = Number(box.dataset.scale);
    const fresh = document.createElement('div');
    fresh.className = 'textLayer';
    await new TextLayer({ textContentSource: content, container: fresh, viewport: proxies.get(n)!.getViewport({ scale }) }).render();
    // The claims' ranges end in the plain layer's text nodes: keep those nodes and give their elements the
    // laid-out layer's positions (a removed node would cut a range across the page break short). The two
    // layers have the same elements in the same order (a span per non-empty run, a <br> per line end).
    const from = [...fresh.children];
    const to = [...plain.children];
    if (from.length === to.length && from.every((el, i) => el.localName === to[i]!.localName && el.textContent === to[i]!.textContent)) {
      from.forEach((el, i) => {
        for (const { name, value } of el.attributes) to[i]!.setAttribute(name, value);
      });
      for (const { name, value } of fresh.attributes) plain.setAttribute(name, value);
      delete plain.dataset.plain;
    } else plain.replaceWith(fresh);
  };

  const paint = async (n: number) => {
    if (painted.has(n)) return;
    painted.add(n);
    void layout(n);
    const page = proxies.get(n)!;
    const box = pages[n - 1]!;
    const scale = Number(box.dataset.scale);
    const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.setAttribute('aria-hidden', 'true');
    box.prepend(canvas);
    await page.render({ canvas, canvasContext: canvas.getContext('2d')!, viewport }).promise.catch(() => undefined);
    box.dataset.painted = 'true';
  };

  const seen = new IntersectionObserver(
    (entries) => {
      for (const e of entries) if (e.isIntersecting) void paint(Number((e.target as HTMLElement).dataset.pageNumber));
    },
    { rootMargin: '800px 0px' },
  );

  const place = (n: number, page: PDFPageProxy, content: TextContent) => {
    proxies.set(n, page);
    contents.set(n, content);
    const base = page.getViewport({ scale: 1 });
    const scale = scaleFor(container, base.width);
    const viewport = page.getViewport({ scale });
    const box = document.createElement('section');
    box.className = 'pdf-page';
    box.dataset.pageNumber = String(n);
    box.dataset.scale = String(scale);
    // The page's size in PDF points as shown (area claims are in points: utils/pdf/area.ts).
    box.dataset.points = `${base.width},${base.height}`;
    box.style.width = `${Math.floor(viewport.width)}px`;
    box.style.height = `${Math.floor(viewport.height)}px`;
    box.style.setProperty('--scale-factor', String(scale));
    box.style.setProperty('--user-unit', '1');
    box.style.setProperty('--total-scale-factor', String(scale));
    // The plain text layer: the page's text runs as TextLayer would put them, not positioned, hidden (pdf.css).
    const text = document.createElement('div');
    text.className = 'textLayer';
    text.dataset.plain = 'true';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      if (item.str) {
        const span = document.createElement('span');
        span.textContent = item.str;
        text.append(span);
      }
      if (item.hasEOL) text.append(document.createElement('br'));
    }
    box.append(text);
    container.append(box);
    pages.push(box);
    texts.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join(''));
    if (!content.items.some((i) => 'str' in i && i.str.trim())) {
      imageOnly.push(n);
      box.dataset.imageOnly = 'true';
    }
    seen.observe(box);
  };

  // Page 1 first (its canvas starts at once), then the others' boxes and text a batch at a time: the
  // requests to PDF.js's worker overlap instead of waiting for each other.
  const fetchPage = async (n: number) => {
    const page = await pdf.getPage(n);
    return { page, content: await page.getTextContent() };
  };
  for (let n = 1; n <= pdf.numPages; ) {
    const batch = n === 1 ? 1 : Math.min(16, pdf.numPages - n + 1);
    const got = await Promise.all(Array.from({ length: batch }, (_, i) => fetchPage(n + i)));
    got.forEach((g, i) => place(n + i, g.page, g.content));
    n += batch;
  }

  return {
    pdf,
    pages,
    imageOnly,
    texts,
    async snapshot(n, maxWidth) {
      const page = proxies.get(n);
      if (!page) return null;
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: Math.min(2, maxWidth / base.width) });
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvas, canvasContext: ctx, viewport }).promise;
      return new Promise((done) => canvas.toBlob((b) => done(b), 'image/png'));
    },
    async crop(area, maxWidth) {
      const page = proxies.get(area.page);
      if (!page) return null;
      const scale = Math.min(3, Math.max(1, maxWidth / area.width));
      const viewport = page.getViewport({ scale, offsetX: -area.left * scale, offsetY: -area.top * scale });
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.floor(area.width * scale));
      canvas.height = Math.max(1, Math.floor(area.height * scale));
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvas, canvasContext: ctx, viewport }).promise;
      return new Promise((done) => canvas.toBlob((b) => done(b), 'image/png'));
    },
    destroy() {
      seen.disconnect();
      void task.destroy();
    },
  };
}
