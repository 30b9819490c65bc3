/**
 * Saqta's PDF viewer (docs/pdf.md): the PDF's bytes from the background (held
 * from the navigation on Firefox, fetched again on Chrome), PDF.js pages with a
 * text layer (document.ts), and the live page's highlighter over the text
 * layers — the same toolbar, shortcuts, tags, notes, colours and undo as on a
 * web page, with the page number in each claim's selectors. Save keeps the
 * exact bytes (utils/capture/pdf.ts).
 */
import '../../components/base.css';
import './pdf.css';
import { browser } from 'wxt/browser';
import { localizeDocument, t } from '../../utils/ext/i18n';
import { onEvent, send } from '../../utils/ext/client';
import { fromBase64, toBase64 } from '../../utils/evidence/bytes';
import { viewerParams } from '../../utils/pdf/detect';
import { pdfPageKeys, pdfTitle } from '../../utils/pdf/identity';
import type { PdfBytes } from '../../utils/pdf/api';
import type { PageSelector } from '../../utils/annotation';
import type { TabCommand, TabStatus } from '../../utils/messages';
import { attachSurfaces, Highlighter, type HighlighterContext } from '../../components/highlighter';
import { openPdf, type OpenedPdf } from './document';
import { drawAreas, keyboardAreas, PdfMarks, placeArea } from './areas';
import { blobOf } from '../../components/saved-copy';
import { evidenceSheet } from './sheet';

/**
 * A saved PDF (`?saved=<pageId>[&capture=<id>]`: the reader page and the library send saved PDFs
 * here): its stored bytes and the exchange they came in, read from the extension's own database.
 */
async function savedSource(pageId: string, captureId: string | null): Promise<{ source: PdfBytes; file: string } | string> {
  const list = await send('save.captures', { pageId });
  if (!list.ok) return list.error.message;
  const capture = list.value.captures.find((c) => c.id === captureId) ?? list.value.captures.find((c) => c.notes?.pdf);
  const ref = capture?.artifacts.find((a) => a.kind === 'raw' && a.mime === 'application/pdf');
  const blob = ref ? await blobOf(ref.blobId) : undefined;
  if (!capture || !blob) return t('pdfNoFile');
  const main = capture.exchanges?.find((x) => x.main);
  const source: PdfBytes = {
    url: capture.url,
    data: toBase64(new Uint8Array(await blob.arrayBuffer())),
    http: { url: main?.url ?? capture.finalUrl, status: main?.status ?? 200, statusText: main?.statusText ?? '', headers: main?.responseHeaders ?? [], requestHeaders: main?.requestHeaders ?? [], date: main?.date ?? capture.capturedAt },
    source: capture.notes?.pdf?.source ?? 'refetched',
  };
  return { source, file: capture.url };
}

/**
 * A local PDF's bytes (`file://`): an XHR from this page (fetch() has no file: scheme), which Chrome allows
 * only when the reader allowed Saqta file access; this page's policy names `file:` for it (wxt.config.ts).
 */
function readLocal(file: string): Promise<PdfBytes | string> {
  return new Promise((done) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', file);
    xhr.responseType = 'arraybuffer';
    xhr.onload = () => {
      const bytes = new Uint8Array(xhr.response as ArrayBuffer);
      if (!bytes.length) return done(t('pdfNoFile'));
      const date = new Date().toISOString();
      done({ url: file, data: toBase64(bytes), http: { url: file, status: 200, statusText: '', headers: [['content-type', 'application/pdf']], requestHeaders: [], date }, source: 'file' });
    };
    xhr.onerror = () => done(t('pdfNoFile'));
    xhr.send();
  });
}

