import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';

/**
 * Blocked sites (docs/fallback.md): the copy is offered by default; "Open my
 * copy automatically" sends the tab to it, with what that lets a site learn.
 * Saved as soon as the box changes.
 */
export function FallbackSettings() {
  const [auto, setAuto] = useState<boolean | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');

  useEffect(() => {
    void send('settings.get', {}).then((r) => (r.ok ? setAuto(r.value.settings.openCopyAutomatically === true) : setError(errorText(r.error))));
  }, []);

  const change = async (on: boolean) => {
    setMessage('');
    setError('');
    const r = await send('settings.set', { settings: { openCopyAutomatically: on } });
    if (!r.ok) return setError(errorText(r.error));
    setAuto(r.value.settings.openCopyAutomatically === true);
    setMessage(t('settingsSaved'));
  };

  return (
    <section aria-labelledby="fallback-h" data-testid="fallback-settings">
      <h2 id="fallback-h">{t('fallbackHeading')}</h2>
      <p>{t('fallbackOffered')}</p>
      {auto !== null && (
        <p>
          <label>
            <input
              type="checkbox"
              data-testid="open-automatically"
              aria-describedby="fallback-tradeoff"
              checked={auto}
              onChange={(e) => void change((e.target as HTMLInputElement).checked)}
            />{' '}
            {t('fallbackAutoLabel')}
          </label>
        </p>
      )}
      <p id="fallback-tradeoff" class="muted">
        {t('fallbackAutoTradeoff')}
      </p>
      <p role="status" aria-live="polite" class="muted">
        {message}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
