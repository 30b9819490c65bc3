import { t, uiLang } from '../../utils/ext/i18n';
import type { SaqtaDB } from '../../utils/db';
import type { ListSource } from '../../utils/library/query';
import { pageRows, type Row } from '../../utils/library/rows';
import type { Selection } from '../../utils/export/collect';
import { formatDate } from '../../components/format-date';
import { isPdfKey } from '../../utils/pdf/identity';
import { VirtualList } from './VirtualList';
import { ClaimCount } from './ClaimCount';
import { exportArticleHtml } from './transfer';

/** Row height (px): a title line and a line of details (library.css). */
const ARTICLE_ROW = 58;

/** Dates in the pattern the From/To filters take (components/format-date.ts). */
const fmtDate = (iso?: string) => formatDate(iso);
const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
};

/** The articles list (windowed): title, site, claim count, dates, and per article the live page, HTML and WACZ export, the watch timeline. */
export function ArticlesPane(props: {
  db: SaqtaDB;
  source: ListSource;
  total: number;
  listKey: number;
  selected: Set<string>;
  toggle(id: string): void;
  exporting: boolean;
  runExport(sel: Selection, what: string): void;
  openTimeline(t: { id: string; title: string }): void;
  setStatus(s: string): void;
}) {
  const { db, selected, exporting, setStatus } = props;
  return (
    <VirtualList<Row> total={props.total} rowHeight={ARTICLE_ROW} version={props.listKey} fetch={(offset, limit) => pageRows(db, props.source, offset, limit)} label={t('libTab_articles')} testId="articles" row={(id, r) => !id ? <div class="row main muted">…</div> : (
      <div class="row" data-page-id={id}>
        <input type="checkbox" aria-label={t('libSelect')} checked={selected.has(id)} onChange={() => props.toggle(id)} />
        {r?.page ? (
          <div class="main">
            <div class="title" dir="auto" lang={r.page.lang}>
              {isPdfKey(r.page.fingerprint) && <span class="chip pdf-mark" data-testid="pdf-mark" title={t('pdfMarkTitle')}>PDF</span>}
              {r.page.savedAt ? <a href={`reader.html?page=${encodeURIComponent(id)}`}>{r.page.title}</a> : <span>{r.page.title}</span>}
            </div>
            <div class="meta muted split">
              <span class="facts">
              {r.page.siteName ?? hostOf(r.page.url)} · <ClaimCount db={db} pageId={id} version={props.listKey} /> · {fmtDate(r.page.createdAt)}
              {r.page.savedAt ? ` · ${t('libSaved', [fmtDate(r.page.savedAt)])}` : ''} ·
              </span>
              <span class="links">
              <a href={r.page.url} target="_blank" rel="noreferrer">{t('libLive')}</a> ·{' '}
              <button type="button" class="link" onClick={() => exportArticleHtml(db, id, uiLang()).then((n) => setStatus(t('libExported', [n])))}>{t('libExportHtml')}</button>{' '}·{' '}
              <button type="button" class="link" data-testid="export-article-wacz" aria-disabled={exporting} onClick={() => !exporting && props.runExport({ kind: 'pages', pageIds: [id] }, r.page!.title)}>{t('libExportWacz')}</button>
{' '}·{' '}
              <button type="button" class="link" data-testid="open-timeline" onClick={() => props.openTimeline({ id, title: r.page!.title })}>{t('watchTimeline')}</button>
              </span>
            </div>
          </div>
        ) : <div class="main muted">…</div>}
      </div>
    )} />
  );
}
