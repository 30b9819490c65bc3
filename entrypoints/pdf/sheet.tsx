/**
 * The printed evidence sheet of a saved PDF (docs/pdf.md): the reader page's
 * sheet (components/EvidenceSheet.tsx) — capture record, hashes, proof, each
 * claim with its page number, tags and notes, and the PDF's text with the
 * claims marked — rendered beside the viewer's pages and the only thing
 * printed ("Print evidence sheet" in the viewer's bar, or the browser's Print).
 */
import { render } from 'preact';
import { EvidenceSheet } from '../../components/EvidenceSheet';
import { loadCopy, release, type SavedCopy } from '../../components/saved-copy';
import { t } from '../../utils/ext/i18n';

interface Sheet {
  /** Read the copy again (claims changed) and render the sheet anew. */
  refresh(): Promise<void>;
}

export function evidenceSheet(host: HTMLElement, pageId: string, captureId: string | null): Sheet {
  let shown: SavedCopy | null = null;
  return {
    async refresh() {
      const copy = await loadCopy(pageId, captureId, t('readerImageMissing'));
      if ('error' in copy) return;
      render(<EvidenceSheet copy={copy} />, host);
      if (shown) release(shown);
      shown = copy;
      host.dataset.ready = 'true';
    },
  };
}
