import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import type { Annotation } from '../../utils/annotation';
import { useActivePage } from '../../components/useActivePage';
import { ClaimCard } from './ClaimCard';
import './sidepanel.css';

export function App() {
  const state = useActivePage();
  const [filter, setFilter] = useState('');
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
  const byId = new Map(view.annotations.map((a) => [a.id, a]));
  // Document order as the page reports it; claims the page has not placed yet follow; orphans apart.
  const placed = (report?.claims ?? []).filter((c) => byId.has(c.id));
  const orphanIds = new Set(report ? report.orphans : view.annotations.filter((a) => a.anchor === 'orphan').map((a) => a.id));
  const placedIds = new Set(placed.map((c) => c.id));
  const pending = view.annotations.filter((a) => !placedIds.has(a.id) && !orphanIds.has(a.id));
  const orphans = view.annotations.filter((a) => orphanIds.has(a.id));
  const allTags = [...new Set(view.annotations.flatMap((a) => a.body.tags))].sort((a, b) => a.localeCompare(b));
  const shown = (a: Annotation) => !filter || a.body.tags.includes(filter);
  const show = (id: string) => void browser.tabs.sendMessage(tabId, { command: 'scroll-to', annotationId: id }).catch(() => undefined);

  const list = [
    ...placed.map((c) => ({ a: byId.get(c.id)!, place: c.weak ? ('weak' as const) : ('anchored' as const) })),
    ...pending.map((a) => ({ a, place: 'pending' as const })),
  ].filter((x) => shown(x.a));
  const orphanList = orphans.filter(shown);

  return (
    <main>
      <h1>{t('sidepanelTitle')}</h1>
      <p class="page-title">{view.page?.title ?? state.status.title}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {view.annotations.length === 0 ? (
        <p class="muted" data-testid="empty">{t('sidepanelEmpty')}</p>
      ) : (
        <>
          {allTags.length > 0 && (
            <label class="filter">
              {t('spFilterLabel')}
              <select value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value)}>
                <option value="">{t('spAllTags')}</option>
                {allTags.map((tag) => (
                  <option value={tag}>{tag}</option>
                ))}
              </select>
            </label>
          )}
          {list.length === 0 && orphanList.length === 0 && <p class="muted">{t('spNoMatch')}</p>}
          <ol class="claims" aria-label={t('claimsLabel')} data-testid="claims">
            {list.map(({ a, place }) => (
              <li key={a.id}>
                <ClaimCard annotation={a} place={place} onShow={place === 'pending' ? undefined : () => show(a.id)} onError={setError} />
              </li>
            ))}
          </ol>
          {orphanList.length > 0 && (
            <section class="orphans" aria-labelledby="orphans-h" data-testid="orphans">
              <h2 id="orphans-h">
                {t('spOrphans')} <span class="count">({orphanList.length})</span>
              </h2>
              <p class="muted small">{t('spOrphansHelp')}</p>
              <ul class="claims">
                {orphanList.map((a) => (
                  <li key={a.id}>
                    <ClaimCard annotation={a} place="orphan" onError={setError} />
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </main>
  );
}
