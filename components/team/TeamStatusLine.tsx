import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { onEvent, send } from '../../utils/ext/client';
import type { TeamStatus } from '../../utils/team/config';
import { refusedText, teamFailureText } from './text';
import { formatDateTime } from '../format-date';

/** Team sync status (popup and settings): last sync, progress, failures, queue, refused parts. */
export function TeamStatusLine({ compact = false }: { compact?: boolean }) {
  const [status, setStatus] = useState<TeamStatus | null>(null);
  const [members, setMembers] = useState<{ id: string; name: string }[]>([]);
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    const load = async () => {
      const [c, s] = await Promise.all([send('team.config', {}), send('team.status', {})]);
      if (c.ok) setEnabled(c.value.config.enabled);
      if (s.ok) {
        setStatus(s.value.status);
        setMembers(s.value.members);
      }
    };
    void load();
    return onEvent((e) => {
      if (e.event === 'team.status') {
        setStatus(e.status);
        if (!e.status.running) void load();
      }
    });
  }, []);
  if (!status || !enabled) return null;
  const p = status.progress;
  return (
    <div class="team-status" data-testid="team-status" aria-live="polite">
      <p data-testid="team-last-sync">
        {status.lastSyncAt ? t('teamLastSync', formatDateTime(status.lastSyncAt)) : t('teamNeverSynced')}
      </p>
      {status.running && p && (
        <p data-testid="team-progress">
          {p.phase === 'publish' ? t('teamProgress_publish') : t(`teamProgress_${p.phase}`, [String(Math.min(p.done + 1, p.total)), String(p.total)])}{' '}
          <progress max={Math.max(1, p.total)} value={p.done} aria-label={t('teamSyncNow')} />
        </p>
      )}
      {status.failure && (
        <p class="error" role="alert" data-testid="team-failure">
          {t('teamFailed', teamFailureText(status.failure.kind, status.failure.status))}
        </p>
      )}
      <p data-testid="team-queued">{status.pending || status.queuedParts ? t('teamQueued', [String(status.pending), String(status.queuedParts)]) : t('teamAllShared')}</p>
      {!compact && members.length > 0 && <p data-testid="team-members">{t('teamMembers', members.map((m) => m.name).join(', '))}</p>}
      {status.refused.length > 0 && (
        <details open={!compact} data-testid="team-refused">
          <summary>{t('teamRefusedHeading')} ({status.refused.length})</summary>
          <ul>
            {status.refused.slice(0, compact ? 3 : 50).map((r) => (
              <li key={`${r.member}/${r.part}/${r.at}`}>{t('teamRefused', [r.memberName, r.part, refusedText(r.kind)])}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
