import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import type { Api } from '../../utils/messages';

type Status = Api['storage.status']['res'];

function formatBytes(n: number | null): string {
  if (n === null) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => send('storage.status', {}).then((r) => (r.ok ? setStatus(r.value) : setError(r.error.message)));
  useEffect(() => void load(), []);

  const persist = async () => {
    await navigator.storage?.persist?.().catch(() => false);
    await load();
  };

  return (
    <main style={{ maxWidth: '720px', margin: '0 auto', padding: '16px' }}>
      <h1>{t('optionsTitle')}</h1>
      <section aria-labelledby="storage-h">
        <h2 id="storage-h">{t('storageHeading')}</h2>
        {error && <p class="error" role="alert">{error}</p>}
        {status && (
          <>
            <p data-testid="persisted">{status.persisted ? t('storagePersisted') : t('storageNotPersisted')}</p>
            <p>{t('storageUsage', [formatBytes(status.usage), formatBytes(status.quota)])}</p>
            {!status.persisted && (
              <button type="button" onClick={() => void persist()}>
                {t('storageAskPersist')}
              </button>
            )}
          </>
        )}
      </section>
      <section aria-labelledby="keys-h">
        <h2 id="keys-h">{t('shortcutsHeading')}</h2>
        <p>{t('shortcutsHelp')}</p>
      </section>
    </main>
  );
}
