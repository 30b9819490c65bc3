import { useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { sendTab } from '../../utils/ext/tabs';
import { useActivePage } from '../../components/useActivePage';
import { FramesNotice } from '../../components/FramesNotice';
import { ClaimsView } from '../../components/ClaimsView';
import { ChangedSince } from '../../components/ChangedSince';
import './sidepanel.css';

export function App() {
  const state = useActivePage();
  const [error, setError] = useState('');

  if (state.kind !== 'ready') {
    return (
      <main>
        <h1>{t('sidepanelTitle')}</h1>
        {state.kind === 'loading' && <p class="muted">{t('loading')}</p>}
        {state.kind === 'unsupported' && <p class="muted">{t('popupUnsupported')}</p>}
        {state.kind === 'error' && <p class="error" role="alert">{state.message}</p>}
      </main>
    );
  }

  const { view, report, tabId } = state;
  return (
    <main>
      {/* Focusable by script only: where the focus goes when the last claim card it was on is deleted (issue 22). */}
      <h1 id="sp-title" tabIndex={-1}>
        {t('sidepanelTitle')}
      </h1>
      <p class="page-title">{view.page?.title ?? state.status.title}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <FramesNotice frames={state.status.frames} />
      <ChangedSince pageId={view.page?.id ?? null} tabId={tabId} annotations={view.annotations} />
      {view.annotations.length === 0 ? (
        <p class="muted" data-testid="empty">{t('sidepanelEmpty')}</p>
      ) : (
        <ClaimsView
          view={view}
          report={report}
          onShow={(id) => void sendTab(tabId, { command: 'scroll-to', annotationId: id })}
          onError={setError}
          heading="sp-title"
        />
      )}
    </main>
  );
}