const pageContext: HighlighterContext = {
  addEventListener: (target, type, handler, options) => target.addEventListener(type, handler, options),
  setTimeout: (handler, ms) => window.setTimeout(handler, ms),
  onInvalidated: () => undefined,
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('pdf-status');
const docEl = $('pdf-doc');
const saveBtn = $<HTMLButtonElement>('pdf-save');
const nativeBtn = $<HTMLButtonElement>('pdf-native');
const printBtn = $<HTMLButtonElement>('pdf-print');

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
  status.setAttribute('role', error ? 'alert' : 'status');
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function main(): Promise<void> {
  localizeDocument();
  saveBtn.textContent = t('pdfSave');
  nativeBtn.textContent = t('pdfOpenNative');
  printBtn.textContent = t('pdfPrintSheet');
  docEl.setAttribute('aria-label', t('pdfDocument'));
  document.querySelector('.pdf-bar')!.setAttribute('aria-label', t('pdfViewerTitle'));

  // Shown inside another page's frame: refuse (this page is web-accessible so Chrome can redirect to it).
  if (window.top !== window) return say(t('pdfFramed'), true);

  const query = new URLSearchParams(location.search);
  const savedPage = query.get('saved');
  const saved = savedPage ? await savedSource(savedPage, query.get('capture')) : null;
  if (typeof saved === 'string') return say(saved, true);
  const { held } = viewerParams(location.search);
  const file = saved?.file ?? viewerParams(location.search).file;
  if (!file) return say(t('pdfNoFile'), true);
  $('pdf-name').textContent = pdfTitle(file);
  nativeBtn.hidden = !/^(https?|file):/i.test(file);
  nativeBtn.addEventListener('click', async () => {
    await send('pdf.bypass', { url: file });
    location.href = file;
  });

  say(t('pdfLoading'));
  let source: PdfBytes;
  if (saved) {
    source = saved.source;
    docEl.dataset.saved = 'true';
  } else if (/^file:/i.test(file)) {
    // A local PDF (file access allowed): read here, the exact bytes of the file — only when Saqta itself
    // opened this viewer from the file's navigation (its token), never for an address a web page wrote.
    const allowed = held ? await send('pdf.local', { url: file, token: held }) : null;
    if (!allowed?.ok) return say(t('pdfLocalRefused'), true);
    const local = await readLocal(file);
    if (typeof local === 'string') return say(t('pdfFetchFailed', local), true);
    source = local;
  } else {
    const got = await send('pdf.load', { url: file, ...(held ? { held } : {}) });
    if (!got.ok) return say(t('pdfFetchFailed', got.error.message), true);
    source = got.value;
  }
  const bytes = fromBase64(source.data);
  const hash = await sha256(bytes);

  let doc: OpenedPdf;
  try {
    doc = await openPdf(bytes, docEl);
  } catch (err) {
    const name = (err as { name?: string })?.name;
    say(name === 'PasswordException' ? t('pdfPassword') : t('pdfBroken'), true);
    docEl.dataset.state = 'broken';
    return;
  }
  const meta = await doc.pdf.getMetadata().catch(() => null);
  const info = (meta?.info ?? {}) as { Title?: string; Language?: string };
  const title = pdfTitle(file, info.Title);
  $('pdf-name').textContent = title;
  document.title = `${title} — Saqta`;
  $('pdf-pages').textContent = t('pdfPageCount', String(doc.pdf.numPages));
  say(doc.imageOnly.length ? t('pdfImageOnlyArea', doc.imageOnly.join(', ')) : '');
  docEl.dataset.state = 'ready';

  let saving: Promise<void> | null = null;
  const save = () =>
    (saving ??= (async () => {
      saveBtn.disabled = true;
      say(t('pdfSaving'));
      const shot = await doc.snapshot(1, 1200).catch(() => null);
      const res = await send('pdf.save', {
        ...source,
        title,
        ...(info.Language ? { lang: info.Language } : {}),
        ids: (doc.pdf.fingerprints ?? []).filter((x): x is string => typeof x === 'string'),
        pages: doc.pdf.numPages,
        text: doc.texts,
        firstPage: shot ? toBase64(new Uint8Array(await shot.arrayBuffer())) : null,
        firstPageMime: 'image/png',
      });
      if (res.ok) say(res.value.versions > 1 ? t('pdfSavedAgain', String(res.value.versions)) : t('pdfSaved'));
      else say(t('pdfSaveFailed', res.error.message), true);
    })().finally(() => {
      saving = null;
      saveBtn.disabled = false;
    }));

  const keys = pdfPageKeys(file, hash);
  const surfaces = attachSurfaces(pageContext);
  if (!surfaces) return;
  const hl = new Highlighter(pageContext, surfaces, {
    source: {
      root: () => docEl,
      pageInfo: () => ({ keys, title, ...(info.Language ? { lang: info.Language } : {}) }),
      async view() {
        const res = await send('page.get', { keys });
        return res.ok ? res.value : null;
      },
      extraSelectors(range): PageSelector[] {
        const n = Number((range.startContainer.parentElement ?? (range.startContainer as Element)).closest?.('.pdf-page')?.getAttribute('data-page-number'));
        return Number.isInteger(n) && n > 0 ? [{ type: 'PageSelector', index: n - 1, label: String(n) }] : [];
      },
      // Area claims (scanned pages): a box on their page.
      place: (a) => placeArea(a, doc.pages),
    },
    marks: new PdfMarks(docEl),
    // Alt+Shift+S typed here (the toolbar's keys).
    save,
  });
  await hl.start();
  drawAreas(doc, docEl, (selectors) => hl.createPlaced(selectors));
  keyboardAreas(doc, (selectors) => hl.createPlaced(selectors), (text) => say(text));
  docEl.dataset.anchored = 'true';

  // A saved copy is already kept: Save stays for the live PDF.
  saveBtn.disabled = !!saved;
  saveBtn.hidden = !!saved;
  // A saved copy has its evidence sheet (claims with their page numbers), printed from here.
  const sheet = saved && savedPage ? evidenceSheet($('pdf-sheet'), savedPage, query.get('capture')) : null;
  if (sheet) {
    await sheet.refresh();
    printBtn.hidden = false;
    printBtn.addEventListener('click', () => window.print());
  }
  if (saved) say(t('pdfSavedCopy', new Date(source.http.date).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')));
  saveBtn.addEventListener('click', () => void save());
  // The browser's save-page command (Alt+Shift+S typed here reaches `save` through the toolbar's keys).
  browser.runtime.onMessage.addListener((msg: unknown) => {
    const command = msg as TabCommand;
    const c = command?.command;
    if (c === 'highlight-selection') void hl.highlightSelection();
    else if (c === 'save-page') void save();
    // The side panel asks this tab what a content script would answer: the page (the PDF's address as
    // its canonical URL), where its claims are, and to show one.
    else if (c === 'status') return Promise.resolve({ alive: true, url: location.href, title: document.title, canonical: /^https?:/i.test(file) ? file : null } satisfies TabStatus);
    else if (c === 'anchors') return Promise.resolve(hl.anchors());
    else if (command.command === 'scroll-to') return Promise.resolve(hl.scrollTo(command.annotationId));
    return undefined;
  });
  onEvent((e) => {
    if (e.event !== 'annotations.changed') return;
    hl.onChanged(e.pageId);
    void sheet?.refresh();
  });
}

void main().catch((err) => say(t('pdfBroken') + ` (${err instanceof Error ? err.message : String(err)})`, true));
