import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import { formatDateTime } from '../../components/format-date';
import { onEvent, send } from '../../utils/ext/client';
import { loadCopy, release, type SavedCopy } from '../../components/saved-copy';
import { dirForLang } from '../../utils/extract/meta';
import { pageKeys } from '../../utils/url';
import type { Annotation } from '../../utils/annotation';
import type { AnchorReport, TabCommand } from '../../utils/messages';
import { attachSurfaces, Highlighter, HighlightMarks, type HighlighterContext } from '../../components/highlighter';
import { ClaimsView } from '../../components/ClaimsView';
import { CapturePanel } from './CapturePanel';
import { Changes } from './Changes';
import { EvidenceSheet, EvidenceStatus } from '../../components/EvidenceSheet';

type Theme = 'auto' | 'light' | 'dark';
const SIZE_KEY = 'saqta.reader.size';
const THEME_KEY = 'saqta.reader.theme';

/** The reader page is its own host: plain listeners, nothing to invalidate. */
const pageContext: HighlighterContext = {
  addEventListener: (target, type, handler, options) => target.addEventListener(type, handler, options),
  setTimeout: (handler, ms) => window.setTimeout(handler, ms),
  onInvalidated: () => undefined,
};

/**
 * Where the reader's highlighter placed the claims. A quote found word for word
 * is not "approximate" here even when its surroundings differ: the saved
 * article is the page without its headings, menus and pull quotes, so the
 * context a claim made on the live page stored rarely matches it exactly.
 */
function readerReport(hl: Highlighter): AnchorReport {
  const r = hl.anchors();
  return { ...r, claims: r.claims.map((c) => (c.quality === 'exact' ? { ...c, weak: false } : c)) };
}

/** Until the article's images have their size (layout settles), at most 1.5 s. */
function imagesSettled(root: HTMLElement): Promise<void> {
  const pending = [...root.querySelectorAll('img')].filter((i) => !i.complete);
  if (!pending.length) return Promise.resolve();
  return Promise.race([
    Promise.all(
      pending.map(
        (i) =>
          new Promise((done) => {
            i.addEventListener('load', done, { once: true });
            i.addEventListener('error', done, { once: true });
          }),
      ),
    ).then(() => undefined),
    new Promise<void>((done) => setTimeout(done, 1500)),
  ]);
}

