import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { formatDateTime } from '../../components/format-date';
import { onEvent, send } from '../../utils/ext/client';
import { loadCopy, release, type SavedCopy } from '../../components/saved-copy';
import { anchorAll, describe } from '../../utils/anchoring';
import { dirForLang } from '../../utils/extract/meta';
import { pageKeys } from '../../utils/url';
import { quoteOf, type Annotation } from '../../utils/annotation';
import { CapturePanel } from './CapturePanel';
import { Changes } from './Changes';

type Theme = 'auto' | 'light' | 'dark';
const SIZE_KEY = 'saqta.reader.size';
const THEME_KEY = 'saqta.reader.theme';

/** Paint claims with the Custom Highlight API (fine in our own page; never on live pages). */
function paint(root: HTMLElement, annotations: Annotation[]): Map<string, Range | null> {
  const found = anchorAll(
    root,
    annotations.map((a) => ({ id: a.id, selectors: a.target.selector })),
  );
  const highlights = (CSS as unknown as { highlights?: Map<string, unknown> }).highlights;
  const byColor = new Map<string, Range[]>();
  const anchored = new Map<string, Range | null>();
  for (const a of annotations) {
    const hit = found.get(a.id);
    anchored.set(a.id, hit?.range ?? null);
    if (hit) byColor.set(a.body.color, [...(byColor.get(a.body.color) ?? []), hit.range]);
  }
  if (highlights) {
    for (const key of [...highlights.keys()]) if (key.startsWith('saqta-')) highlights.delete(key);
    const H = (window as unknown as { Highlight: new (...r: Range[]) => unknown }).Highlight;
    for (const [color, ranges] of byColor) highlights.set(`saqta-${color}`, new H(...ranges));
    // Team sync: colleagues' claims get a dashed underline over their colour.
    const theirs = annotations.filter((a) => a.author && found.get(a.id)).map((a) => found.get(a.id)!.range);
    if (theirs.length) highlights.set('saqta-colleague', new H(...theirs));
  }
  return anchored;
}

export function App() {
  const params = new URLSearchParams(location.search);
  const pageId = params.get('page') ?? '';
  const captureId = params.get('capture');
  const [copy, setCopy] = useState<SavedCopy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [anchored, setAnchored] = useState<Map<string, Range | null>>(new Map());
  const [size, setSize] = useState(() => Number(localStorage.getItem(SIZE_KEY)) || 19);
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(THEME_KEY) as Theme) || 'auto');
  const articleRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    const res = await loadCopy(pageId, captureId, t('readerImageMissing'));
    if ('error' in res) return setError(res.error === 'not-found' ? t('readerNotFound') : res.error);
    setCopy((old) => {
      if (old) release(old);
      return res;
    });
  }, [pageId, captureId]);

  useEffect(() => {
    void load();
    return onEvent((e) => {
      if ('pageId' in e && e.pageId === pageId) void load();
    });
  }, [load, pageId]);

  // Put the article in place (inert, sanitized nodes) and paint the claims.
  useEffect(() => {
    const el = articleRef.current;
    if (!el || !copy) return;
    el.replaceChildren(...(copy.article ? [copy.article.cloneNode(true)] : []));
    setAnchored(paint(el, copy.annotations));
    document.title = `${copy.page.title} — Saqta`;
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

  const highlight = async () => {
    const el = articleRef.current;
    const sel = getSelection();
    if (!el || !copy || !sel || sel.isCollapsed || !el.contains(sel.getRangeAt(0).commonAncestorContainer)) {
      return setMessage(t('readerSelectFirst'));
    }
    const selector = describe(el, sel.getRangeAt(0));
    if (!selector.length) return setMessage(t('readerSelectFirst'));
    const res = await send('annotation.create', {
      page: { keys: pageKeys(copy.page.url, copy.page.canonicalUrl), title: copy.page.title, lang: copy.page.lang },
      selector,
      body: { tags: [], note: '', color: 'yellow' },
    });
    if (!res.ok) return setMessage(res.error.message);
    sel.removeAllRanges();
    setMessage(null);
    await load();
  };

  /** Scroll a claim into view and select it, so keyboard users land on it too. */
  const showClaim = (range: Range | null | undefined) => {
    if (!range) return;
    (range.startContainer.parentElement ?? articleRef.current)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    const sel = getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range.cloneRange());
  };

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
        <button type="button" class="primary" data-testid="highlight" onMouseDown={(e) => e.preventDefault()} onClick={() => void highlight()}>
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
          <section aria-labelledby="claims-h">
            <h2 id="claims-h">{t('readerClaims', String(copy.annotations.length))}</h2>
            {copy.annotations.length === 0 && <p class="muted">{t('readerNoClaims')}</p>}
            <ul class="claims" data-testid="claims">
              {copy.annotations.map((a) => (
                <li key={a.id} class={`claim ${anchored.get(a.id) === null ? 'orphan' : ''}`} data-color={a.body.color}>
                  <span class="swatch" style={{ background: `var(--hl-${a.body.color})` }} />
                  <button type="button" class="link" onClick={() => showClaim(anchored.get(a.id))} disabled={!anchored.get(a.id)}>
                    <q lang={lang} dir={dir}>
                      {quoteOf(a)?.exact}
                    </q>
                  </button>
                  {anchored.get(a.id) === null && <span class="muted"> ({t('readerOrphan')})</span>}
                  {a.author && <span class="by" data-testid="claim-author"> — {t('teamBy', a.author.name)}</span>}
                  {a.body.tags.length > 0 && (
                    <div>
                      {a.body.tags.map((tag) => (
                        <span class="chip" key={tag}>
                          {tag}
                        </span>
                      ))}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <CapturePanel copy={copy} />
          <Changes copy={copy} />
        </aside>
      </div>
    </div>
  );
}
