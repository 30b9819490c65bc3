/**
 * Export and import on the library page: their progress, the import summary,
 * and the refusal text. What the first screen does not need is loaded when
 * first used (export and WACZ writing, import and its worker): about 0.7 MB
 * of script the page no longer parses before its list shows.
 */
import { useRef, useState } from 'preact/hooks';
import { t, uiLang } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import type { SaqtaDB } from '../../utils/db';
import { BundleError, headlineKey } from '../../utils/zip/errors';
import { reasonText, type Reason } from '../../utils/wacz/reasons';
import type { ImportSummary } from '../../utils/bundle/merge';
import type { Selection } from '../../utils/export/collect';
import { indexArticleTexts } from '../../utils/search/articles';
import { errorResult } from '../../utils/background/errors';
import { errorText } from '../../utils/ext/errors';

const exportCode = () => import('./export');
export const exportAllClaims: typeof import('./export').exportAllClaims = (...a) => exportCode().then((m) => m.exportAllClaims(...a));
export const exportArticleHtml: typeof import('./export').exportArticleHtml = (...a) => exportCode().then((m) => m.exportArticleHtml(...a));
const exportWacz: typeof import('./export').exportWacz = (...a) => exportCode().then((m) => m.exportWacz(...a));

export type ExportProgress = { done: number; total: number; abort: AbortController };
export type ImportProgress = { name: string; phase: 'check' | 'write'; done: number; total: number; abort: AbortController };

export function useTransfers(db: SaqtaDB, say: { setStatus(s: string): void; setError(s: string): void; reload(): void }) {
  const { setStatus, setError, reload } = say;
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [importing, setImporting] = useState<ImportProgress | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  async function runExport(sel: Selection, what: string) {
    const abort = new AbortController();
    setError('');
    setProgress({ done: 0, total: 1, abort });
    const startedAt = new Date().toISOString();
    try {
      const ping = await send('ping', {});
      const software = ping.ok ? `Saqta ${ping.value.version}` : 'Saqta';
      const res = await exportWacz(db, sel, what, software, (done, total) => setProgress({ done, total, abort }), abort.signal, { title: waczTitle(sel), lang: uiLang() });
      setStatus(t('libExported', [res.name]));
      // Everything as of the start is now in a file: the backup reminder counts from here.
      if (sel.kind === 'all') await send('backup.exported', { at: startedAt });
    } catch (err) {
      if ((err as Error).name === 'AbortError') setStatus(t('libExportCancelled'));
      else setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  }

  async function onImport(file: File) {
    setError('');
    setSummary(null);
    setStatus(t('libImporting', [file.name]));
    const abort = new AbortController();
    setImporting({ name: file.name, phase: 'check', done: 0, total: file.size, abort });
    try {
      // Checked in a worker, read from the File by slices: the archive is never whole in memory, the page never freezes.
      const [{ importFile }, { default: ParseWorker }] = await Promise.all([import('../../utils/import/import'), import('./parse-worker?worker')]);
      const s = await importFile(db, file, { signal: abort.signal, worker: () => new ParseWorker(), onProgress: (phase, done, total) => setImporting({ name: file.name, phase, done, total, abort }) });
      setSummary(s);
      setStatus('');
      await send('library.imported', { pageIds: [] });
      // The imported articles' text is searchable now, not after the library is reopened.
      await indexArticleTexts(db);
      reload();
    } catch (err) {
      setStatus('');
      if (!(err instanceof BundleError)) await db.settled();
      if (abort.signal.aborted) setStatus(t('impCancelled'));
      else setError(`${t('libImportRefused')} ${importErrorText(err, db)}`);
    } finally {
      setImporting(null);
    }
    if (fileInput.current) fileInput.current.value = '';
  }

  return { progress, importing, summary, fileInput, runExport, onImport };
}

/** A refusal in the reader's language: the headline of its family, then the detail (which file, what) from its code and parameters. */
function importErrorText(err: unknown, db: SaqtaDB): string {
  if (err instanceof BundleError && err.reason) {
    // A WACZ refusal by its code (issue 25): the reason in the reader's language, not the English detail.
    return `${t(headlineKey(err.code))} ${t(err.messageKey, [err.file ?? 'WACZ', reasonText(err.reason as Reason, (k, a) => t(k, a))])}`;
  }
  if (err instanceof BundleError) {
    const detail = t(err.messageKey, err.args);
    return `${t(headlineKey(err.code))} ${err.prefixed && err.file ? `${err.file}: ` : ''}${detail === err.messageKey ? err.message : detail}`;
  }
  // A full disk or a failed write: nothing was imported.
  const storage = errorResult(err, db);
  if (!storage.ok && (storage.error.code === 'quota-exceeded' || storage.error.code === 'storage-failed')) return errorText(storage.error);
  return (err as Error).message;
}

/** A WACZ's title in the reader's language (index.html and claims.md show it). */
function waczTitle(sel: Selection): string {
  if (sel.kind === 'all') return t('expTitleLibrary');
  if (sel.kind === 'tag') return t('expTitleTag', sel.tag);
  return t(sel.kind === 'claims' ? 'expTitleClaims' : 'expTitleArticles');
}
