import { t } from '../../utils/ext/i18n';
import { useActivePage } from '../../components/useActivePage';
import { ClaimItem } from '../../components/ClaimItem';
import './sidepanel.css';

export function App() {
  const state = useActivePage();
  return (
    <main>
      <h1>{t('sidepanelTitle')}</h1>
      {state.kind === 'loading' && <p class="muted">{t('loading')}</p>}
      {state.kind === 'unsupported' && <p class="muted">{t('popupUnsupported')}</p>}
      {state.kind === 'error' && <p class="error" role="alert">{state.message}</p>}
      {state.kind === 'ready' && (
        <section>
          <p class="page-title">{state.view.page?.title ?? state.status.title}</p>
          {state.view.annotations.length === 0 ? (
            <p class="muted" data-testid="empty">{t('sidepanelEmpty')}</p>
          ) : (
            <ol class="claims" aria-label={t('claimsLabel')}>
              {state.view.annotations.map((a) => (
                <li>
                  <ClaimItem annotation={a} />
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </main>
  );
}
