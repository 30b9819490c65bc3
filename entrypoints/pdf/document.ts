/**
 * A PDF shown as pages: every page's box and text layer are laid out when the
 * document opens (the text layer is what claims anchor in, so the whole
 * document's text is there from the start, in page order), and each page's
 * canvas is painted only when it comes near the screen. PDF.js's core is
 * loaded here only (never in a content script); its worker, character maps
 * and standard fonts are extension files fetched on demand (docs/pdf.md).
 */
import { GlobalWorkerOptions, getDocument, TextLayer, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist';
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

  const paint = async (n: number) => {
    if (painted.has(n)) return;
    painted.add(n);
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

  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    proxies.set(n, page);
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
    const text = document.createElement('div');
    text.className = 'textLayer';
    box.append(text);
    container.append(box);
    pages.push(box);
    const content = await page.getTextContent();
    texts.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join(''));
    if (!content.items.some((i) => 'str' in i && i.str.trim())) {
      imageOnly.push(n);
      box.dataset.imageOnly = 'true';
    }
    await new TextLayer({ textContentSource: content, container: text, viewport }).render();
    seen.observe(box);
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