export function App() {
  const params = new URLSearchParams(location.search);
  const pageId = params.get('page') ?? '';
  // The version read (?capture=); choosing which copy to use (CapturePanel) may change it without a reload.
  const [captureId, setCaptureId] = useState(() => params.get('capture'));
  const claimId = params.get('claim');
  const [copy, setCopy] = useState<SavedCopy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [claims, setClaims] = useState<{ annotations: Annotation[]; report: AnchorReport | null } | null>(null);
  const [size, setSize] = useState(() => Number(localStorage.getItem(SIZE_KEY)) || 19);
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(THEME_KEY) as Theme) || 'auto');
  const articleRef = useRef<HTMLDivElement>(null);
  const copyRef = useRef<SavedCopy | null>(null);
  const hlRef = useRef<Highlighter | null>(null);

  const load = useCallback(async () => {
    // PDFs (docs/pdf.md): a saved PDF is read in the PDF viewer, with its claims.
    const pdf = await send('save.captures', { pageId });
    const pdfCapture = pdf.ok ? (pdf.value.captures.find((c) => c.id === captureId) ?? pdf.value.captures[0]) : undefined;
    if (pdfCapture?.notes?.pdf) return location.replace(browser.runtime.getURL(`/pdf.html?saved=${encodeURIComponent(pageId)}&capture=${encodeURIComponent(pdfCapture.id)}`));
    const res = await loadCopy(pageId, captureId, t('readerImageMissing'));
    if ('error' in res) return setError(res.error === 'not-found' ? t('readerNotFound') : res.error);
    setCopy((old) => {
      if (old) release(old);
      return res;
    });
  }, [pageId, captureId]);

  useEffect(() => {
    void load();
    // Claims changed (here, on the live page, in the side panel, in the library): the highlighter
    // reloads them. A new save brings a new capture: the copy is read again.
    const stop = onEvent((e) => {
      if (!('pageId' in e) || e.pageId !== pageId) return;
      // A capture got its trusted timestamp (or waits again): the record is read again.
      if (e.event === 'page.saved' || e.event === 'capture.stamped' || e.event === 'capture.screenshot' || e.event === 'copy.chosen') void load();
      else if (e.event === 'annotations.changed') hlRef.current?.onChanged(pageId);
    });
    // The browser's Alt+Shift+H and the context menu reach this tab as they reach a live page's.
    const onCommand = (msg: unknown) => {
      if ((msg as TabCommand)?.command === 'highlight-selection') void hlRef.current?.highlightSelection();
    };
    browser.runtime.onMessage.addListener(onCommand);
    return () => {
      stop();
      browser.runtime.onMessage.removeListener(onCommand);
    };
  }, [load, pageId]);

  // Put the article in place (inert, sanitized nodes); the live page's highlighter (anchoring,
  // painting, toolbar) runs over it, with the Custom Highlight API for marks.
  useEffect(() => {
    const el = articleRef.current;
    if (!el || !copy) return;
    copyRef.current = copy;
    el.replaceChildren(...(copy.article ? [copy.article.cloneNode(true)] : []));
    document.title = `${copy.page.title} — Saqta`;
    const hl = hlRef.current;
    if (hl) {
      void hl.reload(true);
      return;
    }
    // The toolbar's closed-shadow host, made as on live pages (attachSurfaces only needs onInvalidated).
    const surfaces = attachSurfaces(pageContext);
    if (!surfaces) return;
    const created = new Highlighter(pageContext, surfaces, {
      source: {
        root: () => articleRef.current,
        pageInfo: () => {
          const p = copyRef.current!.page;
          return { keys: pageKeys(p.url, p.canonicalUrl), title: p.title, lang: p.lang, siteName: p.siteName };
        },
        async view() {
          const res = await send('page.byId', { pageId });
          // Citations from this page name the capture being read.
          return res.ok ? { ...res.value, capture: copyRef.current?.capture ?? res.value.capture } : null;
        },
      },
      marks: new HighlightMarks(),
      onOrderChanged: () => setClaims({ annotations: created.annotations(), report: readerReport(created) }),
    });
    hlRef.current = created;
    void created.start().then(async () => {
      setClaims({ annotations: created.annotations(), report: readerReport(created) });
      // Opened at a claim (the library's claim rows): scroll there and flash it.
      if (claimId && articleRef.current) {
        await imagesSettled(articleRef.current);
        if (!created.scrollTo(claimId)) setMessage(t('readerClaimNotHere'));
      }
    });
  }, [copy]);

  useEffect(() => {
    document.documentElement.style.setProperty('--reader-size', `${size}px`);
    localStorage.setItem(SIZE_KEY, String(size));
  }, [size]);
  useEffect(() => {
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);

  if (error) {
    return (
      <main class="reader-error">
        <p class="error" role="alert">
          {error}
        </p>
      </main>
    );
  }
  if (!copy) return <main class="muted">{t('loading')}</main>;

  const { page, capture } = copy;
  const lang = page.lang;
  const dir = dirForLang(lang, page.dir);
  const published = page.publishedTime ? new Date(page.publishedTime) : null;
  const annotations = claims?.annotations ?? copy.annotations;

  return (
    <div class="reader">
      <div class="toolbar" role="toolbar" aria-label={t('readerTitle')}>
        <button type="button" onClick={() => setSize((s) => Math.max(14, s - 1))} title={t('readerFontSmaller')}>
          A−<span class="visually-hidden"> {t('readerFontSmaller')}</span>
        </button>
        <button type="button" onClick={() => setSize((s) => Math.min(30, s + 1))} title={t('readerFontLarger')}>
          A+<span class="visually-hidden"> {t('readerFontLarger')}</span>
        </button>
        <label>
          <span class="visually-hidden">{t('readerTheme')}</span>
          <select value={theme} data-testid="theme" onChange={(e) => setTheme((e.target as HTMLSelectElement).value as Theme)}>
            <option value="auto">{t('readerThemeAuto')}</option>
            <option value="light">{t('readerThemeLight')}</option>
            <option value="dark">{t('readerThemeDark')}</option>
          </select>
        </label>
        <button type="button" onClick={() => print()}>
          {t('readerPrint')}
        </button>
        <button
          type="button"
          class="primary"
          data-testid="highlight"
          title={t('readerHighlightHint')}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => void hlRef.current?.highlightSelection()}
        >
          {t('readerHighlight')}
        </button>
        {message && (
          <span class="error" role="alert">
            {message}
          </span>
        )}
      </div>
      <div class="layout">
        <main>
          <article lang={lang} dir={dir} data-testid="article">
            <header>
              {page.siteName && <p class="site">{page.siteName}</p>}
              <h1 data-testid="title">{page.title}</h1>
              <p class="byline">
                {page.byline && <span data-testid="byline">{page.byline}</span>}
                {published && !Number.isNaN(published.valueOf()) && (
                  <time dateTime={page.publishedTime}>{t('readerPublished', formatDateTime(page.publishedTime!, true))}</time>
                )}
                {page.wordCount ? <span>{t('readerWords', String(page.wordCount))}</span> : null}
              </p>
              <p class="source print-only">
                {capture.url} · {capture.capturedAt}
              </p>
            </header>
            {!copy.article && <p class="muted">{t('readerNoArticle')}</p>}
            <div class="body" ref={articleRef} data-testid="article-body" />
          </article>
        </main>
        <aside class="side">
          <section aria-labelledby="claims-h" class="reader-claims">
            <h2 id="claims-h" tabIndex={-1}>
              {t('readerClaims', String(annotations.length))}
            </h2>
            {annotations.length === 0 ? (
              <p class="muted" data-testid="empty">{t('readerNoClaims')}</p>
            ) : (
              <ClaimsView
                view={{ page, annotations, capture }}
                report={claims?.report ?? null}
                onShow={(id) => void hlRef.current?.scrollTo(id)}
                onError={setMessage}
                heading="claims-h"
              />
            )}
          </section>
          <CapturePanel
            copy={copy}
            onChosen={(id) => {
              // A colleague's copy chosen: keep reading it; back to "my newest": read that one.
              history.replaceState(null, '', `?page=${encodeURIComponent(pageId)}${id ? `&capture=${encodeURIComponent(id)}` : ''}${claimId ? `&claim=${encodeURIComponent(claimId)}` : ''}`);
              if (id === captureId) void load();
              else setCaptureId(id);
            }}
          />
          <Changes copy={copy} />
          <EvidenceStatus copy={copy} />
        </aside>
      </div>
      <EvidenceSheet copy={copy} />
    </div>
  );
}
