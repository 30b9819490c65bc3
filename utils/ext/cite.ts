/**
 * Copy with citation, in the reader's language (utils/cite.ts builds the
 * text). Used by the in-page toolbar, the side panel, the reader and the
 * library.
 */
import type { Annotation } from '../annotation';
import type { CaptureRecord, PageRecord } from '../db';
import { citation, citationSource, type CitationFormat, type CitationLabels, type LiveMeta } from '../cite';
import { t, uiLang } from './i18n';

function citationLabels(): CitationLabels {
  return {
    published: t('citePublished', '$1'),
    captured: t('citeCaptured', '$1'),
    hash: t('citeHash', ['$1', '$2']),
    archive: t('citeArchive', '$1'),
    notSaved: t('citeNotSaved'),
    page: t('pdfPageNo', '$1'),
    area: t('pdfAreaOnPage', '$1'),
    kinds: { snapshot: t('citeKindSnapshot'), raw: t('citeKindRaw'), article: t('citeKindArticle') },
  };
}

/** The one citation builder of every view; `live`: what the open page states (the toolbar on a live page). */
export function citationText(a: Annotation, page: PageRecord | null | undefined, capture: CaptureRecord | null | undefined, format: CitationFormat, live?: LiveMeta): string {
  return citation(citationSource(a, page, capture, live), format, uiLang(), citationLabels());
}

/** Put text on the clipboard (a person's click is the gesture it needs). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
