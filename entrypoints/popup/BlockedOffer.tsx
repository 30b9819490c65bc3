import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import { targetTab } from '../../utils/ext/tabs';
import { offerFor, openOffered } from '../../utils/ext/blocked-offer';
import { offerMatches, type BlockedOffer as Offer } from '../../utils/blocked';
import { send } from '../../utils/ext/client';
import { formatDateTime } from '../../components/format-date';
import type { PageView } from '../../utils/messages';

/**
 * The tab's page could not be reached and Saqta holds a copy: say so, and
 * open the copy in that tab with one click (docs/fallback.md). Shown even on
 * the browser's error page, where no content script runs.
 */
export function BlockedOffer() {
  const [offer, setOffer] = useState<Offer | null>(null);
  const [view, setView] = useState<PageView | null>(null);

  useEffect(() => {
    const load = async () => {
      const tab = await targetTab();
      if (tab?.id === undefined) return setOffer(null);
      const found = await offerFor(tab.id);
      const current = offerMatches(found, tab.url) ? found : null;
      setOffer(current);
      if (current) void send('page.byId', { pageId: current.pageId }).then((r) => setView(r.ok ? r.value : null));
    };
    void load();
    const onChanged = () => void load();
    browser.storage.session?.onChanged?.addListener(onChanged);
    return () => browser.storage.session?.onChanged?.removeListener(onChanged);
  }, []);

  if (!offer) return null;
  return (
    <section class="blocked-offer" aria-labelledby="blocked-offer-h" data-testid="blocked-offer">
      <p id="blocked-offer-h" class="blocked-offer-title">
        {t('popupBlockedTitle')}
      </p>
      <p class="page-title" dir="auto">
        {offer.title}
      </p>
      {view?.capture && <p class="muted">{t('blockedSavedOn', formatDateTime(view.capture.capturedAt))}</p>}
      {view?.capture?.author && (
        <p class="muted" data-testid="saved-by">
          {t('teamSavedBy', view.capture.author.name)}
        </p>
      )}
      <p class="muted" data-testid="offer-reason">
        {t(`blockedReason_${offer.reason}`)}
      </p>
      <button
        type="button"
        class="primary"
        data-testid="open-my-copy"
        onClick={() => void openOffered(offer.tabId, offer.pageId).then(() => window.close())}
      >
        {t('popupBlockedOpen')}
      </button>
    </section>
  );
}
