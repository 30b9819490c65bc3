import { useEffect, useState } from 'preact/hooks';
import { t } from '../utils/ext/i18n';
import { send, onEvent } from '../utils/ext/client';
import type { BackupStatus } from '../utils/backup';
import { formatDate } from './format-date';

/**
 * The backup reminder (popup, library): shown when claims have waited longer
 * than the reader's number of days without being exported to a bundle file.
 * `onOpenLibrary` adds a button that takes the reader where exports are made.
 */
export function BackupReminder({ onOpenLibrary }: { onOpenLibrary?: () => void }) {
  const [status, setStatus] = useState<BackupStatus | null>(null);
  useEffect(() => {
    const load = () => send('backup.status', {}).then((r) => r.ok && setStatus(r.value));
    void load();
    return onEvent(() => void load());
  }, []);
  if (!status?.due) return null;
  const since = status.oldestUnexported ? formatDate(status.oldestUnexported) : '—';
  return (
    <div class="backup-reminder" role="status" data-testid="backup-reminder">
      <p>{t('backupDue', [String(status.unexported), since])}</p>
      {onOpenLibrary && (
        <button type="button" onClick={onOpenLibrary}>
          {t('backupOpenLibrary')}
        </button>
      )}
    </div>
  );
}
