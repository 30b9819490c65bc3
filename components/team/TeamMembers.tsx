import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { onEvent, send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import type { TeamMemberView } from '../../utils/messages';
import { FingerprintQr } from './FingerprintQr';

/**
 * Settings → Team → keys (issue 23; docs/team-trust.md): the reader's own
 * fingerprint to read aloud, and each colleague's, "unconfirmed" until the
 * reader compares the digits with that colleague (in person, by phone) and
 * confirms; Reset forgets a member's key; another key that claimed a member
 * is listed, refused, and can be taken after comparing it.
 */
export function TeamMembers() {
  const [members, setMembers] = useState<TeamMemberView[]>([]);
  const [own, setOwn] = useState<{ fingerprint: string; digits: string } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = async () => {
    const [s, k] = await Promise.all([send('team.status', {}), send('team.keys', {})]);
    if (s.ok) setMembers(s.value.members);
    if (k.ok) setOwn(k.value);
  };
  useEffect(() => {
    void load();
    return onEvent((e) => {
      if (e.event === 'team.status' && !e.status.running) void load();
    });
  }, []);
  const confirm = async (m: TeamMemberView) => {
    const r = await send('team.confirmMember', { member: m.id, fingerprint: m.fingerprint });
    setMessage(r.ok ? { ok: true, text: t('teamKeyConfirmedMsg', m.name) } : { ok: false, text: errorText(r.error) });
    await load();
  };
  const reset = async (m: TeamMemberView, useKey?: string) => {
    if (!window.confirm(useKey ? t('teamKeyUseAsk', m.name) : t('teamKeyResetAsk', m.name))) return;
    const r = await send('team.resetMember', { member: m.id, useKey });
    setMessage(r.ok ? { ok: true, text: t('teamKeyResetMsg', m.name) } : { ok: false, text: errorText(r.error) });
    await load();
  };
  return (
    <section aria-labelledby="team-keys-h" class="team-keys" data-testid="team-keys">
      <h3 id="team-keys-h">{t('teamKeysHeading')}</h3>
      <p class="muted">{t('teamKeysIntro')}</p>
      {own && (
        <div class="team-own-key">
          <p>
            {t('teamYourKey')} <code class="digits" data-testid="team-own-digits">{own.digits}</code>
          </p>
          <FingerprintQr text={`SAQTA-KEY:${own.fingerprint}`} label={t('teamYourKeyQr')} />
        </div>
      )}
      {members.length === 0 ? (
        <p class="muted">{t('teamKeysNone')}</p>
      ) : (
        <ul class="team-members">
          {members.map((m) => (
            <li key={m.id} data-testid="team-member" data-member={m.id}>
              <p>
                <strong>{m.name}</strong>{' '}
                <span class={m.confirmed ? 'badge ok' : 'badge warn'} data-testid="team-member-state">
                  {m.confirmed ? t('teamKeyConfirmed') : t('teamKeyUnconfirmed')}
                </span>
              </p>
              {m.fingerprint ? (
                <p>
                  {t('teamKeyDigits')} <code class="digits" data-testid="team-member-digits">{m.digits}</code>
                </p>
              ) : (
                <p class="muted">{t('teamKeyNoKey')}</p>
              )}
              {m.forks.length > 0 && (
                <p class="error" role="alert">
                  {t('teamKeyFork', [m.forks.join(', '), m.name])}
                </p>
              )}
              {m.otherKeys.map((o) => (
                <p key={o.key} class="error" data-testid="team-member-other">
                  {t('teamKeyOther', m.name)} <code class="digits">{o.digits}</code>{' '}
                  <button type="button" onClick={() => void reset(m, o.key)}>
                    {t('teamKeyUse')}
                  </button>
                </p>
              ))}
              <p class="actions">
                {!m.confirmed && m.fingerprint && (
                  <button type="button" onClick={() => void confirm(m)} data-testid="team-member-confirm">
                    {t('teamKeyConfirm', m.name)}
                  </button>
                )}{' '}
                <button type="button" onClick={() => void reset(m)} data-testid="team-member-reset">
                  {t('teamKeyReset')}
                </button>
              </p>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'muted' : 'error'} data-testid="team-keys-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
