import type { RefObject } from 'preact';
import { t, uiLang } from '../../utils/ext/i18n';
import type { SaqtaDB } from '../../utils/db';
import type { Selection } from '../../utils/export/collect';
import { exportAllClaims } from './transfer';

/** The page's title, the search field and the library-wide actions: export everything, the claims as Markdown or JSON-LD, import. */
export function Header(props: {
  db: SaqtaDB;
  query: string;
  onQuery(q: string): void;
  exporting: boolean;
  importing: boolean;
  fileInput: RefObject<HTMLInputElement>;
  runExport(sel: Selection, what: string): void;
  onImport(file: File): void;
  setStatus(s: string): void;
}) {
  const { db, exporting, importing, setStatus } = props;
  return (
    <header class="top">
      <h1>{t('libraryTitle')}</h1>
      <div role="search" class="search">
        <label for="q" class="visually-hidden">{t('libSearchLabel')}</label>
        <input id="q" type="search" data-testid="search" placeholder={t('libSearchPlaceholder')} value={props.query} onInput={(e) => props.onQuery((e.target as HTMLInputElement).value)} />
      </div>
      <div class="actions">
        <button type="button" data-testid="export-all" aria-disabled={exporting} onClick={() => !exporting && props.runExport({ kind: 'all' }, 'library')}>{t('libExportAll')}</button>
        <button type="button" onClick={() => exportAllClaims(db, 'md', { title: t('expTitleAllClaims'), lang: uiLang() }).then((n) => setStatus(t('libExported', [n])))}>{t('libExportMarkdown')}</button>
        <button type="button" onClick={() => exportAllClaims(db, 'jsonld', { title: t('expTitleAllClaims'), lang: uiLang() }).then((n) => setStatus(t('libExported', [n])))}>{t('libExportJsonLd')}</button>
        <label class="button">
          {t('libImport')}
          <input ref={props.fileInput} aria-disabled={importing} onClick={(e) => importing && e.preventDefault()} type="file" accept=".wacz,.zip,.json,.jsonld,application/wacz,application/zip,application/json,application/ld+json" class="visually-hidden" data-testid="import-file" onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) void props.onImport(f);
          }} />
        </label>
      </div>
    </header>
  );
}
