import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import { openSidePanel } from '../../utils/ext/side-panel';
import { useActivePage } from '../../components/useActivePage';
import { BackupReminder } from '../../components/BackupReminder';
import { SaveControls } from './SaveControls';
import { FramesNotice } from '../../components/FramesNotice';
import { TeamStatusLine } from '../../components/team/TeamStatusLine';
import { ChangedSince } from '../../components/ChangedSince';
import { BlockedOffer } from './BlockedOffer';
import { UnlockForm } from '../../components/lock/UnlockForm';
import { useLock } from '../../components/lock/useLock';
import { send } from '../../utils/ext/client';
import { QuickWipe } from '../../components/QuickWipe';

export function App() {
  const [lock] = useLock();
  // Locked (docs/lock.md): the unlock form instead of the page's claims; nothing of the library shows.
  if (lock?.state === 'locked') {
    return (
      <main>
        <h1>{t('extName')}</h1>
        <UnlockForm />
      </main>
    );
  }
  return <Unlocked lockOn={lock?.state === 'open'} />;
}

function Unlocked({ lockOn }: { lockOn: boolean }) {
  const state = useActivePage();

  const openPage = (path: '/library.html' | '/options.html') => {
    void browser.tabs.create({ url: browser.runtime.getURL(path) });
    window.close();
  };

  return (
    <main>
      <h1>{t('extName')}</h1>
      <BlockedOffer />
      {state.kind === 'loading' && <p class="muted">{t('loading')}</p>}
      {state.kind === 'unsupported' && <p class="muted">{t('popupUnsupported')}</p>}
      {state.kind === 'error' && (
        <p class="error" role="alert">
          {state.message}
        </p>
      )}
      {state.kind === 'ready' && (
        <section class="page">
          <p class="page-title" dir="auto" lang={state.view.page?.lang}>{state.view.page?.title ?? state.status.title}</p>
          <p class="claims" data-testid="claim-count" aria-live="polite">
            {t('popupClaimCount', String(state.view.annotations.length))}
          </p>
          <SaveControls tabId={state.tabId} view={state.view} />
        </section>
      )}
      {state.kind === 'ready' && <FramesNotice frames={state.status.frames} />}
      {state.kind === 'ready' && <ChangedSince pageId={state.view.page?.id ?? null} tabId={state.tabId} annotations={state.view.annotations} compact />}
      <BackupReminder onOpenLibrary={() => openPage('/library.html')} />
      <TeamStatusLine compact />
      <nav class="links" aria-label={t('extName')}>
        <button type="button" onClick={() => void openSidePanel().then(() => window.close())}>
          {t('openSidePanel')}
        </button>
        <button type="button" onClick={() => openPage('/library.html')}>
          {t('openLibrary')}
        </button>
        <button type="button" onClick={() => openPage('/options.html')}>
          {t('openOptions')}
        </button>
        {lockOn && (
          <button type="button" data-testid="popup-lock-now" onClick={() => void send('lock.lockNow', {})}>
            {t('lockNow')}
          </button>
        )}
      </nav>
      <QuickWipe compact />
    </main>
  );
}
