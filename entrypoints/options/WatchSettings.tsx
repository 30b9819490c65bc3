import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { onEvent, send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import type { WatchSettings as Settings } from '../../utils/messages';

const INTERVALS = [6, 12, 24, 48, 168];

/** Watching: what it does and reveals, how often, which tags, notifications, how many articles are watched. */
export function WatchSettings() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [tags, setTags] = useState('');
  const [cookieSites, setCookieSites] = useState('');
  const [count, setCount] = useState<number | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');

  const load = async () => {
    const res = await send('watch.settings', {});
    if (!res.ok) return setError(errorText(res.error));
    setSettings(res.value.settings);
    setTags(res.value.settings.tags.join(', '));
    setCookieSites((res.value.settings.cookieSites ?? []).join(', '));
    setCount(res.value.watched);
  };
  useEffect(() => {
    void load();
    return onEvent((e) => {
      if (e.event === 'watch.changed' || e.event === 'annotations.changed') void load();
    });
  }, []);

  const save = async (e: globalThis.Event) => {
    e.preventDefault();
    if (!settings) return;
    setMessage('');
    setError('');
    const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
    const res = await send('watch.configure', { settings: { ...settings, tags: list(tags), cookieSites: list(cookieSites) } });
    if (!res.ok) return setError(errorText(res.error));
    setSettings(res.value.settings);
    setCount(res.value.watched);
    setMessage(t('watchSettingsSaved'));
  };

  return (
    <section aria-labelledby="watch-h" data-testid="watch-settings">
      <h2 id="watch-h">{t('watchSettingsTitle')}</h2>
      <p>{t('watchSettingsExplain')}</p>
      <p data-testid="watch-count">
        <strong>{count === null ? '…' : t('watchCount', String(count))}</strong>
      </p>
      {settings && (
        <form onSubmit={(e) => void save(e)} class="watch-form">
          <p>
            <label>
              {t('watchInterval')}{' '}
              <select data-testid="watch-interval" value={String(settings.intervalHours)} onChange={(e) => setSettings({ ...settings, intervalHours: Number((e.target as HTMLSelectElement).value) })}>
                {INTERVALS.map((h) => (
                  <option value={String(h)}>{t(`watchEvery_${h}`)}</option>
                ))}
              </select>
            </label>
          </p>
          <p>
            <label>
              {t('watchTagsLabel')}
              <br />
              <input type="text" data-testid="watch-tags" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
            </label>
          </p>
          <p>
            <label>
              {t('watchCookieSitesLabel')}
              <br />
              <input type="text" data-testid="watch-cookie-sites" value={cookieSites} aria-describedby="watch-cookie-help" onInput={(e) => setCookieSites((e.target as HTMLInputElement).value)} />
            </label>
            <br />
            <small id="watch-cookie-help" class="muted">{t('watchCookieSitesHelp')}</small>
          </p>
          <p>
            <label>
              <input type="checkbox" checked={settings.notify} onChange={(e) => setSettings({ ...settings, notify: (e.target as HTMLInputElement).checked })} /> {t('watchNotifyLabel')}
            </label>
          </p>
          <button type="submit" data-testid="watch-save">{t('watchSaveSettings')}</button>
          <p role="status" aria-live="polite">{message}</p>
          {error && <p class="error" role="alert">{error}</p>}
        </form>
      )}
    </section>
  );
}
