import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import type { PageView } from '../../utils/messages';

/** Save (or save again) the page in the tab; open its saved copy. */
export function SaveControls({ tabId, view }: { tabId: number; view: PageView }) {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'saving' } | { kind: 'done'; versions: number } | { kind: 'error'; message: string }>({
    kind: 'idle',
  });

  const save = async () => {
    setState({ kind: 'saving' });
    const res = await send('save.page', { tabId });
    if (res.ok) return setState({ kind: 'done', versions: res.value.versions });
    // Cut off mid-save: the capture is written in one transaction, so nothing half-saved stays; say so.
    setState({ kind: 'error', message: res.error.code === 'interrupted' ? t('saveInterrupted') : errorText(res.error) });
  };

  const open = () => {
    if (!view.page) return;
    void browser.tabs.create({ url: browser.runtime.getURL(`/reader.html?page=${encodeURIComponent(view.page.id)}`) });
    window.close();
  };

  return (
    <div class="actions save-actions">
      <button type="button" class="primary" data-testid="save-page" disabled={state.kind === 'saving'} onClick={() => void save()}>
        {view.capture ? t('saveAgainButton') : t('saveButton')}
      </button>
      {view.capture && (
        <button type="button" data-testid="open-copy" onClick={open}>
          {t('openSavedCopy')}
        </button>
      )}
      <p class="status" role="status" aria-live="polite" data-testid="save-status">
        {state.kind === 'saving' && t('saveSaving')}
        {state.kind === 'done' && t('saveDone', String(state.versions))}
      </p>
      {state.kind === 'error' && (
        <p class="error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}
