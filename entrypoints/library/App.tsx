import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send, onEvent } from '../../utils/ext/client';
import type { Api } from '../../utils/messages';
import { BackupReminder } from '../../components/BackupReminder';
import './library.css';

type Pages = Api['library.pages']['res'];

export function App() {
  const [pages, setPages] = useState<Pages | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = () =>
      send('library.pages', { offset: 0, limit: 200 }).then((res) => (res.ok ? setPages(res.value) : setError(res.error.message)));
    void load();
    return onEvent(() => void load());
  }, []);

  return (
    <main>
      <h1>{t('libraryTitle')}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      <BackupReminder />
      {!pages && !error && <p class="muted">{t('loading')}</p>}
      {pages && pages.total === 0 && <p class="muted" data-testid="empty">{t('libraryEmpty')}</p>}
      {pages && pages.total > 0 && (
        <table class="pages">
          <caption class="visually-hidden">{t('libraryTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('colTitle')}</th>
              <th scope="col">{t('colSite')}</th>
              <th scope="col">{t('colClaims')}</th>
              <th scope="col">{t('colUpdated')}</th>
            </tr>
          </thead>
          <tbody>
            {pages.pages.map((p) => (
              <tr key={p.id}>
                <td lang={p.lang} dir="auto">
                  <a href={p.url} target="_blank" rel="noreferrer">
                    {p.title}
                  </a>
                </td>
                <td>{p.siteName ?? new URL(p.url).hostname}</td>
                <td>{p.claimCount}</td>
                <td>{new Date(p.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
