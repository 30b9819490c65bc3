import { t, uiLang } from '../../utils/ext/i18n';
import { numberLocales } from '../../utils/format-bytes';
import type { ImportSummary } from '../../utils/bundle/merge';
import { lazyView } from './lazy';
import type { ExportProgress, ImportProgress } from './transfer';

const ImportSigner = lazyView(() => import('../../components/EvidenceImport').then((m) => m.ImportSigner));

/** Megabytes as a number in the interface language ("12,5"); the string around it names the unit. */
const formatMb = (n: number) => new Intl.NumberFormat(numberLocales(uiLang()), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n / 1048576);

/** An import under way: checking (megabytes read) or writing (records), with Cancel. */
export function ImportBar({ importing }: { importing: ImportProgress }) {
  return (
    <div class="progress" data-testid="import-progress">
      <label for="imp">
        {importing.phase === 'check'
          ? t('impChecking', [importing.name, formatMb(importing.done), formatMb(importing.total)])
          : t('impWriting', [String(importing.done), String(importing.total)])}
      </label>
      <progress id="imp" max={importing.total || 1} value={importing.done} />
      <button type="button" data-testid="import-cancel" onClick={() => importing.abort.abort()}>{t('impCancel')}</button>
    </div>
  );
}

/** An export under way (articles written), with Cancel. */
export function ExportBar({ progress }: { progress: ExportProgress }) {
  return (
    <div class="progress" data-testid="export-progress">
      <label for="exp">{t('libExporting', [String(progress.done), String(progress.total)])}</label>
      <progress id="exp" max={progress.total || 1} value={progress.done} />
      <button type="button" onClick={() => progress.abort.abort()}>{t('libCancel')}</button>
    </div>
  );
}

/** What an import added, merged and skipped, its notes, and who signed the package. */
export function ImportSummaryView({ summary }: { summary: ImportSummary }) {
  return (
    <div class="summary" data-testid="import-summary" role="status">
      <strong>{t('libImportDone')}</strong>{' '}
      {t('libImportSummary', [String(summary.claims.added), String(summary.claims.merged), String(summary.claims.skipped), String(summary.pages.added), String(summary.pages.merged), String(summary.tags.added)])}
      {summary.notes?.length ? (
        <details open={summary.notes.length <= 5} data-testid="import-notes">
          <summary>{t('impNotesHeading')} {summary.notes.length}</summary>
          <ul>{summary.notes.slice(0, 200).map((n, i) => <li key={i}>{t(n.key, n.args)}</li>)}</ul>
        </details>
      ) : null}
      <ImportSigner evidence={summary.evidence} />
    </div>
  );
}
