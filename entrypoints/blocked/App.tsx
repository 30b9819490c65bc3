import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import { formatDateTime } from '../../components/format-date';
import { send } from '../../utils/ext/client';
import type { PageView } from '../../utils/messages';
import type { BlockReason } from '../../utils/blocked';

const REASONS: BlockReason[] = ['dns', 'refused', 'reset', 'timeout', 'tls', 'unreachable', 'legal'];

/** Shown instead of the browser's error page when a page with a saved copy cannot be reached. */
export function App() {
  const params = new URLSearchParams(location.search);
  const pageId = params.get('page') ?? '';
  const url = params.get('url') ?? '';
  const reason = REASONS.find((r) => r === params.get('reason')) ?? 'unreachable';
  const error = params.get('error');
  const [view, setView] = useState<PageView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    void send('page.byId', { pageId }).then((res) => (res.ok ? setView(res.value) : setFailure(res.error.message)));
  }, [pageId]);

  const reader = browser.runtime.getURL(`/reader.html?page=${encodeURIComponent(pageId)}` as '/reader.html');
  const safeUrl = /^https?:\/\//i.test(url) ? url : '';

  return (
    <main class="blocked">
      <p class="brand">Saqta</p>
      <h1>{t('blockedTitle')}</h1>
      <p class="url" dir="ltr">
        {url}
      </p>
      <p data-testid="reason">{t(`blockedReason_${reason}`)}</p>
      {error && <p class="muted small">{t('blockedTechnical', error)}</p>}
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      {view?.page && (
        <section class="copy" aria-labelledby="copy-title">
          <h2 id="copy-title" lang={view.page.lang}>
            {view.page.title}
          </h2>
          {view.capture && (
            <p class="muted">{t('blockedSavedOn', formatDateTime(view.capture.capturedAt))}</p>
          )}
          {view.capture?.author && (
            <p class="muted" data-testid="saved-by">
              {t(view.capture.author.unconfirmed ? 'teamSavedByUnconfirmed' : 'teamSavedBy', view.capture.author.name)}
            </p>
          )}
          <p class="muted">{t('popupClaimCount', String(view.annotations.length))}</p>
          <div class="actions">
            <a class="button primary" href={reader} data-testid="open-copy">
              {t('openSavedCopy')}
            </a>
            {safeUrl && (
              <a class="button" href={safeUrl} rel="noreferrer">
                {t('blockedRetry')}
              </a>
            )}
          </div>
        </section>
      )}
    </main>
  );
}
