import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import { QuickWipe } from '../../components/QuickWipe';
import { WIPE_AFTER_CHOICES, type WipeSettings as Settings } from '../../utils/wipe';

/** Quick wipe and "wipe after N wrong passphrases" (issue 28), with the link to what the lock protects. */
export function WipeSettings() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    void send('wipe.settings', {}).then((r) => (r.ok ? setSettings(r.value.settings) : setMessage({ ok: false, text: errorText(r.error) })));
  }, []);

  const choose = async (value: string) => {
    const next: Settings = { afterFailures: value === 'off' ? null : Number(value) };
    const r = await send('wipe.configure', { settings: next });
    if (r.ok) {
      setSettings(r.value.settings);
      setMessage({ ok: true, text: t('wipeAfterSaved') });
    } else setMessage({ ok: false, text: errorText(r.error) });
  };

  return (
    <section aria-labelledby="wipe-h" data-testid="wipe-settings">
      <h2 id="wipe-h">{t('wipeHeading')}</h2>
      <QuickWipe />
      {settings && (
        <p>
          <label for="wipe-after">{t('wipeAfterLabel')}</label>{' '}
          <select id="wipe-after" data-testid="wipe-after" aria-describedby="wipe-after-hint" value={settings.afterFailures === null ? 'off' : String(settings.afterFailures)} onChange={(e) => void choose((e.target as HTMLSelectElement).value)}>
            <option value="off">{t('wipeAfterOff')}</option>
            {WIPE_AFTER_CHOICES.map((n) => (
              <option value={String(n)}>{t('wipeAfterN', String(n))}</option>
            ))}
          </select>
        </p>
      )}
      <p class="muted" id="wipe-after-hint">{t('wipeAfterHint')}</p>
      {message && (
        <p class={message.ok ? 'muted' : 'error'} role={message.ok ? 'status' : 'alert'} data-testid="wipe-after-message">
          {message.text}
        </p>
      )}
      <p>
        <a href="/protection.html" target="_blank" rel="noopener" data-testid="protection-link">
          {t('protectionLink')}
        </a>
      </p>
    </section>
  );
}
