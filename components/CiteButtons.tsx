import { useEffect, useState } from 'preact/hooks';
import type { Annotation } from '../utils/annotation';
import type { CaptureRecord, PageRecord } from '../utils/db';
import { t } from '../utils/ext/i18n';
import { citationText, copyText } from '../utils/ext/cite';

/**
 * Copy with citation (plain text, Markdown), in the side panel, the reader
 * and the library. `load` fetches the page and capture on demand when the
 * list row does not have them (the library).
 */
export function CiteButtons(props: {
  annotation: Annotation;
  page?: PageRecord | null;
  capture?: CaptureRecord | null;
  load?: () => Promise<{ page: PageRecord | null; capture: CaptureRecord | null }>;
  onError(message: string): void;
}) {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(false), 2500);
    return () => clearTimeout(timer);
  }, [done]);
  const copy = async (format: 'text' | 'markdown') => {
    const src = props.load ? await props.load() : { page: props.page ?? null, capture: props.capture ?? null };
    const ok = await copyText(citationText(props.annotation, src.page, src.capture, format));
    if (ok) setDone(true);
    else props.onError(t('citeCopyFailed'));
  };
  return (
    <span class="cite-buttons">
      <button type="button" data-testid="cite-text" title={t('citeCopy')} onClick={() => void copy('text')}>
        {t('citeButton')}
      </button>
      <button type="button" data-testid="cite-md" title={t('citeCopyMarkdown')} onClick={() => void copy('markdown')}>
        {t('citeMarkdownShort')}
        <span class="visually-hidden"> {t('citeCopyMarkdown')}</span>
      </button>
      <span role="status" class="muted small cite-status">{done ? t('citeCopied') : ''}</span>
    </span>
  );
}
