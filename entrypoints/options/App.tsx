import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import type { Api } from '../../utils/messages';
import type { BackupStatus } from '../../utils/backup';
import { MAX_REMINDER_DAYS } from '../../utils/backup';
import { formatBytes } from '../../components/format-bytes';
import { formatDateTime } from '../../components/format-date';
import { EvidenceSettings } from './EvidenceSettings';
import { TeamSettings } from '../../components/team/TeamSettings';
import { WatchSettings } from './WatchSettings';
import { FallbackSettings } from './FallbackSettings';
import { PdfSettings } from './PdfSettings';
import { LockSettings } from '../../components/lock/LockSettings';
import { WipeSettings } from './WipeSettings';

type Status = Api['storage.status']['res'];

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);

  const load = () => send('storage.status', {}).then((r) => (r.ok ? setStatus(r.value) : setError(errorText(r.error))));
  useEffect(() => void load(), []);

  const persist = async () => {
    const granted = await navigator.storage?.persist?.().catch(() => false);
    setRefused(!granted);
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
            {refused && !status.persisted && <p role="alert">{t('storageRequestRefused')}</p>}
          </>
        )}
      </section>
      <BackupSettings />
      <LockSettings />
      <EvidenceSettings />
      <TeamSettings />
      <WatchSettings />
      <FallbackSettings />
      <PdfSettings />
      <WipeSettings />
      <section aria-labelledby="keys-h">
        <h2 id="keys-h">{t('shortcutsHeading')}</h2>
        <p>{t('shortcutsHelp')}</p>
      </section>
    </main>
  );
}

/** The backup reminder's number of days, and where the backups stand. */
function BackupSettings() {
  const [backup, setBackup] = useState<BackupStatus | null>(null);
  const [days, setDays] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const load = async () => {
    const r = await send('backup.status', {});
    if (r.ok) {
      setBackup(r.value);
      setDays(String(r.value.reminderDays));
    } else setMessage({ ok: false, text: errorText(r.error) });
  };
  useEffect(() => void load(), []);

  const save = async (e: Event) => {
    e.preventDefault();
    const r = await send('settings.set', { settings: { backupReminderDays: Number(days) } });
    setMessage(r.ok ? { ok: true, text: t('settingsSaved') } : { ok: false, text: errorText(r.error) });
    if (r.ok) await load();
  };

  return (
    <section aria-labelledby="backup-h">
      <h2 id="backup-h">{t('backupHeading')}</h2>
      {backup && (
        <>
          <p data-testid="last-export">
            {backup.lastExportAt ? t('backupLastExport', formatDateTime(backup.lastExportAt)) : t('backupNeverExported')}
          </p>
          <p data-testid="unexported">{t('backupUnexported', String(backup.unexported))}</p>
          <form onSubmit={(e) => void save(e)}>
            <label for="reminder-days">{t('backupReminderLabel')}</label>{' '}
            <input
              id="reminder-days"
              type="number"
              min={0}
              max={MAX_REMINDER_DAYS}
              step={1}
              required
              value={days}
              onInput={(e) => setDays((e.target as HTMLInputElement).value)}
              style={{ width: '6em' }}
            />{' '}
            <button type="submit" data-testid="reminder-save">{t('settingsSave')}</button>
          </form>
        </>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'muted' : 'error'} data-testid="settings-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
