import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import { formatDateTime } from '../../components/format-date';
import type { PageView } from '../../utils/messages';
import type { CaptureRecord } from '../../utils/db';
import { ScreenshotStatus } from '../../components/ScreenshotStatus';

/**
 * Save (or save again) the page in the tab; open its saved copy. One status
 * line says where the copy stands and, while saving, what is happening: it
 * keeps its place and height, so nothing below it moves.
 */
export function SaveControls({ tabId, view }: { tabId: number; view: PageView }) {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'saving' } | { kind: 'done'; versions: number; capture: CaptureRecord } | { kind: 'error'; message: string }>({
    kind: 'idle',
  });

  const save = async () => {
    setState({ kind: 'saving' });
    const res = await send('save.page', { tabId });
    if (res.ok) return setState({ kind: 'done', versions: res.value.versions, capture: res.value.capture });
    // Cut off mid-save: the capture is written in one transaction, so nothing half-saved stays; say so.
    setState({ kind: 'error', message: res.error.code === 'interrupted' ? t('saveInterrupted') : errorText(res.error) });
  };

  const open = () => {
    if (!view.page) return;
    void browser.tabs.create({ url: browser.runtime.getURL(`/reader.html?page=${encodeURIComponent(view.page.id)}`) });
    window.close();
  };

  const busy = state.kind === 'saving' || state.kind === 'done';
  return (
    <div class="save">
      <p class="status-line" role="status" aria-live="polite">
        <span data-testid="copy-status">
          {!busy && (view.capture ? t('popupCopySaved', formatDateTime(view.capture.capturedAt)) : t('popupNoCopy'))}
        </span>
        <span data-testid="save-status">
          {state.kind === 'saving' && t('saveSaving')}
          {state.kind === 'done' && t('saveDone', String(state.versions))}
        </span>{' '}
        {/* The screenshot follows the ✓: the state of this save's capture, kept up to date by the page view's reload on every event. */}
        {state.kind === 'done' && <ScreenshotStatus capture={view.capture?.id === state.capture.id ? view.capture : state.capture} />}
        {(state.kind === 'idle' || state.kind === 'error') && view.capture && <ScreenshotStatus capture={view.capture} />}
      </p>
      {state.kind === 'error' && (
        <p class="error" role="alert">
          {state.message}
        </p>
      )}
      <div class={`save-buttons${view.capture ? ' two' : ''}`}>
        {/* aria-disabled, not disabled: a disabled button drops the keyboard focus to the page's start (issue 22). */}
        <button type="button" class="primary" data-testid="save-page" aria-disabled={state.kind === 'saving'} aria-busy={state.kind === 'saving'} onClick={() => void (state.kind !== 'saving' && save())}>
          {view.capture ? t('saveAgainButton') : t('saveButton')}
        </button>
        {view.capture ? (
          <button type="button" data-testid="open-copy" onClick={open}>
            {t('openSavedCopy')}
          </button>
        ) : (
          // Its place is kept before the first save: the button that comes with the copy pushes nothing (Watch) down.
          <button type="button" class="slot" aria-hidden="true" tabIndex={-1} disabled>
            {t('openSavedCopy')}
          </button>
        )}
      </div>
    </div>
  );
}
